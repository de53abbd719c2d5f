package extensions

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/lsphost/lsphost/internal/wasmbuild"
)

// TestSameBytesCompileOnce: extensions that load the same module with the
// same memory limit share its compiled code, in parallel loads too; each
// keeps its own grants, and closing one leaves the others working.
func TestSameBytesCompileOnce(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.txt"), []byte("secret"), 0o644)
	h := newHost(t, Options{})
	spec := testSpec("plain", wasmbuild.Build(t, "testdata/guests/grants"))
	granted := spec
	granted.Name, granted.Grants = "granted", Grants{Read: []string{"."}, base: dir}
	exts := make([]*Extension, 3)
	var wg sync.WaitGroup
	for i, s := range []Spec{spec, granted, spec} {
		wg.Go(func() { exts[i] = load(t, h, s) })
	}
	wg.Wait()
	plain, withGrant, other := exts[0], exts[1], exts[2]
	if plain.module != withGrant.module || plain.module != other.module {
		t.Fatalf("three loads of the same bytes got different modules")
	}
	if n := len(h.modules); n != 1 {
		t.Errorf("%d compiled modules, want 1", n)
	}

	// The imports serve the extension whose instance calls them.
	read := "read a.txt"
	for range 2 { // instances are reused: ask twice
		if got := probe(t, withGrant, read); !strings.Contains(got, `ok: "secret"`) {
			t.Errorf("granted: %s, want the file", got)
		}
		if got := probe(t, plain, read); strings.Contains(got, "secret") {
			t.Errorf("not granted, sharing the module of one that is: %s", got)
		}
	}

	// A different memory limit is a different runtime.
	small := spec
	small.Memory = DefaultMemory / 2
	if load(t, h, small).module == plain.module {
		t.Errorf("extensions with different memory limits share a module")
	}

	if err := plain.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := probe(t, withGrant, read); !strings.Contains(got, `ok: "secret"`) {
		t.Errorf("after another user closed: %s, want the file", got)
	}
	withGrant.Close(context.Background())
	other.Close(context.Background())
	h.mu.Lock()
	defer h.mu.Unlock()
	for key := range h.modules {
		if key.pages == memoryPages(spec) {
			t.Errorf("the module is still held after its last extension closed")
		}
	}
}
