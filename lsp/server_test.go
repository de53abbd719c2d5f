package lsp

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lsphost/lsphost/extensions"
	"github.com/lsphost/lsphost/internal/wasmbuild"
)

// TestCapabilitiesFollowExtensions checks that the capabilities come from
// what the loaded extensions declare, and that completionProvider is never
// an empty object, which Vim's ALE reads as "no completion".
func TestCapabilitiesFollowExtensions(t *testing.T) {
	tests := []struct {
		name, example string
		completion    bool
	}{
		{"diagnostics only", "todo", false},
		{"completion", "words", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			config := fmt.Sprintf("[extensions.x]\nwasm = %q\n", wasmbuild.Example(t, tt.example))
			if err := os.WriteFile(filepath.Join(root, ConfigFile), []byte(config), 0o644); err != nil {
				t.Fatal(err)
			}
			c := startServer(t, Options{CacheDir: filepath.Join(wasmbuild.CacheDir(), "compiled"), Logger: testLogger(t)})
			var result struct {
				Capabilities struct {
					TextDocumentSync struct {
						OpenClose bool
						Change    int
					}
					CompletionProvider map[string]any
				}
			}
			if err := json.Unmarshal(c.initialize(root), &result); err != nil {
				t.Fatal(err)
			}
			caps := result.Capabilities
			if !caps.TextDocumentSync.OpenClose || caps.TextDocumentSync.Change != 2 {
				t.Errorf("textDocumentSync = %+v, want openClose and incremental (2)", caps.TextDocumentSync)
			}
			if got := caps.CompletionProvider != nil; got != tt.completion {
				t.Fatalf("completionProvider present = %v, want %v", got, tt.completion)
			}
			if tt.completion {
				if v, ok := caps.CompletionProvider["resolveProvider"]; !ok || v != false {
					t.Errorf("completionProvider = %v, want resolveProvider: false spelled out", caps.CompletionProvider)
				}
			}
		})
	}
}

// TestStatusCommand checks lsphost.status: each extension's health, with a
// looping extension beside a healthy one.
func TestStatusCommand(t *testing.T) {
	root := t.TempDir()
	config := fmt.Sprintf("[extensions.todo]\nwasm = %q\n[extensions.loop]\nwasm = %q\ntimeout = \"50ms\"\n",
		wasmbuild.Example(t, "todo"), wasmbuild.Build(t, "testdata/guests/loop"))
	if err := os.WriteFile(filepath.Join(root, ConfigFile), []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	c := startServer(t, Options{CacheDir: filepath.Join(wasmbuild.CacheDir(), "compiled"), Logger: testLogger(t)})
	c.initialize(root)
	uri := fileURI(filepath.Join(root, "a.txt"))
	c.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{"uri": uri, "languageId": "plaintext", "version": 0, "text": "TODO"}})
	for v := 1; v <= 3; v++ {
		c.waitFor(fmt.Sprintf("diagnostics of version %d", v-1), func() bool {
			for i := len(c.notes) - 1; i >= 0; i-- {
				if c.notes[i].Method == "textDocument/publishDiagnostics" {
					var p struct{ Version int }
					json.Unmarshal(c.notes[i].Params, &p)
					return p.Version == v-1
				}
			}
			return false
		})
		c.notify("textDocument/didChange", map[string]any{"textDocument": map[string]any{"uri": uri, "version": v},
			"contentChanges": []any{map[string]any{"text": fmt.Sprintf("TODO %d", v)}}})
	}
	r := c.call("workspace/executeCommand", map[string]any{"command": "lsphost.status"})
	var st status
	if r.Error != nil || json.Unmarshal(r.Result, &st) != nil {
		t.Fatalf("lsphost.status = %+v", r)
	}
	byName := map[string]extensions.Health{}
	for _, h := range st.Extensions {
		byName[h.Name] = h
	}
	if h := byName["todo"]; h.State != "ok" || h.Calls < 3 || h.Failures != 0 {
		t.Errorf("status of todo = %+v, want ok with its calls counted", h)
	}
	if h := byName["loop"]; h.State != "cooling down" || h.Timeouts < 3 || !strings.Contains(h.LastError, "timed out") || h.RetryAt.IsZero() {
		t.Errorf("status of loop = %+v, want cooling down after 3 timeouts, with the last error and a retry time", h)
	}
	if r := c.call("workspace/executeCommand", map[string]any{"command": "nope"}); r.Error == nil || r.Error.Code != -32602 {
		t.Errorf("unknown command = %+v, want InvalidParams", r)
	}
}
