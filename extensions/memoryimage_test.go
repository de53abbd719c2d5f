package extensions

import (
	"bytes"
	"context"
	"runtime"
	"testing"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
)

// imagesSupported is whether this platform takes data out into images.
var imagesSupported = runtime.GOOS == "linux" && (runtime.GOARCH == "amd64" || runtime.GOARCH == "arm64")

// startPrepared instantiates code as lsphost does (prepareModule, and its
// image put in place by the allocator) without running anything in it.
func startPrepared(t testing.TB, rt wazero.Runtime, code []byte) (api.Module, error) {
	t.Helper()
	ctx := context.Background()
	wasm, img := prepareModule(code)
	compiled, err := rt.CompileModule(ctx, wasm)
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	memCtx, imageFailed := withLinearMemory(ctx, &LinearMemories{}, img)
	mod, err := rt.InstantiateModule(memCtx, compiled, wazero.NewModuleConfig().WithName("").WithStartFunctions())
	if err == nil {
		if err := imageFailed(); err != nil {
			t.Fatal(err)
		}
	}
	return mod, err
}

// preparedMemory is the memory an instance of code starts with as lsphost
// runs it, or the instantiation's error.
func preparedMemory(t testing.TB, code []byte) ([]byte, error) {
	return startedMemory(t, func(rt wazero.Runtime) (api.Module, error) { return startPrepared(t, rt, code) })
}

func hasDataSection(code []byte) bool {
	for pos := 8; pos < len(code); {
		size, n := readU32(code[pos+1:])
		if code[pos] == sectionData {
			return true
		}
		pos += 1 + n + int(size)
	}
	return false
}

// TestMemoryImage: the modules lsphost runs lose their data section to a
// memory image, and their instances start with exactly the memory the
// original would give them.
func TestMemoryImage(t *testing.T) {
	if !imagesSupported {
		t.Skip("memory images need Linux on amd64 or arm64; packData is tested on its own")
	}
	goGuest := todoBytes(t)
	for _, tc := range []struct {
		name string
		code []byte
	}{
		{"Go guest", goGuest},
		{"out of order", dataModule(active(300, []byte("later")), active(10, []byte("first")), active(40, []byte{1, 0, 0, 2}))},
		{"far apart", dataModule(active(0, []byte("a")), active(20+packGap+2, []byte("c")))},
		{"one segment", dataModule(active(5000, []byte("alone")))},
		{"up to the end of the memory", dataModule(active(65530, []byte("abcdef")))},
		{"overlapping: the later one wins", dataModule(active(12, []byte("xy")), active(10, []byte("abcd")), active(11, []byte("Q")))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wasm, img := prepareModule(tc.code)
			if img == nil || hasDataSection(wasm) {
				t.Fatalf("prepareModule kept the data section (image %v)", img != nil)
			}
			want, err := memoryAfterStart(t, tc.code)
			if err != nil {
				t.Fatal(err)
			}
			got, err := preparedMemory(t, tc.code)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("an instance starts with other memory (%d bytes against %d)", len(got), len(want))
			}
		})
	}
}

// TestMemoryImageCopyOnWrite: what an instance writes over its image stays
// its own; other instances, old and new, still see the module's data.
func TestMemoryImageCopyOnWrite(t *testing.T) {
	if !imagesSupported {
		t.Skip("memory images need Linux on amd64 or arm64")
	}
	ctx := context.Background()
	rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigInterpreter())
	defer rt.Close(ctx)
	code := dataModule(active(100, []byte("module data")))
	start := func() api.Module {
		t.Helper()
		mod, err := startPrepared(t, rt, code)
		if err != nil {
			t.Fatal(err)
		}
		return mod
	}
	read := func(mod api.Module) string {
		b, _ := mod.Memory().Read(100, 11)
		return string(b)
	}
	first, second := start(), start()
	if !first.Memory().Write(100, []byte("overwritten")) {
		t.Fatal("write failed")
	}
	if got := read(first); got != "overwritten" {
		t.Fatalf("the writer reads %q", got)
	}
	if got := read(second); got != "module data" {
		t.Errorf("another instance reads %q after the first wrote", got)
	}
	if got := read(start()); got != "module data" {
		t.Errorf("a new instance reads %q after the first wrote", got)
	}
}

// TestSplitDataLeavesAlone: what an image could not provably stand for
// keeps its data section, and so its behaviour: a segment past the memory
// still fails the instantiation.
func TestSplitDataLeavesAlone(t *testing.T) {
	goGuest := todoBytes(t)
	a, b := active(10, []byte("a")), active(20, []byte("b"))
	withDataCount := dataModule(a, b)
	withDataCount = append(withDataCount[:25:25], append([]byte{sectionDataCount, 1, 2}, withDataCount[25:]...)...)
	withMemory := func(memory ...byte) []byte { // dataModule(a, b) with another memory section
		m := dataModule(a, b)
		return append(append(m[:8:8], memory...), m[13:]...)
	}
	for _, tc := range []struct {
		name string
		code []byte
	}{
		{"not wasm", []byte("\x00asn\x01\x00\x00\x00")},
		{"no data", dataModule()[:25]},
		{"no segments", dataModule()},
		{"ends past the memory", dataModule(active(65530, []byte("a")), active(65533, []byte("abcd")))},
		{"past a memory of no pages", withMemory(sectionMemory, 3, 1, 0, 0)},
		{"imported memory", withMemory(2, 13, 1, 1, 'm', 6, 'm', 'e', 'm', 'o', 'r', 'y', 2, 0, 1)},
		{"shared memory", withMemory(sectionMemory, 4, 1, 3, 1, 1)},
		{"64-bit memory", withMemory(sectionMemory, 3, 1, 4, 1)},
		{"two memory sections", withMemory(sectionMemory, 3, 1, 0, 1, sectionMemory, 3, 1, 0, 1)},
		{"passive segment", dataModule(a, append([]byte{1, 1}, 'p'), b)},
		{"memory index form", dataModule(a, append([]byte{2, 0, opI32Const, 30, opEnd, 1}, 'c'))},
		{"offset from a global", dataModule(a, append([]byte{0, 0x23, 0, opEnd, 1}, 'g'))},
		{"DataCount section", withDataCount},
		{"truncated Go guest", goGuest[:len(goGuest)-len(goGuest)/4]},
		{"two data sections", append(dataModule(a, b), dataModule(a, b)[25:]...)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, ok := splitData(tc.code); ok {
				t.Fatal("splitData took the data out")
			}
			if wasm, img := prepareModule(tc.code); img != nil || !bytes.Equal(wasm, packData(tc.code)) {
				t.Errorf("prepareModule did not fall back to packData (image %v)", img != nil)
			}
		})
	}
	// The one above that wazero accepts and fails to instantiate still fails.
	if _, err := preparedMemory(t, dataModule(active(65530, []byte("a")), active(65533, []byte("abcd")))); err == nil {
		t.Error("a segment past the memory instantiated")
	}
}

// TestMemoryImageWithoutMapping: a memory the image cannot be mapped into
// (a Go slice, where the platform or the address space allows no mapping)
// gets a copy of it, and one too small for it is an error, not an instance
// without its data.
func TestMemoryImageWithoutMapping(t *testing.T) {
	if !imagesSupported {
		t.Skip("memory images need Linux on amd64 or arm64")
	}
	layout, ok := splitData(dataModule(active(100, []byte("module data")), active(70000-65536, []byte("x"))))
	if !ok {
		t.Fatal("splitData refused")
	}
	img, err := newMemoryImage(layout)
	if err != nil {
		t.Fatal(err)
	}
	mem, err := allocateGo(65536, img)
	if err != nil {
		t.Fatal(err)
	}
	buf := mem.Reallocate(65536)
	if string(buf[100:111]) != "module data" || buf[70000-65536] != 'x' || buf[99] != 0 || buf[111] != 0 {
		t.Errorf("the copy differs from the module's data: % x", buf[96:115])
	}
	if err := img.copyTo(make([]byte, img.size-1)); err == nil {
		t.Error("a memory smaller than the image took it")
	}
}
