// Package wasmbuild builds Go extensions to WebAssembly for tests, once per
// source state: outputs are cached by a hash of the Go toolchain and every Go
// file under the module's sdk/, abi/ and the package itself, so parallel
// test binaries and repeated runs share one build.
package wasmbuild

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// Root returns the module root, found from this source file.
func Root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// CacheDir is where built modules and wazero's compiled code are kept
// between test runs.
func CacheDir() string {
	if dir := os.Getenv("LSPHOST_TEST_CACHE"); dir != "" {
		return dir
	}
	return filepath.Join(os.TempDir(), "lsphost-test-cache")
}

// Example builds sdk/examples/name and returns the path of the .wasm file.
func Example(t testing.TB, name string) string {
	return Build(t, filepath.Join("sdk", "examples", name))
}

// Build builds the main package in dir (relative to the module root) with
// GOOS=wasip1 GOARCH=wasm -buildmode=c-shared and returns the .wasm path.
func Build(t testing.TB, dir string) string {
	t.Helper()
	path, err := Path(dir)
	if err != nil {
		t.Fatalf("build %s: %v", dir, err)
	}
	return path
}

// Path builds the main package in dir (relative to the module root) unless
// the cache has it, and returns the .wasm path.
func Path(dir string) (string, error) {
	root := Root()
	h := sha256.New()
	fmt.Fprintln(h, runtime.Version(), dir)
	for _, src := range []string{"abi", "sdk", dir} {
		if err := hashGoFiles(h, filepath.Join(root, src), src == "sdk", src == dir); err != nil {
			return "", err
		}
	}
	sum := hex.EncodeToString(h.Sum(nil))[:16]
	out := filepath.Join(CacheDir(), "wasm", filepath.Base(dir)+"-"+sum+".wasm")
	if _, err := os.Stat(out); err == nil {
		return out, nil
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return "", err
	}
	tmp := fmt.Sprintf("%s.%d.tmp", out, os.Getpid())
	cmd := exec.Command("go", "build", "-buildmode=c-shared", "-o", tmp, "./"+filepath.ToSlash(dir))
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm")
	if msg, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("%v\n%s", err, msg)
	}
	// Rename is atomic: a concurrent build of the same source just wins or
	// loses the race with an identical file.
	return out, os.Rename(tmp, out)
}

// hashGoFiles hashes the names and contents of the .go files under dir,
// excluding tests; recursive only into non-example subdirectories if deep.
// With embeds, every file but tests counts (a //go:embed'ed word list).
func hashGoFiles(h io.Writer, dir string, deep, embeds bool) error {
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != dir && (!deep || d.Name() == "examples" || d.Name() == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if !embeds && !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		fmt.Fprintln(h, path, len(data))
		h.Write(data)
		return nil
	})
}
