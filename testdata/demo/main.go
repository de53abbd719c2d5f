// Command demo shows lsphost working without an editor: it starts the server
// like an editor would, opens the files of a workspace, prints the
// diagnostics and a completion the extensions produce, and shuts it down.
//
//	go run ./testdata/demo bin/lsphost testdata/demo/workspace
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/textproto"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: demo LSPHOST WORKSPACE")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}

type message struct {
	ID     *int            `json:"id,omitempty"`
	Method string          `json:"method,omitempty"`
	Params json.RawMessage `json:"params,omitempty"`
	Result json.RawMessage `json:"result,omitempty"`
	Error  *struct {
		Message string `json:"message"`
	} `json:"error,omitempty"`
}

type session struct {
	in   io.Writer
	msgs chan message
	id   int
}

func (s *session) send(id *int, method string, params any) {
	body, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": id, "method": method, "params": params})
	if id == nil {
		body, _ = json.Marshal(map[string]any{"jsonrpc": "2.0", "method": method, "params": params})
	}
	fmt.Fprintf(s.in, "Content-Length: %d\r\n\r\n%s", len(body), body)
}

// call sends a request and waits for its reply, handing notifications that
// arrive meanwhile to onNote.
func (s *session) call(method string, params any, onNote func(message)) (json.RawMessage, error) {
	s.id++
	id := s.id
	s.send(&id, method, params)
	for m := range s.msgs {
		if m.ID != nil && *m.ID == id && m.Method == "" {
			if m.Error != nil {
				return nil, fmt.Errorf("%s: %s", method, m.Error.Message)
			}
			return m.Result, nil
		}
		onNote(m)
	}
	return nil, fmt.Errorf("%s: the server exited", method)
}

// until reads notifications until done returns true.
func (s *session) until(timeout time.Duration, done func(message) bool) error {
	deadline := time.After(timeout)
	for {
		select {
		case m, ok := <-s.msgs:
			if !ok {
				return fmt.Errorf("the server exited")
			}
			if done(m) {
				return nil
			}
		case <-deadline:
			return fmt.Errorf("no answer within %s", timeout)
		}
	}
}

func run(server, workspace string) error {
	root, err := filepath.Abs(workspace)
	if err != nil {
		return err
	}
	cmd := exec.Command(server, "serve", "--config", filepath.Join(root, "no-user-config.toml"), "--log-level", "warn")
	cmd.Stderr = os.Stderr
	in, _ := cmd.StdinPipe()
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		return err
	}
	s := &session{in: in, msgs: make(chan message, 64)}
	go read(out, s.msgs)

	fmt.Printf("$ %s serve   (in %s)\n\n", server, workspace)
	start := time.Now()
	show := func(m message) {
		if m.Method == "window/showMessage" {
			var p struct{ Message string }
			json.Unmarshal(m.Params, &p)
			fmt.Println("server says:", p.Message)
		}
	}
	result, err := s.call("initialize", map[string]any{
		"processId": os.Getpid(), "rootUri": "file://" + root, "capabilities": map[string]any{},
		"workspaceFolders": []any{map[string]any{"uri": "file://" + root, "name": filepath.Base(root)}},
	}, show)
	if err != nil {
		return err
	}
	var init struct {
		Capabilities struct {
			CompletionProvider *struct {
				TriggerCharacters []string `json:"triggerCharacters"`
			} `json:"completionProvider"`
		} `json:"capabilities"`
		ServerInfo struct{ Name, Version string } `json:"serverInfo"`
	}
	json.Unmarshal(result, &init)
	fmt.Printf("initialize: %s %s answered in %s; completion: %v\n\n", init.ServerInfo.Name, init.ServerInfo.Version,
		time.Since(start).Round(time.Millisecond), init.Capabilities.CompletionProvider != nil)
	s.send(nil, "initialized", map[string]any{})

	files, _ := filepath.Glob(filepath.Join(root, "[^.]*.*"))
	sort.Strings(files)
	texts := map[string]string{}
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		texts[path] = string(data)
		lang := map[string]string{".go": "go", ".md": "markdown"}[filepath.Ext(path)]
		opened := time.Now()
		uri := "file://" + path
		s.send(nil, "textDocument/didOpen", map[string]any{"textDocument": map[string]any{
			"uri": uri, "languageId": lang, "version": 1, "text": string(data)}})
		err = s.until(30*time.Second, func(m message) bool {
			show(m)
			var p struct {
				URI         string
				Diagnostics []struct {
					Range    struct{ Start struct{ Line, Character int } }
					Severity int
					Source   string
					Message  string
				}
			}
			if m.Method != "textDocument/publishDiagnostics" || json.Unmarshal(m.Params, &p) != nil || p.URI != uri {
				return false
			}
			fmt.Printf("%s: %d diagnostics in %s\n", filepath.Base(path), len(p.Diagnostics), time.Since(opened).Round(time.Millisecond))
			for _, d := range p.Diagnostics {
				fmt.Printf("  %s:%d:%d: %s: %s [%s]\n", filepath.Base(path), d.Range.Start.Line+1, d.Range.Start.Character+1,
					[]string{"", "error", "warning", "information", "hint"}[d.Severity], d.Message, d.Source)
			}
			return true
		})
		if err != nil {
			return fmt.Errorf("diagnostics of %s: %w", path, err)
		}
	}

	// Complete the last word of notes.md, as if the cursor were after it.
	notes := filepath.Join(root, "notes.md")
	text := strings.TrimRight(texts[notes], "\n")
	lines := strings.Split(text, "\n")
	last := lines[len(lines)-1]
	prefix := last[strings.LastIndex(last, " ")+1:]
	result, err = s.call("textDocument/completion", map[string]any{
		"textDocument": map[string]any{"uri": "file://" + notes},
		"position":     map[string]any{"line": len(lines) - 1, "character": len(last)},
	}, show)
	if err != nil {
		return err
	}
	var list struct {
		Items []struct {
			Label string
			Data  struct{ Extension string }
		}
	}
	json.Unmarshal(result, &list)
	var labels []string
	for _, it := range list.Items {
		labels = append(labels, it.Label+" ["+it.Data.Extension+"]")
	}
	fmt.Printf("\ncompletion after %q in notes.md: %s\n", prefix, strings.Join(labels, ", "))

	// Hover over the first TODO, then format the document.
	todoLine := slices.IndexFunc(lines, func(l string) bool { return strings.Contains(l, "TODO") })
	result, err = s.call("textDocument/hover", map[string]any{
		"textDocument": map[string]any{"uri": "file://" + notes},
		"position":     map[string]any{"line": todoLine, "character": strings.Index(lines[todoLine], "TODO") + 1},
	}, show)
	if err != nil {
		return err
	}
	var hover struct{ Contents struct{ Value string } }
	json.Unmarshal(result, &hover)
	fmt.Printf("\nhover over TODO in notes.md:\n  %s\n", strings.ReplaceAll(hover.Contents.Value, "\n", "\n  "))
	result, err = s.call("textDocument/formatting", map[string]any{
		"textDocument": map[string]any{"uri": "file://" + notes},
		"options":      map[string]any{"tabSize": 4, "insertSpaces": true},
	}, show)
	if err != nil {
		return err
	}
	var edits []struct {
		Range   struct{ Start struct{ Line, Character int } }
		NewText string
	}
	json.Unmarshal(result, &edits)
	fmt.Printf("\nformatting notes.md: %d edit(s)\n", len(edits))
	for _, e := range edits {
		fmt.Printf("  %d:%d: replace with %q\n", e.Range.Start.Line+1, e.Range.Start.Character+1, e.NewText)
	}

	if _, err := s.call("shutdown", nil, show); err != nil {
		return err
	}
	s.send(nil, "exit", nil)
	err = cmd.Wait()
	fmt.Printf("\nshutdown and exit: server exit code %d\n", cmd.ProcessState.ExitCode())
	return err
}

func read(r io.Reader, msgs chan<- message) {
	defer close(msgs)
	br := bufio.NewReader(r)
	tp := textproto.NewReader(br)
	for {
		h, err := tp.ReadMIMEHeader()
		if err != nil {
			return
		}
		n, _ := strconv.Atoi(h.Get("Content-Length"))
		body := make([]byte, n)
		if _, err := io.ReadFull(br, body); err != nil {
			return
		}
		var m message
		if json.Unmarshal(body, &m) == nil {
			msgs <- m
		}
	}
}
