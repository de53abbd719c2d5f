package lsp

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"time"

	"go.lsp.dev/protocol"

	"github.com/lsphost/lsphost/abi"
	"github.com/lsphost/lsphost/extensions"
	"github.com/lsphost/lsphost/internal/jsonenc"
)

// publishParams is PublishDiagnosticsParams with the version always sent:
// go.lsp.dev's type omits version 0, which editors use for new documents.
type publishParams struct {
	URI         protocol.DocumentURI  `json:"uri"`
	Version     *int32                `json:"version,omitempty"`
	Diagnostics []protocol.Diagnostic `json:"diagnostics"`
}

// Edits closer together than burstGap are a burst (a script, a paste sent
// as many changes, a multi-cursor edit): their run waits until the burst
// pauses, but never more than maxBurstWait after the last run. It starts
// once the edits have paused for burstPause, a little less than burstGap, so
// that a run of a millisecond or so has its answer out about when the pause
// reaches burstGap; an edit that comes during the run makes the answer
// stale, and it is not published. An edit after a pause is diagnosed at
// once. See RATIONALE.md ("Why coalesce diagnostics instead of
// debouncing?").
const (
	burstGap     = 7 * time.Millisecond
	burstPause   = 5500 * time.Microsecond
	maxBurstWait = 200 * time.Millisecond
)

// scheduleDiagnostics starts a diagnostics run for d, or, if one is running,
// marks d dirty so the run goes again with the latest text when it ends. An
// edit in a burst waits for the burst to pause (above). documents.mu must be
// held.
func (s *server) scheduleDiagnostics(d *document, edit bool) {
	if s.pulling() {
		return // the client asks when it wants them
	}
	now := time.Now()
	inBurst := edit && now.Sub(d.lastEdit) < burstGap && now.Sub(d.lastRun) < maxBurstWait
	if edit {
		d.lastEdit = now
	}
	switch {
	case d.running:
		d.dirty = true
	case inBurst:
		s.deferRun(d, burstPause)
	default:
		s.startRun(d)
		s.stopTimer(d)
	}
}

// deferRun makes d's run a pending one, due after, unless one is pending
// already. documents.mu must be held.
func (s *server) deferRun(d *document, after time.Duration) {
	if d.timer == nil {
		// A pending run: shutdown waits on it, and status counts it.
		s.docs.runs.Add(1)
		s.docs.running.Add(1)
		s.armTimer(d, after)
	}
}

// armTimer defers d's run by after. documents.mu must be held.
func (s *server) armTimer(d *document, after time.Duration) {
	var t *time.Timer
	t = time.AfterFunc(after, func() { s.burstPaused(d, &t) })
	d.timer = t
}

// startRun starts a diagnostics run of d's current text. documents.mu must
// be held.
func (s *server) startRun(d *document) {
	d.running, d.lastRun = true, time.Now()
	s.docs.runs.Add(1)
	s.docs.running.Add(1)
	go s.runDiagnostics(d.snapshot())
}

// burstPaused runs the diagnostics a burst of edits deferred, once the
// burst has paused for burstGap (or waited maxBurstWait). timer is the timer
// that fired; read under the lock, since it was set under it.
func (s *server) burstPaused(d *document, timer **time.Timer) {
	s.docs.mu.Lock()
	defer s.docs.mu.Unlock()
	if d.timer != *timer || s.docs.m[d.uri] != d {
		s.pendingDone() // cancelled, or the document closed
		return
	}
	if quiet := time.Since(d.lastEdit); quiet < burstPause && time.Since(d.lastRun) < maxBurstWait {
		s.armTimer(d, burstPause-quiet) // still typing: wait on, same pending run
		return
	}
	d.timer = nil
	if d.running {
		d.dirty = true
	} else {
		s.startRun(d)
	}
	// Done after startRun's Add: the count must not touch 0 in between,
	// or a shutdown waiting on it could return with a run starting.
	s.pendingDone()
}

// pendingDone ends the count of a pending run.
func (s *server) pendingDone() {
	s.docs.running.Add(-1)
	s.docs.runs.Done()
}

// stopTimer cancels d's deferred run, if any. documents.mu must be held.
// A timer that fired already finds itself cancelled and ends the pending
// run itself.
func (s *server) stopTimer(d *document) {
	if d.timer != nil && d.timer.Stop() {
		s.pendingDone()
	}
	d.timer = nil
}

func (s *server) runDiagnostics(snap snapshot) {
	defer s.docs.runs.Done()
	defer s.docs.running.Add(-1)
	for {
		s.prepare(snap)
		diags, errs := s.computeDiagnostics(s.docs.session, snap) // failures are logged; ends with the session
		// An extension replaced by a reload meanwhile: the results are
		// incomplete; go again with the new one.
		replaced := slices.ContainsFunc(errs, func(err error) bool { return errors.Is(err, extensions.ErrClosed) })
		s.docs.mu.Lock()
		d := snap.doc
		if s.docs.session.Err() != nil {
			// The session ended: the results are partial and unread.
			d.running = false
			s.docs.mu.Unlock()
			return
		}
		if s.docs.m[d.uri] == d && d.text == snap.text && !replaced {
			s.publish(d, snap.version, diags)
		}
		if s.docs.m[d.uri] != d || !d.dirty && !replaced {
			d.running = false
			s.docs.mu.Unlock()
			return
		}
		if quiet := time.Since(d.lastEdit); !replaced && quiet < burstPause && time.Since(d.lastRun) < maxBurstWait {
			// Edited during the run, and the burst goes on: the next run
			// waits for the pause, like any run in a burst.
			s.deferRun(d, burstPause-quiet)
			d.running, d.dirty = false, false
			s.docs.mu.Unlock()
			return
		}
		d.dirty, d.lastRun = false, time.Now()
		snap = d.snapshot()
		s.docs.mu.Unlock()
	}
}

// publish sends diags for d unless the client already has exactly them.
// documents.mu must be held, so a publish cannot overtake a close.
func (s *server) publish(d *document, version int32, diags []protocol.Diagnostic) {
	p := publishParams{URI: d.uri, Version: &version, Diagnostics: diags}
	raw, err := encodePublish(&p)
	if err != nil || bytes.Equal(raw, d.published) {
		return
	}
	d.published = raw
	s.conn.send(&message{Method: protocol.MethodTextDocumentPublishDiagnostics, Params: raw})
}

// encodePublish writes p as json.Marshal does, without its reflection,
// which took 0.7 ms for the 1,500 diagnostics of a large file (0.25 ms by
// hand, BenchmarkEncodePublish), at every run of its diagnostics.
// Diagnostics with a field computeDiagnostics never sets go to json.Marshal
// (TestEncodePublish holds the two to the same bytes).
func encodePublish(p *publishParams) ([]byte, error) {
	if p.Diagnostics == nil {
		return json.Marshal(p)
	}
	size := 64 + len(p.URI) // the usual size: strings that need no escaping
	for i := range p.Diagnostics {
		d := &p.Diagnostics[i]
		if !encodableDiagnostic(d) {
			return json.Marshal(p)
		}
		size += len(`{"range":{"start":{"line":,"character":},"end":{"line":,"character":}},"severity":,"source":"","message":""},`) +
			4*6 + len(d.Source) + len(d.Message)
	}
	b := make([]byte, 0, size)
	b = append(b, `{"uri":`...)
	b = jsonenc.AppendString(b, string(p.URI))
	if p.Version != nil {
		b = append(b, `,"version":`...)
		b = jsonenc.AppendInt(b, int(*p.Version))
	}
	b = append(b, `,"diagnostics":[`...)
	for i := range p.Diagnostics {
		if i > 0 {
			b = append(b, ',')
		}
		var err error
		if b, err = appendDiagnostic(b, &p.Diagnostics[i]); err != nil {
			return nil, err
		}
	}
	return append(b, "]}"...), nil
}

// encodableDiagnostic reports whether appendDiagnostic knows every field d
// has: those computeDiagnostics sets, a whole severity, a string code.
func encodableDiagnostic(d *protocol.Diagnostic) bool {
	if d.CodeDescription != nil || d.Tags != nil || d.RelatedInformation != nil ||
		d.Severity < 0 || d.Severity > 1e6 || d.Severity != protocol.DiagnosticSeverity(int(d.Severity)) {
		return false
	}
	switch d.Code.(type) {
	case nil, string:
	default:
		return false
	}
	switch d.Data.(type) {
	case nil, json.RawMessage:
	default:
		return false
	}
	return true
}

// appendDiagnostic appends d, which encodableDiagnostic accepted, in the
// order and form of json.Marshal.
func appendDiagnostic(b []byte, d *protocol.Diagnostic) ([]byte, error) {
	b = append(b, `{"range":`...)
	b = appendRange(b, d.Range)
	if d.Severity != 0 {
		b = append(b, `,"severity":`...)
		b = jsonenc.AppendInt(b, int(d.Severity))
	}
	if code, ok := d.Code.(string); ok {
		b = append(b, `,"code":`...)
		b = jsonenc.AppendString(b, code)
	}
	if d.Source != "" {
		b = append(b, `,"source":`...)
		b = jsonenc.AppendString(b, d.Source)
	}
	b = append(b, `,"message":`...)
	b = jsonenc.AppendString(b, d.Message)
	if data, ok := d.Data.(json.RawMessage); ok {
		b = append(b, `,"data":`...)
		if jsonenc.IsInteger(data) {
			b = append(b, data...) // the usual data: valid and compact as it is
		} else {
			raw, err := json.Marshal(data) // validated, compacted, HTML-escaped
			if err != nil {
				return nil, err
			}
			b = append(b, raw...)
		}
	}
	return append(b, '}'), nil
}

// appendRange appends r as json.Marshal does.
func appendRange(b []byte, r protocol.Range) []byte {
	b = append(b, `{"start":{"line":`...)
	b = jsonenc.AppendInt(b, int(r.Start.Line))
	b = append(b, `,"character":`...)
	b = jsonenc.AppendInt(b, int(r.Start.Character))
	b = append(b, `},"end":{"line":`...)
	b = jsonenc.AppendInt(b, int(r.End.Line))
	b = append(b, `,"character":`...)
	b = jsonenc.AppendInt(b, int(r.End.Character))
	return append(b, "}}"...)
}

// computeDiagnostics asks every applicable extension in parallel and merges
// their answers. A failing extension's part is left out; its error is logged
// and returned.
func (s *server) computeDiagnostics(ctx context.Context, snap snapshot) ([]protocol.Diagnostic, []error) {
	ws := s.diagnosticsWorkspace()
	exts := ws.extensionsFor(snap.uri, snap.languageID, abi.FeatureDiagnostics)
	doc := extensions.Document{URI: string(snap.uri), LanguageID: snap.languageID, Version: snap.version, Text: snap.text}
	results := fanOut(ctx, exts, func(ctx context.Context, ext *extensions.Extension) ([]abi.Diagnostic, error) {
		return ext.Diagnostics(ctx, doc)
	})
	var out []protocol.Diagnostic
	var errs []error
	for _, r := range results {
		if r.err != nil {
			level := slog.LevelWarn
			if errors.Is(r.err, extensions.ErrClosed) {
				level = slog.LevelDebug // replaced by a reload: the run goes again
			}
			s.log.Log(context.Background(), level, "diagnostics failed", "extension", r.ext.Name(), "uri", snap.uri, "err", r.err)
			errs = append(errs, r.err)
			continue
		}
		for _, d := range r.value {
			diag := protocol.Diagnostic{
				Range:    s.toRange(snap.text, d.Start, d.End),
				Severity: protocol.DiagnosticSeverity(d.Severity),
				Code:     codeOrNil(d.Code),
				Source:   r.ext.Name(),
				Message:  d.Message,
			}
			if len(d.Data) > 0 {
				diag.Data = d.Data // kept by the client for code actions
			}
			out = append(out, diag)
		}
	}
	return mergeDiagnostics(out), errs
}

func codeOrNil(code string) any {
	if code == "" {
		return nil
	}
	return code
}

// mergeDiagnostics sorts diagnostics by range, source and message and drops
// exact duplicates. The result is never nil: LSP forbids null.
func mergeDiagnostics(diags []protocol.Diagnostic) []protocol.Diagnostic {
	order := sortedOrder(diags, compareDiagnostics)
	out := make([]protocol.Diagnostic, 0, len(diags))
	for k, i := range order {
		if k > 0 && compareDiagnostics(&diags[order[k-1]], &diags[i]) == 0 {
			continue
		}
		out = append(out, diags[i])
	}
	return out
}

// sortedOrder returns the indexes of items in the stable order of compare.
// Sorting indexes moves 4 bytes per swap where sorting the items would move
// a whole LSP struct (about 200 bytes, with write barriers), and the index
// as the last key makes an unstable O(n log n) sort stable: 4 extensions
// with 1000 diagnostics each merged 10x faster (BenchmarkMergeDiagnostics).
func sortedOrder[T any](items []T, compare func(a, b *T) int) []int32 {
	order := make([]int32, len(items))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(i, j int32) int {
		if c := compare(&items[i], &items[j]); c != 0 {
			return c
		}
		return cmp.Compare(i, j)
	})
	return order
}

func compareDiagnostics(a, b *protocol.Diagnostic) int {
	if c := comparePos(a.Range.Start, b.Range.Start); c != 0 {
		return c
	}
	if c := comparePos(a.Range.End, b.Range.End); c != 0 {
		return c
	}
	if c := strings.Compare(a.Source, b.Source); c != 0 {
		return c
	}
	if c := strings.Compare(a.Message, b.Message); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Severity, b.Severity); c != 0 {
		return c
	}
	ac, _ := a.Code.(string)
	bc, _ := b.Code.(string)
	return strings.Compare(ac, bc)
}

func comparePos(a, b protocol.Position) int {
	switch {
	case a.Line != b.Line:
		return cmpUint(a.Line, b.Line)
	default:
		return cmpUint(a.Character, b.Character)
	}
}

func cmpUint(a, b uint32) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// result is one extension's answer.
type result[T any] struct {
	ext   *extensions.Extension
	value T
	err   error
}

// fanOut calls fn for every extension in parallel and returns their results
// in the order of exts. If ctx ends first it returns what has arrived; the
// calls still running finish in the background within their own deadline.
func fanOut[T any](ctx context.Context, exts []*extensions.Extension, fn func(context.Context, *extensions.Extension) (T, error)) []result[T] {
	results := make([]result[T], len(exts))
	done := make(chan int, len(exts))
	for i, ext := range exts {
		go func() {
			v, err := fn(ctx, ext)
			results[i] = result[T]{ext: ext, value: v, err: err}
			done <- i
		}()
	}
	got := make([]bool, len(exts))
	for range exts {
		select {
		case i := <-done:
			got[i] = true
		case <-ctx.Done():
			out := []result[T]{}
			for i := range got {
				if got[i] {
					out = append(out, results[i])
				}
			}
			return out
		}
	}
	return results
}
