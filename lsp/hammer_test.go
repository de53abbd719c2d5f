package lsp

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math/rand"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/lsphost/lsphost/internal/echosum"
	"github.com/lsphost/lsphost/internal/wasmbuild"
	"github.com/lsphost/lsphost/lsp/text"
)

// TestHammerDocuments drives the document store and the diagnostics
// scheduler from several goroutines at once: opens, incremental edits,
// saves, closes, completions and lsphost.status, with diagnostics runs
// racing all of them. The connection applies notifications one at a time,
// but requests and runs read the store concurrently, and the store must
// hold on its own. Afterwards the last publish of every document must be
// its final version, with the echo guest's summary of its final text, and
// [] for a closed one.
func TestHammerDocuments(t *testing.T) {
	root := workspaceWith(t, fmt.Sprintf("[extensions.echo]\nwasm = %q\n[extensions.words]\nwasm = %q\n",
		wasmbuild.Build(t, "testdata/guests/echo"), wasmbuild.Example(t, "words")))
	opts := testOptions(t)
	opts.Logger = slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	s := newServer(context.Background(), opts)
	out := &lockedBuffer{}
	s.conn = newConn(strings.NewReader(""), out, s.log)
	ws, problems := loadWorkspace(context.Background(), s.host, resolveConfig("", []string{root}), loadOptions{}, s.log)
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	s.initialized = true
	s.loadedWith(ws)

	type doc struct {
		uri     string
		open    bool
		version int
		text    string
	}
	const workers, docsEach, ops = 6, 4, 150
	docs := make([][]*doc, workers)
	var wg sync.WaitGroup
	for w := range workers {
		for i := range docsEach {
			docs[w] = append(docs[w], &doc{uri: fileURI(fmt.Sprintf("%s/w%d-%d.txt", root, w, i))})
		}
	}
	for w := range workers {
		wg.Go(func() {
			r := rand.New(rand.NewSource(int64(w)))
			pieces := []string{"alpha ", "alphabet ", "\n", "\r\n", "😀", "漢字", "TODO "}
			notify := func(f func(json.RawMessage) error, params any) {
				raw, _ := json.Marshal(params)
				if err := f(raw); err != nil {
					t.Errorf("%v", err)
				}
			}
			for range ops {
				d := docs[w][r.Intn(docsEach)]
				switch n := r.Intn(10); {
				case !d.open:
					d.open, d.version, d.text = true, d.version+1, "alpha beta\n"
					notify(s.didOpen, map[string]any{"textDocument": map[string]any{"uri": d.uri, "languageId": "plaintext", "version": d.version, "text": d.text}})
				case n < 5:
					snap := text.New(d.text)
					start := snap.Offset(snap.Position(r.Intn(len(d.text)+1), text.UTF16), text.UTF16)
					end := snap.Offset(snap.Position(min(len(d.text), start+r.Intn(8)), text.UTF16), text.UTF16)
					ins := pieces[r.Intn(len(pieces))]
					rng := map[string]any{"start": toProtocol(snap.Position(start, text.UTF16)), "end": toProtocol(snap.Position(end, text.UTF16))}
					d.version, d.text = d.version+1, d.text[:start]+ins+d.text[end:]
					notify(s.didChange, map[string]any{"textDocument": map[string]any{"uri": d.uri, "version": d.version},
						"contentChanges": []any{map[string]any{"range": rng, "text": ins}}})
				case n < 6:
					notify(s.didSave, map[string]any{"textDocument": map[string]any{"uri": d.uri}})
				case n < 7:
					d.open = false
					notify(s.didClose, map[string]any{"textDocument": map[string]any{"uri": d.uri}})
				case n < 9:
					// Anyone's document: it may be closed or changing.
					other := docs[r.Intn(workers)][r.Intn(docsEach)].uri
					raw, _ := json.Marshal(map[string]any{"textDocument": map[string]any{"uri": other}, "position": map[string]int{"line": 0, "character": 2}})
					s.completion(context.Background(), raw)
				default:
					if _, err := s.executeCommand(context.Background(), json.RawMessage(`{"command":"lsphost.status"}`)); err != nil {
						t.Errorf("lsphost.status: %v", err)
					}
				}
			}
		})
	}
	wg.Wait()
	// The runs end on their own; docs.wait would end them early.
	if !pollUntil(hangBound, func() bool { return s.docs.running.Load() == 0 }) {
		t.Fatalf("%d diagnostics runs still in flight %s after the last edit", s.docs.running.Load(), hangBound)
	}
	s.conn.close() // flushes the output
	s.close()

	last := map[string]publishParams{}
	for _, body := range splitFrames(t, out.String()) {
		var m message
		json.Unmarshal(body, &m)
		if m.Method == "textDocument/publishDiagnostics" {
			var p publishParams
			json.Unmarshal(m.Params, &p)
			last[string(p.URI)] = p
		}
	}
	for _, ds := range docs {
		for _, d := range ds {
			p, ok := last[d.uri]
			switch {
			case !d.open:
				if ok && len(p.Diagnostics) != 0 {
					t.Errorf("%s is closed, but its last publish is %+v", d.uri, p)
				}
			case !ok || p.Version == nil || int(*p.Version) != d.version:
				t.Errorf("%s: last publish %+v, want version %d", d.uri, p, d.version)
			case len(p.Diagnostics) != 1 || p.Diagnostics[0].Message != echosum.Of(d.text):
				t.Errorf("%s version %d: diagnostics %+v, want the echo of %q (%s)", d.uri, d.version, p.Diagnostics, d.text, echosum.Of(d.text))
			}
		}
	}
}

// splitFrames splits a server's output into message bodies.
func splitFrames(t *testing.T, out string) [][]byte {
	t.Helper()
	var bodies [][]byte
	for out != "" {
		header, rest, ok := strings.Cut(out, "\r\n\r\n")
		n, err := strconv.Atoi(strings.TrimPrefix(header, "Content-Length: "))
		if !ok || err != nil || n > len(rest) {
			t.Fatalf("not a frame: %q", out[:min(len(out), 100)])
		}
		bodies = append(bodies, bytes.Clone([]byte(rest[:n])))
		out = rest[n:]
	}
	return bodies
}
