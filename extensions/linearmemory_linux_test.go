//go:build linux && (amd64 || arm64)

package extensions

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
	"unsafe"

	"github.com/lsphost/lsphost/internal/wasmbuild"
)

// TestLinearMemoryIsOutsideTheGoHeap: a guest's linear memory does not
// count toward the Go heap (where it would inflate the garbage collector's
// target and be copied at every growth), and its pages are unmapped once the
// extension closes. Not parallel: it measures the process's heap and maps.
func TestLinearMemoryIsOutsideTheGoHeap(t *testing.T) {
	ext, err := newHost(t, Options{}).Load(context.Background(), testSpec("garbage", wasmbuild.Build(t, "testdata/guests/garbage")))
	if err != nil {
		t.Fatal(err)
	}
	before := heapInUse()
	// An 8 MiB document grows the guest's memory by more than that (its
	// input buffer, and what the guest makes of it).
	if _, err := ext.Diagnostics(testContext(t), doc(strings.Repeat("x", 8<<20))); err != nil {
		t.Fatal(err)
	}
	inst, err := ext.pool.acquire(testContext(t))
	if err != nil {
		t.Fatal(err)
	}
	size := inst.mem.Size()
	view, _ := inst.mem.Read(0, 1)
	base := uintptr(unsafe.Pointer(unsafe.SliceData(view)))
	ext.pool.release(inst, true)
	grown := int64(heapInUse()) - int64(before)
	t.Logf("linear memory %d MiB; Go heap in use grew by %.1f MiB", size>>20, float64(grown)/(1<<20))
	if size < 16<<20 {
		t.Fatalf("linear memory is %d MiB: the test needs it to grow past 16 MiB", size>>20)
	}
	if grown > int64(size)/2 {
		t.Errorf("the Go heap grew by %d MiB with %d MiB of linear memory: the memory is on the Go heap", grown>>20, size>>20)
	}
	if !mapped(t, base) {
		t.Fatalf("linear memory at %#x is in no mapping of /proc/self/maps", base)
	}
	if err := ext.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if mapped(t, base) {
		t.Errorf("the memory of a closed extension is still mapped at %#x", base)
	}
}

func heapInUse() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse
}

// mapped reports whether addr is in a mapping of this process.
func mapped(t *testing.T, addr uintptr) bool {
	t.Helper()
	maps, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		t.Skipf("no /proc/self/maps: %v", err)
	}
	for _, line := range strings.Split(string(maps), "\n") {
		var lo, hi uintptr
		if _, err := fmt.Sscanf(line, "%x-%x", &lo, &hi); err == nil && lo <= addr && addr < hi {
			return true
		}
	}
	return false
}
