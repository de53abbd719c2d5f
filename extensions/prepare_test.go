package extensions

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/lsphost/lsphost/internal/wasmbuild"
)

// startPrepare runs ext.Prepare(ctx, d) in the background and returns once
// it holds an instance or has reserved one (an instance is busy), with a
// channel that gets its result.
func startPrepare(t *testing.T, ctx context.Context, ext *Extension, d Document) <-chan error {
	t.Helper()
	prepared := make(chan error, 1)
	go func() { prepared <- ext.Prepare(ctx, d) }()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Microsecond) {
		if live, idle := ext.pool.counts(); live > idle {
			return prepared
		}
		if time.Now().After(deadline) {
			t.Fatal("Prepare did not start")
		}
	}
}

// TestCompletionDuringPrepare: a completion asked for while its document is
// being prepared is answered, by the instance the prepare started beside
// its own, as the prepared instance answers it afterwards.
func TestCompletionDuringPrepare(t *testing.T) {
	t.Parallel()
	ext := load(t, newHost(t, Options{}), testSpec("words", wasmbuild.Example(t, "words")))
	text := wordsText() // ~700 KB: ~60 ms to index
	d := Document{URI: "file:///w/big.txt", LanguageID: "plaintext", Version: 1, Text: StringText(text)}
	ctx := testContext(t)

	prepared := startPrepare(t, ctx, ext, d)
	during, err := ext.Completion(ctx, d, len(text), "") // wordsText ends with the prefix "ab"
	if err != nil || len(during.Items) == 0 {
		t.Fatalf("Completion = %d items, %v; want the words with the prefix", len(during.Items), err)
	}
	if err := <-prepared; err != nil {
		t.Fatalf("Prepare = %v", err)
	}
	after, err := ext.Completion(ctx, d, len(text), "")
	if err != nil || !reflect.DeepEqual(during, after) {
		t.Errorf("completion during the prepare: %d items, after it: %d items, %v; want the same", len(during.Items), len(after.Items), err)
	}
	if live, _ := ext.pool.counts(); live != 2 {
		t.Errorf("%d instances; want 2, the prepared one and the one started beside it", live)
	}
}

// TestLoopingPrepare: a prepare starts a second instance beside its own,
// before any request asks; a prepare that never ends holds its instance
// until its deadline, and a request on its document is answered meanwhile
// by the other: a hostile prepare holds up nothing but itself.
func TestLoopingPrepare(t *testing.T) {
	t.Parallel()
	spec := testSpec("prepares", wasmbuild.Build(t, "testdata/guests/prepares"))
	spec.Timeout = 5 * time.Second // far longer than starting an instance takes
	ext := load(t, newHost(t, Options{}), spec)
	d := doc("spin forever")
	ctx := testContext(t)
	prepared := startPrepare(t, ctx, ext, d)
	for deadline := time.Now().Add(4 * time.Second); ; time.Sleep(100 * time.Microsecond) {
		if live, idle := ext.pool.counts(); live == 2 && idle == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no instance started beside the prepare's")
		}
	}
	hover, err := ext.Hover(ctx, d, 0)
	if err != nil || hover.Contents != "nothing prepared" {
		t.Errorf("Hover = %q, %v; want an answer from an instance that prepared nothing", hover.Contents, err)
	}
	select {
	case err := <-prepared:
		t.Fatalf("the hover was answered after the prepare ended (%v): it waited for it", err)
	default:
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
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Microsecond) {
		if live, idle := ext.pool.counts(); live == 2 && idle == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no instance started beside the prepare's")
		}
	}
	// The prepared instance released first, the other after it.
	a, _ := ext.pool.acquireFor(ctx, d.URI)
	b, _ := ext.pool.acquire(ctx)
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
