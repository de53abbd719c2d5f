package exttest

import (
	"os"
	"os/exec"
	"path/filepath"
)

// Build builds the extension in the Go package directory dir (e.g. "." in
// the extension's own tests) to wasm, as
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared
//
// into a temporary directory, and returns the .wasm file's path. It fails
// the test if the build fails. A test that loads the built module with
// [Load] tests the artifact users get.
func Build(t TB, dir string) string {
	if t == nil {
		t = panicTB{}
	}
	t.Helper()
	out, err := os.MkdirTemp("", "exttest-")
	if err != nil {
		t.Fatalf("build %s: %v", dir, err)
	}
	t.Cleanup(func() { os.RemoveAll(out) })
	wasm := filepath.Join(out, "extension.wasm")
	cmd := exec.Command("go", "build", "-buildmode=c-shared", "-o", wasm, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm")
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build %s: %v\n%s", dir, err, msg)
	}
	return wasm
}
