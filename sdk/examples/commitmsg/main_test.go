package main

import (
	"os"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/lsphost/lsphost/extensions/exttest"
	"github.com/lsphost/lsphost/internal/wasmbuild"
	"github.com/lsphost/lsphost/sdk"
	"github.com/lsphost/lsphost/sdk/sdktest"
)

func codes(diags []sdk.Diagnostic) []string {
	var out []string
	for _, d := range diags {
		out = append(out, d.Code)
	}
	return out
}

func TestDiagnostics(t *testing.T) {
	ext := sdktest.Start(t, nil)
	tests := []struct {
		name, text string
		want       []string // sdktest.Describe
	}{
		{"good", "feat(lsp): add hover\n\nBody text.\n", nil},
		{"breaking", "feat!: drop ABI 0\n", nil},
		{"breaking with scope", "fix(sdk)!: rename Handle\n", nil},
		{"comments ignored", "# Please enter the commit message\nfix: x\n# comment\n\nbody\n", nil},
		{"no type", "Add hover support\n", []string{`0:0 "Add hover support" header must be "type(scope): subject" with a type among build, chore, ci, docs, feat, fix, perf, refactor, revert, style, test`}},
		{"unknown type", "feature: add x\n", []string{`0:0 "feature" unknown type "feature": use one of build, chore, ci, docs, feat, fix, perf, refactor, revert, style, test`}},
		{"upper case type", "Fix: crash\n", []string{`0:0 "Fix" type "Fix" must be lower case`}},
		{"empty scope", "fix(): crash\n", []string{`0:3 "()" empty scope: name one or leave out the parentheses`}},
		{"unclosed scope", "fix(lsp: crash\n", []string{`0:3 "(lsp" scope is not closed: write "(scope)"`}},
		{"no space", "fix:crash\n", []string{`0:3 ":" write one space after the colon`}},
		{"no subject", "fix: \n", []string{`0:3 ": " missing subject after the colon`}},
		{"period", "docs: fix typo.\n", []string{`0:14 "." the subject must not end with a period`}},
		{"ellipsis is fine", "docs: and so on...\n", nil},
		{"second line", "fix: crash\nbody right away\n", []string{`1:0 "body right away" the second line must be blank: it separates the header from the body`}},
		{"second line after a comment", "fix: crash\n# c\nbody\n", []string{`2:0 "body" the second line must be blank: it separates the header from the body`}},
		{"long header", "feat: " + strings.Repeat("é", 70) + "\n", []string{`0:72 "éééé" header is 76 characters long, over 72`}},
		{"merge", "Merge branch 'main' into x\n", nil},
		{"revert", "Revert \"feat: x\"\n\nThis reverts commit abc.\n", nil},
		{"leading blank lines", "\n\nfix: x\n", nil},
		{"scissors", "fix: x\n# ------------------------ >8 ------------------------\ndiff --git a/x b/x\n", nil},
		{"crlf", "fix: x.\r\n\r\nbody\r\n", []string{`0:6 "." the subject must not end with a period`}},
		{"empty", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := sdktest.Doc("gitcommit", tt.text)
			got := sdktest.Describe(doc.Text, ext.Diagnostics(doc))
			if len(got) == 0 {
				got = nil
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("diagnostics(%q) =\n%q\nwant\n%q", tt.text, got, tt.want)
			}
		})
	}
}

func TestSettings(t *testing.T) {
	ext := sdktest.Start(t, map[string]any{"types": map[string]string{"wip": "work in progress"}, "scopes": []string{"sdk"},
		"requireScope": true, "maxHeaderLength": 20, "maxBodyLineLength": 10})
	doc := sdktest.Doc("gitcommit", "wip(lsp): a long header here\n\nshort\na long body line\nsee https://example.invalid/a/long/path\n")
	got := sdktest.Describe(doc.Text, ext.Diagnostics(doc))
	want := []string{
		`0:20 "der here" header is 28 characters long, over 20`,
		`0:4 "lsp" unknown scope "lsp": use one of sdk`,
		`3:10 "y line" body line is 16 characters long, over 10`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("diagnostics =\n%q\nwant\n%q", got, want)
	}
	for _, bad := range []string{`{"types": {}}`, `{"types": {"a b": ""}}`, `{"maxHeaderLength": 3}`, `{"maxBodyLineLength": -1}`, `{"type": {}}`} {
		if _, err := sdktest.Init(bad); err == nil {
			t.Errorf("Init(%s): no error", bad)
		}
	}
}

func TestQuickFixes(t *testing.T) {
	ext := sdktest.Start(t, nil)
	for _, tt := range []struct{ text, want string }{
		{"Fix:crash.\nbody\n", "fix: crash\n\nbody\n"},
	} {
		doc := sdktest.Doc("gitcommit", tt.text)
		diags := ext.Diagnostics(doc)
		actions := ext.CodeActions(doc, len(doc.Text), diags)
		var edits []sdk.TextEdit
		for _, a := range actions {
			edits = append(edits, a.Edits...)
		}
		if got := sdktest.Apply(doc.Text, edits); got != tt.want || len(actions) != 4 {
			t.Errorf("all %d fixes on %q give %q, want %q", len(actions), tt.text, got, tt.want)
		}
	}
}

func TestCompletion(t *testing.T) {
	ext := sdktest.Start(t, nil)
	for _, tt := range []struct {
		text string
		want []string
		edit string // the text after applying the first item
	}{
		{"^", []string{"build", "chore", "ci", "docs", "feat", "fix", "perf", "refactor", "revert", "style", "test"}, "build: "},
		{"f^", []string{"feat", "fix"}, "feat: "},
		{"F^ix", []string{"feat", "fix"}, "feat: "},
		{"fi^(lsp): x", []string{"fix"}, "fix(lsp): x"},
		{"# comment\n\nre^", []string{"refactor", "revert"}, "# comment\n\nrefactor: "},
		{"fix: ^", nil, ""},
		{"fix: x\n\nfe^", nil, ""},
	} {
		doc := sdktest.DocAt("gitcommit", tt.text)
		list := ext.Completion(doc)
		if got := sdktest.Labels(list); !reflect.DeepEqual(got, tt.want) && len(got)+len(tt.want) > 0 {
			t.Errorf("completion at %q = %q, want %q", tt.text, got, tt.want)
			continue
		}
		if len(list.Items) > 0 {
			if got := sdktest.Apply(doc.Text, []sdk.TextEdit{*list.Items[0].Edit}); got != tt.edit {
				t.Errorf("first item at %q gives %q, want %q", tt.text, got, tt.edit)
			}
		}
	}
}

// realMessages are this repository's own commit messages (git log), which
// were not written for this linter.
func realMessages(t *testing.T) []string {
	data, err := os.ReadFile("testdata/lsphost-log.txt")
	if err != nil {
		t.Fatal(err)
	}
	var msgs []string
	for _, m := range strings.Split(string(data), "\x00") {
		if m = strings.TrimLeft(m, "\n"); m != "" {
			msgs = append(msgs, m)
		}
	}
	return msgs
}

// TestRealMessages: our history does not follow Conventional Commits, so
// each header gets exactly the format diagnostic (and the length one when
// it is long) and nothing else; prefixed with a type, they get nothing but
// the length diagnostics: no false positives on real bodies.
func TestRealMessages(t *testing.T) {
	ext := sdktest.Start(t, nil)
	msgs := realMessages(t)
	if len(msgs) < 40 {
		t.Fatalf("%d messages", len(msgs))
	}
	long := 0
	for _, m := range msgs {
		header, _, _ := strings.Cut(m, "\n")
		// "component: subject" headers get "unknown type"; others "format".
		kind := "format"
		if c, _, ok := strings.Cut(header, ": "); ok && !strings.ContainsAny(c, " ()") {
			kind = "type"
		}
		want := []string{kind}
		if utf8.RuneCountInString(header) > 72 {
			want = []string{"header-length", kind}
		}
		if got := codes(ext.Diagnostics(sdktest.Doc("gitcommit", m))); !reflect.DeepEqual(got, want) {
			t.Errorf("%q: codes %q, want %q", header, got, want)
		}
		want = nil
		if utf8.RuneCountInString("feat: "+header) > 72 {
			want = []string{"header-length"}
			long++
		}
		if got := codes(ext.Diagnostics(sdktest.Doc("gitcommit", "feat: "+m))); !reflect.DeepEqual(got, want) {
			t.Errorf("feat: %q: codes %q, want %q", header, got, want)
		}
	}
	t.Logf("%d real messages, %d with a header over 72 characters once typed", len(msgs), long)
}

func TestThroughHost(t *testing.T) {
	ext := exttest.Load(t, wasmbuild.Example(t, "commitmsg"), exttest.Options{Name: "commitmsg"})
	if got := ext.Extension().Declaration().Languages; !reflect.DeepEqual(got, []string{"gitcommit"}) {
		t.Errorf("languages = %q", got)
	}
	doc := exttest.Doc("gitcommit", "Fix: ünïcode.\nbody\n")
	diags := ext.Diagnostics(doc)
	var got []string
	for _, d := range diags {
		got = append(got, d.String())
	}
	want := []string{`0:0-0:3: type "Fix" must be lower case`, `0:12-0:13: the subject must not end with a period`, `1:0-1:4: the second line must be blank: it separates the header from the body`}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("diagnostics = %q, want %q", got, want)
	}
	actions := ext.CodeActions(doc, exttest.Range{End: exttest.Position{Line: 2}}, diags)
	var edits []exttest.TextEdit
	for _, a := range actions {
		edits = append(edits, a.TextEdits...)
	}
	if got := exttest.Apply(doc.Text, edits); got != "fix: ünïcode\n\nbody\n" {
		t.Errorf("fixed = %q", got)
	}
	if got := ext.Completion(exttest.DocAt("gitcommit", "do^")).Labels(); !reflect.DeepEqual(got, []string{"docs"}) {
		t.Errorf("completion = %q", got)
	}
}
