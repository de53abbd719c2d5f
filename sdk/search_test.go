package sdk

import (
	"strings"
	"testing"
)

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
