package exttest

import (
	"fmt"
	"sort"
	"strings"
)

// Position is an LSP position: a zero-based line and a column in UTF-16
// code units.
type Position struct{ Line, Character int }

// Range is an LSP range.
type Range struct{ Start, End Position }

// String is "LINE:CHARACTER", zero-based as in LSP.
func (p Position) String() string { return fmt.Sprintf("%d:%d", p.Line, p.Character) }

// String is "START-END".
func (r Range) String() string { return r.Start.String() + "-" + r.End.String() }

// PositionOf returns the LSP position of a byte offset into text. Lines end
// at "\n", "\r\n" or "\r".
func PositionOf(text string, offset int) Position {
	offset = max(0, min(offset, len(text)))
	var p Position
	lineStart := 0
	for i := 0; i < offset; i++ {
		switch text[i] {
		case '\n':
			p.Line, lineStart = p.Line+1, i+1
		case '\r':
			if i+1 < len(text) && text[i+1] == '\n' {
				if i+1 == offset {
					break
				}
				i++
			}
			p.Line, lineStart = p.Line+1, i+1
		}
	}
	for _, r := range text[lineStart:offset] {
		p.Character += utf16Len(r)
	}
	return p
}

// RangeOf returns the LSP range of the byte range [start, end) of text.
func RangeOf(text string, start, end int) Range {
	return Range{PositionOf(text, start), PositionOf(text, end)}
}

// OffsetOf returns the byte offset of an LSP position in text, clamped to
// the end of its line or of the text.
func OffsetOf(text string, p Position) int {
	i := 0
	for l := 0; l < p.Line; l++ {
		j := strings.IndexAny(text[i:], "\r\n")
		if j < 0 {
			return len(text)
		}
		i += j + 1
		if text[i-1] == '\r' && i < len(text) && text[i] == '\n' {
			i++
		}
	}
	col := 0
	for j, r := range text[i:] {
		if r == '\n' || r == '\r' || col >= p.Character {
			return i + j
		}
		col += utf16Len(r)
	}
	return len(text)
}

func utf16Len(r rune) int {
	if r >= 0x10000 {
		return 2
	}
	return 1
}

// lines converts many offsets of one text: PositionOf scans from the start
// of the text, which for every diagnostic of a large document adds up.
type lines struct {
	text   string
	starts []int
}

func newLines(text string) *lines {
	l := &lines{text: text, starts: []int{0}}
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case '\n':
			l.starts = append(l.starts, i+1)
		case '\r':
			if i+1 < len(text) && text[i+1] == '\n' {
				i++
			}
			l.starts = append(l.starts, i+1)
		}
	}
	return l
}

func (l *lines) position(offset int) Position {
	offset = max(0, min(offset, len(l.text)))
	line := sort.Search(len(l.starts), func(i int) bool { return l.starts[i] > offset }) - 1
	start := l.starts[line]
	p := Position{Line: line}
	for _, r := range l.text[start:offset] {
		p.Character += utf16Len(r)
	}
	return p
}

func (l *lines) rangeOf(start, end int) Range { return Range{l.position(start), l.position(end)} }
