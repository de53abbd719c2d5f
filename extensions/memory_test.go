package extensions

import (
	"context"
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

// TestHealthCountsInstancesAndMemory: Health reports the instances not yet
// closed and the size of their linear memories, which grows with what a
// guest holds and is zero once the extension is closed.
func TestHealthCountsInstancesAndMemory(t *testing.T) {
	ext, err := newHost(t, Options{}).Load(context.Background(), testSpec("garbage", wasmbuild.Build(t, "testdata/guests/garbage")))
	if err != nil {
		t.Fatal(err)
	}
	h := ext.Health()
	if h.Instances != 1 || h.MemoryBytes <= 0 {
		t.Fatalf("after Load: %d instances, %d bytes of linear memory; want 1 and more than 0", h.Instances, h.MemoryBytes)
	}
	loaded := h.MemoryBytes
	// An 8 MiB document grows the instance's memory by at least that.
	if _, err := ext.Diagnostics(testContext(t), doc(strings.Repeat("x", 8<<20))); err != nil {
		t.Fatal(err)
	}
	if h = ext.Health(); h.MemoryBytes < loaded+8<<20 {
		t.Errorf("after an 8 MiB document: %d bytes of linear memory, want at least %d", h.MemoryBytes, loaded+8<<20)
	}
	if err := ext.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if h = ext.Health(); h.Instances != 0 || h.MemoryBytes != 0 {
		t.Errorf("after Close: %d instances, %d bytes of linear memory; want none", h.Instances, h.MemoryBytes)
	}
}
