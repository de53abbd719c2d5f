package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	"github.com/lsphost/lsphost/internal/wasmbuild"
)

// lsphostBin is the binary buildLsphost builds, once per test binary.
var lsphostBin struct {
	once sync.Once
	dir  string // removed by TestMain
	path string
	err  error
}

// TestMain removes the lsphost binary that buildLsphost built. The binary is
// shared by every test of this test binary (and every -count), so it cannot
// live in one test's t.TempDir.
func TestMain(m *testing.M) {
	code := m.Run()
	if lsphostBin.dir != "" {
		os.RemoveAll(lsphostBin.dir)
	}
	os.Exit(code)
}

// buildLsphost builds ./cmd/lsphost with go build, once per test binary,
// and returns the path of the executable. Tests that run the real server as
// a subprocess (as an editor would) use it.
func buildLsphost(t testing.TB) string {
	t.Helper()
	lsphostBin.once.Do(func() {
		dir, err := os.MkdirTemp("", "lsphost-test-bin-")
		if err != nil {
			lsphostBin.err = err
			return
		}
		lsphostBin.dir = dir
		path := filepath.Join(dir, "lsphost")
		if runtime.GOOS == "windows" {
			path += ".exe"
		}
		cmd := exec.Command("go", "build", "-o", path, "./cmd/lsphost")
		cmd.Dir = wasmbuild.Root()
		if out, err := cmd.CombinedOutput(); err != nil {
			lsphostBin.err = fmt.Errorf("go build ./cmd/lsphost: %v\n%s", err, out)
			return
		}
		lsphostBin.path = path
	})
	if lsphostBin.err != nil {
		t.Fatal(lsphostBin.err)
	}
	return lsphostBin.path
}
