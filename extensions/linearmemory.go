package extensions

import (
	"context"
	"sync/atomic"

	"github.com/tetratelabs/wazero/experimental"
)

// LinearMemories counts linear memories, one per instance, freed when
// wazero closes the instance, and their size. Every extension counts its
// own (Health); tests count those of the instances started under a context
// (CountLinearMemories) to see that closed, killed and retired instances
// give their memory back.
type LinearMemories struct {
	made, live, maxLive, bytes atomic.Int64
}

// Made is how many linear memories were made, Live how many are not freed
// yet, MaxLive the most that were live at once, Bytes the size of the live
// ones (what their guests see, not what is resident).
func (c *LinearMemories) Made() int64    { return c.made.Load() }
func (c *LinearMemories) Live() int64    { return c.live.Load() }
func (c *LinearMemories) MaxLive() int64 { return c.maxLive.Load() }
func (c *LinearMemories) Bytes() int64   { return c.bytes.Load() }

// CountLinearMemories makes the instances started under ctx count their
// linear memories in c. They are the same memories as without it.
func CountLinearMemories(ctx context.Context, c *LinearMemories) context.Context {
	return context.WithValue(ctx, linearMemoriesKey{}, c)
}

type linearMemoriesKey struct{}

// withLinearMemory makes the instances started with ctx keep their linear
// memory outside the Go heap where the platform allows it (see
// linearmemory_linux.go), in Go slices elsewhere, counted in own and in the
// count ctx carries, if any.
func withLinearMemory(ctx context.Context, own *LinearMemories) context.Context {
	alloc := mappedMemories
	if alloc == nil {
		alloc = experimental.MemoryAllocatorFunc(allocateGo)
	}
	alloc = countedAllocator{alloc, own}
	if c, ok := ctx.Value(linearMemoriesKey{}).(*LinearMemories); ok {
		alloc = countedAllocator{alloc, c}
	}
	return experimental.WithMemoryAllocator(ctx, alloc)
}

type countedAllocator struct {
	experimental.MemoryAllocator
	count *LinearMemories
}

func (a countedAllocator) Allocate(capacity, maxBytes uint64) experimental.LinearMemory {
	c := a.count
	c.made.Add(1)
	n := c.live.Add(1)
	for m := c.maxLive.Load(); n > m && !c.maxLive.CompareAndSwap(m, n); m = c.maxLive.Load() {
	}
	return &countedMemory{LinearMemory: a.MemoryAllocator.Allocate(capacity, maxBytes), count: c}
}

type countedMemory struct {
	experimental.LinearMemory
	count *LinearMemories
	size  atomic.Int64 // counted in count.bytes
	freed atomic.Bool
}

func (m *countedMemory) Reallocate(size uint64) []byte {
	buf := m.LinearMemory.Reallocate(size)
	if buf != nil && !m.freed.Load() {
		m.count.bytes.Add(int64(len(buf)) - m.size.Swap(int64(len(buf))))
	}
	return buf
}

func (m *countedMemory) Free() {
	if m.freed.CompareAndSwap(false, true) {
		m.count.live.Add(-1)
		m.count.bytes.Add(-m.size.Swap(0))
	}
	m.LinearMemory.Free()
}

// goMemory is a linear memory in a Go slice, as wazero's default is.
type goMemory struct{ buf []byte }

func allocateGo(capacity, _ uint64) experimental.LinearMemory {
	return &goMemory{buf: make([]byte, 0, capacity)}
}

func (m *goMemory) Reallocate(size uint64) []byte {
	if size <= uint64(cap(m.buf)) {
		m.buf = m.buf[:size]
		return m.buf
	}
	m.buf = append(m.buf, make([]byte, int(size)-len(m.buf))...)
	return m.buf
}

func (m *goMemory) Free() { m.buf = nil }
