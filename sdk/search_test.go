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
