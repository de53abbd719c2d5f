package text

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

var encodings = []Encoding{UTF16, UTF8, UTF32}

func (e Encoding) String() string {
	switch e {
	case UTF16:
		return "UTF16"
	case UTF8:
		return "UTF8"
	case UTF32:
		return "UTF32"
	}
	return fmt.Sprintf("Encoding(%d)", int(e))
}

// checkInvariants fails t unless every chunk invariant of s holds. It decodes
// the whole text itself rather than trusting straddles.
func checkInvariants(t *testing.T, s *Snapshot) {
	t.Helper()
	text := s.String()
	if s.size != len(text) {
		t.Fatalf("size = %d, want %d", s.size, len(text))
	}
	if want := countBreaks(text); s.breaks != want {
		t.Fatalf("breaks = %d, want %d", s.breaks, want)
	}
	boundary := make([]bool, len(text)+1) // where decoding the whole text stops
	for i := range text {
		boundary[i] = true
	}
	boundary[len(text)] = true
	off, line := 0, 0
	for i, c := range s.chunks {
		if c.s == "" {
			t.Fatalf("chunk %d is empty", i)
		}
		if len(c.s) > s.maxChunk {
			t.Fatalf("chunk %d has %d bytes, more than %d", i, len(c.s), s.maxChunk)
		}
		if len(s.chunks) > 1 && len(c.s) < s.maxChunk/4 {
			t.Fatalf("chunk %d has %d bytes, fewer than %d", i, len(c.s), s.maxChunk/4)
		}
		if c.off != off || c.line != line {
			t.Fatalf("chunk %d at (off %d, line %d), want (%d, %d)", i, c.off, c.line, off, line)
		}
		if !boundary[off] {
			t.Fatalf("chunk %d starts inside a UTF-8 sequence: %q|%q", i, text[max(off-3, 0):off], c.s[:min(3, len(c.s))])
		}
		if off > 0 && text[off-1] == '\r' && text[off] == '\n' {
			t.Fatalf("chunk %d splits a \\r\\n", i)
		}
		off += len(c.s)
		line += countBreaks(c.s)
	}
}

type offsetCase struct {
	pos  Position
	enc  Encoding
	want int
}

type positionCase struct {
	off  int
	enc  Encoding
	want Position
}

// conversionTests are texts with the offsets of some positions, in range or
// clamped, and the positions of some offsets, exact or snapped.
var conversionTests = []struct {
	name      string
	text      string
	offsets   []offsetCase   // Offset(pos, enc) = want
	positions []positionCase // Position(off, enc) = want
}{
	{
		name: "empty",
		text: "",
		offsets: []offsetCase{
			{Position{0, 0}, UTF16, 0},
			{Position{0, 5}, UTF8, 0},
			{Position{3, 1}, UTF32, 0},
		},
		positions: []positionCase{
			{0, UTF16, Position{0, 0}},
			{-1, UTF8, Position{0, 0}},
			{10, UTF32, Position{0, 0}},
		},
	},
	{
		name: "ascii",
		text: "abc\ndef\n",
		offsets: []offsetCase{
			{Position{0, 0}, UTF16, 0},
			{Position{0, 3}, UTF8, 3},
			{Position{0, 4}, UTF16, 3}, // past the end of the line: before its break
			{Position{1, 2}, UTF32, 6},
			{Position{2, 0}, UTF16, 8},
			{Position{2, 9}, UTF16, 8},
			{Position{3, 0}, UTF8, 8}, // past the last line: end of text
			{Position{1 << 31, 1 << 31}, UTF8, 8},
		},
		positions: []positionCase{
			{3, UTF16, Position{0, 3}},
			{4, UTF8, Position{1, 0}},
			{7, UTF32, Position{1, 3}},
			{8, UTF16, Position{2, 0}},
			{-5, UTF16, Position{0, 0}},
			{99, UTF16, Position{2, 0}},
		},
	},
	{
		name: "two-byte",
		text: "aé\né", // a é(1,2) \n(3) é(4,5)
		offsets: []offsetCase{
			{Position{0, 1}, UTF16, 1},
			{Position{0, 2}, UTF16, 3},
			{Position{0, 2}, UTF8, 1}, // inside é
			{Position{0, 3}, UTF8, 3},
			{Position{0, 2}, UTF32, 3},
			{Position{1, 1}, UTF16, 6},
			{Position{1, 1}, UTF8, 4},
			{Position{1, 2}, UTF8, 6},
		},
		positions: []positionCase{
			{2, UTF16, Position{0, 1}}, // inside é
			{3, UTF16, Position{0, 2}},
			{3, UTF8, Position{0, 3}},
			{6, UTF32, Position{1, 1}},
			{6, UTF8, Position{1, 2}},
			{5, UTF8, Position{1, 0}},
		},
	},
	{
		name: "cjk",
		text: "日本\n語", // 日(0-2) 本(3-5) \n(6) 語(7-9)
		offsets: []offsetCase{
			{Position{0, 1}, UTF16, 3},
			{Position{0, 2}, UTF32, 6},
			{Position{0, 5}, UTF16, 6},
			{Position{0, 4}, UTF8, 3},
			{Position{0, 6}, UTF8, 6},
			{Position{1, 1}, UTF16, 10},
			{Position{1, 2}, UTF8, 7},
		},
		positions: []positionCase{
			{3, UTF16, Position{0, 1}},
			{3, UTF8, Position{0, 3}},
			{4, UTF16, Position{0, 1}},
			{8, UTF32, Position{1, 0}},
			{10, UTF16, Position{1, 1}},
			{10, UTF8, Position{1, 3}},
		},
	},
	{
		name: "emoji",
		text: "a😀b", // a(0) 😀(1-4) b(5)
		offsets: []offsetCase{
			{Position{0, 1}, UTF16, 1},
			{Position{0, 2}, UTF16, 1}, // between the surrogates
			{Position{0, 3}, UTF16, 5},
			{Position{0, 4}, UTF16, 6},
			{Position{0, 2}, UTF32, 5},
			{Position{0, 3}, UTF32, 6},
			{Position{0, 4}, UTF8, 1},
			{Position{0, 5}, UTF8, 5},
		},
		positions: []positionCase{
			{1, UTF16, Position{0, 1}},
			{3, UTF16, Position{0, 1}},
			{5, UTF16, Position{0, 3}},
			{5, UTF32, Position{0, 2}},
			{5, UTF8, Position{0, 5}},
			{6, UTF16, Position{0, 4}},
		},
	},
	{
		name: "crlf and lone cr",
		text: "a\r\nb\rc\n", // lines "a", "b", "c", ""
		offsets: []offsetCase{
			{Position{0, 1}, UTF16, 1},
			{Position{0, 5}, UTF16, 1},
			{Position{1, 0}, UTF8, 3},
			{Position{1, 3}, UTF32, 4},
			{Position{2, 0}, UTF16, 5},
			{Position{3, 0}, UTF16, 7},
			{Position{4, 0}, UTF16, 7},
		},
		positions: []positionCase{
			{1, UTF16, Position{0, 1}},
			{2, UTF16, Position{0, 1}}, // between \r and \n
			{3, UTF8, Position{1, 0}},
			{4, UTF32, Position{1, 1}},
			{5, UTF16, Position{2, 0}},
			{7, UTF16, Position{3, 0}},
		},
	},
	{
		name: "invalid utf-8",
		text: "a\xffb\xe2\x82\n\xf0\x9f\x98", // truncated sequences: one unit per byte
		offsets: []offsetCase{
			{Position{0, 2}, UTF16, 2},
			{Position{0, 4}, UTF16, 4},
			{Position{0, 5}, UTF32, 5},
			{Position{0, 9}, UTF8, 5},
			{Position{1, 2}, UTF16, 8},
			{Position{1, 3}, UTF32, 9},
		},
		positions: []positionCase{
			{4, UTF16, Position{0, 4}},
			{5, UTF32, Position{0, 5}},
			{8, UTF16, Position{1, 2}},
			{9, UTF8, Position{1, 3}},
		},
	},
	{
		name: "replacement character", // a valid U+FFFD is one character of 3 bytes
		text: "\uFFFDx",
		offsets: []offsetCase{
			{Position{0, 1}, UTF16, 3},
			{Position{0, 1}, UTF8, 0},
		},
		positions: []positionCase{
			{1, UTF16, Position{0, 0}},
			{3, UTF32, Position{0, 1}},
		},
	},
}

func TestOffset(t *testing.T) {
	for _, tt := range conversionTests {
		t.Run(tt.name, func(t *testing.T) {
			s := New(tt.text)
			for _, c := range tt.offsets {
				if got := s.Offset(c.pos, c.enc); got != c.want {
					t.Errorf("Offset(%v, %v) = %d, want %d", c.pos, c.enc, got, c.want)
				}
			}
			// The same text after a 41-byte line, across chunk boundaries.
			s = newWithChunkSize(strings.Repeat("-", 40)+"\n"+tt.text, 16)
			for _, c := range tt.offsets {
				p := Position{c.pos.Line + 1, c.pos.Character}
				if got := s.Offset(p, c.enc); got != c.want+41 {
					t.Errorf("Offset(%v, %v) = %d, want %d", p, c.enc, got, c.want+41)
				}
			}
		})
	}
}

func TestPosition(t *testing.T) {
	for _, tt := range conversionTests {
		t.Run(tt.name, func(t *testing.T) {
			s := New(tt.text)
			for _, c := range tt.positions {
				if got := s.Position(c.off, c.enc); got != c.want {
					t.Errorf("Position(%d, %v) = %v, want %v", c.off, c.enc, got, c.want)
				}
			}
			// The same text after a 41-byte line, across chunk boundaries.
			s = newWithChunkSize(strings.Repeat("-", 40)+"\n"+tt.text, 16)
			for _, c := range tt.positions {
				off := max(c.off, 0) + 41
				want := Position{c.want.Line + 1, c.want.Character}
				if got := s.Position(off, c.enc); got != want {
					t.Errorf("Position(%d, %v) = %v, want %v", off, c.enc, got, want)
				}
			}
		})
	}
}

func TestLineCount(t *testing.T) {
	tests := []struct {
		text string
		want int
	}{
		{"", 1},
		{"a", 1},
		{"\n", 2},
		{"\r\n", 2},
		{"\r", 2},
		{"\n\r", 3},
		{"a\r\r\nb\n", 4},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%q", tt.text), func(t *testing.T) {
			if got := New(tt.text).LineCount(); got != tt.want {
				t.Errorf("New(%q).LineCount() = %d, want %d", tt.text, got, tt.want)
			}
		})
	}
}

func TestEdit(t *testing.T) {
	long := strings.Repeat("0123456789abcde\n", 8) // 8 lines of 16 bytes
	tests := []struct {
		name    string
		text    string
		r       Range
		newText string
		enc     Encoding
		want    string
	}{
		{"insert at start", "abc", Range{Position{0, 0}, Position{0, 0}}, "x", UTF16, "xabc"},
		{"insert in middle", "abc", Range{Position{0, 1}, Position{0, 1}}, "x", UTF16, "axbc"},
		{"insert at end", "abc\n", Range{Position{1, 0}, Position{1, 0}}, "x", UTF16, "abc\nx"},
		{"insert past end", "abc\n", Range{Position{7, 3}, Position{9, 0}}, "x", UTF16, "abc\nx"},
		{"insert into empty", "", Range{}, "hello", UTF8, "hello"},
		{"delete", "abcdef", Range{Position{0, 1}, Position{0, 4}}, "", UTF16, "aef"},
		{"delete everything", "ab\ncd", Range{Position{0, 0}, Position{1, 2}}, "", UTF16, ""},
		{"replace", "abcdef", Range{Position{0, 2}, Position{0, 4}}, "XYZ", UTF32, "abXYZef"},
		{"across lines", "one\ntwo\nthree", Range{Position{0, 1}, Position{2, 2}}, "-", UTF16, "o-ree"},
		{"join lines", "one\r\ntwo", Range{Position{0, 3}, Position{1, 0}}, "", UTF16, "onetwo"},
		{"split line", "onetwo", Range{Position{0, 3}, Position{0, 3}}, "\r\n", UTF16, "one\r\ntwo"},
		{"swapped range", "abcdef", Range{Position{0, 4}, Position{0, 1}}, "", UTF16, "aef"},
		{"utf-16 inside surrogate pair", "a😀b", Range{Position{0, 2}, Position{0, 3}}, "", UTF16, "ab"},
		{"utf-8 inside sequence", "aéb", Range{Position{0, 2}, Position{0, 2}}, "x", UTF8, "axéb"},
		{"utf-32", "😀😀😀", Range{Position{0, 1}, Position{0, 2}}, "é", UTF32, "😀é😀"},
		{"no-op", "abc", Range{Position{0, 1}, Position{0, 1}}, "", UTF16, "abc"},
		{"long insert splits chunks", "ab", Range{Position{0, 1}, Position{0, 1}}, long, UTF16, "a" + long + "b"},
		{"delete across chunks", long, Range{Position{1, 3}, Position{6, 2}}, "", UTF16, long[:19] + long[98:]},
		{"replace across chunks", long, Range{Position{2, 15}, Position{5, 0}}, "é\r", UTF16, long[:47] + "é\r" + long[80:]},
		{"delete a whole chunk", long, Range{Position{2, 0}, Position{3, 0}}, "", UTF16, long[:32] + long[48:]},
		{"append at end", long, Range{Position{8, 0}, Position{8, 0}}, "tail", UTF16, long + "tail"},
		{"delete at start", long, Range{Position{0, 0}, Position{0, 5}}, "", UTF16, long[5:]},
	}
	for _, tt := range tests {
		for _, size := range []int{16, 24, defaultChunkSize} {
			t.Run(fmt.Sprintf("%s/chunk=%d", tt.name, size), func(t *testing.T) {
				s := newWithChunkSize(tt.text, size)
				got := s.Edit(tt.r, tt.newText, tt.enc)
				if got.String() != tt.want {
					t.Errorf("Edit(%v, %q, %v) = %q, want %q", tt.r, tt.newText, tt.enc, got.String(), tt.want)
				}
				if s.String() != tt.text {
					t.Errorf("after Edit, original = %q, want %q (unchanged)", s.String(), tt.text)
				}
				if want := New(tt.want).LineCount(); got.LineCount() != want {
					t.Errorf("Edit(%v, %q, %v).LineCount() = %d, want %d", tt.r, tt.newText, tt.enc, got.LineCount(), want)
				}
				checkInvariants(t, got)
			})
		}
	}
}

// TestEditChunkBoundary makes "\r\n" pairs and UTF-8 sequences appear and
// disappear across chunk boundaries.
func TestEditChunkBoundary(t *testing.T) {
	a, b, c := strings.Repeat, "a", "b"
	tests := []struct {
		name       string
		text       string // 32 bytes, so New cuts it in two near the middle
		start, end int    // bytes
		newText    string
		wantText   string
		wantLines  int
		wantCut    int // where New cuts text, checked to keep the test honest
	}{
		{"delete between cr and lf", a(b, 15) + "\rx\n" + a(c, 14), 16, 17, "", a(b, 15) + "\r\n" + a(c, 14), 2, 16},
		{"delete before cr at chunk end", a(b, 14) + "\rx\n" + a(c, 15), 15, 16, "", a(b, 14) + "\r\n" + a(c, 15), 2, 16},
		{"insert lf after cr at chunk end", a(b, 15) + "\r" + a(c, 16), 16, 16, "\n", a(b, 15) + "\r\n" + a(c, 16), 2, 16},
		{"insert cr before lf at chunk start", a(b, 16) + "\n" + a(c, 15), 16, 16, "\r", a(b, 16) + "\r\n" + a(c, 15), 2, 16},
		{"delete chunk between cr and lf", a(b, 15) + "\r" + a(c, 16), 16, 32, "\nz", a(b, 15) + "\r\nz", 2, 16},
		{"replace lf of crlf", a(b, 15) + "\r\n" + a(c, 15), 16, 17, "x", a(b, 15) + "\rx" + a(c, 15), 2, 15},
		{"delete cr of crlf", a(b, 15) + "\r\n" + a(c, 15), 15, 16, "", a(b, 15) + "\n" + a(c, 15), 2, 15},
		{"join utf-8 sequence", a(b, 15) + "\xe2x\x82\xac" + a(c, 13), 16, 17, "", a(b, 15) + "€" + a(c, 13), 1, 16},
		{"complete utf-8 sequence", a(b, 15) + "\xe2" + a(c, 16), 16, 16, "\x82\xac", a(b, 15) + "€" + a(c, 16), 1, 16},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newWithChunkSize(tt.text, 16)
			if got := len(s.chunks[0].s); got != tt.wantCut {
				t.Fatalf("first chunk has %d bytes, want %d", got, tt.wantCut)
			}
			got := s.replace(tt.start, tt.end, tt.newText)
			checkInvariants(t, got)
			if got.String() != tt.wantText {
				t.Errorf("replace(%d, %d, %q) = %q, want %q", tt.start, tt.end, tt.newText, got.String(), tt.wantText)
			}
			if got.LineCount() != tt.wantLines {
				t.Errorf("replace(%d, %d, %q).LineCount() = %d, want %d", tt.start, tt.end, tt.newText, got.LineCount(), tt.wantLines)
			}
		})
	}
}

// TestEditExhaustive replaces every byte range of a short, awkward text with
// each of a few awkward strings, with a chunk boundary at every place one may
// be.
func TestEditExhaustive(t *testing.T) {
	text := "a\r\nb\r\r\né😀\xe2\x82\xf0\x9f\r\n\n\rxyz\xe2\x82\xac\rend\r"
	inserts := []string{"", "\r", "\n", "\r\n", "y", "\x82", "\x82\xac", "\x98\x80", "\xe2", "😀", strings.Repeat("z\r", 12)}
	const maxChunk = 16
	boundary := make(map[int]bool)
	for i := range text {
		boundary[i] = !(i > 0 && text[i-1] == '\r' && text[i] == '\n')
	}
	for b := maxChunk / 4; b <= len(text)-maxChunk/4; b++ {
		if !boundary[b] {
			continue
		}
		t.Run(fmt.Sprintf("boundary=%d", b), func(t *testing.T) {
			s := newSplitAt(text, b, maxChunk)
			checkInvariants(t, s)
			for start := 0; start <= len(text); start++ {
				for end := start; end <= len(text); end++ {
					for _, ins := range inserts {
						got := s.replace(start, end, ins)
						want := text[:start] + ins + text[end:]
						if got.String() != want {
							t.Fatalf("replace(%d, %d, %q) = %q, want %q", start, end, ins, got.String(), want)
						}
						checkInvariants(t, got)
					}
				}
			}
		})
	}
}

// newSplitAt is newWithChunkSize with a chunk boundary at b, which must be a
// place New could cut and at least maxChunk/4 bytes from either end.
func newSplitAt(text string, b, maxChunk int) *Snapshot {
	s := &Snapshot{size: len(text), maxChunk: maxChunk}
	var n1, n2 int
	s.chunks, n1 = appendChunks(nil, text[:b], maxChunk, 0, 0)
	s.chunks, n2 = appendChunks(s.chunks, text[b:], maxChunk, b, n1)
	s.breaks = n1 + n2
	return s
}

// TestLongDocument checks positions in documents whose chunks hold many
// lines, against the fuzz model: FuzzEdit uses chunks too small for that.
func TestLongDocument(t *testing.T) {
	lf := document(3000)
	docs := map[string]string{
		"lf":         lf,
		"crlf":       strings.ReplaceAll(lf, "\n", "\r\n"),
		"cr":         strings.ReplaceAll(lf, "\n", "\r"),
		"long lines": strings.Repeat(strings.Repeat("é😀x", 700)+"\n", 20),
	}
	for name, text := range docs {
		t.Run(name, func(t *testing.T) {
			s, m := New(text), newModel(text)
			if got, want := s.LineCount(), len(m.lines); got != want {
				t.Fatalf("LineCount() = %d, want %d", got, want)
			}
			for line := range len(m.lines) + 1 {
				for _, char := range []uint32{0, 7, 5000} {
					checkPosition(t, s, m, Position{uint32(line), char})
				}
			}
			for off := 0; off <= len(text); off += 97 {
				checkOffset(t, s, m, off)
			}
		})
	}
}

func TestZeroSnapshot(t *testing.T) {
	var s Snapshot
	if s.Len() != 0 || s.LineCount() != 1 || s.String() != "" || s.Offset(Position{2, 2}, UTF16) != 0 || s.Position(5, UTF8) != (Position{}) {
		t.Errorf("zero Snapshot = (%d bytes, %d lines, %q), want an empty text", s.Len(), s.LineCount(), s.String())
	}
	if got := s.Edit(Range{}, "a\nb", UTF16); got.String() != "a\nb" || got.LineCount() != 2 {
		t.Errorf("Snapshot{}.Edit(Range{}, %q) = %q with %d lines, want 2 lines", "a\nb", got.String(), got.LineCount())
	}
}

func TestSlice(t *testing.T) {
	text := strings.Repeat("0123456789", 10)
	s := newWithChunkSize(text, 16)
	tests := []struct {
		start, end int
		want       string
	}{
		{0, 100, text},
		{-5, 200, text},
		{3, 7, text[3:7]},
		{10, 60, text[10:60]},
		{60, 10, ""},
		{50, 50, ""},
		{99, 100, "9"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d,%d", tt.start, tt.end), func(t *testing.T) {
			if got := s.Slice(tt.start, tt.end); got != tt.want {
				t.Errorf("Slice(%d, %d) = %q, want %q", tt.start, tt.end, got, tt.want)
			}
		})
	}
}

func TestCopyToAndChunks(t *testing.T) {
	text := strings.Repeat("line é😀\r\n", 20)
	for _, size := range []int{16, defaultChunkSize} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			s := newWithChunkSize(text, size)
			dst := make([]byte, s.Len()+3)
			if n := s.CopyTo(dst); n != len(text) || string(dst[:n]) != text {
				t.Errorf("CopyTo = %d, %q, want %d, %q", n, dst[:n], len(text), text)
			}
			short := make([]byte, 10)
			if n := s.CopyTo(short); n != 10 || string(short) != text[:10] {
				t.Errorf("CopyTo(short) = %d, %q, want 10, %q", n, short, text[:10])
			}
			var parts []string
			for part := range s.Chunks {
				parts = append(parts, part)
			}
			if got := strings.Join(parts, ""); got != text {
				t.Errorf("Chunks joined = %q, want %q", got, text)
			}
			n := 0
			for range s.Chunks {
				n++
				break
			}
			if n != 1 {
				t.Errorf("Chunks after break yielded %d chunks, want 1", n)
			}
		})
	}
}

// TestConcurrentReaders reads old snapshots while new ones are made from them;
// run it with -race.
func TestConcurrentReaders(t *testing.T) {
	snap := newWithChunkSize(strings.Repeat("hello, wörld 😀\r\n", 200), 64)
	snaps := make(chan *Snapshot, 16)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for s := range snaps {
				want := s.String()
				for line := range uint32(s.LineCount()) {
					p := Position{line, 0}
					if got := s.Position(s.Offset(p, UTF16), UTF16); got != p {
						t.Errorf("Position(Offset(%v)) = %v", p, got)
					}
				}
				if got := s.String(); got != want {
					t.Errorf("snapshot changed while read")
				}
			}
		})
	}
	for i := range 200 {
		snap = snap.Edit(Range{Position{uint32(i % 150), 2}, Position{uint32(i % 150), 4}}, "xyz\n", UTF16)
		snaps <- snap
	}
	close(snaps)
	wg.Wait()
}

func ExampleSnapshot_Edit() {
	s := New("héllo\nwörld\n")
	t := s.Edit(Range{Start: Position{1, 1}, End: Position{1, 2}}, "o", UTF16)
	fmt.Printf("%q %q\n", s, t)
	fmt.Println(t.Offset(Position{1, 5}, UTF16), t.Position(13, UTF8))
	// Output:
	// "héllo\nwörld\n" "héllo\nworld\n"
	// 12 {2 0}
}
