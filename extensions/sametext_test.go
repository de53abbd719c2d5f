package extensions

import (
	"strings"
	"testing"

	"github.com/lsphost/lsphost/internal/echosum"
	"github.com/lsphost/lsphost/internal/wasmbuild"
)

// countedText is a Text that counts how often the host copies it.
type countedText struct {
	s      string
	copies int
}

func (c *countedText) Len() int { return len(c.s) }
func (c *countedText) CopyTo(dst []byte) int {
	c.copies++
	return copy(dst, c.s)
}

// TestSameTextIsNotSentAgain: a text an instance of a guest that keeps
// texts (every Go SDK guest) already received is not copied into it again,
// and the guest still answers on exactly that text; another text, even
// with the same bytes, is sent; a guest that does not keep texts gets the
// text every time.
func TestSameTextIsNotSentAgain(t *testing.T) {
	t.Parallel()
	h := newHost(t, Options{})
	echo := load(t, h, testSpec("echo", wasmbuild.Build(t, "testdata/guests/echo")))
	diagnose := func(ext *Extension, text Text, content string) []string {
		t.Helper()
		diags, err := ext.Diagnostics(testContext(t), Document{URI: "file:///a", LanguageID: "plaintext", Version: 1, Text: text})
		if err != nil {
			t.Fatal(err)
		}
		return messages(diags)
	}

	content := strings.Repeat("some text é ", 1000)
	first := &countedText{s: content}
	for i := range 3 {
		if got := diagnose(echo, first, content); len(got) != 1 || got[0] != echosum.Of(content) {
			t.Fatalf("call %d: echo saw %v, want %s", i, got, echosum.Of(content))
		}
	}
	if first.copies != 1 {
		t.Errorf("the same text was copied %d times into the guest, want once", first.copies)
	}
	// The same bytes in another Text: the host cannot know, so it sends.
	second := &countedText{s: strings.Clone(content)}
	diagnose(echo, second, content)
	// Then back to the first: the instance's last text is the second now.
	diagnose(echo, first, content)
	if second.copies != 1 || first.copies != 2 {
		t.Errorf("copies %d and %d, want 1 and 2", second.copies, first.copies)
	}

	// A guest that does not declare keepsText (written against the ABI
	// without it) gets the text every time.
	wat := load(t, h, testSpec("wat-todo", guestWasm(t, "wat-todo/todo.wasm")))
	todo := &countedText{s: "TODO: one\n"}
	for range 3 {
		if got := diagnose(wat, todo, todo.s); len(got) != 1 {
			t.Fatalf("wat-todo found %v, want one marker", got)
		}
	}
	if todo.copies != 3 {
		t.Errorf("a guest without keepsText got its text %d times of 3", todo.copies)
	}
}
