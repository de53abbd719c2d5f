package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lsphost/lsphost/internal/wasmbuild"
)

// runCheck runs lsphost check in root and returns stdout, stderr and the
// exit code.
func runCheck(t *testing.T, root string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(buildLsphost(t), append([]string{"check", "--config", filepath.Join(root, "none.toml")}, args...)...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "XDG_CACHE_HOME="+filepath.Join(wasmbuild.CacheDir(), "xdg"))
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if exit, ok := err.(*exec.ExitError); ok {
		code = exit.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return stdout.String(), stderr.String(), code
}

func checkWorkspace(t *testing.T, config string, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	files[".lsphost.toml"] = config
	for name, content := range files {
		path := filepath.Join(root, name)
		os.MkdirAll(filepath.Dir(path), 0o755)
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func TestCheck(t *testing.T) {
	config := fmt.Sprintf("[languages]\n\"*.mdx\" = \"markdown\"\n\n[extensions.todo]\nwasm = %q\nlanguages = [\"go\", \"markdown\"]\n", wasmbuild.Example(t, "todo"))
	root := checkWorkspace(t, config, map[string]string{
		"main.go":             "package main\n\n// FIXME: crashes\n",
		"docs/notes.md":       "# Notes\n😀 TODO: emoji first\n",
		"docs/page.mdx":       "XXX: mdx counts as markdown here\n",
		"ignored.txt":         "TODO: plaintext is not configured\n",
		".hidden/a.go":        "// TODO: hidden\n",
		"node_modules/x/a.go": "// TODO: vendored\n",
	})

	out, stderr, code := runCheck(t, root)
	want := "docs/notes.md:2:4: information: TODO: emoji first [todo]\ndocs/page.mdx:1:1: warning: XXX: mdx counts as markdown here [todo]\nmain.go:3:4: warning: FIXME: crashes [todo]\n"
	if out != want || code != 0 {
		t.Errorf("check = %q (exit %d, stderr %q), want %q and exit 0: nothing at error level", out, code, stderr, want)
	}
	for _, tt := range []struct {
		failOn string
		code   int
	}{{"error", 0}, {"warning", 1}, {"information", 1}, {"none", 0}} {
		if _, _, code := runCheck(t, root, "--fail-on", tt.failOn); code != tt.code {
			t.Errorf("check --fail-on %s: exit %d, want %d", tt.failOn, code, tt.code)
		}
	}
	if _, stderr, code := runCheck(t, root, "docs"); code != 0 || stderr != "" {
		t.Errorf("check docs: exit %d, stderr %q", code, stderr)
	}

	out, _, _ = runCheck(t, root, "--format", "json")
	var findings []struct {
		Path, Severity, Message, Extension string
		Line, Column, EndLine, EndColumn   int
	}
	if err := json.Unmarshal([]byte(out), &findings); err != nil || len(findings) != 3 {
		t.Fatalf("check --format json = %s (%v), want 3 findings", out, err)
	}
	if f := findings[0]; f.Path != "docs/notes.md" || f.Line != 2 || f.Column != 4 || f.EndColumn != 8 || f.Severity != "information" || f.Extension != "todo" {
		t.Errorf("first JSON finding = %+v", f)
	}

	out, _, _ = runCheck(t, root, "--format", "sarif")
	var sarif struct {
		Version string
		Runs    []struct {
			Tool    struct{ Driver struct{ Name string } }
			Results []struct {
				RuleID    string
				Level     string
				Message   struct{ Text string }
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }
						Region           struct{ StartLine, StartColumn int }
					}
				}
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &sarif); err != nil || sarif.Version != "2.1.0" || len(sarif.Runs) != 1 || len(sarif.Runs[0].Results) != 3 {
		t.Fatalf("check --format sarif = %s (%v)", out, err)
	}
	r := sarif.Runs[0].Results[2]
	loc := r.Locations[0].PhysicalLocation
	if sarif.Runs[0].Tool.Driver.Name != "lsphost" || r.RuleID != "todo" || r.Level != "warning" || loc.ArtifactLocation.URI != "main.go" || loc.Region.StartLine != 3 || loc.Region.StartColumn != 4 {
		t.Errorf("SARIF result = %+v", r)
	}
}

func TestCheckConfigErrorExits2(t *testing.T) {
	root := checkWorkspace(t, "[extensions.broken]\nwasm = \"missing.wasm\"\n", map[string]string{"a.go": "// TODO\n"})
	_, stderr, code := runCheck(t, root)
	if code != 2 || !strings.Contains(stderr, ".lsphost.toml:1: extensions.broken") || !strings.Contains(stderr, "not found") {
		t.Errorf("check with a missing module: exit %d, stderr %q; want 2 and the problem named", code, stderr)
	}
	if _, stderr, code := runCheck(t, root, "--format", "yaml"); code != 2 || !strings.Contains(stderr, "unknown format") {
		t.Errorf("check --format yaml: exit %d, stderr %q", code, stderr)
	}
}
