//go:build !wasip1

package sdk

import (
	"io/fs"
	"os"
	"path/filepath"
)

func readFile(path string) ([]byte, error) {
	return os.ReadFile(filepath.FromSlash(path))
}

func readDir(path string) ([]fs.DirEntry, error) {
	return os.ReadDir(filepath.FromSlash(path))
}
