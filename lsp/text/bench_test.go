package text

// Typing one character into a 100k-line (4.0 MB) document costs about 22 µs
// and 37 KB of allocation (one 4 KiB chunk and the list of 976 chunk headers),
// against 330 µs to merely copy the text (BenchmarkCopyTo) and 2 ms to rebuild
// it as one string (BenchmarkEditFlat).
//
//	go test -run='^$' -bench=. -count=5 ./lsp/text
//
// Medians on go1.26.8 linux/amd64, a 2-vCPU Intel Xeon shared with other
// work, so expect ±30% (BenchmarkEdit/lines=100000 ranged 12–25 µs over the
// day's runs):
//
//	BenchmarkEdit/lines=1000          4.1 µs      4.5 KB   3 allocs
//	BenchmarkEdit/lines=10000         6.5 µs      7.3 KB   3 allocs
//	BenchmarkEdit/lines=100000         22 µs       37 KB   3 allocs
//	BenchmarkEditFlat (100k lines)    2.0 ms      4.0 MB   1 alloc
//	BenchmarkCopyTo (100k lines)      330 µs     12 GB/s   0 allocs
//	BenchmarkOffset (10k lines)       390 ns               0 allocs
//	BenchmarkPosition (10k lines)     335 ns               0 allocs
//
// BenchmarkChunkSize chose the default chunk size of 4 KiB. Smaller chunks
// make lookups cheaper but give big documents so many chunks that copying
// their headers dominates an edit; larger ones make every lookup scan more.
// Edit µs / Offset ns / Position ns:
//
//	          10k lines         100k lines
//	1 KiB     9 / 310 / 300     88 / 470 / 440
//	2 KiB     5 / 560 / 350     45 / 480 / 470
//	4 KiB     6 / 460 / 370     24 / 650 / 510
//	8 KiB     8 / 640 / 470     18 / 880 / 660

import (
	"fmt"
	"strings"
	"testing"
)

// document returns a Go-like text of n lines with some non-ASCII characters.
func document(n int) string {
	var b strings.Builder
	for i := range n {
		switch i % 10 {
		case 0:
			fmt.Fprintf(&b, "func f%d(s string) int { // é😀\n", i)
		case 9:
			b.WriteString("}\n")
		default:
			fmt.Fprintf(&b, "\tx := compute(s, %d) + other(\"日本語\")\n", i)
		}
	}
	return b.String()
}

// BenchmarkEdit types one character in the middle of a document.
func BenchmarkEdit(b *testing.B) {
	for _, lines := range []int{1_000, 10_000, 100_000} {
		b.Run(fmt.Sprintf("lines=%d", lines), func(b *testing.B) {
			s := New(document(lines))
			at := Position{Line: uint32(lines / 2), Character: 7}
			r := Range{Start: at, End: at}
			b.ReportAllocs()
			for b.Loop() {
				s.Edit(r, "x", UTF16)
			}
		})
	}
}

func BenchmarkOffset(b *testing.B) {
	s := New(document(10_000))
	b.ReportAllocs()
	var line uint32
	for b.Loop() {
		s.Offset(Position{Line: line, Character: 20}, UTF16)
		line = (line + 7919) % 10_000 // hop around the document
	}
}

func BenchmarkPosition(b *testing.B) {
	s := New(document(10_000))
	b.ReportAllocs()
	off := 0
	for b.Loop() {
		s.Position(off, UTF16)
		off = (off + 104_729) % s.Len()
	}
}

// BenchmarkCopyTo copies a whole document: what every keystroke would cost if
// a snapshot were one flat string.
func BenchmarkCopyTo(b *testing.B) {
	s := New(document(100_000))
	dst := make([]byte, s.Len())
	b.SetBytes(int64(s.Len()))
	b.ReportAllocs()
	for b.Loop() {
		s.CopyTo(dst)
	}
}

// BenchmarkEditFlat types one character into a 100k-line document held as one
// string, for comparison with BenchmarkEdit.
func BenchmarkEditFlat(b *testing.B) {
	text := document(100_000)
	mid := len(text) / 2
	b.ReportAllocs()
	for b.Loop() {
		_ = text[:mid] + "x" + text[mid:]
	}
}

// BenchmarkChunkSize weighs the chunk size by typing and looking up
// positions in 10k- and 100k-line documents.
func BenchmarkChunkSize(b *testing.B) {
	for _, lines := range []int{10_000, 100_000} {
		text := document(lines)
		for _, size := range []int{1 << 10, 2 << 10, 4 << 10, 8 << 10} {
			s := newWithChunkSize(text, size)
			name := fmt.Sprintf("lines=%d/size=%d", lines, size)
			b.Run(name+"/edit", func(b *testing.B) {
				at := Position{Line: uint32(lines / 2), Character: 7}
				b.ReportAllocs()
				for b.Loop() {
					s.Edit(Range{Start: at, End: at}, "x", UTF16)
				}
			})
			b.Run(name+"/offset", func(b *testing.B) {
				b.ReportAllocs()
				var line uint32
				for b.Loop() {
					s.Offset(Position{Line: line, Character: 20}, UTF16)
					line = (line + 7919) % uint32(lines)
				}
			})
			b.Run(name+"/position", func(b *testing.B) {
				b.ReportAllocs()
				off := 0
				for b.Loop() {
					s.Position(off, UTF16)
					off = (off + 104_729) % s.Len()
				}
			})
		}
	}
}
