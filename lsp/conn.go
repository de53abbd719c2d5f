package lsp

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"

	"github.com/lsphost/lsphost/internal/jsonenc"
)

// maxMessage bounds one incoming message; larger ones are skipped with an
// error reply rather than read into memory.
const maxMessage = 256 << 20

// message is any JSON-RPC 2.0 message. The id is kept raw so that the reply
// echoes it exactly, whatever its type.
type message struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id,omitempty"`
	Method  string          `json:"method,omitempty"`
	Params  json.RawMessage `json:"params,omitempty"`
	Result  json.RawMessage `json:"result,omitempty"`
	Error   *jsonrpc2.Error `json:"error,omitempty"`
}

// resultThen is a result with work to start once it is queued for the
// client: initialize's answer goes out before the extensions' load takes
// the cores.
type resultThen struct {
	result any
	then   func()
}

// encodedJSON is a result the server encoded itself: valid, compact JSON,
// sent as it is instead of through json.Marshal.
type encodedJSON []byte

// handler is what a conn dispatches to.
type handler interface {
	// sync reports whether a request must run in order with notifications
	// (initialize, shutdown), instead of concurrently.
	sync(method string) bool
	// request answers a request. ctx is cancelled by $/cancelRequest.
	request(ctx context.Context, method string, params json.RawMessage) (any, error)
	// notify applies a notification; notifications are applied one at a time
	// in the order they arrived. It returns true to end the connection.
	notify(ctx context.Context, method string, params json.RawMessage) (stop bool)
}

// conn is one JSON-RPC connection over a byte stream with LSP's
// Content-Length framing. go.lsp.dev/jsonrpc2 v0.10.0 handles requests one at
// a time, ignores numeric cancel ids and drops the connection on one bad
// message (FINDINGS.md); conn does none of that. See RATIONALE.md ("Why our
// own JSON-RPC connection?").
type conn struct {
	in  *bufio.Reader
	log *slog.Logger

	mu      sync.Mutex
	cancels map[string]context.CancelFunc // in-flight requests by canonical id
	calls   map[string]chan *message      // our requests to the client awaiting a reply
	lastID  int
	queue   [][]byte // outgoing frames, written in order
	closed  bool
	wake    *sync.Cond

	requests sync.WaitGroup // in-flight requests
	async    sync.WaitGroup // in-flight requests that run concurrently
	writer   sync.WaitGroup // the writer goroutine
}

func newConn(in io.Reader, out io.Writer, log *slog.Logger) *conn {
	c := &conn{in: bufio.NewReaderSize(in, 64<<10), log: log, cancels: map[string]context.CancelFunc{}, calls: map[string]chan *message{}}
	c.wake = sync.NewCond(&c.mu)
	c.writer.Add(1)
	go c.writeLoop(out)
	return c
}

// writeLoop owns the output stream. Senders only queue, so neither the
// reader nor a lock holder ever blocks on a slow client.
func (c *conn) writeLoop(out io.Writer) {
	defer c.writer.Done()
	broken := false
	for {
		c.mu.Lock()
		for len(c.queue) == 0 && !c.closed {
			c.wake.Wait()
		}
		frames := c.queue
		c.queue = nil
		done := c.closed
		c.mu.Unlock()
		for _, f := range frames {
			if broken {
				break
			}
			if _, err := out.Write(f); err != nil {
				c.log.Error("writing to the client failed; dropping further output", "err", err)
				broken = true
			}
		}
		if done && len(frames) == 0 {
			return
		}
	}
}

// send queues one message for the writer.
func (c *conn) send(m *message) {
	m.JSONRPC = "2.0"
	frame, err := appendFrame(nil, m)
	if err != nil {
		c.log.Error("encoding a message failed", "method", m.Method, "err", err)
		frame, _ = appendFrame(nil, &message{JSONRPC: "2.0", ID: m.ID, Error: jsonrpc2.NewError(jsonrpc2.InternalError, "cannot encode the result: "+err.Error())})
	}
	c.mu.Lock()
	if !c.closed {
		c.queue = append(c.queue, frame)
		c.wake.Signal()
	}
	c.mu.Unlock()
}

// appendFrame appends m with its Content-Length header. Its raw parts are
// valid JSON already (the id as the client sent it, params and results from
// json.Marshal or encodedJSON), so they are copied, where json.Marshal(m)
// would scan and compact each again: a second pass over every
// publishDiagnostics and every completion list.
func appendFrame(b []byte, m *message) ([]byte, error) {
	var method, errJSON []byte
	if m.Method != "" {
		method = jsonenc.AppendString(nil, m.Method)
	}
	if m.Error != nil {
		var err error
		if errJSON, err = json.Marshal(m.Error); err != nil {
			return nil, err
		}
	}
	members := [...]struct {
		key   string
		value []byte
	}{{`,"id":`, m.ID}, {`,"method":`, method}, {`,"params":`, m.Params}, {`,"result":`, m.Result}, {`,"error":`, errJSON}}
	const head = `{"jsonrpc":"2.0"`
	size := len(head) + len("}")
	for _, mb := range members {
		if len(mb.value) > 0 {
			size += len(mb.key) + len(mb.value)
		}
	}
	b = slices.Grow(b, size+32)
	b = append(b, "Content-Length: "...)
	b = strconv.AppendInt(b, int64(size), 10)
	b = append(b, "\r\n\r\n"+head...)
	for _, mb := range members {
		if len(mb.value) > 0 {
			b = append(append(b, mb.key...), mb.value...)
		}
	}
	return append(b, '}'), nil
}

// notify sends a notification to the client.
func (c *conn) notify(method string, params any) {
	raw, err := json.Marshal(params)
	if err != nil {
		c.log.Error("encoding a notification failed", "method", method, "err", err)
		return
	}
	c.send(&message{Method: method, Params: raw})
}

func (c *conn) reply(id json.RawMessage, result any, err error) {
	m := &message{ID: id}
	if err != nil {
		var rpcErr *jsonrpc2.Error
		if !errors.As(err, &rpcErr) {
			rpcErr = jsonrpc2.NewError(jsonrpc2.InternalError, err.Error())
		}
		m.Error = rpcErr
	} else if enc, ok := result.(encodedJSON); ok {
		m.Result = json.RawMessage(enc)
	} else {
		raw, merr := json.Marshal(result)
		if merr != nil {
			m.Error = jsonrpc2.NewError(jsonrpc2.InternalError, "cannot encode the result: "+merr.Error())
		} else {
			m.Result = raw
		}
	}
	c.send(m)
}

// serve reads messages until the stream ends (io.EOF) or a notification
// asks to stop (nil). It waits for in-flight requests and for the
// output to be written before returning.
func (c *conn) serve(ctx context.Context, h handler) error {
	defer c.close()
	for {
		body, err := c.readFrame()
		if err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				return io.EOF
			}
			var fe *frameError
			if errors.As(err, &fe) {
				c.log.Error("bad message frame", "err", err)
				if fe.reply {
					c.reply(json.RawMessage("null"), nil, jsonrpc2.NewError(jsonrpc2.ParseError, err.Error()))
				}
				continue
			}
			return err
		}
		if stop := c.dispatch(ctx, h, body); stop {
			return nil
		}
	}
}

// dispatch handles one message body and reports whether to stop.
func (c *conn) dispatch(ctx context.Context, h handler, body []byte) (stop bool) {
	var m message
	if err := json.Unmarshal(body, &m); err != nil {
		c.log.Error("malformed JSON message", "err", err)
		c.reply(json.RawMessage("null"), nil, jsonrpc2.NewError(jsonrpc2.ParseError, "parse error: "+err.Error()))
		return false
	}
	isCall := len(m.ID) > 0 && string(m.ID) != "null"
	switch {
	case m.Method == "" && isCall:
		c.response(&m)
		return false
	case m.Method == "":
		c.reply(json.RawMessage("null"), nil, jsonrpc2.NewError(jsonrpc2.InvalidRequest, "invalid request: no method"))
		return false
	case m.Method == "$/cancelRequest":
		c.cancel(m.Params)
		return false
	case !isCall:
		return c.runNotification(ctx, h, m.Method, m.Params)
	}
	key, err := canonicalID(m.ID)
	if err != nil {
		c.reply(json.RawMessage("null"), nil, jsonrpc2.NewError(jsonrpc2.InvalidRequest, err.Error()))
		return false
	}
	reqCtx, cancel := context.WithCancel(ctx)
	c.mu.Lock()
	c.cancels[key] = cancel
	c.mu.Unlock()
	c.requests.Add(1)
	run := func() {
		defer c.requests.Done()
		defer func() {
			c.mu.Lock()
			delete(c.cancels, key)
			c.mu.Unlock()
			cancel()
		}()
		result, err := c.runRequest(reqCtx, h, m.Method, m.Params)
		var then func()
		if r, ok := result.(resultThen); ok {
			result, then = r.result, r.then
		}
		if reqCtx.Err() != nil && ctx.Err() == nil {
			result, err = nil, protocol.ErrRequestCancelled
		}
		c.reply(m.ID, result, err)
		if then != nil {
			then()
		}
	}
	if h.sync(m.Method) {
		run()
	} else {
		c.async.Add(1)
		go func() {
			defer c.async.Done()
			run()
		}()
	}
	return false
}

// drain waits until every concurrent request has been answered. A sync
// request calls it (shutdown): no new request starts meanwhile, since the
// reader is the caller.
func (c *conn) drain() { c.async.Wait() }

func (c *conn) runRequest(ctx context.Context, h handler, method string, params json.RawMessage) (result any, err error) {
	defer func() {
		if p := recover(); p != nil {
			c.log.Error("request handler panicked", "method", method, "panic", p, "stack", string(debug.Stack()))
			result, err = nil, jsonrpc2.NewError(jsonrpc2.InternalError, fmt.Sprintf("internal error in %s: %v", method, p))
		}
	}()
	return h.request(ctx, method, params)
}

func (c *conn) runNotification(ctx context.Context, h handler, method string, params json.RawMessage) (stop bool) {
	defer func() {
		if p := recover(); p != nil {
			c.log.Error("notification handler panicked", "method", method, "panic", p, "stack", string(debug.Stack()))
		}
	}()
	return h.notify(ctx, method, params)
}

func (c *conn) cancel(params json.RawMessage) {
	var p struct {
		ID json.RawMessage `json:"id"`
	}
	if json.Unmarshal(params, &p) != nil {
		return
	}
	key, err := canonicalID(p.ID)
	if err != nil {
		return
	}
	c.mu.Lock()
	cancel := c.cancels[key]
	c.mu.Unlock()
	if cancel != nil {
		cancel()
	}
}

// canonicalID maps equal ids to equal keys whatever their spelling: 7, 7.0
// and 7e0 are the same number, "7" is a different id.
func canonicalID(raw json.RawMessage) (string, error) {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return "", fmt.Errorf("invalid id %s", raw)
	}
	switch v := v.(type) {
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64), nil
	case string:
		return strconv.Quote(v), nil
	}
	return "", fmt.Errorf("invalid id %s: must be a number or a string", raw)
}

// call sends a request to the client and waits for its answer, decoded
// into result (which may be nil). It must not be called from the reader
// goroutine (a notification handler), which delivers the answer.
func (c *conn) call(ctx context.Context, method string, params, result any) error {
	raw, err := json.Marshal(params)
	if err != nil {
		return err
	}
	reply := make(chan *message, 1)
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return io.ErrClosedPipe
	}
	c.lastID++
	// String ids keep ours apart from any numbering the client uses.
	id := json.RawMessage(strconv.Quote("lsphost-" + strconv.Itoa(c.lastID)))
	key, _ := canonicalID(id)
	c.calls[key] = reply
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.calls, key)
		c.mu.Unlock()
	}()
	c.send(&message{ID: id, Method: method, Params: raw})
	select {
	case m, ok := <-reply:
		if !ok {
			return io.ErrClosedPipe
		}
		if m.Error != nil {
			return m.Error
		}
		if result != nil && len(m.Result) > 0 {
			return json.Unmarshal(m.Result, result)
		}
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// response delivers a client's answer to one of our requests; answers to
// requests we never sent are logged and dropped.
func (c *conn) response(m *message) {
	key, err := canonicalID(m.ID)
	c.mu.Lock()
	reply := c.calls[key]
	delete(c.calls, key)
	c.mu.Unlock()
	if err != nil || reply == nil {
		c.log.Warn("dropped a response to no request of ours", "id", string(m.ID))
		return
	}
	reply <- m
}

// close waits for in-flight requests, flushes the output and stops the
// writer.
func (c *conn) close() {
	c.mu.Lock()
	for _, cancel := range c.cancels {
		cancel()
	}
	c.mu.Unlock()
	c.requests.Wait()
	c.mu.Lock()
	c.closed = true
	for key, reply := range c.calls {
		close(reply) // the client will never answer now
		delete(c.calls, key)
	}
	c.wake.Signal()
	c.mu.Unlock()
	c.writer.Wait()
}

// frameError is a framing problem the connection survives.
type frameError struct {
	msg   string
	reply bool // whether to answer with a parse error
}

func (e *frameError) Error() string { return e.msg }

// readFrame reads one Content-Length framed message body.
func (c *conn) readFrame() ([]byte, error) {
	length := -1
	sawHeader := false
	for {
		line, err := c.in.ReadString('\n')
		if err != nil {
			if err == io.EOF && (line != "" || sawHeader) {
				return nil, io.ErrUnexpectedEOF
			}
			return nil, err
		}
		line = strings.TrimRight(line, "\r\n")
		// After a wrong Content-Length the rest of a body runs into the next
		// header: resynchronise on that header.
		if i := strings.Index(strings.ToLower(line), "content-length:"); i > 0 {
			line = line[i:]
		}
		if line == "" {
			if !sawHeader {
				continue // stray blank line between messages
			}
			break
		}
		sawHeader = true
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			return nil, &frameError{msg: fmt.Sprintf("invalid header line %q", line)}
		}
		if strings.EqualFold(strings.TrimSpace(name), "Content-Length") {
			n, err := strconv.Atoi(strings.TrimSpace(value))
			if err != nil || n < 0 {
				return nil, &frameError{msg: fmt.Sprintf("invalid Content-Length %q", value)}
			}
			length = n
		}
	}
	if length < 0 {
		return nil, &frameError{msg: "missing Content-Length header", reply: true}
	}
	if length > maxMessage {
		if _, err := c.in.Discard(length); err != nil {
			return nil, err
		}
		return nil, &frameError{msg: fmt.Sprintf("message of %d bytes > %d", length, maxMessage), reply: true}
	}
	body := make([]byte, length)
	if _, err := io.ReadFull(c.in, body); err != nil {
		return nil, io.ErrUnexpectedEOF
	}
	return body, nil
}
