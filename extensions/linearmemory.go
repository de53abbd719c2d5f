package extensions

import (
	"context"
	"fmt"
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

// withLinearMemory makes the instance started with ctx keep its linear
// memory outside the Go heap where the platform allows it (see
// linearmemory_linux.go), in a Go slice elsewhere, starting from img if the
// module has one (prepareModule), counted in own and in the count ctx
// carries, if any. Once the instance is started, failed tells whether img
// could not be put in place (the instance's memory then lacks its data).
func withLinearMemory(ctx context.Context, own *LinearMemories, img *memoryImage) (_ context.Context, failed func() error) {
	a := &imageAllocator{image: img}
	var alloc experimental.MemoryAllocator = countedAllocator{a, own}
	if c, ok := ctx.Value(linearMemoriesKey{}).(*LinearMemories); ok {
		alloc = countedAllocator{alloc, c}
	}
	return experimental.WithMemoryAllocator(ctx, alloc), func() error { return a.err }
}

// imageAllocator makes an instance's memory and puts the module's memory
// image in it.
type imageAllocator struct {
	image *memoryImage
	err   error // why the image is not in place
}

func (a *imageAllocator) Allocate(capacity, maxBytes uint64) experimental.LinearMemory {
	mem, err := allocate(capacity, maxBytes, a.image)
	if err != nil {
		a.err = fmt.Errorf("the module's data cannot be put in its memory: %w", err)
	}
	return mem
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

// allocateGo makes a Go slice memory that starts with img, if not nil.
func allocateGo(capacity uint64, img *memoryImage) (experimental.LinearMemory, error) {
	if img == nil {
		return &goMemory{buf: make([]byte, 0, capacity)}, nil
	}
	m := &goMemory{buf: make([]byte, img.size, max(capacity, uint64(img.size)))}
	return m, img.copyTo(m.buf)
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
