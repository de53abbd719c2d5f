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
// empty Go SDK guest (plus the SDK's and Go runtime's cost in the guest):
//
//   - encode: the request JSON
//   - alloc: lsphost_alloc
//   - copy: writing the request and the text into guest memory
//   - call: lsphost_alloc, copy and lsphost_call (a Go guest accepts a call
//     only on a fresh buffer, so call alone is call - alloc - copy)
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
		ctx := context.Background()
		inst, err := ext.pool.acquire(ctx)
		if err != nil {
			b.Fatal(err)
		}
		body, _ := appendRequest(nil, &req)
		total := len(body) + d.Text.Len()
		b.Run(guest.name+"/encode", func(b *testing.B) {
			b.ReportAllocs()
			defer cputime.Report(b)()
			for b.Loop() {
				body, _ = appendRequest(body[:0], &req)
			}
		})
		b.Run(guest.name+"/alloc", func(b *testing.B) {
			b.ReportAllocs()
			defer cputime.Report(b)()
			for b.Loop() {
				if _, err := inst.alloc(ctx, total); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(guest.name+"/copy", func(b *testing.B) {
			ptr, err := inst.alloc(ctx, total)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(total))
			b.ReportAllocs()
			defer cputime.Report(b)()
			for b.Loop() {
				if err := inst.write(ptr, body, d.Text, d.Text.Len()); err != nil {
					b.Fatal(err)
				}
			}
		})
		var response []byte
		b.Run(guest.name+"/call", func(b *testing.B) {
			b.ReportAllocs()
			defer cputime.Report(b)()
			for b.Loop() {
				ptr, err := inst.alloc(ctx, total)
				if err == nil {
					err = inst.write(ptr, body, d.Text, d.Text.Len())
				}
				if err == nil {
					response, err = inst.run(ctx, ptr, len(body), d.Text.Len())
				}
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
				if _, err := ext.Diagnostics(ctx, d); err != nil {
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
// the module as lsphost loads it (packed: packData) and as the Go linker
// wrote it (as-built), in one run.
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
	packed := ext.module.compiled
	asBuilt, err := ext.module.rt.CompileModule(ctx, code)
	if err != nil {
		b.Fatal(err)
	}
	for _, m := range []struct {
		name     string
		compiled wazero.CompiledModule
	}{{"packed", packed}, {"as-built", asBuilt}} {
		b.Run(m.name, func(b *testing.B) {
			ext.module.compiled = m.compiled
			defer func() { ext.module.compiled = packed }()
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
