package lsp

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lsphost/lsphost/internal/wasmbuild"
)

// TestEditStormCoalesces types 50 edits without waiting: the diagnostics
// published must never go back to an older version, the last publish must
// match the final text, and runs must be coalesced rather than one per edit.
func TestEditStormCoalesces(t *testing.T) {
	root := workspaceWith(t, fmt.Sprintf("[extensions.todo]\nwasm = %q\n", wasmbuild.Example(t, "todo")))
	c := startServer(t, testOptions(t))
	c.initialize(root)
	uri := fileURI(filepath.Join(root, "storm.txt"))
	c.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{
		"uri": uri, "languageId": "plaintext", "version": 0, "text": strings.Repeat("filler line\n", 2000)}})
	const edits = 50
	for v := 1; v <= edits; v++ {
		// Each edit appends a line "TODO v" at the end; only the last one
		// survives because each replaces the previous line.
		start := map[string]int{"line": 2000, "character": 0}
		end := map[string]int{"line": 2000, "character": len(fmt.Sprintf("TODO %d", v-1))}
		if v == 1 {
			end = start
		}
		c.notify("textDocument/didChange", map[string]any{
			"textDocument":   map[string]any{"uri": uri, "version": v},
			"contentChanges": []any{map[string]any{"range": map[string]any{"start": start, "end": end}, "text": fmt.Sprintf("TODO %d", v)}},
		})
	}
	type publish struct {
		Version     int `json:"version"`
		Diagnostics []struct {
			Message string `json:"message"`
		} `json:"diagnostics"`
	}
	var last publish
	c.waitFor("diagnostics of the final version", func() bool {
		for i := len(c.notes) - 1; i >= 0; i-- {
			if c.notes[i].Method == "textDocument/publishDiagnostics" {
				json.Unmarshal(c.notes[i].Params, &last)
				return last.Version == edits
			}
		}
		return false
	})
	if len(last.Diagnostics) != 1 || last.Diagnostics[0].Message != fmt.Sprintf("TODO %d", edits) {
		t.Errorf("final diagnostics = %+v, want exactly one \"TODO %d\"", last.Diagnostics, edits)
	}
	publishes := c.notifications("textDocument/publishDiagnostics")
	prev := -1
	for _, m := range publishes {
		var p publish
		json.Unmarshal(m.Params, &p)
		if p.Version < prev {
			t.Errorf("published version %d after version %d: stale results reached the editor", p.Version, prev)
		}
		prev = p.Version
	}
	if len(publishes) >= edits {
		t.Errorf("%d publishes for %d edits: runs were not coalesced", len(publishes), edits)
	}
	t.Logf("%d edits, %d publishes", edits, len(publishes))
}
