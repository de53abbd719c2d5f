package lsp

import (
	"context"
	"errors"
	"log/slog"
	"slices"

	"github.com/lsphost/lsphost/abi"
	"github.com/lsphost/lsphost/extensions"
)

// prepare sends snap's text, in the background, to the extensions that
// asked for texts ahead of the requests on them (abi.FeaturePrepare): they
// compute what the requests will need while the editor is idle, instead of
// in the first completion after a large file opens. It runs whenever a text
// is diagnosed, so the coalescing of edits into runs applies to it too; a
// round of prepares that is still running when another text comes is
// followed by one round for the latest text, not one per text. A request on
// the document waits for its prepare (extensions.Extension.Prepare). See
// RATIONALE.md ("Why does the host send texts ahead of requests?").
func (s *server) prepare(snap snapshot) {
	d := snap.doc
	s.docs.mu.Lock()
	if d.preparing {
		d.prepareAgain = true
		s.docs.mu.Unlock()
		return
	}
	d.preparing = true
	s.docs.runs.Add(1) // shutdown waits for it, as for diagnostics runs
	s.docs.mu.Unlock()
	go func() {
		defer s.docs.runs.Done()
		for {
			s.prepareRound(snap)
			s.docs.mu.Lock()
			if !d.prepareAgain || s.docs.m[d.uri] != d || s.docs.session.Err() != nil {
				d.preparing, d.prepareAgain = false, false
				s.docs.mu.Unlock()
				return
			}
			d.prepareAgain = false
			snap = d.snapshot()
			s.docs.mu.Unlock()
		}
	}()
}

// prepareRound sends snap to every extension that prepares texts of its
// size, in parallel. It waits for the first load: the extensions that only
// answer requests load after those that diagnose.
func (s *server) prepareRound(snap snapshot) {
	exts := s.currentWorkspace().extensionsFor(snap.uri, snap.languageID, abi.FeaturePrepare)
	exts = slices.DeleteFunc(exts, func(ext *extensions.Extension) bool { return snap.text.Len() < ext.Declaration().PrepareMin })
	doc := snap.forExtension()
	for _, r := range fanOut(s.docs.session, exts, func(ctx context.Context, ext *extensions.Extension) (struct{}, error) {
		return struct{}{}, ext.Prepare(ctx, doc)
	}) {
		if r.err != nil {
			level := slog.LevelWarn
			if errors.Is(r.err, extensions.ErrClosed) || s.docs.session.Err() != nil {
				level = slog.LevelDebug // replaced by a reload, or the session ended
			}
			s.log.Log(context.Background(), level, "prepare failed", "extension", r.ext.Name(), "uri", snap.uri, "err", r.err)
		}
	}
}
