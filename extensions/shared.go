package extensions

import (
	"bytes"
	"context"
	"fmt"
	"hash/maphash"
	"math"
	"runtime"
	"strings"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"

	"github.com/lsphost/lsphost/abi"
)

// sharedModule is a compiled module in its runtime, shared by every
// extension that loads the same bytes with the same memory limit: the same
// extension configured twice (two names, two settings, or one per workspace
// folder) is decoded, validated and compiled once and holds one copy of
// machine code. Each extension still has its own instances, grants, pool and
// health; the lsphost imports find the extension of the instance calling
// them through the call's context (callerOf).
type sharedModule struct {
	key      moduleKey
	rt       wazero.Runtime
	compiled wazero.CompiledModule
	image    *memoryImage  // what its instances' memory starts with, or nil (prepareModule)
	ready    chan struct{} // closed when compiled, or when that failed
	err      *moduleError  // why it failed, for every extension that waited
	refs     int           // extensions using it; guarded by Host.mu
}

// moduleKey identifies what a compiled module depends on: the bytes and the
// runtime's memory limit (WithMemoryLimitPages is a runtime setting).
type moduleKey struct {
	hash  [2]uint64 // of the bytes, with moduleSeeds
	size  int
	pages uint32
}

// moduleSeeds seed the hash of a module's bytes. They are random for each
// process, so no one can make two modules that share a key on purpose, and
// 128 bits make an accident unthinkable. Every load computes it: on the
// 2.8 MB todo module 0.65 ms, where SHA-256 took 2.2 ms of a ~42 ms load
// (BenchmarkLoadCached).
var moduleSeeds = [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}

// moduleError is why a module cannot be used, told with the path of the
// extension that asked (another one may have compiled the same bytes).
type moduleError struct {
	notExtension bool // compiled, but without the ABI's exports
	err          error
}

func (e *moduleError) describe(wasm string) error {
	if e.notExtension {
		return fmt.Errorf("%s is not an lsphost extension: %w", wasm, e.err)
	}
	return fmt.Errorf("compile %s: %w", wasm, e.err)
}

// module returns the compiled module for file and spec's memory limit,
// compiling it unless another extension did; each successful call must be
// matched by a release.
func (h *Host) module(ctx context.Context, spec Spec, file *moduleFile) (*sharedModule, error) {
	code := file.code
	key := moduleKey{file.hash, len(code), memoryPages(spec)}
	h.mu.Lock()
	m := h.modules[key]
	if m == nil {
		m = &sharedModule{key: key, ready: make(chan struct{})}
		h.modules[key] = m
	}
	m.refs++
	compile := m.refs == 1 && m.rt == nil && m.err == nil
	h.mu.Unlock()
	if compile {
		m.rt, m.compiled, m.image, m.err = h.compile(ctx, key.pages, code)
		if m.err != nil {
			h.mu.Lock()
			delete(h.modules, key) // a later load tries again
			h.mu.Unlock()
		}
		close(m.ready)
	}
	select {
	case <-m.ready:
	case <-ctx.Done():
		h.release(m)
		return nil, ctx.Err()
	}
	if m.err != nil {
		return nil, m.err.describe(spec.Wasm)
	}
	return m, nil
}

// release drops one extension's use of m, closing its runtime after the
// last. The extension must have closed its instances.
func (h *Host) release(m *sharedModule) {
	h.mu.Lock()
	m.refs--
	last := m.refs == 0 && m.err == nil
	if last && h.modules[m.key] == m {
		delete(h.modules, m.key)
	}
	h.mu.Unlock()
	if last {
		<-m.ready
		if m.rt != nil {
			m.rt.Close(context.Background())
		}
	}
}

func memoryPages(spec Spec) uint32 { return uint32((spec.Memory + 65535) / 65536) }

// compile makes a runtime with the lsphost imports and compiles code in it.
func (h *Host) compile(ctx context.Context, pages uint32, code []byte) (wazero.Runtime, wazero.CompiledModule, *memoryImage, *moduleError) {
	// The runtime and its imports (~3 ms) do not depend on the module: they
	// are made on another core while the module is prepared (~2 ms).
	type linked struct {
		rt  wazero.Runtime
		err error
	}
	done := make(chan linked, 1)
	go func() {
		rt := h.runtime(ctx, pages)
		done <- linked{rt, linkImports(ctx, rt)}
	}()
	// A Go guest's 40,000 data segments would cost every instance 48,000
	// allocations and a copy of its data, and the loaded module megabytes
	// of heap: they become a memory image, or are packed.
	wasm, image := prepareModule(code)
	l := <-done
	rt := l.rt
	if l.err != nil {
		rt.Close(ctx)
		return nil, nil, nil, &moduleError{err: l.err}
	}
	compiled, err := rt.CompileModule(experimental.WithCompilationWorkers(ctx, runtime.GOMAXPROCS(0)), wasm)
	if err != nil {
		rt.Close(ctx)
		return nil, nil, nil, &moduleError{err: err}
	}
	if err := checkExports(compiled); err != nil {
		rt.Close(ctx)
		return nil, nil, nil, &moduleError{notExtension: true, err: err}
	}
	// Caught here, an import the host lacks (an extension built for a
	// newer lsphost) is named with what to do, rather than by wazero when
	// the first instance links.
	if bad := unprovidedImports(rt, compiled); len(bad) > 0 {
		err := fmt.Errorf("%s (this lsphost provides %s): build the extension with this lsphost's SDK, or update lsphost",
			strings.Join(bad, "; "), hostFunctions(rt))
		rt.Close(ctx)
		return nil, nil, nil, &moduleError{err: err}
	}
	return rt, compiled, image, nil
}

// runtime is a wazero runtime with lsphost's settings.
func (h *Host) runtime(ctx context.Context, pages uint32) wazero.Runtime {
	// WithCloseOnContextDone is what lets a deadline stop a looping guest;
	// without it one bad extension wedges the whole process (FINDINGS.md).
	return wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigCompiler().
		WithCloseOnContextDone(true).
		WithMemoryLimitPages(pages).
		WithCompilationCache(h.cache))
}

// linkImports provides what an extension may import: WASI and the lsphost
// module.
func linkImports(ctx context.Context, rt wazero.Runtime) error {
	if _, err := wasi_snapshot_preview1.Instantiate(ctx, rt); err != nil {
		return err
	}
	i32 := api.ValueTypeI32
	_, err := rt.NewHostModuleBuilder(abi.ImportModule).
		NewFunctionBuilder().WithFunc(hostLog).Export(abi.ImportLog).
		NewFunctionBuilder().WithFunc(hostReadFile).Export(abi.ImportReadFile).
		// Called on every request, or many times in one: stack-based
		// functions, not reflection.
		NewFunctionBuilder().WithGoModuleFunction(api.GoModuleFunc(hostReadRequest), []api.ValueType{i32}, nil).Export(abi.ImportReadRequest).
		NewFunctionBuilder().WithGoModuleFunction(api.GoModuleFunc(hostIndex), []api.ValueType{i32, i32, i32, i32}, []api.ValueType{i32}).Export(abi.ImportIndex).
		NewFunctionBuilder().WithGoModuleFunction(api.GoModuleFunc(hostRuns), []api.ValueType{i32, i32, i32, i32, i32}, []api.ValueType{i32}).Export(abi.ImportRuns).
		Instantiate(ctx)
	return err
}

// callerKey is the context key of the extension whose instance runs: every
// call into an instance carries it (the instance's deadline, or
// Extension.callerContext while it starts).
type callerKey struct{}

func (e *Extension) callerContext(ctx context.Context) context.Context {
	return context.WithValue(ctx, callerKey{}, e)
}

// callerOf returns the extension whose instance made an import call, or nil
// (then the import does nothing and grants nothing).
func callerOf(ctx context.Context) *Extension {
	e, _ := ctx.Value(callerKey{}).(*Extension)
	return e
}

func hostLog(ctx context.Context, m api.Module, level, ptr, n uint32) {
	if e := callerOf(ctx); e != nil {
		e.hostLog(m, level, ptr, n)
	}
}

func hostReadFile(ctx context.Context, m api.Module, pathPtr, pathLen, bufPtr, bufCap uint32) int64 {
	if e := callerOf(ctx); e != nil {
		return e.hostReadFile(m, pathPtr, pathLen, bufPtr, bufCap)
	}
	return int64(abi.ReadNotGranted)
}

func hostReadRequest(ctx context.Context, m api.Module, stack []uint64) {
	ptr := api.DecodeU32(stack[0])
	var in *instance
	if e := callerOf(ctx); e != nil {
		in = e.instanceOf(m)
	}
	if in == nil {
		panic(errReadOutsideHandle)
	}
	in.readRequest(ptr)
}

// hostIndex is the index import: strings.Index over two ranges of the
// guest's memory, natively, for the SDK's Index (RATIONALE.md, "Why does
// the host search for the guest?"). It grants nothing: it reads only the
// caller's own memory, in place. A range outside memory traps, as an
// out-of-bounds access does.
func hostIndex(ctx context.Context, m api.Module, stack []uint64) {
	textPtr, textLen := api.DecodeU32(stack[0]), api.DecodeU32(stack[1])
	patternPtr, patternLen := api.DecodeU32(stack[2]), api.DecodeU32(stack[3])
	mem := m.Memory()
	text, okText := mem.Read(textPtr, textLen)
	pattern, okPattern := mem.Read(patternPtr, patternLen)
	if !okText || !okPattern || textLen > math.MaxInt32 {
		panic(fmt.Errorf("%s(%#x, %d, %#x, %d): a range outside memory of %d bytes, or a text of 2 GiB or more",
			abi.ImportIndex, textPtr, textLen, patternPtr, patternLen, mem.Size()))
	}
	stack[0] = api.EncodeI32(int32(searchChunks(ctx, text, pattern)))
}

// searchChunk is how much text searchChunks searches between looks at the
// call's deadline: a millisecond or two of bytes.Index at its slowest.
const searchChunk = 1 << 20

// searchChunks is bytes.Index, a chunk at a time: a guest cannot be
// preempted while the host searches for it, and a search of its whole
// memory could otherwise overrun its deadline by a quarter of a second
// (128 MiB at Rabin-Karp's speed). Each chunk searches the matches that
// start in it, so with chunks no shorter than the pattern the text is read
// at most twice. When the deadline has passed it traps.
func searchChunks(ctx context.Context, text, pattern []byte) int {
	chunk := max(searchChunk, len(pattern))
	for start := 0; ; start += chunk {
		end := min(len(text), start+chunk+len(pattern)-1)
		if i := bytes.Index(text[start:end], pattern); i >= 0 {
			return start + i
		}
		if end == len(text) {
			return -1
		}
		if err := ctx.Err(); err != nil {
			panic(err)
		}
	}
}
