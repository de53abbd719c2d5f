package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lsphost/lsphost/internal/wasmbuild"
)

// TestNew scaffolds an extension the way an author would, then checks that
// its test passes, it builds to wasm, and lsphost runs it with the
// configuration snippet it came with.
func TestNew(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a module: skipped with -short")
	}
	work := t.TempDir()
	run := func(dir string, env []string, name string, args ...string) string {
		t.Helper()
		cmd := exec.Command(name, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), env...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	bin := buildLsphost(t)
	if out, err := exec.Command(bin, "new", "-dir", filepath.Join(work, "x"), "myext").CombinedOutput(); err == nil || !strings.Contains(string(out), "-sdk") {
		t.Errorf("lsphost new from a development build without -sdk: %v, %s; want an error pointing at -sdk", err, out)
	}
	ext := filepath.Join(work, "myext")
	run(work, nil, bin, "new", "-dir", ext, "-sdk", wasmbuild.Root(), "myext")
	run(ext, nil, "go", "mod", "tidy")
	if out := run(ext, nil, "make", "test"); !strings.Contains(out, "ok") {
		t.Errorf("make test in the scaffold: %s", out)
	}
	run(ext, nil, "make")
	if _, err := os.Stat(filepath.Join(ext, "myext.wasm")); err != nil {
		t.Fatalf("make did not build myext.wasm: %v", err)
	}

	// The snippet it printed, in a workspace, with lsphost check.
	snippet, err := os.ReadFile(filepath.Join(ext, "lsphost.toml"))
	if err != nil {
		t.Fatal(err)
	}
	root := checkWorkspace(t, string(snippet), map[string]string{"notes.txt": "fine\ntrailing   \n"})
	out, stderr, code := runCheck(t, root, "--fail-on", "none")
	if code != 0 || out != "notes.txt:2:9: hint: trailing whitespace [myext]\n" {
		t.Errorf("check with the scaffolded extension = %q (exit %d, %s)", out, code, stderr)
	}
}
