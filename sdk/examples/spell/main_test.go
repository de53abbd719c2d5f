package main

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/lsphost/lsphost/extensions/exttest"
	"github.com/lsphost/lsphost/internal/wasmbuild"
	"github.com/lsphost/lsphost/sdk"
	"github.com/lsphost/lsphost/sdk/sdktest"
)

// flagged returns the words the extension reports in text.
func flagged(t *testing.T, ext *sdktest.Ext, lang, text string) []string {
	t.Helper()
	var out []string
	for _, d := range ext.Diagnostics(sdktest.Doc(lang, text)) {
		out = append(out, text[d.Start:d.End])
	}
	return out
}

func TestWordList(t *testing.T) {
	if !strings.HasSuffix(words, "\n") || len(words) < 500_000 {
		t.Fatalf("words.txt: %d bytes", len(words))
	}
	lines := strings.Split(strings.TrimSuffix(words, "\n"), "\n")
	if len(index) != 4*(len(lines)+1) || start(len(lines)) != len(words) {
		t.Fatalf("words.idx has %d bytes for %d lines: run go generate", len(index), len(lines))
	}
	for i, w := range lines {
		if i > 0 && lines[i-1] >= w {
			t.Fatalf("words.txt not sorted at line %d: %q >= %q", i+1, lines[i-1], w)
		}
		if !sortedList(words).has(w) || !bundled([]byte(w)) {
			t.Fatalf("has(%q) = false", w)
		}
	}
	for _, w := range []string{"", "a", "zzzzzz", "teh", "aa ", "recieve"} {
		if sortedList(words).has(w) || bundled([]byte(w)) {
			t.Errorf("has(%q) = true", w)
		}
	}
}

func TestProse(t *testing.T) {
	ext := sdktest.Start(t, `{"dictionary": ""}`)
	for _, tt := range []struct {
		lang, text string
		want       []string
	}{
		{"plaintext", "This is teh text. We recieve it.", []string{"teh", "recieve"}},
		{"plaintext", "Its user's files, the users' files, don't, it’s fine; naïve café über.", nil},
		{"plaintext", "Skip camelCase, snake_case, HTTP, v2, x86, ab, sdk.Handle and main.go, e.g. this.", nil},
		{"plaintext", "See https://example.invalid/teh, www.tehh.invalid, mail a.teh@example.invalid, path/to/fiel.", nil},
		{"markdown", "# Teh title\n\nUse `speling` in ``codde``.\n\n```\nbadd wordz\n```\n\n    indented codde\n\nA [lnk](docs/fiel.md) <span class=\"teh\">ok</span>.\n\n[ref]: https://example.invalid/tehh\n", []string{"Teh", "lnk"}},
		{"markdown", "---\ntitle: teh\n---\nText <!-- a commment --> here.\n<!--\nteh\n-->\n", nil},
		{"markdown", "- a list item\n\n    continued with a mistaek\n", []string{"mistaek"}},
		{"gitcommit", "fix: teh bug\n\n# Please enter the commit mesage\n", []string{"teh"}},
	} {
		if got := flagged(t, ext, tt.lang, tt.text); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s %q: %q, want %q", tt.lang, tt.text, got, tt.want)
		}
	}
}

func TestCode(t *testing.T) {
	ext := sdktest.Start(t, `{"dictionary": ""}`)
	for _, tt := range []struct {
		lang, text string
		want       []string
	}{
		{"go", "package teh\n\n// Handle anwsers; see decodeRequest.\n/* a blok */\nvar s = \"a sentense here\" + \"singletokn\" + `raw strng here`\n", []string{"anwsers", "blok", "sentense", "strng"}},
		{"python", "# a commnet\ndef f():\n    \"\"\"Docstrng here.\"\"\"\n    return 'two wrds'\n", []string{"commnet", "Docstrng", "wrds"}},
		{"shellscript", "echo $# ${#x} # a remmark\necho \"hello wrold\"\n", []string{"remmark", "wrold"}},
		{"rust", "// a commnet\nfn f<'a>(x: &'a str) -> &'a str { x } // fine\n", []string{"commnet"}},
		{"toml", "# a commnet\nkey = \"a valeu here\"\n", []string{"commnet", "valeu"}},
		{"yaml", "key: value # a commnet\nurl: http://x/#frag\n", []string{"commnet"}},
		{"javascript", "// a commnet\nconst s = `templte string`;\n", []string{"commnet", "templte"}},
		{"c", "/* multi\n * line commnet\n */\nchar *s = \"unclosed\n", []string{"commnet"}},
		{"brainfuck", "teh", nil},
	} {
		if got := flagged(t, ext, tt.lang, tt.text); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s %q: %q, want %q", tt.lang, tt.text, got, tt.want)
		}
	}
	ext = sdktest.Start(t, `{"dictionary": "", "strings": false}`)
	if got := flagged(t, ext, "go", "// a commnet\nvar s = \"a sentense\"\n"); !reflect.DeepEqual(got, []string{"commnet"}) {
		t.Errorf("strings = false: %q", got)
	}
}

func TestDictionaries(t *testing.T) {
	ext := sdktest.Start(t, map[string]any{"dictionary": "testdata/.spelling", "words": []string{"Wazero"}})
	if got := flagged(t, ext, "plaintext", "frobnicate lsphost wazero Wazero teh"); !reflect.DeepEqual(got, []string{"teh"}) {
		t.Errorf("flagged %q, want only teh", got)
	}
	// The dictionary file is read again when it changes.
	dir := t.TempDir()
	dict := filepath.Join(dir, "words.txt")
	ext = sdktest.Start(t, map[string]any{"dictionary": dict})
	if got := flagged(t, ext, "plaintext", "zorp"); len(got) != 1 {
		t.Errorf("before: %q", got)
	}
	os.WriteFile(dict, []byte("zorp\n"), 0o644)
	if got := flagged(t, ext, "plaintext", "zorp"); len(got) != 0 {
		t.Errorf("after adding zorp: %q", got)
	}
}

func TestSettingsErrors(t *testing.T) {
	for _, s := range []string{`{"severity": "fatal"}`, `{"maxProblems": 0}`, `{"word": []}`, `{"words": "x"}`} {
		if _, err := sdktest.Init(s); err == nil {
			t.Errorf("Init(%s) accepted", s)
		}
	}
	ext := sdktest.Start(t, `{"severity": "warning", "maxProblems": 2, "dictionary": ""}`)
	ds := ext.Diagnostics(sdktest.Doc("plaintext", "aaz bbz ccz"))
	if len(ds) != 2 || ds[0].Severity != sdk.SeverityWarning || ds[0].Message != `unknown word "aaz"` {
		t.Errorf("diagnostics = %+v", ds)
	}
}

func TestQuickFixes(t *testing.T) {
	ext := sdktest.Start(t, `{"dictionary": ""}`)
	doc := sdktest.DocAt("plaintext", "We ^Recieve teh wrods.")
	diags := ext.Diagnostics(doc)
	actions := ext.CodeActions(doc, len(doc.Text), diags)
	var titles []string
	for _, a := range actions {
		titles = append(titles, a.Title)
	}
	for _, want := range []string{`Change "Recieve" to "Receive"`, `Change "teh" to "the"`, `Change "wrods" to "words"`} {
		if !slices.Contains(titles, want) {
			t.Errorf("titles = %q, want %q among them", titles, want)
		}
	}
	if titles[0] != `Change "Recieve" to "Receive"` {
		t.Errorf("first = %q, want the swap Receive first", titles[0])
	}
	if got := sdktest.Apply(doc.Text, actions[0].Edits); got != "We Receive teh wrods." || !actions[0].IsPreferred {
		t.Errorf("first fix gives %q", got)
	}
	if len(suggest("xqzjv", 5)) != 0 {
		t.Errorf("suggestions for a non-word: %q", suggest("xqzjv", 5))
	}
}

// projectWords are names this repository uses that no dictionary has: a
// project would keep them in its .spelling file.
var projectWords = []string{"lsphost", "neovim", "kakoune", "kak", "eglot", "elpa", "wazero", "zig", "nox", "myext", "gitcommit", "plaintext", "commitmsg"}

// TestRealFiles checks this repository's own prose and Go comments, which
// were not written for the checker (snapshots in testdata/real, so that
// editing the originals does not break this test): with the project's names
// added, nothing is flagged (measured before adding them: 62 of 3040 words
// flagged, all names and jargon, no typo).
func TestRealFiles(t *testing.T) {
	ext := sdktest.Start(t, map[string]any{"dictionary": "", "words": projectWords})
	checked := 0
	files, _ := filepath.Glob("testdata/real/*.txt")
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		lang := map[string]string{".md": "markdown", ".go": "go"}[filepath.Ext(strings.TrimSuffix(f, ".txt"))]
		got := flagged(t, ext, lang, string(data))
		if len(got) > 0 {
			t.Errorf("%s: flagged %q", f, got)
		}
		checked++
	}
	if checked != 6 {
		t.Fatal(checked)
	}
}

func TestThroughHost(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, ".spelling"), []byte("frobnicate\n"), 0o644)
	ext := exttest.Load(t, wasmbuild.Example(t, "spell"), exttest.Options{Name: "spell", Dir: dir, Read: []string{"."}})
	doc := exttest.Doc("go", "package a\n\n// ünïcode: frobnicate teh wrods\n")
	diags := ext.Diagnostics(doc)
	var got []string
	for _, d := range diags {
		got = append(got, d.String())
	}
	if want := []string{`2:23-2:26: unknown word "teh"`, `2:27-2:32: unknown word "wrods"`}; !reflect.DeepEqual(got, want) {
		t.Errorf("diagnostics = %q, want %q", got, want)
	}
	actions := ext.CodeActions(doc, diags[0].Range, diags)
	if len(actions) == 0 || exttest.Apply(doc.Text, actions[0].TextEdits) != "package a\n\n// ünïcode: frobnicate the wrods\n" {
		t.Errorf("actions = %+v", actions)
	}
}

// BenchmarkDiagnostics measures a 100 KB Markdown document (this
// repository's README repeated), natively and in the built module under the
// real host.
func BenchmarkDiagnostics(b *testing.B) {
	data, err := os.ReadFile(filepath.Join(wasmbuild.Root(), "README.md"))
	if err != nil {
		b.Fatal(err)
	}
	text := strings.Repeat(string(data), 100<<10/len(data)+1)[:100<<10]
	b.Run("native", func(b *testing.B) {
		ext := sdktest.Start(b, `{"dictionary": ""}`)
		doc := sdktest.Doc("markdown", text)
		b.SetBytes(int64(len(text)))
		for b.Loop() {
			ext.Diagnostics(doc)
		}
	})
	b.Run("wasm", func(b *testing.B) {
		ext := exttest.Load(b, wasmbuild.Example(b, "spell"), exttest.Options{Settings: `{"dictionary": ""}`})
		doc := exttest.Doc("markdown", text)
		b.SetBytes(int64(len(text)))
		for b.Loop() {
			ext.Diagnostics(doc)
		}
	})
}
