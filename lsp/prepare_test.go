package lsp

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lsphost/lsphost/internal/wasmbuild"
)

// hoverText returns the contents of the hover at the start of uri.
func (c *client) hoverText(uri string) string {
	c.t.Helper()
	r := c.call("textDocument/hover", map[string]any{"textDocument": map[string]any{"uri": uri}, "position": map[string]any{"line": 0, "character": 0}})
	var h struct{ Contents struct{ Value string } }
	if r.Error != nil || json.Unmarshal(r.Result, &h) != nil {
		c.t.Fatalf("hover = %s %+v", r.Result, r.Error)
	}
	return h.Contents.Value
}

// hoverUntil asks for the hover at the start of uri until ok accepts it,
// and returns it.
func (c *client) hoverUntil(uri, what string, ok func(string) bool) string {
	c.t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for {
		got := c.hoverText(uri)
		if ok(got) {
			return got
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("timed out waiting for the hover %s (last: %q)", what, got)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestPrepareOnOpenAndChange: an extension that declared prepare gets each
// document's text after it opens and after it changes, whether the client
// takes pushed diagnostics or pulls them, unless the text is smaller than
// the extension's prepareMin; a burst of edits is prepared in fewer rounds
// than edits, ending with the latest text.
func TestPrepareOnOpenAndChange(t *testing.T) {
	for _, how := range []string{"push", "pull"} {
		t.Run(how, func(t *testing.T) {
			root := workspaceWith(t, fmt.Sprintf("[extensions.prepares]\nwasm = %q\n", wasmbuild.Build(t, "testdata/guests/prepares")))
			c := startServer(t, testOptions(t))
			if how == "pull" {
				c.initializeWith(root, map[string]any{"textDocument": map[string]any{"diagnostic": map[string]any{}}})
			} else {
				c.initialize(root)
			}
			uri := c.open(filepath.Join(root, "a.txt"), "one\n") // 4 bytes: below the guest's prepareMin, 8
			edit := func(version int, text string) {
				if version > 1 {
					c.notify("textDocument/didChange", map[string]any{"textDocument": map[string]any{"uri": uri, "version": version},
						"contentChanges": []any{map[string]any{"text": text}}})
				}
				if how == "pull" {
					c.call("textDocument/diagnostic", map[string]any{"textDocument": map[string]any{"uri": uri}})
				}
			}
			edit(1, "")
			edit(2, "one two\n")
			want := "prepared version 2 (8 bytes), 1 prepares in all" // version 1 was not
			c.hoverUntil(uri, strconv.Quote(want), func(got string) bool { return got == want })

			const last = 32
			for v := 3; v <= last; v++ {
				edit(v, strings.Repeat("x", v)+"\n")
			}
			prefix := fmt.Sprintf("prepared version %d (%d bytes), ", last, last+1)
			got := c.hoverUntil(uri, strconv.Quote(prefix+"..."), func(got string) bool { return strings.HasPrefix(got, prefix) })
			var n int
			if _, err := fmt.Sscanf(strings.TrimPrefix(got, prefix), "%d prepares in all", &n); err != nil || n < 2 || n > last-1 {
				t.Errorf("hover %q: want between 2 and %d prepares", got, last-1)
			}
		})
	}
}
