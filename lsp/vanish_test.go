package lsp

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"runtime/pprof"
	"sync"
	"testing"
	"time"

	"github.com/lsphost/lsphost/extensions"
	"github.com/lsphost/lsphost/internal/wasmbuild"
)

// vanishBound is how soon Serve must return once its client is gone. The
// looping extension's calls run for loopTimeout: returning well before it
// proves the server does not wait for calls nobody will read.
const (
	vanishBound = 2 * time.Second
	loopTimeout = 5 * time.Second
)

// TestClientVanishes: the editor process dies mid-session, with a
// completion and a diagnostics run stuck in a looping extension. Its end of
// stdin closes (and, when it was killed, of stdout too): Serve must return
// promptly with exit code 1, leaving no goroutine of the session behind
// and every instance closed.
func TestClientVanishes(t *testing.T) {
	root := workspaceWith(t, fmt.Sprintf("[extensions.words]\nwasm = %q\n[extensions.loop]\nwasm = %q\ntimeout = %q\n",
		wasmbuild.Example(t, "words"), wasmbuild.Build(t, "testdata/guests/loop"), loopTimeout))
	for _, tc := range []struct {
		name       string
		killed     bool // stdout is gone too: the server's writes fail
		wantAnswer bool // the request in flight is still answered
	}{
		{"stdin closed", false, true},
		{"killed with requests in flight", true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inR, inW := io.Pipe()
			outR, outW := io.Pipe()
			c := &client{t: t, w: inW, done: make(chan int, 1), replies: map[string]json.RawMessage{}}
			c.cond = sync.NewCond(&c.mu)
			mem := &extensions.LinearMemories{}
			label := "vanish " + tc.name
			ctx := extensions.CountLinearMemories(context.Background(), mem)
			go pprof.Do(ctx, pprof.Labels(sessionLabel, label), func(ctx context.Context) {
				code := Serve(ctx, inR, outW, testOptions(t))
				outW.Close()
				c.done <- code
			})
			go c.read(outR)
			c.initialize(root)
			uri := fileURI(filepath.Join(root, "a.txt"))
			c.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{"uri": uri, "languageId": "plaintext", "version": 0, "text": "alpha al"}})
			completion := c.start("textDocument/completion", map[string]any{"textDocument": map[string]any{"uri": uri}, "position": map[string]int{"line": 0, "character": 8}})
			// Requests are dispatched in order: once this is answered, the
			// completion is running (stuck in loop), and so is the run.
			if r := c.call("workspace/executeCommand", map[string]any{"command": "lsphost.status"}); r.Error != nil {
				t.Fatalf("lsphost.status: %+v", r)
			}
			if mem.Live() == 0 || sessionGoroutines(label) == "" {
				t.Fatal("no instance or goroutine of the session is seen before it ends: the checks after it would prove nothing")
			}

			start := time.Now()
			inW.Close()
			if tc.killed {
				outR.Close()
			}
			select {
			case code := <-c.done:
				if code != 1 {
					t.Errorf("exit code %d after the client vanished, want 1", code)
				}
			case <-time.After(loopTimeout + hangBound):
				t.Fatalf("Serve did not return after its client vanished")
			}
			if took := time.Since(start); took > vanishBound {
				t.Errorf("Serve returned %s after its client vanished, want within %s", took.Round(time.Millisecond), vanishBound)
			}
			if tc.wantAnswer {
				if r := c.wait(completion); r.Error == nil || r.Error.Code != -32800 {
					t.Errorf("completion in flight when stdin closed: %+v, want RequestCancelled", r)
				}
			}
			var left string
			if !pollUntil(hangBound, func() bool { left = sessionGoroutines(label); return left == "" }) {
				t.Errorf("goroutines of the session left %s after Serve returned:\n%s", hangBound, left)
			}
			if live := mem.Live(); live != 0 {
				t.Errorf("%d of the %d instances started in the session still live after it ended", live, mem.Made())
			}
			t.Logf("Serve returned %s after the client vanished", time.Since(start).Round(time.Millisecond))
		})
	}
}
