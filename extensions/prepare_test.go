package extensions

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/lsphost/lsphost/internal/wasmbuild"
)

// startPrepare runs ext.Prepare(ctx, d) in the background and returns once
// it is running (requests on d wait for it from then on), with a channel
// that gets its result.
func startPrepare(t *testing.T, ctx context.Context, ext *Extension, d Document) <-chan error {
	t.Helper()
	prepared := make(chan error, 1)
	go func() { prepared <- ext.Prepare(ctx, d) }()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Microsecond) {
		ext.preparing.mu.Lock()
		started := ext.preparing.running[d.URI] != nil
		ext.preparing.mu.Unlock()
		if started {
			return prepared
		}
		if time.Now().After(deadline) {
			t.Fatal("Prepare did not start")
		}
	}
}

// TestRequestWaitsForPrepare: a request asked for while its document is
// being prepared waits for the prepare and runs on the instance that
// prepared, which has the text (not sent again) and what it computed from
// it: no second instance is started to compute the same again, though the
// prepare takes longer than the pool waits before it grows.
func TestRequestWaitsForPrepare(t *testing.T) {
	t.Parallel()
	ext := load(t, newHost(t, Options{}), testSpec("prepares", wasmbuild.Build(t, "testdata/guests/prepares")))
	text := &countedText{s: "slow to prepare"}
	d := Document{URI: "file:///w/slow.txt", LanguageID: "plaintext", Version: 1, Text: text}
	ctx := testContext(t)

	prepared := startPrepare(t, ctx, ext, d)
	start := time.Now()
	hover, err := ext.Hover(ctx, d, 0)
	if want := "prepared version 1 (15 bytes), 1 prepares in all"; err != nil || hover.Contents != want {
		t.Fatalf("Hover = %q, %v; want %q from the instance that prepared", hover.Contents, err, want)
	}
	if err := <-prepared; err != nil {
		t.Fatalf("Prepare = %v", err)
	}
	if live, _ := ext.pool.counts(); live != 1 || text.copies != 1 {
		t.Errorf("%d instances, text copied %d times; want the request on the prepared instance (1, 1)", live, text.copies)
	}
	if waited := time.Since(start); waited < growAfter {
		t.Errorf("the prepare ended %s after the request came, within the pool's wait to grow (%s): the test shows nothing", waited, growAfter)
	}

	// A request on another document does not wait for a prepare.
	if err := ext.awaitPrepare(context.Background(), "file:///w/other.txt"); err != nil {
		t.Errorf("awaitPrepare(another document) = %v", err)
	}
}

// TestLoopingPrepare: a prepare that never ends is stopped at its deadline,
// and a request on its document, which waits for it, is then answered by a
// new instance: a hostile prepare holds up its own extension's requests on
// that document for one timeout, nothing more.
func TestLoopingPrepare(t *testing.T) {
	t.Parallel()
	spec := testSpec("prepares", wasmbuild.Build(t, "testdata/guests/prepares"))
	spec.Timeout = 100 * time.Millisecond
	ext := load(t, newHost(t, Options{}), spec)
	d := doc("spin forever")
	ctx := testContext(t)
	prepared := startPrepare(t, ctx, ext, d)
	start := time.Now()
	hover, err := ext.Hover(ctx, d, 0)
	if elapsed := time.Since(start); err != nil || hover.Contents != "nothing prepared" || elapsed > 10*time.Second {
		t.Errorf("Hover = %q, %v after %s; want an answer from a new instance", hover.Contents, err, elapsed)
	}
	if err := <-prepared; !errors.Is(err, ErrTimeout) {
		t.Errorf("Prepare = %v, want ErrTimeout", err)
	}
}

// TestRequestGoesToThePreparedInstance: a request on a prepared document
// goes to the instance that prepared it, even when another was released
// after it (the pool otherwise hands out the instance released last).
func TestRequestGoesToThePreparedInstance(t *testing.T) {
	t.Parallel()
	ext := load(t, newHost(t, Options{}), testSpec("prepares", wasmbuild.Build(t, "testdata/guests/prepares")))
	d := doc("prepare me")
	ctx := testContext(t)
	if err := ext.Prepare(ctx, d); err != nil {
		t.Fatal(err)
	}
	// The prepared instance, then a second one (started after the pool's
	// wait to grow), released in that order.
	a, err := ext.pool.acquireFor(ctx, d.URI)
	if err != nil {
		t.Fatal(err)
	}
	b, err := ext.pool.acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(a.prepared, d.URI) || slices.Contains(b.prepared, d.URI) {
		t.Fatalf("instances prepared %q and %q; want the first to have prepared %s", a.prepared, b.prepared, d.URI)
	}
	ext.pool.release(a, true)
	ext.pool.release(b, true)
	hover, err := ext.Hover(ctx, d, 0)
	if want := "prepared version 1 (10 bytes), 1 prepares in all"; err != nil || hover.Contents != want {
		t.Errorf("Hover = %q, %v; want %q from the instance that prepared", hover.Contents, err, want)
	}
}
