package main

import (
	"slices"
	"strings"
	"testing"

	"github.com/lsphost/lsphost/sdk"
)

// apply applies non-overlapping edits to text.
func apply(t *testing.T, text string, edits []sdk.TextEdit) string {
	t.Helper()
	edits = slices.Clone(edits)
	slices.SortFunc(edits, func(a, b sdk.TextEdit) int { return b.Start - a.Start })
	for i, e := range edits {
		if i > 0 && e.End > edits[i-1].Start {
			t.Fatalf("edits overlap: %+v", edits)
		}
		text = text[:e.Start] + e.NewText + text[e.End:]
	}
	return text
}

func withSettings(t *testing.T, s string) {
	t.Helper()
	saved := settings
	t.Cleanup(func() { settings = saved })
	if err := initialize(sdk.Settings(s)); err != nil {
		t.Fatal(err)
	}
}

func TestDiagnosticsAndFormat(t *testing.T) {
	tests := []struct {
		name, lang, text string
		settings         string
		want             []string // "code text-covered"
		formatted        string
	}{
		{"clean", "go", "a\nb\n", "", nil, "a\nb\n"},
		{"trailing", "go", "a  \nb\t\nc\n", "", []string{"trailing-whitespace \"  \"", "trailing-whitespace \"\\t\""}, "a\nb\nc\n"},
		{"final newline", "go", "a\nb", "", []string{"final-newline \"b\""}, "a\nb\n"},
		{"both, CRLF kept", "go", "a \r\nb", "", []string{"trailing-whitespace \" \"", "final-newline \"b\""}, "a\r\nb\r\n"},
		{"lone CR lines", "go", "a \rb \r", "", []string{"trailing-whitespace \" \"", "trailing-whitespace \" \""}, "a\rb\r"},
		{"whitespace-only line", "go", "a\n   \nb\n", "", []string{"trailing-whitespace \"   \""}, "a\n\nb\n"},
		{"markdown line break kept", "markdown", "one  \ntwo   \nthree  \n", "", []string{"trailing-whitespace \"   \"", "trailing-whitespace \"  \""}, "one  \ntwo\nthree\n"},
		{"markdown breaks off", "markdown", "one  \ntwo\n", `{"markdownLineBreaks": false}`, []string{"trailing-whitespace \"  \""}, "one\ntwo\n"},
		{"final newline off", "go", "a ", `{"finalNewline": false}`, []string{"trailing-whitespace \" \""}, "a"},
		{"trailing off", "go", "a ", `{"trailingWhitespace": false}`, []string{"final-newline \" \""}, "a \n"},
		{"non-ASCII last character", "go", "日本", "", []string{"final-newline \"本\""}, "日本\n"},
		{"empty document", "go", "", "", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			withSettings(t, tt.settings)
			doc := &sdk.Document{URI: "file:///a", LanguageID: tt.lang, Text: tt.text}
			diags, err := diagnostics(doc)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, d := range diags {
				got = append(got, d.Code+" "+strings.Trim(strings.ReplaceAll(strings.ReplaceAll(strings.ReplaceAll(
					`"`+tt.text[d.Start:d.End]+`"`, "\t", `\t`), "\r", `\r`), "\n", `\n`), ""))
				if d.Severity != sdk.SeverityWarning || d.Message == "" {
					t.Errorf("diagnostic %+v: want a warning with a message", d)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("diagnostics = %q, want %q", got, tt.want)
			}
			edits, err := format(&sdk.FormatRequest{Document: doc})
			if err != nil {
				t.Fatal(err)
			}
			if out := apply(t, tt.text, edits); out != tt.formatted {
				t.Errorf("formatted = %q, want %q", out, tt.formatted)
			}
			// Formatting is idempotent and leaves nothing to report.
			clean := &sdk.Document{URI: doc.URI, LanguageID: tt.lang, Text: tt.formatted}
			if again, _ := diagnostics(clean); len(again) != 0 {
				t.Errorf("after formatting: %d diagnostics, want none", len(again))
			}
		})
	}
}

// TestQuickFixes: each diagnostic gets a preferred quick fix that removes
// exactly it, tied to it by index; the fix-all action fixes everything.
func TestQuickFixes(t *testing.T) {
	text := "a \nb\t\nc"
	doc := &sdk.Document{URI: "file:///a", LanguageID: "go", Text: text}
	diags, _ := diagnostics(doc)
	if len(diags) != 3 {
		t.Fatalf("%d diagnostics, want 3", len(diags))
	}
	actions, err := codeActions(&sdk.CodeActionRequest{Document: doc, Start: 0, End: len(text), Diagnostics: diags})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"a\nb\t\nc", "a \nb\nc", "a \nb\t\nc\n"}
	var fixes int
	for _, a := range actions {
		if a.Kind != kindQuickFix {
			continue
		}
		if len(a.Diagnostics) != 1 || !a.IsPreferred {
			t.Fatalf("quick fix %+v: want one diagnostic and preferred", a)
		}
		if got := apply(t, text, a.Edits); got != want[a.Diagnostics[0]] {
			t.Errorf("%q for diagnostic %d gives %q, want %q", a.Title, a.Diagnostics[0], got, want[a.Diagnostics[0]])
		}
		fixes++
	}
	if fixes != 3 {
		t.Errorf("%d quick fixes, want 3", fixes)
	}
	i := slices.IndexFunc(actions, func(a sdk.CodeAction) bool { return a.Kind == kindFixAll })
	if i < 0 || apply(t, text, actions[i].Edits) != "a\nb\nc\n" {
		t.Errorf("fix-all action missing or wrong in %+v", actions)
	}
	only, _ := codeActions(&sdk.CodeActionRequest{Document: doc, Diagnostics: diags, Only: []string{"source"}})
	if len(only) != 1 || only[0].Kind != kindFixAll {
		t.Errorf("only [source]: %+v, want the fix-all action alone", only)
	}
}

// TestRangeFormat fixes only what lies in the range.
func TestRangeFormat(t *testing.T) {
	text := "a \nb \nc "
	doc := &sdk.Document{Text: text}
	edits, _ := format(&sdk.FormatRequest{Document: doc, Range: true, Start: 3, End: 6})
	if got := apply(t, text, edits); got != "a \nb\nc " {
		t.Errorf("range formatted = %q", got)
	}
}

func TestSettingsErrors(t *testing.T) {
	saved := settings
	defer func() { settings = saved }()
	if err := initialize(sdk.Settings(`{"finalNewline": true, "oops": 1}`)); err == nil || !strings.Contains(err.Error(), "oops") {
		t.Errorf("unknown setting: err = %v, want it named", err)
	}
}
