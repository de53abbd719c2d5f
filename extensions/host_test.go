package extensions

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/tetratelabs/wazero/sys"

	"github.com/lsphost/lsphost/abi"
	"github.com/lsphost/lsphost/internal/wasmbuild"
)

// sizedText is a text of n bytes of 'x' that is never built in full unless
// the host copies it.
type sizedText int

func (n sizedText) Len() int { return int(n) }
func (n sizedText) CopyTo(dst []byte) int {
	m := min(len(dst), int(n))
	for i := range m {
		dst[i] = 'x'
	}
	return m
}

// testContext bounds a test's calls, so that a host that blocks fails the
// test instead of hanging it.
func testContext(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func doc(s string) Document {
	return Document{URI: "file:///w/a.txt", LanguageID: "plaintext", Version: 1, Text: StringText(s)}
}

// newHost returns a Host that shares the tests' compilation cache, closed
// when the test ends.
func newHost(t testing.TB, opts Options) *Host {
	t.Helper()
	opts.CacheDir = filepath.Join(wasmbuild.CacheDir(), "compiled")
	h := NewHost(opts)
	t.Cleanup(func() { h.Close(context.Background()) })
	return h
}

// testSpec is the spec ParseConfig would give for name and wasm, with a
// timeout generous enough for a loaded machine and the race detector.
func testSpec(name, wasm string) Spec {
	return Spec{Name: name, Wasm: wasm, Enabled: true, Timeout: 10 * time.Second, Memory: DefaultMemory}
}

// load loads spec on h, failing the test if it cannot, and closes the
// extension when the test ends.
func load(t testing.TB, h *Host, spec Spec) *Extension {
	t.Helper()
	ext, err := h.Load(context.Background(), spec)
	if err != nil {
		t.Fatalf("Load(%s) = %v", spec.Wasm, err)
	}
	t.Cleanup(func() { ext.Close(context.Background()) })
	return ext
}

// messages returns the messages of diags, for short comparisons.
func messages(diags []abi.Diagnostic) []string {
	out := []string{}
	for _, d := range diags {
		out = append(out, d.Message)
	}
	return out
}

// logRecorder collects what reaches Options.OnLog.
type logRecorder struct {
	mu    sync.Mutex
	lines []logLine
}

type logLine struct {
	ext   string
	level abi.LogLevel
	msg   string
}

func (r *logRecorder) onLog(ext string, level abi.LogLevel, msg string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lines = append(r.lines, logLine{ext, level, msg})
}

func (r *logRecorder) all() []logLine {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]logLine(nil), r.lines...)
}

// count returns how many lines of ext contain substr.
func (r *logRecorder) count(ext, substr string) int {
	n := 0
	for _, l := range r.all() {
		if l.ext == ext && strings.Contains(l.msg, substr) {
			n++
		}
	}
	return n
}

func TestTodoDiagnostics(t *testing.T) {
	t.Parallel()
	ext := load(t, newHost(t, Options{}), testSpec("todo", wasmbuild.Example(t, "todo")))

	if got, want := ext.Declaration(), (abi.InitializeResult{Name: "todo", Version: "1.0.0", Features: []string{"diagnostics", "hover"}, KeepsText: true}); !reflect.DeepEqual(got, want) {
		t.Errorf("Declaration() = %+v, want %+v", got, want)
	}
	if !ext.Has(abi.FeatureDiagnostics) || ext.Has(abi.FeatureCompletion) {
		t.Errorf("Has(diagnostics), Has(completion) = %v, %v; want true, false", ext.Has(abi.FeatureDiagnostics), ext.Has(abi.FeatureCompletion))
	}
	if ext.Name() != "todo" || ext.Spec().Wasm != wasmbuild.Example(t, "todo") {
		t.Errorf("Name(), Spec().Wasm = %q, %q; want the spec's", ext.Name(), ext.Spec().Wasm)
	}

	tests := []struct {
		text string
		want []abi.Diagnostic
	}{
		{"", []abi.Diagnostic{}},
		{"nothing here\n", []abi.Diagnostic{}},
		{"package a\n// TODO: tests\n", []abi.Diagnostic{
			{Start: 13, End: 17, Severity: abi.SeverityInformation, Message: "TODO: tests"},
		}},
		// Offsets are bytes: "é" and "ü" take two each.
		{"été ü // FIXME: naming\nTODO", []abi.Diagnostic{
			{Start: 12, End: 17, Severity: abi.SeverityWarning, Message: "FIXME: naming"},
			{Start: 26, End: 30, Severity: abi.SeverityInformation, Message: "TODO"},
		}},
	}
	for _, tt := range tests {
		got, err := ext.Diagnostics(testContext(t), doc(tt.text))
		if err != nil {
			t.Errorf("Diagnostics(%q) error = %v", tt.text, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Diagnostics(%q) = %+v, want %+v", tt.text, got, tt.want)
		}
	}
}

func TestSettingsReachTheExtension(t *testing.T) {
	t.Parallel()
	h := newHost(t, Options{})
	spec := testSpec("todo", wasmbuild.Example(t, "todo"))
	spec.Settings = json.RawMessage(`{"keywords":["HACK"]}`)
	ext := load(t, h, spec)
	got, err := ext.Diagnostics(testContext(t), doc("TODO a\nHACK b\n"))
	if want := []string{"HACK b"}; err != nil || !reflect.DeepEqual(messages(got), want) {
		t.Errorf("Diagnostics with keywords [HACK] = %q, %v; want %q", messages(got), err, want)
	}

	// Settings the extension refuses fail the load with its own message.
	spec.Settings = json.RawMessage(`{"keyword":["HACK"]}`)
	ext, err = h.Load(context.Background(), spec)
	if err == nil {
		ext.Close(context.Background())
		t.Fatalf("Load with settings %s succeeded, want the extension's refusal", spec.Settings)
	}
	for _, want := range []string{"initialize", `unknown setting "keyword"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Load with settings %s = %q, want it to contain %q", spec.Settings, err, want)
		}
	}
}

func TestWordsCompletion(t *testing.T) {
	t.Parallel()
	ext := load(t, newHost(t, Options{}), testSpec("words", wasmbuild.Example(t, "words")))
	if got, want := ext.Declaration().Features, []string{"completion", "completionResolve", "hover", "prepare"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Declaration().Features = %q, want %q", got, want)
	}
	tests := []struct {
		text   string
		offset int
		want   []string
	}{
		{"apple apricot banana ap", 23, []string{"apple", "apricot"}},
		{"apple apricot banana ap", 0, []string{"apricot", "banana"}}, // the cursor is in apple
		{"cherry banana b", 15, []string{"banana"}},
		{"préface prélude pré", len("préface prélude pré"), []string{"préface", "prélude"}},
		{"nothing x", 8, []string{"nothing"}},
		{"nothing x", 9, nil},
	}
	for _, tt := range tests {
		res, err := ext.Completion(testContext(t), doc(tt.text), tt.offset, "")
		if err != nil {
			t.Errorf("Completion(%q, %d) error = %v", tt.text, tt.offset, err)
			continue
		}
		var got []string
		for _, it := range res.Items {
			if it.Kind != abi.KindText {
				t.Errorf("Completion(%q, %d) item %+v, want kind Text", tt.text, tt.offset, it)
			}
			got = append(got, it.Label)
		}
		if !reflect.DeepEqual(got, tt.want) || res.IsIncomplete {
			t.Errorf("Completion(%q, %d) = %q (incomplete %v), want %q", tt.text, tt.offset, got, res.IsIncomplete, tt.want)
		}
	}

	// A method the extension does not implement is its own error, not a
	// failure of the extension.
	for range maxFailures + 1 {
		_, err := ext.Diagnostics(testContext(t), doc("x"))
		var ge *GuestError
		if !errors.As(err, &ge) || !strings.Contains(ge.Message, "not implemented") {
			t.Fatalf("Diagnostics on a completion-only extension = %v, want a *GuestError saying not implemented", err)
		}
	}
	if ext.Disabled() {
		t.Errorf("Disabled() = true after error responses, want false: they are answers, not failures")
	}
}

func TestAccepts(t *testing.T) {
	tests := []struct {
		name      string
		languages []string // spec
		declared  []string // by the extension
		files     []string
		lang, rel string
		want      bool
	}{
		{"no restriction", nil, nil, nil, "go", "a.go", true},
		{"no restriction, outside workspace", nil, nil, nil, "go", "", true},
		{"declared language", nil, []string{"go"}, nil, "go", "a.go", true},
		{"other than declared", nil, []string{"go"}, nil, "markdown", "a.md", false},
		{"configured overrides declared", []string{"markdown"}, []string{"go"}, nil, "markdown", "a.md", true},
		{"configured excludes declared", []string{"markdown"}, []string{"go"}, nil, "go", "a.go", false},
		{"empty configured list accepts all", []string{}, []string{"go"}, nil, "c", "a.c", true},
		{"files glob matches", nil, nil, []string{"docs/**/*.md"}, "markdown", "docs/x/a.md", true},
		{"files glob does not match", nil, nil, []string{"docs/**/*.md"}, "markdown", "other/docs/a.md", false},
		{"any glob matches", nil, nil, []string{"*.go", "docs/**"}, "markdown", "docs/a.md", true},
		{"files and outside workspace", nil, nil, []string{"**"}, "go", "", false},
		{"files and language both needed", []string{"go"}, nil, []string{"**/*.go"}, "markdown", "a.go", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := &Extension{spec: Spec{Name: "x", Languages: tt.languages, Files: tt.files}, decl: abi.InitializeResult{Languages: tt.declared}}
			if got := e.Accepts(tt.lang, tt.rel); got != tt.want {
				t.Errorf("Accepts(%q, %q) with languages %q, declared %q, files %q = %v, want %v",
					tt.lang, tt.rel, tt.languages, tt.declared, tt.files, got, tt.want)
			}
		})
	}
}

// TestAcceptsDeclaredLanguages checks Accepts against what a real extension
// declares: the panic guest declares plaintext and markdown. TestAccepts
// covers how the configuration overrides it.
func TestAcceptsDeclaredLanguages(t *testing.T) {
	t.Parallel()
	ext := load(t, newHost(t, Options{}), testSpec("panic", wasmbuild.Build(t, "testdata/guests/panic")))
	if got, want := ext.Declaration().Languages, []string{"plaintext", "markdown"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("Declaration().Languages = %q, want %q", got, want)
	}
	for _, tt := range []struct {
		lang string
		want bool
	}{{"plaintext", true}, {"markdown", true}, {"go", false}} {
		if got := ext.Accepts(tt.lang, "a"); got != tt.want {
			t.Errorf("Accepts(%q, %q) = %v, want %v (declared languages)", tt.lang, "a", got, tt.want)
		}
	}
}

func TestLoadErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	todo := wasmbuild.Example(t, "todo")
	todoBytes, err := os.ReadFile(todo)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(todoBytes)
	digest := hex.EncodeToString(sum[:])
	wrongPin := strings.Repeat("0", 64)

	tests := []struct {
		name string
		spec func() Spec
		want []string // substrings a user needs
		not  []string // substrings that would mislead
	}{
		{"missing file", func() Spec { return testSpec("x", filepath.Join(dir, "absent.wasm")) },
			[]string{filepath.Join(dir, "absent.wasm"), "not found"}, nil},
		{"not wasm", func() Spec { return testSpec("x", write("text.wasm", []byte("hello, I am not WebAssembly\n"))) },
			[]string{"compile", "text.wasm", "magic number"}, nil},
		{"empty file", func() Spec { return testSpec("x", write("empty.wasm", nil)) },
			[]string{"compile", "empty.wasm"}, nil},
		{"truncated module", func() Spec { return testSpec("x", write("half.wasm", todoBytes[:len(todoBytes)/2])) },
			[]string{"compile", "half.wasm"}, nil},
		{"sha256 mismatch", func() Spec { s := testSpec("x", todo); s.SHA256 = wrongPin; return s },
			[]string{todo, "sha256", digest, wrongPin}, nil},
		{"no exports", func() Spec { return testSpec("x", wasmbuild.Build(t, "testdata/guests/noexports")) },
			[]string{"not an lsphost extension", `missing export "lsphost_abi_version"`, `missing export "lsphost_alloc"`, `missing export "lsphost_call"`}, nil},
		{"wrong signatures", func() Spec { return testSpec("x", wasmbuild.Build(t, "testdata/guests/badsig")) },
			[]string{"not an lsphost extension",
				`export "lsphost_alloc" has signature (i64) -> (i64), want (i32) -> (i32)`,
				`export "lsphost_call" has signature (i32) -> (i32), want (i32, i32, i32) -> (i64)`},
			[]string{"lsphost_abi_version", `"memory"`}},
		{"wrong ABI version", func() Spec { return testSpec("x", wasmbuild.Build(t, "testdata/guests/badabi")) },
			[]string{"ABI version 2", "version 1"}, nil},
		{"memory below the module's minimum", func() Spec { s := testSpec("x", todo); s.Memory = 64 << 10; return s },
			[]string{"compile", "memory", "limit"}, nil},
		// Above the module's declared minimum (44 pages today) but below
		// what the Go runtime needs to start (52): the guest dies in
		// _initialize, and the user must learn that memory is what to raise.
		{"memory too small to start", func() Spec { s := testSpec("x", todo); s.Memory = 3 << 20; return s },
			[]string{"memory"}, nil},
	}
	h := newHost(t, Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := tt.spec()
			ext, err := h.Load(context.Background(), spec)
			if err == nil {
				ext.Close(context.Background())
				t.Fatalf("Load(%s) succeeded, want an error", spec.Wasm)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Load(%s) = %q, want it to contain %q", filepath.Base(spec.Wasm), err, w)
				}
			}
			for _, w := range tt.not {
				if strings.Contains(err.Error(), w) {
					t.Errorf("Load(%s) = %q, want no mention of %q", filepath.Base(spec.Wasm), err, w)
				}
			}
		})
	}

	t.Run("matching sha256 pin", func(t *testing.T) {
		spec := testSpec("todo", todo)
		spec.SHA256 = digest
		load(t, h, spec)
	})
}

// TestTimeoutDisables runs the loop guest, which spins in every handler.
func TestTimeoutDisables(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var disabled []string
	var disableErr error
	h := newHost(t, Options{OnDisable: func(ext string, err error, _ time.Duration) {
		mu.Lock()
		defer mu.Unlock()
		disabled = append(disabled, ext)
		disableErr = err
	}})
	spec := testSpec("loop", wasmbuild.Build(t, "testdata/guests/loop"))
	spec.Timeout = 50 * time.Millisecond
	ext := load(t, h, spec)

	for i := 1; i <= maxFailures; i++ {
		start := time.Now()
		_, err := ext.Diagnostics(testContext(t), doc("x"))
		elapsed := time.Since(start)
		if !errors.Is(err, ErrTimeout) {
			t.Fatalf("call %d: Diagnostics = %v, want an error wrapping ErrTimeout", i, err)
		}
		if !strings.Contains(err.Error(), "loop") || !strings.Contains(err.Error(), "50ms") {
			t.Errorf("call %d: Diagnostics = %q, want it to name the extension and its timeout", i, err)
		}
		// A new instance is started before the call (5-12 ms, more under
		// the race detector); the deadline covers the call only.
		if elapsed < spec.Timeout || elapsed > 5*time.Second {
			t.Errorf("call %d: Diagnostics returned after %s, want between %s and 5s", i, elapsed, spec.Timeout)
		}
		if got, want := ext.Disabled(), i == maxFailures; got != want {
			t.Errorf("after %d failures Disabled() = %v, want %v", i, got, want)
		}
	}
	mu.Lock()
	if !reflect.DeepEqual(disabled, []string{"loop"}) || !errors.Is(disableErr, ErrTimeout) {
		t.Errorf("OnDisable calls = %q with %v, want one for \"loop\" with the last error", disabled, disableErr)
	}
	mu.Unlock()

	// Switched off: calls fail at once, without running the guest.
	// (Running the loop guest would end in ErrTimeout.)
	for range 3 {
		_, err := ext.Diagnostics(testContext(t), doc("x"))
		if !errors.Is(err, ErrDisabled) || errors.Is(err, ErrTimeout) {
			t.Errorf("Diagnostics after switch-off = %v, want ErrDisabled without running the guest", err)
		}
		_, err = ext.Completion(testContext(t), doc("x"), 0, "")
		if !errors.Is(err, ErrDisabled) {
			t.Errorf("Completion after switch-off = %v, want ErrDisabled", err)
		}
	}
	mu.Lock()
	if len(disabled) != 1 {
		t.Errorf("OnDisable called %d times, want once", len(disabled))
	}
	mu.Unlock()
}

func TestGuestPanicKeepsInstance(t *testing.T) {
	t.Parallel()
	logs := &logRecorder{}
	h := newHost(t, Options{OnLog: logs.onLog})
	ext := load(t, h, testSpec("panic", wasmbuild.Build(t, "testdata/guests/panic")))

	diag := func(s string) ([]string, error) {
		t.Helper()
		got, err := ext.Diagnostics(testContext(t), doc(s))
		return messages(got), err
	}
	if got, err := diag("fine"); err != nil || !reflect.DeepEqual(got, []string{"call 1"}) {
		t.Fatalf("Diagnostics(fine) = %q, %v; want [call 1]", got, err)
	}
	for i := range maxFailures + 1 {
		_, err := diag("please panic")
		var ge *GuestError
		if !errors.As(err, &ge) || !strings.Contains(ge.Message, "asked to panic") {
			t.Fatalf("Diagnostics(panic) #%d = %v, want a *GuestError with the panic's text", i+1, err)
		}
	}
	// The same instance answers: its call counter went on.
	if got, err := diag("fine"); err != nil || !reflect.DeepEqual(got, []string{fmt.Sprintf("call %d", maxFailures+3)}) {
		t.Errorf("Diagnostics(fine) after panics = %q, %v; want [call %d] from the same instance", got, err, maxFailures+3)
	}
	if ext.Disabled() {
		t.Errorf("Disabled() = true after recovered panics, want false")
	}
	// The SDK logs the panic with its stack at error level.
	found := false
	for _, l := range logs.all() {
		if l.ext == "panic" && l.level == abi.LogError && strings.Contains(l.msg, "asked to panic") && strings.Contains(l.msg, "goroutine") {
			found = true
		}
	}
	if !found {
		t.Errorf("logs = %q, want an error-level line with the panic and its stack", logs.all())
	}
}

func TestGuestCrashReplacesInstance(t *testing.T) {
	t.Parallel()
	wasm := wasmbuild.Build(t, "testdata/guests/crash")
	tests := []struct {
		name, text string
		check      func(t *testing.T, err error, logs *logRecorder)
	}{
		{"os.Exit", "crash-exit", func(t *testing.T, err error, _ *logRecorder) {
			var exit *sys.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != 3 {
				t.Errorf("Diagnostics(crash-exit) = %v, want an error wrapping exit code 3", err)
			}
		}},
		{"out of memory", "crash-oom", func(t *testing.T, err error, logs *logRecorder) {
			// The Go runtime says why on stderr, which reaches the log.
			if logs.count("crash", "out of memory") == 0 {
				t.Errorf("logs = %q, want the guest's out-of-memory report", logs.all())
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logs := &logRecorder{}
			spec := testSpec("crash", wasm)
			spec.Memory = 32 << 20
			ext := load(t, newHost(t, Options{OnLog: logs.onLog}), spec)
			diag := func(s string) ([]string, error) {
				t.Helper()
				got, err := ext.Diagnostics(testContext(t), doc(s))
				return messages(got), err
			}
			if got, err := diag("fine"); err != nil || !reflect.DeepEqual(got, []string{"call 1"}) {
				t.Fatalf("Diagnostics(fine) = %q, %v; want [call 1]", got, err)
			}
			if got, err := diag("fine"); err != nil || !reflect.DeepEqual(got, []string{"call 2"}) {
				t.Fatalf("Diagnostics(fine) = %q, %v; want [call 2]", got, err)
			}
			_, err := diag(tt.text)
			var ge *GuestError
			if err == nil || errors.As(err, &ge) || errors.Is(err, ErrTimeout) {
				t.Fatalf("Diagnostics(%s) = %v, want a failure that is neither the guest's error nor a timeout", tt.text, err)
			}
			if !strings.Contains(err.Error(), "extension crash: diagnostics: ") {
				t.Errorf("Diagnostics(%s) = %q, want it to name the extension and the method", tt.text, err)
			}
			tt.check(t, err, logs)
			// A fresh instance answers: its call counter starts again.
			if got, err := diag("fine"); err != nil || !reflect.DeepEqual(got, []string{"call 1"}) {
				t.Errorf("Diagnostics(fine) after the crash = %q, %v; want [call 1] from a new instance", got, err)
			}
			if ext.Disabled() {
				t.Errorf("Disabled() = true after one crash, want false")
			}
		})
	}
}

// TestCrashesAreCountedConsecutively checks that only consecutive failures
// switch an extension off, that every crash frees its instance's place in
// the pool, and that a switched-off extension does not run the guest.
func TestCrashesAreCountedConsecutively(t *testing.T) {
	t.Parallel()
	logs := &logRecorder{}
	var disables int
	var mu sync.Mutex
	h := newHost(t, Options{OnLog: logs.onLog, OnDisable: func(string, error, time.Duration) { mu.Lock(); disables++; mu.Unlock() }})
	ext := load(t, h, testSpec("crash", wasmbuild.Build(t, "testdata/guests/crash")))

	// More crashes than the pool has places: a leaked place would block.
	ctx := testContext(t)
	for i := range 2 * maxInstances {
		for range maxFailures - 1 {
			if _, err := ext.Diagnostics(ctx, doc("crash-exit")); err == nil {
				t.Fatalf("round %d: Diagnostics(crash-exit) succeeded", i)
			}
		}
		if _, err := ext.Diagnostics(ctx, doc("fine")); err != nil {
			t.Fatalf("round %d: Diagnostics(fine) after %d crashes = %v", i, maxFailures-1, err)
		}
	}
	if ext.Disabled() {
		t.Fatalf("Disabled() = true, want false: no %d crashes in a row", maxFailures)
	}
	for range maxFailures {
		ext.Diagnostics(ctx, doc("crash-exit"))
	}
	if !ext.Disabled() {
		t.Fatalf("Disabled() = false after %d crashes in a row, want true", maxFailures)
	}
	ran := logs.count("crash", "diagnostics")
	if _, err := ext.Diagnostics(ctx, doc("fine")); !errors.Is(err, ErrDisabled) {
		t.Errorf("Diagnostics after switch-off = %v, want ErrDisabled", err)
	}
	if now := logs.count("crash", "diagnostics"); now != ran {
		t.Errorf("the guest ran %d more times after the switch-off, want 0", now-ran)
	}
	mu.Lock()
	if disables != 1 {
		t.Errorf("OnDisable called %d times, want once", disables)
	}
	mu.Unlock()
}

// TestCallerCancellationIsNotAFailure cancels calls that wait for a busy
// instance: the caller gave up, the extension did nothing wrong.
func TestCallerCancellationIsNotAFailure(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var disables int
	h := newHost(t, Options{OnDisable: func(string, error, time.Duration) { mu.Lock(); disables++; mu.Unlock() }})
	ext := load(t, h, testSpec("todo", wasmbuild.Example(t, "todo")))

	// Make every instance busy, as running calls would.
	for range ext.pool.size {
		<-ext.pool.tokens
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for i := range maxFailures + 1 {
		_, err := ext.Diagnostics(ctx, doc("TODO"))
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("call %d: Diagnostics with a cancelled context = %v, want context.Canceled", i+1, err)
		}
	}
	if ext.Disabled() {
		t.Errorf("Disabled() = true after %d cancelled waits, want false", maxFailures+1)
	}
	mu.Lock()
	if disables != 0 {
		t.Errorf("OnDisable called %d times, want never", disables)
	}
	mu.Unlock()

	for range ext.pool.size {
		ext.pool.tokens <- struct{}{}
	}
	if got, err := ext.Diagnostics(testContext(t), doc("TODO")); err != nil || len(got) != 1 {
		t.Errorf("Diagnostics once an instance is free = %+v, %v; want one diagnostic", got, err)
	}
}

// TestOversizedDocument sends a document over the input limit: the host
// refuses to send it, and the extension, which never saw it, is not blamed.
func TestOversizedDocument(t *testing.T) {
	t.Parallel()
	ext := load(t, newHost(t, Options{}), testSpec("todo", wasmbuild.Example(t, "todo")))
	big := Document{URI: "file:///w/big.log", LanguageID: "log", Text: sizedText(maxInput + 1)}
	for i := range maxFailures + 1 {
		_, err := ext.Diagnostics(testContext(t), big)
		if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("> %d", maxInput)) {
			t.Fatalf("call %d: Diagnostics(%d bytes) = %v, want the size limit named", i+1, maxInput+1, err)
		}
	}
	if ext.Disabled() {
		t.Errorf("Disabled() = true after refusing %d oversized documents, want false: the extension never ran", maxFailures+1)
	}
	if got, err := ext.Diagnostics(testContext(t), doc("TODO")); err != nil || len(got) != 1 {
		t.Errorf("Diagnostics(TODO) after oversized documents = %+v, %v; want one diagnostic", got, err)
	}
}

func TestHostileOutput(t *testing.T) {
	t.Parallel()
	ext := load(t, newHost(t, Options{}), testSpec("badoutput", wasmbuild.Build(t, "testdata/guests/badoutput")))
	ctx := testContext(t)

	for _, tc := range ext.Declaration().TriggerCharacters {
		if utf8.RuneCountInString(tc) != 1 {
			t.Errorf("Declaration().TriggerCharacters = %q, want only single characters", ext.Declaration().TriggerCharacters)
		}
	}

	// healthy checks that the extension still answers correctly, which
	// also resets its count of consecutive failures.
	healthy := func(t *testing.T) {
		t.Helper()
		got, err := ext.Diagnostics(ctx, doc("ok"))
		want := []abi.Diagnostic{{Start: 0, End: 1, Severity: abi.SeverityWarning, Message: "ok"}}
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("Diagnostics(ok) = %+v, %v; want %+v", got, err, want)
		}
	}

	failures := []struct {
		name, text string // the text tells the guest what to do
		want       string // substring of the error
	}{
		{"pointer outside memory", "ptr-outside", "outside memory"},
		{"pointer and length wrap around", "ptr-wraps", "outside memory"},
		{"length past the end of memory", "len-outside", "outside memory"},
		{"length over the limit", "len-over-limit", "response of 16777217 bytes > 16777216"},
		{"zero", "zero", "protocol failure"},
		{"invalid JSON", "invalid-json", "invalid response"},
		{"neither result nor error", "neither", `neither "result" nor "error"`},
		{"null", "null", `neither "result" nor "error"`},
		{"result of the wrong shape", "wrong-shape", "invalid diagnostics result"},
		// The guest's lsphost_alloc misbehaves for inputs of 1 MiB or more.
		{"alloc outside memory", strings.Repeat("a", 3<<19), "returned 0xffffff00, outside memory"},
		{"alloc fails", strings.Repeat("a", 5<<19), "returned 0"},
	}
	for _, tt := range failures {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ext.Diagnostics(ctx, doc(tt.text))
			var ge *GuestError
			if err == nil || errors.As(err, &ge) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Diagnostics(%.20q) = %+v, %v; want a failure containing %q", tt.text, got, err, tt.want)
			}
			healthy(t)
		})
	}

	t.Run("long error message", func(t *testing.T) {
		_, err := ext.Diagnostics(ctx, doc("long-error"))
		var ge *GuestError
		if !errors.As(err, &ge) {
			t.Fatalf("Diagnostics(long-error) = %v, want a *GuestError", err)
		}
		if !utf8.ValidString(ge.Message) || len(ge.Message) > maxStringBytes+len("…") || !strings.HasPrefix(ge.Message, "eeee") {
			t.Errorf("GuestError message of %d bytes (valid UTF-8: %v), want at most %d bytes of valid UTF-8",
				len(ge.Message), utf8.ValidString(ge.Message), maxStringBytes+len("…"))
		}
	})

	sanitized := []struct {
		mode string
		want []abi.Diagnostic
	}{
		{"bad-ranges", []abi.Diagnostic{ // the text is 10 bytes
			{Start: 0, End: 3, Severity: abi.SeverityError, Message: "negative start"},
			{Start: 2, End: 10, Severity: abi.SeverityError, Message: "end past the text"},
			{Start: 6, End: 6, Severity: abi.SeverityError, Message: "end before start"},
			{Start: 10, End: 10, Severity: abi.SeverityHint, Message: "past the text"},
		}},
		{"bad-utf8", []abi.Diagnostic{{Start: 0, End: 1, Severity: abi.SeverityError, Message: "bad \uFFFD\uFFFD end", Code: "c\uFFFD"}}},
	}
	for _, tt := range sanitized {
		t.Run(tt.mode, func(t *testing.T) {
			got, err := ext.Diagnostics(ctx, doc(tt.mode))
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Diagnostics(%s) = %+v, %v; want %+v", tt.mode, got, err, tt.want)
			}
		})
	}

	t.Run("many", func(t *testing.T) {
		got, err := ext.Diagnostics(ctx, doc("many"))
		if err != nil || len(got) != maxItems || got[0].Message != "d0" || got[maxItems-1].Message != fmt.Sprintf("d%d", maxItems-1) {
			t.Errorf("Diagnostics(many) = %d diagnostics, %v; want the first %d of 20000", len(got), err, maxItems)
		}
	})

	t.Run("long strings", func(t *testing.T) {
		got, err := ext.Diagnostics(ctx, doc("long-strings"))
		if err != nil || len(got) != 1 {
			t.Fatalf("Diagnostics(long-strings) = %d diagnostics, %v; want 1", len(got), err)
		}
		if want := strings.Repeat("x", maxStringBytes) + "…"; got[0].Message != want {
			t.Errorf("Diagnostics(long-strings) message of %d bytes, want %d x's and …", len(got[0].Message), maxStringBytes)
		}
		if c := got[0].Code; !utf8.ValidString(c) || len(c) > maxStringBytes+len("…") || !strings.HasPrefix(c, "€€€") {
			t.Errorf("Diagnostics(long-strings) code of %d bytes (valid UTF-8: %v), want at most %d bytes cut between characters",
				len(c), utf8.ValidString(c), maxStringBytes+len("…"))
		}
	})

	t.Run("completion many", func(t *testing.T) {
		res, err := ext.Completion(ctx, doc("many"), 0, "")
		if err != nil || len(res.Items) != maxItems || !res.IsIncomplete {
			t.Errorf("Completion(many) = %d items (incomplete %v), %v; want %d, incomplete", len(res.Items), res.IsIncomplete, err, maxItems)
		}
	})

	t.Run("completion sanitized", func(t *testing.T) {
		res, err := ext.Completion(ctx, doc("sanitize"), 3, "")
		if err != nil {
			t.Fatalf("Completion(sanitize) = %v", err)
		}
		want := []abi.CompletionItem{
			{Label: "kind"},
			{Label: "snippet", Kind: 25, InsertTextFormat: abi.Snippet, InsertText: "f($1)"},
			{Label: "edit", Edit: &abi.TextEdit{Start: 0, End: len("sanitize"), NewText: "x"}},
			{Label: strings.Repeat("l", maxStringBytes) + "…"},
		}
		if !reflect.DeepEqual(res.Items, want) {
			t.Errorf("Completion(sanitize) =\n%.300v\nwant\n%.300v", res.Items, want)
		}
	})

	if ext.Disabled() {
		t.Errorf("Disabled() = true, want false: no two failures in this test are consecutive")
	}
}

func TestConcurrentDiagnostics(t *testing.T) {
	t.Parallel()
	ext := load(t, newHost(t, Options{}), testSpec("todo", wasmbuild.Example(t, "todo")))
	const goroutines, calls = 8, 50
	ctx := testContext(t)
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range calls {
				// Each call's answer depends on its own text, so answers
				// crossing between calls would show.
				s := fmt.Sprintf("%s// TODO %d-%d\n", strings.Repeat("x", g+i), g, i)
				got, err := ext.Diagnostics(ctx, doc(s))
				want := []abi.Diagnostic{{Start: g + i + 3, End: g + i + 7, Severity: abi.SeverityInformation, Message: fmt.Sprintf("TODO %d-%d", g, i)}}
				if err != nil || !reflect.DeepEqual(got, want) {
					t.Errorf("goroutine %d call %d: Diagnostics(%q) = %+v, %v; want %+v", g, i, s, got, err, want)
					return
				}
			}
		}()
	}
	wg.Wait()
	// Every instance started went back to the pool.
	if live, idle := ext.pool.counts(); live != idle || live < 1 {
		t.Errorf("after the calls: %d live instances, %d idle; want all idle", live, idle)
	}
}

func TestLogs(t *testing.T) {
	t.Parallel()
	wasm := wasmbuild.Build(t, "testdata/guests/panic")

	t.Run("OnLog", func(t *testing.T) {
		logs := &logRecorder{}
		ext := load(t, newHost(t, Options{OnLog: logs.onLog}), testSpec("chatty", wasm))
		if _, err := ext.Diagnostics(testContext(t), doc("log")); err != nil {
			t.Fatal(err)
		}
		want := map[logLine]bool{
			{"chatty", abi.LogDebug, "via the log import, call 1"}: true,
			{"chatty", abi.LogInfo, "via stdout"}:                  true,
			{"chatty", abi.LogWarning, "via stderr"}:               true,
		}
		got := map[logLine]bool{}
		for _, l := range logs.all() {
			got[l] = true
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("OnLog received %v, want %v", logs.all(), want)
		}
	})

	t.Run("Logger", func(t *testing.T) {
		var buf syncBuffer
		ext := load(t, newHost(t, Options{Logger: slog.New(slog.NewTextHandler(&buf, nil))}), testSpec("chatty", wasm))
		if _, err := ext.Diagnostics(testContext(t), doc("log")); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{`msg="via the log import, call 1" extension=chatty`, `msg="via stdout" extension=chatty`, `msg="via stderr" extension=chatty`} {
			if !strings.Contains(buf.String(), want) {
				t.Errorf("Logger received\n%s\nwant a line containing %s", buf.String(), want)
			}
		}
	})
}

func TestNewHostUnusableCacheDir(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	var buf syncBuffer
	h := NewHost(Options{CacheDir: file, Logger: slog.New(slog.NewTextHandler(&buf, nil))})
	defer h.Close(context.Background())
	if h.cache == nil || !strings.Contains(buf.String(), "compilation cache disabled") {
		t.Errorf("NewHost(CacheDir: a file) logged %q, want a warning and an in-memory cache", buf.String())
	}
}

// syncBuffer is a bytes.Buffer safe for the concurrent writes of a logger.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestReadRequest: a guest in the one-call form gets its request through
// read_request, as often as it asks during lsphost_handle; reading to an
// address outside memory, or at any other time, traps the guest and
// nothing else.
func TestReadRequest(t *testing.T) {
	t.Parallel()
	ext := load(t, newHost(t, Options{}), testSpec("badread", wasmbuild.Build(t, "testdata/guests/badread")))
	ctx := testContext(t)
	answers := func(text, message string) {
		t.Helper()
		got, err := ext.Diagnostics(ctx, doc(text))
		if err != nil || len(got) != 1 || got[0].Message != message {
			t.Fatalf("Diagnostics(%q) = %+v, %v; want one diagnostic %q", text, got, err, message)
		}
	}
	answers("hello", "hello")
	answers("twice", "same")

	_, err := ext.Diagnostics(ctx, doc("oob"))
	if err == nil || !strings.Contains(err.Error(), "read_request(0xffffff00)") || !strings.Contains(err.Error(), "outside memory") {
		t.Errorf("Diagnostics(oob) = %v; want a trap naming read_request and the address outside memory", err)
	}
	answers("hello again", "hello again") // on a new instance

	inst, err := ext.pool.acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer ext.pool.release(inst, false)
	for name, ctx := range map[string]context.Context{"between calls": ext.callerContext(ctx), "without a caller": ctx} {
		func() {
			defer func() {
				if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "read_request called outside lsphost_handle") {
					t.Errorf("read_request %s: recovered %v; want a panic (a trap) saying it was called outside lsphost_handle", name, r)
				}
			}()
			hostReadRequest(ctx, inst.mod, []uint64{0})
		}()
	}
}

// TestDeclarationCache: what an extension declared is cached; a new session
// reads it back, and loading the unchanged extension does not write it again.
func TestDeclarationCache(t *testing.T) {
	dir := t.TempDir()
	spec := testSpec("todo", wasmbuild.Example(t, "todo"))
	first := NewHost(Options{CacheDir: dir})
	defer first.Close(context.Background())
	ext := load(t, first, spec)
	file, _ := first.declarationFile(spec)
	written, err := os.Stat(file)
	if err != nil {
		t.Fatalf("no declaration cached: %v", err)
	}

	second := NewHost(Options{CacheDir: dir})
	defer second.Close(context.Background())
	for range 2 {
		if d, ok := second.CachedDeclaration(spec); !ok || !reflect.DeepEqual(d, ext.Declaration()) {
			t.Fatalf("CachedDeclaration = %+v, %v; want %+v", d, ok, ext.Declaration())
		}
	}
	load(t, second, spec)
	if now, err := os.Stat(file); err != nil || !os.SameFile(now, written) {
		t.Errorf("the declaration file was replaced although the declaration did not change (%v)", err)
	}
}

// TestHostIndex: the SDK's Index in a guest, answered by the host's index
// import, is strings.Index: at the ends of the text, with patterns longer
// than it, empty, repeated or overlapping, and at random. A range outside
// memory traps that call alone.
func TestHostIndex(t *testing.T) {
	t.Parallel()
	ext := load(t, newHost(t, Options{}), testSpec("search", wasmbuild.Build(t, "testdata/guests/search")))
	ctx := testContext(t)
	check := func(text, pattern string) {
		t.Helper()
		got, err := ext.Diagnostics(ctx, doc(pattern+"\x00"+text))
		want := strings.Index(text, pattern)
		switch {
		case err != nil:
			t.Fatalf("Index(%q, %q): %v", text, pattern, err)
		case want < 0 && len(got) != 0, want >= 0 && len(got) != 1:
			t.Fatalf("Index(%q, %q) = %+v; want %d", text, pattern, got, want)
		case want >= 0 && (got[0].Start != len(pattern)+1+want || got[0].End != got[0].Start+len(pattern)):
			t.Fatalf("Index(%q, %q) = [%d, %d); want %d", text, pattern, got[0].Start-len(pattern)-1, got[0].End-len(pattern)-1, want)
		}
	}
	long := strings.Repeat("abcdefgh", 20)
	for _, c := range [][2]string{
		{"", ""}, {"", "a"}, {"a", ""}, {"a", "a"}, {"a", "b"}, {"ab", "abc"}, {"xab", "ab"},
		{long, "x"}, {long + "x", "x"}, {long, "ha"}, {long, "abcdefghi"}, {long, long + "a"},
		{"TODOS TODO", "TODO"}, {"aaaaaaaaab", "aaab"}, {"é TODO", "TODO"}, {"\xff\xfe\x00", "\xfe"},
	} {
		check(c[0], c[1])
	}
	rng := rand.New(rand.NewPCG(1, 2))
	random := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = "ab\n"[rng.IntN(3)]
		}
		return string(b)
	}
	for range 300 {
		text := random(rng.IntN(300))
		pattern := random(1 + rng.IntN(6))
		if rng.IntN(2) == 0 && len(text) > 0 {
			i := rng.IntN(len(text))
			pattern = text[i:min(len(text), i+1+rng.IntN(12))] // one that is there
		}
		check(text, pattern)
	}

	_, err := ext.Diagnostics(ctx, doc("oob"))
	if err == nil || !strings.Contains(err.Error(), "index(0xffffff00, 4096, 0x0, 1): a range outside memory") {
		t.Errorf("Diagnostics(oob) = %v; want a trap naming index and the range outside memory", err)
	}
	check("after the trap", "trap")
}

// TestSearchChunks: the index import's search is bytes.Index across the
// chunks it searches between looks at the deadline (matches across a
// chunk's end, a pattern longer than a chunk), and a passed deadline stops
// a search that has more than a chunk to go.
func TestSearchChunks(t *testing.T) {
	t.Parallel()
	fill := bytes.Repeat([]byte("ab"), 2*searchChunk)
	long := append(bytes.Repeat([]byte("b"), searchChunk+5), 'c')
	for _, c := range []struct {
		name          string
		text, pattern []byte
	}{
		{"across the first chunk's end", slices.Concat(fill[:searchChunk-2], []byte("xyz"), fill), []byte("xyz")},
		{"at the second chunk's start", slices.Concat(fill[:searchChunk], []byte("xyz"), fill), []byte("xyz")},
		{"at the end", slices.Concat(fill, []byte("xyz")), []byte("xyz")},
		{"absent", fill, []byte("xyz")},
		{"empty pattern", fill, nil},
		{"longer than a chunk", slices.Concat(fill[:searchChunk+3], long, fill), long},
		{"longer than a chunk, absent", slices.Concat(fill, []byte("a"), long[1:]), long},
	} {
		if got, want := searchChunks(context.Background(), c.text, c.pattern), bytes.Index(c.text, c.pattern); got != want {
			t.Errorf("%s: searchChunks = %d, want %d", c.name, got, want)
		}
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if got := searchChunks(ctx, slices.Concat([]byte("xyz"), fill), []byte("xyz")); got != 0 {
		t.Errorf("searchChunks found in the first chunk after the deadline = %d, want 0", got)
	}
	defer func() {
		if r := recover(); r != context.Canceled {
			t.Errorf("searchChunks past its deadline with more than a chunk to go: recovered %v, want a panic (a trap) with %v", r, context.Canceled)
		}
	}()
	searchChunks(ctx, fill, []byte("xyz"))
}

// TestReadModuleOnce: a load of a module file that another load is reading
// waits for that read and takes its bytes; one that starts after the read
// ended reads the file again, and sees a change.
func TestReadModuleOnce(t *testing.T) {
	h := NewHost(Options{})
	path := filepath.Join(t.TempDir(), "m.wasm")
	if err := os.WriteFile(path, []byte("first"), 0o644); err != nil {
		t.Fatal(err)
	}
	// A read under way, as the first of two loads leaves it.
	reading := &moduleFile{done: make(chan struct{}), code: []byte("being read")}
	h.reads[path] = reading
	got := make(chan *moduleFile)
	go func() { got <- h.readModule(path) }()
	select {
	case f := <-got:
		t.Fatalf("readModule returned %q while the read under way was not done", f.code)
	case <-time.After(50 * time.Millisecond):
	}
	h.mu.Lock()
	delete(h.reads, path)
	h.mu.Unlock()
	close(reading.done)
	if f := <-got; f != reading {
		t.Fatalf("readModule read %q itself, want the read under way", f.code)
	}
	// Later loads read the file as it is then.
	if f := h.readModule(path); string(f.code) != "first" || f.err != nil {
		t.Fatalf("readModule = %q, %v; want the file", f.code, f.err)
	}
	if err := os.WriteFile(path, []byte("second"), 0o644); err != nil {
		t.Fatal(err)
	}
	if f := h.readModule(path); string(f.code) != "second" || len(h.reads) != 0 {
		t.Fatalf("readModule = %q (%d reads left); want the changed file, none left", f.code, len(h.reads))
	}
}
