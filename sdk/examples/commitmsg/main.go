// Command commitmsg is an lsphost extension that lints git commit messages
// (languageId gitcommit) against Conventional Commits and completes the
// commit types. Build it with
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o commitmsg.wasm .
//
// See README.md for its rules and settings.
package main

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/lsphost/lsphost/sdk"
)

func init() {
	sdk.Register(sdk.Extension{
		Name:            "commitmsg",
		Version:         "1.0.0",
		Languages:       []string{"gitcommit"},
		Init:            initialize,
		Diagnostics:     diagnostics,
		Completion:      complete,
		CodeActions:     codeActions,
		CodeActionKinds: []string{"quickfix"},
	})
}

// main is never called: the module is a reactor, driven through sdk's exports.
func main() {}

// config is the extension's settings table, with its defaults.
type config struct {
	// Types are the allowed commit types, with their descriptions.
	Types map[string]string
	// Scopes, if not empty, are the allowed scopes.
	Scopes []string
	// RequireScope makes a header without a scope an error.
	RequireScope bool
	// MaxHeaderLength is the longest header, in characters.
	MaxHeaderLength int
	// MaxBodyLineLength is the longest body line, in characters; 0 is no limit.
	MaxBodyLineLength int
}

// defaultTypes are the types of the Conventional Commits specification and
// of the Angular convention it grew from.
var defaultTypes = map[string]string{
	"feat":     "A new feature",
	"fix":      "A bug fix",
	"docs":     "Documentation only",
	"style":    "Formatting, white space: no change of meaning",
	"refactor": "A change that neither fixes a bug nor adds a feature",
	"perf":     "A change that improves performance",
	"test":     "Adding or correcting tests",
	"build":    "The build system or dependencies",
	"ci":       "Continuous integration configuration and scripts",
	"chore":    "Other changes that do not touch sources or tests",
	"revert":   "Reverts a previous commit",
}

var cfg config

func initialize(s sdk.Settings) error {
	c := config{Types: defaultTypes, MaxHeaderLength: 72}
	err := s.Read(sdk.StringMapSetting("types", &c.Types), sdk.StringsSetting("scopes", &c.Scopes),
		sdk.BoolSetting("requireScope", &c.RequireScope), sdk.IntSetting("maxHeaderLength", &c.MaxHeaderLength),
		sdk.IntSetting("maxBodyLineLength", &c.MaxBodyLineLength))
	if err != nil {
		return err
	}
	if len(c.Types) == 0 {
		return errors.New(`setting "types": empty: at least one type is needed`)
	}
	for t := range c.Types {
		if t == "" || strings.ContainsAny(t, "(): !\t\n") {
			return errors.New(`setting "types": ` + strconv.Quote(t) + ` is not a valid type (no spaces, parentheses, colons or "!")`)
		}
	}
	if c.MaxHeaderLength < 10 {
		return errors.New(`setting "maxHeaderLength": ` + strconv.Itoa(c.MaxHeaderLength) + " is less than 10")
	}
	if c.MaxBodyLineLength < 0 {
		return errors.New(`setting "maxBodyLineLength": ` + strconv.Itoa(c.MaxBodyLineLength) + " is negative")
	}
	cfg = c
	return nil
}

// line is one line of the message: its bounds in the text, without the line
// break.
type line struct{ start, end int }

// messageLines returns the lines of the message git will keep: comment
// lines ('#') are left out, and everything from the scissors line of
// "git commit -v" on.
func messageLines(text string) []line {
	var lines []line
	for start := 0; start < len(text); {
		end := strings.IndexByte(text[start:], '\n')
		next := len(text)
		if end < 0 {
			end = len(text)
		} else {
			end += start
			next = end + 1
		}
		l := line{start, end}
		if end > start && text[end-1] == '\r' {
			l.end--
		}
		s := text[l.start:l.end]
		if strings.HasPrefix(s, "# ") && strings.Contains(s, ">8") && strings.HasPrefix(strings.TrimLeft(s[2:], "-"), " >8 ") {
			break // scissors: the diff follows
		}
		if !strings.HasPrefix(s, "#") {
			lines = append(lines, l)
		}
		start = next
	}
	return lines
}

// The quick fixes. A diagnostic that has one carries its name as Data;
// codeActions makes its edit from the diagnostic's range.
const (
	fixBlankLine = "blank-line" // insert a blank line before the diagnostic's line
	fixLowerCase = "lower-case" // write the type in lower case
	fixOneSpace  = "one-space"  // leave one space after the colon
	fixPeriod    = "period"     // remove the period
)

// withFix gives d the quick fix named fix, as a JSON string.
func withFix(d sdk.Diagnostic, fix string) sdk.Diagnostic {
	d.Data = []byte(strconv.Quote(fix))
	return d
}

func diagnostics(doc *sdk.Document) ([]sdk.Diagnostic, error) {
	text := doc.Text
	lines := messageLines(text)
	// Leading blank lines are dropped by git: the header is the first
	// line with text.
	for len(lines) > 0 && strings.TrimSpace(text[lines[0].start:lines[0].end]) == "" {
		lines = lines[1:]
	}
	if len(lines) == 0 {
		return nil, nil // an empty message: git aborts the commit itself
	}
	h := lines[0]
	header := text[h.start:h.end]
	if generated(header) {
		return nil, nil
	}
	diags := checkHeader(header, h.start)
	if len(lines) > 1 {
		if second := lines[1]; strings.TrimSpace(text[second.start:second.end]) != "" {
			diags = append(diags, withFix(sdk.Diagnostic{
				Start: second.start, End: second.end, Severity: sdk.SeverityWarning, Code: "blank-line",
				Message: "the second line must be blank: it separates the header from the body",
			}, fixBlankLine))
		}
	}
	if cfg.MaxBodyLineLength > 0 {
		for _, l := range lines[1:] {
			s := text[l.start:l.end]
			if n := utf8.RuneCountInString(s); n > cfg.MaxBodyLineLength && !strings.Contains(s, "://") {
				diags = append(diags, sdk.Diagnostic{
					Start: l.start + runeOffset(s, cfg.MaxBodyLineLength), End: l.end, Severity: sdk.SeverityInformation, Code: "body-length",
					Message: "body line is " + strconv.Itoa(n) + " characters long, over " + strconv.Itoa(cfg.MaxBodyLineLength),
				})
			}
		}
	}
	return diags, nil
}

// generated reports whether header is one git writes itself, which
// conventions leave alone: merges, reverts, fixups.
func generated(header string) bool {
	for _, p := range []string{"Merge branch ", "Merge remote-tracking branch ", "Merge pull request ", "Merge tag ", "Merge commit ", "Revert \"", "fixup! ", "squash! ", "amend! "} {
		if strings.HasPrefix(header, p) {
			return true
		}
	}
	return false
}

// checkHeader checks "type(scope)!: subject"; start is its offset.
func checkHeader(header string, start int) []sdk.Diagnostic {
	var diags []sdk.Diagnostic
	add := func(s, e int, code, msg string) {
		diags = append(diags, sdk.Diagnostic{Start: start + s, End: start + e, Severity: sdk.SeverityWarning, Code: code, Message: msg})
	}
	if n := utf8.RuneCountInString(header); n > cfg.MaxHeaderLength {
		add(runeOffset(header, cfg.MaxHeaderLength), len(header), "header-length",
			"header is "+strconv.Itoa(n)+" characters long, over "+strconv.Itoa(cfg.MaxHeaderLength))
	}
	colon := strings.Index(header, ":")
	typeEnd := strings.IndexAny(header, "(!:")
	if colon < 0 || typeEnd < 0 || typeEnd > colon || strings.ContainsAny(header[:typeEnd], " \t") {
		add(0, len(header), "format", `header must be "type(scope): subject" with a type among `+typeList())
		return diags
	}
	typ := header[:typeEnd]
	if _, ok := cfg.Types[typ]; !ok {
		msg := "unknown type " + strconv.Quote(typ)
		if typ == "" {
			msg = "missing type"
		} else if _, ok := cfg.Types[strings.ToLower(typ)]; ok {
			diags = append(diags, withFix(sdk.Diagnostic{Start: start, End: start + len(typ), Severity: sdk.SeverityWarning,
				Code: "type", Message: "type " + strconv.Quote(typ) + " must be lower case"}, fixLowerCase))
			typ = ""
		}
		if typ != "" || header[:typeEnd] == "" {
			add(0, max(typeEnd, 1), "type", msg+": use one of "+typeList())
		}
	}
	i := typeEnd
	if header[i] == '(' {
		end := strings.IndexByte(header[i:], ')')
		if end < 0 || i+end > colon {
			add(i, colon, "scope", "scope is not closed: write \"(scope)\"")
			return diags
		}
		scope := header[i+1 : i+end]
		switch {
		case strings.TrimSpace(scope) == "":
			add(i, i+end+1, "scope", "empty scope: name one or leave out the parentheses")
		case len(cfg.Scopes) > 0 && !slices.Contains(cfg.Scopes, scope):
			add(i+1, i+end, "scope", "unknown scope "+strconv.Quote(scope)+": use one of "+strings.Join(cfg.Scopes, ", "))
		}
		i += end + 1
	} else if cfg.RequireScope {
		add(0, typeEnd, "scope", `missing scope: write "`+header[:typeEnd]+`(scope): …"`)
	}
	if i < len(header) && header[i] == '!' {
		i++
	}
	if i != colon {
		add(i, colon, "format", "unexpected "+strconv.Quote(header[i:colon])+" before the colon")
	}
	subject := header[colon+1:]
	switch {
	case strings.TrimSpace(subject) == "":
		add(colon, len(header), "subject", "missing subject after the colon")
		return diags
	case subject[0] != ' ' || len(subject) > 1 && subject[1] == ' ':
		diags = append(diags, withFix(sdk.Diagnostic{Start: start + colon, End: start + colon + 1 + len(subject) - len(strings.TrimLeft(subject, " ")),
			Severity: sdk.SeverityWarning, Code: "format", Message: "write one space after the colon"}, fixOneSpace))
	}
	if trimmed := strings.TrimRight(header, " \t"); strings.HasSuffix(trimmed, ".") && !strings.HasSuffix(trimmed, "..") {
		p := len(trimmed) - 1
		diags = append(diags, withFix(sdk.Diagnostic{Start: start + p, End: start + p + 1, Severity: sdk.SeverityWarning,
			Code: "period", Message: "the subject must not end with a period"}, fixPeriod))
	}
	return diags
}

// runeOffset returns the byte offset of the n-th character of s.
func runeOffset(s string, n int) int {
	for i := range s {
		if n == 0 {
			return i
		}
		n--
	}
	return len(s)
}

func typeList() string {
	types := sortedTypes()
	return strings.Join(types, ", ")
}

func sortedTypes() []string {
	types := make([]string, 0, len(cfg.Types))
	for t := range cfg.Types {
		types = append(types, t)
	}
	slices.Sort(types)
	return types
}

// codeActions offers the fix each diagnostic carries, an edit of its range.
func codeActions(req *sdk.CodeActionRequest) ([]sdk.CodeAction, error) {
	text := req.Document.Text
	var actions []sdk.CodeAction
	for i, d := range req.Diagnostics {
		fix, err := strconv.Unquote(string(d.Data))
		if err != nil || d.Start < 0 || d.End > len(text) || d.Start >= d.End {
			continue // not one of ours, or the editor's range is stale
		}
		title, edit := "", sdk.TextEdit{Start: d.Start, End: d.End}
		switch fix {
		case fixBlankLine:
			title, edit.End, edit.NewText = "Insert a blank line", d.Start, "\n"
		case fixLowerCase:
			edit.NewText = strings.ToLower(text[d.Start:d.End])
			title = "Write " + edit.NewText
		case fixOneSpace:
			title, edit.Start, edit.NewText = "Write one space", d.Start+1, " "
		case fixPeriod:
			title = "Remove the period"
		default:
			continue
		}
		actions = append(actions, sdk.CodeAction{Title: title, Kind: "quickfix", Diagnostics: []int{i}, IsPreferred: true,
			Edits: []sdk.TextEdit{edit}})
	}
	return actions, nil
}

// complete proposes the types while the cursor is in the type of the
// header: on its line, with nothing but type characters before it.
func complete(req *sdk.CompletionRequest) (sdk.CompletionList, error) {
	text, offset := req.Document.Text, req.Offset
	lines := messageLines(text)
	for len(lines) > 0 && strings.TrimSpace(text[lines[0].start:lines[0].end]) == "" && lines[0].end < offset {
		lines = lines[1:]
	}
	if len(lines) == 0 && strings.TrimSpace(text) == "" {
		lines = []line{{0, len(text)}} // an empty message: the header is to come
	}
	if len(lines) == 0 || offset < lines[0].start || offset > lines[0].end {
		return sdk.CompletionList{}, nil
	}
	h := lines[0]
	prefix := text[h.start:offset]
	if strings.ContainsAny(prefix, "(!: \t") {
		return sdk.CompletionList{}, nil
	}
	// Replace the type being typed, and its "(", "!" or ": " if present.
	end := offset
	for end < h.end && !strings.ContainsRune("(!: \t", rune(text[end])) {
		end++
	}
	var list sdk.CompletionList
	for i, t := range sortedTypes() {
		if !strings.HasPrefix(t, strings.ToLower(prefix)) {
			continue
		}
		newText := t + ": "
		if end < h.end && strings.ContainsRune("(!:", rune(text[end])) {
			newText = t
		}
		list.Items = append(list.Items, sdk.CompletionItem{
			Label: t, Kind: sdk.KindKeyword, Detail: cfg.Types[t],
			SortText: sortText(i),
			Edit:     &sdk.TextEdit{Start: h.start, End: end, NewText: newText},
		})
	}
	return list, nil
}

// sortText is i with at least 3 digits, so that the editor, which orders
// the items by SortText, keeps them in the order of the list.
func sortText(i int) string {
	s := strconv.Itoa(i)
	return strings.Repeat("0", max(3-len(s), 0)) + s
}
