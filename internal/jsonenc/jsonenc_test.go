package jsonenc

import (
	"encoding/json"
	"testing"
)

// FuzzAppendString: AppendString writes what json.Marshal writes.
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "plain", "quote\" back\\slash", "<a href='x'>&amp;</a>", "tab\tnew\nline\x00\x1f",
		"héllo wörld", "bad \xff utf-8 \xc3", "line\u2028para\u2029"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, _ := json.Marshal(s)
		if got := AppendString([]byte("x"), s); string(got) != "x"+string(want) {
			t.Errorf("AppendString(%q) = %s, want %s", s, got[1:], want)
		}
	})
}
