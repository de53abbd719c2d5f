//go:build !linux || !(amd64 || arm64)

package extensions

import "github.com/tetratelabs/wazero/experimental"

// allocate keeps linear memory in a Go slice, as wazero does.
func allocate(capacity, _ uint64, img *memoryImage) (experimental.LinearMemory, error) {
	return allocateGo(capacity, img)
}
