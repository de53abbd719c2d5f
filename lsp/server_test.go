package lsp

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

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
