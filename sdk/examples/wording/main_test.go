package main

import (
	"reflect"
	"testing"

	"github.com/lsphost/lsphost/sdk/sdktest"
)

func TestDiagnostics(t *testing.T) {
	ext := sdktest.Start(t, nil) // the default settings
	doc := sdktest.Doc("markdown", "We utilize Go.\nLeverage ünïcode!\n")
	got := sdktest.Describe(doc.Text, ext.Diagnostics(doc))
	want := []string{
		`0:3 "utilize" prefer "use" to "utilize"`,
		`1:0 "Leverage" prefer "use" to "Leverage"`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("diagnostics =\n%q\nwant\n%q", got, want)
	}
}

func TestQuickFix(t *testing.T) {
	ext := sdktest.Start(t, map[string]any{"avoid": map[string]string{"whilst": "while"}})
	doc := sdktest.DocAt("plaintext", "Wait ^whilst it builds.")
	actions := ext.CodeActions(doc, doc.Cursor, ext.Diagnostics(doc))
	if len(actions) != 1 {
		t.Fatalf("actions = %+v, want one", actions)
	}
	if got := sdktest.Apply(doc.Text, actions[0].Edits); got != "Wait while it builds." {
		t.Errorf("fixed text = %q", got)
	}
}

func TestSettingsErrors(t *testing.T) {
	_, err := sdktest.Init(`{"avoid": {"two words": "x"}}`)
	if err == nil || err.Error() != `setting "avoid": "two words" is not a single word` {
		t.Errorf("Init = %v", err)
	}
	_, err = sdktest.Init(`{"avoid": ["utilize"]}`)
	if err == nil || err.Error() != `setting "avoid": want a table, got an array` {
		t.Errorf("Init = %v", err)
	}
}
