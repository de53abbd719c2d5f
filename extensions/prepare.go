package extensions

import (
	"context"

	"github.com/lsphost/lsphost/abi"
)

// Prepare sends doc to the extension ahead of the requests on it
// (abi.MethodPrepare), for an extension that declared abi.FeaturePrepare:
// it computes what they will need and keeps it.
//
// A prepare holds its instance for as long as it computes (~60 ms for the
// words example's index of a 10,000-line text), and a request on the
// document does not wait for it: unless another instance is idle, one is
// started now, so that a request coming meanwhile finds it ready and the
// extension answers it without what the prepare computes (words searches
// the text for the prefix). Once the prepare ends, the requests on the
// document go to the instance that prepared whenever it is idle.
func (e *Extension) Prepare(ctx context.Context, doc Document) error {
	e.spare()
	req := abi.Request{Method: abi.MethodPrepare, Document: docInfo(doc)}
	_, err := call[abi.PrepareResult](ctx, e, &req, doc.Text)
	return err
}

// spare starts an instance in the background, unless one is idle besides
// the one the caller is about to take or the pool is full.
func (e *Extension) spare() {
	// Counted like a call, so that Close waits for the start.
	e.inflight.Add(1)
	if e.closed.Load() || e.Disabled() || !e.pool.reserve() {
		e.inflight.Add(-1)
		return
	}
	go func() {
		defer e.inflight.Add(-1)
		// A start that fails here fails again for the request that needs
		// the instance, which reports it.
		if in, err := e.pool.startReserved(context.Background()); err == nil {
			e.pool.addSpare(in)
		}
	}()
}
