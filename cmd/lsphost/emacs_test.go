package main

import (
	"bytes"
	"context"
	"encoding/json"
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
	// emacsTimeout bounds the whole Emacs run; the process is killed past it.
	emacsTimeout = 90 * time.Second
	// emacsStepTimeout bounds each wait of the Lisp script (initialize,
	// diagnostics, each completion request, shutdown, exit), as
	// nvimStepTimeout does for Neovim.
	emacsStepTimeout = 20 * time.Second
)

// emacsParams is what testdata/emacs_eglot_e2e.el reads from
// LSPHOST_EMACS_PARAMS.
type emacsParams struct {
	Cmd              []string    `json:"cmd"`
	Root             string      `json:"root"`
	File             string      `json:"file"`
	Position         lspPosition `json:"position"`
	DiagnosticSource string      `json:"diagnostic_source"`
	TimeoutMS        int64       `json:"timeout_ms"`
	Result           string      `json:"result"`
	BuffersDir       string      `json:"buffers_dir"`
}

// emacsDiagnostic is a Flymake diagnostic as the script describes it: a
// 1-based line, columns in characters from the start of the line and in
// UTF-16 code units (eglot-lsp-abiding-column), and the text it covers.
type emacsDiagnostic struct {
	Line         int    `json:"line"`
	BegChar      int    `json:"beg_char"`
	BegLSPColumn int    `json:"beg_lsp_column"`
	EndLine      int    `json:"end_line"`
	EndChar      int    `json:"end_char"`
	EndLSPColumn int    `json:"end_lsp_column"`
	Region       string `json:"region"`
	Type         string `json:"type"`
	Text         string `json:"text"`
}

// emacsResult is what testdata/emacs_eglot_e2e.el observed.
type emacsResult struct {
	Error             *string           `json:"error"`
	EglotMissing      bool              `json:"eglot_missing"`
	EglotVersion      *string           `json:"eglot_version"`
	Initialized       bool              `json:"initialized"`
	ServerName        *string           `json:"server_name"`
	CompletionCapable bool              `json:"completion_capable"`
	Published         []publication     `json:"published"`
	Diagnostics       []emacsDiagnostic `json:"diagnostics"`
	Completion        *struct {
		Labels       []string `json:"labels"`
		Kinds        []int    `json:"kinds"`
		IsIncomplete bool     `json:"is_incomplete"`
	} `json:"completion"`
	Capf             []string          `json:"capf"`
	Messages         []json.RawMessage `json:"messages"`
	ShutdownReply    json.RawMessage   `json:"shutdown_reply"`
	Exited           bool              `json:"exited"`
	ProcessStatus    *string           `json:"process_status"`
	ExitCode         *int              `json:"exit_code"`
	ManagedAfterExit *bool             `json:"managed_after_exit"`
}

// TestEmacs runs the real lsphost binary under eglot in a real Emacs
// (--batch; Emacs 28 and eglot 1.9 as Debian packages them) with the todo
// and words extensions: eglot must take the server's completion capability,
// the todo diagnostic must reach Flymake on the UTF-16-correct region,
// completion (the raw request and completion-at-point) must propose the
// document's words, and the server must exit 0 after shutdown and exit.
// Without emacs on PATH, or eglot, the test is skipped, except on CI
// (CI=true) where it fails.
func TestEmacs(t *testing.T) {
	emacs := requireEditor(t, "emacs", "emacs-nox elpa-eglot")
	lsphost, tmp, root, notes, serverLog := editorWorkspace(t)
	buffersDir := filepath.Join(tmp, "emacs-buffers")
	if err := os.MkdirAll(buffersDir, 0o755); err != nil {
		t.Fatal(err)
	}
	home := filepath.Join(tmp, "home")
	if err := os.MkdirAll(home, 0o755); err != nil {
		t.Fatal(err)
	}
	resultFile := filepath.Join(tmp, "result.json")
	var stdout, stderr bytes.Buffer
	t.Cleanup(func() {
		if !t.Failed() {
			return
		}
		t.Logf("emacs stdout:\n%s", stdout.Bytes())
		t.Logf("emacs stderr:\n%s", stderr.Bytes())
		t.Logf("lsphost log (%s):\n%s", serverLog, readOrErr(serverLog))
		entries, _ := os.ReadDir(buffersDir)
		for _, e := range entries {
			p := filepath.Join(buffersDir, e.Name())
			t.Logf("Emacs buffer %s:\n%s", e.Name(), readOrErr(p))
		}
	})

	params := emacsParams{
		Cmd: []string{lsphost, "serve",
			"--config", filepath.Join(tmp, "no-user-config.toml"), // absent: no user extensions
			"--log-file", serverLog,
			"--log-level", "debug",
		},
		Root:             root,
		File:             notes,
		Position:         lspPosition{Line: 2, Character: len("A womble or a wom")},
		DiagnosticSource: "todo",
		TimeoutMS:        emacsStepTimeout.Milliseconds(),
		Result:           resultFile,
		BuffersDir:       buffersDir,
	}
	paramsFile := filepath.Join(tmp, "params.json")
	raw, err := json.Marshal(params)
	if err != nil {
		t.Fatal(err)
	}
	writeTestFile(t, paramsFile, string(raw))

	ctx, cancel := context.WithTimeout(t.Context(), emacsTimeout)
	defer cancel()
	script, err := filepath.Abs(filepath.Join("testdata", "emacs_eglot_e2e.el"))
	if err != nil {
		t.Fatal(err)
	}
	// -q rather than -Q: Debian's site-start puts elpa-eglot on the
	// load-path. The script ends Emacs itself (0, or 1 on error).
	cmd := exec.CommandContext(ctx, emacs, "--batch", "-q", "-l", script)
	cmd.Dir = root
	cmd.Env = append(os.Environ(),
		"LSPHOST_EMACS_PARAMS="+paramsFile,
		"HOME="+home, // no ~/.emacs.d of the user's
		// Emacs 28 does not use XDG_CACHE_HOME; the server it starts does:
		// compiled extensions are cached between runs.
		"XDG_CACHE_HOME="+filepath.Join(wasmbuild.CacheDir(), "xdg"),
		"XDG_CONFIG_HOME="+filepath.Join(tmp, "config"),
	)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = 5 * time.Second
	start := time.Now()
	runErr := cmd.Run()
	t.Logf("emacs ran for %v", time.Since(start).Round(time.Millisecond))
	if ctx.Err() != nil {
		t.Fatalf("emacs did not finish within %v and was killed: %v", emacsTimeout, runErr)
	}

	data, err := os.ReadFile(resultFile)
	if err != nil {
		t.Fatalf("emacs wrote no result (%v): %v", runErr, err)
	}
	var res emacsResult
	if err := json.Unmarshal(data, &res); err != nil {
		t.Fatalf("decoding the result: %v\n%s", err, data)
	}
	if res.EglotMissing {
		if os.Getenv("CI") == "true" {
			t.Fatal("eglot is not installed, and CI=true requires this test: apt-get install emacs-nox elpa-eglot")
		}
		t.Skip("eglot is not installed (apt-get install emacs-nox elpa-eglot)")
	}
	if res.Error != nil {
		t.Fatalf("the Lisp script failed: %s\nresult: %s", *res.Error, data)
	}
	if runErr != nil {
		t.Fatalf("emacs: %v\nresult: %s", runErr, data)
	}
	if res.EglotVersion != nil {
		t.Logf("eglot %s", *res.EglotVersion)
	}

	if res.ServerName == nil || *res.ServerName != "lsphost" {
		t.Errorf("serverInfo.name = %v, want lsphost", res.ServerName)
	}
	// eglot 1.9 reads an empty completionProvider ({}) as absent.
	if !res.CompletionCapable {
		t.Error("eglot does not see the completionProvider capability")
	}
	for _, m := range res.Messages {
		t.Errorf("window/showMessage %s, want none", m)
	}

	checkPublishedTodo(t, res.Published)

	// What Flymake shows: the region must cover "TODO" exactly. Here "Café – "
	// is 7 characters and 7 UTF-16 code units (but 10 bytes).
	wantEmacs := emacsDiagnostic{
		Line: 2, BegChar: 7, BegLSPColumn: 7,
		EndLine: 2, EndChar: 11, EndLSPColumn: 11,
		Region: "TODO",
		Type:   "eglot-note", // severity 3
		Text:   "todo: TODO: write tests",
	}
	if !slices.Equal(res.Diagnostics, []emacsDiagnostic{wantEmacs}) {
		t.Errorf("flymake-diagnostics = %+v, want %+v", res.Diagnostics, []emacsDiagnostic{wantEmacs})
	}

	want := []string{"wombat", "womble"}
	if c := res.Completion; c == nil {
		t.Error("no completion result")
	} else {
		if labels := slices.Sorted(slices.Values(c.Labels)); !slices.Equal(labels, want) {
			t.Errorf("completion labels at %q = %q, want %q", "A womble or a wom", labels, want)
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
	if capf := slices.Sorted(slices.Values(res.Capf)); !slices.Equal(capf, want) {
		t.Errorf("completion-at-point candidates at %q = %q, want %q", "A womble or a wom", capf, want)
	}

	if string(res.ShutdownReply) != "null" {
		t.Errorf("shutdown reply = %s, want null", res.ShutdownReply)
	}
	if !res.Exited || res.ProcessStatus == nil || *res.ProcessStatus != "exit" || res.ExitCode == nil || *res.ExitCode != 0 {
		t.Errorf("server exited = %v, process status %v, exit code %v; want true, exit, 0",
			res.Exited, res.ProcessStatus, deref(res.ExitCode))
	}
	if res.ManagedAfterExit == nil || *res.ManagedAfterExit {
		t.Errorf("eglot still manages the buffer after the server exited (%v)", res.ManagedAfterExit)
	}

	if bad := logProblems(readOrErr(serverLog), "level=ERROR", "level=WARN"); len(bad) > 0 {
		t.Errorf("lsphost logged problems:\n%s", strings.Join(bad, "\n"))
	}
}
