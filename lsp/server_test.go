package lsp

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/lsphost/lsphost/extensions"
	"github.com/lsphost/lsphost/internal/wasmbuild"
)

// TestCapabilitiesFollowExtensions checks that the capabilities come from
// what the loaded extensions declare, and that completionProvider is never
// an empty object, which Vim's ALE reads as "no completion".
func TestCapabilitiesFollowExtensions(t *testing.T) {
	tests := []struct {
		name, example string
		completion    bool
	}{
		{"diagnostics only", "todo", false},
		{"completion", "words", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := workspaceWith(t, fmt.Sprintf("[extensions.x]\nwasm = %q\n", wasmbuild.Example(t, tt.example)))
			c := startServer(t, testOptions(t))
			var result struct {
				Capabilities struct {
					TextDocumentSync struct {
						OpenClose bool
						Change    int
					}
					CompletionProvider map[string]any
				}
			}
			if err := json.Unmarshal(c.initialize(root), &result); err != nil {
				t.Fatal(err)
			}
			caps := result.Capabilities
			if !caps.TextDocumentSync.OpenClose || caps.TextDocumentSync.Change != 2 {
				t.Errorf("textDocumentSync = %+v, want openClose and incremental (2)", caps.TextDocumentSync)
			}
			if got := caps.CompletionProvider != nil; got != tt.completion {
				t.Fatalf("completionProvider present = %v, want %v", got, tt.completion)
			}
			if tt.completion {
				if v, ok := caps.CompletionProvider["resolveProvider"]; !ok || v != false {
					t.Errorf("completionProvider = %v, want resolveProvider: false spelled out", caps.CompletionProvider)
				}
			}
		})
	}
}

// TestStatusCommand checks lsphost.status: each extension's health, with a
// looping extension beside a healthy one.
func TestStatusCommand(t *testing.T) {
	root := workspaceWith(t, fmt.Sprintf("[extensions.todo]\nwasm = %q\n[extensions.loop]\nwasm = %q\ntimeout = \"50ms\"\n",
		wasmbuild.Example(t, "todo"), wasmbuild.Build(t, "testdata/guests/loop")))
	c := startServer(t, testOptions(t))
	c.initialize(root)
	uri := fileURI(filepath.Join(root, "a.txt"))
	c.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{"uri": uri, "languageId": "plaintext", "version": 0, "text": "TODO"}})
	for v := 1; v <= 3; v++ {
		c.waitFor(fmt.Sprintf("diagnostics of version %d", v-1), func() bool {
			for i := len(c.notes) - 1; i >= 0; i-- {
				if c.notes[i].Method == "textDocument/publishDiagnostics" {
					var p struct{ Version int }
					json.Unmarshal(c.notes[i].Params, &p)
					return p.Version == v-1
				}
			}
			return false
		})
		c.notify("textDocument/didChange", map[string]any{"textDocument": map[string]any{"uri": uri, "version": v},
			"contentChanges": []any{map[string]any{"text": fmt.Sprintf("TODO %d", v)}}})
	}
	r := c.call("workspace/executeCommand", map[string]any{"command": "lsphost.status"})
	var st status
	if r.Error != nil || json.Unmarshal(r.Result, &st) != nil {
		t.Fatalf("lsphost.status = %+v", r)
	}
	byName := map[string]extensions.Health{}
	for _, h := range st.Extensions {
		byName[h.Name] = h
	}
	if h := byName["todo"]; h.State != "ok" || h.Calls < 3 || h.Failures != 0 {
		t.Errorf("status of todo = %+v, want ok with its calls counted", h)
	}
	if h := byName["loop"]; h.State != "cooling down" || h.Timeouts < 3 || !strings.Contains(h.LastError, "timed out") || h.RetryAt.IsZero() {
		t.Errorf("status of loop = %+v, want cooling down after 3 timeouts, with the last error and a retry time", h)
	}
	if srv := st.Server; srv.Goroutines == 0 || srv.HeapBytes == 0 || srv.OpenDocuments != 1 || runtime.GOOS == "linux" && srv.RSSBytes == 0 {
		t.Errorf("status of the server = %+v, want goroutines, heap, one open document and (on Linux) RSS", srv)
	}
	if r := c.call("workspace/executeCommand", map[string]any{"command": "nope"}); r.Error == nil || r.Error.Code != -32602 {
		t.Errorf("unknown command = %+v, want InvalidParams", r)
	}
}

// TestPositionEncodings: the server takes the client's most preferred
// encoding it supports, says so, and then speaks it for edits, diagnostics
// and completion, here on a line with an emoji and CJK before a marker.
func TestPositionEncodings(t *testing.T) {
	line := "😀 漢字 TODO: x" // TODO starts at byte 12, UTF-16 unit 6, code point 5
	tests := []struct {
		offered []string
		want    string
		todoCol int
	}{
		{nil, "utf-16", 6},
		{[]string{"utf-32", "utf-16"}, "utf-32", 5},
		{[]string{"utf-8"}, "utf-8", 12},
		{[]string{"latin-1", "utf-16"}, "utf-16", 6},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			root := workspaceWith(t, fmt.Sprintf("[extensions.todo]\nwasm = %q\n", wasmbuild.Example(t, "todo")))
			c := startServer(t, testOptions(t))
			r := c.call("initialize", map[string]any{"processId": nil, "rootUri": fileURI(root),
				"capabilities": map[string]any{"general": map[string]any{"positionEncodings": tt.offered}}})
			var res struct {
				Capabilities struct{ PositionEncoding string }
			}
			if r.Error != nil || json.Unmarshal(r.Result, &res) != nil || res.Capabilities.PositionEncoding != tt.want {
				t.Fatalf("initialize offering %v: %+v, want positionEncoding %q", tt.offered, r, tt.want)
			}
			c.notify("initialized", map[string]any{})
			uri := fileURI(filepath.Join(root, "a.txt"))
			c.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{"uri": uri, "languageId": "plaintext", "version": 0, "text": "x\n"}})
			// Insert the line at 0:1 (after "x"), then read the marker's column.
			c.notify("textDocument/didChange", map[string]any{"textDocument": map[string]any{"uri": uri, "version": 1},
				"contentChanges": []any{map[string]any{"range": map[string]any{"start": map[string]int{"line": 0, "character": 1}, "end": map[string]int{"line": 0, "character": 1}}, "text": "\n" + line}}})
			var diag struct {
				Version     int
				Diagnostics []struct {
					Range struct{ Start, End struct{ Line, Character int } }
				}
			}
			c.waitFor("diagnostics of version 1", func() bool {
				for i := len(c.notes) - 1; i >= 0; i-- {
					if c.notes[i].Method == "textDocument/publishDiagnostics" {
						json.Unmarshal(c.notes[i].Params, &diag)
						return diag.Version == 1
					}
				}
				return false
			})
			if len(diag.Diagnostics) != 1 {
				t.Fatalf("diagnostics = %+v, want one", diag.Diagnostics)
			}
			if r := diag.Diagnostics[0].Range; r.Start.Line != 1 || r.Start.Character != tt.todoCol || r.End.Character != tt.todoCol+4 {
				t.Errorf("TODO at %+v in %s, want line 1, characters %d-%d", r, tt.want, tt.todoCol, tt.todoCol+4)
			}
		})
	}
}

// TestShutdownAnswersRequestsInFlight: a completion still running when
// shutdown arrives is answered, with its result, before shutdown is.
func TestShutdownAnswersRequestsInFlight(t *testing.T) {
	root := workspaceWith(t, fmt.Sprintf("[extensions.words]\nwasm = %q\n[extensions.loop]\nwasm = %q\ntimeout = \"300ms\"\n",
		wasmbuild.Example(t, "words"), wasmbuild.Build(t, "testdata/guests/loop")))
	c := startServer(t, testOptions(t))
	c.initialize(root)
	uri := fileURI(filepath.Join(root, "a.txt"))
	c.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{"uri": uri, "languageId": "plaintext", "version": 0, "text": "alpha al"}})
	// The loop extension keeps this completion busy until its deadline.
	completion := c.start("textDocument/completion", map[string]any{"textDocument": map[string]any{"uri": uri}, "position": map[string]int{"line": 0, "character": 8}})
	shutdown := c.start("shutdown", nil)
	r := c.wait(shutdown)
	if r.Error != nil {
		t.Fatalf("shutdown: %+v", r)
	}
	c.mu.Lock()
	_, answered := c.replies[fmt.Sprint(completion)]
	c.mu.Unlock()
	if !answered {
		t.Fatal("shutdown was answered before the completion in flight")
	}
	if got := c.wait(completion); got.Error != nil || !strings.Contains(string(got.Result), `"alpha"`) {
		t.Errorf("completion in flight at shutdown = %+v, want its result", got)
	}
}
