package jsonenc

import (
	"bytes"
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

// FuzzIsInteger: what IsInteger accepts, encoding/json accepts and compacts
// to the same bytes.
func FuzzIsInteger(f *testing.F) {
	for _, s := range []string{"0", "-0", "12", "-12", "007", "-", "", " 1", "1 ", "1e3", "1.5", "+1", "--1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !IsInteger([]byte(s)) {
			return
		}
		var buf bytes.Buffer
		if err := json.Compact(&buf, []byte(s)); err != nil || buf.String() != s {
			t.Errorf("IsInteger(%q) = true, but encoding/json compacts it to %q (%v)", s, buf.String(), err)
		}
	})
}
