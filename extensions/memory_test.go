package extensions

import (
	"strings"
	"testing"

	"github.com/lsphost/lsphost/internal/wasmbuild"
)

// TestGoGuestMemoryStaysBounded: a Go guest's linear memory does not grow
// with the number of calls. In a reactor the GC's sweeper runs only when the
// export yields (the SDK's runtime.Gosched): without it, 100 calls with a
// 1 MiB document need over 100 MiB (FINDINGS.md: 452 MiB after 200 calls).
func TestGoGuestMemoryStaysBounded(t *testing.T) {
	t.Parallel()
	ext := load(t, newHost(t, Options{}), testSpec("garbage", wasmbuild.Build(t, "testdata/guests/garbage")))
	d := doc(strings.Repeat("x := compute(a, b) // TODO: check\n", 512<<10/32))
	for i := range 100 {
		if _, err := ext.Diagnostics(testContext(t), d); err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	inst, err := ext.pool.acquire(testContext(t))
	if err != nil {
		t.Fatal(err)
	}
	defer ext.pool.release(inst, true)
	t.Logf("linear memory: %d MiB", inst.mem.Size()>>20)
	if size := inst.mem.Size(); size > 20<<20 {
		t.Errorf("linear memory after 100 calls with 512 KiB: %d MiB, want at most 20 MiB", size>>20)
	}
}
