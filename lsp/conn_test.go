package lsp

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"

	"go.lsp.dev/jsonrpc2"
)

// fakeHandler records notifications and answers a few test methods.
type fakeHandler struct {
	mu    sync.Mutex
	notes []string
	slow  chan struct{} // closed when a "slow" request has started
}

func (h *fakeHandler) sync(method string) bool { return method == "sync" }

func (h *fakeHandler) request(ctx context.Context, method string, params json.RawMessage) (any, error) {
	switch method {
	case "echo", "sync":
		return params, nil
	case "slow": // blocks until cancelled
		close(h.slow)
		<-ctx.Done()
		return nil, ctx.Err()
	case "panic":
		panic("boom")
	case "notes":
		h.mu.Lock()
		defer h.mu.Unlock()
		return h.notes, nil
	}
	return nil, jsonrpc2.NewError(jsonrpc2.MethodNotFound, method)
}

func (h *fakeHandler) notify(ctx context.Context, method string, params json.RawMessage) bool {
	if method == "exit" {
		return true
	}
	if method == "panic" {
		panic("boom")
	}
	h.mu.Lock()
	h.notes = append(h.notes, string(params))
	h.mu.Unlock()
	return false
}

func startFake(t *testing.T) (*client, *fakeHandler) {
	h := &fakeHandler{slow: make(chan struct{})}
	c := startWith(t, func(in io.Reader, out io.Writer) int {
		conn := newConn(in, out, testLogger(t))
		conn.serve(context.Background(), h)
		return 0
	})
	return c, h
}

func TestConnCancel(t *testing.T) {
	for _, id := range []any{7, "seven", 1 << 40} {
		t.Run(fmt.Sprint(id), func(t *testing.T) {
			c, h := startFake(t)
			c.send(map[string]any{"id": id, "method": "slow"})
			<-h.slow
			// Numeric ids are cancelled whatever their spelling.
			raw, _ := json.Marshal(id)
			if n, ok := id.(int); ok {
				raw = []byte(fmt.Sprintf("%d.0", n))
			}
			c.notify("$/cancelRequest", map[string]any{"id": json.RawMessage(raw)})
			r := c.wait(id)
			if r.Error == nil || r.Error.Code != -32800 {
				t.Fatalf("cancelled request %v: reply %+v, want error -32800", id, r)
			}
		})
	}
}

func TestConnRequestsRunConcurrently(t *testing.T) {
	c, h := startFake(t)
	slow := c.start("slow", nil)
	<-h.slow
	// The slow request is still running: these must be answered anyway.
	for i := range 3 {
		if r := c.call("echo", i); r.Error != nil || string(r.Result) != fmt.Sprint(i) {
			t.Fatalf("echo(%d) = %+v while a slow request runs", i, r)
		}
	}
	c.notify("$/cancelRequest", map[string]any{"id": slow})
	c.wait(slow)
}

func TestConnNotificationsInOrder(t *testing.T) {
	c, _ := startFake(t)
	const n = 500
	for i := range n {
		c.notify("note", i)
		if i%50 == 0 {
			c.start("echo", i) // requests interleaved with notifications
		}
	}
	r := c.call("notes", nil)
	var notes []string
	if err := json.Unmarshal(r.Result, &notes); err != nil {
		t.Fatal(err)
	}
	if len(notes) != n {
		t.Fatalf("got %d notifications, want %d", len(notes), n)
	}
	for i, got := range notes {
		if got != fmt.Sprint(i) {
			t.Fatalf("notification %d has params %s, want %d", i, got, i)
		}
	}
}

func TestConnSurvivesBadInput(t *testing.T) {
	tests := []struct {
		name, body string
		code       int
	}{
		{"malformed JSON", `{"jsonrpc":"2.0","id":1,"method":`, -32700},
		{"not an object", `[1,2,3]`, -32700},
		{"no method", `{"jsonrpc":"2.0"}`, -32600},
		{"bad id", `{"jsonrpc":"2.0","id":{"x":1},"method":"echo"}`, -32600},
	}
	c, _ := startFake(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c.writeRaw(tt.body)
			r := c.wait(nil)
			c.mu.Lock()
			delete(c.replies, "null")
			c.mu.Unlock()
			if r.Error == nil || r.Error.Code != tt.code {
				t.Fatalf("reply to %s = %+v, want error %d", tt.body, r, tt.code)
			}
			if r := c.call("echo", "still here"); r.Error != nil || string(r.Result) != `"still here"` {
				t.Fatalf("after %s: echo = %+v", tt.name, r)
			}
		})
	}
}

func TestConnBadFrames(t *testing.T) {
	c, _ := startFake(t)
	// A header line without a colon, then a frame without Content-Length:
	// both are skipped and the next good frame is served.
	io.WriteString(c.w, "garbage\r\n\r\nX-Other: 1\r\n\r\n")
	c.wait(nil) // the missing Content-Length gets a parse error reply
	if r := c.call("echo", 1); r.Error != nil || string(r.Result) != "1" {
		t.Fatalf("after bad frames: echo = %+v", r)
	}
}

func TestConnPanicsAreContained(t *testing.T) {
	c, _ := startFake(t)
	c.notify("panic", nil)
	r := c.call("panic", nil)
	if r.Error == nil || r.Error.Code != -32603 || !strings.Contains(r.Error.Message, "boom") {
		t.Fatalf("panicking request: reply %+v, want internal error mentioning the panic", r)
	}
	if r := c.call("echo", 2); r.Error != nil {
		t.Fatalf("after a panic: echo = %+v", r)
	}
}

func TestConnEchoesIDsExactly(t *testing.T) {
	c, _ := startFake(t)
	for _, id := range []string{`1`, `"a b"`, `9007199254740993`, `-3`} {
		c.writeRaw(`{"jsonrpc":"2.0","id":` + id + `,"method":"echo","params":0}`)
		var raw json.RawMessage
		c.waitFor("reply "+id, func() bool { raw = c.replies[id]; return raw != nil })
	}
}

// FuzzConnInput feeds arbitrary bytes to a connection: it must neither panic
// nor hang, and every reply it writes must be a valid frame.
func FuzzConnInput(f *testing.F) {
	f.Add([]byte("Content-Length: 2\r\n\r\n{}"))
	f.Add([]byte("Content-Length: 40\r\n\r\n{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"echo\"}"))
	f.Add([]byte("Content-Length: -1\r\n\r\n"))
	f.Add([]byte("Content-Length: 3\r\n\r\n[1]Content-Length: 1\r\n\r\n{"))
	f.Fuzz(func(t *testing.T, data []byte) {
		h := &fakeHandler{slow: make(chan struct{})}
		var out strings.Builder
		conn := newConn(strings.NewReader(string(data)), &out, testLogger(t))
		conn.serve(context.Background(), &nonBlocking{h})
		c := &client{t: t, replies: map[string]json.RawMessage{}}
		c.cond = sync.NewCond(&c.mu)
		c.read(strings.NewReader(out.String()))
	})
}

// nonBlocking keeps the fuzzer away from the slow method.
type nonBlocking struct{ *fakeHandler }

func (n *nonBlocking) request(ctx context.Context, method string, params json.RawMessage) (any, error) {
	if method == "slow" {
		return nil, nil
	}
	return n.fakeHandler.request(ctx, method, params)
}

// TestConnResyncsAfterWrongContentLength: a Content-Length larger than its
// body swallows the start of the next frame; the connection must survive,
// answer with a parse error and serve later requests.
func TestConnResyncsAfterWrongContentLength(t *testing.T) {
	c, _ := startFake(t)
	body := `{"jsonrpc":"2.0","id":100,"method":"echo","params":0}`
	fmt.Fprintf(c.w, "Content-Length: %d\r\n\r\n%s", len(body)+30, body)
	for id := 1; id <= 3; id++ {
		c.writeRaw(fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"echo","params":%d}`, id, id))
	}
	c.wait(nil) // the mangled frame gets a parse error
	if r := c.wait(3); r.Error != nil || string(r.Result) != "3" {
		t.Fatalf("request after a wrong Content-Length: %+v", r)
	}
}
