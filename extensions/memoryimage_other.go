//go:build !linux || !(amd64 || arm64)

package extensions

import "errors"

// newMemoryImage fails: instances copy the module's data segments, packed
// (packData).
func newMemoryImage(dataLayout) (*memoryImage, error) {
	return nil, errors.New("memory images need Linux")
}
