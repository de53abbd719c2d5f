package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lsphost/lsphost/internal/wasmbuild"
)

const (
	// nvimTimeout bounds the whole Neovim run; the process is killed past it.
	nvimTimeout = 90 * time.Second
	// nvimStepTimeout bounds each wait of the Lua script (initialize,
	// diagnostics, completion, exit). Four steps fit in nvimTimeout, so a
	// slow step fails with the script's own message rather than a kill.
	// Initialize compiles both extensions when the cache is cold (~2 s each
	// on a 2-core machine, FINDINGS.md).
	nvimStepTimeout = 20 * time.Second
)

// nvimNotes is the document Neovim opens. Line 1 puts a TODO after two
// characters that are longer in UTF-8 than in UTF-16 (é, –), so the test
// sees whether Neovim and the server agree on positions. Line 2 ends in the
// prefix "wom", which is itself a word of 3 letters and must not be proposed.
const nvimNotes = "Notes on the wombat and the woodpecker.\n" +
	"Café – TODO: write tests\n" +
	"A womble or a wom\n"

// nvimParams is what testdata/nvim_e2e.lua reads from LSPHOST_NVIM_PARAMS.
type nvimParams struct {
	Cmd              []string          `json:"cmd"`
	CmdEnv           map[string]string `json:"cmd_env"`
	Root             string            `json:"root"`
	File             string            `json:"file"`
	Filetype         string            `json:"filetype"`
	Position         lspPosition       `json:"position"`
	HoverPosition    lspPosition       `json:"hover_position"`
	DiagnosticSource string            `json:"diagnostic_source"`
	TimeoutMS        int64             `json:"timeout_ms"`
	LogLevel         string            `json:"log_level"`
	Result           string            `json:"result"`
}

type lspPosition struct {
	Line      int `json:"line"`
	Character int `json:"character"`
}

type lspDiagnostic struct {
	Range struct {
		Start lspPosition `json:"start"`
		End   lspPosition `json:"end"`
	} `json:"range"`
	Severity int    `json:"severity"`
	Source   string `json:"source"`
	Message  string `json:"message"`
}

// nvimDiagnostic is an entry of vim.diagnostic.get: 0-based lines, 0-based
// byte columns, vim.diagnostic.severity (1 error … 4 hint, as in LSP).
type nvimDiagnostic struct {
	Lnum     int    `json:"lnum"`
	Col      int    `json:"col"`
	EndLnum  int    `json:"end_lnum"`
	EndCol   int    `json:"end_col"`
	Severity int    `json:"severity"`
	Source   string `json:"source"`
	Message  string `json:"message"`
}

// nvimResult is what testdata/nvim_e2e.lua observed.
type nvimResult struct {
	Error       *string       `json:"error"`
	LSPLog      *string       `json:"lsp_log"`
	Initialized bool          `json:"initialized"`
	ServerName  *string       `json:"server_name"`
	Published   []publication `json:"published"`
	Hover       *struct {
		Contents struct{ Kind, Value string } `json:"contents"`
		Range    *struct {
			Start lspPosition `json:"start"`
			End   lspPosition `json:"end"`
		} `json:"range"`
	} `json:"hover"`
	FixTitle    *string          `json:"fix_title"`
	AfterFix    []string         `json:"after_fix"`
	AfterFormat []string         `json:"after_format"`
	Diagnostics []nvimDiagnostic `json:"diagnostics"`
	Completion  *struct {
		Err          json.RawMessage `json:"err"`
		Labels       []string        `json:"labels"`
		Kinds        []int           `json:"kinds"`
		IsIncomplete bool            `json:"is_incomplete"`
	} `json:"completion"`
	Messages    []json.RawMessage `json:"messages"`
	LogMessages []json.RawMessage `json:"log_messages"`
	Exited      bool              `json:"exited"`
	ExitCode    *int              `json:"exit_code"`
	ExitSignal  *int              `json:"exit_signal"`
	Stopped     bool              `json:"stopped"`
}

// TestNeovim runs the real lsphost binary under the built-in LSP client of a
// real headless Neovim (0.7, as Debian packages it) with the todo and words
// extensions: the diagnostic must appear where Neovim puts it, completion
// must propose the document's words, and the server must exit 0 when Neovim
// stops it. Without nvim on PATH the test is skipped, except on CI (CI=true)
// where it fails.
func TestNeovim(t *testing.T) {
	nvim := requireEditor(t, "nvim", "neovim")
	lsphost, tmp, root, notes, serverLog := editorWorkspace(t)
	nvimCache := filepath.Join(tmp, "nvim-cache")
	resultFile := filepath.Join(tmp, "result.json")
	var stdout, stderr bytes.Buffer
	var res nvimResult
	t.Cleanup(func() {
		if !t.Failed() {
			return
		}
		t.Logf("nvim stdout:\n%s", stdout.Bytes())
		t.Logf("nvim stderr:\n%s", stderr.Bytes())
		t.Logf("lsphost log (%s):\n%s", serverLog, readOrErr(serverLog))
		nvimLog := filepath.Join(nvimCache, "nvim", "lsp.log")
		if res.LSPLog != nil {
			nvimLog = *res.LSPLog
		}
		t.Logf("Neovim LSP log (%s):\n%s", nvimLog, readOrErr(nvimLog))
	})

	params := nvimParams{
		Cmd: []string{lsphost, "serve",
			"--config", filepath.Join(tmp, "no-user-config.toml"), // absent: no user extensions
			"--log-file", serverLog,
			"--log-level", "debug",
		},
		// Compiled extensions are cached between runs (the server's cache
		// is $XDG_CACHE_HOME/lsphost); Neovim's own cache is the temp dir.
		CmdEnv:           map[string]string{"XDG_CACHE_HOME": filepath.Join(wasmbuild.CacheDir(), "xdg")},
		Root:             root,
		File:             notes,
		Filetype:         "text",
		Position:         lspPosition{Line: 2, Character: len("A womble or a wom")},
		HoverPosition:    lspPosition{Line: 1, Character: 8}, // in TODO: "Café – " is 7 UTF-16 units
		DiagnosticSource: "todo",
		TimeoutMS:        nvimStepTimeout.Milliseconds(),
		LogLevel:         "debug",
		Result:           resultFile,
	}
	paramsFile := filepath.Join(tmp, "params.json")
	raw, err := json.Marshal(params)
	if err != nil {
		t.Fatal(err)
	}
	writeTestFile(t, paramsFile, string(raw))

	ctx, cancel := context.WithTimeout(t.Context(), nvimTimeout)
	defer cancel()
	script, err := filepath.Abs(filepath.Join("testdata", "nvim_e2e.lua"))
	if err != nil {
		t.Fatal(err)
	}
	// If the script fails to load, luafile reports it and the second -c
	// exits with 3; if it runs, it ends Neovim itself (0, or 1 on error).
	cmd := exec.CommandContext(ctx, nvim, "--headless", "--clean", "-u", "NONE",
		"-c", "luafile "+script, "-c", "cquit 3")
	cmd.Dir = root
	cmd.Env = append(os.Environ(),
		"LSPHOST_NVIM_PARAMS="+paramsFile,
		"XDG_CACHE_HOME="+nvimCache,
		"XDG_CONFIG_HOME="+filepath.Join(tmp, "nvim-config"),
		"XDG_DATA_HOME="+filepath.Join(tmp, "nvim-data"),
		"XDG_STATE_HOME="+filepath.Join(tmp, "nvim-state"),
	)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = 5 * time.Second
	start := time.Now()
	runErr := cmd.Run()
	t.Logf("nvim ran for %v", time.Since(start).Round(time.Millisecond))
	if ctx.Err() != nil {
		t.Fatalf("nvim did not finish within %v and was killed: %v", nvimTimeout, runErr)
	}

	data, err := os.ReadFile(resultFile)
	if err != nil {
		t.Fatalf("nvim wrote no result (%v): %v", runErr, err)
	}
	if err := json.Unmarshal(data, &res); err != nil {
		t.Fatalf("decoding the result: %v\n%s", err, data)
	}
	if res.Error != nil {
		t.Fatalf("the Lua script failed: %s\nresult: %s", *res.Error, data)
	}
	if runErr != nil {
		t.Fatalf("nvim: %v\nresult: %s", runErr, data)
	}

	if res.ServerName == nil || *res.ServerName != "lsphost" {
		t.Errorf("serverInfo.name = %v, want lsphost", res.ServerName)
	}
	for _, m := range res.Messages {
		t.Errorf("window/showMessage %s, want none", m)
	}

	checkPublishedTodo(t, res.Published)

	// What Neovim made of it: byte columns ("Café – " is 10 bytes).
	wantNvim := nvimDiagnostic{Lnum: 1, Col: 10, EndLnum: 1, EndCol: 14, Severity: 3, Source: "todo", Message: "TODO: write tests"}
	if !slices.Equal(res.Diagnostics, []nvimDiagnostic{wantNvim}) {
		t.Errorf("vim.diagnostic.get() = %+v, want %+v", res.Diagnostics, []nvimDiagnostic{wantNvim})
	}

	if c := res.Completion; c == nil {
		t.Error("no completion result")
	} else {
		if len(c.Err) > 0 && string(c.Err) != "null" {
			t.Errorf("completion error %s", c.Err)
		}
		labels := slices.Sorted(slices.Values(c.Labels))
		if want := []string{"wombat", "womble"}; !slices.Equal(labels, want) {
			t.Errorf("completion labels at %q = %q, want %q", "A womble or a wom", labels, want)
		}
		if slices.Contains(c.Labels, "wom") {
			t.Errorf("completion proposes %q, the word being typed", "wom")
		}
		for i, k := range c.Kinds {
			if k != 1 {
				t.Errorf("completion item %q kind = %d, want 1 (Text)", c.Labels[i], k)
			}
		}
		if c.IsIncomplete {
			t.Error("completion list isIncomplete = true, want false")
		}
	}

	// Hover over the TODO: one hover, todo's section then words', over the
	// keyword.
	if h := res.Hover; h == nil {
		t.Error("no hover over the TODO")
	} else {
		const want = "**TODO** marker 1 of 1 in this document\n\n---\n\n**TODO**: 1 occurrence in this document"
		if h.Contents.Kind != "markdown" || h.Contents.Value != want {
			t.Errorf("hover contents = %+v, want %q", h.Contents, want)
		}
		if h.Range == nil || h.Range.Start != (lspPosition{1, 7}) || h.Range.End != (lspPosition{1, 11}) {
			t.Errorf("hover range = %+v, want 1:7-1:11", h.Range)
		}
	}
	// The quick fix removed the typed trailing spaces; formatting removed
	// the trailing tabs.
	lines := strings.Split(strings.TrimSuffix(nvimNotes, "\n"), "\n")
	if res.FixTitle == nil || *res.FixTitle != "Remove trailing whitespace" {
		t.Errorf("quick fix applied = %v, want %q", deref(res.FixTitle), "Remove trailing whitespace")
	}
	if !slices.Equal(res.AfterFix, lines) {
		t.Errorf("after the quick fix the buffer is %q, want %q", res.AfterFix, lines)
	}
	if !slices.Equal(res.AfterFormat, lines) {
		t.Errorf("after formatting the buffer is %q, want %q", res.AfterFormat, lines)
	}

	if !res.Exited || !res.Stopped {
		t.Errorf("server exited = %v, client stopped = %v; want both true", res.Exited, res.Stopped)
	}
	if res.ExitCode == nil || *res.ExitCode != 0 || res.ExitSignal == nil || *res.ExitSignal != 0 {
		t.Errorf("server exit code %v, signal %v; want 0, 0", deref(res.ExitCode), deref(res.ExitSignal))
	}

	// Nothing went wrong that either side only logged.
	if bad := logProblems(readOrErr(serverLog), "level=ERROR", "level=WARN"); len(bad) > 0 {
		t.Errorf("lsphost logged problems:\n%s", strings.Join(bad, "\n"))
	}
	if res.LSPLog != nil {
		if bad := nvimLogProblems(readOrErr(*res.LSPLog)); len(bad) > 0 {
			t.Errorf("Neovim's LSP log has errors or warnings:\n%s", strings.Join(bad, "\n"))
		}
	}
}

// logProblems returns the lines of log that contain any of markers.
func logProblems(log string, markers ...string) []string {
	var bad []string
	for line := range strings.Lines(log) {
		for _, m := range markers {
			if strings.Contains(line, m) {
				bad = append(bad, strings.TrimRight(line, "\n"))
				break
			}
		}
	}
	return bad
}

// nvimLogProblems returns the ERROR and WARN entries of Neovim's LSP log,
// except those that only relay the server's stderr: Neovim 0.7 logs every
// stderr chunk of a server as an ERROR, and lsphost writes its log there.
func nvimLogProblems(log string) []string {
	var bad []string
	for line := range strings.Lines(log) {
		if (strings.HasPrefix(line, "[ERROR]") || strings.HasPrefix(line, "[WARN]")) &&
			!strings.Contains(line, `"stderr"`) {
			bad = append(bad, strings.TrimRight(line, "\n"))
		}
	}
	return bad
}

func writeTestFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// readOrErr returns the content of path, or why it could not be read.
func readOrErr(path string) string {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return "(no such file)"
	}
	if err != nil {
		return fmt.Sprintf("(%v)", err)
	}
	return string(data)
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

// requireEditor finds an editor's executable. Without it the test is
// skipped, except on CI (CI=true), where it fails naming the Debian
// packages to install.
func requireEditor(t *testing.T, name, packages string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s not found on PATH, and CI=true requires this test: apt-get install %s: %v", name, packages, err)
		}
		t.Skipf("%s not found on PATH (apt-get install %s): %v", name, packages, err)
	}
	return path
}

// editorWorkspace builds lsphost and the todo and words extensions and
// makes a workspace using them with the shared notes.txt. It returns the
// binary, the test's temporary folder, the workspace, the notes file and
// where the server should log.
func editorWorkspace(t *testing.T) (lsphost, tmp, root, notes, serverLog string) {
	t.Helper()
	lsphost = buildLsphost(t)
	todoWasm := wasmbuild.Example(t, "todo")
	wordsWasm := wasmbuild.Example(t, "words")
	tmp = t.TempDir()
	root = filepath.Join(tmp, "workspace")
	notes = filepath.Join(root, "notes.txt")
	whitespaceWasm := wasmbuild.Example(t, "whitespace")
	writeTestFile(t, filepath.Join(root, ".lsphost.toml"), fmt.Sprintf(
		"[extensions.todo]\nwasm = %q\n\n[extensions.words]\nwasm = %q\n\n[extensions.whitespace]\nwasm = %q\n", todoWasm, wordsWasm, whitespaceWasm))
	writeTestFile(t, notes, nvimNotes)
	// Compile the extensions into the server's cache first, so that the
	// editor's waits measure the editor and the server, not a cold compile
	// on a busy machine (findings make check exit 1; that is expected).
	warm := exec.Command(lsphost, "check", "--config", filepath.Join(tmp, "no-user-config.toml"))
	warm.Dir = root
	warm.Env = append(os.Environ(), "XDG_CACHE_HOME="+filepath.Join(wasmbuild.CacheDir(), "xdg"))
	out, err := warm.CombinedOutput()
	if err != nil && warm.ProcessState.ExitCode() != 1 || !strings.Contains(string(out), "[todo]") {
		t.Fatalf("lsphost check to warm the cache: %v, want the todo finding:\n%s", err, out)
	}
	return lsphost, tmp, root, notes, filepath.Join(tmp, "lsphost.log")
}

// publication is one textDocument/publishDiagnostics an editor received.
type publication struct {
	URI         string          `json:"uri"`
	Version     *int            `json:"version"`
	Diagnostics []lspDiagnostic `json:"diagnostics"`
}

// checkPublishedTodo checks what the server sent for the shared notes.txt:
// exactly the todo diagnostic, in UTF-16 columns ("Café – " is 7 units).
func checkPublishedTodo(t *testing.T, published []publication) {
	t.Helper()
	if len(published) == 0 {
		t.Fatal("no textDocument/publishDiagnostics received")
	}
	last := published[len(published)-1]
	if !strings.HasSuffix(last.URI, "/notes.txt") {
		t.Errorf("publishDiagnostics uri = %q, want …/notes.txt", last.URI)
	}
	var want lspDiagnostic
	want.Range.Start = lspPosition{Line: 1, Character: 7}
	want.Range.End = lspPosition{Line: 1, Character: 11}
	want.Severity = 3 // Information
	want.Source = "todo"
	want.Message = "TODO: write tests"
	if !slices.Equal(last.Diagnostics, []lspDiagnostic{want}) {
		t.Errorf("published diagnostics = %+v, want %+v", last.Diagnostics, []lspDiagnostic{want})
	}
}
