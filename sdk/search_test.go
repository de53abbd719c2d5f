package sdk

import (
	"strings"
	"testing"
)

func TestIndexWords(t *testing.T) {
	long := strings.Repeat("abcdefgh", 20)
	tests := []struct{ s, substr string }{
		{"", ""}, {"", "a"}, {"a", ""}, {"a", "a"}, {"a", "b"}, {"ab", "abc"},
		{long, "x"}, {long + "x", "x"}, {long + "xy", "xy"}, {long + "xy", "y"},
		{long, "ha"}, {long, "hab"}, {long, "abcdefgha"}, {long, "abcdefghi"},
		{"TODOS TODO", "TODO"}, {strings.Repeat("TTTTTTTTTTTT", 9) + "TO", "TO"},
		{strings.Repeat("\x00", 70) + "\x00\x01", "\x00\x01"}, {strings.Repeat("\xff", 70), "\xff\xff"},
	}
	for _, tt := range tests {
		if got, want := indexWords(tt.s, tt.substr), strings.Index(tt.s, tt.substr); got != want {
			t.Errorf("indexWords(%q, %q) = %d, want %d", tt.s, tt.substr, got, want)
		}
	}
}

// TestIndexWordsPositions puts a pattern at every position of texts of
// every length up to 150, across the 64-position iterations, the word-wise
// tail and the last byte, after near misses (the first byte alone, the
// first two bytes) in the same text.
func TestIndexWordsPositions(t *testing.T) {
	for _, substr := range []string{"\n", "TO", "TODO", "TODOTODO", "TODO:DONE"} {
		for n := len(substr); n <= 150; n++ {
			for at := 0; at+len(substr) <= n; at++ {
				b := []byte(strings.Repeat("xT", n)[:n])
				copy(b[at:], substr)
				if at >= 3 {
					copy(b[at-3:], substr[:min(2, len(substr))]) // a near miss before it
				}
				s := string(b)
				if got, want := indexWords(s, substr), strings.Index(s, substr); got != want {
					t.Fatalf("indexWords(%q, %q) = %d, want %d", s, substr, got, want)
				}
			}
		}
	}
}

// FuzzIndexWords: indexWords is strings.Index, at every offset of the text.
func FuzzIndexWords(f *testing.F) {
	f.Add("value := compute(alpha, beta) // TODO: check the item and FIXME later", "TODO")
	f.Add(strings.Repeat("ab", 40)+"abc", "abc")
	f.Add("\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01", "\x01")
	f.Fuzz(func(t *testing.T, s, substr string) {
		for from := 0; from <= len(s) && from < 40; from++ {
			if got, want := indexWords(s[from:], substr), strings.Index(s[from:], substr); got != want {
				t.Fatalf("indexWords(%q, %q) = %d, want %d", s[from:], substr, got, want)
			}
		}
	})
}

func BenchmarkIndex(b *testing.B) {
	s := strings.Repeat("    for i := range items { total += items[i].price * items[i].count }\n", 1500) + "TODO"
	b.SetBytes(int64(len(s)))
	for _, impl := range []struct {
		name string
		f    func(string, string) int
	}{{"strings", strings.Index}, {"words", indexWords}} {
		b.Run(impl.name, func(b *testing.B) {
			for b.Loop() {
				if impl.f(s, "TODO") < 0 {
					b.Fatal("not found")
				}
			}
		})
	}
}

// lineEndOracle is LineEnd by the standard library.
func lineEndOracle(s string) int {
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		return i
	}
	return len(s)
}

// TestLineEndWords puts a line break at every position of strings of every
// length up to 80, the lengths where the word loops hand over to the last,
// overlapping word.
func TestLineEndWords(t *testing.T) {
	for n := range 81 {
		s := strings.Repeat("a\x0b\x0c\x8a\x8d", 20)[:n] // bytes one bit from '\n' and '\r'
		if got := lineEndWords(s); got != n {
			t.Errorf("lineEndWords(%q) = %d, want %d", s, got, n)
		}
		for at := range n {
			for _, br := range []string{"\n", "\r"} {
				s := s[:at] + br + s[at+1:]
				if got, want := lineEndWords(s), lineEndOracle(s); got != want {
					t.Errorf("lineEndWords(%q) = %d, want %d", s, got, want)
				}
			}
		}
	}
}

func FuzzLineEndWords(f *testing.F) {
	f.Add("// TODO: check\r\nthe item")
	f.Fuzz(func(t *testing.T, s string) {
		for from := 0; from <= len(s) && from < 40; from++ {
			if got, want := lineEndWords(s[from:]), lineEndOracle(s[from:]); got != want {
				t.Fatalf("lineEndWords(%q) = %d, want %d", s[from:], got, want)
			}
		}
		if got, want := LineEnd(s), lineEndOracle(s); got != want {
			t.Fatalf("LineEnd(%q) = %d, want %d", s, got, want)
		}
	})
}
