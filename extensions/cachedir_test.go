package extensions

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"
	"time"
)

// TestPruneCache: the files used longest ago go first, until the rest fits
// (on Linux a file read lately counts as used then: b); a directory left
// empty goes too; other files in the cache are left.
func TestPruneCache(t *testing.T) {
	dir := t.TempDir()
	now := time.Now()
	files := []struct {
		path      string
		age, read time.Duration
	}{
		{"wazero-v0.9.0-amd64-linux/a", 72 * time.Hour, 72 * time.Hour},
		{"wazero-v1.0.0-amd64-linux/b", 48 * time.Hour, time.Minute},
		{"wazero-v1.0.0-amd64-linux/c", 24 * time.Hour, 24 * time.Hour},
		{"wazero-v1.0.0-amd64-linux/d", time.Hour, time.Hour},
		{"declarations/e.json", 96 * time.Hour, 96 * time.Hour},
	}
	for _, f := range files {
		p := filepath.Join(dir, f.path)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, make([]byte, 100), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, now.Add(-f.read), now.Add(-f.age)); err != nil {
			t.Fatal(err)
		}
	}
	removed, freed, err := PruneCache(dir, 250)
	if err != nil || removed != 2 || freed != 200 {
		t.Fatalf("PruneCache = %d files, %d bytes, %v; want the 2 oldest, 200 bytes", removed, freed, err)
	}
	var left []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && p != dir {
			rel, _ := filepath.Rel(dir, p)
			left = append(left, rel)
		}
		return nil
	})
	kept := "wazero-v1.0.0-amd64-linux/b" // read a minute ago
	if runtime.GOOS != "linux" {
		kept = "wazero-v1.0.0-amd64-linux/c" // written after b
	}
	want := []string{"declarations", "declarations/e.json", "wazero-v1.0.0-amd64-linux", kept, "wazero-v1.0.0-amd64-linux/d"}
	if !slices.Equal(left, want) {
		t.Errorf("left %q, want %q", left, want)
	}
	if removed, _, err := PruneCache(dir, 250); removed != 0 || err != nil {
		t.Errorf("PruneCache within the limit = %d files, %v; want none", removed, err)
	}
}

// TestPruneCacheOfHost: PruneCache finds the files a host's compilation
// cache writes (wazero's layout is what it assumes), and a module whose
// file it removed loads again.
func TestPruneCacheOfHost(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	wasm := noopWasm()
	for range 2 {
		h := NewHost(Options{CacheDir: dir})
		load(t, h, testSpec("noop", wasm))
		if removed, _, err := PruneCache(dir, 0); removed == 0 || err != nil {
			t.Fatalf("PruneCache(dir, 0) = %d files, %v; want the compiled module's", removed, err)
		}
		h.Close(context.Background())
	}
}
