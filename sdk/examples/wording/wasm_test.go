package main

import (
	"testing"

	"github.com/lsphost/lsphost/extensions/exttest"
)

// TestWasm builds the extension to wasm and runs it in the real host, with
// the sandbox and limits users get. Positions are LSP's: line and UTF-16
// column.
func TestWasm(t *testing.T) {
	wasm := exttest.Build(t, ".")
	ext := exttest.Load(t, wasm, exttest.Options{
		Settings: `{"avoid": {"utilize": "use"}}`,
	})
	doc := exttest.Doc("markdown", "😀 We utilize Go.")
	diags := ext.Diagnostics(doc)
	if len(diags) != 1 || diags[0].Range.String() != "0:6-0:13" {
		t.Fatalf("diagnostics = %v, want one at 0:6-0:13", diags)
	}
	actions := ext.CodeActions(doc, diags[0].Range, diags)
	if len(actions) != 1 || exttest.Apply(doc.Text, actions[0].TextEdits) != "😀 We use Go." {
		t.Errorf("quick fixes = %+v", actions)
	}
}
