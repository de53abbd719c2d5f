package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lsphost/lsphost/internal/wasmbuild"
)

// TestDoctor runs lsphost doctor on a healthy setup and on broken ones: each
// problem must be named with where it is and what to do.
func TestDoctor(t *testing.T) {
	todo := wasmbuild.Example(t, "todo")
	tests := []struct {
		name, config string
		code         int
		want         []string
	}{
		{"healthy", fmt.Sprintf("[extensions.todo]\nwasm = %q\n", todo), 0,
			[]string{"todo: ok", "implements   [diagnostics hover] for every language", "not pinned", "timeout 1s (default), memory 128MiB (default)", "compiled", "no problems"}},
		{"typo in a key", fmt.Sprintf("[extensions.todo]\nwasm = %q\ntimout = \"2s\"\n", todo), 1,
			[]string{".lsphost.toml:3: extensions.todo.timout: unknown key (known: wasm, sha256, languages, files, enabled, timeout"}},
		{"missing module", "[extensions.gone]\nwasm = \"gone.wasm\"\n", 1,
			[]string{"gone: FAILS TO LOAD", "gone.wasm not found: build the extension or correct the wasm path"}},
		{"stale pin", fmt.Sprintf("[extensions.todo]\nwasm = %q\nsha256 = %q\n", todo, strings.Repeat("0", 64)), 1,
			[]string{"PIN STALE", "refusing to load it (update the pin if the new file is trusted)"}},
		{"refused grant", fmt.Sprintf("[extensions.todo]\nwasm = %q\n[extensions.todo.grants]\nenv = [\"TOKEN\"]\n", todo), 1,
			[]string{"refused      ", "extensions.todo.grants.env: grant refused", "set policy.workspace_grants in the user configuration"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			os.WriteFile(filepath.Join(root, ".lsphost.toml"), []byte(tt.config), 0o644)
			cmd := exec.Command(buildLsphost(t), "doctor", "--config", filepath.Join(root, "none.toml"))
			cmd.Dir = root
			cmd.Env = append(os.Environ(), "XDG_CACHE_HOME="+filepath.Join(wasmbuild.CacheDir(), "xdg"))
			out, err := cmd.CombinedOutput()
			code := 0
			if exit, ok := err.(*exec.ExitError); ok {
				code = exit.ExitCode()
			}
			if code != tt.code {
				t.Errorf("doctor: exit %d, want %d\n%s", code, tt.code, out)
			}
			for _, w := range tt.want {
				if !strings.Contains(string(out), w) {
					t.Errorf("doctor output lacks %q:\n%s", w, out)
				}
			}
		})
	}
}
