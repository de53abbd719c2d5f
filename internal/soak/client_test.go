package soak

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"
)

// client speaks LSP to the server binary over its stdin and stdout. It is
// written from the specification and shares no code with the server. Every
// write goes through one lock, so messages from several goroutines never
// interleave, and the order of writes is the order the server reads.
type client struct {
	mu      sync.Mutex
	w       io.Writer
	nextID  int
	calls   map[int]*call // every request sent, by id
	unknown []string      // replies to ids never sent
	stray   string        // the first bytes on stdout that were not a frame
	closed  chan struct{} // stdout ended
	frames  int           // frames read so far

	// onNotify receives every notification, on the reader goroutine.
	onNotify func(method string, params json.RawMessage, at time.Time)
}

// call is one request and its replies.
type call struct {
	method  string
	sent    time.Time
	replies int
	reply   reply
	done    chan struct{} // closed on the first reply
}

type reply struct {
	at     time.Time
	seq    int             // the frame's position in the output stream
	Result json.RawMessage `json:"result"`
	Error  *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func newClient(w io.Writer, r io.Reader, onNotify func(string, json.RawMessage, time.Time)) *client {
	c := &client{w: w, calls: map[int]*call{}, closed: make(chan struct{}), onNotify: onNotify}
	go c.read(r)
	return c
}

// writeLocked sends one message; c.mu must be held.
func (c *client) writeLocked(msg map[string]any) {
	msg["jsonrpc"] = "2.0"
	body, err := json.Marshal(msg)
	if err != nil {
		panic(err)
	}
	fmt.Fprintf(c.w, "Content-Length: %d\r\n\r\n%s", len(body), body)
}

// notify sends a notification. before, if set, runs under the write lock
// just before the message is written, so that the caller's model of the
// documents changes in the order of the stream.
func (c *client) notify(method string, params any, before func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if before != nil {
		before()
	}
	c.writeLocked(map[string]any{"method": method, "params": params})
}

// start sends a request and returns its id and call.
func (c *client) start(method string, params any) (int, *call) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.nextID++
	id := c.nextID
	cl := &call{method: method, sent: time.Now(), done: make(chan struct{})}
	c.calls[id] = cl
	c.writeLocked(map[string]any{"id": id, "method": method, "params": params})
	return id, cl
}

// cancel sends $/cancelRequest for id.
func (c *client) cancel(id int) {
	c.notify("$/cancelRequest", map[string]any{"id": id}, nil)
}

// wait waits for the reply to cl, up to d.
func (c *client) wait(cl *call, d time.Duration) (reply, error) {
	select {
	case <-cl.done:
		return cl.reply, nil
	case <-c.closed:
		return reply{}, fmt.Errorf("%s: the server closed stdout before replying", cl.method)
	case <-time.After(d):
		return reply{}, fmt.Errorf("%s: no reply after %s", cl.method, d)
	}
}

// call sends a request and waits for its reply, up to d.
func (c *client) call(method string, params any, d time.Duration) (reply, error) {
	_, cl := c.start(method, params)
	r, err := c.wait(cl, d)
	if err == nil && r.Error != nil {
		err = fmt.Errorf("%s: error %d: %s", method, r.Error.Code, r.Error.Message)
	}
	return r, err
}

// unanswered returns the requests that have no reply yet.
func (c *client) unanswered() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for id, cl := range c.calls {
		if cl.replies == 0 {
			out = append(out, fmt.Sprintf("%d (%s)", id, cl.method))
		}
	}
	return out
}

// accounting checks that every request sent got exactly one reply and no
// reply came for anything else; it returns the problems and the count.
func (c *client) accounting() (problems []string, requests int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for id, cl := range c.calls {
		if cl.replies != 1 {
			problems = append(problems, fmt.Sprintf("request %d (%s) got %d replies", id, cl.method, cl.replies))
		}
	}
	for _, u := range c.unknown {
		problems = append(problems, "reply to a request never sent: "+u)
	}
	if c.stray != "" {
		problems = append(problems, fmt.Sprintf("stdout carried something that is not an LSP frame: %q", c.stray))
	}
	return problems, len(c.calls)
}

// read parses stdout strictly as LSP frames until it ends.
func (c *client) read(r io.Reader) {
	defer close(c.closed)
	br := bufio.NewReaderSize(r, 1<<16)
	for {
		header, err := br.ReadString('\n')
		if err != nil {
			if header != "" {
				c.strayOutput(header)
			}
			return
		}
		n, ok := strings.CutPrefix(header, "Content-Length: ")
		length, convErr := strconv.Atoi(strings.TrimSuffix(n, "\r\n"))
		blank, _ := br.ReadString('\n')
		if !ok || convErr != nil || !strings.HasSuffix(header, "\r\n") || blank != "\r\n" {
			c.strayOutput(header + blank)
			return
		}
		body := make([]byte, length)
		if _, err := io.ReadFull(br, body); err != nil {
			c.strayOutput("truncated frame: " + string(body))
			return
		}
		c.mu.Lock()
		c.frames++
		seq := c.frames
		c.mu.Unlock()
		c.dispatch(body, time.Now(), seq)
	}
}

func (c *client) strayOutput(s string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stray == "" {
		c.stray = s
	}
}

func (c *client) dispatch(body []byte, at time.Time, seq int) {
	var m struct {
		ID     json.RawMessage `json:"id"`
		Method string          `json:"method"`
		Params json.RawMessage `json:"params"`
	}
	if err := json.Unmarshal(body, &m); err != nil {
		c.strayOutput("invalid JSON: " + string(body))
		return
	}
	hasID := len(m.ID) > 0 && string(m.ID) != "null"
	switch {
	case m.Method != "" && hasID:
		// A request from the server (registerCapability, configuration…):
		// a client must answer; null is a valid answer to all of them.
		c.mu.Lock()
		c.writeLocked(map[string]any{"id": m.ID, "result": nil})
		c.mu.Unlock()
	case m.Method != "":
		c.onNotify(m.Method, m.Params, at)
	default:
		var r reply
		json.Unmarshal(body, &r)
		r.at, r.seq = at, seq
		id, err := strconv.Atoi(string(m.ID))
		c.mu.Lock()
		cl := c.calls[id]
		switch {
		case err != nil || cl == nil:
			c.unknown = append(c.unknown, string(body))
		default:
			cl.replies++
			if cl.replies == 1 {
				cl.reply = r
				close(cl.done)
			}
		}
		c.mu.Unlock()
	}
}
