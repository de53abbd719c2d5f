package text

import (
	"strings"
	"testing"
	"unicode/utf16"
)

// model is the reference the fuzz targets hold Snapshot to: the whole text in
// one string, split into lines and measured the obvious way, sharing no code
// with the package.
type model struct {
	text  string
	lines []modelLine
	memo  map[[2]int][2][]int // chars by line and encoding
}

// modelLine is one line of a model: text[start:end] is its content and the
// next line starts at next (end plus the length of its break).
type modelLine struct{ start, end, next int }

func newModel(text string) *model {
	m := &model{text: text}
	start := 0
	for i := 0; i < len(text); i++ {
		switch {
		case text[i] == '\r' && i+1 < len(text) && text[i+1] == '\n':
			m.lines = append(m.lines, modelLine{start, i, i + 2})
			i++
			start = i + 1
		case text[i] == '\r' || text[i] == '\n':
			m.lines = append(m.lines, modelLine{start, i, i + 1})
			start = i + 1
		}
	}
	m.lines = append(m.lines, modelLine{start, len(text), len(text)})
	return m
}

// chars returns the characters of a line as byte offsets in the text, the end
// of the line included, with the units each character counts in enc.
func (m *model) chars(line int, enc Encoding) (offs, units []int) {
	key := [2]int{line, int(enc)}
	if c, ok := m.memo[key]; ok {
		return c[0], c[1]
	}
	l := m.lines[line]
	content := m.text[l.start:l.end]
	for i, r := range content { // range decodes an invalid byte as one U+FFFD
		offs = append(offs, l.start+i)
		switch enc {
		case UTF16:
			units = append(units, utf16.RuneLen(r)) // 1 for U+FFFD
		case UTF32:
			units = append(units, 1)
		}
	}
	offs = append(offs, l.end)
	if enc == UTF8 {
		for i := range len(offs) - 1 {
			units = append(units, offs[i+1]-offs[i])
		}
	}
	if m.memo == nil {
		m.memo = make(map[[2]int][2][]int)
	}
	m.memo[key] = [2][]int{offs, units}
	return offs, units
}

func (m *model) offset(p Position, enc Encoding) int {
	if int(p.Line) >= len(m.lines) {
		return len(m.text)
	}
	offs, units := m.chars(int(p.Line), enc)
	n := 0
	for i, u := range units {
		if n+u > int(p.Character) {
			return offs[i]
		}
		n += u
	}
	return offs[len(offs)-1]
}

func (m *model) position(off int, enc Encoding) Position {
	off = min(max(off, 0), len(m.text))
	line := len(m.lines) - 1
	for i, l := range m.lines {
		if off < l.next {
			line = i
			break
		}
	}
	off = min(off, m.lines[line].end) // between '\r' and '\n'
	offs, units := m.chars(line, enc)
	n := 0
	for i, u := range units {
		if offs[i+1] > off {
			break
		}
		n += u
	}
	return Position{uint32(line), uint32(n)}
}

// FuzzEdit applies a script of edits both to a Snapshot with small chunks and
// to a model, and checks after each edit that they hold the same text, count
// the same lines and convert positions around the edit alike; after the last
// edit it checks every position.
//
// Each edit takes 6 bytes of script: an encoding (or, with the high bit set, a
// raw byte-offset edit that may cut "\r\n" pairs and UTF-8 sequences), the
// start and end positions, and the length of the new text, taken from pool.
func FuzzEdit(f *testing.F) {
	f.Add("hello\nworld\n", []byte{0, 0, 0, 2, 0, 3, 5, 1, 1, 2, 1, 0, 1}, "x\r\n😀")
	f.Add(strings.Repeat("abc\r\n", 10), []byte{3, 0, 1, 3, 0, 4, 4, 0x81, 0, 15, 0, 16, 0, 2, 1, 0, 1, 0, 0}, "\r\nab")
	f.Add("é😀\r\rx\n\xff\xe2\x82", []byte{5, 2, 0, 1, 0, 0, 4, 0x80, 0, 1, 0, 2, 0, 1, 0, 9, 0, 9, 3}, "\x82\xac\r")
	f.Add("", []byte{0, 0, 0, 0, 0, 0, 200}, strings.Repeat("line é😀\n", 30))
	f.Add(strings.Repeat("0123456789\n", 20), []byte{9, 1, 3, 0, 18, 5, 2, 2, 17, 2, 255, 255, 0}, "")
	f.Fuzz(fuzzEdit)
}

func fuzzEdit(t *testing.T, text string, script []byte, pool string) {
	size := 16
	if len(script) > 0 {
		size += int(script[0] % 32)
		script = script[1:]
	}
	s := newWithChunkSize(text, size)
	m := newModel(text)
	for step := 0; len(script) >= 6 && step < 32; step++ {
		op := script[:6]
		script = script[6:]
		var newText string
		if n := int(op[5]); n > 0 && pool != "" {
			newText = strings.Repeat(pool, n/len(pool)+1)[:n]
			pool = pool[n%len(pool):] + pool[:n%len(pool)] // the next edit inserts something else
		}
		var start, end int
		if op[0]&0x80 != 0 {
			start = (int(op[1])<<8 | int(op[2])) % (len(m.text) + 1)
			end = (int(op[3])<<8 | int(op[4])) % (len(m.text) + 1)
			start, end = min(start, end), max(start, end)
			s = s.replace(start, end, newText)
		} else {
			enc := Encoding(op[0] % 3)
			r := Range{Position{uint32(op[1] % 64), uint32(op[2])}, Position{uint32(op[3] % 64), uint32(op[4])}}
			s = s.Edit(r, newText, enc)
			start, end = m.offset(r.Start, enc), m.offset(r.End, enc)
			start, end = min(start, end), max(start, end)
		}
		m = newModel(m.text[:start] + newText + m.text[end:])

		checkInvariants(t, s)
		if got := s.String(); got != m.text {
			t.Fatalf("after edit %d: String() = %q, want %q", step, got, m.text)
		}
		if got, want := s.LineCount(), len(m.lines); got != want {
			t.Fatalf("after edit %d: LineCount() = %d, want %d", step, got, want)
		}
		end = start + len(newText)
		for _, off := range []int{start - 1, start, start + 1, end - 1, end, end + 1, int(op[4]) << 2} {
			checkOffset(t, s, m, off)
		}
		for _, p := range []Position{{uint32(op[1]), uint32(op[2])}, {uint32(op[3]), uint32(op[4])}} {
			checkPosition(t, s, m, p)
		}
	}

	// Every offset of a short text, a sample of a long one.
	step := max(len(m.text)/200, 1)
	for off := -1; off <= len(m.text)+1; off += step {
		checkOffset(t, s, m, off)
	}
	// Every line and the two after, with characters that may be out of range.
	for line := range min(len(m.lines)+2, 200) {
		for _, char := range []uint32{0, 1, 2, 3, uint32(line), 1 << 31} {
			checkPosition(t, s, m, Position{uint32(line), char})
		}
	}
}

// checkOffset fails t unless s and m agree on the position of byte offset
// off, and unless that position converts back to the same offset.
func checkOffset(t *testing.T, s *Snapshot, m *model, off int) {
	t.Helper()
	for _, enc := range encodings {
		p := m.position(off, enc)
		if got := s.Position(off, enc); got != p {
			t.Fatalf("Position(%d, %v) = %v, want %v", off, enc, got, p)
		}
		o := s.Offset(p, enc)
		if want := m.offset(p, enc); o != want {
			t.Fatalf("Offset(%v, %v) = %d, want %d", p, enc, o, want)
		}
		if got := s.Position(o, enc); got != p { // p is valid, so it round-trips
			t.Fatalf("Position(Offset(%v, %v)) = %v, want %v", p, enc, got, p)
		}
	}
}

// checkPosition fails t unless s and m agree on the offset of p, which may be
// out of range.
func checkPosition(t *testing.T, s *Snapshot, m *model, p Position) {
	t.Helper()
	for _, enc := range encodings {
		if got, want := s.Offset(p, enc), m.offset(p, enc); got != want {
			t.Fatalf("Offset(%v, %v) = %d, want %d", p, enc, got, want)
		}
	}
}

// FuzzPosition checks that Offset inverts Position at every character
// boundary (outside a "\r\n"), in every encoding.
func FuzzPosition(f *testing.F) {
	f.Add("hello\nworld", byte(0))
	f.Add("a\r\nb\rc\n\r\n", byte(3))
	f.Add("é😀日本\xff\xe2\x82\n\uFFFD", byte(1))
	f.Add(strings.Repeat("x😀\r\n", 40), byte(7))
	f.Fuzz(func(t *testing.T, text string, size byte) {
		s := newWithChunkSize(text, 16+int(size%64))
		var prev [3]Position
		check := func(off int) {
			if off > 0 && off < len(text) && text[off-1] == '\r' && text[off] == '\n' {
				return
			}
			for i, enc := range encodings {
				p := s.Position(off, enc)
				if got := s.Offset(p, enc); got != off {
					t.Fatalf("Offset(Position(%d, %v) = %v) = %d, want %d", off, enc, p, got, off)
				}
				if p.Line < prev[i].Line || p.Line == prev[i].Line && p.Character <= prev[i].Character && off > 0 {
					t.Fatalf("Position(%d, %v) = %v, not after the previous boundary's %v", off, enc, p, prev[i])
				}
				prev[i] = p
			}
		}
		for off := range text {
			check(off)
		}
		check(len(text))
	})
}
