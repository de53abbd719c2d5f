package lsp

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// progress reports a long task with LSP's work-done progress, if the client
// supports it. Nothing is sent before the client is initialized, nor for a
// task that ends quickly: a warm start shows nothing.
type progress struct {
	s     *server
	title string

	mu      sync.Mutex
	message string
	percent uint32
	done    bool
	endMsg  string
	changed chan struct{} // signalled on every update
}

// progressDelay is how long a task runs before the editor is told about it.
const progressDelay = 200 * time.Millisecond

func (s *server) beginProgress(title, message string) *progress {
	p := &progress{s: s, title: title, message: message, changed: make(chan struct{}, 1)}
	if s.client.Window.WorkDoneProgress {
		s.bg.Add(1)
		go p.run()
	}
	return p
}

// report records how far the task got.
func (p *progress) report(done, total int, name string) {
	p.mu.Lock()
	p.message = fmt.Sprintf("%s loaded (%d/%d)", name, done, total)
	p.percent = uint32(done * 100 / max(total, 1))
	p.mu.Unlock()
	p.signal()
}

// end marks the task finished.
func (p *progress) end(message string) {
	p.mu.Lock()
	p.done, p.endMsg = true, message
	p.mu.Unlock()
	p.signal()
}

func (p *progress) signal() {
	select {
	case p.changed <- struct{}{}:
	default:
	}
}

func (p *progress) finished() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.done
}

func (p *progress) run() {
	defer p.s.bg.Done()
	ctx := p.s.bgCtx
	select {
	case <-p.s.clientReady:
	case <-ctx.Done():
		return
	}
	select {
	case <-time.After(progressDelay):
	case <-ctx.Done():
		return
	}
	if p.finished() {
		return
	}
	// A plain string: go.lsp.dev's ProgressToken encodes as {} by value.
	token := fmt.Sprintf("lsphost/load/%d", time.Now().UnixNano())
	createCtx, cancel := context.WithTimeout(ctx, clientTimeout)
	err := p.s.conn.call(createCtx, "window/workDoneProgress/create", map[string]any{"token": token}, nil)
	cancel()
	if err != nil {
		p.s.log.Debug("no progress: window/workDoneProgress/create failed", "err", err)
		return
	}
	send := func(value any) {
		p.s.conn.notify("$/progress", map[string]any{"token": token, "value": value})
	}
	p.mu.Lock()
	send(map[string]any{"kind": "begin", "title": p.title, "message": p.message, "percentage": p.percent, "cancellable": false})
	p.mu.Unlock()
	for {
		select {
		case <-ctx.Done():
			return
		case <-p.changed:
		}
		p.mu.Lock()
		if p.done {
			msg := p.endMsg
			p.mu.Unlock()
			send(map[string]any{"kind": "end", "message": msg})
			return
		}
		send(map[string]any{"kind": "report", "message": p.message, "percentage": p.percent})
		p.mu.Unlock()
	}
}
