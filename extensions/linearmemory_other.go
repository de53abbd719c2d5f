//go:build !linux || !(amd64 || arm64)

package extensions

import "github.com/tetratelabs/wazero/experimental"

// mappedMemories is nil: wazero keeps linear memory in Go slices.
var mappedMemories experimental.MemoryAllocator
