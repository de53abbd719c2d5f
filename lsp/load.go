package lsp

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"go.lsp.dev/protocol"

	"github.com/lsphost/lsphost/abi"
	"github.com/lsphost/lsphost/extensions"
)

// Extensions load in the background: initialize is answered at once, and
// whatever needs the extensions waits for the first load (currentWorkspace).
// Later loads (reloads) replace the workspace only once they are done, so
// the old one serves meanwhile. See RATIONALE.md ("Why answer initialize
// before the extensions load?").

// requestLoad loads the configuration anew in the background; requests made
// while a load runs are folded into one more load after it.
func (s *server) requestLoad(reason string) {
	s.mu.Lock()
	if s.loading {
		s.loadAgain = true
		s.mu.Unlock()
		return
	}
	s.loading = true
	s.loaded = make(chan struct{})
	s.mu.Unlock()
	s.bg.Add(1)
	go func() {
		defer s.bg.Done()
		for {
			s.load(reason)
			s.mu.Lock()
			if !s.loadAgain || s.bgCtx.Err() != nil {
				s.loading = false
				close(s.loaded)
				s.mu.Unlock()
				return
			}
			s.loadAgain, reason = false, "changes during the last load"
			s.mu.Unlock()
		}
	}()
}

// load resolves the configuration, loads what changed and makes the result
// the current workspace.
func (s *server) load(reason string) {
	s.mu.Lock()
	prev, folders, settings := s.workspace, s.folders, s.settings
	s.mu.Unlock()
	first := prev == nil
	if !first {
		s.settle()
	}
	r := resolveConfig(s.opts.UserConfig, folders)
	stamps := s.watchedStamps(r, prev)
	if !first && unreadable(r.problems) {
		// A half-typed config must not take the running extensions away.
		s.reportProblems(r.problems, "lsphost: the configuration cannot be read; the last good configuration stays in use:")
		s.setStamps(stamps)
		return
	}
	s.log.Info("loading extensions", "reason", reason)
	prog := s.beginProgress("lsphost", "loading extensions")
	opts := loadOptions{settings: settings, previous: prev, progress: prog.report}
	if first {
		opts.early = func(early *workspace) {
			s.mu.Lock()
			s.early = early
			s.mu.Unlock()
			s.diagnosticsCanRun()
		}
	}
	ws, problems := loadWorkspace(s.bgCtx, s.host, r, opts, s.log)
	prog.end(fmt.Sprintf("%d extension(s) ready", len(ws.loaded)))
	if s.bgCtx.Err() != nil {
		// The session ended meanwhile: close what this load started, not
		// what it kept from the workspace still in use.
		for _, ext := range ws.loaded {
			if prev == nil || !containsExt(prev.loaded, ext) {
				ext.Close(context.Background())
			}
		}
		return
	}
	s.reportProblems(problems, "lsphost: %d configuration problem(s); the rest of the configuration is in use:")
	s.mu.Lock()
	s.workspace = ws
	early := s.early
	s.early = nil
	s.mu.Unlock()
	s.setStamps(stamps) // as they were before loading: a change since is seen
	if first {
		if s.opts.Loaded != nil {
			s.opts.Loaded() // before anything waiting for the load goes on
		}
		close(s.started)
		s.diagnosticsCanRun()
		if early != nil && diagnosesMore(ws, early) {
			// A declaration changed since it was cached: what was
			// diagnosed meanwhile lacks that extension.
			s.rediagnose()
			if s.pulling() {
				ctx, cancel := context.WithTimeout(s.bgCtx, clientTimeout)
				s.refreshDiagnostics(ctx)
				cancel()
			}
		}
	} else {
		s.retire(prev, ws)
		s.rediagnose()
		if s.pulling() {
			ctx, cancel := context.WithTimeout(s.bgCtx, clientTimeout)
			s.refreshDiagnostics(ctx)
			cancel()
		}
	}
	// A client that never answers must not hold up the next load.
	ctx, cancel := context.WithTimeout(s.bgCtx, clientTimeout)
	defer cancel()
	s.register(ctx, ws.declarations())
	s.registerWatchers(ctx, stamps)
}

// settleTime is how long the watched files must stay unchanged before a
// reload reads them.
const settleTime = 50 * time.Millisecond

// settle waits until the watched files stop changing (at most a second): an
// editor or a build that truncates a file and then writes it must not be
// read in between, when an empty configuration would unload everything.
// A file that was not empty and now is (it exists, with no bytes) is taken
// to be in the middle of such a write even when it holds still: on a busy
// machine the writer can stall between the truncation and the write for
// longer than settleTime. It is read empty only once the second is up.
func (s *server) settle() {
	s.mu.Lock()
	known := maps.Clone(s.stamps)
	s.mu.Unlock()
	snapshot := func() map[string]stamp {
		m := map[string]stamp{}
		for p := range known {
			m[p] = stampFile(p)
		}
		return m
	}
	emptied := func(now map[string]stamp) bool {
		for p, st := range now {
			if st.size == 0 && !st.modTime.IsZero() && known[p].size > 0 {
				return true
			}
		}
		return false
	}
	before := snapshot()
	for range 20 {
		select {
		case <-time.After(settleTime):
		case <-s.bgCtx.Done():
			return
		}
		after := snapshot()
		if maps.Equal(before, after) && !emptied(after) {
			return
		}
		before = after
	}
}

// clientTimeout bounds the server's own requests to the client.
const clientTimeout = 10 * time.Second

// unreadable reports whether a configuration file could not be used at all.
func unreadable(problems []error) bool {
	for _, err := range problems {
		var ce *extensions.ConfigError
		if errors.As(err, &ce) && ce.Unreadable {
			return true
		}
	}
	return false
}

// reportProblems logs every problem and shows them to the user in one
// message, unless the same problems were shown last time.
func (s *server) reportProblems(problems []error, header string) {
	var b strings.Builder
	if strings.Contains(header, "%d") {
		header = fmt.Sprintf(header, len(problems))
	}
	b.WriteString(header)
	for _, err := range problems {
		s.log.Error("configuration problem", "err", err)
		b.WriteString("\n" + err.Error())
	}
	s.mu.Lock()
	same := b.String() == s.shownProblems
	s.shownProblems = b.String()
	s.mu.Unlock()
	if len(problems) > 0 && !same {
		s.queueMessage(protocol.MessageTypeError, b.String())
	}
}

// waitLoads waits until no load is running or ctx ends.
func (s *server) waitLoads(ctx context.Context) {
	s.mu.Lock()
	loading, loaded := s.loading, s.loaded
	s.mu.Unlock()
	if loading {
		select {
		case <-loaded:
		case <-ctx.Done():
		}
	}
}

// currentWorkspace is the loaded workspace; before the first load is done
// it waits for it. Never call it from the reader goroutine.
func (s *server) currentWorkspace() *workspace {
	<-s.started
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.workspace
}

// diagnosticsWorkspace is currentWorkspace for diagnostics, which need not
// wait for the first load to finish: the extensions that diagnose load
// first (loadWorkspace), and their workspace serves diagnostics while the
// others load.
func (s *server) diagnosticsWorkspace() *workspace {
	<-s.diagnosable
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.workspace != nil {
		return s.workspace
	}
	return s.early
}

// loadedWith makes ws the workspace of a server that loads it itself
// instead of through load (lsphost check, tests): everything that waits for
// the first load goes on with it.
func (s *server) loadedWith(ws *workspace) {
	s.mu.Lock()
	s.workspace = ws
	s.mu.Unlock()
	close(s.started)
	s.diagnosticsCanRun()
}

// diagnosticsCanRun lets diagnosticsWorkspace return.
func (s *server) diagnosticsCanRun() { s.diagnosing.Do(func() { close(s.diagnosable) }) }

// diagnosesMore reports whether ws has an extension that diagnoses and that
// early, the first load's early workspace, did not have.
func diagnosesMore(ws, early *workspace) bool {
	for _, ext := range ws.loaded {
		if slices.Contains(ext.Declaration().Features, abi.FeatureDiagnostics) && !containsExt(early.loaded, ext) {
			return true
		}
	}
	return false
}

// retire closes the extensions of prev that ws no longer uses, once the
// calls still running on them are over (or past their deadline): each holds
// a runtime, compiled code and instances that a long session of reloads
// must not pile up.
func (s *server) retire(prev, ws *workspace) {
	for _, ext := range prev.loaded {
		if !containsExt(ws.loaded, ext) {
			s.mu.Lock()
			s.retired = append(s.retired, ext)
			s.mu.Unlock()
			go func() {
				deadline := time.Now().Add(ext.Spec().Timeout + time.Second)
				for !ext.Idle() && time.Now().Before(deadline) && s.bgCtx.Err() == nil {
					time.Sleep(20 * time.Millisecond)
				}
				s.closeRetired(ext)
			}()
		}
	}
}

func containsExt(list []*extensions.Extension, ext *extensions.Extension) bool {
	for _, e := range list {
		if e == ext {
			return true
		}
	}
	return false
}

// closeRetired closes ext if it is still waiting to be closed.
func (s *server) closeRetired(ext *extensions.Extension) {
	s.mu.Lock()
	i := -1
	for j, e := range s.retired {
		if e == ext {
			i = j
		}
	}
	if i >= 0 {
		s.retired = append(s.retired[:i], s.retired[i+1:]...)
	}
	s.mu.Unlock()
	if i >= 0 {
		ext.Close(context.Background())
	}
}

// rediagnose recomputes the diagnostics of every open document; only what
// changed is published.
func (s *server) rediagnose() {
	s.docs.mu.Lock()
	defer s.docs.mu.Unlock()
	for _, d := range s.docs.m {
		s.scheduleDiagnostics(d, false)
	}
}
