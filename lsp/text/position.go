package text

import (
	"math"
	"strings"
	"unicode/utf8"
)

// Encoding is an LSP position encoding: what Position.Character counts.
// Values other than the constants below count as UTF16, the LSP default.
//
// In every encoding a byte that is not part of valid UTF-8 counts as one unit,
// so hostile or binary text still maps every byte to a position.
type Encoding int

// The LSP position encodings.
const (
	UTF16 Encoding = iota // UTF-16 code units, the LSP default: 2 for runes above U+FFFF
	UTF8                  // bytes
	UTF32                 // Unicode code points
)

// Position is a zero-based line and character in a text, as in LSP. Character
// counts units of an Encoding from the start of the line, never including the
// line break. Lines end at "\n", "\r\n" or "\r".
type Position struct {
	Line, Character uint32
}

// Range is the text between two positions, Start inclusive and End exclusive.
type Range struct {
	Start, End Position
}

// Offset returns the byte offset of p, measured in enc. Positions come from
// clients and are clamped, never rejected: a line past the last line means the
// end of the text; a character past the end of its line means the end of the
// line (before its break); a character inside a multi-unit character (between
// the two UTF-16 units of a surrogate pair, or inside a UTF-8 sequence in UTF8)
// means the start of that character.
func (s *Snapshot) Offset(p Position, enc Encoding) int {
	if int64(p.Line) > int64(s.breaks) {
		return s.size
	}
	start := s.lineStart(int(p.Line))
	off, _ := s.walk(start, s.size, int(min(p.Character, math.MaxInt32)), enc)
	return off
}

// Position returns the position of byte offset off, measured in enc. The
// offset is clamped to [0, Len]; an offset inside a UTF-8 sequence moves back
// to the start of the sequence, and one between the '\r' and '\n' of a "\r\n"
// moves back before the '\r'.
func (s *Snapshot) Position(off int, enc Encoding) Position {
	if s.size == 0 {
		return Position{}
	}
	off = min(max(off, 0), s.size)
	c := s.chunks[s.chunkAt(off)]
	// Neither a sequence nor a "\r\n" straddles chunks, so snapping is local.
	k := off - c.off
	for k > 0 && k < len(c.s) && straddles(c.s[:k], c.s[k:]) {
		k--
	}
	head := c.s[:k]
	line := c.line + countBreaks(head)
	// The last break in head ends the line before; search for '\r' only after
	// the last '\n', since LastIndexByte is not vectorized.
	i := strings.LastIndexByte(head, '\n')
	if j := strings.LastIndexByte(head[i+1:], '\r'); j >= 0 {
		i += 1 + j
	}
	start := c.off + i + 1
	if i < 0 {
		start = s.lineStart(line) // the line began in an earlier chunk
	}
	char := c.off + k - start
	if enc != UTF8 {
		_, char = s.walk(start, c.off+k, math.MaxInt, enc)
	}
	return Position{Line: uint32(line), Character: uint32(min(int64(char), math.MaxUint32))}
}

// lineStart returns the byte offset of the start of line, which must be in
// [0, LineCount).
func (s *Snapshot) lineStart(line int) int {
	if line <= 0 {
		return 0
	}
	// The line-th break is in the last chunk with fewer breaks before it, and
	// ends in that chunk because no "\r\n" straddles chunks.
	lo, hi := 0, len(s.chunks)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if s.chunks[m].line < line {
			lo = m + 1
		} else {
			hi = m
		}
	}
	c := s.chunks[lo-1]
	return c.off + afterBreaks(c.s, line-c.line)
}

// afterBreaks returns the index just past the n-th line break in s (n >= 1),
// or len(s) if s has fewer.
func afterBreaks(s string, n int) int {
	if strings.IndexByte(s, '\r') < 0 { // the usual case: LF only
		// Skip blocks by counting, then step by line: both are vectorized,
		// and far fewer calls than one IndexByte per line.
		const block = 512
		i := 0
		for len(s)-i > block {
			c := strings.Count(s[i:i+block], "\n")
			if c >= n {
				break
			}
			n -= c
			i += block
		}
		for ; n > 0; n-- {
			j := strings.IndexByte(s[i:], '\n')
			if j < 0 {
				return len(s)
			}
			i += j + 1
		}
		return i
	}
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\r':
			if i+1 < len(s) && s[i+1] == '\n' {
				i++
			}
		case '\n':
		default:
			continue
		}
		if n--; n == 0 {
			return i + 1
		}
	}
	return len(s)
}

// walk moves forward from byte offset from, which starts a character, one
// character at a time. It stops at a line break, at the end of the text, on
// reaching byte offset to, or before a character that would take the count of
// enc units past limit. It returns the offset reached and the units counted.
func (s *Snapshot) walk(from, to, limit int, enc Encoding) (int, int) {
	if s.size == 0 {
		return 0, 0
	}
	pos, n := from, 0
	for _, c := range s.chunks[s.chunkAt(from):] {
		for k := pos - c.off; k < len(c.s); {
			if pos >= to || n >= limit {
				return pos, n
			}
			b := c.s[k]
			if b == '\n' || b == '\r' {
				return pos, n
			}
			size, w := 1, 1
			if b >= utf8.RuneSelf {
				_, size = utf8.DecodeRuneInString(c.s[k:])
				w = width(size, enc)
			}
			if n+w > limit {
				return pos, n
			}
			pos, n, k = pos+size, n+w, k+size
		}
	}
	return pos, n
}

// width returns how many enc units a character of size bytes counts; an
// invalid byte has size 1.
func width(size int, enc Encoding) int {
	switch enc {
	case UTF8:
		return size
	case UTF32:
		return 1
	}
	if size == utf8.UTFMax { // exactly the runes above U+FFFF: a surrogate pair
		return 2
	}
	return 1
}
