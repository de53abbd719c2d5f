package extensions

import (
	"io/fs"
	"os"
	"path/filepath"
)

// writeFileAtomic replaces the file at path (or at the file a symbolic link
// there points to) with data: written aside in the same directory, then
// renamed into place, so that a reader, such as a server watching its
// configuration, never sees the file empty or half written, and a crash
// leaves the old file whole.
func writeFileAtomic(path string, data []byte, mode fs.FileMode) error {
	if real, err := filepath.EvalSymlinks(path); err == nil {
		path = real
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Chmod(mode)
	}
	if closeErr := tmp.Close(); err == nil {
		err = closeErr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}
