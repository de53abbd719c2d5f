//go:build wasip1

package sdk

import (
	"io/fs"
	"os"
	"path"
	"unsafe"
)

// hostReadFile is the host's read_file function.
//
//go:wasmimport lsphost read_file
//go:noescape
func hostReadFile(path string, buf *byte, bufCap uint32) int64

func readFile(path string) ([]byte, error) {
	buf := make([]byte, 4096)
	for {
		n := hostReadFile(path, unsafe.SliceData(buf), uint32(len(buf)))
		switch {
		case n < 0:
			return nil, readError(path, n)
		case n <= int64(len(buf)):
			return buf[:n], nil
		}
		buf = make([]byte, n) // larger than the buffer: ask again with room
	}
}

// readDir lists a folder the host mounted for a read grant: each is at "/"
// + its path in the guest's file system.
func readDir(p string) ([]fs.DirEntry, error) {
	return os.ReadDir("/" + path.Clean(p))
}
