//go:build !wasip1

package sdk

import (
	"os"
	"path/filepath"
)

func readFile(path string) ([]byte, error) {
	return os.ReadFile(filepath.FromSlash(path))
}
