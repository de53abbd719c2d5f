package sdk

import (
	"strings"
	"testing"
	"unsafe"
)

// counting returns a build function that counts its calls.
func counting(calls *int) func(string) string {
	return func(text string) string {
		*calls++
		return strings.ToUpper(text)
	}
}

func TestDocumentCacheReusesOnlyTheSameText(t *testing.T) {
	var c DocumentCache[string]
	calls := 0
	build := counting(&calls)
	doc := &Document{URI: "file:///a", Version: 1, Text: "hello"}
	if got := c.Get(doc, build); got != "HELLO" || calls != 1 {
		t.Fatalf("first Get = %q after %d builds, want HELLO after 1", got, calls)
	}
	// The same text in a new string (the host sends it again): reused.
	again := &Document{URI: "file:///a", Version: 1, Text: strings.Clone("hello")}
	if got := c.Get(again, build); got != "HELLO" || calls != 1 {
		t.Fatalf("same text: Get = %q after %d builds, want the cached HELLO", got, calls)
	}
	if !c.Has(again) || c.Has(&Document{URI: "file:///a", Version: 1, Text: "hellO"}) || c.Has(&Document{URI: "file:///b", Version: 1, Text: "hello"}) {
		t.Errorf("Has: want true for the text kept only")
	}
	if !c.HasDocument("file:///a") || c.HasDocument("file:///b") {
		t.Errorf("HasDocument: want true for the document kept only")
	}
	// The entry now holds the new string: the requests that follow get
	// that one (the SDK keeps the last text), and compare by pointer.
	if kept := c.entries[len(c.entries)-1].text; unsafe.StringData(kept) != unsafe.StringData(again.Text) {
		t.Errorf("after a hit with the same text in a new string, the entry keeps the old string")
	}
	steps := []struct {
		name string
		doc  *Document
		want string
	}{
		{"new version", &Document{URI: "file:///a", Version: 2, Text: "hello"}, "HELLO"},
		{"same version, other text (closed and reopened)", &Document{URI: "file:///a", Version: 2, Text: "world"}, "WORLD"},
		{"other document", &Document{URI: "file:///b", Version: 2, Text: "world"}, "WORLD"},
	}
	for i, s := range steps {
		if got := c.Get(s.doc, build); got != s.want || calls != i+2 {
			t.Errorf("%s: Get = %q after %d builds, want %q built anew (%d builds)", s.name, got, calls, s.want, i+2)
		}
	}
	if got := c.Get(&Document{URI: "file:///a", Version: 2, Text: "world"}, build); got != "WORLD" || calls != 4 {
		t.Errorf("back to a: Get = %q after %d builds, want the cached WORLD", got, calls)
	}
}

func TestDocumentCacheDropsTheLeastRecentlyUsed(t *testing.T) {
	c := DocumentCache[string]{Size: 2}
	calls := 0
	build := counting(&calls)
	a := &Document{URI: "a", Text: "a"}
	b := &Document{URI: "b", Text: "b"}
	d := &Document{URI: "d", Text: "d"}
	c.Get(a, build)
	c.Get(b, build)
	c.Get(a, build) // a is now the most recently used
	c.Get(d, build) // drops b
	if calls != 3 {
		t.Fatalf("%d builds, want 3", calls)
	}
	c.Get(a, build)
	if calls != 3 {
		t.Errorf("a was dropped although b was used less recently")
	}
	c.Get(b, build)
	if calls != 4 {
		t.Errorf("b was kept past Size")
	}
	if len(c.entries) != 2 {
		t.Errorf("%d entries, want Size = 2", len(c.entries))
	}
}

func FuzzEqualWords(f *testing.F) {
	f.Add("", "")
	f.Add("hello, world", "hello, world")
	f.Add(strings.Repeat("abcdefgh", 9), strings.Repeat("abcdefgh", 8)+"abcdefgX")
	f.Add(strings.Repeat("x", 33), strings.Repeat("x", 32)+"y")
	f.Fuzz(func(t *testing.T, a, b string) {
		if got, want := equalWords(a, b), a == b; got != want {
			t.Errorf("equalWords(%q, %q) = %v, want %v", a, b, got, want)
		}
		// A copy with one byte changed, at every position class.
		if len(a) > 0 {
			c := []byte(a)
			c[len(c)/2] ^= 1
			if equalWords(a, string(c)) {
				t.Errorf("equalWords(%q, %q) = true", a, c)
			}
		}
		if !equalWords(a, strings.Clone(a)) {
			t.Errorf("equalWords(%q, its copy) = false", a)
		}
	})
}

// TestDocumentCacheUpdate: a new text of a document goes to Update with the
// previous text's value; false from Update, or another document, builds.
func TestDocumentCacheUpdate(t *testing.T) {
	builds := 0
	var updates []string
	c := DocumentCache[string]{Update: func(old, oldText, text string) (string, bool) {
		updates = append(updates, old+"|"+oldText+"|"+text)
		return old + "+" + text, text != "refused"
	}}
	build := counting(&builds)
	c.Get(&Document{URI: "file:///a", Version: 1, Text: "one"}, build)
	if got := c.Get(&Document{URI: "file:///a", Version: 2, Text: "two"}, build); got != "ONE+two" || builds != 1 {
		t.Errorf("new text: Get = %q after %d builds, want the update ONE+two", got, builds)
	}
	if got := c.Get(&Document{URI: "file:///b", Version: 1, Text: "bee"}, build); got != "BEE" || builds != 2 {
		t.Errorf("other document: Get = %q after %d builds, want BEE built", got, builds)
	}
	if got := c.Get(&Document{URI: "file:///a", Version: 3, Text: "refused"}, build); got != "REFUSED" || builds != 3 {
		t.Errorf("update refused: Get = %q after %d builds, want REFUSED built", got, builds)
	}
	want := []string{"ONE|one|two", "ONE+two|two|refused"}
	if strings.Join(updates, " ") != strings.Join(want, " ") {
		t.Errorf("Update calls = %q, want %q", updates, want)
	}
}
