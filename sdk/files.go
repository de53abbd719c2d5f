package sdk

import (
	"errors"
	"io/fs"
	"strconv"

	"github.com/lsphost/lsphost/abi"
)

// ErrNotGranted is returned by ReadFile for a path that no read grant of the
// extension covers.
var ErrNotGranted = errors.New("not covered by the extension's read grant ([extensions.NAME.grants] read = [...])")

// ReadFile returns the content of the file at path, a slash path relative
// to the folder of the configuration that declared the extension (the
// workspace root for a workspace's .lsphost.toml). The host allows it only
// where a read grant covers the path, and checks every call: a denial is
// ErrNotGranted, a missing file fs.ErrNotExist. Granted folders are also
// mounted read-only at "/" + their path, so os.ReadFile works there too.
//
// Natively (in tests) ReadFile reads path relative to the current directory.
func ReadFile(path string) ([]byte, error) {
	return readFile(path)
}

// readError turns a negative read_file result into an error.
func readError(path string, code int64) error {
	var err error
	switch abi.ReadError(code) {
	case abi.ReadNotGranted:
		err = ErrNotGranted
	case abi.ReadNotFound:
		err = fs.ErrNotExist
	default:
		err = errors.New("unreadable (a directory, larger than " + strconv.Itoa(abi.MaxReadFile) + " bytes, or an I/O error)")
	}
	return &fs.PathError{Op: "read", Path: path, Err: err}
}

// ReadDir lists the directory at path, a slash path relative to the same
// folder as ReadFile's ("." for the folder itself), sorted by name. Only
// granted folders are visible: the host mounts each read grant read-only,
// and a path outside them does not exist (fs.ErrNotExist).
//
// Natively (in tests) ReadDir lists path relative to the current directory.
func ReadDir(path string) ([]fs.DirEntry, error) {
	return readDir(path)
}
