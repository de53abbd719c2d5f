package exttest_test

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/lsphost/lsphost/extensions/exttest"
	"github.com/lsphost/lsphost/internal/wasmbuild"
)

// The todo example, built to wasm, loaded into the real host: ranges are
// LSP's, in UTF-16 columns.
func Example() {
	wasm, err := wasmbuild.Path("sdk/examples/todo")
	if err != nil {
		panic(err)
	}
	ext := exttest.Load(nil, wasm, exttest.Options{Settings: map[string]any{"keywords": []string{"FIXME"}}})
	doc := exttest.Doc("go", "package a\n\nvar ü = \"😀\" // FIXME: rename\n")
	for _, d := range ext.Diagnostics(doc) {
		fmt.Println(d, "bytes", d.Start, d.End)
	}
	// Output:
	// 2:16-2:21: FIXME: rename bytes 30 35
}

func TestCompletionAndRanges(t *testing.T) {
	ext := exttest.Load(t, wasmbuild.Example(t, "words"), exttest.Options{})
	doc := exttest.DocAt("plaintext", "ünïcode über\nüb^")
	if doc.Cursor != (exttest.Position{Line: 1, Character: 2}) {
		t.Errorf("cursor = %v, want 1:2", doc.Cursor)
	}
	if got := ext.Completion(doc).Labels(); !reflect.DeepEqual(got, []string{"über"}) {
		t.Errorf("labels = %q, want [über]", got)
	}
}

func TestSettingsErrorsAreTheHosts(t *testing.T) {
	_, err := exttest.Open(t, wasmbuild.Example(t, "todo"), exttest.Options{Settings: `{"keywords": 3}`})
	if err == nil || !strings.Contains(err.Error(), `setting "keywords": want an array of strings`) {
		t.Errorf("Open with bad settings = %v, want the extension's settings error", err)
	}
	_, err = exttest.Open(t, filepath.Join(t.TempDir(), "none.wasm"), exttest.Options{})
	if err == nil || !strings.Contains(err.Error(), "not found") {
		t.Errorf("Open of a missing file = %v, want not found", err)
	}
	_, err = exttest.Open(t, wasmbuild.Example(t, "todo"), exttest.Options{Memory: "lots"})
	if err == nil || !strings.Contains(err.Error(), "memory") {
		t.Errorf("Open with a bad memory option = %v, want a configuration error", err)
	}
}

func TestReadGrantsRelativeToDir(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "words.txt"), []byte("x"), 0o644)
	ext := exttest.Load(t, wasmbuild.Example(t, "todo"), exttest.Options{Dir: dir, Read: []string{"."}, Timeout: "2s"})
	if got := ext.Extension().Spec().Grants.Read; !reflect.DeepEqual(got, []string{"."}) {
		t.Errorf("read grants = %q", got)
	}
	if got := ext.Extension().Spec().Timeout.String(); got != "2s" {
		t.Errorf("timeout = %s, want 2s", got)
	}
}

func TestPositionsRoundTrip(t *testing.T) {
	text := "a😀b\r\nçd\re"
	for offset := range len(text) + 1 {
		p := exttest.PositionOf(text, offset)
		if back := exttest.OffsetOf(text, p); back != offset && !inside(text, offset) {
			t.Errorf("offset %d → %v → %d", offset, p, back)
		}
	}
	if p := exttest.PositionOf(text, strings.Index(text, "b")); p != (exttest.Position{Line: 0, Character: 3}) {
		t.Errorf("position of b = %v, want 0:3", p)
	}
	if p := exttest.PositionOf(text, strings.Index(text, "e")); p != (exttest.Position{Line: 2, Character: 0}) {
		t.Errorf("position of e = %v, want 2:0", p)
	}
}

// inside reports whether offset is inside a character or a "\r\n", where
// no position maps back to it.
func inside(text string, offset int) bool {
	return offset < len(text) && text[offset]&0xC0 == 0x80 || offset > 0 && offset < len(text) && text[offset-1] == '\r' && text[offset] == '\n'
}

func TestApply(t *testing.T) {
	edits := []exttest.TextEdit{{}, {}}
	edits[0].Start, edits[0].End, edits[0].NewText = 0, 1, "A"
	edits[1].Start, edits[1].End, edits[1].NewText = 2, 3, "C"
	if got := exttest.Apply("abc", edits); got != "AbC" {
		t.Errorf("Apply = %q, want AbC", got)
	}
}

func TestLinesAgreeWithPositionOf(t *testing.T) {
	text := "a😀b\r\nçd\re\n\nx"
	l := exttest.NewLinesForTest(text)
	for offset := range len(text) + 2 {
		if got, want := l(offset), exttest.PositionOf(text, offset); got != want {
			t.Errorf("offset %d: %v, want %v", offset, got, want)
		}
	}
}

func TestBuild(t *testing.T) {
	wasm := exttest.Build(t, filepath.Join(wasmbuild.Root(), "sdk", "examples", "todo"))
	ext := exttest.Load(t, wasm, exttest.Options{})
	if got := ext.Extension().Declaration().Name; got != "todo" {
		t.Errorf("built module's name = %q", got)
	}
	_, err := exttest.Open(t, wasm, exttest.Options{Name: "two words"})
	if err == nil {
		t.Error("a bad name: no error")
	}
}

// TestSameDocumentSameText: calls on one version of a document hand the
// host the same Text, as the server does with its snapshots, so the Go
// SDK's kept text (ABI.md "Unchanged text") is what extensions' wasm tests
// run on from the second call; a new version or text is a new Text.
func TestSameDocumentSameText(t *testing.T) {
	ext := exttest.Load(t, wasmbuild.Example(t, "words"), exttest.Options{})
	doc := exttest.DocAt("plaintext", "apple apricot\nap^")
	first := ext.HostTextForTest(doc)
	if again := ext.HostTextForTest(exttest.DocAt("plaintext", "apple apricot\na^p")); again != first {
		t.Errorf("the same text with another cursor got a new Text")
	}
	for range 3 { // answered on the kept text after the first
		if got := ext.Completion(doc).Labels(); !reflect.DeepEqual(got, []string{"apple", "apricot"}) {
			t.Fatalf("labels = %q", got)
		}
	}
	next := doc
	next.Version++
	if ext.HostTextForTest(next) == first {
		t.Errorf("a new version kept the old Text")
	}
	other := exttest.DocAt("plaintext", "apple avocado\nav^")
	if got := ext.Completion(other).Labels(); !reflect.DeepEqual(got, []string{"avocado"}) {
		t.Errorf("labels on another text = %q, want [avocado]", got)
	}
}

// TestPrepare: after Prepare, the completion on the same text is answered
// from what the extension prepared, as after any request.
func TestPrepare(t *testing.T) {
	ext := exttest.Load(t, wasmbuild.Example(t, "words"), exttest.Options{})
	doc := exttest.DocAt("plaintext", "apple apricot\nap^")
	ext.Prepare(doc)
	if got := ext.Completion(doc).Labels(); !reflect.DeepEqual(got, []string{"apple", "apricot"}) {
		t.Errorf("labels after Prepare = %q, want [apple apricot]", got)
	}
	if h := ext.Extension().Health(); h.Calls < 2 || h.Failures != 0 {
		t.Errorf("health %+v, want the prepare and the completion, no failure", h)
	}
}
