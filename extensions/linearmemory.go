package extensions

import (
	"context"

	"github.com/tetratelabs/wazero/experimental"
)

// WithMemoryAllocator makes the instances started under ctx take their
// linear memory from a instead of lsphost's own (see
// linearmemory_linux.go). Tests use it to count instances and their memory.
func WithMemoryAllocator(ctx context.Context, a experimental.MemoryAllocator) context.Context {
	return context.WithValue(experimental.WithMemoryAllocator(ctx, a), ownAllocatorKey{}, true)
}

// ownAllocatorKey marks a context that has an allocator of its caller's.
type ownAllocatorKey struct{}

// withLinearMemory makes the instances started with ctx keep their linear
// memory outside the Go heap where the platform allows it, unless the
// caller chose an allocator (WithMemoryAllocator); elsewhere wazero's
// default, a Go slice, is used.
func withLinearMemory(ctx context.Context) context.Context {
	if mappedMemories == nil || ctx.Value(ownAllocatorKey{}) != nil {
		return ctx
	}
	return experimental.WithMemoryAllocator(ctx, mappedMemories)
}
