package lsp

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/lsphost/lsphost/extensions"
	"github.com/lsphost/lsphost/internal/wasmbuild"
)

// hostileName is the configured name of the hostile extension in every
// case. It differs from the names the guests declare, so the test sees
// that reports use the name the user knows.
const hostileName = "evil"

// hangBound turns a hang into a failure; it is no performance target.
const hangBound = 10 * time.Second

// hostileCase is one hostile extension loaded beside the todo example.
type hostileCase struct {
	name  string
	guest string // directory under testdata/guests
	// timeout is the extension's; "" means 200ms.
	timeout string
	// toml is more of [extensions.evil] after its wasm and timeout keys.
	toml string
	// text is the document; "$v" in it becomes the document version.
	text string
	// todoKeyword, when set, is the marker the todo extension reports
	// instead of TODO: badoutput answers according to the whole text, so
	// its documents cannot hold a TODO.
	todoKeyword string
	files       map[string]string // more workspace files
	versions    int               // document versions to send: 0 means 1

	// loadError lists substrings of the one configuration problem shown
	// after initialize; the extension must not be loaded.
	loadError []string

	// diagnostics is what every published version holds, in order, as
	// "line:char-line:char severity source: message" ("$v": the version).
	diagnostics []string
	// completion is the labels a completion request gets afterwards.
	completion []string

	// The extension's health after the versions.
	state              string
	failures, timeouts int
	lastError          []string // substrings; none means lastError is empty
	// switchedOff: the failures switched the extension off, which the user
	// learns from one window/showMessage naming it and its last error.
	switchedOff bool

	// logs are records the server log must hold.
	logs []logWant
	// logMessages are window/logMessage notifications the editor must get;
	// onlyLogMessages makes them the only ones from the extension.
	logMessages     []logMessageWant
	onlyLogMessages bool
}

// logWant matches a record of the server log, kept as JSON: msg and the
// extension attribute equal, err containing every one of errHas.
type logWant struct {
	msg, extension string
	errHas         []string
}

// logMessageWant matches a window/logMessage: its type equal and its
// message containing text.
type logMessageWant struct {
	typ  int
	text string
}

// TestHostileExtensions loads one hostile extension at a time beside the
// well-behaved todo example and drives the real server over its pipes. In
// every case the failure reaches the user named after the extension, the
// server answers the next requests, todo's diagnostics of the current version
// still reach the editor, and after exit nothing of the session is left:
// no goroutine, no instance's linear memory.
func TestHostileExtensions(t *testing.T) {
	const todoLine = "0:0-0:4 information todo: TODO v$v"
	fatalOnStderr := func(what string) logMessageWant {
		return logMessageWant{2, "[" + hostileName + "] fatal error: " + what}
	}
	diagnosticsFailed := func(errHas ...string) logWant {
		return logWant{"diagnostics failed", hostileName, append([]string{"extension " + hostileName + ": diagnostics: "}, errHas...)}
	}
	cases := []hostileCase{
		{
			name: "infinite loop", guest: "loop", text: "TODO v$v: spin", versions: 3,
			diagnostics: []string{todoLine + ": spin"},
			state:       "cooling down", failures: 3, timeouts: 3, lastError: []string{"timed out after 200ms"}, switchedOff: true,
			logs: []logWant{diagnosticsFailed("timed out after 200ms")},
		},
		{
			// Dying takes longer than 200ms under the race detector; the
			// timeout leaves the guest the time to die of its own cause.
			name: "unbounded recursion", guest: "hostile", timeout: "5s", text: "TODO v$v: recurse", versions: 3,
			diagnostics: []string{todoLine + ": recurse"},
			state:       "cooling down", failures: 3, lastError: []string{"stack overflow"}, switchedOff: true,
			logs:        []logWant{diagnosticsFailed()},
			logMessages: []logMessageWant{fatalOnStderr("stack overflow")},
		},
		{
			// The same timeout; a small memory limit makes the end come soon.
			name: "allocating without bound", guest: "crash", timeout: "5s", toml: `memory = "16MiB"` + "\n", text: "TODO v$v: crash-oom", versions: 3,
			diagnostics: []string{todoLine + ": crash-oom"},
			state:       "cooling down", failures: 3, lastError: []string{"out of memory"}, switchedOff: true,
			logs:        []logWant{diagnosticsFailed()},
			logMessages: []logMessageWant{fatalOnStderr("out of memory")},
		},
		{
			// The SDK recovers the panic into an error response: the call
			// fails, the instance lives on, nothing counts as a failure.
			name: "panic", guest: "panic", text: "TODO v$v: please panic", versions: 3,
			diagnostics: []string{todoLine + ": please panic"},
			state:       "ok",
			logs:        []logWant{diagnosticsFailed("diagnostics: panic: asked to panic")},
			logMessages: []logMessageWant{{1, "[" + hostileName + "] diagnostics: panic: asked to panic"}},
		},
		{
			name: "nil dereference", guest: "hostile", text: "TODO v$v: nil-deref", versions: 3,
			diagnostics: []string{todoLine + ": nil-deref"},
			state:       "ok",
			logs:        []logWant{diagnosticsFailed("diagnostics: panic: runtime error: invalid memory address or nil pointer dereference")},
			logMessages: []logMessageWant{{1, "[" + hostileName + "] diagnostics: panic: runtime error: invalid memory address or nil pointer dereference"}},
		},
		{
			name: "blocking forever in select", guest: "hostile", text: "TODO v$v: block-select", versions: 3,
			diagnostics: []string{todoLine + ": block-select"},
			state:       "cooling down", failures: 3, lastError: []string{"deadlock"}, switchedOff: true,
			logs:        []logWant{diagnosticsFailed()},
			logMessages: []logMessageWant{fatalOnStderr("all goroutines are asleep - deadlock!")},
		},
		{
			name: "blocking forever on a channel", guest: "hostile", text: "TODO v$v: block-chan", versions: 3,
			diagnostics: []string{todoLine + ": block-chan"},
			state:       "cooling down", failures: 3, lastError: []string{"deadlock"}, switchedOff: true,
			logs:        []logWant{diagnosticsFailed()},
			logMessages: []logMessageWant{fatalOnStderr("all goroutines are asleep - deadlock!")},
		},
		{
			name: "pointer outside memory", guest: "badoutput", text: "ptr-outside", todoKeyword: "ptr-outside", versions: 3,
			diagnostics: []string{"0:0-0:11 information todo: ptr-outside"},
			state:       "cooling down", failures: 3, lastError: []string{"response at 0xffff0000 of 64 bytes is outside memory of "}, switchedOff: true,
			logs: []logWant{diagnosticsFailed("response at 0xffff0000 of 64 bytes is outside memory of ")},
		},
		{
			name: "length past the end of memory", guest: "badoutput", text: "len-outside", todoKeyword: "len-outside", versions: 3,
			diagnostics: []string{"0:0-0:11 information todo: len-outside"},
			state:       "cooling down", failures: 3, lastError: []string{" of 16777216 bytes is outside memory of "}, switchedOff: true,
			logs: []logWant{diagnosticsFailed(" of 16777216 bytes is outside memory of ")},
		},
		{
			name: "malformed JSON", guest: "badoutput", text: "invalid-json", todoKeyword: "invalid-json", versions: 3,
			diagnostics: []string{"0:0-0:12 information todo: invalid-json"},
			state:       "cooling down", failures: 3, lastError: []string{"invalid response: unexpected end of JSON input"}, switchedOff: true,
			logs: []logWant{diagnosticsFailed("invalid response: unexpected end of JSON input")},
		},
		{
			// Invalid UTF-8 is replaced, not a failure; the frames stay
			// valid UTF-8 (checked in every case).
			name: "invalid UTF-8", guest: "badoutput", text: "bad-utf8", todoKeyword: "bad-utf8",
			diagnostics: []string{
				"0:0-0:1 error evil: bad \uFFFD\uFFFD end (code c\uFFFD)",
				"0:0-0:8 information todo: bad-utf8",
			},
			completion: []string{"ok"},
			state:      "ok",
		},
		{
			// The text is 10 bytes: every offset is clamped to it.
			name: "positions past the end of the document", guest: "badoutput", text: "bad-ranges", todoKeyword: "bad-ranges",
			diagnostics: []string{
				"0:0-0:3 error evil: negative start",
				"0:0-0:10 information todo: bad-ranges",
				"0:2-0:10 error evil: end past the text",
				"0:6-0:6 error evil: end before start",
				"0:10-0:10 hint evil: past the text",
			},
			completion: []string{"ok"},
			state:      "ok",
		},
		{
			// The guest really builds 100 MiB, in the time its timeout leaves
			// it, so that the size is what fails.
			name: "output of 100 MiB", guest: "huge", timeout: "5s", toml: `memory = "256MiB"` + "\n", text: "TODO v$v: huge",
			diagnostics: []string{todoLine + ": huge"},
			state:       "failing", failures: 1, lastError: []string{"response of 104857600 bytes > 16777216"},
			logs: []logWant{diagnosticsFailed("response of 104857600 bytes > 16777216")},
		},
		{
			name: "unknown ABI version", guest: "badabi", text: "TODO v$v",
			loadError:   []string{"speaks ABI version 2, this lsphost speaks version 1: rebuild the extension with a matching SDK or use a matching lsphost"},
			diagnostics: []string{todoLine},
		},
		{
			name: "missing exports", guest: "noexports", text: "TODO v$v",
			loadError: []string{"is not an lsphost extension: ",
				`missing export "lsphost_abi_version"`, `missing export "lsphost_alloc"`, `missing export "lsphost_call"`},
			diagnostics: []string{todoLine},
		},
		{
			name: "wrong signatures", guest: "badsig", text: "TODO v$v",
			loadError: []string{"is not an lsphost extension: ",
				`export "lsphost_alloc" has signature (i64) -> (i64), want (i32) -> (i32)`,
				`export "lsphost_call" has signature (i32) -> (i32), want (i32, i32, i32) -> (i64)`},
			diagnostics: []string{todoLine},
		},
		{
			name: "Init returns an error", guest: "hostile", toml: "[extensions.evil.settings]\ninit = \"error\"\n", text: "TODO v$v",
			loadError:   []string{`initialize: setting "init" is "error", so this extension refuses to start: remove the setting`},
			diagnostics: []string{todoLine},
		},
		{
			name: "Init panics", guest: "hostile", toml: "[extensions.evil.settings]\ninit = \"panic\"\n", text: "TODO v$v",
			loadError:   []string{"initialize: panic: Init was asked to panic"},
			diagnostics: []string{todoLine},
		},
		{
			// Whatever a guest writes to stdout or stderr becomes log lines,
			// never bytes on the LSP stream: the fake editor fails the test
			// on a bad frame.
			name: "writing to stdout", guest: "chatty", text: "TODO v$v: chatty",
			diagnostics: []string{"0:0-0:1 hint evil: chatty was here", todoLine + ": chatty"},
			state:       "ok",
			logMessages: []logMessageWant{
				{3, "[evil] chatty stdout: Content-Length: 2"},
				{2, "[evil] chatty stderr"},
				{3, "[evil] chatty log: 15 bytes"},
			},
			onlyLogMessages: true,
		},
		{
			// Calls of log with bad pointers are ignored and calls of
			// read_file fail with -3 (ReadFailed); the guest lives on and
			// its good calls work.
			name: "host functions with bad pointers", guest: "badimports", text: "TODO v$v: badimports",
			toml:  "[extensions.evil.grants]\nread = [\"docs\"]\n",
			files: map[string]string{"docs/a.txt": "hello"},
			diagnostics: []string{
				`0:0-0:4 hint evil: read_file: path outside memory -3, buffer outside memory -3, good 5 "hello"`,
				todoLine + ": badimports",
			},
			state:           "ok",
			logMessages:     []logMessageWant{{3, "[evil] badimports: still alive"}},
			onlyLogMessages: true,
		},
	}

	todo := wasmbuild.Example(t, "todo")
	wasm := map[string]string{}
	for _, tc := range cases {
		if wasm[tc.guest] == "" {
			wasm[tc.guest] = wasmbuild.Build(t, filepath.Join("testdata", "guests", tc.guest))
		}
	}
	warmStart := time.Now()
	warmHostileCache(t, append(slices.Collect(maps.Values(wasm)), todo))
	t.Logf("built and compiled %d modules in %s", len(wasm)+1, time.Since(warmStart).Round(time.Millisecond))

	// The cases run in parallel, so the process's goroutine count says
	// nothing about one of them: each counts the goroutines carrying its
	// session's label, and the whole returns to this baseline.
	baseline := runtime.NumGoroutine()
	// A few cases at a time: twenty servers at once under the race detector
	// on two cores starve each other past any sane deadline.
	slots := make(chan struct{}, 3)
	t.Run("cases", func(t *testing.T) {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				slots <- struct{}{}
				defer func() { <-slots }()
				runHostileCase(t, tc, todo, wasm[tc.guest])
			})
		}
	})
	// Every session has exited: the process is back where it started.
	var n int
	if !pollUntil(hangBound, func() bool { n = runtime.NumGoroutine(); return n <= baseline+2 }) {
		t.Errorf("%d goroutines after every server exited, want at most %d (%d before, and 2 of slack)\n%s", n, baseline+2, baseline, allGoroutines())
	}
}

// warmHostileCache compiles each module once before the cases run, so that
// the parallel cases find them in the compilation cache rather than all
// compile the same module at once (as warmCompileCache does for the
// scenarios); distinct modules compile in parallel. Loading may fail: the
// hostile modules are compiled before they fail.
func warmHostileCache(t *testing.T, paths []string) {
	t.Helper()
	host := extensions.NewHost(extensions.Options{CacheDir: filepath.Join(wasmbuild.CacheDir(), "compiled")})
	defer host.Close(context.Background())
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for _, path := range paths {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			spec := extensions.Spec{Name: "warm", Wasm: path, Enabled: true, Timeout: time.Minute, Memory: extensions.DefaultMemory}
			if ext, err := host.Load(context.Background(), spec); err == nil {
				ext.Close(context.Background())
			}
		})
	}
	wg.Wait()
}

// sessionLabel is the pprof label put on each case's server goroutine;
// every goroutine it starts inherits it, so a case can count its own
// goroutines while others run.
const sessionLabel = "lsphost-hostile-case"

func runHostileCase(t *testing.T, tc hostileCase, todoWasm, evilWasm string) {
	start := time.Now()
	root := t.TempDir()
	for name, content := range tc.files {
		path := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var config strings.Builder
	// The healthy neighbour gets the policy's longest deadline: three cases run at
	// once, some allocating hundreds of MiB, and a busy machine must not
	// make the control case time out.
	fmt.Fprintf(&config, "[extensions.todo]\nwasm = %q\ntimeout = \"5s\"\n", todoWasm)
	if tc.todoKeyword != "" {
		fmt.Fprintf(&config, "[extensions.todo.settings]\nkeywords = [%q]\n", tc.todoKeyword)
	}
	evilLine := strings.Count(config.String(), "\n") + 1
	timeout := cmp.Or(tc.timeout, "200ms")
	fmt.Fprintf(&config, "[extensions.%s]\nwasm = %q\ntimeout = %q\n%s", hostileName, evilWasm, timeout, tc.toml)
	configPath := filepath.Join(root, ConfigFile)
	if err := os.WriteFile(configPath, []byte(config.String()), 0o644); err != nil {
		t.Fatal(err)
	}

	// The server's log, as JSON records to check and as text for failures.
	logs := &lockedBuffer{}
	logger := slog.New(slog.NewMultiHandler(
		slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}),
		testLogger(t).Handler(),
	))
	memory := &extensions.LinearMemories{}
	ctx := extensions.CountLinearMemories(context.Background(), memory)
	opts := Options{CacheDir: filepath.Join(wasmbuild.CacheDir(), "compiled"), Logger: logger}
	label := tc.name
	c := startWith(t, func(in io.Reader, out io.Writer) (code int) {
		pprof.Do(ctx, pprof.Labels(sessionLabel, label), func(ctx context.Context) {
			code = Serve(ctx, in, out, opts)
		})
		return code
	})
	c.initialize(root)

	// Load problems are shown once the client sent initialized and the
	// load is done.
	c.loaded()
	shown := c.notifications("window/showMessage")
	if tc.loadError != nil {
		want := append([]string{"lsphost: 1 configuration problem(s); the rest of the configuration is in use:\n" +
			fmt.Sprintf("%s:%d: extensions.%s: ", configPath, evilLine, hostileName)}, tc.loadError...)
		checkShown(t, shown, "after initialize", want)
	} else if len(shown) != 0 {
		t.Errorf("after initialize: window/showMessage %s, want none", showMessages(shown))
	}
	loaded := time.Since(start)

	// Open the document, then change it, waiting for each version.
	uri := fileURI(filepath.Join(root, "a.txt"))
	versions := max(tc.versions, 1)
	var duringRun time.Duration
	for v := range versions {
		text := strings.ReplaceAll(tc.text, "$v", strconv.Itoa(v))
		if v == 0 {
			c.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{
				"uri": uri, "languageId": "plaintext", "version": 0, "text": text}})
			// A request is answered while the extensions work on the
			// document: the hostile one may be looping or dying right now.
			duringRun = timed(t, "lsphost.status during the first run", func() {
				if r := c.call("workspace/executeCommand", map[string]any{"command": "lsphost.status"}); r.Error != nil {
					t.Errorf("lsphost.status during the first run = %+v, want the extensions' health", r.Error)
				}
			})
		} else {
			c.notify("textDocument/didChange", map[string]any{
				"textDocument":   map[string]any{"uri": uri, "version": v},
				"contentChanges": []any{map[string]any{"text": text}},
			})
		}
		var want []string
		for _, d := range tc.diagnostics {
			want = append(want, strings.ReplaceAll(d, "$v", strconv.Itoa(v)))
		}
		if got := waitDiagnostics(c, uri, v); !slices.Equal(got, want) {
			t.Errorf("diagnostics of version %d =\n\t%s\nwant\n\t%s", v, strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
		}
	}
	diagnosed := time.Since(start) - loaded

	// The server answers the next requests.
	var st status
	statusTime := timed(t, "lsphost.status", func() {
		r := c.call("workspace/executeCommand", map[string]any{"command": "lsphost.status"})
		if r.Error != nil || json.Unmarshal(r.Result, &st) != nil {
			t.Fatalf("lsphost.status = %+v, want the extensions' health", r)
		}
	})
	completionTime := timed(t, "completion", func() {
		r := c.call("textDocument/completion", map[string]any{
			"textDocument": map[string]any{"uri": uri},
			"position":     map[string]any{"line": 0, "character": 0},
		})
		var list struct {
			Items []struct{ Label string } `json:"items"`
		}
		if r.Error != nil || json.Unmarshal(r.Result, &list) != nil {
			t.Fatalf("completion = %+v, want a list", r)
		}
		var labels []string
		for _, it := range list.Items {
			labels = append(labels, it.Label)
		}
		if !slices.Equal(labels, tc.completion) {
			t.Errorf("completion labels = %q, want %q", labels, tc.completion)
		}
	})

	// Health: todo is untouched; the hostile extension's failures are
	// counted and explained.
	health := map[string]extensions.Health{}
	for _, h := range st.Extensions {
		health[h.Name] = h
	}
	if h := health["todo"]; h.State != "ok" || h.Calls != versions || h.Failures != 0 || h.LastError != "" ||
		h.Instances < 1 || h.MemoryBytes <= 0 {
		t.Errorf("status of todo = %+v, want ok with %d calls, no failure, and a live instance with memory", h, versions)
	}
	evil, listed := health[hostileName]
	switch {
	case tc.loadError != nil && listed:
		t.Errorf("status lists %s (%+v), want it not loaded", hostileName, evil)
	case tc.loadError == nil && !listed:
		t.Errorf("status = %+v, want %s listed", st.Extensions, hostileName)
	case tc.loadError == nil:
		if evil.State != tc.state || evil.Calls != versions || evil.Failures != tc.failures || evil.Timeouts != tc.timeouts {
			t.Errorf("status of %s = state %q, %d calls, %d failures, %d timeouts; want state %q, %d calls, %d failures, %d timeouts",
				hostileName, evil.State, evil.Calls, evil.Failures, evil.Timeouts, tc.state, versions, tc.failures, tc.timeouts)
		}
		if len(tc.lastError) == 0 && evil.LastError != "" {
			t.Errorf("status of %s: lastError = %q, want none", hostileName, evil.LastError)
		}
		for _, s := range tc.lastError {
			if !strings.Contains(evil.LastError, s) {
				t.Errorf("status of %s: lastError = %.300q, want it to contain %q", hostileName, evil.LastError, s)
			}
		}
		if got := !evil.RetryAt.IsZero(); got != tc.switchedOff {
			t.Errorf("status of %s: retryAt = %v, want it set: %v", hostileName, evil.RetryAt, tc.switchedOff)
		}
	}

	// What the user was shown and what reached the editor's log.
	c.call("lsphost/barrier", nil)
	if tc.loadError == nil {
		shown := c.notifications("window/showMessage")
		if tc.switchedOff {
			want := append([]string{fmt.Sprintf("lsphost: extension %s keeps failing (last error: ", hostileName),
				"); switched off for 30s, then retried"}, tc.lastError...)
			checkShown(t, shown, "after the failures", want)
		} else if len(shown) != 0 {
			t.Errorf("window/showMessage %s, want none", showMessages(shown))
		}
	}
	checkLogMessages(t, c.notifications("window/logMessage"), tc)
	wantLogs := tc.logs
	if tc.loadError != nil {
		wantLogs = append(wantLogs, logWant{"configuration problem", "", append([]string{"extensions." + hostileName + ": "}, tc.loadError...)})
	}
	if tc.switchedOff {
		wantLogs = append(wantLogs, logWant{"extension switched off after repeated failures", hostileName, tc.lastError})
	}
	checkLog(t, logs.String(), wantLogs)
	checkFramesUTF8(t, c)

	// Exit: the session's goroutines end and its instances are closed. Both
	// are seen before exit, or the checks after it would prove nothing.
	if sessionGoroutines(label) == "" {
		t.Errorf("no goroutine carries the session's label before exit: the leak check cannot see the server")
	}
	if memory.Live() == 0 {
		t.Errorf("no live linear memory from the session's allocator before exit: the instance check cannot see the server")
	}
	exitStart := time.Now()
	if code := c.shutdown(); code != 0 {
		t.Errorf("exit code %d after shutdown and exit, want 0", code)
	}
	exited := time.Since(exitStart)
	var left string
	if !pollUntil(hangBound, func() bool { left = sessionGoroutines(label); return left == "" }) {
		t.Errorf("goroutines of the session left %s after exit:\n%s", hangBound, left)
	}
	if live := memory.Live(); live != 0 {
		t.Errorf("%d of the %d linear memories allocated in the session still live after exit: instances were not closed", live, memory.Made())
	}
	ms := func(d time.Duration) time.Duration { return d.Round(time.Millisecond) }
	t.Logf("timing of %s: load %s, %d version(s) %s, status during the first run %s, status %s, completion %s, exit %s, total %s", tc.name,
		ms(loaded), versions, ms(diagnosed), ms(duringRun), ms(statusTime), ms(completionTime), ms(exited), ms(time.Since(start)))
}

// waitDiagnostics waits for the diagnostics of version of uri and returns
// them formatted.
func waitDiagnostics(c *client, uri string, version int) []string {
	c.t.Helper()
	var params struct {
		URI         string          `json:"uri"`
		Version     *int            `json:"version"`
		Diagnostics []lspDiagnostic `json:"diagnostics"`
	}
	c.waitFor(fmt.Sprintf("diagnostics of version %d", version), func() bool {
		for i := len(c.notes) - 1; i >= 0; i-- {
			m := c.notes[i]
			if m.Method != "textDocument/publishDiagnostics" {
				continue
			}
			params.Version = nil
			if err := json.Unmarshal(m.Params, &params); err != nil {
				c.t.Fatalf("publishDiagnostics %s: %v", m.Params, err)
			}
			if params.URI == uri {
				return params.Version != nil && *params.Version == version
			}
		}
		return false
	})
	if params.Diagnostics == nil {
		c.t.Errorf("diagnostics of version %d: null, want a list", version)
	}
	var out []string
	for _, d := range params.Diagnostics {
		r := d.Range
		s := fmt.Sprintf("%d:%d-%d:%d %s %s: %s", r.Start.Line, r.Start.Character, r.End.Line, r.End.Character, severities[d.Severity], d.Source, d.Message)
		if d.Code != nil {
			s += fmt.Sprintf(" (code %v)", d.Code)
		}
		out = append(out, s)
	}
	return out
}

// timed runs f and returns how long it took, failing the test if it took
// more than hangBound: f is a request the server must answer.
func timed(t *testing.T, what string, f func()) time.Duration {
	t.Helper()
	start := time.Now()
	f()
	d := time.Since(start)
	if d > hangBound {
		t.Errorf("%s answered after %s, want an answer within %s", what, d, hangBound)
	}
	return d
}

// checkShown checks that exactly one window/showMessage was sent, an error
// containing every one of want.
func checkShown(t *testing.T, shown []message, when string, want []string) {
	t.Helper()
	if len(shown) != 1 {
		t.Errorf("%s: window/showMessage %s, want exactly one", when, showMessages(shown))
		return
	}
	var p struct {
		Type    int    `json:"type"`
		Message string `json:"message"`
	}
	json.Unmarshal(shown[0].Params, &p)
	if p.Type != 1 {
		t.Errorf("%s: window/showMessage of type %d, want 1 (error)", when, p.Type)
	}
	for _, w := range want {
		if !strings.Contains(p.Message, w) {
			t.Errorf("%s: window/showMessage = %.300q, want it to contain %q", when, p.Message, w)
		}
	}
}

func showMessages(ms []message) string {
	var out []string
	for _, m := range ms {
		out = append(out, string(m.Params))
	}
	return "[" + strings.Join(out, ", ") + "]"
}

// checkLogMessages checks the window/logMessage notifications against
// tc.logMessages.
func checkLogMessages(t *testing.T, notes []message, tc hostileCase) {
	t.Helper()
	type logMessage struct {
		Type    int    `json:"type"`
		Message string `json:"message"`
	}
	var got []logMessage
	for _, m := range notes {
		var p logMessage
		if err := json.Unmarshal(m.Params, &p); err != nil {
			t.Errorf("window/logMessage %s: %v", m.Params, err)
		}
		got = append(got, p)
	}
	for _, w := range tc.logMessages {
		if !slices.ContainsFunc(got, func(m logMessage) bool { return m.Type == w.typ && strings.Contains(m.Message, w.text) }) {
			t.Errorf("window/logMessage %+v, want one of type %d containing %q", got, w.typ, w.text)
		}
	}
	if tc.onlyLogMessages {
		for _, m := range got {
			if strings.HasPrefix(m.Message, "["+hostileName+"] ") && !slices.ContainsFunc(tc.logMessages, func(w logMessageWant) bool {
				return m.Type == w.typ && strings.Contains(m.Message, w.text)
			}) {
				t.Errorf("window/logMessage %+v from %s, want only %+v", m, hostileName, tc.logMessages)
			}
		}
	}
}

// checkLog checks that the server log, JSON records one a line, holds a
// record for each of want.
func checkLog(t *testing.T, log string, want []logWant) {
	t.Helper()
	type record struct {
		Msg       string `json:"msg"`
		Extension string `json:"extension"`
		Err       string `json:"err"`
	}
	var records []record
	sc := bufio.NewScanner(strings.NewReader(log))
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		var r record
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Errorf("log line %q: %v", sc.Text(), err)
		}
		records = append(records, r)
	}
	for _, w := range want {
		found := slices.ContainsFunc(records, func(r record) bool {
			if r.Msg != w.msg || r.Extension != w.extension {
				return false
			}
			for _, s := range w.errHas {
				if !strings.Contains(r.Err, s) {
					return false
				}
			}
			return true
		})
		if !found {
			t.Errorf("server log has no record msg=%q extension=%q with err containing %q", w.msg, w.extension, w.errHas)
		}
	}
}

// checkFramesUTF8 checks that every message the server sent is valid UTF-8,
// whatever the extensions returned or logged.
func checkFramesUTF8(t *testing.T, c *client) {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, m := range c.notes {
		if !utf8.Valid(m.Params) {
			t.Errorf("%s with invalid UTF-8: %q", m.Method, m.Params)
		}
	}
	for id, raw := range c.replies {
		if !utf8.Valid(raw) {
			t.Errorf("reply to %s with invalid UTF-8: %q", id, raw)
		}
	}
}

// pollUntil reports whether cond became true within d.
func pollUntil(d time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(d)
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// sessionGoroutines returns the stacks of the goroutines labelled with
// session, "" if there are none.
func sessionGoroutines(session string) string {
	var b bytes.Buffer
	pprof.Lookup("goroutine").WriteTo(&b, 1)
	needle := fmt.Sprintf("# labels: {%q:%q}", sessionLabel, session)
	var out []string
	for _, rec := range strings.Split(b.String(), "\n\n") {
		if strings.Contains(rec, needle) {
			out = append(out, rec)
		}
	}
	return strings.Join(out, "\n\n")
}

func allGoroutines() string {
	var b bytes.Buffer
	pprof.Lookup("goroutine").WriteTo(&b, 1)
	return b.String()
}

// lockedBuffer is a bytes.Buffer safe for a logger's concurrent writes.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
