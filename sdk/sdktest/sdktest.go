// Package sdktest runs an extension's handlers natively, in go test, through
// the same request decoding, dispatch, panic recovery and response encoding
// the host's calls go through in wasm ([sdk.Handle]): what passes here passes
// in the built module, short of the host's own limits (time, memory), which
// the host-side harness (package extensions/exttest) covers.
//
// A test starts the registered extension with its settings, builds documents
// from text with a cursor marker, and calls the handlers:
//
//	ext := sdktest.Start(t, map[string]any{"keywords": []string{"TODO"}})
//	diags := ext.Diagnostics(sdktest.Doc("go", "// TODO: x"))
//	list := ext.Completion(sdktest.DocAt("go", "// TO^"))
//
// Results are the SDK's own types, with byte offsets; [Describe], [Labels]
// and [Apply] turn them into values that are easy to compare, and [Position]
// and [Offset] convert between byte offsets and the LSP line/UTF-16 column
// an editor shows, so no test computes UTF-16 by hand.
package sdktest

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/lsphost/lsphost/abi"
	"github.com/lsphost/lsphost/sdk"
)

// CursorMarker marks the cursor in the text given to [DocAt].
const CursorMarker = "^"

// Document is a document to send to a handler, with a cursor.
type Document struct {
	URI        string
	LanguageID string
	Version    int32
	Text       string
	// Cursor is the byte offset of the cursor: where completion and hover
	// are asked, and the start of CodeActions' range.
	Cursor int
}

// Doc returns a document of the given LSP languageId with text, the cursor
// at its start and the URI file:///test.
func Doc(languageID, text string) Document {
	return Document{URI: "file:///test", LanguageID: languageID, Version: 1, Text: text}
}

// DocAt is Doc with the cursor where text has [CursorMarker], which is
// removed. It panics unless the marker occurs exactly once: write a literal
// "^" in such a text with Doc and set Cursor.
func DocAt(languageID, text string) Document {
	if strings.Count(text, CursorMarker) != 1 {
		panic(fmt.Sprintf("sdktest.DocAt: want exactly one cursor marker %q in %q", CursorMarker, text))
	}
	i := strings.Index(text, CursorMarker)
	d := Doc(languageID, text[:i]+text[i+len(CursorMarker):])
	d.Cursor = i
	return d
}

// Ext is the registered extension, initialized with settings. Its methods
// call one handler each and fail the test when the handler returns an error
// (or panics); use [Init] or [Ext.Call] to test errors.
type Ext struct {
	t TB
	// Declaration is the extension's answer to initialize: its name,
	// features, languages…
	Declaration abi.InitializeResult
}

// Start initializes the registered extension with settings, as the host
// does when it loads it, and fails the test t if Init refuses them (a nil t,
// outside tests, makes failures panic). Settings
// are nil (none), JSON (a string, []byte or json.RawMessage) or any Go
// value, encoded with encoding/json (a map or a struct with json tags).
//
// The SDK keeps one registered extension per process, so tests that Start
// with different settings must not run in parallel.
func Start(t TB, settings any) *Ext {
	if t == nil {
		t = panicTB{}
	}
	t.Helper()
	decl, err := Init(settings)
	if err != nil {
		t.Fatalf("initialize: %v", err)
	}
	return &Ext{t: t, Declaration: decl}
}

// TB is the part of [testing.TB] that Ext uses.
type TB interface {
	Helper()
	Fatalf(format string, args ...any)
}

var _ TB = testing.TB(nil)

// panicTB stands in for a nil TB (in examples): a failure panics.
type panicTB struct{}

func (panicTB) Helper()                           {}
func (panicTB) Fatalf(format string, args ...any) { panic(fmt.Sprintf(format, args...)) }

// Init initializes the registered extension with settings (as in Start) and
// returns its declaration or the error its Init returned, exactly as the
// user would see it.
func Init(settings any) (abi.InitializeResult, error) {
	raw, err := settingsJSON(settings)
	if err != nil {
		return abi.InitializeResult{}, err
	}
	var decl abi.InitializeResult
	err = call(abi.Request{Method: abi.MethodInitialize, ABIVersion: abi.Version, Settings: raw}, "", &decl)
	return decl, err
}

func settingsJSON(settings any) (json.RawMessage, error) {
	var raw []byte
	switch s := settings.(type) {
	case nil:
		return nil, nil
	case string:
		raw = []byte(s)
	case []byte:
		raw = s
	case json.RawMessage:
		raw = s
	case sdk.Settings:
		raw = s
	default:
		var err error
		if raw, err = json.Marshal(s); err != nil {
			return nil, fmt.Errorf("sdktest: settings: %w", err)
		}
	}
	if !json.Valid(raw) {
		return nil, fmt.Errorf("sdktest: settings are not valid JSON: %s", raw)
	}
	return raw, nil
}

// Call sends one request for doc (nil for none) with params (nil for none)
// and decodes the result into out (nil to drop it). It returns the
// extension's error, if any. The typed methods are built on it.
func (e *Ext) Call(method string, doc *Document, params any, out any) error {
	req := abi.Request{Method: method}
	text := ""
	if doc != nil {
		req.Document = &abi.Document{URI: doc.URI, LanguageID: doc.LanguageID, Version: doc.Version}
		req.Offset, text = doc.Cursor, doc.Text
	}
	if params != nil {
		p, err := json.Marshal(params)
		if err != nil {
			return fmt.Errorf("sdktest: params: %w", err)
		}
		req.Params = p
	}
	return call(req, text, out)
}

func call(req abi.Request, text string, out any) error {
	b, err := json.Marshal(req)
	if err != nil {
		return err
	}
	var resp abi.Response
	if err := json.Unmarshal(sdk.Handle(b, []byte(text)), &resp); err != nil {
		return fmt.Errorf("sdktest: %s: bad response: %w", req.Method, err)
	}
	if resp.Error != nil {
		return fmt.Errorf("%s", resp.Error.Message)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(resp.Result, out); err != nil {
		return fmt.Errorf("sdktest: %s: bad result %s: %w", req.Method, resp.Result, err)
	}
	return nil
}

func (e *Ext) must(method string, doc *Document, params, out any) {
	e.t.Helper()
	if err := e.Call(method, doc, params, out); err != nil {
		e.t.Fatalf("%s: %v", method, err)
	}
}

// Diagnostics returns the extension's diagnostics for doc.
func (e *Ext) Diagnostics(doc Document) []sdk.Diagnostic {
	e.t.Helper()
	var r abi.DiagnosticsResult
	e.must(abi.MethodDiagnostics, &doc, nil, &r)
	return r.Diagnostics
}

// Completion returns the extension's completions at doc's cursor.
func (e *Ext) Completion(doc Document) sdk.CompletionList {
	e.t.Helper()
	var r sdk.CompletionList
	e.must(abi.MethodCompletion, &doc, nil, &r)
	return r
}

// ResolveCompletion resolves an item that Completion returned.
func (e *Ext) ResolveCompletion(item sdk.CompletionItem) sdk.CompletionItem {
	e.t.Helper()
	var r sdk.CompletionItem
	e.must(abi.MethodCompletionResolve, nil, abi.CompletionResolveParams{Item: item}, &r)
	return r
}

// Prepare sends doc ahead of the requests on it, as the host does after a
// document opens or changes, failing the test if the extension answers
// with an error.
func (e *Ext) Prepare(doc Document) {
	e.t.Helper()
	var r abi.PrepareResult
	e.must(abi.MethodPrepare, &doc, nil, &r)
}

// Hover returns the extension's hover at doc's cursor.
func (e *Ext) Hover(doc Document) sdk.Hover {
	e.t.Helper()
	var r sdk.Hover
	e.must(abi.MethodHover, &doc, nil, &r)
	return r
}

// CodeActions returns the extension's actions for the byte range [doc.Cursor,
// end) of doc. As the host does, it passes the diagnostics of diags that
// overlap the range (usually what Diagnostics returned for doc), so an
// action's Diagnostics index into [Overlapping](diags, doc.Cursor, end).
func (e *Ext) CodeActions(doc Document, end int, diags []sdk.Diagnostic) []sdk.CodeAction {
	e.t.Helper()
	var r abi.CodeActionResult
	p := abi.CodeActionParams{Start: doc.Cursor, End: end, Diagnostics: Overlapping(diags, doc.Cursor, end)}
	e.must(abi.MethodCodeAction, &doc, p, &r)
	return r.Actions
}

// Overlapping returns the diagnostics that overlap or touch the byte range
// [start, end): those an editor sends with a code action request for the
// range, which the host passes on to the extension that made them.
func Overlapping(diags []sdk.Diagnostic, start, end int) []sdk.Diagnostic {
	out := []sdk.Diagnostic{}
	for _, d := range diags {
		if d.Start <= end && start <= d.End {
			out = append(out, d)
		}
	}
	return out
}

// ResolveCodeAction resolves an action that CodeActions returned.
func (e *Ext) ResolveCodeAction(doc Document, action sdk.CodeAction) sdk.CodeAction {
	e.t.Helper()
	var r sdk.CodeAction
	e.must(abi.MethodCodeActionResolve, &doc, abi.CodeActionResolveParams{Action: action}, &r)
	return r
}

// Format returns the extension's edits formatting all of doc, with tabs of
// 4 columns inserted as spaces.
func (e *Ext) Format(doc Document) []sdk.TextEdit {
	e.t.Helper()
	var r abi.FormattingResult
	e.must(abi.MethodFormatting, &doc, abi.FormattingParams{TabSize: 4, InsertSpaces: true}, &r)
	return r.Edits
}

// Symbols returns the extension's symbols for doc.
func (e *Ext) Symbols(doc Document) []sdk.Symbol {
	e.t.Helper()
	var r abi.DocumentSymbolResult
	e.must(abi.MethodDocumentSymbol, &doc, nil, &r)
	return r.Symbols
}

// Command runs the extension's command name about doc, with args (each
// encoded with encoding/json), and returns its result as JSON and its edits.
func (e *Ext) Command(doc Document, name string, args ...any) (json.RawMessage, []sdk.TextEdit) {
	e.t.Helper()
	p := abi.ExecuteCommandParams{Command: name}
	for _, a := range args {
		b, err := json.Marshal(a)
		if err != nil {
			e.t.Fatalf("command %s: argument: %v", name, err)
		}
		p.Arguments = append(p.Arguments, b)
	}
	var r abi.ExecuteCommandResult
	e.must(abi.MethodExecuteCommand, &doc, p, &r)
	return r.Result, r.Edits
}

// Labels returns the labels of list's items, in order.
func Labels(list sdk.CompletionList) []string {
	labels := make([]string, len(list.Items))
	for i, it := range list.Items {
		labels[i] = it.Label
	}
	return labels
}

// Describe renders diagnostics for comparison with a want list, one string
// each: the LSP position of the start (zero-based line:UTF-16 column, as
// in [Position]), the text covered, quoted, and the message:
//
//	2:7 "teh" unknown word
func Describe(text string, diags []sdk.Diagnostic) []string {
	out := make([]string, len(diags))
	for i, d := range diags {
		line, col := Position(text, d.Start)
		s, e := max(0, min(d.Start, len(text))), max(0, min(d.End, len(text)))
		out[i] = fmt.Sprintf("%d:%d %q %s", line, col, text[s:max(s, e)], d.Message)
	}
	return out
}

// Apply returns text with edits applied, as an editor would: edits must not
// overlap, and are applied from the last to the first.
func Apply(text string, edits []sdk.TextEdit) string {
	sorted := slices.Clone(edits)
	slices.SortStableFunc(sorted, func(a, b sdk.TextEdit) int { return b.Start - a.Start })
	for _, e := range sorted {
		s, end := max(0, min(e.Start, len(text))), max(0, min(e.End, len(text)))
		text = text[:s] + e.NewText + text[max(s, end):]
	}
	return text
}

// Position returns the LSP position of a byte offset into text: the
// zero-based line and the column in UTF-16 code units, which is what an
// editor's "line:character" means in LSP. Lines end at "\n", "\r\n" or "\r".
func Position(text string, offset int) (line, character int) {
	offset = max(0, min(offset, len(text)))
	lineStart := 0
	for i := 0; i < offset; i++ {
		switch text[i] {
		case '\n':
			line, lineStart = line+1, i+1
		case '\r':
			if i+1 < len(text) && text[i+1] == '\n' {
				if i+1 == offset {
					break // between "\r" and "\n": still on this line
				}
				i++
			}
			line, lineStart = line+1, i+1
		}
	}
	for _, r := range text[lineStart:offset] {
		character += utf16Len(r)
	}
	return line, character
}

// Offset returns the byte offset of the LSP position (zero-based line,
// UTF-16 column) in text, clamped to the end of the line or of the text.
func Offset(text string, line, character int) int {
	i := 0
	for l := 0; l < line; l++ {
		j := strings.IndexAny(text[i:], "\r\n")
		if j < 0 {
			return len(text)
		}
		i += j + 1
		if text[i-1] == '\r' && i < len(text) && text[i] == '\n' {
			i++
		}
	}
	col := 0
	for j, r := range text[i:] {
		if r == '\n' || r == '\r' || col >= character {
			return i + j
		}
		col += utf16Len(r)
	}
	return len(text)
}

func utf16Len(r rune) int {
	if r >= 0x10000 {
		return 2
	}
	return 1
}
