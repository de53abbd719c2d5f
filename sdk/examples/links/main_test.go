package main

import (
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/lsphost/lsphost/extensions/exttest"
	"github.com/lsphost/lsphost/internal/wasmbuild"
	"github.com/lsphost/lsphost/sdk/sdktest"
)

// fileURI is the URI of a path relative to the current directory.
func fileURI(t *testing.T, rel string) string {
	abs, err := filepath.Abs(rel)
	if err != nil {
		t.Fatal(err)
	}
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String()
}

// wsDir is testdata/ws, absolute.
var wsDir, _ = filepath.Abs("testdata/ws")

// workspaceDoc is testdata/ws/README.md, the current directory being ws.
func workspaceDoc(t *testing.T, text string) sdktest.Document {
	t.Chdir(wsDir)
	doc := sdktest.DocAt("markdown", text)
	doc.URI = fileURI(t, "README.md")
	return doc
}

// readmeDoc is testdata/ws/README.md as it is on disk (it has a literal
// "^", so no cursor).
func readmeDoc(t *testing.T) sdktest.Document {
	text := readme(t)
	t.Chdir(wsDir)
	doc := sdktest.Doc("markdown", text)
	doc.URI = fileURI(t, "README.md")
	return doc
}

var wantReadme = []string{
	`3:17 "docs/missing.md" link target docs/missing.md not found`,
	`3:50 "images/none.svg" image images/none.svg not found`,
	`14:7 "docs/gone.md" link target docs/gone.md not found`,
}

func readme(t *testing.T) string {
	data, err := os.ReadFile("testdata/ws/README.md")
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestDiagnostics(t *testing.T) {
	ext := sdktest.Start(t, nil)
	doc := readmeDoc(t)
	if got := sdktest.Describe(doc.Text, ext.Diagnostics(doc)); !reflect.DeepEqual(got, wantReadme) {
		t.Errorf("diagnostics =\n%q\nwant\n%q", got, wantReadme)
	}
}

func TestIgnoreSetting(t *testing.T) {
	ext := sdktest.Start(t, map[string]any{"ignore": []string{"images/", "docs/gone*"}})
	doc := readmeDoc(t)
	if got := sdktest.Describe(doc.Text, ext.Diagnostics(doc)); !reflect.DeepEqual(got, wantReadme[:1]) {
		t.Errorf("diagnostics = %q, want %q", got, wantReadme[:1])
	}
	if _, err := sdktest.Init(`{"maxCompletions": 0}`); err == nil {
		t.Error("maxCompletions 0 accepted")
	}
}

func TestHover(t *testing.T) {
	ext := sdktest.Start(t, nil)
	for _, tt := range []struct{ text, want string }{
		{"See [the ^guide](docs/guide.md#install).", "`docs/guide.md`: exists\n\n> The guide"},
		{"[n](docs/sub/notes^.txt)", "`docs/sub/notes.txt`: exists\n\n> no heading here"},
		{"![x](images/^logo.png)", "`images/logo.png`: exists"},
		{"[x](docs/^nope.md)", "`docs/nope.md`: **not found**"},
		{"[x](docs/sub/^)", "`docs/sub`: a folder"},
		{"[x](https://^example.invalid)", ""},
		{"plain ^text", ""},
	} {
		doc := workspaceDoc(t, tt.text)
		if got := ext.Hover(doc).Contents; got != tt.want {
			t.Errorf("hover at %q = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestCompletion(t *testing.T) {
	ext := sdktest.Start(t, nil)
	for _, tt := range []struct {
		text string
		want []string
	}{
		{"[x](^", []string{"docs/", "images/"}},
		{"[x](d^", []string{"docs/"}},
		{"[x](docs/^", []string{"guide.md", "sub/", "with space.md"}},
		{"[x](docs/w^", []string{"with space.md"}},
		{"[x](/images/^", []string{"logo.png"}},
		{"[x](docs/guide.md) y^", nil},
		{"[x](https://^", nil},
		{"[x](nowhere/^", nil},
	} {
		doc := workspaceDoc(t, tt.text)
		got := sdktest.Labels(ext.Completion(doc))
		if len(got) == 0 {
			got = nil
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("completion at %q = %q, want %q", tt.text, got, tt.want)
		}
	}
	doc := workspaceDoc(t, "[x](docs/w^")
	item := ext.Completion(doc).Items[0]
	if got := doc.Text[:item.Edit.Start] + item.Edit.NewText; got != "[x](docs/with%20space.md" {
		t.Errorf("completed = %q", got)
	}
}

func TestNoReadGrant(t *testing.T) {
	ext := sdktest.Start(t, nil)
	doc := sdktest.Doc("markdown", "[x](missing.md)")
	doc.URI = "file:///elsewhere/README.md"
	if got := ext.Diagnostics(doc); len(got) != 0 {
		t.Errorf("diagnostics outside the folder = %v", got)
	}
}

// TestRealDocs checks the links of this repository's own Markdown files,
// which were not written for it: every link there is meant to work.
func TestRealDocs(t *testing.T) {
	root := wasmbuild.Root()
	var files []string
	for _, pattern := range []string{"*.md", "docs/*.md", "sdk/examples/*/README.md", "abi/*.md"} {
		m, _ := filepath.Glob(filepath.Join(root, pattern))
		files = append(files, m...)
	}
	if len(files) < 8 {
		t.Fatalf("only %d files", len(files))
	}
	t.Chdir(root)
	ext := sdktest.Start(t, nil)
	links, broken := 0, 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		doc := sdktest.Doc("markdown", string(data))
		doc.URI = (&url.URL{Scheme: "file", Path: filepath.ToSlash(f)}).String()
		forEachLink(doc.Text, func(l link) {
			if !strings.Contains(l.target, "://") {
				links++
			}
		})
		for _, d := range sdktest.Describe(doc.Text, ext.Diagnostics(doc)) {
			t.Errorf("%s: %s", f, d)
			broken++
		}
	}
	t.Logf("%d files, %d local links, %d reported broken", len(files), links, broken)
}

func TestThroughHost(t *testing.T) {
	wasm := wasmbuild.Example(t, "links")
	ws, _ := filepath.Abs("testdata/ws")
	text := readme(t)
	doc := exttest.Doc("markdown", text)
	doc.URI = (&url.URL{Scheme: "file", Path: filepath.ToSlash(filepath.Join(ws, "README.md"))}).String()

	ext := exttest.Load(t, wasm, exttest.Options{Name: "links", Dir: ws, Read: []string{"."}})
	var got []string
	for _, d := range ext.Diagnostics(doc) {
		got = append(got, d.String())
	}
	want := []string{"3:17-3:32: link target docs/missing.md not found", "3:50-3:65: image images/none.svg not found", "14:7-14:19: link target docs/gone.md not found"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("diagnostics = %q, want %q", got, want)
	}
	doc.Cursor = exttest.Position{Line: 2, Character: 20}
	if h := ext.Hover(doc); h.Contents != "`docs/guide.md`: exists\n\n> The guide" || h.Range.String() != "2:16-2:37" {
		t.Errorf("hover = %q %v", h.Contents, h.Range)
	}
	doc.Text, doc.Cursor = "[x](docs/", exttest.Position{Character: 9}
	if got := ext.Completion(doc).Labels(); !reflect.DeepEqual(got, []string{"guide.md", "sub/", "with space.md"}) {
		t.Errorf("completion = %q", got)
	}

	// A grant on docs/ only: images cannot be checked, so are not reported.
	narrow := exttest.Load(t, wasm, exttest.Options{Name: "links", Dir: ws, Read: []string{"docs"}})
	doc = exttest.Doc("markdown", text)
	doc.URI = (&url.URL{Scheme: "file", Path: filepath.ToSlash(filepath.Join(ws, "README.md"))}).String()
	got = nil
	for _, d := range narrow.Diagnostics(doc) {
		got = append(got, d.String())
	}
	if want := []string{want[0], want[2]}; !reflect.DeepEqual(got, want) {
		t.Errorf("with read = [docs]: %q, want %q", got, want)
	}

	// No grant: nothing checked, and a warning in the log.
	none := exttest.Load(t, wasm, exttest.Options{Name: "links"})
	if d := none.Diagnostics(doc); len(d) != 0 {
		t.Errorf("without a grant: %v", d)
	}
	if logs := none.Logs(); len(logs) != 1 || !strings.Contains(logs[0], "read = [\".\"]") {
		t.Errorf("logs = %q", logs)
	}
}
