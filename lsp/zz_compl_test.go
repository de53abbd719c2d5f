package lsp

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/lsphost/lsphost/internal/wasmbuild"
)

func BenchmarkZZCompletion(b *testing.B) {
	root := workspaceWith(b, fmt.Sprintf("[extensions.todo]\nwasm = %q\n[extensions.words]\nwasm = %q\n",
		wasmbuild.Example(b, "todo"), wasmbuild.Example(b, "words")))
	text, err := os.ReadFile("/tmp/large.txt")
	if err != nil {
		b.Fatal(err)
	}
	c := startServer(b, testOptions(b))
	c.initialize(root)
	c.loaded()
	uri := fileURI(filepath.Join(root, "large.go"))
	c.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{"uri": uri, "languageId": "go", "version": 1, "text": string(text)}})
	// line 100, after "val"
	pos := map[string]any{"line": 5000, "character": 3}
	c.call("textDocument/completion", map[string]any{"textDocument": map[string]any{"uri": uri}, "position": pos})
	b.ReportAllocs()
	for b.Loop() {
		r := c.call("textDocument/completion", map[string]any{"textDocument": map[string]any{"uri": uri}, "position": pos})
		if r.Error != nil {
			b.Fatal(r.Error)
		}
	}
}
