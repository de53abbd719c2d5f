package lsp

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lsphost/lsphost/internal/wasmbuild"
)

// lastDiagnostics returns the messages of the last diagnostics published
// for uri, sorted, or nil if none was published. c.mu must be held.
func (c *client) lastDiagnostics(uri string) []string {
	for i := len(c.notes) - 1; i >= 0; i-- {
		if c.notes[i].Method != "textDocument/publishDiagnostics" {
			continue
		}
		var p struct {
			URI         string
			Diagnostics []struct{ Source, Message string }
		}
		json.Unmarshal(c.notes[i].Params, &p)
		if p.URI != uri {
			continue
		}
		out := []string{}
		for _, d := range p.Diagnostics {
			out = append(out, d.Source+": "+d.Message)
		}
		slices.Sort(out)
		return out
	}
	return nil
}

// waitDiagnostics waits until the last diagnostics published for uri are
// want (source: message, in any order).
func (c *client) waitDiagnostics(uri string, want ...string) {
	c.t.Helper()
	slices.Sort(want)
	var got []string
	c.waitUntil(func() string { return fmt.Sprintf("diagnostics %q for %s (last: %q)", want, uri, got) }, func() bool {
		got = c.lastDiagnostics(uri)
		return got != nil && slices.Equal(got, want)
	})
}

func (c *client) open(path, text string) string {
	c.t.Helper()
	uri := fileURI(path)
	c.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{"uri": uri, "languageId": "plaintext", "version": 1, "text": text}})
	return uri
}

// writeFile replaces the file at path with content as an editor that saves
// by rename does, so the server never reads it half written (a truncation
// is written on purpose, as "": TestReloadWaitsOutATruncatedConfig), with a
// new modification time even on a coarse clock: the reload looks at size
// and time.
func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path+".tmp", []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(path+".tmp", path); err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(2 * time.Second)
	if err := os.Chtimes(path, later, later); err != nil {
		t.Fatal(err)
	}
}

func todoConfig(t *testing.T, keywords ...string) string {
	config := fmt.Sprintf("[extensions.todo]\nwasm = %q\n", wasmbuild.Example(t, "todo"))
	if len(keywords) > 0 {
		k, _ := json.Marshal(keywords)
		config += fmt.Sprintf("settings = { keywords = %s }\n", k)
	}
	return config
}

// TestReloadOnConfigEdit: an edited .lsphost.toml takes effect without a
// restart, by polling (a client that watches nothing) and by the client's
// file events (polling off); open documents are diagnosed again.
func TestReloadOnConfigEdit(t *testing.T) {
	for _, how := range []string{"poll", "client event"} {
		t.Run(how, func(t *testing.T) {
			root := workspaceWith(t, todoConfig(t))
			opts := testOptions(t)
			opts.PollInterval = 20 * time.Millisecond
			if how == "client event" {
				opts.PollInterval = -1
			}
			c := startServer(t, opts)
			c.initialize(root)
			uri := c.open(filepath.Join(root, "a.txt"), "TODO one\nFIXME two\n")
			c.waitDiagnostics(uri, "todo: TODO one", "todo: FIXME two")

			config := filepath.Join(root, ConfigFile)
			writeFile(t, config, todoConfig(t, "FIXME"))
			if how == "client event" {
				c.notify("workspace/didChangeWatchedFiles", map[string]any{"changes": []any{map[string]any{"uri": fileURI(config), "type": 2}}})
			}
			c.waitDiagnostics(uri, "todo: FIXME two")
		})
	}
}

// TestReloadWaitsOutATruncatedConfig: a writer that truncates
// .lsphost.toml and stalls before writing it again (for longer than the
// files take to settle) must not unload the extensions in between.
func TestReloadWaitsOutATruncatedConfig(t *testing.T) {
	root := workspaceWith(t, todoConfig(t))
	opts := testOptions(t)
	opts.PollInterval = -1
	c := startServer(t, opts)
	c.initialize(root)
	uri := c.open(filepath.Join(root, "a.txt"), "TODO one\nFIXME two\n")
	c.waitDiagnostics(uri, "todo: TODO one", "todo: FIXME two")
	c.mu.Lock()
	published := len(c.notes)
	c.mu.Unlock()

	config := filepath.Join(root, ConfigFile)
	changed := func() {
		c.notify("workspace/didChangeWatchedFiles", map[string]any{"changes": []any{map[string]any{"uri": fileURI(config), "type": 2}}})
	}
	writeFile(t, config, "") // truncated: the rest comes 300 ms later
	changed()
	time.Sleep(300 * time.Millisecond)
	writeFile(t, config, todoConfig(t, "FIXME"))
	changed()
	c.waitDiagnostics(uri, "todo: FIXME two")

	c.mu.Lock()
	defer c.mu.Unlock()
	for _, m := range c.notes[published:] {
		if m.Method == "textDocument/publishDiagnostics" && strings.Contains(string(m.Params), `"diagnostics":[]`) {
			t.Errorf("diagnostics were cleared while the configuration was being rewritten: %s", m.Params)
		}
	}
}

// TestReloadKeepsLastGoodConfig: a broken edit keeps the running extensions
// and says why; fixing it reloads.
func TestReloadKeepsLastGoodConfig(t *testing.T) {
	root := workspaceWith(t, todoConfig(t))
	opts := testOptions(t)
	opts.PollInterval = 20 * time.Millisecond
	c := startServer(t, opts)
	c.initialize(root)
	uri := c.open(filepath.Join(root, "a.txt"), "TODO one\nFIXME two\n")
	c.waitDiagnostics(uri, "todo: TODO one", "todo: FIXME two")

	config := filepath.Join(root, ConfigFile)
	writeFile(t, config, "[extensions.todo\nwasm = ")
	c.waitFor("a message about the broken configuration", func() bool {
		for _, m := range c.notes {
			if m.Method == "window/showMessage" && strings.Contains(string(m.Params), "the last good configuration stays in use") {
				return true
			}
		}
		return false
	})
	// Still served by the last good configuration.
	c.notify("textDocument/didChange", map[string]any{"textDocument": map[string]any{"uri": uri, "version": 2},
		"contentChanges": []any{map[string]any{"text": "TODO three\n"}}})
	c.waitDiagnostics(uri, "todo: TODO three")

	writeFile(t, config, todoConfig(t, "FIXME", "TODO"))
	c.notify("textDocument/didChange", map[string]any{"textDocument": map[string]any{"uri": uri, "version": 3},
		"contentChanges": []any{map[string]any{"text": "TODO four\nFIXME five\n"}}})
	c.waitDiagnostics(uri, "todo: TODO four", "todo: FIXME five")
}

// TestReloadKeepsLastGoodWasm: a .wasm replaced by a broken file keeps the
// previous version running, with a message saying so.
func TestReloadKeepsLastGoodWasm(t *testing.T) {
	root := t.TempDir()
	wasm := filepath.Join(root, "todo.wasm")
	code, err := os.ReadFile(wasmbuild.Example(t, "todo"))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, wasm, string(code))
	writeFile(t, filepath.Join(root, ConfigFile), fmt.Sprintf("[extensions.todo]\nwasm = %q\n", wasm))
	opts := testOptions(t)
	opts.PollInterval = 20 * time.Millisecond
	c := startServer(t, opts)
	c.initialize(root)
	uri := c.open(filepath.Join(root, "a.txt"), "TODO one\nFIXME two\n")
	c.waitDiagnostics(uri, "todo: TODO one", "todo: FIXME two")

	os.WriteFile(wasm, []byte("\x00asm truncated"), 0o644)
	c.waitFor("a message about the broken .wasm", func() bool {
		for _, m := range c.notes {
			if m.Method == "window/showMessage" && strings.Contains(string(m.Params), "the previously loaded version stays in use") {
				return true
			}
		}
		return false
	})
	c.notify("textDocument/didChange", map[string]any{"textDocument": map[string]any{"uri": uri, "version": 2},
		"contentChanges": []any{map[string]any{"text": "TODO two\n"}}})
	c.waitDiagnostics(uri, "todo: TODO two")
}

// TestEditorSettings: settings from the editor override the configuration's,
// pushed with didChangeConfiguration or pulled with workspace/configuration.
func TestEditorSettings(t *testing.T) {
	override := map[string]any{"extensions": map[string]any{"todo": map[string]any{"settings": map[string]any{"keywords": []string{"FIXME"}}}}}
	for _, how := range []string{"push", "pull"} {
		t.Run(how, func(t *testing.T) {
			root := workspaceWith(t, todoConfig(t))
			opts := testOptions(t)
			opts.PollInterval = -1
			c := startServer(t, opts)
			caps := map[string]any{}
			if how == "pull" {
				caps["workspace"] = map[string]any{"configuration": true}
				c.mu.Lock()
				c.settings = map[string]any{} // nothing at first
				c.mu.Unlock()
			}
			c.initializeWith(root, caps)
			uri := c.open(filepath.Join(root, "a.txt"), "TODO one\nFIXME two\n")
			c.waitDiagnostics(uri, "todo: TODO one", "todo: FIXME two")
			if how == "push" {
				c.notify("workspace/didChangeConfiguration", map[string]any{"settings": map[string]any{"lsphost": override}})
			} else {
				c.mu.Lock()
				c.settings = override
				c.mu.Unlock()
				c.notify("workspace/didChangeConfiguration", map[string]any{"settings": nil})
			}
			c.waitDiagnostics(uri, "todo: FIXME two")
		})
	}
}

// TestMultiRoot: each workspace folder has its own configuration; a
// document gets the extensions of the folder that contains it, and a folder
// added later brings its own.
func TestMultiRoot(t *testing.T) {
	a := workspaceWith(t, todoConfig(t, "AAA"))
	b := workspaceWith(t, todoConfig(t, "BBB"))
	opts := testOptions(t)
	opts.PollInterval = -1
	c := startServer(t, opts)
	c.call("initialize", map[string]any{"processId": nil, "capabilities": map[string]any{},
		"workspaceFolders": []any{map[string]any{"uri": fileURI(a), "name": "a"}}})
	c.notify("initialized", map[string]any{})
	const text = "AAA x\nBBB y\n"
	ua := c.open(filepath.Join(a, "f.txt"), text)
	c.waitDiagnostics(ua, "todo: AAA x")

	c.notify("workspace/didChangeWorkspaceFolders", map[string]any{"event": map[string]any{
		"added": []any{map[string]any{"uri": fileURI(b), "name": "b"}}, "removed": []any{}}})
	c.loaded()
	ub := c.open(filepath.Join(b, "f.txt"), text)
	c.waitDiagnostics(ub, "todo: BBB y")
	c.waitDiagnostics(ua, "todo: AAA x")
}

// TestWatcherRegistration: a client that watches files by relative pattern
// is asked to watch exactly the files the configuration depends on.
func TestWatcherRegistration(t *testing.T) {
	root := workspaceWith(t, todoConfig(t))
	opts := testOptions(t)
	opts.PollInterval = -1
	c := startServer(t, opts)
	c.initializeWith(root, map[string]any{"workspace": map[string]any{
		"didChangeWatchedFiles": map[string]any{"dynamicRegistration": true, "relativePatternSupport": true}}})
	var reg struct {
		Registrations []struct {
			Method          string
			RegisterOptions struct {
				Watchers []struct {
					GlobPattern struct{ BaseURI, Pattern string }
				}
			}
		}
	}
	c.waitFor("file watchers registered", func() bool {
		for _, m := range c.notes {
			if m.Method == "client/registerCapability" && strings.Contains(string(m.Params), "didChangeWatchedFiles") {
				json.Unmarshal(m.Params, &reg)
				return true
			}
		}
		return false
	})
	var got []string
	for _, w := range reg.Registrations[0].RegisterOptions.Watchers {
		got = append(got, w.GlobPattern.BaseURI+" "+w.GlobPattern.Pattern)
	}
	todo := wasmbuild.Example(t, "todo")
	want := []string{fileURI(root) + " " + ConfigFile, fileURI(filepath.Dir(todo)) + " " + filepath.Base(todo)}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("watchers = %q, want %q", got, want)
	}
}

// TestPullClientGetsNoPush: a client that pulls diagnostics gets none
// pushed, even after edits; it gets them by asking.
func TestPullClientGetsNoPush(t *testing.T) {
	root := workspaceWith(t, todoConfig(t))
	c := startServer(t, testOptions(t))
	c.initializeWith(root, map[string]any{"textDocument": map[string]any{"diagnostic": map[string]any{}}})
	uri := c.open(filepath.Join(root, "a.txt"), "TODO one\n")
	c.notify("textDocument/didChange", map[string]any{"textDocument": map[string]any{"uri": uri, "version": 2},
		"contentChanges": []any{map[string]any{"text": "TODO two\n"}}})
	r := c.call("textDocument/diagnostic", map[string]any{"textDocument": map[string]any{"uri": uri}})
	var report struct {
		Kind  string
		Items []struct{ Message string }
	}
	if r.Error != nil || json.Unmarshal(r.Result, &report) != nil || report.Kind != "full" || len(report.Items) != 1 || report.Items[0].Message != "TODO two" {
		t.Fatalf("textDocument/diagnostic = %s %+v, want a full report with \"TODO two\"", r.Result, r.Error)
	}
	c.loaded() // a barrier for anything the edits might have pushed
	if pushed := c.notifications("textDocument/publishDiagnostics"); len(pushed) != 0 {
		t.Errorf("%d publishDiagnostics to a client that pulls, want none", len(pushed))
	}
}

// TestLoadedCalledOnceAfterTheFirstLoad: Options.Loaded runs when the first
// load is done (the extensions serve by then), and not again on a reload.
func TestLoadedCalledOnceAfterTheFirstLoad(t *testing.T) {
	root := workspaceWith(t, todoConfig(t))
	opts := testOptions(t)
	opts.PollInterval = -1
	var calls atomic.Int32
	opts.Loaded = func() { calls.Add(1) }
	c := startServer(t, opts)
	c.initialize(root)
	c.loaded()
	if n := calls.Load(); n != 1 {
		t.Fatalf("after the first load: Loaded called %d times, want 1", n)
	}
	uri := c.open(filepath.Join(root, "a.txt"), "TODO one\nFIXME two\n")
	c.waitDiagnostics(uri, "todo: TODO one", "todo: FIXME two")

	config := filepath.Join(root, ConfigFile)
	writeFile(t, config, todoConfig(t, "FIXME"))
	c.notify("workspace/didChangeWatchedFiles", map[string]any{"changes": []any{map[string]any{"uri": fileURI(config), "type": 2}}})
	c.waitDiagnostics(uri, "todo: FIXME two")
	c.loaded()
	if n := calls.Load(); n != 1 {
		t.Fatalf("after a reload: Loaded called %d times, want 1", n)
	}
}
