package sdk

import (
	"sort"
	"unsafe"
)

// Document is a text document as the editor has it at Version.
//
// Positions are byte offsets into Text. LineCol and Offset convert between
// offsets and zero-based (line, byte column) pairs for authors whose tools
// think in lines; the host does every conversion to LSP's UTF-16 positions,
// so nothing here needs to know about UTF-16.
//
// In a wasm guest Text aliases the buffer the host wrote the text into (no
// copy is made). The SDK never reuses that buffer, so Text stays valid for as
// long as the extension keeps it, like any Go string.
type Document struct {
	URI        string
	LanguageID string
	Version    int32
	Text       string

	// lines caches the offsets at which lines start, built on first use for
	// the text identified by linesOf and linesLen.
	lines    []int
	linesOf  *byte
	linesLen int
}

// lineStarts returns the offset of the start of every line of d.Text. Lines
// end at "\n", "\r\n" or "\r", as in LSP.
func (d *Document) lineStarts() []int {
	if d.lines != nil && d.linesOf == unsafe.StringData(d.Text) && d.linesLen == len(d.Text) {
		return d.lines
	}
	text := d.Text
	starts := make([]int, 1, 1+len(text)/32)
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case '\n':
			starts = append(starts, i+1)
		case '\r':
			if i+1 < len(text) && text[i+1] == '\n' {
				i++
			}
			starts = append(starts, i+1)
		}
	}
	d.lines, d.linesOf, d.linesLen = starts, unsafe.StringData(text), len(text)
	return starts
}

// LineCol returns the zero-based line and byte column of a byte offset into
// Text. An offset outside the text is clamped to it.
func (d *Document) LineCol(offset int) (line, col int) {
	offset = max(0, min(offset, len(d.Text)))
	starts := d.lineStarts()
	line = sort.Search(len(starts), func(i int) bool { return starts[i] > offset }) - 1
	return line, offset - starts[line]
}

// Offset returns the byte offset of the zero-based line and byte column col.
// It clamps: a line past the last one gives len(Text), a negative line 0, and
// a column past the end of its line the offset of the line's end (before its
// line break).
func (d *Document) Offset(line, col int) int {
	starts := d.lineStarts()
	switch {
	case line < 0:
		return 0
	case line >= len(starts):
		return len(d.Text)
	}
	start, end := starts[line], len(d.Text)
	if line+1 < len(starts) {
		end = starts[line+1] - 1 // before "\n" or "\r"
		if d.Text[end] == '\n' && end > start && d.Text[end-1] == '\r' {
			end--
		}
	}
	return start + max(0, min(col, end-start))
}
