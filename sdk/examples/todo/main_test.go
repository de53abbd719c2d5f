package main

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/lsphost/lsphost/abi"
	"github.com/lsphost/lsphost/sdk"
)

// expected is an expected diagnostic, located by the text it covers.
type expected struct {
	text     string // the marker keyword as it appears in the document
	nth      int    // which occurrence of text (0 = first)
	severity sdk.Severity
	message  string
}

// want turns markers into diagnostics by finding them in text.
func want(t *testing.T, text string, markers []expected) []sdk.Diagnostic {
	t.Helper()
	var diags []sdk.Diagnostic
	for _, m := range markers {
		start := -1
		for i, from := 0, 0; i <= m.nth; i++ {
			j := strings.Index(text[from:], m.text)
			if j < 0 {
				t.Fatalf("occurrence %d of %q not in the test text", m.nth, m.text)
			}
			start, from = from+j, from+j+1
		}
		diags = append(diags, sdk.Diagnostic{Start: start, End: start + len(m.text), Severity: m.severity, Message: m.message})
	}
	return diags
}

// setKeywords runs the extension's Init with settings for one test.
func setKeywords(t *testing.T, settings string) {
	t.Helper()
	saved := keywords
	t.Cleanup(func() { keywords = saved })
	if err := initialize(sdk.Settings(settings)); err != nil {
		t.Fatalf("initialize(%s) = %v", settings, err)
	}
}

const (
	info = sdk.SeverityInformation
	warn = sdk.SeverityWarning
)

func TestDiagnostics(t *testing.T) {
	tests := []struct {
		name    string
		text    string
		markers []expected
	}{
		{"none", "nothing to see here\n", nil},
		{"empty", "", nil},
		{"todo", "// TODO: write tests\n",
			[]expected{{"TODO", 0, info, "TODO: write tests"}}},
		{"fixme and xxx", "x := 1 // FIXME overflow  \ny := 2 /* XXX */\n",
			[]expected{{"FIXME", 0, warn, "FIXME overflow"}, {"XXX", 0, warn, "XXX */"}}},
		{"bare at end of text", "TODO",
			[]expected{{"TODO", 0, info, "TODO"}}},
		{"sorted by position", "XXX a\nTODO b\nFIXME c\nTODO d",
			[]expected{{"XXX", 0, warn, "XXX a"}, {"TODO", 0, info, "TODO b"}, {"FIXME", 0, warn, "FIXME c"}, {"TODO", 1, info, "TODO d"}}},
		{"two on a line", "TODO one TODO two\n",
			[]expected{{"TODO", 0, info, "TODO one TODO two"}, {"TODO", 1, info, "TODO two"}}},
		{"whole words only", "TODOS MASTODON _TODO TODO_ TODO1 xTODO FIXMEs XXXX\n", nil},
		{"punctuation is a boundary", "(TODO) #TODO: a\n",
			[]expected{{"TODO", 0, info, "TODO) #TODO: a"}, {"TODO", 1, info, "TODO: a"}}},
		{"unicode letters are not a boundary", "éTODO TODOé TODO…\n",
			[]expected{{"TODO", 2, info, "TODO…"}}},
		{"crlf line ends", "// TODO: a\r\n// FIXME: b\r\n",
			[]expected{{"TODO", 0, info, "TODO: a"}, {"FIXME", 0, warn, "FIXME: b"}}},
		{"case sensitive", "todo Todo fixme\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := diagnostics(&sdk.Document{Text: tt.text})
			if err != nil {
				t.Fatal(err)
			}
			if w := want(t, tt.text, tt.markers); !reflect.DeepEqual(got, w) {
				t.Errorf("diagnostics(%q) =\n%+v\nwant\n%+v", tt.text, got, w)
			}
		})
	}
}

func TestKeywordsSetting(t *testing.T) {
	setKeywords(t, `{"keywords":["HACK","FIXME","NOTE"]}`)
	text := "TODO a\nHACK b\nFIXME c\nNOTE: d\n"
	got, _ := diagnostics(&sdk.Document{Text: text})
	w := want(t, text, []expected{{"HACK", 0, info, "HACK b"}, {"FIXME", 0, warn, "FIXME c"}, {"NOTE", 0, info, "NOTE: d"}})
	if !reflect.DeepEqual(got, w) {
		t.Errorf("diagnostics = %+v, want %+v", got, w)
	}
}

func TestKeywordsSettingEmptyListDisables(t *testing.T) {
	setKeywords(t, `{"keywords":[]}`)
	if got, _ := diagnostics(&sdk.Document{Text: "TODO FIXME XXX"}); len(got) != 0 {
		t.Errorf("diagnostics = %+v, want none with no keywords", got)
	}
}

func TestKeywordsSettingAbsentKeepsDefaults(t *testing.T) {
	setKeywords(t, `{"keywords":["HACK"]}`)
	setKeywords(t, ``)
	if !reflect.DeepEqual(keywords, defaultKeywords) || !reflect.DeepEqual(defaultKeywords, []string{"TODO", "FIXME", "XXX"}) {
		t.Errorf("keywords = %q (defaults %q), want the defaults back", keywords, defaultKeywords)
	}
}

func TestSettingsErrors(t *testing.T) {
	tests := []struct{ settings, want string }{
		{`{"keywords":"TODO"}`, `setting "keywords": want an array of strings, got a string`},
		{`{"keywords":["TODO",""]}`, `setting "keywords": keyword 2 is empty`},
		{`{"keywords":["TODO","FIX\nME"]}`, `setting "keywords": keyword 2 has a line break`},
		{`{"keyword":["TODO"]}`, `unknown setting "keyword"`},
	}
	for _, tt := range tests {
		if err := initialize(sdk.Settings(tt.settings)); err == nil || err.Error() != tt.want {
			t.Errorf("initialize(%s) = %v, want %q", tt.settings, err, tt.want)
		}
	}
}

func TestLimits(t *testing.T) {
	text := strings.Repeat("FIXME ", maxDiagnostics) + "TODO " + strings.Repeat("x", 3*maxMessage)
	text = "XXX early\n" + text
	got, _ := diagnostics(&sdk.Document{Text: text})
	if len(got) != maxDiagnostics {
		t.Fatalf("got %d diagnostics, want the cap %d", len(got), maxDiagnostics)
	}
	if got[0].Message != "XXX early" {
		t.Errorf("first diagnostic = %+v, want the earliest marker kept", got[0])
	}
	long, _ := diagnostics(&sdk.Document{Text: "TODO " + strings.Repeat("é", maxMessage)})
	if m := long[0].Message; len(m) > maxMessage+len("…") || !strings.HasSuffix(m, "…") || !strings.HasPrefix(m, "TODO ééé") {
		t.Errorf("long message = %q (%d bytes), want it cut at %d bytes with …", m, len(m), maxMessage)
	}
}

// TestThroughHost runs the requests the host sends, through the SDK's
// dispatcher.
func TestThroughHost(t *testing.T) {
	saved := keywords
	t.Cleanup(func() { keywords = saved })

	out := sdk.Handle([]byte(`{"method":"initialize","abiVersion":1,"settings":{"keywords":["TODO","FIXME"]}}`), nil)
	if want := `{"result":{"name":"todo","version":"1.0.0","features":["diagnostics","hover"],"keepsText":true}}`; string(out) != want {
		t.Errorf("initialize = %s, want %s", out, want)
	}

	text := "package a // TODO: tests\n\n// XXX not a keyword now\nvar ü = 1 // FIXME: naming\n"
	req := `{"method":"diagnostics","document":{"uri":"file:///a.go","languageId":"go","version":4}}`
	var resp struct {
		Result abi.DiagnosticsResult `json:"result"`
		Error  *abi.Error            `json:"error"`
	}
	if err := json.Unmarshal(sdk.Handle([]byte(req), []byte(text)), &resp); err != nil || resp.Error != nil {
		t.Fatalf("diagnostics: %v %+v", err, resp.Error)
	}
	w := want(t, text, []expected{{"TODO", 0, info, "TODO: tests"}, {"FIXME", 0, warn, "FIXME: naming"}})
	if !reflect.DeepEqual(resp.Result.Diagnostics, w) {
		t.Errorf("diagnostics = %+v, want %+v", resp.Result.Diagnostics, w)
	}

	out = sdk.Handle([]byte(`{"method":"initialize","settings":{"keywords":5}}`), nil)
	if want := `{"error":{"message":"setting \"keywords\": want an array of strings, got a number"}}`; string(out) != want {
		t.Errorf("initialize with bad settings = %s, want %s", out, want)
	}
}

func BenchmarkDiagnostics(b *testing.B) {
	for _, size := range []int{1 << 10, 100 << 10, 1 << 20} {
		var sb strings.Builder
		for i := 0; sb.Len() < size; i++ {
			fmt.Fprintf(&sb, "    value_%d := compute(alpha, beta) // TODO: check item %d\n", i, i)
			sb.WriteString("    for i := range items { total += items[i].price * items[i].count }\n")
		}
		doc := &sdk.Document{Text: sb.String()[:size]}
		b.Run(fmt.Sprint(size), func(b *testing.B) {
			b.SetBytes(int64(size))
			b.ReportAllocs()
			for b.Loop() {
				diagnostics(doc)
			}
		})
	}
}

// FuzzDiagnostics checks properties of every result: each range covers a
// keyword that is a whole word, its message starts with that keyword and
// stays on its line, and diagnostics are sorted and do not overlap.
func FuzzDiagnostics(f *testing.F) {
	f.Add("// TODO: a\r\nx FIXME b XXX\n MASTODON TODOS éTODO")
	f.Add("TODO")
	f.Add("\xffTODO\xff")
	f.Fuzz(func(t *testing.T, text string) {
		got, _ := diagnostics(&sdk.Document{Text: text})
		for i, d := range got {
			kw := text[d.Start:d.End]
			if d.Severity != severity(kw) || !strings.HasPrefix(d.Message, kw) || strings.ContainsAny(d.Message, "\r\n") {
				t.Errorf("diagnostic %+v covers %q", d, kw)
			}
			if r, _ := utf8.DecodeLastRuneInString(text[:d.Start]); d.Start > 0 && isWordRune(r) {
				t.Errorf("diagnostic %+v follows a word character", d)
			}
			if r, _ := utf8.DecodeRuneInString(text[d.End:]); d.End < len(text) && isWordRune(r) {
				t.Errorf("diagnostic %+v precedes a word character", d)
			}
			if i > 0 && got[i-1].End > d.Start {
				t.Errorf("diagnostics %+v and %+v overlap or are out of order", got[i-1], d)
			}
		}
		// Every whole-word keyword is reported.
		n := 0
		for _, w := range strings.FieldsFunc(text, func(r rune) bool { return !isWordRune(r) }) {
			if w == "TODO" || w == "FIXME" || w == "XXX" {
				n++
			}
		}
		if n != len(got) {
			t.Errorf("%d diagnostics for %d keywords in %q", len(got), n, text)
		}
	})
}

func TestHover(t *testing.T) {
	text := "TODO one\nnothing\nFIXME two TODO\n"
	doc := &sdk.Document{Text: text}
	tests := []struct {
		offset int
		want   string
	}{
		{0, "**TODO** marker 1 of 3 in this document"},
		{4, "**TODO** marker 1 of 3 in this document"},
		{strings.Index(text, "IXME"), "**FIXME** marker 2 of 3 in this document"},
		{strings.Index(text, "nothing"), ""},
		{len(text) - 2, "**TODO** marker 3 of 3 in this document"},
	}
	for _, tt := range tests {
		h, err := hover(&sdk.HoverRequest{Document: doc, Offset: tt.offset})
		if err != nil || h.Contents != tt.want {
			t.Errorf("hover at %d = %q, %v; want %q", tt.offset, h.Contents, err, tt.want)
		}
		if tt.want != "" && !strings.HasPrefix(text[h.Start:], strings.Fields(tt.want)[0][2:len(strings.Fields(tt.want)[0])-2]) {
			t.Errorf("hover at %d covers %q, want the marker", tt.offset, text[h.Start:h.End])
		}
	}
}

// TestFastPathsMatchUnicode checks the ASCII fast paths of isWordRune and
// trimRightSpace against the unicode package they stand in for.
func TestFastPathsMatchUnicode(t *testing.T) {
	for r := rune(0); r < 0x3000; r++ {
		want := r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
		if got := isWordRune(r); got != want {
			t.Errorf("isWordRune(%q) = %v, want %v", r, got, want)
		}
	}
	for _, s := range []string{"", " ", "a \t\v\f\r\n", "a\u00a0", "a\u0085 ", "a\u3000", "é ", "a\xff ", " a b "} {
		if got, want := trimRightSpace(s), strings.TrimRightFunc(s, unicode.IsSpace); got != want {
			t.Errorf("trimRightSpace(%q) = %q, want %q", s, got, want)
		}
	}
}
