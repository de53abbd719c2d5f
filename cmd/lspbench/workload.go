package main

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// The workload is a TODO check: every whole-word "TODO" is one diagnostic,
// as the todo extension and lint-todo report it. The client computes what
// a correct server must publish from the text it sent, so diagnostics are
// matched by content, not by version numbers (efm-langserver publishes the
// version current at publish time, not the one it linted).

// pos is an LSP position: line and UTF-16 column.
type pos struct{ Line, Char int }

// span is an LSP range.
type span struct{ Start, End pos }

func (s span) String() string {
	return fmt.Sprintf("%d:%d-%d:%d", s.Start.Line, s.Start.Char, s.End.Line, s.End.Char)
}

// isWordRune is the todo extension's definition of a word character.
func isWordRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

// markers returns the byte offsets of every whole-word keyword in line.
func markers(line, keyword string) []int {
	var out []int
	for i := 0; ; {
		j := strings.Index(line[i:], keyword)
		if j < 0 {
			return out
		}
		start, end := i+j, i+j+len(keyword)
		i = start + 1
		if r, _ := utf8.DecodeLastRuneInString(line[:start]); start > 0 && isWordRune(r) {
			continue
		}
		if r, _ := utf8.DecodeRuneInString(line[end:]); end < len(line) && isWordRune(r) {
			continue
		}
		out = append(out, start)
		i = end
	}
}

// utf16Len is the length of s in UTF-16 code units.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// expectedTODOs is what a correct server publishes for text: the range of
// every whole-word TODO, in UTF-16 columns, sorted.
func expectedTODOs(text string) []span {
	var out []span
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSuffix(line, "\r")
		for _, off := range markers(line, "TODO") {
			c := utf16Len(line[:off])
			out = append(out, span{pos{i, c}, pos{i, c + 4}})
		}
	}
	return out
}

// vocabulary for generated prose and code. Non-ASCII words put multi-byte
// and surrogate-pair characters before markers, so a server that counts
// columns in bytes or runes publishes wrong ranges and fails the match.
var (
	words = []string{"parser", "token", "buffer", "value", "index", "render", "config", "request",
		"handler", "cache", "result", "window", "cursor", "symbol", "module", "vector", "stream",
		"client", "server", "offset", "naïve", "café", "Zürich", "größe", "日本語", "🙂", "λx"}
	idents = []string{"count", "items", "total", "alpha", "beta", "price", "limit", "queue", "state", "delta"}
)

// genLine generates one line of prose or code; one line in every carries a
// TODO marker, one in every two, and one in every near misses.
func genLine(r *rand.Rand, n, every int) string {
	var b strings.Builder
	switch r.IntN(3) {
	case 0: // code
		fmt.Fprintf(&b, "\t%s_%d := compute(%s, %s[%d])", idents[r.IntN(len(idents))], n, idents[r.IntN(len(idents))], idents[r.IntN(len(idents))], r.IntN(100))
	case 1: // prose
		for i, k := 0, 4+r.IntN(8); i < k; i++ {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(words[r.IntN(len(words))])
		}
		b.WriteByte('.')
	default: // a comment
		fmt.Fprintf(&b, "// %s %s %s", words[r.IntN(len(words))], idents[r.IntN(len(idents))], words[r.IntN(len(words))])
	}
	switch r.IntN(every) { // every 40: ~0.075 markers a line, 750 in 10k lines, under todo's cap of 1000
	case 0:
		fmt.Fprintf(&b, " // TODO: %s the %s", words[r.IntN(len(words))], idents[r.IntN(len(idents))])
	case 2:
		fmt.Fprintf(&b, " TODO %s TODO", words[r.IntN(len(words))])
	case 3:
		b.WriteString(" TODOS MASTODON éTODO todo") // near misses
	}
	return b.String()
}

// genText generates a document of lines lines, with markers as genLine
// places them for every.
func genText(r *rand.Rand, lines, every int) string {
	var b strings.Builder
	for i := range lines {
		b.WriteString(genLine(r, i, every))
		b.WriteByte('\n')
	}
	return b.String()
}

// document is one file of the workspace.
type document struct {
	path, uri, text string
}

// workspace is the generated workload.
type workspace struct {
	dir   string
	small document   // opened first and edited by the storm
	many  []document // opened at once
	large document   // the 10k-line file
	storm []edit     // the edit storm on small
	scale []document // opened one by one in a fresh server: open → diagnostics by size
}

// workloadSizes sets the size of the generated workload.
type workloadSizes struct {
	smallLines, manyDocs, manyLines, largeLines, stormEdits int
	scaleLines                                              []int
}

// edit inserts Text at At in the text before it; After is the full text
// after it (what full-sync servers are sent).
type edit struct {
	At    pos
	Text  string
	After string
}

// writeWorkspace generates the workload from seed into dir.
func writeWorkspace(dir string, seed uint64, sz workloadSizes) (*workspace, error) {
	r := rand.New(rand.NewPCG(seed, seed^0x6c737062656e6368))
	ws := &workspace{dir: dir}
	mk := func(name string, lines, every int) (document, error) {
		path := filepath.Join(dir, "src", name)
		d := document{path: path, uri: fileURI(path), text: genText(r, lines, every)}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return d, err
		}
		return d, os.WriteFile(path, []byte(d.text), 0o644)
	}
	var err error
	if ws.small, err = mk("small.txt", sz.smallLines, 40); err != nil {
		return nil, err
	}
	for i := range sz.manyDocs {
		d, err := mk(fmt.Sprintf("many%02d.txt", i), sz.manyLines, 40)
		if err != nil {
			return nil, err
		}
		ws.many = append(ws.many, d)
	}
	if ws.large, err = mk("large.txt", sz.largeLines, 40); err != nil {
		return nil, err
	}
	ws.storm = genStorm(r, ws.small.text, sz.stormEdits)
	// The scaling documents hold about 100 markers whatever their size
	// (3 markers per every lines), so that the time measures the size, and
	// the todo extension's cap of 1000 is never reached.
	for _, lines := range sz.scaleLines {
		d, err := mk(fmt.Sprintf("scale-%d.txt", lines), lines, max(40, lines*3/100))
		if err != nil {
			return nil, err
		}
		ws.scale = append(ws.scale, d)
	}
	return ws, nil
}

// genStorm types n characters into text, one edit each, at the ends of three
// seeded lines, like a user adding comments: the typed text holds markers,
// near misses and non-ASCII characters. Each line's part starts with a space
// (so it never joins an existing word) and the last character completes a
// TODO at a place no earlier text had one, so a diagnostics list that
// matches the final text can only have been computed from it.
func genStorm(r *rand.Rand, text string, n int) []edit {
	if n < 5 {
		return nil
	}
	lines := strings.Split(text, "\n")
	filler := []rune(" // TODO: fix 🙂 naïve; TODOS later — and go on ")
	part := func(k int, last bool) []rune {
		var out []rune
		for i := 0; len(out) < k; i++ {
			out = append(out, filler[i%len(filler)])
		}
		if last {
			copy(out[max(k-5, 0):], []rune(" TODO"))
		}
		return out
	}
	var parts [][]rune
	if n < 15 {
		parts = [][]rune{part(n, true)}
	} else {
		per := n / 3
		parts = [][]rune{part(per, false), part(per, false), part(n-2*per, true)}
	}
	var edits []edit
	for _, p := range parts {
		line := r.IntN(max(len(lines)-1, 1))
		for _, c := range p {
			edits = append(edits, edit{At: pos{line, utf16Len(lines[line])}, Text: string(c)})
			lines[line] += string(c)
			edits[len(edits)-1].After = strings.Join(lines, "\n")
		}
	}
	return edits
}
