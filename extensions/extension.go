package extensions

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/sys"

	"github.com/lsphost/lsphost/abi"
)

// Limits on what crosses the boundary. Everything an extension returns is
// hostile input. See RATIONALE.md ("Why these default limits?").
const (
	maxInstances     = 4
	maxInput         = 64 << 20 // document text; the request JSON is beside it
	maxOutput        = 16 << 20 // response JSON
	maxItems         = 10000    // diagnostics or completion items per call
	maxStringBytes   = 16 << 10 // any one string in a result
	maxLogLine       = 4 << 10
	maxLogLines      = 100              // per extension per second
	maxFailures      = 3                // consecutive failed calls before an extension is switched off
	maxSwitchOffs    = 3                // switch-offs without a success before it stays off
	minSetupDeadline = 10 * time.Second // starting an instance: generous, it only stops a looping _initialize
)

// Errors a call can return besides the extension's own.
var (
	ErrDisabled = errors.New("switched off after repeated failures")
	// ErrClosed is a call to an extension closed meanwhile, e.g. replaced
	// by a reload: not the extension's failure.
	ErrClosed  = errors.New("closed (replaced by a reload)")
	ErrTimeout = errors.New("timed out")
)

// GuestError is an error the extension reported itself. It does not harm the
// instance or count as a failure.
type GuestError struct{ Message string }

func (e *GuestError) Error() string { return e.Message }

// Text is a document's text as the host can copy it into guest memory
// without building one contiguous string first. A Text must not change once
// handed to the host: a pointer the host saw before is taken to hold the
// same bytes (see instance.call).
type Text interface {
	Len() int
	CopyTo(dst []byte) int
}

// StringText is a Text held in a string, for a caller that has the whole
// text at hand (lsphost verify, benchmarks, tests).
type StringText string

func (s StringText) Len() int              { return len(s) }
func (s StringText) CopyTo(dst []byte) int { return copy(dst, s) }

// Document is what a diagnostics or completion call is about.
type Document struct {
	URI        string
	LanguageID string
	Version    int32
	Text       Text
}

// Extension is a loaded extension: its compiled module and a pool of
// instances. It is safe for concurrent use; each instance serves one call at
// a time.
type Extension struct {
	spec   Spec
	host   *Host
	module *sharedModule // nil until compiled
	pool   *pool
	decl   abi.InitializeResult
	mounts []mount   // the read grants, opened
	stamp  wasmStamp // the .wasm file as it was when loaded

	closed   atomic.Bool  // Close was called: calls fail with ErrClosed
	inflight atomic.Int64 // calls running, which Close waits for
	liveMu   sync.Mutex
	live     map[*instance]struct{} // instances not yet closed
	memories LinearMemories         // theirs

	mu     sync.Mutex
	health Health
	streak int       // consecutive failed calls
	offs   int       // switch-offs since the last successful call
	retry  time.Time // while switched off for a cool-down: when to retry
	off    bool      // switched off until the configuration or .wasm changes

	logWindow            time.Time // start of the current second of logging
	logLines, logDropped int

	preparing preparations
}

// Health is an extension's state and counters, for lsphost.status and the
// log.
type Health struct {
	Name      string    `json:"name"`
	State     string    `json:"state"` // "ok", "failing", "cooling down" or "off"
	Calls     int       `json:"calls"`
	Failures  int       `json:"failures"`
	Timeouts  int       `json:"timeouts"`
	LastError string    `json:"lastError,omitempty"`
	RetryAt   time.Time `json:"retryAt,omitzero"`
	// Instances are the extension's instances not closed yet, and
	// MemoryBytes the size of their linear memories.
	Instances   int   `json:"instances"`
	MemoryBytes int64 `json:"memoryBytes"`
}

// Health reports the extension's state and counters.
func (e *Extension) Health() Health {
	e.liveMu.Lock()
	instances := len(e.live)
	e.liveMu.Unlock()
	e.mu.Lock()
	defer e.mu.Unlock()
	h := e.health
	h.Instances, h.MemoryBytes = instances, e.memories.Bytes()
	h.Name = e.spec.Name
	switch {
	case e.off:
		h.State = "off"
	case time.Now().Before(e.retry):
		h.State, h.RetryAt = "cooling down", e.retry
	case e.streak > 0:
		h.State = "failing"
	default:
		h.State = "ok"
	}
	return h
}

// Name is the extension's configured name, used as the source of its results.
func (e *Extension) Name() string { return e.spec.Name }

// Spec is the configuration the extension was loaded from.
func (e *Extension) Spec() Spec { return e.spec }

// Declaration is what the extension said it implements when it started.
func (e *Extension) Declaration() abi.InitializeResult { return e.decl }

// Has reports whether the extension declared feature (abi.Feature…).
func (e *Extension) Has(feature string) bool {
	return slices.Contains(e.decl.Features, feature)
}

// Accepts reports whether the extension applies to a document with this
// languageId at this workspace-relative slash path ("" when the document is
// outside every workspace folder, which only matches extensions without a
// files key). The configuration's languages override the extension's own.
func (e *Extension) Accepts(languageID, relPath string) bool {
	langs := e.spec.Languages
	if langs == nil {
		langs = e.decl.Languages
	}
	if len(langs) > 0 && !slices.Contains(langs, languageID) {
		return false
	}
	if len(e.spec.Files) == 0 {
		return true
	}
	for _, g := range e.spec.Files {
		if relPath != "" && MatchGlob(g, relPath) {
			return true
		}
	}
	return false
}

// track adds a new instance to the live set, which Close stops.
func (e *Extension) track(in *instance) {
	e.liveMu.Lock()
	defer e.liveMu.Unlock()
	if e.live == nil {
		e.live = map[*instance]struct{}{}
	}
	e.live[in] = struct{}{}
	if e.closed.Load() {
		in.deadline.fire() // started after Close stopped the others
	}
	in.untrack = func() {
		e.liveMu.Lock()
		delete(e.live, in)
		e.liveMu.Unlock()
	}
}

// instanceOf returns e's live instance of module m, or nil.
func (e *Extension) instanceOf(m api.Module) *instance {
	e.liveMu.Lock()
	defer e.liveMu.Unlock()
	for in := range e.live {
		if in.mod == m {
			return in
		}
	}
	return nil
}

// Idle reports whether no call is running on the extension: every live
// instance is back in its pool.
func (e *Extension) Idle() bool {
	return e.pool == nil || len(e.pool.tokens) == e.pool.size
}

// Disabled reports whether the extension was switched off.
func (e *Extension) Disabled() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.off || time.Now().Before(e.retry)
}

// Close stops every instance.
func (e *Extension) Close(ctx context.Context) error {
	e.closed.Store(true)
	// Stop the calls still running first: closing the runtime under a
	// running guest races inside wazero, while a fired deadline stops the
	// guest at its next check (WithCloseOnContextDone), within a millisecond.
	// Every call that got past the closed check is counted in inflight.
	e.liveMu.Lock()
	for in := range e.live {
		in.deadline.fire()
	}
	e.liveMu.Unlock()
	limit := time.Now().Add(max(e.spec.Timeout, minSetupDeadline) + time.Second)
	for e.inflight.Load() > 0 && time.Now().Before(limit) {
		time.Sleep(time.Millisecond)
	}
	if n := e.inflight.Load(); n > 0 {
		// A call stuck outside guest code, where no deadline reaches it.
		// Closing the runtime would unmap the memory under it: leave the
		// extension to the process's end instead.
		return fmt.Errorf("extension %s: %d calls still running after their deadline: not closed", e.spec.Name, n)
	}
	// The instances go first, then the shared module if this was its last
	// user.
	e.liveMu.Lock()
	live := make([]*instance, 0, len(e.live))
	for in := range e.live {
		live = append(live, in)
	}
	module := e.module
	e.module = nil
	e.liveMu.Unlock()
	for _, in := range live {
		in.close()
	}
	for _, m := range e.mounts {
		m.root.Close()
	}
	if module != nil {
		e.host.release(module)
	}
	return nil
}

// Diagnostics asks the extension for the problems in doc. Offsets in the
// result are clamped to the text.
func (e *Extension) Diagnostics(ctx context.Context, doc Document) ([]abi.Diagnostic, error) {
	req := abi.Request{Method: abi.MethodDiagnostics, Document: docInfo(doc)}
	res, err := call[abi.DiagnosticsResult](ctx, e, &req, doc.Text)
	if err != nil {
		return nil, err
	}
	return sanitizeDiagnostics(res.Diagnostics, doc.Text.Len()), nil
}

// Completion asks the extension for completions at the byte offset in doc.
func (e *Extension) Completion(ctx context.Context, doc Document, offset int, trigger string) (abi.CompletionResult, error) {
	req := abi.Request{Method: abi.MethodCompletion, Document: docInfo(doc), Offset: offset, TriggerCharacter: trigger}
	res, err := call[abi.CompletionResult](ctx, e, &req, doc.Text)
	if err != nil {
		return res, err
	}
	return sanitizeCompletion(res, doc.Text.Len()), nil
}

func docInfo(doc Document) *abi.Document {
	return &abi.Document{URI: doc.URI, LanguageID: doc.LanguageID, Version: doc.Version}
}

// call runs one request on a free instance and decodes its result. The call
// gets its own deadline, detached from ctx: cancelling a wasm call closes the
// instance (WithCloseOnContextDone), so a caller that stops waiting abandons
// the call instead, and the instance finishes it or hits its deadline (the
// instance's reusable deadline: RATIONALE.md, "Why one deadline per
// instance?").
func call[T any](ctx context.Context, e *Extension, req *abi.Request, text Text) (T, error) {
	var zero T
	// Counted before the closed check, so that Close, which sets closed
	// first, waits for every call that got past it.
	e.inflight.Add(1)
	defer e.inflight.Add(-1)
	if e.closed.Load() {
		return zero, fmt.Errorf("extension %s: %w", e.spec.Name, ErrClosed)
	}
	if e.Disabled() {
		return zero, fmt.Errorf("extension %s: %w", e.spec.Name, ErrDisabled)
	}
	// A document too large to send is not the extension's fault: refuse it
	// before taking an instance.
	if text != nil && text.Len() > maxInput {
		return zero, fmt.Errorf("extension %s: %s: document of %d bytes > %d", e.spec.Name, req.Method, text.Len(), maxInput)
	}
	var uri string
	if req.Document != nil {
		uri = req.Document.URI
	}
	if uri != "" && req.Method != abi.MethodPrepare {
		if err := e.awaitPrepare(ctx, uri); err != nil {
			return zero, fmt.Errorf("extension %s: %w", e.spec.Name, err)
		}
	}
	inst, err := e.pool.acquireFor(ctx, uri)
	if err != nil {
		if e.closed.Load() {
			return zero, fmt.Errorf("extension %s: %w", e.spec.Name, ErrClosed)
		}
		// The caller giving up while waiting for an instance is not a failure
		// of the extension; failing to start one is.
		if ctx.Err() == nil {
			e.record(err)
		}
		return zero, fmt.Errorf("extension %s: %w", e.spec.Name, err)
	}
	if e.closed.Load() { // closed while this call waited for an instance
		e.pool.release(inst, false)
		return zero, fmt.Errorf("extension %s: %w", e.spec.Name, ErrClosed)
	}
	var res T
	err = inst.call(inst.deadline.arm(e.spec.Timeout), req, text, &res)
	expired := !inst.deadline.disarm()
	if err != nil && !isGuestError(err) && e.closed.Load() {
		e.pool.release(inst, false)
		return zero, fmt.Errorf("extension %s: %w", e.spec.Name, ErrClosed)
	}
	if err != nil && !isGuestError(err) {
		// The instance is broken: explain why while it can still tell,
		// then replace it.
		err = e.explainTrap(inst.deadline, err, e.spec.Timeout, inst)
		e.pool.release(inst, false)
		e.record(err)
		if ctx.Err() != nil {
			// Nobody waits for this answer any more: log the failure here.
			e.host.log.Warn("extension call failed after its request was cancelled", "extension", e.spec.Name, "method", req.Method, "err", err)
		}
		return zero, fmt.Errorf("extension %s: %s: %w", e.spec.Name, req.Method, err)
	}
	if err == nil && req.Method == abi.MethodPrepare {
		inst.notePrepared(uri)
	}
	// An error the extension reported itself is an answer, not a failure.
	// A deadline that fired as the answer came back may have closed the
	// instance: the answer counts, the instance does not go back.
	e.pool.release(inst, !expired)
	e.record(nil)
	if err != nil {
		return zero, fmt.Errorf("extension %s: %s: %w", e.spec.Name, req.Method, err)
	}
	return res, nil
}

// isGuestError reports whether err is an error the extension reported
// itself. (Declared here, the target of errors.As is allocated only on the
// error path, not on every call.)
func isGuestError(err error) bool {
	var guestErr *GuestError
	return errors.As(err, &guestErr)
}

// explain turns wazero's view of a dead call into the reason a user needs.
// limit is the deadline the call had.
func (e *Extension) explain(ctx context.Context, err error, limit time.Duration) error {
	var exit *sys.ExitError
	if errors.As(err, &exit) && exit.ExitCode() == sys.ExitCodeDeadlineExceeded || ctx.Err() != nil {
		return fmt.Errorf("%w after %s", ErrTimeout, limit)
	}
	return err
}

// explainTrap is explain for a call that killed its instance: a Go guest
// says why it died (stack overflow, out of memory, deadlock) only on its
// stderr, and wazero's error is a wasm stack trace. The user gets the
// reason; the trace stays in the wrapped error, for the debug log.
func (e *Extension) explainTrap(ctx context.Context, err error, limit time.Duration, inst *instance) error {
	if err = e.explain(ctx, err, limit); errors.Is(err, ErrTimeout) {
		return err
	}
	inst.stderr.flush()
	reason, _, _ := strings.Cut(err.Error(), "\n")
	if f := inst.stderr.fatal; f != "" {
		reason = f
		if strings.Contains(f, "out of memory") {
			reason += fmt.Sprintf(" (memory limit %s)", FormatSize(e.spec.Memory))
		}
	}
	e.host.log.Debug("extension trap", "extension", e.spec.Name, "trace", err.Error())
	return &trapError{reason: reason, err: err}
}

// trapError is a call that killed its instance, with the reason to show.
type trapError struct {
	reason string
	err    error
}

func (e *trapError) Error() string { return e.reason }
func (e *trapError) Unwrap() error { return e.err }

// record counts consecutive failures and switches the extension off when
// they reach maxFailures. The caller logs the failure itself, with what the
// call was about.
//
// A switched-off extension is retried after a cool-down that doubles with
// each switch-off; after maxSwitchOffs without a successful call in between
// it stays off until its configuration or .wasm changes (a reload).
func (e *Extension) record(err error) {
	e.mu.Lock()
	e.health.Calls++
	if err == nil {
		e.streak, e.offs = 0, 0
		e.mu.Unlock()
		return
	}
	e.health.Failures++
	e.health.LastError = err.Error()
	if errors.Is(err, ErrTimeout) {
		e.health.Timeouts++
	}
	e.streak++
	var retry time.Duration
	switchOff := e.streak >= maxFailures && !e.off && !time.Now().Before(e.retry)
	if switchOff {
		e.streak = 0
		e.offs++
		if e.offs >= maxSwitchOffs {
			e.off = true
		} else {
			retry = e.host.cooldown() << (e.offs - 1)
			e.retry = time.Now().Add(retry)
		}
	}
	e.mu.Unlock()
	if switchOff && e.host.opts.OnDisable != nil {
		e.host.opts.OnDisable(e.spec.Name, err, retry)
	}
}

// instantiate starts a fresh instance and sends it the initialize request.
func (e *Extension) instantiate(ctx context.Context) (*instance, error) {
	limit := max(e.spec.Timeout, minSetupDeadline)
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), limit)
	defer cancel()
	inst, err := e.start(ctx, limit)
	if err != nil {
		return nil, err
	}
	var decl abi.InitializeResult
	if err := inst.call(e.callerContext(ctx), e.initializeRequest(), nil, &decl); err != nil {
		var guestErr *GuestError
		if !errors.As(err, &guestErr) {
			err = e.explainTrap(ctx, err, limit, inst)
		}
		inst.close()
		if !strings.HasPrefix(err.Error(), abi.MethodInitialize+": ") { // the SDK names it already
			err = fmt.Errorf("%s: %w", abi.MethodInitialize, err)
		}
		return nil, err
	}
	if err := e.adopt(decl); err != nil {
		inst.close()
		return nil, err
	}
	inst.keepsText = decl.KeepsText
	return inst, nil
}

// initializeRequest is the initialize request every instance gets.
func (e *Extension) initializeRequest() *abi.Request {
	settings := e.spec.Settings
	if len(settings) == 0 {
		settings = json.RawMessage("{}")
	}
	return &abi.Request{Method: abi.MethodInitialize, ABIVersion: abi.Version, Settings: settings, Root: e.spec.Grants.rootURI()}
}

// start instantiates the module (running _initialize) and checks the ABI
// version it speaks; the instance has not had its initialize request yet.
// limit is ctx's deadline, for messages.
func (e *Extension) start(ctx context.Context, limit time.Duration) (*instance, error) {
	stdout, stderr := e.lineWriter(abi.LogInfo), e.lineWriter(abi.LogWarning)
	cfg := wazero.NewModuleConfig().
		WithName("").
		WithStartFunctions(abi.ExportInitialize).
		WithStdout(stdout).
		WithStderr(stderr)
	e.liveMu.Lock()
	module := e.module
	e.liveMu.Unlock()
	if module == nil {
		return nil, ErrClosed
	}
	ctx = e.callerContext(ctx)
	memCtx, imageFailed := withLinearMemory(ctx, &e.memories, module.image)
	mod, err := module.rt.InstantiateModule(memCtx, module.compiled, e.spec.Grants.moduleConfig(cfg, e.mounts))
	if err == nil {
		if err = imageFailed(); err != nil {
			mod.Close(ctx)
		}
	}
	if err != nil {
		stderr.flush()
		if stderr.fatal != "" {
			// A Go guest that cannot start says why only on its stderr.
			return nil, fmt.Errorf("start: %w: %s (memory limit %d bytes)", e.explain(ctx, err, limit), stderr.fatal, e.spec.Memory)
		}
		return nil, fmt.Errorf("start: %w", e.explain(ctx, err, limit))
	}
	inst := &instance{
		mod:      mod,
		mem:      mod.Memory(),
		handleFn: mod.ExportedFunction(abi.ExportHandle),
		allocFn:  mod.ExportedFunction(abi.ExportAlloc),
		callFn:   mod.ExportedFunction(abi.ExportCall),
		flushes:  []func(){stdout.flush, stderr.flush},
		stderr:   stderr,
		deadline: newDeadline(e),
	}
	e.track(inst)
	v, err := mod.ExportedFunction(abi.ExportVersion).Call(ctx)
	if err != nil {
		inst.close()
		return nil, fmt.Errorf("%s: %w", abi.ExportVersion, e.explain(ctx, err, limit))
	}
	if int32(v[0]) != abi.Version {
		inst.close()
		return nil, &VersionError{Found: int32(v[0])}
	}
	return inst, nil
}

// knownFeatures are the features this host can route requests for.
var knownFeatures = []string{
	abi.FeatureDiagnostics, abi.FeatureCompletion, abi.FeatureCompletionResolve, abi.FeatureHover,
	abi.FeatureCodeAction, abi.FeatureCodeActionResolve, abi.FeatureFormatting, abi.FeatureRangeFormatting,
	abi.FeatureDocumentSymbol, abi.FeatureExecuteCommand, abi.FeaturePrepare,
}

// VersionError is a module that speaks another ABI major version.
type VersionError struct{ Found int32 }

func (e *VersionError) Error() string {
	return fmt.Sprintf("speaks ABI version %d, this lsphost speaks version %d: rebuild the extension with a matching SDK or use a matching lsphost", e.Found, abi.Version)
}

// adopt validates the declaration of a new instance. Every instance of one
// module must declare the same thing; the first one's is kept.
func (e *Extension) adopt(decl abi.InitializeResult) error {
	for _, f := range decl.Features {
		if !slices.Contains(knownFeatures, f) {
			e.host.log.Warn("extension declares an unknown feature, ignored", "extension", e.spec.Name, "feature", f)
		}
	}
	decl.Commands = slices.DeleteFunc(decl.Commands, func(c string) bool {
		return c == "" || len(c) > 100 || strings.ContainsAny(c, " \t\n")
	})
	if !slices.Contains(decl.Features, abi.FeatureExecuteCommand) {
		decl.Commands = nil
	}
	if len(decl.Commands) > 100 || len(decl.CodeActionKinds) > 100 {
		return errors.New("initialize: declaration too large")
	}
	var triggers []string
	for _, t := range decl.TriggerCharacters {
		if t != "" && utf8.RuneCountInString(t) == 1 && len(triggers) < 32 {
			triggers = append(triggers, t)
		}
	}
	decl.TriggerCharacters = triggers
	decl.PrepareMin = max(decl.PrepareMin, 0)
	if len(decl.Languages) > 1000 || len(decl.Features) > 100 {
		return errors.New("initialize: declaration too large")
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.decl.Features == nil {
		if decl.Features == nil {
			decl.Features = []string{}
		}
		e.decl = decl
	}
	return nil
}

// hostLog is the log import: (level, ptr, len).
func (e *Extension) hostLog(m api.Module, level, ptr, n uint32) {
	b, ok := m.Memory().Read(ptr, min(n, maxLogLine))
	if !ok {
		return
	}
	e.emitLog(abi.LogLevel(level), string(b))
}

// hostReadFile is the read_file import: (path_ptr, path_len, buf_ptr,
// buf_cap) -> size or a negative abi.ReadError. Every call is checked
// against the read grants; a denial is logged.
func (e *Extension) hostReadFile(m api.Module, pathPtr, pathLen, bufPtr, bufCap uint32) int64 {
	name, ok := m.Memory().Read(pathPtr, min(pathLen, 4096))
	if !ok {
		return int64(abi.ReadFailed)
	}
	f, err := openGranted(e.mounts, string(name))
	switch {
	case errors.Is(err, errNotGranted):
		e.host.log.Warn("extension denied a file read", "extension", e.spec.Name, "path", string(name), "read", e.spec.Grants.Read)
		return int64(abi.ReadNotGranted)
	case errors.Is(err, fs.ErrNotExist):
		return int64(abi.ReadNotFound)
	case err != nil:
		// os.Root refuses paths that escape it, through ".." or a link.
		e.host.log.Warn("extension denied a file read", "extension", e.spec.Name, "path", string(name), "err", err)
		return int64(abi.ReadNotGranted)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil || !info.Mode().IsRegular() || info.Size() > abi.MaxReadFile {
		return int64(abi.ReadFailed)
	}
	size := info.Size()
	if size > int64(bufCap) {
		return size
	}
	buf, ok := m.Memory().Read(bufPtr, uint32(size))
	if !ok {
		return int64(abi.ReadFailed)
	}
	n, err := io.ReadFull(f, buf)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return int64(abi.ReadFailed)
	}
	return int64(n)
}

func (e *Extension) emitLog(level abi.LogLevel, msg string) {
	if level < abi.LogError || level > abi.LogDebug {
		level = abi.LogInfo
	}
	if !e.allowLog(time.Now()) {
		return
	}
	msg = strings.ToValidUTF8(msg, "\uFFFD")
	e.deliverLog(level, msg)
}

// allowLog rate-limits an extension's log lines to maxLogLines a second, so
// that a guest logging in a loop cannot flood the log and the editor. When a
// new second starts after drops, it says how many lines were dropped.
func (e *Extension) allowLog(now time.Time) bool {
	e.mu.Lock()
	if now.Sub(e.logWindow) >= time.Second {
		dropped := e.logDropped
		e.logWindow, e.logLines, e.logDropped = now, 0, 0
		if dropped > 0 {
			e.logLines++
			e.mu.Unlock()
			e.deliverLog(abi.LogWarning, fmt.Sprintf("%d log lines dropped: more than %d a second", dropped, maxLogLines))
			e.mu.Lock()
		}
	}
	ok := e.logLines < maxLogLines
	if ok {
		e.logLines++
	} else {
		e.logDropped++
	}
	e.mu.Unlock()
	return ok
}

func (e *Extension) deliverLog(level abi.LogLevel, msg string) {
	if e.host.opts.OnLog != nil {
		e.host.opts.OnLog(e.spec.Name, level, msg)
		return
	}
	e.host.log.Info(msg, "extension", e.spec.Name, "level", int(level))
}

// lineWriter turns a guest's stdout or stderr into log lines.
func (e *Extension) lineWriter(level abi.LogLevel) *lineWriter {
	return &lineWriter{emit: func(s string) { e.emitLog(level, s) }}
}

type lineWriter struct {
	buf   []byte
	emit  func(string)
	fatal string // the first line that reports a Go runtime crash
}

func (w *lineWriter) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		i := strings.IndexByte(string(p), '\n')
		if i < 0 {
			w.buf = append(w.buf, p[:min(len(p), maxLogLine-len(w.buf))]...)
			break
		}
		w.buf = append(w.buf, p[:min(i, maxLogLine-len(w.buf))]...)
		w.flush()
		p = p[i+1:]
	}
	return n, nil
}

func (w *lineWriter) flush() {
	if len(w.buf) > 0 {
		line := string(w.buf)
		if w.fatal == "" && (strings.HasPrefix(line, "fatal error: ") || strings.HasPrefix(line, "panic: ")) {
			w.fatal = line
		}
		w.emit(line)
		w.buf = w.buf[:0]
	}
}

// instance is one running copy of an extension. It is never used by two
// goroutines at once: wazero crashes the process if it is (FINDINGS.md).
type instance struct {
	mod             api.Module
	mem             api.Memory
	handleFn        api.Function // nil: the guest takes requests through allocFn and callFn
	allocFn, callFn api.Function
	stack           [3]uint64
	body            []byte         // the request JSON, reused from call to call
	pending         pendingRequest // the request lsphost_handle may read, while it runs
	deadline        *deadline      // reused from call to call
	flushes         []func()
	stderr          *lineWriter // a Go guest says there why it died
	untrack         func()      // forgets it in its extension's live set

	// keepsText: the guest declared abi.InitializeResult.KeepsText, so a
	// request on lastText, the text it received last, goes without it.
	keepsText bool
	lastText  Text

	// prepared are the URIs of the documents this instance prepared last,
	// the latest at the end: requests on them come here when it is idle.
	prepared []string
}

// maxPrepared is how many documents an instance is known to have prepared:
// the Go SDK's DocumentCache keeps 8 by default.
const maxPrepared = 8

// notePrepared records that the instance prepared the document uri.
func (in *instance) notePrepared(uri string) {
	if i := slices.Index(in.prepared, uri); i >= 0 {
		in.prepared = slices.Delete(in.prepared, i, i+1)
	} else if len(in.prepared) == maxPrepared {
		in.prepared = slices.Delete(in.prepared, 0, 1)
	}
	in.prepared = append(in.prepared, uri)
}

func (in *instance) close() {
	if in.untrack != nil {
		in.untrack()
	}
	in.deadline.stop()
	for _, f := range in.flushes {
		f()
	}
	in.mod.Close(context.Background())
}

// call writes the request and text into guest memory, runs it and decodes
// the result into out. The steps are separate methods so that benchmarks can
// time each one.
//
// A text the instance already has is not sent again to a guest that keeps
// it (abi.Document.SameText): completions and hovers on a large document
// cost the guest neither the copy nor the allocation of its text.
func (in *instance) call(ctx context.Context, req *abi.Request, text Text, out any) error {
	send := text
	if in.keepsText && req.Document != nil && sameText(in.lastText, text) {
		req.Document.SameText, send = true, nil
		defer func() { req.Document.SameText = false }()
	}
	body, err := appendRequest(in.body[:0], req)
	if err != nil {
		return err
	}
	in.body = body
	view, err := in.callRaw(ctx, in.body, send)
	if err != nil {
		return err
	}
	if req.Document != nil {
		in.lastText = text
	}
	// Decoding straight from the view is safe: no guest code runs until it is
	// done, so memory cannot grow under it, and decoding copies what it keeps.
	return decodeResponse(view, req.Method, out)
}

// sameText reports whether a and b are the same text: the same pointer.
// Text values handed to the host must not change (lsp/text's snapshots
// never do), so the same pointer means the same bytes; other kinds of Text
// are never taken to be the same.
func sameText(a, b Text) bool {
	if a == nil || b == nil {
		return false
	}
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	return va.Kind() == reflect.Pointer && va.Type() == vb.Type() && va.Pointer() == vb.Pointer()
}

// callRaw writes the request JSON body and text into guest memory, runs
// the call and returns the response as a view of guest memory, valid until
// the instance runs again. lsphost verify uses it to see what a guest
// answered before the host sanitizes it.
func (in *instance) callRaw(ctx context.Context, body []byte, text Text) ([]byte, error) {
	textLen := 0
	if text != nil {
		textLen = text.Len()
	}
	if in.handleFn != nil {
		return in.handle(ctx, body, text, textLen)
	}
	ptr, err := in.alloc(ctx, len(body)+textLen)
	if err != nil {
		return nil, err
	}
	if err := in.write(ptr, body, text, textLen); err != nil {
		return nil, err
	}
	return in.run(ctx, ptr, len(body), textLen)
}

// pendingRequest is a request being handled by lsphost_handle: the guest reads it
// with read_request.
type pendingRequest struct {
	active  bool
	body    []byte
	text    Text
	textLen int
}

// handle runs lsphost_handle, the one-call form of a request: the guest
// copies the request into its own buffer with read_request (readRequest)
// while the call runs.
func (in *instance) handle(ctx context.Context, body []byte, text Text, textLen int) ([]byte, error) {
	in.pending = pendingRequest{active: true, body: body, text: text, textLen: textLen}
	in.stack[0], in.stack[1] = uint64(len(body)), uint64(textLen)
	err := in.handleFn.CallWithStack(ctx, in.stack[:])
	in.pending = pendingRequest{}
	if err != nil {
		return nil, err
	}
	return in.response(abi.ExportHandle)
}

// errReadOutsideHandle traps a guest that calls read_request when it has no
// request to read.
var errReadOutsideHandle = fmt.Errorf("%s called outside %s", abi.ImportReadRequest, abi.ExportHandle)

// readRequest is read_request for this instance: it copies the pending
// request to ptr. It panics, which traps the guest, outside lsphost_handle
// or when the range is outside memory.
func (in *instance) readRequest(ptr uint32) {
	p := in.pending
	if !p.active {
		panic(errReadOutsideHandle)
	}
	total := len(p.body) + p.textLen
	buf, ok := in.mem.Read(ptr, uint32(total))
	if !ok {
		panic(fmt.Errorf("%s(%#x): %d bytes from there are outside memory of %d bytes", abi.ImportReadRequest, ptr, total, in.mem.Size()))
	}
	copy(buf, p.body)
	if p.text != nil {
		p.text.CopyTo(buf[len(p.body):])
	}
}

// alloc calls lsphost_alloc for an input of total bytes.
func (in *instance) alloc(ctx context.Context, total int) (uint32, error) {
	in.stack[0] = uint64(total)
	if err := in.allocFn.CallWithStack(ctx, in.stack[:]); err != nil {
		return 0, err
	}
	ptr := uint32(in.stack[0])
	if ptr == 0 {
		return 0, fmt.Errorf("%s(%d) returned 0", abi.ExportAlloc, total)
	}
	return ptr, nil
}

// write copies the request JSON and the text of textLen bytes into the
// guest's buffer at ptr.
func (in *instance) write(ptr uint32, body []byte, text Text, textLen int) error {
	total := len(body) + textLen
	buf, ok := in.mem.Read(ptr, uint32(total))
	if !ok {
		return fmt.Errorf("%s(%d) returned %#x, outside memory of %d bytes", abi.ExportAlloc, total, ptr, in.mem.Size())
	}
	copy(buf, body)
	if text != nil {
		text.CopyTo(buf[len(body):])
	}
	return nil
}

// run calls lsphost_call on the input at ptr and returns a view of the
// response, valid until the next call into the instance.
func (in *instance) run(ctx context.Context, ptr uint32, jsonLen, textLen int) ([]byte, error) {
	in.stack[0], in.stack[1], in.stack[2] = uint64(ptr), uint64(jsonLen), uint64(textLen)
	if err := in.callFn.CallWithStack(ctx, in.stack[:]); err != nil {
		return nil, err
	}
	return in.response(abi.ExportCall)
}

// response returns a view of the response whose location export returned,
// valid until the next call into the instance.
func (in *instance) response(export string) ([]byte, error) {
	if in.stack[0] == 0 {
		return nil, fmt.Errorf("%s returned 0: the extension reported a protocol failure", export)
	}
	outPtr, outLen := abi.UnpackResult(in.stack[0])
	if outLen > maxOutput {
		return nil, fmt.Errorf("response of %d bytes > %d", outLen, maxOutput)
	}
	view, ok := in.mem.Read(outPtr, outLen)
	if !ok || outLen == 0 {
		return nil, fmt.Errorf("response at %#x of %d bytes is outside memory of %d bytes", outPtr, outLen, in.mem.Size())
	}
	return view, nil
}

// pool hands out instances, starting new ones with start up to a limit.
// start is fixed at creation: a method value passed per call would be
// allocated per call.
//
// The instance released last is handed out first: a run of calls goes to
// one instance, whose caches are warm (the text it already has, which is
// not sent again, and whatever the guest keeps from it), instead of
// alternating between instances that each build their own. A request on a
// document that an idle instance prepared goes to that one instead.
//
// While every instance is busy, a caller waits up to growAfter for one to
// be released before it starts another: starting a Go guest takes ~10 ms
// of CPU and a few MiB, more than a burst of short calls (twenty documents
// opened at once) waits in line, so instances are added only for calls
// that run long.
type pool struct {
	tokens chan struct{} // one per instance that may be handed out: idle, or not started
	size   int
	start  func(context.Context) (*instance, error)

	mu       sync.Mutex
	idle     []*instance   // released last at the end
	live     int           // started (or starting) and not closed
	released chan struct{} // closed at the next release, for callers waiting to grow; nil if none
}

// growAfter is how long a caller waits for a busy instance before it starts
// another.
const growAfter = 20 * time.Millisecond

func newPool(size int, start func(context.Context) (*instance, error)) *pool {
	p := &pool{tokens: make(chan struct{}, size), size: size, start: start}
	for range size {
		p.tokens <- struct{}{}
	}
	return p
}

func (p *pool) acquire(ctx context.Context) (*instance, error) { return p.acquireFor(ctx, "") }

// acquireFor is acquire for a request on the document uri: of the idle
// instances, it takes the one that prepared the document last, if any.
func (p *pool) acquireFor(ctx context.Context, uri string) (*instance, error) {
	var growAt time.Time // set once this caller found every instance busy
	for {
		select {
		case <-p.tokens:
		default:
			select {
			case <-p.tokens:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
		p.mu.Lock()
		if n := len(p.idle); n > 0 {
			k := n - 1
			for j := k; uri != "" && j >= 0; j-- {
				if slices.Contains(p.idle[j].prepared, uri) {
					k = j
					break
				}
			}
			in := p.idle[k]
			p.idle = slices.Delete(p.idle, k, k+1)
			p.mu.Unlock()
			return in, nil
		}
		if p.live == 0 {
			break
		}
		if growAt.IsZero() {
			growAt = time.Now().Add(growAfter)
		}
		wait := time.Until(growAt)
		if wait <= 0 {
			break
		}
		// Every instance is busy: give the slot back and wait for a release.
		if p.released == nil {
			p.released = make(chan struct{})
		}
		released := p.released
		p.mu.Unlock()
		p.tokens <- struct{}{}
		timer := time.NewTimer(wait)
		select {
		case <-released:
		case <-timer.C:
		case <-ctx.Done():
			timer.Stop()
			return nil, ctx.Err()
		}
		timer.Stop()
	}
	p.live++
	p.mu.Unlock()
	in, err := p.start(ctx)
	if err != nil {
		p.mu.Lock()
		p.live--
		p.wakeWaiters()
		p.mu.Unlock()
		p.tokens <- struct{}{}
		return nil, err
	}
	return in, nil
}

// wakeWaiters wakes the callers waiting for a busy instance. p.mu is held.
func (p *pool) wakeWaiters() {
	if p.released != nil {
		close(p.released)
		p.released = nil
	}
}

// release returns a healthy instance to the pool and closes a broken one.
func (p *pool) release(in *instance, healthy bool) {
	if !healthy {
		in.close()
	}
	p.mu.Lock()
	if healthy {
		p.idle = append(p.idle, in)
	} else {
		p.live--
	}
	p.wakeWaiters()
	p.mu.Unlock()
	p.tokens <- struct{}{}
}

// counts reports the instances started and not closed, and those idle.
func (p *pool) counts() (live, idle int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.live, len(p.idle)
}
