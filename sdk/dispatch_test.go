package sdk

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"reflect"
	"strings"
	"testing"

	"github.com/lsphost/lsphost/abi"
)

// call runs one request through handle and decodes the response, failing the
// test unless it is valid JSON with exactly one of result and error.
func call(t *testing.T, e *Extension, request, text string) abi.Response {
	t.Helper()
	out := handle(e, []byte(request), text)
	var resp abi.Response
	dec := json.NewDecoder(bytes.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&resp); err != nil {
		t.Fatalf("handle(%s) = %s: not a response: %v", request, out, err)
	}
	if (resp.Result == nil) == (resp.Error == nil) {
		t.Fatalf("handle(%s) = %s, want exactly one of result and error", request, out)
	}
	return resp
}

// result calls and decodes a successful result into v.
func result(t *testing.T, e *Extension, request, text string, v any) {
	t.Helper()
	resp := call(t, e, request, text)
	if resp.Error != nil {
		t.Fatalf("handle(%s) = error %q, want a result", request, resp.Error.Message)
	}
	if err := json.Unmarshal(resp.Result, v); err != nil {
		t.Fatalf("handle(%s): decode result %s: %v", request, resp.Result, err)
	}
}

// errorMessage calls and returns the error message, failing on a result.
func errorMessage(t *testing.T, e *Extension, request, text string) string {
	t.Helper()
	resp := call(t, e, request, text)
	if resp.Error == nil {
		t.Fatalf("handle(%s) = result %s, want an error", request, resp.Result)
	}
	return resp.Error.Message
}

// captureLog sends the native log to a buffer for the duration of the test.
func captureLog(t *testing.T) *bytes.Buffer {
	t.Helper()
	var buf bytes.Buffer
	w, flags := log.Writer(), log.Flags()
	log.SetOutput(&buf)
	log.SetFlags(0)
	t.Cleanup(func() { log.SetOutput(w); log.SetFlags(flags) })
	return &buf
}

const (
	diagnosticsRequest = `{"method":"diagnostics","document":{"uri":"file:///a.txt","languageId":"plaintext","version":7}}`
	completionRequest  = `{"method":"completion","document":{"uri":"file:///a.txt","languageId":"plaintext","version":7},"offset":3,"triggerCharacter":"."}`
)

func diagnoseNothing(*Document) ([]Diagnostic, error) { return nil, nil }

func completeNothing(*CompletionRequest) (CompletionList, error) { return CompletionList{}, nil }

func TestInitializeDeclaration(t *testing.T) {
	tests := []struct {
		name string
		ext  Extension
		want abi.InitializeResult
	}{
		{"no handlers", Extension{Name: "none"},
			abi.InitializeResult{Name: "none", Features: []string{}, KeepsText: true}},
		{"diagnostics", Extension{Name: "todo", Version: "1.0.0", Diagnostics: diagnoseNothing},
			abi.InitializeResult{Name: "todo", Version: "1.0.0", Features: []string{"diagnostics"}, KeepsText: true}},
		{"completion", Extension{Completion: completeNothing, TriggerCharacters: []string{"."}, Languages: []string{"go"}},
			abi.InitializeResult{Features: []string{"completion"}, TriggerCharacters: []string{"."}, Languages: []string{"go"}, KeepsText: true}},
		{"both", Extension{Diagnostics: diagnoseNothing, Completion: completeNothing},
			abi.InitializeResult{Features: []string{"diagnostics", "completion"}, KeepsText: true}},
		{"prepare", Extension{Completion: completeNothing, Prepare: func(*Document) error { return nil }},
			abi.InitializeResult{Features: []string{"completion", "prepare"}, KeepsText: true}},
		{"prepare large texts", Extension{Prepare: func(*Document) error { return nil }, PrepareMin: 1 << 16},
			abi.InitializeResult{Features: []string{"prepare"}, KeepsText: true, PrepareMin: 1 << 16}},
		{"no prepare, no minimum", Extension{PrepareMin: 1 << 16},
			abi.InitializeResult{Features: []string{}, KeepsText: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got abi.InitializeResult
			result(t, &tt.ext, `{"method":"initialize","abiVersion":1}`, "", &got)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("initialize = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestInitializeFeaturesNeverNull(t *testing.T) {
	out := handle(&Extension{}, []byte(`{"method":"initialize"}`), "")
	if want := `{"result":{"features":[],"keepsText":true}}`; string(out) != want {
		t.Errorf("initialize = %s, want %s", out, want)
	}
}

func TestInitializeSettings(t *testing.T) {
	var got []byte
	calls := 0
	e := &Extension{Init: func(s Settings) error { calls++; got = s; return nil }}
	var res abi.InitializeResult
	result(t, e, `{"method":"initialize","abiVersion":1,"settings":{"keywords":["A","B"]}}`, "", &res)
	if calls != 1 || string(got) != `{"keywords":["A","B"]}` {
		t.Errorf("Init called %d times with %s, want once with the settings object", calls, got)
	}

	got = nil
	result(t, e, `{"method":"initialize","abiVersion":1}`, "", &res)
	if len(got) != 0 {
		t.Errorf("Init got %q for absent settings, want empty", got)
	}
}

func TestInitializeErrors(t *testing.T) {
	type config struct {
		Keywords []string `json:"keywords"`
	}
	e := &Extension{Init: func(s Settings) error {
		var c config
		return s.Decode(&c)
	}}
	tests := []struct{ name, request, want string }{
		{"bad setting type", `{"method":"initialize","abiVersion":1,"settings":{"keywords":"TODO"}}`,
			`setting "keywords": want an array of strings, got a string`},
		{"unknown setting", `{"method":"initialize","abiVersion":1,"settings":{"keywrods":[]}}`,
			`unknown setting "keywrods"`},
		{"other ABI major", `{"method":"initialize","abiVersion":2}`,
			"host speaks ABI version 2, extension 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := errorMessage(t, e, tt.request, ""); got != tt.want {
				t.Errorf("initialize error = %q, want %q", got, tt.want)
			}
		})
	}

	e = &Extension{Init: func(Settings) error { return errors.New("no can do") }}
	if got := errorMessage(t, e, `{"method":"initialize"}`, ""); got != "no can do" {
		t.Errorf("initialize error = %q, want Init's error", got)
	}
}

func TestDiagnostics(t *testing.T) {
	var got *Document
	e := &Extension{Diagnostics: func(doc *Document) ([]Diagnostic, error) {
		got = doc
		return []Diagnostic{
			{Start: 0, End: 5, Severity: SeverityWarning, Message: "héllo <&>", Code: "W1"},
			{Start: 6, End: 11, Message: "world"},
		}, nil
	}}
	out := handle(e, []byte(diagnosticsRequest), "hello world")
	want := `{"result":{"diagnostics":[` +
		`{"start":0,"end":5,"severity":2,"message":"héllo <&>","code":"W1"},` +
		`{"start":6,"end":11,"message":"world"}]}}`
	if string(out) != want {
		t.Errorf("diagnostics = %s\nwant %s", out, want)
	}
	if got.URI != "file:///a.txt" || got.LanguageID != "plaintext" || got.Version != 7 || got.Text != "hello world" {
		t.Errorf("handler got document %+v, want the request's document and text", got)
	}
}

// TestPrepare: prepare hands the handler the document and answers {}; the
// handler's error is the answer's.
func TestPrepare(t *testing.T) {
	var got *Document
	fail := false
	e := &Extension{Prepare: func(doc *Document) error {
		got = doc
		if fail {
			return errors.New("cannot prepare")
		}
		return nil
	}}
	request := `{"method":"prepare","document":{"uri":"file:///a.txt","languageId":"plaintext","version":7}}`
	if out := handle(e, []byte(request), "hello world"); string(out) != `{"result":{}}` {
		t.Errorf("prepare = %s, want {\"result\":{}}", out)
	}
	if got == nil || got.URI != "file:///a.txt" || got.Version != 7 || got.Text != "hello world" {
		t.Errorf("handler got document %+v, want the request's document and text", got)
	}
	fail = true
	if msg := errorMessage(t, e, request, "hello world"); msg != "cannot prepare" {
		t.Errorf("failing prepare: error %q, want the handler's", msg)
	}
	if msg := errorMessage(t, &Extension{}, request, "x"); !strings.Contains(msg, "not implemented") {
		t.Errorf("prepare without a handler: error %q, want not implemented", msg)
	}
}

func TestDiagnosticsEmptyIsArray(t *testing.T) {
	e := &Extension{Diagnostics: diagnoseNothing}
	out := handle(e, []byte(diagnosticsRequest), "")
	if want := `{"result":{"diagnostics":[]}}`; string(out) != want {
		t.Errorf("diagnostics = %s, want %s", out, want)
	}
}

func TestCompletion(t *testing.T) {
	var got *CompletionRequest
	e := &Extension{Completion: func(req *CompletionRequest) (CompletionList, error) {
		got = req
		return CompletionList{IsIncomplete: true, Items: []CompletionItem{
			{Label: "fmt", Kind: KindKeyword},
			{Label: "for", Kind: KindSnippet, InsertText: "for ${1} {\n}", InsertTextFormat: Snippet,
				Edit: &TextEdit{Start: 0, End: 3, NewText: "for"}},
		}}, nil
	}}
	out := handle(e, []byte(completionRequest), "foo.bar")
	want := `{"result":{"isIncomplete":true,"items":[` +
		`{"label":"fmt","kind":14},` +
		`{"label":"for","kind":15,"insertText":"for ${1} {\n}","insertTextFormat":2,"edit":{"start":0,"end":3,"newText":"for"}}]}}`
	if string(out) != want {
		t.Errorf("completion = %s\nwant %s", out, want)
	}
	if got.Offset != 3 || got.TriggerCharacter != "." || got.Document.Text != "foo.bar" || got.Document.URI != "file:///a.txt" {
		t.Errorf("handler got %+v (document %+v)", got, got.Document)
	}
}

func TestCompletionOffsetClamped(t *testing.T) {
	var got int
	e := &Extension{Completion: func(req *CompletionRequest) (CompletionList, error) {
		got = req.Offset
		return CompletionList{}, nil
	}}
	tests := []struct{ offset, want int }{{-5, 0}, {0, 0}, {4, 4}, {7, 7}, {99, 7}}
	for _, tt := range tests {
		req := strings.Replace(completionRequest, `"offset":3`, `"offset":`+itoa(tt.offset), 1)
		out := handle(e, []byte(req), "foo.bar")
		if got != tt.want {
			t.Errorf("offset %d reached the handler as %d, want %d", tt.offset, got, tt.want)
		}
		if want := `{"result":{"items":[]}}`; string(out) != want {
			t.Errorf("completion = %s, want %s", out, want)
		}
	}
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

func TestRequestErrors(t *testing.T) {
	e := &Extension{Diagnostics: diagnoseNothing}
	tests := []struct{ name, request, want string }{
		{"unknown method", `{"method":"rename"}`, `unknown method "rename"`},
		{"feature not offered", `{"method":"hover"}`, `method "hover" not implemented by this extension`},
		{"no method", `{}`, `unknown method ""`},
		{"not implemented", completionRequest, `method "completion" not implemented by this extension`},
		{"no document", `{"method":"diagnostics"}`, "diagnostics: request has no document"},
		{"bad JSON", `{"method":`, "decode request: unexpected end of JSON input"},
		{"bad JSON inside", `{"method":"a","offset":1.}`, "decode request: invalid JSON at byte 25"},
		{"not an object", `[1]`, "decode request: a value of the wrong type at byte 0"},
		{"wrong type", `{"method":"a","offset":"1"}`, "decode request: a value of the wrong type at byte 23"},
		{"empty", ``, "decode request: unexpected end of JSON input"},
		{"bad params", `{"method":"executeCommand","params":{"command":1}}`, `executeCommand: params: a value of the wrong type at byte 11`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := errorMessage(t, e, tt.request, "text"); got != tt.want {
				t.Errorf("error = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestHandlerError(t *testing.T) {
	e := &Extension{Diagnostics: func(*Document) ([]Diagnostic, error) {
		return []Diagnostic{{Message: "dropped"}}, errors.New("linter failed: exit status 2")
	}}
	if got := errorMessage(t, e, diagnosticsRequest, ""); got != "linter failed: exit status 2" {
		t.Errorf("error = %q, want the handler's error", got)
	}
}

func TestHandlerPanicRecovered(t *testing.T) {
	logged := captureLog(t)
	fail := true
	e := &Extension{
		Diagnostics: func(doc *Document) ([]Diagnostic, error) {
			if fail {
				var s []int
				_ = s[len(doc.Text)] // index out of range
			}
			return []Diagnostic{{Start: 0, End: 1, Message: "fine"}}, nil
		},
		Completion: func(*CompletionRequest) (CompletionList, error) { panic("boom") },
	}
	want := "diagnostics: panic: runtime error: index out of range [4] with length 0"
	if got := errorMessage(t, e, diagnosticsRequest, "text"); got != want {
		t.Errorf("error = %q, want %q", got, want)
	}
	if got := errorMessage(t, e, completionRequest, "text"); got != "completion: panic: boom" {
		t.Errorf("error = %q, want %q", got, "completion: panic: boom")
	}
	if !strings.Contains(logged.String(), "error: diagnostics: panic:") || !strings.Contains(logged.String(), "dispatch_test.go") {
		t.Errorf("log = %q, want the panic with its stack", logged)
	}

	fail = false
	var res abi.DiagnosticsResult
	result(t, e, diagnosticsRequest, "text", &res)
	if len(res.Diagnostics) != 1 {
		t.Errorf("after a panic, diagnostics = %+v, want the handler's result", res)
	}
}

func TestInitPanicRecovered(t *testing.T) {
	captureLog(t)
	e := &Extension{Init: func(Settings) error { panic(errors.New("bad")) }}
	if got := errorMessage(t, e, `{"method":"initialize"}`, ""); got != "initialize: panic: bad" {
		t.Errorf("error = %q, want %q", got, "initialize: panic: bad")
	}
}

func TestInvalidUTF8Replaced(t *testing.T) {
	e := &Extension{Diagnostics: func(*Document) ([]Diagnostic, error) {
		return []Diagnostic{{Message: "bad \xff byte"}}, nil
	}}
	var res abi.DiagnosticsResult
	result(t, e, diagnosticsRequest, "", &res)
	if got := res.Diagnostics[0].Message; got != "bad \uFFFD byte" {
		t.Errorf("message = %q, want the invalid byte replaced", got)
	}
}

func TestResponseTooLarge(t *testing.T) {
	e := &Extension{Diagnostics: func(*Document) ([]Diagnostic, error) {
		return []Diagnostic{{Message: strings.Repeat("x", maxResponse)}}, nil
	}}
	got := errorMessage(t, e, diagnosticsRequest, "")
	if want := "diagnostics: response of 16777277 bytes exceeds the host's limit of 16777216"; got != want {
		t.Errorf("error = %q, want %q", got, want)
	}
}

func TestRegister(t *testing.T) {
	saved := registered
	t.Cleanup(func() { registered = saved })

	registered = nil
	if got := string(Handle([]byte(`{"method":"initialize"}`), nil)); !strings.Contains(got, "no extension registered") {
		t.Errorf("Handle before Register = %s, want an error saying so", got)
	}

	Register(Extension{Name: "first", Diagnostics: func(doc *Document) ([]Diagnostic, error) {
		return []Diagnostic{{End: len(doc.Text), Message: doc.Text}}, nil
	}})
	text := []byte("abc")
	out := Handle([]byte(diagnosticsRequest), text)
	if want := `{"result":{"diagnostics":[{"start":0,"end":3,"message":"abc"}]}}`; string(out) != want {
		t.Errorf("Handle = %s, want %s", out, want)
	}

	defer func() {
		if v := recover(); v == nil || !strings.Contains(v.(string), `Register("second") called after Register("first")`) {
			t.Errorf("second Register panicked with %v, want a message naming both", v)
		}
	}()
	Register(Extension{Name: "second"})
}

// TestHandleCopiesText checks that Handle does not let a handler keep a
// string aliasing the caller's buffer.
func TestHandleCopiesText(t *testing.T) {
	saved := registered
	t.Cleanup(func() { registered = saved })
	var kept string
	registered = &Extension{Diagnostics: func(doc *Document) ([]Diagnostic, error) {
		kept = doc.Text
		return nil, nil
	}}
	text := []byte("abc")
	Handle([]byte(diagnosticsRequest), text)
	text[0] = 'X'
	if kept != "abc" {
		t.Errorf("kept text = %q after the caller changed its buffer, want %q", kept, "abc")
	}
}

func TestLogf(t *testing.T) {
	logged := captureLog(t)
	Logf(LogWarning, "%d keywords", 3)
	Logf(LogDebug, "x")
	Log(LogError, "100% plain")
	if got, want := logged.String(), "warning: 3 keywords\ndebug: x\nerror: 100% plain\n"; got != want {
		t.Errorf("log = %q, want %q", got, want)
	}
}

func TestLongErrorMessageCut(t *testing.T) {
	e := &Extension{Diagnostics: func(*Document) ([]Diagnostic, error) {
		return nil, errors.New(strings.Repeat("é", maxErrorMessage))
	}}
	got := errorMessage(t, e, diagnosticsRequest, "")
	if len(got) > maxErrorMessage+len("…") || !strings.HasSuffix(got, "…") || !strings.HasPrefix(got, "ééé") {
		t.Errorf("error message of %d bytes (…%q), want it cut at %d bytes", len(got), got[len(got)-8:], maxErrorMessage)
	}
}

// TestSameTextUsesTheKeptText: a request with sameText and no text gets the
// text of the last request that had a document, whatever came in between.
func TestSameTextUsesTheKeptText(t *testing.T) {
	var seen []string
	ext := &Extension{Hover: func(req *HoverRequest) (Hover, error) {
		seen = append(seen, req.Document.Text)
		return Hover{}, nil
	}}
	hover := func(sameText bool) string {
		return fmt.Sprintf(`{"method":"hover","document":{"uri":"file:///a","languageId":"x","version":1,"sameText":%v}}`, sameText)
	}
	for _, step := range []struct {
		request, text string
	}{
		{hover(false), "first text"},
		{hover(true), ""},
		{`{"method":"initialize"}`, ""}, // no document: the kept text stays
		{hover(true), ""},
		{hover(false), "second"},
		{hover(true), ""},
	} {
		if out := handle(ext, []byte(step.request), step.text); strings.Contains(string(out), `"error"`) {
			t.Fatalf("%s: %s", step.request, out)
		}
	}
	if want := []string{"first text", "first text", "first text", "second", "second"}; !reflect.DeepEqual(seen, want) {
		t.Errorf("handlers saw %q, want %q", seen, want)
	}
	// sameText with a text is a host error, not a text to pick.
	if out := handle(ext, []byte(hover(true)), "other"); !strings.Contains(string(out), "sameText") {
		t.Errorf("sameText with a text = %s, want an error", out)
	}
}
