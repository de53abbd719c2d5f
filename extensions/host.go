// Package extensions loads, sandboxes and calls WebAssembly extensions. It is
// the only package that knows wazero and TOML; it knows nothing of LSP.
package extensions

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/maphash"
	"io/fs"
	"log/slog"
	"maps"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"

	"github.com/lsphost/lsphost/abi"
)

// Options configure a Host. The zero value is valid: no disk cache, logs
// discarded.
type Options struct {
	// CacheDir holds compiled code between runs; empty keeps it in memory.
	CacheDir string
	// Logger receives the host's own log records. Default: discarded.
	Logger *slog.Logger
	// OnLog receives every line an extension logs (through the log import or
	// its stdout and stderr). Default: the lines go to Logger only.
	OnLog func(ext string, level abi.LogLevel, msg string)
	// OnDisable is called once each time an extension that keeps failing
	// is switched off, with its last error and when it will be retried
	// (0: not until its configuration or .wasm changes).
	OnDisable func(ext string, err error, retryIn time.Duration)
	// Cooldown is how long an extension stays switched off the first time;
	// it doubles each time. Default DefaultCooldown.
	Cooldown time.Duration
}

// DefaultCooldown is Options.Cooldown's default.
const DefaultCooldown = 30 * time.Second

func (h *Host) cooldown() time.Duration {
	if h.opts.Cooldown > 0 {
		return h.opts.Cooldown
	}
	return DefaultCooldown
}

// Host compiles extensions and hands out their instances. It is safe for
// concurrent use.
type Host struct {
	opts  Options
	log   *slog.Logger
	cache wazero.CompilationCache

	mu      sync.Mutex
	modules map[moduleKey]*sharedModule
	reads   map[string]*moduleFile // module files being read, by path
	// declarations are the declaration cache's files as read or written
	// in this session, by name: read once, and not written again the same.
	declarations map[string][]byte
}

// NewHost returns a Host. An unusable CacheDir is logged and replaced by an
// in-memory cache: it costs start-up time, not correctness.
func NewHost(opts Options) *Host {
	h := &Host{opts: opts, log: opts.Logger, modules: map[moduleKey]*sharedModule{}, reads: map[string]*moduleFile{},
		declarations: map[string][]byte{}}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	if opts.CacheDir != "" {
		cache, err := wazero.NewCompilationCacheWithDir(opts.CacheDir)
		if err == nil {
			h.cache = cache
		} else {
			h.log.Warn("compilation cache disabled", "dir", opts.CacheDir, "err", err)
		}
	}
	if h.cache == nil {
		h.cache = wazero.NewCompilationCache()
	}
	return h
}

// moduleFile is a module file as read, and the hash of its bytes.
type moduleFile struct {
	done  chan struct{} // closed once the fields are set
	stamp wasmStamp     // taken before reading: a later write shows as a change
	code  []byte
	hash  [2]uint64 // with moduleSeeds
	err   error
}

// readModule reads and hashes the module file path, or waits for the read
// of it under way: extensions configured from one file (the same module
// with other settings) load at once, and one read and hash (~3 ms for a Go
// guest) do for all of them instead of competing for the cores with the
// first one's compilation. A load that starts after the read ends reads
// the file again.
func (h *Host) readModule(path string) *moduleFile {
	h.mu.Lock()
	if f := h.reads[path]; f != nil {
		h.mu.Unlock()
		<-f.done
		return f
	}
	f := &moduleFile{done: make(chan struct{})}
	h.reads[path] = f
	h.mu.Unlock()
	f.stamp, _ = stampOf(path)
	if f.code, f.err = os.ReadFile(path); f.err == nil {
		f.hash = [2]uint64{maphash.Bytes(moduleSeeds[0], f.code), maphash.Bytes(moduleSeeds[1], f.code)}
	}
	h.mu.Lock()
	delete(h.reads, path)
	h.mu.Unlock()
	close(f.done)
	return f
}

// Close releases the compilation cache. Extensions must be closed first.
func (h *Host) Close(ctx context.Context) error { return h.cache.Close(ctx) }

// Load compiles the extension described by spec, starts one instance and
// asks it what it implements. The returned Extension must be closed. Errors
// say what is wrong with the extension, not which one it is: the caller
// knows where spec came from.
func (h *Host) Load(ctx context.Context, spec Spec) (*Extension, error) {
	file := h.readModule(spec.Wasm)
	if errors.Is(file.err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s not found: build the extension or correct the wasm path", spec.Wasm)
	}
	if file.err != nil {
		return nil, file.err
	}
	code, stamp := file.code, file.stamp
	if spec.SHA256 != "" {
		sum := sha256.Sum256(code)
		if got := hex.EncodeToString(sum[:]); got != spec.SHA256 {
			return nil, fmt.Errorf("%s has sha256 %s but the configuration pins %s: refusing to load it (update the pin if the new file is trusted)", spec.Wasm, got, spec.SHA256)
		}
	}
	mounts, err := spec.Grants.mounts()
	if err != nil {
		return nil, err
	}
	ext := &Extension{spec: spec, host: h, mounts: mounts, stamp: stamp}
	if ext.module, err = h.module(ctx, spec, file); err != nil {
		ext.Close(ctx)
		return nil, err
	}
	if err := ext.setup(ctx); err != nil {
		ext.Close(ctx)
		return nil, err
	}
	h.saveDeclaration(spec, ext.decl)
	return ext, nil
}

// setup starts the first instance, which answers the initialize request.
func (e *Extension) setup(ctx context.Context) error {
	e.pool = newPool(min(runtime.GOMAXPROCS(0), maxInstances), e.instantiate)
	inst, err := e.pool.acquire(ctx)
	if err != nil {
		return err
	}
	e.pool.release(inst, true)
	return nil
}

// exportSignatures are the ABI's exports and their wasm signatures.
var exportSignatures = map[string]struct{ params, results []api.ValueType }{
	abi.ExportVersion: {nil, []api.ValueType{api.ValueTypeI32}},
	abi.ExportHandle:  {[]api.ValueType{api.ValueTypeI32, api.ValueTypeI32}, []api.ValueType{api.ValueTypeI64}},
	abi.ExportAlloc:   {[]api.ValueType{api.ValueTypeI32}, []api.ValueType{api.ValueTypeI32}},
	abi.ExportCall:    {[]api.ValueType{api.ValueTypeI32, api.ValueTypeI32, api.ValueTypeI32}, []api.ValueType{api.ValueTypeI64}},
}

// missingExports lists the exports a module needs but lacks: the version,
// and either lsphost_handle or both lsphost_alloc and lsphost_call.
func missingExports(fns map[string]api.FunctionDefinition) []string {
	var missing []string
	if fns[abi.ExportVersion] == nil {
		missing = append(missing, abi.ExportVersion)
	}
	if fns[abi.ExportHandle] == nil {
		for _, name := range []string{abi.ExportAlloc, abi.ExportCall} {
			if fns[name] == nil {
				missing = append(missing, name)
			}
		}
	}
	return missing
}

func checkExports(m wazero.CompiledModule) error {
	var errs []error
	fns := m.ExportedFunctions()
	for _, name := range missingExports(fns) {
		errs = append(errs, fmt.Errorf("missing export %q", name))
	}
	for _, name := range sortedKeys(exportSignatures) {
		want := exportSignatures[name]
		if fn, ok := fns[name]; ok && (!sameTypes(fn.ParamTypes(), want.params) || !sameTypes(fn.ResultTypes(), want.results)) {
			errs = append(errs, fmt.Errorf("export %q has signature %s, want %s", name,
				signature(fn.ParamTypes(), fn.ResultTypes()), signature(want.params, want.results)))
		}
	}
	if _, ok := m.ExportedMemories()["memory"]; !ok {
		errs = append(errs, errors.New(`missing export "memory"`))
	}
	return errors.Join(errs...)
}

// unprovidedImports describes each function m imports that rt does not
// provide, or provides with another signature. Only WASI and lsphost's own
// module count: a module's other imports would not be linked either.
func unprovidedImports(rt wazero.Runtime, m wazero.CompiledModule) []string {
	var bad []string
	for _, fn := range m.ImportedFunctions() {
		mod, name, _ := fn.Import()
		var provided api.FunctionDefinition
		if host := rt.Module(mod); host != nil && (mod == abi.ImportModule || mod == "wasi_snapshot_preview1") {
			provided = host.ExportedFunctionDefinitions()[name]
		}
		switch {
		case provided == nil:
			bad = append(bad, fmt.Sprintf("%s.%s is not provided", mod, name))
		case !sameTypes(fn.ParamTypes(), provided.ParamTypes()) || !sameTypes(fn.ResultTypes(), provided.ResultTypes()):
			bad = append(bad, fmt.Sprintf("%s.%s has signature %s, the host's is %s", mod, name,
				signature(fn.ParamTypes(), fn.ResultTypes()), signature(provided.ParamTypes(), provided.ResultTypes())))
		}
	}
	return bad
}

// hostFunctions names the functions of rt's lsphost module, as
// "lsphost.index / lsphost.log / ...".
func hostFunctions(rt wazero.Runtime) string {
	var names []string
	if m := rt.Module(abi.ImportModule); m != nil {
		for _, name := range slices.Sorted(maps.Keys(m.ExportedFunctionDefinitions())) {
			names = append(names, abi.ImportModule+"."+name)
		}
	}
	return strings.Join(names, " / ")
}

func sameTypes(a, b []api.ValueType) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func signature(params, results []api.ValueType) string {
	name := func(ts []api.ValueType) string {
		s := "("
		for i, t := range ts {
			if i > 0 {
				s += ", "
			}
			s += api.ValueTypeName(t)
		}
		return s + ")"
	}
	return name(params) + " -> " + name(results)
}
