package extensions

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/lsphost/lsphost/abi"
	"github.com/lsphost/lsphost/internal/wasmbuild"
)

// guestWasm is the committed .wasm of a non-Go guest under testdata/guests.
func guestWasm(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(wasmbuild.Root(), "testdata", "guests", dir)
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
	return path
}

// verifyOptions are generous with time, since a loaded machine must not
// fail a guest that is only slow, and make 200 calls of 32 KiB for the memory
// check instead of 200 of 100 KiB, for speed; fewer calls would not let a
// garbage-collected guest settle (make guests runs the full check on the
// non-Go guests; TestVerifyCatches/leak shows it works).
func verifyOptions() VerifyOptions {
	return VerifyOptions{Timeout: 30 * time.Second, Calls: 200, CallSize: 32 << 10}
}

// verifyContext bounds a whole verify run: each call has its own timeout.
func verifyContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func TestVerifyPasses(t *testing.T) {
	wasms := map[string]func(*testing.T) string{
		"todo":      func(t *testing.T) string { return wasmbuild.Example(t, "todo") },
		"words":     func(t *testing.T) string { return wasmbuild.Example(t, "words") },
		"go-todo":   func(t *testing.T) string { return wasmbuild.Build(t, "testdata/guests/go-todo") },
		"c-todo":    func(t *testing.T) string { return guestWasm(t, "c-todo/todo.wasm") },
		"rust-todo": func(t *testing.T) string { return guestWasm(t, "rust-todo/todo.wasm") },
		"as-todo":   func(t *testing.T) string { return guestWasm(t, "as-todo/todo.wasm") },
		"wat-todo":  func(t *testing.T) string { return guestWasm(t, "wat-todo/todo.wasm") },
		// Every feature beyond diagnostics and completion.
		"whitespace": func(t *testing.T) string { return wasmbuild.Example(t, "whitespace") },
		"surface":    func(t *testing.T) string { return wasmbuild.Build(t, "testdata/guests/surface") },
	}
	for _, name := range sortedKeys(wasms) {
		t.Run(name, func(t *testing.T) {
			h := newHost(t, Options{})
			r := h.Verify(verifyContext(t), wasms[name](t), verifyOptions())
			if !r.Passed {
				t.Errorf("Verify(%s) failed:\n%s", name, reportText(r))
			}
			// The checks that matter all ran.
			if !hasCheck(r, "export lsphost_handle", CheckPass) && !hasCheck(r, "export lsphost_call", CheckPass) {
				t.Errorf("Verify(%s) has no passing check of lsphost_handle or lsphost_call:\n%s", name, reportText(r))
			}
			want := []string{"ABI version", "initialize answer", "unknown method", "memory stays bounded"}
			if r.Declaration != nil {
				for _, f := range r.Declaration.Features {
					switch f {
					case abi.FeatureCompletionResolve:
						want = append(want, f)
					case abi.FeatureCodeActionResolve: // within codeAction's checks
					case abi.FeatureExecuteCommand:
						for _, c := range r.Declaration.Commands {
							want = append(want, "executeCommand "+c+": non-ASCII text")
						}
					default:
						want = append(want, f+": non-ASCII text", f+": empty document")
					}
				}
			}
			for _, want := range want {
				if !hasCheck(r, want, CheckPass) {
					t.Errorf("Verify(%s) has no passing check %q:\n%s", name, want, reportText(r))
				}
			}
		})
	}
}

func TestVerifyCatches(t *testing.T) {
	goGuest := func(dir string) func(*testing.T) string {
		return func(t *testing.T) string { return wasmbuild.Build(t, "testdata/guests/"+dir) }
	}
	mistake := func(name string) func(*testing.T) string {
		return func(t *testing.T) string { return guestWasm(t, "mistakes/"+name+".wasm") }
	}
	// Most mistakes need no memory check: keep it small.
	fast := VerifyOptions{Timeout: 30 * time.Second, Calls: 4, CallSize: 4 << 10}
	mistakeIn := func(name string) VerifyOptions {
		o := fast
		o.Settings = json.RawMessage(fmt.Sprintf(`{"mistake":%q}`, name))
		return o
	}
	tests := []struct {
		name   string
		wasm   func(*testing.T) string
		opts   VerifyOptions
		check  string // the name of the failing check starts with this
		detail string // its detail contains this
	}{
		// The broken Go guests of the host's own tests.
		{"badabi", goGuest("badabi"), fast, "ABI version", "returns 2"},
		{"badsig", goGuest("badsig"), fast, "export lsphost_alloc", "has signature (i64) -> (i64)"},
		{"noexports", goGuest("noexports"), fast, "export lsphost_call", "missing"},
		{"badoutput", goGuest("badoutput"), fast, "initialize answer", "/triggerCharacters/1: has 0 characters"},
		{"panic", goGuest("panic"), VerifyOptions{Timeout: 30 * time.Second, Calls: 4, CallSize: 4 << 10, Samples: []Sample{{Name: "panics", Text: "panic"}}}, "diagnostics: panics", "answered an error"},
		{"loop", goGuest("loop"), VerifyOptions{Timeout: 200 * time.Millisecond, Calls: 4}, "diagnostics: ASCII text", "timed out"},
		{"crash", goGuest("crash"), VerifyOptions{Timeout: 30 * time.Second, Calls: 4, CallSize: 4 << 10, Samples: []Sample{{Name: "exits", Text: "crash-exit"}}}, "diagnostics: exits", "exit_code(3)"},
		{"hostile", goGuest("hostile"), VerifyOptions{Timeout: 30 * time.Second, Calls: 4, CallSize: 4 << 10, Samples: []Sample{{Name: "overflows", Text: "recurse"}}}, "diagnostics: overflows", "stack"},
		{"hostile init", goGuest("hostile"), VerifyOptions{Timeout: 30 * time.Second, Settings: json.RawMessage(`{"init":"error"}`)}, "starts and answers initialize", "initialize"},
		{"huge", goGuest("huge"), fast, "diagnostics: ASCII text", "> 16777216"},
		{"badimports", goGuest("badimports"), fast, "diagnostics: empty document", "[0, 4) goes past the end of the 0-byte text"},
		// Mistakes in the features beyond diagnostics and completion.
		{"hover range", goGuest("badfeatures"), mistakeIn("hover-range"), "hover: ASCII text", "goes past the end"},
		{"overlapping edits", goGuest("badfeatures"), mistakeIn("overlap"), "formatting: ASCII text", "overlap"},
		{"undeclared command", goGuest("badfeatures"), mistakeIn("command"), "codeAction: ASCII text", "does not declare"},
		{"symbol selection", goGuest("badfeatures"), mistakeIn("symbol"), "documentSymbol: ASCII text", "selection is not inside its range"},
		// Mistakes made on purpose: wat-todo with one error each.
		{"abi2", mistake("abi2"), fast, "ABI version", "returns 2; this host speaks 1"},
		{"nomemory", mistake("nomemory"), fast, "export memory", "no memory"},
		{"offsets", mistake("offsets"), fast, "diagnostics: ASCII text", "goes past the end of the 92-byte text"},
		{"editrange", mistake("editrange"), fast, "completion: ASCII text", "does not contain the cursor"},
		{"badjson", mistake("badjson"), fast, "diagnostics: ASCII text", "not JSON"},
		{"splitutf8", mistake("splitutf8"), fast, "diagnostics: long non-ASCII lines", "not valid UTF-8"},
		{"unknowntrap", mistake("unknowntrap"), fast, "unknown method answers an error", "unreachable"},
		{"charoffsets", mistake("charoffsets"), fast, "diagnostics: offsets count bytes, not characters", "moved by 10, not 18"},
		{"leak", mistake("leak"), VerifyOptions{Timeout: 30 * time.Second, Calls: 60}, "memory stays bounded", "something is kept from every call"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHost(t, Options{})
			r := h.Verify(verifyContext(t), tt.wasm(t), tt.opts)
			if tt.check == "" { // a guest that must pass despite its oddities
				if !r.Passed {
					t.Errorf("Verify failed:\n%s", reportText(r))
				}
				return
			}
			if r.Passed {
				t.Fatalf("Verify passed, want a failure of %q:\n%s", tt.check, reportText(r))
			}
			found := false
			for _, c := range r.Checks {
				if c.Status != CheckFail {
					continue
				}
				if !strings.Contains(c.Fix, "ABI.md") {
					t.Errorf("failed check %q has no fix naming ABI.md: %q", c.Name, c.Fix)
				}
				if strings.HasPrefix(c.Name, tt.check) && strings.Contains(c.Detail, tt.detail) {
					found = true
				}
			}
			if !found {
				t.Errorf("Verify has no failed check %q with %q:\n%s", tt.check, tt.detail, reportText(r))
			}
		})
	}
}

// TestVerifyReportJSON checks the report's JSON names its fields as the
// --json output documents them.
func TestVerifyReportJSON(t *testing.T) {
	h := newHost(t, Options{})
	r := h.Verify(verifyContext(t), guestWasm(t, "mistakes/abi2.wasm"), verifyOptions())
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"passed":false`, `"status":"FAIL"`, `"name":"ABI version"`, `"fix":"return 1 from lsphost_abi_version`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("report JSON %s lacks %s", b, want)
		}
	}
}

func TestVerifyMissingFile(t *testing.T) {
	h := newHost(t, Options{})
	r := h.Verify(verifyContext(t), filepath.Join(t.TempDir(), "none.wasm"), verifyOptions())
	if r.Passed || len(r.Checks) != 1 || r.Checks[0].Status != CheckFail {
		t.Errorf("Verify(missing file) = %+v, want one failed check", r)
	}
}

func hasCheck(r VerifyReport, prefix, status string) bool {
	for _, c := range r.Checks {
		if strings.HasPrefix(c.Name, prefix) && c.Status == status {
			return true
		}
	}
	return false
}

func reportText(r VerifyReport) string {
	var b strings.Builder
	for _, c := range r.Checks {
		b.WriteString(c.Status + "  " + c.Name)
		if c.Detail != "" {
			b.WriteString(": " + c.Detail)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// TestVerifyFixesNameABISections keeps verify's advice pointing at sections
// of ABI.md that exist: a heading or a bold paragraph name.
func TestVerifyFixesNameABISections(t *testing.T) {
	src, err := os.ReadFile("verify.go")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile(filepath.Join(wasmbuild.Root(), "abi", "ABI.md"))
	if err != nil {
		t.Fatal(err)
	}
	refs := regexp.MustCompile(`ABI\.md ((?:\\?"[^"\\]+\\?"(?:, | and )?)+)`).FindAllStringSubmatch(string(src), -1)
	if len(refs) < 10 {
		t.Fatalf("found %d references to ABI.md in verify.go, want more", len(refs))
	}
	for _, ref := range refs {
		for _, name := range regexp.MustCompile(`"([^"\\]+)\\?"`).FindAllStringSubmatch(ref[1], -1) {
			if !strings.Contains(string(doc), "## "+name[1]+"\n") && !strings.Contains(string(doc), "**"+name[1]+"**") {
				t.Errorf("verify.go refers to ABI.md %q, which has no such section", name[1])
			}
		}
	}
}

// TestUnknownImport: a module that imports a function the host does not
// have (built for a newer lsphost, say) is refused at load with the import
// named and what to do, and fails verify's imports check, which names the
// import and, in its fix, every function the host has.
func TestUnknownImport(t *testing.T) {
	t.Parallel()
	wasm := wasmbuild.Build(t, "testdata/guests/unknownimport")
	h := newHost(t, Options{})
	_, err := h.Load(context.Background(), testSpec("unknownimport", wasm))
	if err == nil || !strings.Contains(err.Error(), "lsphost.nonexistent is not provided (this lsphost provides lsphost.index / ") ||
		!strings.Contains(err.Error(), "or update lsphost") {
		t.Errorf("Load = %v; want the import named, the host's functions and what to do", err)
	}
	r := h.Verify(verifyContext(t), wasm, VerifyOptions{Timeout: 30 * time.Second, Calls: 4})
	for _, c := range r.Checks {
		if c.Name == "imports" && c.Status == CheckFail {
			if !strings.Contains(c.Detail, "lsphost.nonexistent is not provided") ||
				!strings.Contains(c.Fix, "lsphost.index / lsphost.log / lsphost.read_file / lsphost.read_request / lsphost.runs") {
				t.Errorf("imports check: %q, fix %q; want lsphost.nonexistent named, and the host's functions in the fix", c.Detail, c.Fix)
			}
			return
		}
	}
	t.Errorf("Verify has no failed imports check:\n%s", reportText(r))
}
