package main

import (
	"reflect"
	"strings"
	"testing"

	"github.com/lsphost/lsphost/extensions/exttest"
	"github.com/lsphost/lsphost/internal/wasmbuild"
	"github.com/lsphost/lsphost/sdk"
	"github.com/lsphost/lsphost/sdk/sdktest"
)

var settings = map[string]any{"snippets": []map[string]any{
	{"prefix": "fn", "body": "func ${1:name}(${2}) {\n\t$0\n}", "description": "function", "languages": []string{"go"}},
	{"prefix": "for", "body": "for ${1:i} := range ${2:n} {\n\t$0\n}", "languages": []string{"go"}},
	{"prefix": "fn", "body": "fn ${1:name}() {\n    $0\n}", "languages": []string{"rust"}},
	{"prefix": "date", "body": "${1|today,tomorrow|} \\$5 $CURRENT_YEAR"},
}}

func TestParse(t *testing.T) {
	for body, want := range map[string]string{
		"plain":                    "plain",
		"$1 and $0":                " and ",
		"${1:a ${2:nested} b}":     "a nested b",
		"${1|one,two\\,x|}":        "one",
		"\\$1 \\} \\\\":            "$1 } \\",
		"cost: $ 5":                "cost: $ 5",
		"$TM_FILENAME ${TM_X:def}": " def",
		"a } b":                    "a } b",
	} {
		if got, err := parse(body); err != nil || got != want {
			t.Errorf("parse(%q) = %q, %v; want %q", body, got, err, want)
		}
	}
	for body, want := range map[string]string{
		"${1:open":       `unclosed "${"`,
		"${1":            `at character 1: unclosed "${"`,
		"${}":            `at character 1: "${" must be followed by a tab stop number or a variable name`,
		"x ${1|a,b}":     `at character 3: choice not closed with "|}"`,
		"${1;x}":         `at character 4: unexpected ';'`,
		"${1:a ${2:b} c": `unclosed "${"`,
	} {
		if _, err := parse(body); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("parse(%q) error %v, want %q", body, err, want)
		}
	}
}

func TestInitErrorsNameTheSnippet(t *testing.T) {
	for settings, want := range map[string]string{
		`{"snippets":[{"prefix":"ok","body":"x"},{"prefix":"bad","body":"${1:x"}]}`:             `setting "snippets": snippet 2 (prefix "bad"): body: unclosed "${"`,
		`{"snippets":[{"prefix":"","body":"x"}]}`:                                               `snippet 1 (prefix ""): the prefix must be a non-empty word`,
		`{"snippets":[{"prefix":"a","body":"x"},{"prefix":"a","body":"y","languages":["go"]}]}`: `snippet 2 (prefix "a"): the prefix is defined twice`,
		`{"snippets":[{"prefix":"a","bdy":"x"}]}`:                                               `unknown setting "bdy"`,
	} {
		if _, err := sdktest.Init(settings); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Init(%s) = %v, want %q", settings, err, want)
		}
	}
}

func TestCompletion(t *testing.T) {
	ext := sdktest.Start(t, settings)
	for _, tt := range []struct {
		lang, text string
		want       []string
	}{
		{"go", "f^", []string{"fn", "for"}},
		{"go", "x := fo^", []string{"for"}},
		{"rust", "f^", []string{"fn"}},
		{"markdown", "^", []string{"date"}},
		{"go", "(d^)", []string{"date"}},
		{"go", "fnx^", nil},
	} {
		doc := sdktest.DocAt(tt.lang, tt.text)
		got := sdktest.Labels(ext.Completion(doc))
		if len(got) == 0 {
			got = nil
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s %q: %q, want %q", tt.lang, tt.text, got, tt.want)
		}
	}
	doc := sdktest.DocAt("go", "\tfn^")
	item := ext.Completion(doc).Items[0]
	if item.InsertTextFormat != sdk.Snippet || item.Kind != sdk.KindSnippet || item.Detail != "function" ||
		item.Documentation != "```\nfunc name() {\n\t\n}\n```" {
		t.Errorf("item = %+v", item)
	}
	if got := sdktest.Apply(doc.Text, []sdk.TextEdit{*item.Edit}); got != "\tfunc ${1:name}(${2}) {\n\t$0\n}" {
		t.Errorf("applied: %q", got)
	}
}

func TestThroughHost(t *testing.T) {
	_, err := exttest.Open(t, wasmbuild.Example(t, "snippets"), exttest.Options{Settings: `{"snippets":[{"prefix":"x","body":"${1|a|"}]}`})
	if err == nil || !strings.Contains(err.Error(), `snippet 1 (prefix "x")`) {
		t.Errorf("bad snippet: %v", err)
	}
	ext := exttest.Load(t, wasmbuild.Example(t, "snippets"), exttest.Options{Settings: settings})
	list := ext.Completion(exttest.DocAt("go", "// ünï\nfo^"))
	if got := list.Labels(); !reflect.DeepEqual(got, []string{"for"}) {
		t.Fatalf("labels = %q", got)
	}
	if r := list.Items[0].Range; r == nil || r.String() != "1:0-1:2" {
		t.Errorf("edit range = %v, want 1:0-1:2", r)
	}
}
