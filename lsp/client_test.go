package lsp

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/textproto"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lsphost/lsphost/internal/wasmbuild"
)

// waitTimeout bounds every wait of the fake editor. Waits end as soon as
// their condition holds; this only turns a hang into a failure.
const waitTimeout = 60 * time.Second

// client is a fake editor: it speaks LSP to a server over pipes, written
// independently of the server's own connection code.
type client struct {
	t    testing.TB
	w    io.WriteCloser
	done chan int // the server's exit code

	wmu  sync.Mutex // one frame at a time
	mu   sync.Mutex
	cond *sync.Cond
	// settings answers the server's workspace/configuration requests.
	settings any
	nextID   int
	replies  map[string]json.RawMessage // raw response by id
	notes    []message                  // notifications received, in order
	closedIn bool
}

// startServer runs a server in-process over pipes and returns its client.
func startServer(t testing.TB, opts Options) *client {
	t.Helper()
	return startWith(t, func(in io.Reader, out io.Writer) int {
		return Serve(context.Background(), in, out, opts)
	})
}

// testOptions are the options test servers use: the tests' compilation
// cache and the test log.
func testOptions(t testing.TB) Options {
	return Options{CacheDir: filepath.Join(wasmbuild.CacheDir(), "compiled"), Logger: testLogger(t)}
}

// workspaceWith makes a workspace folder whose .lsphost.toml is config and
// returns its path.
func workspaceWith(t testing.TB, config string) string {
	t.Helper()
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, ConfigFile), []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	return root
}

// startWith runs serve over pipes and returns a client talking to it.
func startWith(t testing.TB, serve func(io.Reader, io.Writer) int) *client {
	t.Helper()
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	c := &client{t: t, w: inW, done: make(chan int, 1), replies: map[string]json.RawMessage{}}
	c.cond = sync.NewCond(&c.mu)
	go func() {
		code := serve(inR, outW)
		outW.Close()
		c.done <- code
	}()
	go c.read(outR)
	t.Cleanup(func() {
		inW.Close()
		select {
		case <-c.done:
		case <-time.After(waitTimeout):
			t.Errorf("server did not stop after its input closed")
		}
	})
	return c
}

func (c *client) read(r io.Reader) {
	br := bufio.NewReader(r)
	tp := textproto.NewReader(br)
	for {
		h, err := tp.ReadMIMEHeader()
		if err != nil {
			break
		}
		n, err := strconv.Atoi(h.Get("Content-Length"))
		if err != nil {
			c.t.Errorf("server sent a frame without Content-Length: %v", h)
			break
		}
		body := make([]byte, n)
		if _, err := io.ReadFull(br, body); err != nil {
			break
		}
		var m message
		if err := json.Unmarshal(body, &m); err != nil {
			c.t.Errorf("server sent invalid JSON %q: %v", body, err)
			break
		}
		c.mu.Lock()
		if m.Method != "" && len(m.ID) > 0 {
			// A request from the server: answer as an editor would.
			var result any
			switch m.Method {
			case "workspace/configuration":
				result = []any{c.settings}
			case "workspace/applyEdit":
				result = map[string]any{"applied": true}
			}
			reply, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": m.ID, "result": result})
			go c.writeFrame(string(reply))
		}
		if m.Method != "" {
			c.notes = append(c.notes, m)
		} else {
			c.replies[string(m.ID)] = body
		}
		c.cond.Broadcast()
		c.mu.Unlock()
	}
	c.mu.Lock()
	c.closedIn = true
	c.cond.Broadcast()
	c.mu.Unlock()
}

// writeRaw sends one frame with body as is.
func (c *client) writeRaw(body string) {
	c.t.Helper()
	if err := c.writeFrame(body); err != nil {
		c.t.Fatalf("write to server: %v", err)
	}
}

func (c *client) writeFrame(body string) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_, err := fmt.Fprintf(c.w, "Content-Length: %d\r\n\r\n%s", len(body), body)
	return err
}

func (c *client) send(m map[string]any) {
	c.t.Helper()
	m["jsonrpc"] = "2.0"
	body, err := json.Marshal(m)
	if err != nil {
		c.t.Fatal(err)
	}
	c.writeRaw(string(body))
}

// notify sends a notification.
func (c *client) notify(method string, params any) {
	c.t.Helper()
	c.send(map[string]any{"method": method, "params": params})
}

// start sends a request and returns its id without waiting.
func (c *client) start(method string, params any) int {
	c.t.Helper()
	c.mu.Lock()
	c.nextID++
	id := c.nextID
	c.mu.Unlock()
	c.send(map[string]any{"id": id, "method": method, "params": params})
	return id
}

// response is a decoded reply.
type response struct {
	Result json.RawMessage `json:"result"`
	Error  *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// wait waits for the reply to request id.
func (c *client) wait(id any) response {
	c.t.Helper()
	key, _ := json.Marshal(id)
	var raw json.RawMessage
	c.waitFor(fmt.Sprintf("reply to request %s", key), func() bool {
		raw = c.replies[string(key)]
		return raw != nil
	})
	var r response
	if err := json.Unmarshal(raw, &r); err != nil {
		c.t.Fatalf("reply %s: %v", raw, err)
	}
	return r
}

// call sends a request and waits for its reply.
func (c *client) call(method string, params any) response {
	c.t.Helper()
	return c.wait(c.start(method, params))
}

// waitFor waits until cond, evaluated with c.mu held, is true.
func (c *client) waitFor(what string, cond func() bool) {
	c.t.Helper()
	c.waitUntil(func() string { return what }, cond)
}

// waitUntil is waitFor with a description made when it fails.
func (c *client) waitUntil(what func() string, cond func() bool) {
	c.t.Helper()
	deadline := time.Now().Add(waitTimeout)
	timer := time.AfterFunc(waitTimeout, func() {
		c.mu.Lock()
		c.cond.Broadcast()
		c.mu.Unlock()
	})
	defer timer.Stop()
	c.mu.Lock()
	defer c.mu.Unlock()
	for !cond() {
		if c.closedIn {
			c.t.Fatalf("server closed its output while waiting for %s", what())
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("timed out waiting for %s", what())
		}
		c.cond.Wait()
	}
}

// notifications returns the notifications received so far with method.
func (c *client) notifications(method string) []message {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []message
	for _, m := range c.notes {
		if m.Method == method {
			out = append(out, m)
		}
	}
	return out
}

// initialize performs the initialize handshake for a workspace folder.
func (c *client) initialize(root string) json.RawMessage {
	c.t.Helper()
	return c.initializeWith(root, map[string]any{})
}

// initializeWith performs the handshake with the given client capabilities,
// root and more being the workspace folders.
func (c *client) initializeWith(root string, capabilities map[string]any, more ...string) json.RawMessage {
	c.t.Helper()
	params := map[string]any{"processId": nil, "capabilities": capabilities}
	if root != "" {
		params["rootUri"] = fileURI(root)
		folders := []any{map[string]any{"uri": fileURI(root), "name": "ws"}}
		for _, f := range more {
			folders = append(folders, map[string]any{"uri": fileURI(f), "name": filepath.Base(f)})
		}
		params["workspaceFolders"] = folders
	}
	r := c.call("initialize", params)
	if r.Error != nil {
		c.t.Fatalf("initialize: %s", r.Error.Message)
	}
	c.notify("initialized", map[string]any{})
	return r.Result
}

// loaded waits until the server has loaded its extensions and done the
// reloads asked for so far: lsphost.status waits for them, and everything
// they sent comes before its reply.
func (c *client) loaded() {
	c.t.Helper()
	if r := c.call("workspace/executeCommand", map[string]any{"command": "lsphost.status"}); r.Error != nil {
		c.t.Fatalf("lsphost.status: %s", r.Error.Message)
	}
}

// shutdown performs shutdown and exit and returns the server's exit code.
func (c *client) shutdown() int {
	c.t.Helper()
	if r := c.call("shutdown", nil); r.Error != nil {
		c.t.Fatalf("shutdown: %s", r.Error.Message)
	}
	c.notify("exit", nil)
	select {
	case code := <-c.done:
		c.done <- code // for the cleanup
		return code
	case <-time.After(waitTimeout):
		c.t.Fatal("server did not exit")
	}
	return -1
}

func fileURI(path string) string {
	return "file://" + strings.ReplaceAll(path, " ", "%20")
}
