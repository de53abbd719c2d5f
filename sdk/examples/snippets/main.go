// Command snippets is an lsphost extension that completes the snippets
// defined in its settings, in LSP snippet syntax. Build it with
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o snippets.wasm .
//
// See README.md for its settings.
package main

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/lsphost/lsphost/sdk"
)

func init() {
	sdk.Register(sdk.Extension{
		Name:       "snippets",
		Version:    "1.0.0",
		Init:       initialize,
		Completion: complete,
	})
}

// main is never called: the module is a reactor, driven through sdk's exports.
func main() {}

// snippet is one entry of the "snippets" setting.
type snippet struct {
	// Prefix is what the user types to get the snippet.
	Prefix string `json:"prefix"`
	// Body is the text inserted, in LSP snippet syntax.
	Body string `json:"body"`
	// Description is shown beside the proposal.
	Description string `json:"description"`
	// Languages are the languageIds where the snippet is offered; empty
	// means every document.
	Languages []string `json:"languages"`

	preview string // Body as inserted with default placeholders
}

type config struct {
	Snippets []snippet `json:"snippets"`
}

var snippets []snippet

func initialize(s sdk.Settings) error {
	var c config
	if err := s.Decode(&c); err != nil {
		return err
	}
	for i := range c.Snippets {
		sn := &c.Snippets[i]
		name := fmt.Sprintf("snippet %d (prefix %q)", i+1, sn.Prefix)
		if sn.Prefix == "" || strings.IndexFunc(sn.Prefix, unicode.IsSpace) >= 0 {
			return fmt.Errorf(`setting "snippets": %s: the prefix must be a non-empty word without spaces`, name)
		}
		preview, err := parse(sn.Body)
		if err != nil {
			return fmt.Errorf(`setting "snippets": %s: body: %w`, name, err)
		}
		sn.preview = preview
		for _, other := range c.Snippets[:i] {
			if other.Prefix == sn.Prefix && overlap(other.Languages, sn.Languages) {
				return fmt.Errorf(`setting "snippets": %s: the prefix is defined twice for the same language`, name)
			}
		}
	}
	snippets = c.Snippets
	return nil
}

func overlap(a, b []string) bool {
	if len(a) == 0 || len(b) == 0 {
		return true
	}
	for _, l := range a {
		if slices.Contains(b, l) {
			return true
		}
	}
	return false
}

// parse checks LSP snippet syntax and returns the text the snippet inserts
// with its placeholders' defaults:
//
//	any     ::= tabstop | placeholder | choice | variable | text
//	tabstop ::= '$' int | '${' int '}'
//	placeholder ::= '${' int ':' any* '}'
//	choice  ::= '${' int '|' text (',' text)* '|}'
//	variable ::= '$' var | '${' var '}' | '${' var ':' any* '}'
//
// with '\' escaping '$', '}' and '\' (and ',' and '|' in choices).
func parse(body string) (string, error) {
	p := &parser{s: body}
	out, err := p.any(0)
	if err != nil {
		return "", err
	}
	return out, nil
}

type parser struct {
	s string
	i int
}

func (p *parser) errorf(at int, format string, args ...any) error {
	return fmt.Errorf("at character %d: %s", utf8.RuneCountInString(p.s[:at])+1, fmt.Sprintf(format, args...))
}

// any parses until the end, or until an unescaped '}' when depth > 0.
func (p *parser) any(depth int) (string, error) {
	var b strings.Builder
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == '\\' && p.i+1 < len(p.s) && strings.IndexByte(`$}\`, p.s[p.i+1]) >= 0:
			b.WriteByte(p.s[p.i+1])
			p.i += 2
		case c == '}' && depth > 0:
			return b.String(), nil
		case c == '$':
			s, err := p.dollar(depth)
			if err != nil {
				return "", err
			}
			b.WriteString(s)
		default:
			b.WriteByte(c)
			p.i++
		}
	}
	if depth > 0 {
		return "", fmt.Errorf("unclosed \"${\": add \"}\" (write \"\\\\}\" for a literal brace)")
	}
	return b.String(), nil
}

// dollar parses what starts at a '$'.
func (p *parser) dollar(depth int) (string, error) {
	start := p.i
	p.i++
	if p.i < len(p.s) && isDigit(p.s[p.i]) {
		p.int()
		return "", nil
	}
	if name := p.name(); name != "" {
		return "", nil // a variable: its value is the editor's
	}
	if p.i >= len(p.s) || p.s[p.i] != '{' {
		return "$", nil // a lone '$' is text, as editors read it
	}
	p.i++
	switch {
	case p.i < len(p.s) && isDigit(p.s[p.i]):
		p.int()
	case p.name() != "":
	default:
		return "", p.errorf(start, "\"${\" must be followed by a tab stop number or a variable name")
	}
	if p.i >= len(p.s) {
		return "", p.errorf(start, "unclosed \"${\"")
	}
	switch p.s[p.i] {
	case '}':
		p.i++
		return "", nil
	case ':':
		p.i++
		inner, err := p.any(depth + 1)
		if err != nil {
			return "", err
		}
		p.i++ // the '}'
		return inner, nil
	case '|':
		p.i++
		first, closed := "", false
		var cur strings.Builder
		for n := 0; p.i < len(p.s); p.i++ {
			c := p.s[p.i]
			if c == '\\' && p.i+1 < len(p.s) && strings.IndexByte(`$}\,|`, p.s[p.i+1]) >= 0 {
				p.i++
				cur.WriteByte(p.s[p.i])
				continue
			}
			if c == ',' || c == '|' {
				if n == 0 {
					first = cur.String()
				}
				n++
				cur.Reset()
				if c == '|' {
					closed = p.i+1 < len(p.s) && p.s[p.i+1] == '}'
					p.i += 2
					break
				}
				continue
			}
			cur.WriteByte(c)
		}
		if !closed {
			return "", p.errorf(start, "choice not closed with \"|}\"")
		}
		return first, nil
	}
	return "", p.errorf(p.i, "unexpected %q in \"${…}\": want \"}\", \":\" or \"|\"", p.s[p.i])
}

func (p *parser) int() {
	for p.i < len(p.s) && isDigit(p.s[p.i]) {
		p.i++
	}
}

func (p *parser) name() string {
	start := p.i
	for p.i < len(p.s) && (p.s[p.i] == '_' || 'a' <= p.s[p.i]|0x20 && p.s[p.i]|0x20 <= 'z' || p.i > start && isDigit(p.s[p.i])) {
		p.i++
	}
	return p.s[start:p.i]
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// complete proposes the snippets for the document's language whose prefix
// starts with the word before the cursor, replacing that word.
func complete(req *sdk.CompletionRequest) (sdk.CompletionList, error) {
	text, offset := req.Document.Text, req.Offset
	start := offset
	for start > 0 {
		r, n := utf8.DecodeLastRuneInString(text[:start])
		if unicode.IsSpace(r) || strings.ContainsRune("()[]{}<>\"'`,;", r) {
			break
		}
		start -= n
	}
	typed := text[start:offset]
	var list sdk.CompletionList
	for _, sn := range snippets {
		if len(sn.Languages) > 0 && !slices.Contains(sn.Languages, req.Document.LanguageID) || !strings.HasPrefix(sn.Prefix, typed) {
			continue
		}
		detail := sn.Description
		if detail == "" {
			detail = "snippet"
		}
		list.Items = append(list.Items, sdk.CompletionItem{
			Label:            sn.Prefix,
			Kind:             sdk.KindSnippet,
			Detail:           detail,
			Documentation:    "```\n" + sn.preview + "\n```",
			InsertTextFormat: sdk.Snippet,
			Edit:             &sdk.TextEdit{Start: start, End: offset, NewText: sn.Body},
		})
	}
	return list, nil
}
