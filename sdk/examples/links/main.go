// Command links is an lsphost extension that checks that the relative links
// and images of Markdown documents point at files that exist, shows a link's
// target on hover and completes paths inside "](". It needs a read grant on
// the workspace. Build it with
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o links.wasm .
//
// See README.md for its settings.
package main

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"strings"

	"github.com/lsphost/lsphost/sdk"
)

func init() {
	sdk.Register(sdk.Extension{
		Name:              "links",
		Version:           "1.0.0",
		Languages:         []string{"markdown"},
		TriggerCharacters: []string{"(", "/"},
		Init:              initialize,
		Diagnostics:       diagnostics,
		Hover:             hover,
		Completion:        complete,
	})
}

// main is never called: the module is a reactor, driven through sdk's exports.
func main() {}

type config struct {
	// Ignore lists link targets (as written, before any '#') to leave
	// unchecked: exact, or a prefix when it ends with '/' or '*'.
	Ignore []string
	// MaxCompletions caps the path proposals.
	MaxCompletions int
}

var cfg = config{MaxCompletions: 200}

// warned is set once the user has been told that links cannot be checked.
var warned bool

func initialize(s sdk.Settings) error {
	c := config{MaxCompletions: 200}
	err := s.Read(sdk.StringsSetting("ignore", &c.Ignore), sdk.IntSetting("maxCompletions", &c.MaxCompletions))
	if err != nil {
		return err
	}
	if c.MaxCompletions < 1 {
		return fmt.Errorf(`setting "maxCompletions": %d is less than 1`, c.MaxCompletions)
	}
	cfg = c
	return nil
}

// link is a link or image destination in the text.
type link struct {
	start, end int    // the destination's bytes, without <>
	spanStart  int    // the whole link: "[" or "![" or the definition's start
	spanEnd    int    // after ")" or the definition's end
	target     string // the destination as written
	image      bool
}

// forEachLink calls f for each inline link, image and reference definition
// of a Markdown text, outside code blocks and code spans.
func forEachLink(text string, f func(link)) {
	fence := "" // the opening fence of the code block we are in
	for start := 0; start < len(text); {
		end := strings.IndexByte(text[start:], '\n')
		next := len(text)
		if end < 0 {
			end = len(text)
		} else {
			end += start
			next = end + 1
		}
		line := text[start:end]
		trimmed := strings.TrimLeft(line, " ")
		if fence != "" {
			if len(line)-len(trimmed) < 4 && strings.HasPrefix(trimmed, fence) && strings.Trim(trimmed, fence[:1]+" \t\r") == "" {
				fence = ""
			}
			start = next
			continue
		}
		if len(line)-len(trimmed) < 4 && (strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~")) {
			n := len(trimmed) - len(strings.TrimLeft(trimmed, trimmed[:1]))
			fence = trimmed[:n]
			start = next
			continue
		}
		if strings.HasPrefix(line, "    ") || strings.HasPrefix(line, "\t") {
			// possibly an indented code block: only reference definitions
			// cannot be there, inline links in list items can.
		} else if l, ok := definition(line, start); ok {
			f(l)
			start = next
			continue
		}
		inlineLinks(line, start, f)
		start = next
	}
}

// definition parses a reference definition "[label]: destination".
func definition(line string, offset int) (link, bool) {
	indent := len(line) - len(strings.TrimLeft(line, " "))
	if indent > 3 || indent+1 >= len(line) || line[indent] != '[' || line[indent+1] == '^' { // [^1]: is a footnote
		return link{}, false
	}
	close := strings.Index(line[indent:], "]:")
	if close < 2 || strings.ContainsAny(line[indent+1:indent+close], "[]") {
		return link{}, false
	}
	i := indent + close + 2
	for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
		i++
	}
	s, e, ok := destination(line, i)
	if !ok || s == e {
		return link{}, false
	}
	return link{start: offset + s, end: offset + e, spanStart: offset + indent, spanEnd: offset + len(strings.TrimRight(line, " \t\r")), target: line[s:e]}, true
}

// inlineLinks finds "](destination" in a line, skipping code spans.
func inlineLinks(line string, offset int, f func(link)) {
	bracket := -1 // the last "[" seen, for the link's span
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case '\\':
			i++
		case '`':
			n := 1
			for i+n < len(line) && line[i+n] == '`' {
				n++
			}
			closing := strings.Index(line[i+n:], line[i:i+n])
			if closing < 0 {
				i += n - 1
				continue
			}
			i += n + closing + n - 1
		case '[':
			bracket = i
		case ']':
			if i+1 >= len(line) || line[i+1] != '(' || bracket < 0 {
				continue
			}
			s, e, ok := destination(line, i+2)
			if !ok {
				continue
			}
			spanEnd := strings.IndexByte(line[e:], ')')
			if spanEnd < 0 {
				spanEnd = len(line) - e
			} else {
				spanEnd++
			}
			image := bracket > 0 && line[bracket-1] == '!'
			spanStart := bracket
			if image {
				spanStart--
			}
			if s < e {
				f(link{start: offset + s, end: offset + e, spanStart: offset + spanStart, spanEnd: offset + e + spanEnd, target: line[s:e], image: image})
			}
			bracket = -1
			i = e - 1
		}
	}
}

// destination parses a link destination at line[i:]: "<...>" or a run
// without spaces and with balanced parentheses. It returns its bounds
// (inside the angle brackets).
func destination(line string, i int) (start, end int, ok bool) {
	if i < len(line) && line[i] == '<' {
		j := strings.IndexByte(line[i+1:], '>')
		if j < 0 {
			return 0, 0, false
		}
		return i + 1, i + 1 + j, true
	}
	depth := 0
	j := i
	for ; j < len(line); j++ {
		c := line[j]
		if c == ' ' || c == '\t' || c == '\r' {
			break
		}
		if c == '\\' {
			j++
			continue
		}
		if c == '(' {
			depth++
		}
		if c == ')' {
			if depth == 0 {
				break
			}
			depth--
		}
	}
	return i, min(j, len(line)), true
}

// resolve returns the workspace path a target designates, relative to the
// document at docPath, or ok false for targets that are not local files.
func resolve(docPath, target string) (p string, ok bool) {
	if target == "" || target[0] == '#' || strings.HasPrefix(target, "//") || hasScheme(target) ||
		strings.Contains(target, "{{") || strings.Contains(target, "{%") { // a site generator's template
		return "", false
	}
	for _, ig := range cfg.Ignore {
		if target == ig || (strings.HasSuffix(ig, "/") || strings.HasSuffix(ig, "*")) && strings.HasPrefix(target, strings.TrimSuffix(ig, "*")) {
			return "", false
		}
	}
	if i := strings.IndexAny(target, "#?"); i >= 0 {
		target = target[:i]
	}
	if t, err := url.PathUnescape(target); err == nil {
		target = t
	}
	if target == "" {
		return "", false
	}
	if strings.HasPrefix(target, "/") {
		p = path.Clean(target[1:]) // from the workspace root, as on code forges
	} else {
		p = path.Join(path.Dir(docPath), target)
	}
	if p == ".." || strings.HasPrefix(p, "../") {
		return "", false // outside the workspace: not ours to check
	}
	return p, true
}

func hasScheme(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c|0x20 && c|0x20 <= 'z':
		case i > 0 && ('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.'):
		case i > 0 && c == ':':
			return true
		default:
			return false
		}
	}
	return false
}

// state is what is known of a path.
type state int

const (
	unknown state = iota // not covered by the read grant
	missing
	file
	dir
)

// checker answers whether paths exist, listing each directory once per call.
type checker struct{ dirs map[string]map[string]bool } // dir → name → is a directory

func (c *checker) stat(p string) state {
	if p == "." {
		return dir
	}
	d, name := path.Dir(p), path.Base(p)
	entries, ok := c.dirs[d]
	if !ok {
		if list, err := sdk.ReadDir(d); err == nil {
			entries = make(map[string]bool, len(list))
			for _, e := range list {
				entries[e.Name()] = e.IsDir()
			}
		}
		if c.dirs == nil {
			c.dirs = map[string]map[string]bool{}
		}
		c.dirs[d] = entries
	}
	if isDir, ok := entries[name]; ok {
		if isDir {
			return dir
		}
		return file
	}
	// Not listed: ask the host, which tells a missing file from one the
	// grant does not cover (or a name the listing spells differently).
	_, err := sdk.ReadFile(p)
	switch {
	case err == nil:
		return file
	case errors.Is(err, sdk.ErrNotGranted):
		return unknown
	case errors.Is(err, fs.ErrNotExist):
		return missing
	}
	return file // exists but unreadable: a directory, too large…
}

// docPath returns the document's path in the workspace, telling the user
// once when it cannot be known.
func docPath(doc *sdk.Document) (string, bool) {
	p, ok := sdk.RelPath(doc.URI)
	if !ok && !warned {
		warned = true
		sdk.Logf(sdk.LogWarning, "cannot check links of %s: it is not inside a folder the extension may read (add [extensions.links.grants] read = [\".\"])", doc.URI)
	}
	return p, ok
}

func diagnostics(doc *sdk.Document) ([]sdk.Diagnostic, error) {
	self, ok := docPath(doc)
	if !ok {
		return nil, nil
	}
	var c checker
	var diags []sdk.Diagnostic
	forEachLink(doc.Text, func(l link) {
		p, ok := resolve(self, l.target)
		if !ok || c.stat(p) != missing {
			return
		}
		// Site generators serve "page.md" as "page/": accept that.
		if t, _, _ := strings.Cut(l.target, "#"); strings.HasSuffix(t, "/") && c.stat(p+".md") != missing {
			return
		}
		what := "link target"
		if l.image {
			what = "image"
		}
		diags = append(diags, sdk.Diagnostic{Start: l.start, End: l.end, Severity: sdk.SeverityWarning, Code: "missing",
			Message: fmt.Sprintf("%s %s not found", what, p)})
	})
	return diags, nil
}

// hover describes the target of the link under the cursor.
func hover(req *sdk.HoverRequest) (sdk.Hover, error) {
	self, ok := sdk.RelPath(req.Document.URI)
	if !ok {
		return sdk.Hover{}, nil
	}
	var found *link
	forEachLink(req.Document.Text, func(l link) {
		if found == nil && l.spanStart <= req.Offset && req.Offset <= l.spanEnd {
			found = &l
		}
	})
	if found == nil {
		return sdk.Hover{}, nil
	}
	p, ok := resolve(self, found.target)
	if !ok {
		return sdk.Hover{}, nil
	}
	var c checker
	var b strings.Builder
	fmt.Fprintf(&b, "`%s`", p)
	switch c.stat(p) {
	case missing:
		b.WriteString(": **not found**")
	case unknown:
		b.WriteString(": not covered by the extension's read grant")
	case dir:
		b.WriteString(": a folder")
	case file:
		b.WriteString(": exists")
		if title := firstLine(p); title != "" {
			fmt.Fprintf(&b, "\n\n> %s", title)
		}
	}
	return sdk.Hover{Contents: b.String(), Start: found.start, End: found.end}, nil
}

// firstLine returns a text file's title: its first heading, or its first
// line with text, if it is a small text file.
func firstLine(p string) string {
	switch strings.ToLower(path.Ext(p)) {
	case ".md", ".markdown", ".txt", ".rst", "":
	default:
		return ""
	}
	data, err := sdk.ReadFile(p)
	if err != nil || len(data) > 1<<20 {
		return ""
	}
	text := string(data)
	first := ""
	for i := 0; i < 200 && text != ""; i++ {
		var line string
		line, text, _ = strings.Cut(text, "\n")
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "#") {
			return strings.TrimSpace(strings.TrimLeft(line, "#"))
		}
		if first == "" && line != "" && !strings.HasPrefix(line, "<") && !strings.HasPrefix(line, "---") {
			first = line
		}
	}
	if len(first) > 120 {
		first = first[:120] + "…"
	}
	return first
}

// complete proposes the files of a folder while the cursor is in a link
// destination: after "](" with no space or ")" between.
func complete(req *sdk.CompletionRequest) (sdk.CompletionList, error) {
	text, offset := req.Document.Text, req.Offset
	lineStart := strings.LastIndexByte(text[:offset], '\n') + 1
	open := strings.LastIndex(text[lineStart:offset], "](")
	if open < 0 {
		return sdk.CompletionList{}, nil
	}
	typedStart := lineStart + open + 2
	typed := text[typedStart:offset]
	if strings.ContainsAny(typed, " )#?<>") || hasScheme(typed) {
		return sdk.CompletionList{}, nil
	}
	self, ok := sdk.RelPath(req.Document.URI)
	if !ok {
		return sdk.CompletionList{}, nil
	}
	dirPart, base := "", typed
	if i := strings.LastIndexByte(typed, '/'); i >= 0 {
		dirPart, base = typed[:i+1], typed[i+1:]
	}
	var d string
	switch {
	case strings.HasPrefix(dirPart, "/"):
		d = path.Clean("." + dirPart)
	default:
		d = path.Join(path.Dir(self), dirPart)
	}
	if d == ".." || strings.HasPrefix(d, "../") {
		return sdk.CompletionList{}, nil
	}
	entries, err := sdk.ReadDir(d)
	if err != nil {
		return sdk.CompletionList{}, nil
	}
	var list sdk.CompletionList
	for _, e := range entries {
		name := e.Name()
		if !strings.HasPrefix(name, base) || strings.HasPrefix(name, ".") && !strings.HasPrefix(base, ".") || path.Join(d, name) == self {
			continue
		}
		if len(list.Items) == cfg.MaxCompletions {
			list.IsIncomplete = true
			break
		}
		item := sdk.CompletionItem{Label: name, Kind: 17, Detail: path.Join(d, name), // 17: File
			Edit: &sdk.TextEdit{Start: offset - len(base), End: offset, NewText: escape(name)}}
		if e.IsDir() {
			item.Label, item.Kind = name+"/", 19 // 19: Folder
			item.Edit.NewText += "/"
		}
		list.Items = append(list.Items, item)
	}
	return list, nil
}

// escape writes a file name as a link destination: spaces and parentheses
// percent-encoded.
func escape(name string) string {
	return strings.NewReplacer(" ", "%20", "(", "%28", ")", "%29").Replace(name)
}
