package main

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Metric names, in report order.
const (
	mStartup         = "startup: spawn → initialize reply"
	mFirstDiag       = "open → first diagnostics"
	mSpawnDiag       = "spawn → first diagnostics"
	mStorm           = "edit storm: last edit → final diagnostics"
	mStormPublishes  = "edit storm: publishes"
	mStormChanged    = "edit storm: publishes that changed the ranges"
	mStormWrongAfter = "edit storm: wrong publishes after the final one"
	mMany            = "documents opened at once → all diagnosed"
	mLarge           = "10k-line file: open → diagnostics"
	mLargeFirstComp  = "10k-line file: first completion"
	mCompletion      = "10k-line file: completion"
	mCompletionItems = "10k-line file: completion items"
	mCompletionWrong = "10k-line file: completions without the expected items"
	mRSSMany         = "peak RSS, server, after the documents opened at once"
	mRSS             = "peak RSS, server"
	mRSSTree         = "peak RSS, server + children (sampled)"
	mColdStartup     = "cold cache: spawn → initialize reply"
	mColdSpawnDiag   = "cold cache: spawn → first diagnostics"
)

// benchConfig is what every run shares.
type benchConfig struct {
	timeout     time.Duration // per step
	settle      time.Duration // watched after the storm's final diagnostics
	stormGap    time.Duration
	completions int
	seed        uint64
}

// server is one server command under test and its results.
type server struct {
	name    string
	argv    []string
	metrics map[string]*metric
	failed  error
	notes   []string // errors and warnings the server showed the user
}

// note records what the server showed the user in a run, once per text.
func (srv *server) note(c *client) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, m := range c.messages {
		if !slices.Contains(srv.notes, m) {
			srv.notes = append(srv.notes, m)
		}
	}
}

func (s *server) add(name, unit string, v float64) {
	m := s.metrics[name]
	if m == nil {
		m = &metric{Name: name, Unit: unit}
		s.metrics[name] = m
	}
	m.Samples = append(m.Samples, v)
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// session is one run: a fresh server process in the workspace.
type session struct {
	*client
	cfg     benchConfig
	ws      *workspace
	sampler *treeSampler
}

// start spawns the server with cacheHome as its XDG_CACHE_HOME (where
// lsphost keeps compiled extensions) and initializes it.
func start(srv *server, ws *workspace, cfg benchConfig, cacheHome string) (*session, time.Duration, error) {
	env := []string{"XDG_CACHE_HOME=" + cacheHome, "XDG_CONFIG_HOME=" + filepath.Join(ws.dir, ".config")}
	c, err := spawn(srv.argv, ws.dir, env)
	if err != nil {
		return nil, 0, err
	}
	s := &session{client: c, cfg: cfg, ws: ws, sampler: sampleTree(c.pid)}
	at, err := c.initialize(ws.dir, cfg.timeout)
	if err != nil {
		s.abort()
		return nil, 0, s.wrap("initialize", err)
	}
	return s, at.Sub(c.start), nil
}

// wrap adds the server's stderr to a failure.
func (s *session) wrap(step string, err error) error {
	if t := s.stderr.String(); t != "" {
		return fmt.Errorf("%s: %w\nserver stderr (tail):\n%s", step, err, t)
	}
	return fmt.Errorf("%s: %w", step, err)
}

func (s *session) abort() {
	s.sampler.end()
	s.kill()
}

// diagnosed waits for a publish for d that matches want, from publish
// index from on, and returns when it arrived.
func (s *session) diagnosed(step string, from int, uri string, want []span) (time.Time, error) {
	var last *publish
	var at time.Time
	err := s.waitPublishes(from, s.cfg.timeout, func(p publish) bool {
		if p.uri != uri {
			return false
		}
		last = &p
		if slices.Equal(p.spans, want) {
			at = p.at
			return true
		}
		return false
	})
	if err != nil {
		return at, s.wrap(step, fmt.Errorf("%w waiting %v for diagnostics of %s matching the %d TODOs of its text: %s", err, s.cfg.timeout, filepath.Base(uri), len(want), describe(last, want)))
	}
	return at, nil
}

// open sends didOpen for d and waits for its matching diagnostics,
// returning when it sent and when they came; on failure it kills the
// server.
func (s *session) open(step string, d document) (sent, at time.Time, err error) {
	from := s.mark()
	sent = time.Now()
	if err := s.didOpen(d); err != nil {
		s.abort()
		return sent, at, s.wrap("didOpen", err)
	}
	if at, err = s.diagnosed(step, from, d.uri, expectedTODOs(d.text)); err != nil {
		s.abort()
	}
	return sent, at, err
}

// describe says how the last publish differs from want.
func describe(last *publish, want []span) string {
	if last == nil {
		return "nothing was published for it"
	}
	got := last.spans
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			return fmt.Sprintf("the last publish had %d, the first difference got %v want %v", len(got), got[i], want[i])
		}
	}
	return fmt.Sprintf("the last publish had %d", len(got))
}

// fullRun runs every step once on a fresh server and records the results.
func fullRun(srv *server, ws *workspace, cfg benchConfig, cacheHome string, r *rand.Rand) error {
	s, startup, err := start(srv, ws, cfg, cacheHome)
	if err != nil {
		return err
	}
	err = s.steps(srv, startup, r)
	srv.note(s.client)
	if err != nil {
		s.abort()
		return err
	}
	hwm := vmHWM(s.pid)
	tree := s.sampler.end()
	if err := s.stop(cfg.timeout); err != nil {
		return s.wrap("shutdown", err)
	}
	srv.add(mRSS, "MB", float64(hwm)/(1<<20))
	srv.add(mRSSTree, "MB", float64(max(tree, hwm))/(1<<20))
	return nil
}

func (s *session) steps(srv *server, startup time.Duration, r *rand.Rand) error {
	ws := s.ws
	srv.add(mStartup, "ms", ms(startup))

	// Open one document.
	from := s.mark()
	t0 := time.Now()
	if err := s.didOpen(ws.small); err != nil {
		return s.wrap("didOpen", err)
	}
	at, err := s.diagnosed(mFirstDiag, from, ws.small.uri, expectedTODOs(ws.small.text))
	if err != nil {
		return err
	}
	srv.add(mFirstDiag, "ms", ms(at.Sub(t0)))
	srv.add(mSpawnDiag, "ms", ms(at.Sub(s.start)))

	// Edit storm on it.
	if len(ws.storm) > 0 {
		from = s.mark()
		begin := time.Now()
		var last time.Time
		for i, e := range ws.storm {
			time.Sleep(time.Until(begin.Add(time.Duration(i) * s.cfg.stormGap)))
			last = time.Now()
			if err := s.didChange(ws.small.uri, i+2, e); err != nil {
				return s.wrap("didChange", err)
			}
		}
		final := expectedTODOs(ws.storm[len(ws.storm)-1].After)
		at, err := s.diagnosed(mStorm, from, ws.small.uri, final)
		if err != nil {
			return err
		}
		time.Sleep(s.cfg.settle)
		publishes, changed, wrong := 0, 0, 0
		prev := expectedTODOs(ws.small.text) // what the editor showed before the storm
		for _, p := range s.publishes(from) {
			if p.uri != ws.small.uri {
				continue
			}
			publishes++
			if !slices.Equal(p.spans, prev) {
				changed++
			}
			prev = p.spans
			if p.at.After(at) && !slices.Equal(p.spans, final) {
				wrong++
			}
		}
		srv.add(mStorm, "ms", ms(at.Sub(last)))
		srv.add(mStormPublishes, "count", float64(publishes))
		srv.add(mStormChanged, "count", float64(changed))
		srv.add(mStormWrongAfter, "count", float64(wrong))
	}

	// Many documents at once.
	if len(ws.many) > 0 {
		from = s.mark()
		t0 = time.Now()
		for _, d := range ws.many {
			if err := s.didOpen(d); err != nil {
				return s.wrap("didOpen", err)
			}
		}
		var lastAt time.Time
		for _, d := range ws.many {
			at, err := s.diagnosed(mMany, from, d.uri, expectedTODOs(d.text))
			if err != nil {
				return err
			}
			if at.After(lastAt) {
				lastAt = at
			}
		}
		srv.add(mMany, "ms", ms(lastAt.Sub(t0)))
		srv.add(mRSSMany, "MB", float64(vmHWM(s.pid))/(1<<20))
	}

	// The large file, then completion on it.
	from = s.mark()
	t0 = time.Now()
	if err := s.didOpen(ws.large); err != nil {
		return s.wrap("didOpen", err)
	}
	at, err = s.diagnosed(mLarge, from, ws.large.uri, expectedTODOs(ws.large.text))
	if err != nil {
		return err
	}
	srv.add(mLarge, "ms", ms(at.Sub(t0)))
	if s.completion && s.cfg.completions > 0 {
		points := completionPoints(r, ws.large.text, s.cfg.completions)
		wrong := 0
		for i, p := range points {
			t0 := time.Now()
			raw, at, err := s.call("textDocument/completion", map[string]any{
				"textDocument": map[string]any{"uri": ws.large.uri},
				"position":     map[string]any{"line": p.Line, "character": p.Char},
				"context":      map[string]any{"triggerKind": 1},
			}, s.cfg.timeout)
			if err != nil {
				return s.wrap("completion", err)
			}
			// An answer without the words the document has (an
			// extension failed or was switched off) is not timed.
			n := countItems(raw)
			if n != len(completions(ws.large.text, byteOffset(ws.large.text, p.Line, p.Char))) {
				wrong++
				continue
			}
			if i == 0 {
				srv.add(mLargeFirstComp, "ms", ms(at.Sub(t0)))
				srv.add(mCompletionItems, "count", float64(n))
			}
			srv.add(mCompletion, "ms", ms(at.Sub(t0)))
		}
		srv.add(mCompletionWrong, "count", float64(wrong))
	}
	return nil
}

// scaleMetric names the open → diagnostics time of the scaling document of
// lines lines.
func scaleMetric(lines int) string {
	return fmt.Sprintf("scaling: %d-line file: open → diagnostics", lines)
}

// scaleRun opens each scaling document alone, in order, in a fresh server
// once the first one is diagnosed (so the extensions are loaded), and
// closes it after its diagnostics: open → diagnostics by document size.
func scaleRun(srv *server, ws *workspace, cfg benchConfig, cacheHome string) error {
	if len(ws.scale) == 0 {
		return nil
	}
	s, _, err := start(srv, ws, cfg, cacheHome)
	if err != nil {
		return err
	}
	// A first document, diagnosed and asked for a completion, makes sure
	// the extensions are loaded: a server may diagnose before its
	// completion extensions have loaded, and go on loading meanwhile.
	if _, _, err := s.open(mFirstDiag, ws.small); err != nil {
		return err
	}
	if s.completion {
		if _, _, err := s.call("textDocument/completion", map[string]any{
			"textDocument": map[string]any{"uri": ws.small.uri},
			"position":     map[string]any{"line": 0, "character": 0},
		}, s.cfg.timeout); err != nil {
			return s.wrap("completion", err)
		}
	}
	for _, d := range ws.scale {
		name := scaleMetric(strings.Count(d.text, "\n"))
		sent, at, err := s.open(name, d)
		if err != nil {
			return err
		}
		srv.add(name, "ms", ms(at.Sub(sent)))
		if err := s.didClose(d); err != nil {
			s.abort()
			return s.wrap("didClose", err)
		}
	}
	s.sampler.end()
	if err := s.stop(cfg.timeout); err != nil {
		return s.wrap("shutdown", err)
	}
	return nil
}

// coldRun measures startup and first diagnostics with an empty cache.
func coldRun(srv *server, ws *workspace, cfg benchConfig, cacheHome string) error {
	s, startup, err := start(srv, ws, cfg, cacheHome)
	if err != nil {
		return err
	}
	_, at, err := s.open(mColdSpawnDiag, ws.small)
	if err != nil {
		return err
	}
	s.sampler.end()
	if err := s.stop(cfg.timeout); err != nil {
		return s.wrap("shutdown", err)
	}
	srv.add(mColdStartup, "ms", ms(startup))
	srv.add(mColdSpawnDiag, "ms", ms(at.Sub(s.start)))
	return nil
}

// completionPoints picks n positions in text, each two characters into a
// word of at least five ASCII letters: the editor asks as the user types a
// word's beginning.
func completionPoints(r *rand.Rand, text string, n int) []pos {
	lines := strings.Split(text, "\n")
	var out []pos
	for len(out) < n {
		i := r.IntN(len(lines))
		line := lines[i]
		var starts []int
		for j := 0; j < len(line); j++ {
			if isASCIILetter(line[j]) && (j == 0 || !isASCIILetter(line[j-1]) && line[j-1] < 0x80) {
				k := j
				for k < len(line) && isASCIILetter(line[k]) {
					k++
				}
				if k-j >= 5 && (k == len(line) || line[k] < 0x80) {
					starts = append(starts, j)
				}
			}
		}
		if len(starts) == 0 {
			continue
		}
		j := starts[r.IntN(len(starts))]
		out = append(out, pos{i, utf16Len(line[:j]) + 2})
	}
	return out
}

func isASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// countItems counts a completion result's items: a list or an array.
func countItems(raw json.RawMessage) int {
	var list struct{ Items []json.RawMessage }
	if json.Unmarshal(raw, &list) == nil && list.Items != nil {
		return len(list.Items)
	}
	var items []json.RawMessage
	json.Unmarshal(raw, &items)
	return len(items)
}

// fileURI is the file: URI of an absolute path.
func fileURI(path string) string {
	return "file://" + filepath.ToSlash(path)
}

// makeCacheHome creates an empty directory for a cold run.
func makeCacheHome(parent, name string) (string, error) {
	return os.MkdirTemp(parent, name+"-")
}
