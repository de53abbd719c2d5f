package extensions

import (
	"bytes"
	"context"
	"encoding/binary"
	"math"
	"os"
	"testing"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"

	"github.com/lsphost/lsphost/internal/wasmbuild"
)

// dataModule is a module with one page of memory, exported, and a data
// section of the given raw segments (each its full encoding).
func dataModule(segments ...[]byte) []byte {
	m := []byte("\x00asm\x01\x00\x00\x00")
	m = append(m, 5, 3, 1, 0, 1)                                   // memory: min 1 page
	m = append(m, 7, 10, 1, 6, 'm', 'e', 'm', 'o', 'r', 'y', 2, 0) // export "memory"
	data := appendU32(nil, uint32(len(segments)))
	for _, s := range segments {
		data = append(data, s...)
	}
	m = append(m, sectionData)
	m = appendU32(m, uint32(len(data)))
	return append(m, data...)
}

// active is an active segment of memory 0 at an i32.const offset.
func active(offset int32, b []byte) []byte {
	s := appendS32([]byte{0, opI32Const}, offset)
	s = append(s, opEnd)
	s = appendU32(s, uint32(len(b)))
	return append(s, b...)
}

// memoryAfterStart instantiates code without running anything in it and
// returns its memory, or the instantiation's error.
func memoryAfterStart(t testing.TB, code []byte) ([]byte, error) {
	return startedMemory(t, func(rt wazero.Runtime) (api.Module, error) {
		compiled, err := rt.CompileModule(context.Background(), code)
		if err != nil {
			t.Fatalf("compile: %v", err)
		}
		return rt.InstantiateModule(context.Background(), compiled, wazero.NewModuleConfig().WithStartFunctions())
	})
}

// startedMemory returns the memory of the module start makes in a fresh
// runtime with lsphost's imports, or start's error.
func startedMemory(t testing.TB, start func(wazero.Runtime) (api.Module, error)) ([]byte, error) {
	t.Helper()
	ctx := context.Background()
	rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigInterpreter())
	defer rt.Close(ctx)
	if err := linkImports(ctx, rt); err != nil {
		t.Fatal(err)
	}
	mod, err := start(rt)
	if err != nil {
		return nil, err
	}
	mem, _ := mod.Memory().Read(0, mod.Memory().Size())
	return bytes.Clone(mem), nil
}

func segmentsOf(t testing.TB, code []byte) int {
	t.Helper()
	for pos := 8; pos < len(code); {
		size, n := readU32(code[pos+1:])
		if code[pos] == sectionData {
			count, _ := readU32(code[pos+1+n:])
			return int(count)
		}
		pos += 1 + n + int(size)
	}
	t.Fatal("no data section")
	return 0
}

// todoBytes is the todo example as built: a Go guest with ~40,000 data
// segments.
func todoBytes(t *testing.T) []byte {
	t.Helper()
	code, err := os.ReadFile(wasmbuild.Example(t, "todo"))
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// TestPackData: the modules lsphost runs are rewritten to a few data
// segments and start with exactly the memory the original would have.
func TestPackData(t *testing.T) {
	goGuest := todoBytes(t)
	for _, tc := range []struct {
		name string
		code []byte
		max  int // segments after packing
	}{
		{"Go guest", goGuest, 2},
		{"out of order, small gaps", dataModule(active(300, []byte("later")), active(10, []byte("first")), active(40, []byte{1, 0, 0, 2})), 1},
		{"gap over packGap", dataModule(active(10, []byte("a")), active(20, []byte("b")), active(20+packGap+2, []byte("c"))), 2},
		{"ends past the memory", dataModule(active(65530, []byte("a")), active(65533, []byte("abcd"))), 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			packed := packData(tc.code)
			before, after := segmentsOf(t, tc.code), segmentsOf(t, packed)
			if after > tc.max || after >= before {
				t.Fatalf("%d segments packed into %d, want at most %d", before, after, tc.max)
			}
			want, wantErr := memoryAfterStart(t, tc.code)
			got, gotErr := memoryAfterStart(t, packed)
			if (wantErr == nil) != (gotErr == nil) {
				t.Fatalf("instantiating: original %v, packed %v", wantErr, gotErr)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("the packed module starts with other memory (%d bytes against %d)", len(got), len(want))
			}
		})
	}
}

// TestPackDataLeavesAlone: what packData cannot prove equivalent, or would
// not gain from, comes back as it was.
func TestPackDataLeavesAlone(t *testing.T) {
	goGuest := todoBytes(t)
	a, b := active(10, []byte("a")), active(20, []byte("b"))
	passive := append([]byte{1, 1}, 'p')
	withDataCount := dataModule(a, b)
	withDataCount = append(withDataCount[:25:25], append([]byte{sectionDataCount, 1, 2}, withDataCount[25:]...)...)
	sparse := make([][]byte, 100) // one byte every 4 KiB: packing would write 400 KB of zeros
	for i := range sparse {
		sparse[i] = active(int32(i*packGap), []byte{1})
	}
	for _, tc := range []struct {
		name string
		code []byte
	}{
		{"not wasm", []byte("\x00asn\x01\x00\x00\x00")},
		{"no data", dataModule()[:25]},
		{"one segment", dataModule(a)},
		{"already far apart", dataModule(a, active(20+packGap+1, []byte("b")))},
		{"overlapping", dataModule(active(10, []byte("abcd")), active(12, []byte("xy")))},
		{"passive segment", dataModule(a, passive, b)},
		{"memory index form", dataModule(a, append([]byte{2, 0, opI32Const, 30, opEnd, 1}, 'c'))},
		{"offset from a global", dataModule(a, append([]byte{0, 0x23, 0, opEnd, 1}, 'g'))},
		{"DataCount section", withDataCount},
		{"segment count too high", append(dataModule(a, b)[:25], sectionData, 1, 3)},
		{"segment past the section", dataModule(a, active(30, nil)[:4], b)},
		{"truncated Go guest", goGuest[:len(goGuest)-len(goGuest)/4]},
		{"two data sections", append(dataModule(a, b), dataModule(a, b)[25:]...)},
		{"too sparse", dataModule(sparse...)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := packData(tc.code); &got[0] != &tc.code[0] || len(got) != len(tc.code) {
				t.Errorf("packData rewrote it (%d bytes to %d)", len(tc.code), len(got))
			}
		})
	}
}

func TestLEB128(t *testing.T) {
	for _, v := range []int32{0, 1, -1, 63, 64, -64, -65, 127, 128, 1 << 20, math.MaxInt32, math.MinInt32} {
		enc := appendS32(nil, v)
		if got, n := readS32(enc); got != v || n != len(enc) || n != lenS32(v) {
			t.Errorf("readS32(appendS32(%d) = % x) = %d, %d bytes", v, enc, got, n)
		}
	}
	for _, v := range []uint32{0, 1, 127, 128, 1 << 28, math.MaxUint32} {
		enc := appendU32(nil, v)
		if got, n := readU32(enc); got != v || n != len(enc) || n != lenU32(v) || !bytes.Equal(enc, binary.AppendUvarint(nil, uint64(v))) {
			t.Errorf("readU32(appendU32(%d) = % x) = %d, %d bytes", v, enc, got, n)
		}
	}
	for _, bad := range [][]byte{nil, {0x80}, {0xff, 0xff, 0xff, 0xff, 0x7f}, {0x80, 0x80, 0x80, 0x80, 0x80, 0}} {
		if _, n := readU32(bad); n != 0 {
			t.Errorf("readU32(% x) accepted %d bytes", bad, n)
		}
	}
	for _, bad := range [][]byte{nil, {0x80}, {0xff, 0xff, 0xff, 0xff, 0x0f}, {0x80, 0x80, 0x80, 0x80, 0x70}} {
		if _, n := readS32(bad); n != 0 {
			t.Errorf("readS32(% x) accepted %d bytes", bad, n)
		}
	}
}

// FuzzPackData: for any layout of segments in one page, the packed module
// and the module lsphost runs (prepareModule: its data an image where the
// platform allows it) instantiate exactly when the original does, with the
// same memory.
func FuzzPackData(f *testing.F) {
	f.Add([]byte{0, 10, 3, 'a', 'b', 'c', 0, 20, 1, 'd'})
	f.Add([]byte{1, 0, 2, 1, 2, 0, 10, 1, 0, 255, 250, 9, 1})
	f.Fuzz(func(t *testing.T, layout []byte) {
		// Each segment is a 16-bit offset (up to 65535, so some end past the
		// page), a length and that many bytes.
		var segs [][]byte
		for len(layout) >= 3 && len(segs) < 50 {
			offset, n := binary.BigEndian.Uint16(layout), int(layout[2])
			layout = layout[3:]
			n = min(n, len(layout))
			segs = append(segs, active(int32(offset), layout[:n]))
			layout = layout[n:]
		}
		code := dataModule(segs...)
		want, wantErr := memoryAfterStart(t, code)
		if packed := packData(code); !bytes.Equal(packed, code) {
			got, gotErr := memoryAfterStart(t, packed)
			if (wantErr == nil) != (gotErr == nil) || !bytes.Equal(got, want) {
				t.Fatalf("packed module differs: instantiation %v against %v", gotErr, wantErr)
			}
		}
		got, gotErr := preparedMemory(t, code)
		if (wantErr == nil) != (gotErr == nil) || !bytes.Equal(got, want) {
			t.Fatalf("prepared module differs: instantiation %v against %v", gotErr, wantErr)
		}
	})
}
