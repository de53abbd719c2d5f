package extensions

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tetratelabs/wazero"

	"github.com/lsphost/lsphost/abi"
	"github.com/lsphost/lsphost/internal/cputime"
	"github.com/lsphost/lsphost/internal/wasmbuild"
)

// noopWasm is the hand-written no-op guest (testdata/guests/noop).
func noopWasm() string {
	return filepath.Join(wasmbuild.Root(), "testdata", "guests", "noop", "noop.wasm")
}

// BenchmarkCall splits one diagnostics call on a 1 KiB document into the
// host's steps, for the no-op WAT guest (the host's own cost) and for the
// empty Go SDK guest (plus the SDK's and Go runtime's cost in the guest),
// both in the one-call form (lsphost_handle):
//
//   - encode: the request JSON
//   - copy: read_request's copy of the request and the text into guest
//     memory (noop only: its buffer is at a known address)
//   - call: lsphost_handle, the copy included
//   - decode: decoding and sanitizing the response
//   - roundtrip: Extension.Diagnostics, all of the above with the deadline
//     and the pool
//
// Every step runs with the production settings: WithCloseOnContextDone,
// a deadline per call and a memory limit.
//
//	go test -run '^$' -bench 'Call|Pool' -benchmem ./extensions
func BenchmarkCall(b *testing.B) {
	for _, guest := range []struct{ name, wasm string }{
		{"noop", noopWasm()},
		{"go-empty", wasmbuild.Build(b, "testdata/guests/empty")},
	} {
		ext := load(b, newHost(b, Options{}), testSpec(guest.name, guest.wasm))
		d := doc(strings.Repeat("// a line of text to check, 32B\n", 32))
		req := abi.Request{Method: abi.MethodDiagnostics, Document: docInfo(d)}
		ctx := ext.callerContext(context.Background())
		inst, err := ext.pool.acquire(ctx)
		if err != nil {
			b.Fatal(err)
		}
		body, _ := appendRequest(nil, &req)
		b.Run(guest.name+"/encode", func(b *testing.B) {
			b.ReportAllocs()
			defer cputime.Report(b)()
			for b.Loop() {
				body, _ = appendRequest(body[:0], &req)
			}
		})
		if guest.name == "noop" {
			b.Run(guest.name+"/copy", func(b *testing.B) {
				const noopBuffer = 32768 // noop.wat's $buf, inside its first page
				inst.pending = pendingRequest{active: true, body: body, text: d.Text, textLen: d.Text.Len()}
				defer func() { inst.pending = pendingRequest{} }()
				b.SetBytes(int64(len(body) + d.Text.Len()))
				b.ReportAllocs()
				defer cputime.Report(b)()
				for b.Loop() {
					inst.readRequest(noopBuffer)
				}
			})
		}
		var response []byte
		b.Run(guest.name+"/call", func(b *testing.B) {
			b.ReportAllocs()
			defer cputime.Report(b)()
			for b.Loop() {
				response, err = inst.handle(ctx, body, d.Text, d.Text.Len())
				if err != nil {
					b.Fatal(err)
				}
			}
			response = append([]byte(nil), response...)
		})
		b.Run(guest.name+"/decode", func(b *testing.B) {
			b.ReportAllocs()
			defer cputime.Report(b)()
			for b.Loop() {
				var res abi.DiagnosticsResult
				if err := decodeResponse(response, req.Method, &res); err != nil {
					b.Fatal(err)
				}
				sanitizeDiagnostics(res.Diagnostics, d.Text.Len())
			}
		})
		ext.pool.release(inst, true)
		b.Run(guest.name+"/roundtrip", func(b *testing.B) {
			b.ReportAllocs()
			defer cputime.Report(b)()
			for b.Loop() {
				if _, err := ext.Diagnostics(context.Background(), d); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkPool takes an idle instance from an extension's pool and puts it
// back.
func BenchmarkPool(b *testing.B) {
	ext := load(b, newHost(b, Options{}), testSpec("noop", noopWasm()))
	ctx := context.Background()
	b.ReportAllocs()
	defer cputime.Report(b)()
	for b.Loop() {
		inst, err := ext.pool.acquire(ctx)
		if err != nil {
			b.Fatal(err)
		}
		ext.pool.release(inst, true)
	}
}

// BenchmarkInstantiate starts a new instance of the todo Go guest, up to
// its answer to initialize, as the pool does when it grows: compiled from
// the module as lsphost loads it (its data a memory image: prepareModule),
// with its data segments packed (packData, where images are not supported)
// and as the Go linker wrote it (as-built), in one run.
//
//	go test -run '^$' -bench Instantiate -benchmem ./extensions
func BenchmarkInstantiate(b *testing.B) {
	wasm := wasmbuild.Example(b, "todo")
	ext := load(b, newHost(b, Options{}), testSpec("todo", wasm))
	code, err := os.ReadFile(wasm)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	loaded, image := ext.module.compiled, ext.module.image
	if image == nil {
		b.Log("no memory image on this platform")
	}
	packed, err := ext.module.rt.CompileModule(ctx, packData(code))
	if err != nil {
		b.Fatal(err)
	}
	asBuilt, err := ext.module.rt.CompileModule(ctx, code)
	if err != nil {
		b.Fatal(err)
	}
	for _, m := range []struct {
		name     string
		compiled wazero.CompiledModule
		image    *memoryImage
	}{{"image", loaded, image}, {"packed", packed, nil}, {"as-built", asBuilt, nil}} {
		b.Run(m.name, func(b *testing.B) {
			ext.module.compiled, ext.module.image = m.compiled, m.image
			defer func() { ext.module.compiled, ext.module.image = loaded, image }()
			b.ReportAllocs()
			defer cputime.Report(b)()
			for b.Loop() {
				inst, err := ext.instantiate(ctx)
				if err != nil {
					b.Fatal(err)
				}
				inst.close()
			}
		})
	}
}

// BenchmarkLoadCold loads the todo Go guest with nothing cached, as the
// first start after an extension changes does: wazero compiles every
// function, on GOMAXPROCS workers. cpu-ns/op over ns/op is the cores the
// load kept busy; -cpu 1,2 compares one worker with two.
//
//	go test -run '^$' -bench LoadCold -benchtime 3x -cpu 1,2 ./extensions
func BenchmarkLoadCold(b *testing.B) {
	spec := testSpec("todo", wasmbuild.Example(b, "todo"))
	ctx := context.Background()
	defer cputime.Report(b)()
	for b.Loop() {
		h := NewHost(Options{}) // an empty in-memory cache: nothing compiled
		ext, err := h.Load(ctx, spec)
		if err != nil {
			b.Fatal(err)
		}
		ext.Close(ctx)
		h.Close(ctx)
	}
}

// BenchmarkLoadCached loads the todo Go guest with its machine code already
// in the compilation cache, as every start of lsphost after the first does:
// reading the file, decoding and validating it, reading the cached code, and
// the first instance up to its answer to initialize. CPU time is the figure
// on a busy machine: a load runs on one core.
//
//	go test -run '^$' -bench LoadCached -benchmem ./extensions
func BenchmarkLoadCached(b *testing.B) {
	h := newHost(b, Options{})
	spec := testSpec("todo", wasmbuild.Example(b, "todo"))
	load(b, newHost(b, Options{}), spec) // compiled into the cache once
	ctx := context.Background()
	b.ReportAllocs()
	defer cputime.Report(b)()
	for b.Loop() {
		ext, err := h.Load(ctx, spec)
		if err != nil {
			b.Fatal(err)
		}
		ext.Close(ctx) // the last user: the next Load compiles again, from the cache
	}
}
