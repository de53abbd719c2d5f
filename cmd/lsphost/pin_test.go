package main

import (
	"crypto/sha256"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lsphost/lsphost/internal/wasmbuild"
)

func runPin(t *testing.T, root string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(buildLsphost(t), append([]string{"pin", "--config", filepath.Join(root, "none.toml")}, args...)...)
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	if exit, ok := err.(*exec.ExitError); ok {
		return string(out), exit.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return string(out), 0
}

// TestPin: pin writes missing pins without disturbing the file, --check
// then passes, a changed module makes the pin stale until pinned again.
func TestPin(t *testing.T) {
	root := t.TempDir()
	copyFile := func(src, dst string) {
		data, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(dst, data, 0o644)
	}
	copyFile(wasmbuild.Example(t, "todo"), filepath.Join(root, "todo.wasm"))
	config := "# team extensions\n[extensions.todo]\nwasm = \"todo.wasm\" # built by make\n\n[extensions.todo.settings]\nkeywords = [\"TODO\"]\n"
	path := filepath.Join(root, ".lsphost.toml")
	os.WriteFile(path, []byte(config), 0o644)

	if out, code := runPin(t, root, "--check"); code != 1 || !strings.Contains(out, "extensions.todo: sha256 missing") {
		t.Fatalf("pin --check before pinning: exit %d, %q; want 1 and the missing pin named", code, out)
	}
	if out, code := runPin(t, root); code != 0 || !strings.Contains(out, "pinned sha256") {
		t.Fatalf("pin: exit %d, %q", code, out)
	}
	data, _ := os.ReadFile(path)
	sum := sha256.Sum256(mustRead(t, filepath.Join(root, "todo.wasm")))
	want := fmt.Sprintf("# team extensions\n[extensions.todo]\nsha256 = \"%x\"\nwasm = \"todo.wasm\" # built by make\n\n[extensions.todo.settings]\nkeywords = [\"TODO\"]\n", sum)
	if string(data) != want {
		t.Errorf("pinned config =\n%s\nwant\n%s", data, want)
	}
	if out, code := runPin(t, root, "--check"); code != 0 {
		t.Errorf("pin --check after pinning: exit %d, %q", code, out)
	}

	copyFile(wasmbuild.Example(t, "words"), filepath.Join(root, "todo.wasm")) // the module changes
	if out, code := runPin(t, root, "--check"); code != 1 || !strings.Contains(out, "sha256 stale") {
		t.Errorf("pin --check after the module changed: exit %d, %q; want 1 and stale", code, out)
	}
	if _, code := runPin(t, root); code != 0 {
		t.Errorf("pin of a stale pin: exit %d", code)
	}
	if out, code := runPin(t, root, "--check"); code != 0 || strings.Count(string(mustRead(t, path)), "sha256") != 1 {
		t.Errorf("after re-pinning: --check exit %d (%q), config:\n%s", code, out, mustRead(t, path))
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
