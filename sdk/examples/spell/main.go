// Command spell is an lsphost extension that spell-checks the comments and
// strings of code and the prose of Markdown, plain text and commit
// messages against a bundled English word list, a workspace dictionary and
// the words of its settings, with suggestions as quick fixes. Build it with
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o spell.wasm .
//
// See README.md for its settings.
package main

import (
	"errors"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/lsphost/lsphost/sdk"
)

//go:generate go run gen.go /usr/share/dict/american-english

func init() {
	langs := []string{"markdown", "plaintext", "gitcommit"}
	for l := range languages {
		langs = append(langs, l)
	}
	slices.Sort(langs)
	sdk.Register(sdk.Extension{
		Name:            "spell",
		Version:         "1.0.0",
		Languages:       langs,
		Init:            initialize,
		Diagnostics:     diagnostics,
		CodeActions:     codeActions,
		CodeActionKinds: []string{"quickfix"},
	})
}

// main is never called: the module is a reactor, driven through sdk's exports.
func main() {}

type config struct {
	// Words are accepted in addition to the word lists.
	Words []string
	// Dictionary is a workspace file of accepted words, one per line,
	// read through the read grant; "" for none.
	Dictionary string
	// Strings also checks string literals in code (those with a space:
	// single tokens are keys, paths or identifiers more often than prose).
	Strings bool
	// Severity of the diagnostics: "error", "warning", "information", "hint".
	Severity string
	// MaxProblems caps the diagnostics per document.
	MaxProblems int
}

var (
	cfg      config
	severity sdk.Severity
	// extra holds cfg.Words; workspace the dictionary file's words.
	extra, workspace sortedList
	// dictText is the dictionary file's content workspace was built from.
	dictText string
	warned   bool
)

func initialize(s sdk.Settings) error {
	c := config{Dictionary: ".spelling", Strings: true, Severity: "information", MaxProblems: 500}
	err := s.Read(sdk.StringsSetting("words", &c.Words), sdk.StringSetting("dictionary", &c.Dictionary),
		sdk.BoolSetting("strings", &c.Strings), sdk.StringSetting("severity", &c.Severity),
		sdk.IntSetting("maxProblems", &c.MaxProblems))
	if err != nil {
		return err
	}
	sev, ok := map[string]sdk.Severity{"error": sdk.SeverityError, "warning": sdk.SeverityWarning,
		"information": sdk.SeverityInformation, "hint": sdk.SeverityHint}[c.Severity]
	if !ok {
		return errors.New(`setting "severity": ` + strconv.Quote(c.Severity) + ` is not one of "error", "warning", "information", "hint"`)
	}
	if c.MaxProblems < 1 {
		return errors.New(`setting "maxProblems": ` + strconv.Itoa(c.MaxProblems) + " is less than 1")
	}
	cfg, severity, extra = c, sev, newList(c.Words)
	workspace, dictText, warned = "", "", false
	return nil
}

// loadDictionary reads the workspace dictionary again, rebuilding the list
// only when the file changed.
func loadDictionary() {
	if cfg.Dictionary == "" {
		return
	}
	data, err := sdk.ReadFile(cfg.Dictionary)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		data = nil // no words added yet
	case err != nil:
		if !warned {
			warned = true
			sdk.Log(sdk.LogWarning, "dictionary "+cfg.Dictionary+": "+err.Error())
		}
		return
	}
	if string(data) == dictText {
		return
	}
	dictText = string(data)
	workspace = newList(strings.Split(dictText, "\n"))
}

func diagnostics(doc *sdk.Document) ([]sdk.Diagnostic, error) {
	loadDictionary()
	var diags []sdk.Diagnostic
	check := func(r region) {
		if r.isString && (!cfg.Strings || !strings.ContainsRune(doc.Text[r.start:r.end], ' ')) {
			return
		}
		forEachWord(doc.Text, r.start, r.end, func(start, end int, word []byte) {
			if len(diags) < cfg.MaxProblems && !known(word) {
				diags = append(diags, sdk.Diagnostic{Start: start, End: end, Severity: severity, Code: "spelling",
					Message: "unknown word " + strconv.Quote(doc.Text[start:end])})
			}
		})
	}
	switch lang := doc.LanguageID; {
	case lang == "markdown":
		markdownRegions(doc.Text, check)
	case lang == "gitcommit":
		commitRegions(doc.Text, check)
	case proseLanguages[lang]:
		check(region{0, len(doc.Text), false})
	default:
		if s, ok := languages[lang]; ok {
			s.regions(doc.Text, check)
		}
	}
	return diags, nil
}

// forEachWord calls f for each word of text[start:end] to check, with its
// lower-case form. It skips URLs, e-mail addresses, paths and dotted names,
// code spans and tags, and words that are identifiers or abbreviations:
// with digits or '_', camelCase, ALL CAPS, shorter than 3 letters, or with
// letters beyond ASCII (the word list has none).
func forEachWord(text string, start, end int, f func(start, end int, lower []byte)) {
	var buf [64]byte
	i := start
	for i < end {
		c := text[i]
		switch {
		case c == '`': // a code span
			j := strings.IndexByte(text[i+1:end], '`')
			if j < 0 {
				return
			}
			i += j + 2
			continue
		case c == '<' && strings.HasPrefix(text[i:end], "<!--"): // an HTML comment
			j := strings.Index(text[i:end], "-->")
			if j < 0 {
				return
			}
			i += j + 3
			continue
		case c == '<': // a tag or an autolink
			if j := strings.IndexByte(text[i:end], '>'); j > 0 && !strings.ContainsAny(text[i:i+j], " \n") || j > 0 && i+1 < end && (text[i+1] == '/' || isLetter(text[i+1])) {
				i += j + 1
				continue
			}
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
			continue
		}
		// A chunk: up to the next white space.
		chunkEnd := i
		for chunkEnd < end && text[chunkEnd] != ' ' && text[chunkEnd] != '\t' && text[chunkEnd] != '\n' && text[chunkEnd] != '\r' {
			chunkEnd++
		}
		chunk := text[i:chunkEnd]
		if strings.Contains(chunk, "://") || strings.Contains(chunk, "www.") || strings.ContainsAny(chunk, "@/\\{}=$%&|<>") || dotted(chunk) {
			i = chunkEnd
			continue
		}
		for j := i; j < chunkEnd; {
			if !isWordByte(text[j]) && text[j] < utf8.RuneSelf {
				j++
				continue
			}
			ws := j
			ascii := true
			for j < chunkEnd {
				if c := text[j]; c < utf8.RuneSelf {
					if isWordByte(c) || c == '\'' && j+1 < chunkEnd && isLetter(text[j+1]) && j > ws {
						j++
						continue
					}
					break
				}
				r, n := utf8.DecodeRuneInString(text[j:])
				if r == '’' && j+n < chunkEnd && isLetter(text[j+n]) {
					j += n
					ascii = false
					continue
				}
				if !unicode.IsLetter(r) && !unicode.IsMark(r) {
					break
				}
				ascii = false
				j += n
			}
			if j == ws { // a character that is neither a word's nor ASCII
				_, n := utf8.DecodeRuneInString(text[j:])
				j += n
				continue
			}
			if j < chunkEnd && text[j] == '`' {
				continue // the start of a code span glued to a word
			}
			we := j
			if raw := text[ws:j]; strings.HasSuffix(raw, "'s") {
				we -= len("'s")
			} else if strings.HasSuffix(raw, "’s") {
				we -= len("’s")
			}
			word := text[ws:we]
			if !ascii {
				if strings.ContainsFunc(word, func(r rune) bool { return r >= utf8.RuneSelf && r != '’' }) {
					continue
				}
				word = strings.ReplaceAll(word, "’", "'")
			}
			if len(word) < 3 || len(word) > len(buf) || skipWord(word) {
				continue
			}
			lower := buf[:len(word)]
			for k := range len(word) {
				lower[k] = word[k]
				if isLetter(word[k]) {
					lower[k] |= 0x20
				}
			}
			f(ws, we, lower)
		}
		i = chunkEnd
	}
}

// skipWord reports whether an ASCII word is an identifier or an
// abbreviation rather than a word: digits or '_', camelCase, ALL CAPS.
func skipWord(w string) bool {
	upper := 0
	for k := 0; k < len(w); k++ {
		c := w[k]
		switch {
		case c >= '0' && c <= '9' || c == '_':
			return true
		case c >= 'A' && c <= 'Z':
			if k > 0 && upper == 0 {
				return true // camelCase
			}
			upper++
		}
	}
	return upper > 1 // ALL CAPS (or CAPSStart)
}

// dotted reports whether a chunk is a dotted name or a file name: a '.'
// between two word characters (sdk.Handle, main.go, e.g. is not: "e.g").
func dotted(chunk string) bool {
	for k := 1; k+1 < len(chunk); k++ {
		if (chunk[k] == '.' || chunk[k] == ':') && isWordByte(chunk[k-1]) && isWordByte(chunk[k+1]) {
			if chunk[k] == '.' && k == 1 && len(chunk) <= 5 { // e.g. i.e.
				continue
			}
			return true
		}
	}
	return false
}

func isLetter(c byte) bool { return 'a' <= c|0x20 && c|0x20 <= 'z' }

// codeActions offers, for each unknown word, the known words at edit
// distance 1, keeping the word's capitalization.
func codeActions(req *sdk.CodeActionRequest) ([]sdk.CodeAction, error) {
	var actions []sdk.CodeAction
	text := req.Document.Text
	for i, d := range req.Diagnostics {
		if d.Code != "spelling" || d.Start < 0 || d.End > len(text) || d.Start >= d.End {
			continue
		}
		word := text[d.Start:d.End]
		if strings.ContainsFunc(word, func(r rune) bool { return !isLetter(byte(r)) && r != '\'' || r >= utf8.RuneSelf }) {
			continue // the editor's range is stale: not a word any more
		}
		for k, s := range suggest(strings.ToLower(word), 5) {
			if isUpper(word[0]) {
				s = strings.ToUpper(s[:1]) + s[1:]
			}
			actions = append(actions, sdk.CodeAction{
				Title: "Change " + strconv.Quote(word) + " to " + strconv.Quote(s), Kind: "quickfix", Diagnostics: []int{i}, IsPreferred: k == 0,
				Edits: []sdk.TextEdit{{Start: d.Start, End: d.End, NewText: s}},
			})
		}
	}
	return actions, nil
}

func isUpper(c byte) bool { return 'A' <= c && c <= 'Z' }
