package soak

import (
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lsphost/lsphost/internal/wasmbuild"
)

var (
	duration = flag.Duration("soak.duration", 30*time.Second, "how long the randomized load runs")
	// The reload step rewrites .lsphost.toml mid-run and sends
	// workspace/didChangeWatchedFiles; the oracle then expects the new
	// configuration's diagnostics for every open document.
	// On in make test's short run as in make soak: since guest memory is
	// mapped outside the Go heap, the heap shows the host's own memory,
	// which reloads do not make climb (RELIABILITY.md).
	reload     = flag.Bool("soak.reload", true, "reload the configuration during the run")
	seed       = flag.Int64("soak.seed", 0, "random seed of the workload (0: from the clock; the log says which)")
	numDocs    = flag.Int("soak.docs", 100, "documents in the session")
	numWorkers = flag.Int("soak.workers", 4, "goroutines driving the documents")
	checkEvery = flag.Duration("soak.checkpoint", 0, "time between checkpoints (0: a sixth of the duration, 5s to 60s)")
	think      = flag.Duration("soak.think", 0, "mean pause of each worker between two actions (0: as fast as the server takes them)")
	rssGrowth  = flag.Int("soak.rss-growth-mib", 96, "most RSS may grow from the first half's peak to the last checkpoint")
	heapGrowth = flag.Int("soak.heap-growth-mib", 32, "most the live heap may grow from the first half's peak to the last checkpoint")
)

// Bounds on waits: they end as soon as their condition holds; these only
// turn a hang into a failure.
const (
	replyTimeout   = 60 * time.Second
	quiesceTimeout = 60 * time.Second
	maxDoc         = 6000 // bytes; past it edits shrink a document
)

// soak is one session and the client's model of it.
type soak struct {
	t     *testing.T
	root  string
	c     *client
	cmd   *exec.Cmd
	exts  map[string]string // wasm path by extension
	pause sync.RWMutex      // workers hold it shared; a checkpoint alone

	cfgMu   sync.Mutex
	cfg     config
	reloads int

	docs []*doc

	mu            sync.Mutex // guards what the reader goroutine updates
	pubs          map[string]*published
	problems      []string
	shown         []string
	logMessages   int
	editLatency   []time.Duration // edit sent to first diagnostics at or after its version
	complLatency  []time.Duration // completion sent to reply, not cancelled
	cancels       []*call
	checkpoints   []checkpoint
	samples       []sample
	pausedFor     time.Duration
	edits, chgs   atomic.Int64 // didChange notifications, and the content changes in them
	saves, closes atomic.Int64
	completions   atomic.Int64
	cancelled     atomic.Int64
	started       time.Time // when the load started
	stderr        string    // the server's log
}

// doc is the client's copy of one document. Only its owner worker touches
// it, or a checkpoint while the workers are paused.
type doc struct {
	uri, lang string
	open      bool
	version   int32
	text      string
}

// published is what the server last published for a document.
type published struct {
	version     *int32
	diagnostics []diagnostic
	pending     []sentEdit // edits not yet covered by a publish
}

// sentEdit is an edit waiting for its diagnostics, to time them.
type sentEdit struct {
	version int32
	at      time.Time
}

// serverStatus is the part of lsphost.status's answer the soak reads.
type serverStatus struct {
	Extensions []struct {
		Name      string `json:"name"`
		State     string `json:"state"`
		Calls     int    `json:"calls"`
		Failures  int    `json:"failures"`
		LastError string `json:"lastError"`
	} `json:"extensions"`
	Server struct {
		Goroutines      int    `json:"goroutines"`
		HeapBytes       uint64 `json:"heapBytes"`
		RSSBytes        uint64 `json:"rssBytes"`
		OpenDocuments   int    `json:"openDocuments"`
		DiagnosticsRuns int    `json:"diagnosticsRuns"`
	} `json:"server"`
}

// checkpoint is the server's state at one quiesced moment.
type checkpoint struct {
	at          time.Duration
	edits       int64
	goroutines  int
	heap, rss   uint64
	open        int
	quiesce     time.Duration
	flakyCalls  int
	flakyFailed int
}

// sample is the server's state under load.
type sample struct {
	at        time.Duration
	heap, rss uint64
	latency   time.Duration // of the status request itself
}

// TestSoak runs a randomized editor session against the real server binary
// for -soak.duration and checks, at checkpoints and at the end, that the
// server's text and diagnostics of every document are exactly what the
// client's text implies, that every request got exactly one answer, and
// that goroutines and memory stay bounded. make test runs it briefly;
// make soak DURATION=10m runs it long. See RELIABILITY.md.
func TestSoak(t *testing.T) {
	s := &soak{t: t, root: t.TempDir(), pubs: map[string]*published{}}
	s.cfg = config{wideEnabled: true, wideMinRun: 1}
	s.exts = map[string]string{
		"todo":  wasmbuild.Example(t, "todo"),
		"words": wasmbuild.Example(t, "words"),
		"echo":  wasmbuild.Build(t, "testdata/guests/echo"),
		"wide":  wasmbuild.Build(t, "testdata/guests/wide"),
		"flaky": wasmbuild.Build(t, "testdata/guests/flaky"),
	}
	s.writeConfig()
	s.start()

	seedValue := *seed
	if seedValue == 0 {
		seedValue = time.Now().UnixNano()
	}
	t.Logf("seed %d (-soak.seed=%d replays the same choices), %d documents, %d workers, think time %s, %s of load, reload %v, race detector %v",
		seedValue, seedValue, *numDocs, *numWorkers, *think, *duration, *reload, raceEnabled)
	r := rand.New(rand.NewSource(seedValue))
	langs := []struct{ lang, ext string }{{"plaintext", "txt"}, {"markdown", "md"}, {"go", "go"}}
	for i := range *numDocs {
		l := langs[i%len(langs)]
		d := &doc{uri: fileURI(filepath.Join(s.root, fmt.Sprintf("doc%03d.%s", i, l.ext))), lang: l.lang, version: -1}
		d.text = randomText(r, 200+r.Intn(1500))
		s.docs = append(s.docs, d)
		s.open(d)
	}
	s.quiesce("after opening")

	every := *checkEvery
	if every == 0 {
		every = min(max(*duration/6, 5*time.Second), time.Minute)
	}
	start := time.Now()
	s.mu.Lock()
	s.started = start
	s.mu.Unlock()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range *numWorkers {
		wr := rand.New(rand.NewSource(seedValue + int64(w) + 1))
		var mine []*doc
		for i, d := range s.docs {
			if i%*numWorkers == w {
				mine = append(mine, d)
			}
		}
		wg.Go(func() { s.work(wr, mine, stop) })
	}
	wg.Go(func() { s.sample(start, stop) })
	if *reload {
		wg.Go(func() { s.reloadLoop(rand.New(rand.NewSource(seedValue-1)), max(*duration/20, 3*time.Second), stop) })
	}
	for elapsed := time.Duration(0); elapsed < *duration; elapsed = time.Since(start) {
		time.Sleep(min(every, *duration-elapsed))
		if time.Since(start) < *duration-every/2 {
			s.quiesce(fmt.Sprintf("checkpoint at %s", time.Since(start).Round(time.Second)))
		}
	}
	close(stop)
	wg.Wait()
	loadTime := time.Since(start)
	s.quiesce("at the end")
	s.shutdown()
	s.report(loadTime)
}

// start builds the server and starts it as an editor would, with its
// stdout read strictly as LSP frames.
func (s *soak) start() {
	t := s.t
	bin := filepath.Join(t.TempDir(), "lsphost")
	args := []string{"build", "-o", bin}
	if raceEnabled {
		// The server runs with the race detector too, and stops at the
		// first race: the soak is its best chance to meet one.
		args = append(args, "-race")
	}
	readSources(t, "go.mod", "go.sum", "cmd", "lsp", "extensions", "abi")
	build := exec.Command("go", append(args, "./cmd/lsphost")...)
	build.Dir = wasmbuild.Root()
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/lsphost: %v\n%s", err, out)
	}
	s.cmd = exec.Command(bin, "serve", "--config", filepath.Join(s.root, "no-user-config.toml"))
	s.cmd.Dir = s.root
	s.cmd.Env = append(os.Environ(), "XDG_CACHE_HOME="+filepath.Join(wasmbuild.CacheDir(), "xdg"), "GORACE=halt_on_error=1")
	stderr, err := os.Create(filepath.Join(t.TempDir(), "stderr"))
	s.stderr = stderr.Name()
	if err != nil {
		t.Fatal(err)
	}
	s.cmd.Stderr = stderr
	in, _ := s.cmd.StdinPipe()
	out, _ := s.cmd.StdoutPipe()
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		s.cmd.Process.Kill()
		s.cmd.Wait()
		if log, _ := os.ReadFile(stderr.Name()); t.Failed() || strings.Contains(string(log), "DATA RACE") {
			if strings.Contains(string(log), "DATA RACE") {
				t.Error("the server met a data race")
			}
			t.Logf("server stderr (last 8 KiB):\n%s", log[max(0, len(log)-8<<10):])
		}
	})
	s.c = newClient(in, out, s.notification)
	_, err = s.c.call("initialize", map[string]any{
		"processId":        os.Getpid(),
		"rootUri":          fileURI(s.root),
		"workspaceFolders": []any{map[string]any{"uri": fileURI(s.root), "name": "soak"}},
		"capabilities": map[string]any{
			"general":   map[string]any{"positionEncodings": []string{"utf-16"}},
			"workspace": map[string]any{"didChangeWatchedFiles": map[string]any{"dynamicRegistration": true}},
		},
	}, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	s.c.notify("initialized", map[string]any{}, nil)
	// initialize is answered at once and the extensions load in the
	// background; lsphost.status waits for the load, which on a cold
	// compilation cache compiles every module (minutes under -race).
	if _, err := s.c.call("workspace/executeCommand", map[string]any{"command": "lsphost.status"}, 5*time.Minute); err != nil {
		t.Fatalf("waiting for the extensions to load: %v", err)
	}
}

// readSources reads the server's sources: go test caches a result until
// the files a test read change, and it cannot see what go build reads.
func readSources(t *testing.T, paths ...string) {
	root := wasmbuild.Root()
	for _, p := range paths {
		err := filepath.WalkDir(filepath.Join(root, p), func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") && d.Name() != "go.mod" && d.Name() != "go.sum" {
				return err
			}
			_, err = os.ReadFile(path)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// writeConfig writes .lsphost.toml for the configuration in force.
func (s *soak) writeConfig() {
	var b strings.Builder
	for _, name := range []string{"echo", "flaky", "todo", "wide", "words"} {
		timeout := "5s" // the stable extensions must not time out on a loaded machine
		if name == "flaky" {
			timeout = "1s"
		}
		fmt.Fprintf(&b, "[extensions.%s]\nwasm = %q\ntimeout = %q\n", name, s.exts[name], timeout)
		switch name {
		case "todo":
			if s.cfg.todoKeywords != nil {
				kw, _ := json.Marshal(s.cfg.todoKeywords)
				fmt.Fprintf(&b, "[extensions.todo.settings]\nkeywords = %s\n", kw)
			}
		case "wide":
			fmt.Fprintf(&b, "enabled = %v\nlanguages = [\"plaintext\", \"markdown\"]\n[extensions.wide.settings]\nminRun = %d\n", s.cfg.wideEnabled, s.cfg.wideMinRun)
		}
	}
	// Written aside and renamed into place: with a truncation first, a
	// writer starved for over the server's second of patience (the soak
	// shares the process with the server, under the race detector) would
	// have it load an empty configuration, which no editor's stall does.
	path := filepath.Join(s.root, ".lsphost.toml")
	if err := os.WriteFile(path+".tmp", []byte(b.String()), 0o644); err != nil {
		s.t.Fatal(err)
	}
	if err := os.Rename(path+".tmp", path); err != nil {
		s.t.Fatal(err)
	}
}

// reloadVariants are the configurations a reload cycles through.
var reloadVariants = []config{
	{wideEnabled: true, wideMinRun: 1},
	{todoKeywords: []string{"TODO"}, wideEnabled: true, wideMinRun: 2},
	{todoKeywords: []string{"FIXME", "XXX"}, wideEnabled: false, wideMinRun: 1},
}

// reloadLoop changes the configuration every so often: todo's keywords,
// wide's minRun, and wide switched off and on.
func (s *soak) reloadLoop(r *rand.Rand, every time.Duration, stop chan struct{}) {
	variants := reloadVariants
	for {
		select {
		case <-stop:
			return
		case <-time.After(every/2 + time.Duration(r.Int63n(int64(every)))):
		}
		s.pause.RLock()
		s.cfgMu.Lock()
		s.reloads++
		s.cfg = variants[s.reloads%len(variants)]
		s.writeConfig()
		s.cfgMu.Unlock()
		s.c.notify("workspace/didChangeWatchedFiles", map[string]any{"changes": []any{
			map[string]any{"uri": fileURI(filepath.Join(s.root, ".lsphost.toml")), "type": 2},
		}}, nil)
		s.pause.RUnlock()
	}
}

// notification records what the server sends; it runs on the reader.
func (s *soak) notification(method string, raw json.RawMessage, at time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch method {
	case "textDocument/publishDiagnostics":
		var p struct {
			URI         string       `json:"uri"`
			Version     *int32       `json:"version"`
			Diagnostics []diagnostic `json:"diagnostics"`
		}
		if err := json.Unmarshal(raw, &p); err != nil || p.Diagnostics == nil {
			s.problems = append(s.problems, fmt.Sprintf("bad publishDiagnostics (diagnostics must be a list): %s", raw))
			return
		}
		pub := s.pubs[p.URI]
		if pub == nil {
			pub = &published{}
			s.pubs[p.URI] = pub
		}
		if p.Version != nil && pub.version != nil && *p.Version < *pub.version {
			s.problems = append(s.problems, fmt.Sprintf("%s: published version %d after version %d", p.URI, *p.Version, *pub.version))
		}
		pub.version, pub.diagnostics = p.Version, p.Diagnostics
		if p.Version != nil {
			i := 0
			for ; i < len(pub.pending) && pub.pending[i].version <= *p.Version; i++ {
				s.editLatency = append(s.editLatency, at.Sub(pub.pending[i].at))
			}
			pub.pending = pub.pending[i:]
		}
	case "window/showMessage":
		var p struct {
			Type    int
			Message string
		}
		json.Unmarshal(raw, &p)
		s.shown = append(s.shown, p.Message)
		// Only flaky may fail; any other error shown is a failure.
		if p.Type == 1 && !strings.Contains(p.Message, "extension flaky keeps failing") {
			s.problems = append(s.problems, "unexpected error shown to the user: "+p.Message)
		}
	case "window/logMessage":
		s.logMessages++
	}
}

// sent records an edit to measure how long its diagnostics take. It runs
// under the client's write lock, so it is in stream order.
func (s *soak) sent(d *doc, at time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	pub := s.pubs[d.uri]
	if pub == nil {
		pub = &published{}
		s.pubs[d.uri] = pub
	}
	if !d.open {
		pub.pending = nil // a closed document is never published again
		return
	}
	pub.pending = append(pub.pending, sentEdit{d.version, at})
}

func (s *soak) open(d *doc) {
	params := map[string]any{"textDocument": map[string]any{"uri": d.uri, "languageId": d.lang, "version": d.version + 1, "text": d.text}}
	s.c.notify("textDocument/didOpen", params, func() {
		d.open, d.version = true, d.version+1
		s.sent(d, time.Now())
	})
}

// work drives its documents until stop.
func (s *soak) work(r *rand.Rand, docs []*doc, stop chan struct{}) {
	for {
		select {
		case <-stop:
			return
		default:
		}
		s.pause.RLock()
		d := docs[r.Intn(len(docs))]
		switch n := r.Intn(100); {
		case !d.open:
			s.open(d)
		case n < 70:
			s.edit(r, d, false)
		case n < 72:
			s.edit(r, d, true)
		case n < 77:
			s.c.notify("textDocument/didSave", map[string]any{"textDocument": map[string]any{"uri": d.uri}}, nil)
			s.saves.Add(1)
		case n < 85:
			s.complete(r, d, false)
		case n < 95:
			s.complete(r, d, true)
		default:
			s.c.notify("textDocument/didClose", map[string]any{"textDocument": map[string]any{"uri": d.uri}}, func() {
				d.open = false
				s.sent(d, time.Now())
			})
			s.closes.Add(1)
		}
		s.pause.RUnlock()
		switch {
		case *think > 0:
			time.Sleep(*think/2 + time.Duration(r.Int63n(int64(*think)))) // a user's pace
		case r.Intn(4) == 0:
			time.Sleep(time.Duration(r.Intn(2000)) * time.Microsecond) // typing has pauses
		}
	}
}

// edit sends one didChange of one to three incremental changes, or of the
// whole text.
func (s *soak) edit(r *rand.Rand, d *doc, full bool) {
	text := d.text
	var changes []any
	if full {
		text = randomText(r, 200+r.Intn(1500))
		changes = append(changes, map[string]any{"text": text})
	} else {
		for range 1 + r.Intn(3) {
			start, end, ins := randomEdit(r, text)
			changes = append(changes, map[string]any{"range": rangeOf(text, start, end), "text": ins})
			text = text[:start] + ins + text[end:]
		}
	}
	params := map[string]any{"textDocument": map[string]any{"uri": d.uri, "version": d.version + 1}, "contentChanges": changes}
	s.c.notify("textDocument/didChange", params, func() {
		d.version, d.text = d.version+1, text
		s.sent(d, time.Now())
	})
	s.edits.Add(1)
	s.chgs.Add(int64(len(changes)))
}

// complete asks for completion at a random place. Unless it is cancelled
// at once, it waits for the answer and checks it against the oracle: only
// this worker edits d, so the server has exactly d's text.
func (s *soak) complete(r *rand.Rand, d *doc, cancel bool) {
	off := boundary(d.text, r.Intn(len(d.text)+1))
	id, cl := s.c.start("textDocument/completion", map[string]any{"textDocument": map[string]any{"uri": d.uri}, "position": positionOf(d.text, off)})
	s.completions.Add(1)
	if cancel {
		if r.Intn(2) == 0 {
			time.Sleep(time.Duration(r.Intn(3000)) * time.Microsecond)
		}
		s.c.cancel(id)
		s.cancelled.Add(1)
		s.mu.Lock()
		s.cancels = append(s.cancels, cl)
		s.mu.Unlock()
		return
	}
	rep, err := s.c.wait(cl, replyTimeout)
	if err == nil && rep.Error != nil {
		err = fmt.Errorf("error %d: %s", rep.Error.Code, rep.Error.Message)
	}
	var list struct {
		Items []struct{ Label string } `json:"items"`
	}
	if err == nil {
		err = json.Unmarshal(rep.Result, &list)
	}
	var got []string
	for _, it := range list.Items {
		if it.Label != "flaky" { // flaky's item, or a word "flaky" merged with it
			got = append(got, it.Label)
		}
	}
	want := slices.DeleteFunc(expectedWords(d.text, off), func(w string) bool { return w == "flaky" })
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case err != nil:
		s.problems = append(s.problems, fmt.Sprintf("completion in %s: %v", d.uri, err))
	case !slices.Equal(got, want):
		s.problems = append(s.problems, fmt.Sprintf("completion in %s at byte %d of %q:\n got  %q\n want %q", d.uri, off, d.text, got, want))
	default:
		s.complLatency = append(s.complLatency, rep.at.Sub(cl.sent))
	}
}

// sample reads the server's memory under load every few seconds.
func (s *soak) sample(start time.Time, stop chan struct{}) {
	every := max(*duration/30, time.Second)
	for {
		select {
		case <-stop:
			return
		case <-time.After(every):
		}
		t0 := time.Now()
		st, err := s.status()
		if err != nil {
			s.fail("lsphost.status under load: %v", err)
			return
		}
		s.mu.Lock()
		s.samples = append(s.samples, sample{at: time.Since(start), heap: st.Server.HeapBytes, rss: st.Server.RSSBytes, latency: time.Since(t0)})
		s.mu.Unlock()
	}
}

func (s *soak) status() (serverStatus, error) {
	var st serverStatus
	rep, err := s.c.call("workspace/executeCommand", map[string]any{"command": "lsphost.status"}, replyTimeout)
	if err == nil {
		err = json.Unmarshal(rep.Result, &st)
	}
	return st, err
}

func (s *soak) fail(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.problems = append(s.problems, fmt.Sprintf(format, args...))
}

// quiesce stops the workers, waits until the server is idle, and checks
// everything the session promises at that moment.
func (s *soak) quiesce(when string) {
	t := s.t
	t0 := time.Now()
	s.pause.Lock()
	defer s.pause.Unlock()
	defer func() {
		s.mu.Lock()
		s.pausedFor += time.Since(t0)
		s.mu.Unlock()
	}()

	// Every request has its one answer; cancelled ones answer with their
	// result or RequestCancelled (-32800), nothing else.
	deadline := time.Now().Add(replyTimeout)
	for len(s.c.unanswered()) > 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if u := s.c.unanswered(); len(u) > 0 {
		t.Fatalf("%s: %d request(s) unanswered after %s: %v", when, len(u), replyTimeout, u[:min(len(u), 10)])
	}
	s.mu.Lock()
	for _, cl := range s.cancels {
		if e := cl.reply.Error; e != nil && e.Code != -32800 {
			s.problems = append(s.problems, fmt.Sprintf("cancelled completion answered error %d %q, want a result or -32800", e.Code, e.Message))
		}
	}
	s.cancels = nil
	s.mu.Unlock()

	// The last publish of every document matches the client's text, for
	// the configuration in force, and the version the client sent last.
	s.cfgMu.Lock()
	cfg := s.cfg
	s.cfgMu.Unlock()
	var diff string
	deadline = time.Now().Add(quiesceTimeout)
	for {
		if diff = s.diff(cfg); diff == "" || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if diff != "" {
		t.Fatalf("%s: the server's diagnostics do not match the client's documents after %s:\n%s", when, quiesceTimeout, diff)
	}

	// Idle: no diagnostics run in flight, and the goroutines back to the
	// count of the first checkpoint.
	var st serverStatus
	var err error
	s.mu.Lock()
	baseline := -1
	if len(s.checkpoints) > 0 {
		baseline = s.checkpoints[0].goroutines
	}
	s.mu.Unlock()
	deadline = time.Now().Add(quiesceTimeout)
	for {
		st, err = s.status()
		if err != nil {
			t.Fatalf("%s: lsphost.status: %v", when, err)
		}
		idle := st.Server.DiagnosticsRuns == 0 && (baseline < 0 || st.Server.Goroutines <= baseline)
		if idle || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if st.Server.DiagnosticsRuns != 0 {
		t.Errorf("%s: %d diagnostics runs in flight after the diagnostics matched", when, st.Server.DiagnosticsRuns)
	}
	if baseline >= 0 && st.Server.Goroutines > baseline {
		t.Errorf("%s: %d goroutines in the idle server, %d at the first checkpoint", when, st.Server.Goroutines, baseline)
	}
	open := 0
	for _, d := range s.docs {
		if d.open {
			open++
		}
	}
	if st.Server.OpenDocuments != open {
		t.Errorf("%s: the server has %d open documents, the client %d", when, st.Server.OpenDocuments, open)
	}
	cp := checkpoint{edits: s.edits.Load(), goroutines: st.Server.Goroutines,
		heap: st.Server.HeapBytes, rss: st.Server.RSSBytes, open: open, quiesce: time.Since(t0)}
	for _, e := range st.Extensions {
		if e.Name == "flaky" {
			cp.flakyCalls, cp.flakyFailed = e.Calls, e.Failures
			continue
		}
		if e.Failures != 0 || e.State != "ok" {
			t.Errorf("%s: stable extension %s is %s with %d failure(s): %s", when, e.Name, e.State, e.Failures, e.LastError)
		}
	}
	s.mu.Lock()
	problems := s.problems
	s.problems = nil
	if !s.started.IsZero() {
		cp.at = time.Since(s.started)
	}
	s.checkpoints = append(s.checkpoints, cp)
	s.mu.Unlock()
	for _, p := range problems {
		t.Errorf("%s: %s", when, p)
	}
	if acc, _ := s.c.accounting(); len(acc) > 0 {
		t.Fatalf("%s: %s", when, strings.Join(acc, "\n"))
	}
	t.Logf("%s: idle after %s; %d goroutines, heap %.1f MiB, RSS %.1f MiB, %d open documents, %d edits so far",
		when, time.Since(t0).Round(time.Millisecond), cp.goroutines, mib(cp.heap), mib(cp.rss), open, cp.edits)
	if t.Failed() {
		t.FailNow()
	}
}

// diff compares the last publish of every document with the oracle and
// returns the first few differences.
func (s *soak) diff(cfg config) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var b strings.Builder
	bad := 0
	for _, d := range s.docs {
		pub := s.pubs[d.uri]
		var problem string
		switch {
		case !d.open:
			if pub != nil && len(pub.diagnostics) > 0 {
				problem = fmt.Sprintf("closed, but its last publish has %d diagnostics", len(pub.diagnostics))
			}
		case pub == nil || pub.version == nil:
			problem = "open, but nothing published for it"
		case *pub.version != d.version:
			problem = fmt.Sprintf("last published version %d, client's version %d", *pub.version, d.version)
		default:
			var got []string
			for _, g := range pub.diagnostics {
				switch g.Source {
				case "flaky":
				case "todo", "wide", "echo":
					got = append(got, g.String())
				default:
					got = append(got, "unknown source: "+g.String())
				}
			}
			slices.Sort(got)
			if want := expectedDiagnostics(cfg, d.lang, d.text); !slices.Equal(got, want) {
				problem = fmt.Sprintf("version %d diagnostics differ from the oracle's\n got  %q\n want %q\n text %q", d.version, got, want, d.text)
			}
		}
		if problem != "" {
			if bad++; bad <= 3 {
				fmt.Fprintf(&b, "%s: %s\n", d.uri, problem)
			}
		}
	}
	if bad > 3 {
		fmt.Fprintf(&b, "… and %d more documents\n", bad-3)
	}
	return b.String()
}

// shutdown ends the session as an editor does, with completions in flight:
// each must be answered before shutdown is, and the server must exit 0.
func (s *soak) shutdown() {
	t := s.t
	var inFlight []*call
	for _, d := range s.docs[:5] {
		if d.open {
			_, cl := s.c.start("textDocument/completion", map[string]any{"textDocument": map[string]any{"uri": d.uri}, "position": positionOf(d.text, len(d.text))})
			inFlight = append(inFlight, cl)
		}
	}
	rep, err := s.c.call("shutdown", nil, replyTimeout)
	if err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	for _, cl := range inFlight {
		if r, err := s.c.wait(cl, time.Second); err != nil || r.seq > rep.seq {
			t.Errorf("a completion in flight at shutdown was answered after shutdown (or not at all: %v)", err)
		}
	}
	s.c.notify("exit", nil, nil)
	exited := make(chan error, 1)
	go func() { exited <- s.cmd.Wait() }()
	select {
	case err := <-exited:
		if code := s.cmd.ProcessState.ExitCode(); code != 0 {
			t.Errorf("exit code %d after shutdown and exit (%v), want 0", code, err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the server did not exit within 30s of exit")
	}
	<-s.c.closed
	// The server logged no error but flaky's.
	log, _ := os.ReadFile(s.stderr)
	for line := range strings.Lines(string(log)) {
		if strings.Contains(line, "level=ERROR") && !strings.Contains(line, "extension=flaky") {
			t.Errorf("the server logged an error: %s", line)
		}
	}
	acc, n := s.c.accounting()
	for _, p := range acc {
		t.Error(p)
	}
	t.Logf("%d requests, each answered exactly once; stdout carried only LSP frames", n)
}

// report logs throughput, latencies and memory over time, formatted for
// RELIABILITY.md.
func (s *soak) report(load time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	busy := load - s.pausedFor
	t := s.t
	t.Logf("load %s (%s of it quiesced at checkpoints); %d didChange (%d changes), %d saves, %d closes, %d completions (%d cancelled at once), %d reloads, %d logMessages",
		load.Round(time.Second), s.pausedFor.Round(time.Second), s.edits.Load(), s.chgs.Load(), s.saves.Load(), s.closes.Load(), s.completions.Load(), s.cancelled.Load(), s.reloads, s.logMessages)
	if avg, err := os.ReadFile("/proc/loadavg"); err == nil {
		t.Logf("machine load average at the end (1, 5, 15 min): %s", strings.Join(strings.Fields(string(avg))[:3], " "))
	}
	t.Logf("throughput: %.0f didChange/s (%.0f content changes/s) under load", float64(s.edits.Load())/busy.Seconds(), float64(s.chgs.Load())/busy.Seconds())
	t.Logf("| latency under load | n | p50 | p90 | p99 | max |")
	t.Logf("| --- | --- | --- | --- | --- | --- |")
	t.Logf("| edit → diagnostics | %s |", percentiles(s.editLatency))
	t.Logf("| completion | %s |", percentiles(s.complLatency))
	var statusLat []time.Duration
	for _, sm := range s.samples {
		statusLat = append(statusLat, sm.latency)
	}
	t.Logf("| lsphost.status | %s |", percentiles(statusLat))
	t.Logf("| checkpoint | edits | goroutines | heap MiB | RSS MiB | quiesce | flaky calls/failures |")
	t.Logf("| --- | --- | --- | --- | --- | --- | --- |")
	for _, cp := range s.checkpoints {
		t.Logf("| %s | %d | %d | %.1f | %.1f | %s | %d/%d |", cp.at.Round(time.Second), cp.edits, cp.goroutines, mib(cp.heap), mib(cp.rss), cp.quiesce.Round(time.Millisecond), cp.flakyCalls, cp.flakyFailed)
	}
	var lo, hi sample
	for i, sm := range s.samples {
		if i == 0 || sm.rss < lo.rss {
			lo = sm
		}
		if sm.rss > hi.rss {
			hi = sm
		}
	}
	t.Logf("under load (%d samples): RSS %.1f–%.1f MiB", len(s.samples), mib(lo.rss), mib(hi.rss))
	for _, shown := range s.shown {
		t.Logf("shown to the user: %s", shown)
	}
	if len(s.checkpoints) >= 2 {
		// The baseline is the highest checkpoint of the first half under
		// load ([0] is before any load): instances grow with the documents
		// and reloads replace them, so memory climbs to a plateau first;
		// a leak keeps climbing past it.
		load := s.checkpoints[1:]
		first, last := load[0], load[len(load)-1]
		for _, cp := range load[:max(1, len(load)/2)] {
			first.rss, first.heap = max(first.rss, cp.rss), max(first.heap, cp.heap)
		}
		// The race detector's shadow memory grows with every allocation, so
		// RSS says nothing about leaks under it; the live heap still does.
		if growth := int64(last.rss) - int64(first.rss); !raceEnabled && growth > int64(*rssGrowth)<<20 {
			t.Errorf("RSS grew by %.1f MiB from the first half's peak to the last checkpoint under load, more than %d MiB: a leak?", float64(growth)/(1<<20), *rssGrowth)
		}
		if growth := int64(last.heap) - int64(first.heap); growth > int64(*heapGrowth)<<20 {
			t.Errorf("the live heap grew by %.1f MiB from the first half's peak to the last checkpoint under load, more than %d MiB: a leak?", float64(growth)/(1<<20), *heapGrowth)
		}
	}
}

func mib(b uint64) float64 { return float64(b) / (1 << 20) }

func percentiles(d []time.Duration) string {
	if len(d) == 0 {
		return "0 | - | - | - | -"
	}
	d = slices.Clone(d)
	slices.Sort(d)
	p := func(q float64) time.Duration { return d[min(len(d)-1, int(q*float64(len(d))))] }
	r := func(x time.Duration) string { return x.Round(10 * time.Microsecond).String() }
	return fmt.Sprintf("%d | %s | %s | %s | %s", len(d), r(p(0.5)), r(p(0.9)), r(p(0.99)), r(d[len(d)-1]))
}

func fileURI(path string) string { return "file://" + filepath.ToSlash(path) }

// fragments are what random text is made of: markers, words, line breaks of
// every kind, and characters of one to four UTF-8 bytes, one or two UTF-16
// units, combining marks included.
var fragments = []string{
	"TODO", "FIXME", "XXX", "TODO:", "// FIXME ", "XXX!", "TODOS", "_TODO", "todo", "中TODO", "TODO中",
	" ", " ", " ", "  ", "\t", ".", ":", "\n", "\n", "\n", "\r\n", "\r\n", "\r",
	"alpha", "alphabet", "beta", "gamma", "word", "words", "flaky", "x", "Δelta", "naïve",
	"😀", "👍🏽", "漢字", "日本語", "é", "e\u0301", "𝄞", "🇫🇷",
}

func randomText(r *rand.Rand, n int) string {
	var b strings.Builder
	for b.Len() < n {
		b.WriteString(fragments[r.Intn(len(fragments))])
	}
	return b.String()
}

// randomEdit picks a range of text and its replacement: mostly small
// insertions, replacements and deletions; large deletions when the text
// is past maxDoc.
func randomEdit(r *rand.Rand, text string) (start, end int, newText string) {
	start = boundary(text, r.Intn(len(text)+1))
	span := 12
	if len(text) > maxDoc {
		span = 600
	}
	end = start
	if r.Intn(3) > 0 || len(text) > maxDoc {
		end = boundary(text, min(len(text), start+r.Intn(span)))
	}
	if len(text) <= maxDoc {
		newText = randomText(r, r.Intn(12))
	}
	return start, end, newText
}
