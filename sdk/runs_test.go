package sdk

import (
	"slices"
	"strings"
	"testing"
)

// FuzzRuns: Runs (natively, as tests of extensions run it) finds every
// maximal run of the class once, at its first occurrence, with its count,
// in strings.Compare order.
func FuzzRuns(f *testing.F) {
	f.Add("foo bar foo baz\nbar foo", byte('a'), byte('z'))
	f.Add("a\xffb\xc3é日本 ab", byte(0x80), byte(0xff))
	f.Add("", byte(0), byte(0xff))
	f.Fuzz(func(t *testing.T, s string, lo, hi byte) {
		var class ByteClass
		class.Add(lo, hi)
		for b := range 256 {
			if got, want := class.Has(byte(b)), lo <= byte(b) && byte(b) <= hi; got != want {
				t.Fatalf("ByteClass.Add(%#x, %#x): Has(%#x) = %v", lo, hi, b, got)
			}
		}
		runs, ok := Runs(s, &class)
		if !ok {
			t.Fatalf("Runs(%q): too many", s)
		}
		// Every run, by position: each is one of runs, with its first
		// occurrence and count.
		seen := map[string]int{}
		for i := 0; i < len(s); i++ {
			if !class.Has(s[i]) || i > 0 && class.Has(s[i-1]) {
				continue
			}
			j := i
			for j < len(s) && class.Has(s[j]) {
				j++
			}
			k := slices.IndexFunc(runs, func(r Run) bool { return s[r.Start:r.End] == s[i:j] })
			if k < 0 || seen[s[i:j]] == 0 && runs[k].Start != i {
				t.Fatalf("Runs(%q) = %v: run %q at %d missing, or not at its first occurrence", s, runs, s[i:j], i)
			}
			seen[s[i:j]]++
		}
		if len(runs) != len(seen) {
			t.Fatalf("Runs(%q) = %v: %d runs, want %d", s, runs, len(runs), len(seen))
		}
		for i, r := range runs {
			if r.Count != seen[s[r.Start:r.End]] || i > 0 && strings.Compare(s[runs[i-1].Start:runs[i-1].End], s[r.Start:r.End]) >= 0 {
				t.Fatalf("Runs(%q) = %v: run %d miscounted or out of order", s, runs, i)
			}
		}
	})
}
