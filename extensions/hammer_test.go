package extensions

import (
	"context"
	"errors"
	"fmt"
	"math/rand"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lsphost/lsphost/internal/wasmbuild"
)

// TestHammerPool calls one extension from many goroutines at once with a
// mix of healthy calls, calls that kill their instance, and callers that
// give up while waiting, with Health and Disabled read all along. Every
// answer must be the right one for its own call (or a refusal while the
// extension is switched off), the pool must never run more than its
// instances, every killed instance must be closed, and every instance left
// must be idle when the calls are done.
func TestHammerPool(t *testing.T) {
	// Not parallel: eight goroutines starting instances under the race
	// detector would starve the parallel tests' deadlines.
	h := newHost(t, Options{Cooldown: time.Millisecond})
	ext := load(t, h, testSpec("crash", wasmbuild.Build(t, "testdata/guests/crash")))
	// The linear memories of the instances the calls start are counted.
	mem := &LinearMemories{}
	ctx := CountLinearMemories(testContext(t), mem)

	const goroutines, calls = 8, 25
	var ok, crashed, refused, gaveUp atomic.Int64
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			r := rand.New(rand.NewSource(int64(g)))
			for i := range calls {
				callCtx, cancel := ctx, context.CancelFunc(func() {})
				kind := r.Intn(8)
				switch kind {
				case 0:
					callCtx, cancel = context.WithTimeout(ctx, time.Duration(r.Intn(300))*time.Microsecond)
				case 1:
					ext.Health()
					ext.Disabled()
				}
				text := fmt.Sprintf("fine %d-%d", g, i)
				if kind == 2 {
					text = "crash-exit"
				}
				diags, err := ext.Diagnostics(callCtx, doc(text))
				cancel()
				switch {
				case errors.Is(err, ErrDisabled):
					refused.Add(1)
				case kind == 0 && errors.Is(err, context.DeadlineExceeded):
					gaveUp.Add(1)
				case kind == 2:
					if err == nil {
						t.Errorf("Diagnostics(crash-exit) = %v, want the instance's death", diags)
					}
					crashed.Add(1)
				case err != nil || len(diags) != 1:
					t.Errorf("Diagnostics(%q) = %+v, %v; want one diagnostic", text, diags, err)
				default:
					ok.Add(1)
				}
			}
		})
	}
	wg.Wait()
	if max := mem.MaxLive(); max > int64(ext.pool.size) {
		t.Errorf("%d instances were alive at once, the pool allows %d", max, ext.pool.size)
	}
	// Calls abandoned by their caller finish on their own; then every
	// instance is back in the pool or closed.
	deadline := time.Now().Add(30 * time.Second)
	for live, idle := ext.pool.counts(); live != idle && time.Now().Before(deadline); live, idle = ext.pool.counts() {
		time.Sleep(time.Millisecond)
	}
	if live, idle := ext.pool.counts(); live != idle {
		t.Errorf("after the calls: %d live instances, %d idle; want all idle", live, idle)
	}
	// The counted memories are those of the live instances, minus the first,
	// started by Load without the count.
	if live, _ := ext.pool.counts(); mem.Live() > int64(live) {
		t.Errorf("%d linear memories live, %d instances in the pool: killed instances were not closed", mem.Live(), live)
	}
	ext.Close(context.Background())
	if live := mem.Live(); live != 0 {
		t.Errorf("%d linear memories live after Close, want 0", live)
	}
	t.Logf("%d answered, %d crashed, %d refused while switched off, %d given up; at most %d instances at once",
		ok.Load(), crashed.Load(), refused.Load(), gaveUp.Load(), mem.MaxLive())
}

// TestPoolHandsOutTheInstanceReleasedLast: a run of calls goes to one
// instance, whose caches are warm, not in turn to every instance.
func TestPoolHandsOutTheInstanceReleasedLast(t *testing.T) {
	started := 0
	p := newPool(3, func(context.Context) (*instance, error) {
		started++
		return &instance{}, nil
	})
	ctx := testContext(t)
	a, _ := p.acquire(ctx)
	b, _ := p.acquire(ctx)
	p.release(a, true)
	p.release(b, true)
	for i := range 5 {
		in, err := p.acquire(ctx)
		if err != nil || in != b {
			t.Fatalf("acquire %d = %p, %v; want the instance released last (%p)", i, in, err, b)
		}
		p.release(in, true)
	}
	if live, idle := p.counts(); started != 2 || live != 2 || idle != 2 {
		t.Errorf("started %d, live %d, idle %d; want 2 of each", started, live, idle)
	}
}

// TestPoolWaitsBeforeGrowing: while its instance is busy, a caller waits for
// it rather than start another, unless the wait exceeds growAfter.
func TestPoolWaitsBeforeGrowing(t *testing.T) {
	var started atomic.Int64
	p := newPool(2, func(context.Context) (*instance, error) {
		started.Add(1)
		return &instance{}, nil
	})
	ctx := testContext(t)
	a, _ := p.acquire(ctx)

	// Released soon: the second caller gets the same instance.
	got := make(chan *instance)
	go func() {
		in, _ := p.acquire(ctx)
		got <- in
	}()
	time.Sleep(growAfter / 4)
	p.release(a, true)
	if in := <-got; in != a || started.Load() != 1 {
		t.Fatalf("after a short wait: got %p (the busy one is %p), %d started; want the busy one and 1 started", in, a, started.Load())
	}

	// Held: after growAfter the second caller starts its own.
	begin := time.Now()
	b, err := p.acquire(ctx)
	if err != nil || b == a || started.Load() != 2 {
		t.Fatalf("while the instance is held: got %p, %v, %d started; want a new one, 2 started", b, err, started.Load())
	}
	if waited := time.Since(begin); waited < growAfter {
		t.Errorf("a second instance started after %s, before growAfter (%s)", waited, growAfter)
	}
	p.release(a, true)
	p.release(b, true)
}
