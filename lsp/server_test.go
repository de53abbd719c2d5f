package lsp

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/lsphost/lsphost/extensions"
	"github.com/lsphost/lsphost/internal/wasmbuild"
)

// capabilitiesOf decodes the parts of an initialize result the tests read.
func capabilitiesOf(t *testing.T, raw json.RawMessage) (sync struct {
	OpenClose bool
	Change    int
}, completion map[string]any) {
	t.Helper()
	var result struct {
		Capabilities struct {
			TextDocumentSync struct {
				OpenClose bool
				Change    int
			}
			CompletionProvider map[string]any
		}
	}
	if err := json.Unmarshal(raw, &result); err != nil {
		t.Fatal(err)
	}
	return result.Capabilities.TextDocumentSync, result.Capabilities.CompletionProvider
}

// TestCapabilitiesFollowExtensions checks that the capabilities come from
// what the extensions declare: on a cold cache every feature is stated (the
// answer cannot wait for the compile), on the next start exactly the
// declared ones; and completionProvider is never an empty object, which
// Vim's ALE reads as "no completion".
func TestCapabilitiesFollowExtensions(t *testing.T) {
	tests := []struct {
		name, example string
		completion    bool
	}{
		{"diagnostics only", "todo", false},
		{"completion", "snippets", true}, // completion without resolve
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// A copy of the .wasm: compiled code is cached by content, so
			// the compile stays warm, but nothing was declared at this path.
			code, err := os.ReadFile(wasmbuild.Example(t, tt.example))
			if err != nil {
				t.Fatal(err)
			}
			wasm := filepath.Join(t.TempDir(), "x.wasm")
			if err := os.WriteFile(wasm, code, 0o644); err != nil {
				t.Fatal(err)
			}
			root := workspaceWith(t, fmt.Sprintf("[extensions.x]\nwasm = %q\n", wasm))
			opts := testOptions(t)
			for _, start := range []string{"cold", "warm"} {
				c := startServer(t, opts)
				sync, completion := capabilitiesOf(t, c.initialize(root))
				if !sync.OpenClose || sync.Change != 2 {
					t.Errorf("%s: textDocumentSync = %+v, want openClose and incremental (2)", start, sync)
				}
				want := tt.completion || start == "cold"
				if got := completion != nil; got != want {
					t.Fatalf("%s: completionProvider present = %v, want %v", start, got, want)
				}
				if completion != nil {
					if v, ok := completion["resolveProvider"]; !ok || v != false {
						t.Errorf("%s: completionProvider = %v, want resolveProvider: false spelled out", start, completion)
					}
				}
				c.loaded()
				if code := c.shutdown(); code != 0 {
					t.Fatalf("exit code %d", code)
				}
			}
		})
	}
}

// TestDynamicRegistration: a client that registers completion dynamically
// gets it registered once the extensions have loaded, with their trigger
// characters, and not in the answer to initialize.
func TestDynamicRegistration(t *testing.T) {
	root := workspaceWith(t, fmt.Sprintf("[extensions.words]\nwasm = %q\n", wasmbuild.Example(t, "words")))
	c := startServer(t, testOptions(t))
	_, completion := capabilitiesOf(t, c.initializeWith(root, map[string]any{
		"textDocument": map[string]any{"completion": map[string]any{"dynamicRegistration": true}},
	}))
	if completion != nil {
		t.Errorf("completionProvider = %v in the answer to initialize, want it registered dynamically instead", completion)
	}
	var reg struct {
		Registrations []struct {
			ID, Method      string
			RegisterOptions struct {
				DocumentSelector  *[]any
				TriggerCharacters []string
			}
		}
	}
	c.waitFor("client/registerCapability", func() bool {
		for _, m := range c.notes {
			if m.Method == "client/registerCapability" {
				json.Unmarshal(m.Params, &reg)
				return true
			}
		}
		return false
	})
	if len(reg.Registrations) != 1 || reg.Registrations[0].Method != "textDocument/completion" {
		t.Fatalf("registrations = %+v, want textDocument/completion alone", reg.Registrations)
	}
	if opts := reg.Registrations[0].RegisterOptions; opts.DocumentSelector != nil {
		t.Errorf("documentSelector = %v, want null (the client's own)", *opts.DocumentSelector)
	}
}

// TestInitializeDoesNotWaitForLoad: with an extension that takes a second
// to start, the answer to initialize comes first and the load is shown as
// work-done progress, ending once the extension is ready.
func TestInitializeDoesNotWaitForLoad(t *testing.T) {
	root := workspaceWith(t, fmt.Sprintf("[extensions.slow]\nwasm = %q\nsettings = { ms = 1000 }\ngrants = { clock = true }\n",
		wasmbuild.Build(t, "testdata/guests/slowstart")))
	c := startServer(t, testOptions(t))
	c.initializeWith(root, map[string]any{"window": map[string]any{"workDoneProgress": true}})
	c.mu.Lock()
	early := len(c.notes)
	c.mu.Unlock()
	if early != 0 {
		t.Errorf("%d message(s) from the server before the answer to initialize was read, want none", early)
	}
	var kinds, tokens []string
	c.waitFor("the end of the load's progress", func() bool {
		kinds, tokens = kinds[:0], tokens[:0]
		for _, m := range c.notes {
			if m.Method == "$/progress" {
				var p struct {
					Token any
					Value struct{ Kind string }
				}
				json.Unmarshal(m.Params, &p)
				kinds, tokens = append(kinds, p.Value.Kind), append(tokens, fmt.Sprint(p.Token))
			}
		}
		return len(kinds) > 0 && kinds[len(kinds)-1] == "end"
	})
	if kinds[0] != "begin" {
		t.Errorf("progress kinds %v, want begin first", kinds)
	}
	created := c.notifications("window/workDoneProgress/create")
	if len(created) != 1 {
		t.Fatalf("%d window/workDoneProgress/create requests, want 1", len(created))
	}
	var p struct{ Token any }
	json.Unmarshal(created[0].Params, &p)
	if tok, ok := p.Token.(string); !ok || tok == "" || slices.ContainsFunc(tokens, func(t string) bool { return t != tok }) {
		t.Errorf("created token %#v, progress tokens %q: want one string token for all", p.Token, tokens)
	}
}

// TestDiagnosticsDoNotWaitForOtherExtensions: once what each extension
// declares is cached, the extensions that diagnose load first, and a
// document opened at start is diagnosed while an extension that does not
// diagnose is still loading; completion waits for the whole load.
func TestDiagnosticsDoNotWaitForOtherExtensions(t *testing.T) {
	root := workspaceWith(t, fmt.Sprintf("[extensions.todo]\nwasm = %q\n[extensions.slow]\nwasm = %q\nsettings = { ms = 3000 }\ngrants = { clock = true }\n",
		wasmbuild.Example(t, "todo"), wasmbuild.Build(t, "testdata/guests/slowcompletion")))
	opts := testOptions(t)
	opts.CacheDir = t.TempDir() // the declaration cache starts empty
	first := startServer(t, opts)
	first.initialize(root)
	first.loaded() // caches the declarations
	first.shutdown()

	c := startServer(t, opts)
	c.initializeWith(root, map[string]any{"window": map[string]any{"workDoneProgress": true}})
	uri := fileURI(filepath.Join(root, "a.txt"))
	c.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{"uri": uri, "languageId": "plaintext", "version": 0, "text": "TODO"}})
	r := c.call("textDocument/completion", map[string]any{"textDocument": map[string]any{"uri": uri}, "position": map[string]any{"line": 0, "character": 0}})
	var list struct{ Items []struct{ Label string } }
	if r.Error != nil || json.Unmarshal(r.Result, &list) != nil || len(list.Items) != 1 || list.Items[0].Label != "slow" {
		t.Fatalf("completion = %s, %v; want the slow extension's item", r.Result, r.Error)
	}
	// The order of what the server sent: the diagnostics came before the
	// load's progress ended, that is while the slow extension loaded.
	diagnosed, loadEnd := -1, -1
	c.waitFor("the end of the load's progress", func() bool {
		diagnosed, loadEnd = -1, -1
		for i, m := range c.notes {
			switch {
			case m.Method == "textDocument/publishDiagnostics" && diagnosed < 0 && strings.Contains(string(m.Params), "TODO"):
				diagnosed = i
			case m.Method == "$/progress" && strings.Contains(string(m.Params), `"end"`):
				loadEnd = i
			}
		}
		return loadEnd >= 0
	})
	if diagnosed < 0 || diagnosed > loadEnd {
		t.Errorf("diagnostics at message %d, end of the load at %d: want the diagnostics first", diagnosed, loadEnd)
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
