package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lsphost/lsphost/internal/wasmbuild"
)

// TestVerify runs lsphost verify on a good guest and on mistakes: the exit
// status, the report's lines and its JSON form.
func TestVerify(t *testing.T) {
	guests := filepath.Join(wasmbuild.Root(), "testdata", "guests")
	tests := []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"passes", []string{"-timeout", "30s", "-calls", "20", filepath.Join(guests, "c-todo", "todo.wasm")}, 0,
			[]string{"PASS  export lsphost_call (i32, i32, i32) -> (i64)", "PASS  diagnostics: non-ASCII text", "PASS  completion: empty document", "ok: "}},
		{"wrong version", []string{filepath.Join(guests, "mistakes", "abi2.wasm")}, 1,
			[]string{"FAIL  ABI version", "problem: lsphost_abi_version returns 2; this host speaks 1", `fix: return 1 from lsphost_abi_version (ABI.md "Versioning")`, "FAILED: 1 of"}},
		{"offsets", []string{"-calls", "20", filepath.Join(guests, "mistakes", "offsets.wasm")}, 1,
			[]string{"FAIL  diagnostics: ASCII text", "goes past the end of the 92-byte text", `(ABI.md "Positions")`}},
		{"a sample of the author's", []string{"-timeout", "30s", "-calls", "4", "-sample", filepath.Join(guests, "wat-todo", "todo.wat"), filepath.Join(guests, "wat-todo", "todo.wasm")}, 0,
			[]string{"PASS  diagnostics: todo.wat", "PASS  completion: todo.wat"}},
		{"no file", nil, 2, []string{"Usage: lsphost verify"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, code := runVerify(t, tt.args...)
			if code != tt.code {
				t.Errorf("verify %v: exit %d, want %d\n%s", tt.args, code, tt.code, out)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("verify output lacks %q:\n%s", w, out)
				}
			}
		})
	}
}

func TestVerifyJSON(t *testing.T) {
	out, code := runVerify(t, "-json", filepath.Join(wasmbuild.Root(), "testdata", "guests", "mistakes", "nomemory.wasm"))
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	var r struct {
		Wasm   string
		Passed bool
		Checks []struct{ Name, Status, Detail, Fix string }
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("verify -json output is not JSON: %v\n%s", err, out)
	}
	failed := false
	for _, c := range r.Checks {
		if c.Name == "export memory" && c.Status == "FAIL" && strings.Contains(c.Fix, "ABI.md") {
			failed = true
		}
	}
	if r.Passed || !failed {
		t.Errorf("verify -json = %s, want passed false and a failed export memory check", out)
	}
}

func runVerify(t *testing.T, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(buildLsphost(t), append([]string{"verify"}, args...)...)
	cmd.Env = append(os.Environ(), "XDG_CACHE_HOME="+filepath.Join(wasmbuild.CacheDir(), "xdg"))
	out, err := cmd.CombinedOutput()
	code := 0
	if exit, ok := err.(*exec.ExitError); ok {
		code = exit.ExitCode()
	}
	return string(out), code
}
