package main

import "strings"

// syntax says where the prose of a language is: its comments and strings.
type syntax struct {
	line    []string    // line comment openers
	block   [][2]string // block comment delimiters
	strings []string    // string delimiters (a string ends at the same one)
	raw     []string    // delimiters of strings without escapes
	// hashNeedsSpace: '#' starts a comment only at the start of a line or
	// after a space (shell: "$#", "${#x}" are not comments).
	hashNeedsSpace bool
}

var (
	cLike  = syntax{line: []string{"//"}, block: [][2]string{{"/*", "*/"}}, strings: []string{`"`, "'"}}
	hashed = syntax{line: []string{"#"}, strings: []string{`"`, "'"}}
)

// languages maps LSP languageIds to their syntax. Markdown, plain text and
// commit messages are prose throughout (prose.go).
var languages = map[string]syntax{
	"go":              {line: []string{"//"}, block: [][2]string{{"/*", "*/"}}, strings: []string{`"`}, raw: []string{"`"}},
	"c":               cLike,
	"cpp":             cLike,
	"csharp":          cLike,
	"java":            cLike,
	"kotlin":          cLike,
	"swift":           cLike,
	"javascript":      {line: []string{"//"}, block: [][2]string{{"/*", "*/"}}, strings: []string{`"`, "'", "`"}},
	"javascriptreact": {line: []string{"//"}, block: [][2]string{{"/*", "*/"}}, strings: []string{`"`, "'", "`"}},
	"typescript":      {line: []string{"//"}, block: [][2]string{{"/*", "*/"}}, strings: []string{`"`, "'", "`"}},
	"typescriptreact": {line: []string{"//"}, block: [][2]string{{"/*", "*/"}}, strings: []string{`"`, "'", "`"}},
	"rust":            {line: []string{"//"}, block: [][2]string{{"/*", "*/"}}, strings: []string{`"`}}, // ' is a lifetime
	"css":             {block: [][2]string{{"/*", "*/"}}},
	"python":          {line: []string{"#"}, strings: []string{`"""`, "'''", `"`, "'"}},
	"ruby":            hashed,
	"perl":            hashed,
	"r":               hashed,
	"shellscript":     {line: []string{"#"}, strings: []string{`"`}, raw: []string{"'"}, hashNeedsSpace: true},
	"dockerfile":      hashed,
	"makefile":        {line: []string{"#"}},
	"toml":            {line: []string{"#"}, strings: []string{`"""`, `"`}, raw: []string{"'''", "'"}},
	"yaml":            {line: []string{"#"}, strings: []string{`"`}, raw: []string{"'"}, hashNeedsSpace: true},
	"lua":             {line: []string{"--"}, strings: []string{`"`, "'"}},
	"sql":             {line: []string{"--"}, block: [][2]string{{"/*", "*/"}}, raw: []string{"'"}},
	"html":            {block: [][2]string{{"<!--", "-->"}}},
	"xml":             {block: [][2]string{{"<!--", "-->"}}},
}

// region is a part of the text to check.
type region struct {
	start, end int
	isString   bool
}

// regions calls f for each comment and string of text, in order.
func (s *syntax) regions(text string, f func(region)) {
	for i := 0; i < len(text); {
		c := text[i]
		if c < '!' || c > '~' || isWordByte(c) {
			i++
			continue
		}
		rest := text[i:]
		if open := prefixOf(rest, s.line); open != "" && (!s.hashNeedsSpace || open != "#" || i == 0 || text[i-1] == ' ' || text[i-1] == '\t' || text[i-1] == '\n') {
			end := strings.IndexByte(rest, '\n')
			if end < 0 {
				end = len(rest)
			}
			f(region{i + len(open), i + end, false})
			i += end
			continue
		}
		if b, ok := blockOf(rest, s.block); ok {
			end := strings.Index(rest[len(b[0]):], b[1])
			if end < 0 {
				f(region{i + len(b[0]), len(text), false})
				return
			}
			f(region{i + len(b[0]), i + len(b[0]) + end, false})
			i += len(b[0]) + end + len(b[1])
			continue
		}
		if q := prefixOf(rest, s.strings); q != "" {
			end := closing(rest[len(q):], q, true)
			f(region{i + len(q), i + len(q) + end, true})
			i += len(q) + end + len(q)
			continue
		}
		if q := prefixOf(rest, s.raw); q != "" {
			end := closing(rest[len(q):], q, false)
			f(region{i + len(q), i + len(q) + end, true})
			i += len(q) + end + len(q)
			continue
		}
		i++
	}
}

// closing returns the length of the string body before the delimiter q,
// or of all of s if it is not closed. A one-character delimiter also ends
// at the end of the line (an unclosed quote is not a string to the end of
// the file).
func closing(s, q string, escapes bool) int {
	for j := 0; j < len(s); j++ {
		switch {
		case escapes && s[j] == '\\':
			j++
		case strings.HasPrefix(s[j:], q):
			return j
		case len(q) == 1 && q != "`" && s[j] == '\n':
			return j
		}
	}
	return len(s)
}

func prefixOf(s string, list []string) string {
	for _, p := range list {
		if strings.HasPrefix(s, p) {
			return p
		}
	}
	return ""
}

func blockOf(s string, list [][2]string) ([2]string, bool) {
	for _, b := range list {
		if strings.HasPrefix(s, b[0]) {
			return b, true
		}
	}
	return [2]string{}, false
}

func isWordByte(c byte) bool {
	return 'a' <= c|0x20 && c|0x20 <= 'z' || '0' <= c && c <= '9' || c == '_'
}
