package extensions

import (
	"context"
	"sync"

	"github.com/lsphost/lsphost/abi"
)

// preparations are the prepare calls running on an extension, by document
// URI. A request on one of those documents waits for its prepare, so that
// it goes to the instance that prepared (pool.acquireFor) instead of
// another, which would compute the same again (~55 ms for the index of a
// 10,000-line text in the words example) or answer more slowly without
// it. Measured against sending the request to another instance at once,
// RATIONALE.md ("Why does the host send texts ahead of requests?").
type preparations struct {
	mu      sync.Mutex
	running map[string]chan struct{} // closed when the prepare ends
}

// Prepare sends doc to the extension ahead of the requests on it
// (abi.MethodPrepare), for an extension that declared abi.FeaturePrepare:
// it computes what they will need and keeps it.
func (e *Extension) Prepare(ctx context.Context, doc Document) error {
	done := make(chan struct{})
	e.preparing.mu.Lock()
	if e.preparing.running == nil {
		e.preparing.running = map[string]chan struct{}{}
	}
	e.preparing.running[doc.URI] = done
	e.preparing.mu.Unlock()
	defer func() {
		e.preparing.mu.Lock()
		if e.preparing.running[doc.URI] == done {
			delete(e.preparing.running, doc.URI)
		}
		e.preparing.mu.Unlock()
		close(done)
	}()
	req := abi.Request{Method: abi.MethodPrepare, Document: docInfo(doc)}
	_, err := call[abi.PrepareResult](ctx, e, &req, doc.Text)
	return err
}

// awaitPrepare waits until no prepare of the document uri runs, or ctx ends.
func (e *Extension) awaitPrepare(ctx context.Context, uri string) error {
	e.preparing.mu.Lock()
	done := e.preparing.running[uri]
	e.preparing.mu.Unlock()
	if done == nil {
		return nil
	}
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
