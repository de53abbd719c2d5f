package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/textproto"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// client is a minimal LSP client over a server's stdio: requests with
// replies, notifications, and a queue of the diagnostics the server
// publishes, each stamped with the time its frame was read.
type client struct {
	cmd    *exec.Cmd
	pid    int
	start  time.Time // when the process was started
	stdin  io.WriteCloser
	stderr *tail

	wmu sync.Mutex // serialises writes

	mu       sync.Mutex
	nextID   int
	pending  map[int]chan reply
	pubs     []publish
	messages []string      // window/showMessage errors and warnings
	notify   chan struct{} // signalled when pubs grows
	readErr  error
	readDone chan struct{}

	sync       int  // textDocumentSync kind: 1 full, 2 incremental
	completion bool // completionProvider advertised
}

type reply struct {
	result json.RawMessage
	err    *rpcError
	at     time.Time
}

type rpcError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

func (e *rpcError) Error() string { return fmt.Sprintf("error %d: %s", e.Code, e.Message) }

// publish is one textDocument/publishDiagnostics.
type publish struct {
	uri   string
	at    time.Time
	spans []span // sorted
}

// frame is any JSON-RPC message.
type frame struct {
	ID     json.RawMessage `json:"id,omitempty"`
	Method string          `json:"method,omitempty"`
	Params json.RawMessage `json:"params,omitempty"`
	Result json.RawMessage `json:"result,omitempty"`
	Error  *rpcError       `json:"error,omitempty"`
}

// tail keeps the last bytes written to it: the server's stderr, quoted in
// errors.
type tail struct {
	mu  sync.Mutex
	buf []byte
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > 4096 {
		t.buf = t.buf[len(t.buf)-4096:]
	}
	return len(p), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.TrimSpace(string(t.buf))
}

// spawn starts argv in dir with env added to the environment.
func spawn(argv []string, dir string, env []string) (*client, error) {
	// A relative path names a file from here, not from dir.
	path, err := exec.LookPath(argv[0])
	if err != nil {
		return nil, err
	}
	if path, err = filepath.Abs(path); err != nil {
		return nil, err
	}
	cmd := exec.Command(path, argv[1:]...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	c := &client{cmd: cmd, stderr: &tail{}, pending: map[int]chan reply{}, notify: make(chan struct{}, 1), readDone: make(chan struct{})}
	cmd.Stderr = c.stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	c.stdin = in
	c.start = time.Now()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", argv[0], err)
	}
	c.pid = cmd.Process.Pid
	go c.read(bufio.NewReaderSize(out, 1<<16))
	return c, nil
}

// read reads frames until stdout ends.
func (c *client) read(r *bufio.Reader) {
	defer close(c.readDone)
	tp := textproto.NewReader(r)
	for {
		h, err := tp.ReadMIMEHeader()
		if err != nil {
			c.fail(fmt.Errorf("read header: %w", err))
			return
		}
		n, err := strconv.Atoi(h.Get("Content-Length"))
		if err != nil {
			c.fail(fmt.Errorf("bad Content-Length %q", h.Get("Content-Length")))
			return
		}
		body := make([]byte, n)
		if _, err := io.ReadFull(r, body); err != nil {
			c.fail(fmt.Errorf("read body: %w", err))
			return
		}
		at := time.Now()
		var f frame
		if err := json.Unmarshal(body, &f); err != nil {
			c.fail(fmt.Errorf("bad JSON from server: %w", err))
			return
		}
		switch {
		case f.Method != "" && len(f.ID) > 0:
			c.answer(f)
		case f.Method == "textDocument/publishDiagnostics":
			p, err := parsePublish(f.Params, at)
			if err != nil {
				c.fail(err)
				return
			}
			c.mu.Lock()
			c.pubs = append(c.pubs, p)
			c.mu.Unlock()
			select {
			case c.notify <- struct{}{}:
			default:
			}
		case f.Method == "window/showMessage":
			var m struct {
				Type    int
				Message string
			}
			json.Unmarshal(f.Params, &m)
			if m.Type == 1 || m.Type == 2 {
				c.mu.Lock()
				c.messages = append(c.messages, m.Message)
				c.mu.Unlock()
			}
		case f.Method == "":
			id, _ := strconv.Atoi(string(f.ID))
			c.mu.Lock()
			ch := c.pending[id]
			delete(c.pending, id)
			c.mu.Unlock()
			if ch != nil {
				ch <- reply{f.Result, f.Error, at}
			}
		}
	}
}

func (c *client) fail(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.readErr == nil {
		c.readErr = err
	}
	for id, ch := range c.pending {
		close(ch)
		delete(c.pending, id)
	}
}

// answer replies to a server-to-client request (progress tokens,
// registrations, configuration) with an empty success.
func (c *client) answer(f frame) {
	result := json.RawMessage("null")
	if f.Method == "workspace/configuration" {
		var p struct{ Items []json.RawMessage }
		json.Unmarshal(f.Params, &p)
		result, _ = json.Marshal(make([]any, len(p.Items)))
	}
	c.write(map[string]any{"jsonrpc": "2.0", "id": f.ID, "result": result})
}

func parsePublish(raw json.RawMessage, at time.Time) (publish, error) {
	var p struct {
		URI         string `json:"uri"`
		Diagnostics []struct {
			Range struct {
				Start struct{ Line, Character int }
				End   struct{ Line, Character int }
			}
		}
	}
	if err := json.Unmarshal(raw, &p); err != nil {
		return publish{}, fmt.Errorf("bad publishDiagnostics: %w", err)
	}
	out := publish{uri: p.URI, at: at, spans: make([]span, len(p.Diagnostics))}
	for i, d := range p.Diagnostics {
		r := d.Range
		out.spans[i] = span{pos{r.Start.Line, r.Start.Character}, pos{r.End.Line, r.End.Character}}
	}
	sortSpans(out.spans)
	return out, nil
}

func (c *client) write(msg any) error {
	body, err := json.Marshal(msg)
	if err != nil {
		return err
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	var b bytes.Buffer
	fmt.Fprintf(&b, "Content-Length: %d\r\n\r\n", len(body))
	b.Write(body)
	_, err = c.stdin.Write(b.Bytes())
	return err
}

func (c *client) notifyServer(method string, params any) error {
	return c.write(map[string]any{"jsonrpc": "2.0", "method": method, "params": params})
}

// call sends a request and waits up to timeout for its reply. It returns
// when the reply was read.
func (c *client) call(method string, params any, timeout time.Duration) (json.RawMessage, time.Time, error) {
	c.mu.Lock()
	if c.readErr != nil {
		c.mu.Unlock()
		return nil, time.Time{}, c.readErr
	}
	c.nextID++
	id := c.nextID
	ch := make(chan reply, 1)
	c.pending[id] = ch
	c.mu.Unlock()
	if err := c.write(map[string]any{"jsonrpc": "2.0", "id": id, "method": method, "params": params}); err != nil {
		return nil, time.Time{}, fmt.Errorf("%s: write: %w", method, err)
	}
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case r, ok := <-ch:
		if !ok {
			return nil, time.Time{}, fmt.Errorf("%s: connection lost: %v", method, c.err())
		}
		if r.err != nil {
			return nil, r.at, fmt.Errorf("%s: %w", method, r.err)
		}
		return r.result, r.at, nil
	case <-t.C:
		c.mu.Lock()
		delete(c.pending, id)
		c.mu.Unlock()
		return nil, time.Time{}, fmt.Errorf("%s: no reply within %v", method, timeout)
	}
}

func (c *client) err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.readErr
}

// publishes returns the publishes received from index from on.
func (c *client) publishes(from int) []publish {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]publish(nil), c.pubs[from:]...)
}

// mark is the index of the next publish to arrive.
func (c *client) mark() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.pubs)
}

// waitPublishes calls done with every publish from index from on, as they
// arrive, until it returns true, or fails after timeout.
func (c *client) waitPublishes(from int, timeout time.Duration, done func(publish) bool) error {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		for _, p := range c.publishes(from) {
			from++
			if done(p) {
				return nil
			}
		}
		select {
		case <-c.notify:
		case <-c.readDone:
			// Drain what arrived before the end.
			for _, p := range c.publishes(from) {
				from++
				if done(p) {
					return nil
				}
			}
			return fmt.Errorf("the server closed its output: %v", c.err())
		case <-deadline.C:
			return errTimeout
		}
	}
}

var errTimeout = errors.New("timed out")

// initialize runs the LSP handshake and records the server's sync kind and
// completion support. It returns when the initialize reply was read.
func (c *client) initialize(root string, timeout time.Duration) (time.Time, error) {
	params := map[string]any{
		"processId":        os.Getpid(),
		"clientInfo":       map[string]any{"name": "lspbench"},
		"rootUri":          fileURI(root),
		"workspaceFolders": []any{map[string]any{"uri": fileURI(root), "name": "bench"}},
		"capabilities": map[string]any{
			"textDocument": map[string]any{
				"synchronization":    map[string]any{"dynamicRegistration": false},
				"publishDiagnostics": map[string]any{"versionSupport": true},
				"completion":         map[string]any{"completionItem": map[string]any{"snippetSupport": false}},
			},
			"window": map[string]any{"workDoneProgress": true},
		},
	}
	raw, at, err := c.call("initialize", params, timeout)
	if err != nil {
		return at, err
	}
	var res struct {
		Capabilities struct {
			TextDocumentSync   json.RawMessage `json:"textDocumentSync"`
			CompletionProvider json.RawMessage `json:"completionProvider"`
		} `json:"capabilities"`
	}
	if err := json.Unmarshal(raw, &res); err != nil {
		return at, fmt.Errorf("initialize reply: %w", err)
	}
	c.sync = syncKind(res.Capabilities.TextDocumentSync)
	cp := string(res.Capabilities.CompletionProvider)
	c.completion = cp != "" && cp != "null" && cp != "false"
	return at, c.notifyServer("initialized", map[string]any{})
}

// syncKind reads textDocumentSync, a number or an options object.
func syncKind(raw json.RawMessage) int {
	var n int
	if json.Unmarshal(raw, &n) == nil {
		return n
	}
	var o struct{ Change int }
	json.Unmarshal(raw, &o)
	return o.Change
}

func (c *client) didOpen(d document) error {
	return c.notifyServer("textDocument/didOpen", map[string]any{
		"textDocument": map[string]any{"uri": d.uri, "languageId": "plaintext", "version": 1, "text": d.text},
	})
}

func (c *client) didClose(d document) error {
	return c.notifyServer("textDocument/didClose", map[string]any{"textDocument": map[string]any{"uri": d.uri}})
}

// didChange sends e as an incremental change, or the whole text to a
// full-sync server.
func (c *client) didChange(uri string, version int, e edit) error {
	change := map[string]any{"text": e.After}
	if c.sync == 2 {
		r := map[string]any{"line": e.At.Line, "character": e.At.Char}
		change = map[string]any{"range": map[string]any{"start": r, "end": r}, "text": e.Text}
	}
	return c.notifyServer("textDocument/didChange", map[string]any{
		"textDocument":   map[string]any{"uri": uri, "version": version},
		"contentChanges": []any{change},
	})
}

// stop asks the server to shut down and exit, and kills it if it has not
// exited within timeout.
func (c *client) stop(timeout time.Duration) error {
	var errs []error
	_, _, shutdownErr := c.call("shutdown", nil, timeout)
	c.notifyServer("exit", nil)
	c.stdin.Close()
	exited := make(chan error, 1)
	go func() { exited <- c.cmd.Wait() }()
	select {
	case err := <-exited:
		// efm-langserver closes the connection instead of answering
		// shutdown: a server that then exits with 0 has stopped properly.
		if shutdownErr != nil && (err != nil || c.err() == nil) {
			errs = append(errs, shutdownErr)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("exit: %w", err))
		}
	case <-time.After(timeout):
		c.cmd.Process.Kill()
		<-exited
		errs = append(errs, fmt.Errorf("did not exit within %v of exit; killed", timeout))
	}
	return errors.Join(errs...)
}

// kill ends the server at once, after a failed run.
func (c *client) kill() {
	c.cmd.Process.Kill()
	c.stdin.Close()
	c.cmd.Wait()
}
