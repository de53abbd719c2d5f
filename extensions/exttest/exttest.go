// Package exttest loads a built extension (.wasm) into the real host, with
// its sandbox, grants and limits, and drives it with LSP-shaped requests:
// documents with text, positions as LSP's zero-based line and UTF-16
// character, results with LSP ranges beside the byte offsets the extension
// returned. It tests the compiled artifact, where package sdk/sdktest tests
// the handlers natively:
//
//	ext := exttest.Load(t, "todo.wasm", exttest.Options{Settings: `{"keywords":["TODO"]}`})
//	diags := ext.Diagnostics(exttest.Doc("go", "// TODO: x"))
//	// diags[0].Range.String() == "0:3-0:7"
//
// Every call goes through extensions.Extension exactly as the server makes
// it, so results are sanitized (clamped, bounded) as an editor would get
// them, and a trap, a timeout or running out of memory is an error.
package exttest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/lsphost/lsphost/abi"
	"github.com/lsphost/lsphost/extensions"
)

// Options configure the extension as its [extensions.NAME] table would.
type Options struct {
	// Name is the extension's configured name. Default "ext".
	Name string
	// Settings are the extension's settings: JSON (a string, []byte or
	// json.RawMessage) or a Go value encoded with encoding/json.
	Settings any
	// Dir is the folder read grants are relative to, the workspace root.
	// Default: the current directory (the test's package directory).
	Dir string
	// Read lists read grants, relative to Dir, as in the grants table.
	Read []string
	// Timeout and Memory are the limits, as written in TOML ("500ms",
	// "64MiB"). Default: the host's defaults.
	Timeout, Memory string
	// CacheDir keeps compiled code between loads and runs, as the server
	// does: compiling a module takes seconds, more under -race. Default:
	// lsphost/exttest in the user's cache directory ($XDG_CACHE_HOME…),
	// kept under extensions.CacheLimit; "-" compiles every time.
	CacheDir string
}

// pruneOnce prunes the compilation cache once per process.
var pruneOnce sync.Once

// cacheDir is the compilation cache for opts.
func cacheDir(opts Options) string {
	switch opts.CacheDir {
	case "-":
		return ""
	case "":
		dir, err := os.UserCacheDir()
		if err != nil {
			return ""
		}
		return filepath.Join(dir, "lsphost", "exttest")
	}
	return opts.CacheDir
}

// Ext is an extension loaded into a host for one test; it is closed when
// the test ends.
type Ext struct {
	t   TB
	ext *extensions.Extension

	mu   sync.Mutex
	logs []string
	last *snapshot // the text of the last call, for the next
}

// TB is the part of [testing.TB] the harness uses. A nil TB (outside
// tests, e.g. in an example) makes failures panic and leaves closing to the
// end of the process.
type TB interface {
	Helper()
	Fatalf(format string, args ...any)
	Cleanup(func())
}

var _ TB = testing.TB(nil)

type panicTB struct{}

func (panicTB) Helper()                           {}
func (panicTB) Fatalf(format string, args ...any) { panic(fmt.Sprintf(format, args...)) }
func (panicTB) Cleanup(func())                    {}

// Load loads the .wasm file at path, as the server would with opts as its
// configuration, and fails the test if the host refuses it (or its Init
// refuses the settings).
func Load(t TB, path string, opts Options) *Ext {
	if t == nil {
		t = panicTB{}
	}
	t.Helper()
	e, err := Open(t, path, opts)
	if err != nil {
		t.Fatalf("load %s: %v", path, err)
	}
	return e
}

// Open is Load returning the host's error instead of failing the test, to
// test what the user sees for a bad configuration.
func Open(t TB, path string, opts Options) (*Ext, error) {
	if t == nil {
		t = panicTB{}
	}
	t.Helper()
	spec, err := specOf(path, opts)
	if err != nil {
		return nil, err
	}
	e := &Ext{t: t}
	host := extensions.NewHost(extensions.Options{CacheDir: cacheDir(opts), OnLog: func(_ string, level abi.LogLevel, msg string) {
		e.mu.Lock()
		defer e.mu.Unlock()
		e.logs = append(e.logs, msg)
	}})
	t.Cleanup(func() { host.Close(context.Background()) })
	e.ext, err = host.Load(context.Background(), spec)
	if dir := cacheDir(opts); dir != "" {
		// Every build of an extension under test adds a file: keep the
		// cache bounded, once per test binary, after a load has used it.
		pruneOnce.Do(func() { extensions.PruneCache(dir, extensions.CacheLimit) })
	}
	if err != nil {
		return nil, err
	}
	t.Cleanup(func() { e.ext.Close(context.Background()) })
	return e, nil
}

// specOf builds the extension's Spec through the configuration parser, so
// that defaults and grants are exactly those of a .lsphost.toml.
func specOf(path string, opts Options) (extensions.Spec, error) {
	name := opts.Name
	if name == "" {
		name = "ext"
	}
	dir := opts.Dir
	if dir == "" {
		dir = "."
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return extensions.Spec{}, err
	}
	wasm, err := filepath.Abs(path)
	if err != nil {
		return extensions.Spec{}, err
	}
	q := func(s string) string { b, _ := json.Marshal(s); return string(b) } // a TOML basic string
	var b strings.Builder
	fmt.Fprintf(&b, "[extensions.%s]\nwasm = %s\n", q(name), q(wasm))
	if opts.Timeout != "" {
		fmt.Fprintf(&b, "timeout = %s\n", q(opts.Timeout))
	}
	if opts.Memory != "" {
		fmt.Fprintf(&b, "memory = %s\n", q(opts.Memory))
	}
	if len(opts.Read) > 0 {
		quoted := make([]string, len(opts.Read))
		for i, r := range opts.Read {
			quoted[i] = q(r)
		}
		fmt.Fprintf(&b, "[extensions.%s.grants]\nread = [%s]\n", q(name), strings.Join(quoted, ", "))
	}
	specs, errs := extensions.ParseConfig(filepath.Join(dir, ".lsphost.toml"), []byte(b.String()))
	if len(errs) > 0 {
		return extensions.Spec{}, fmt.Errorf("exttest: options: %v", errs)
	}
	if len(specs) != 1 {
		return extensions.Spec{}, fmt.Errorf("exttest: options gave %d extensions", len(specs))
	}
	spec := specs[0]
	switch s := opts.Settings.(type) {
	case nil:
	case string:
		spec.Settings = json.RawMessage(s)
	case []byte:
		spec.Settings = s
	case json.RawMessage:
		spec.Settings = s
	default:
		if spec.Settings, err = json.Marshal(s); err != nil {
			return spec, fmt.Errorf("exttest: settings: %w", err)
		}
	}
	if spec.Settings != nil && !json.Valid(spec.Settings) {
		return spec, fmt.Errorf("exttest: settings are not valid JSON: %s", spec.Settings)
	}
	return spec, nil
}

// Extension is the loaded extension, for what the harness does not wrap
// (its Health, Declaration…).
func (e *Ext) Extension() *extensions.Extension { return e.ext }

// Logs returns the lines the extension logged so far (sdk.Logf, stdout and
// stderr).
func (e *Ext) Logs() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.logs...)
}

// Document is a document to send, with a cursor.
type Document struct {
	URI        string
	LanguageID string
	Version    int32
	Text       string
	Cursor     Position // where completion and hover are asked
}

// Doc returns a document of the given languageId with text, its cursor at
// the start and URI file:///test.
func Doc(languageID, text string) Document {
	return Document{URI: "file:///test", LanguageID: languageID, Version: 1, Text: text}
}

// DocAt is Doc with the cursor where text has a "^", which is removed. It
// panics unless text has exactly one.
func DocAt(languageID, text string) Document {
	if strings.Count(text, "^") != 1 {
		panic(fmt.Sprintf("exttest.DocAt: want exactly one cursor marker ^ in %q", text))
	}
	i := strings.Index(text, "^")
	d := Doc(languageID, text[:i]+text[i+1:])
	d.Cursor = PositionOf(d.Text, i)
	return d
}

// forHost is doc as the host gets it. Like the server, which hands the
// same snapshot for one version of a document, it passes the same Text as
// the last call for the same URI, version and text: a guest that keeps
// texts (every Go SDK guest) is then not sent it again, as in an editor.
func (e *Ext) forHost(d Document) extensions.Document {
	e.mu.Lock()
	defer e.mu.Unlock()
	if l := e.last; l == nil || l.uri != d.URI || l.version != d.Version || l.text != d.Text {
		e.last = &snapshot{uri: d.URI, version: d.Version, text: d.Text}
	}
	return extensions.Document{URI: d.URI, LanguageID: d.LanguageID, Version: d.Version, Text: e.last}
}

// snapshot is a document's text for the host, which never changes.
type snapshot struct {
	uri     string
	version int32
	text    string
}

func (s *snapshot) Len() int              { return len(s.text) }
func (s *snapshot) CopyTo(dst []byte) int { return copy(dst, s.text) }

// Diagnostic is an extension's diagnostic with its LSP range.
type Diagnostic struct {
	abi.Diagnostic
	Range Range
}

// String is "RANGE: MESSAGE".
func (d Diagnostic) String() string { return d.Range.String() + ": " + d.Message }

// Diagnostics returns the extension's diagnostics for doc.
func (e *Ext) Diagnostics(doc Document) []Diagnostic {
	e.t.Helper()
	ds, err := e.ext.Diagnostics(context.Background(), e.forHost(doc))
	e.check("diagnostics", err)
	out := make([]Diagnostic, len(ds))
	l := newLines(doc.Text)
	for i, d := range ds {
		out[i] = Diagnostic{d, l.rangeOf(d.Start, d.End)}
	}
	return out
}

// CompletionItem is a completion item; Range is set when the item has an
// Edit, to the LSP range the edit replaces.
type CompletionItem struct {
	abi.CompletionItem
	Range *Range
}

// CompletionList is the extension's completion answer.
type CompletionList struct {
	IsIncomplete bool
	Items        []CompletionItem
}

// Labels returns the items' labels, in order.
func (l CompletionList) Labels() []string {
	out := make([]string, len(l.Items))
	for i, it := range l.Items {
		out[i] = it.Label
	}
	return out
}

// Completion returns the extension's completions at doc's cursor.
func (e *Ext) Completion(doc Document) CompletionList {
	e.t.Helper()
	res, err := e.ext.Completion(context.Background(), e.forHost(doc), OffsetOf(doc.Text, doc.Cursor), "")
	e.check("completion", err)
	list := CompletionList{IsIncomplete: res.IsIncomplete, Items: make([]CompletionItem, len(res.Items))}
	l := newLines(doc.Text)
	for i, it := range res.Items {
		list.Items[i].CompletionItem = it
		if it.Edit != nil {
			r := l.rangeOf(it.Edit.Start, it.Edit.End)
			list.Items[i].Range = &r
		}
	}
	return list
}

// ResolveCompletion resolves an item Completion returned.
func (e *Ext) ResolveCompletion(item CompletionItem) abi.CompletionItem {
	e.t.Helper()
	res, err := e.ext.ResolveCompletion(context.Background(), item.CompletionItem)
	e.check("completionItem/resolve", err)
	return res
}

// Prepare sends doc ahead of the requests on it, as lsphost does after a
// document opens or changes, for an extension that declared the prepare
// feature; the requests on doc that follow run on the instance that
// prepared. Texts below the extension's prepareMin are sent too: the test
// asked.
func (e *Ext) Prepare(doc Document) {
	e.t.Helper()
	e.check("prepare", e.ext.Prepare(context.Background(), e.forHost(doc)))
}

// Hover is the extension's hover; Range is set when it names one.
type Hover struct {
	Contents string // Markdown
	Range    *Range
}

// Hover returns the extension's hover at doc's cursor.
func (e *Ext) Hover(doc Document) Hover {
	e.t.Helper()
	res, err := e.ext.Hover(context.Background(), e.forHost(doc), OffsetOf(doc.Text, doc.Cursor))
	e.check("hover", err)
	h := Hover{Contents: res.Contents}
	if res.End > res.Start {
		r := RangeOf(doc.Text, res.Start, res.End)
		h.Range = &r
	}
	return h
}

// CodeAction is one of the extension's actions, with its edits' LSP ranges.
type CodeAction struct {
	abi.CodeAction
	TextEdits []TextEdit
}

// CodeActions returns the extension's actions for the range r of doc. As
// an editor does, it sends the diagnostics of diags (usually what
// Diagnostics returned) whose ranges overlap or touch r.
func (e *Ext) CodeActions(doc Document, r Range, diags []Diagnostic) []CodeAction {
	e.t.Helper()
	start, end := OffsetOf(doc.Text, r.Start), OffsetOf(doc.Text, r.End)
	p := abi.CodeActionParams{Start: start, End: end, Diagnostics: []abi.Diagnostic{}}
	for _, d := range diags {
		if d.Start <= end && start <= d.End {
			p.Diagnostics = append(p.Diagnostics, d.Diagnostic)
		}
	}
	actions, err := e.ext.CodeActions(context.Background(), e.forHost(doc), p)
	e.check("codeAction", err)
	out := make([]CodeAction, len(actions))
	for i, a := range actions {
		out[i] = CodeAction{a, textEdits(doc.Text, a.Edits)}
	}
	return out
}

// TextEdit is an edit with its LSP range.
type TextEdit struct {
	abi.TextEdit
	Range Range
}

func textEdits(text string, edits []abi.TextEdit) []TextEdit {
	out := make([]TextEdit, len(edits))
	l := newLines(text)
	for i, e := range edits {
		out[i] = TextEdit{e, l.rangeOf(e.Start, e.End)}
	}
	return out
}

// Format returns the extension's edits formatting doc (tabs of 4 columns,
// inserted as spaces).
func (e *Ext) Format(doc Document) []TextEdit {
	e.t.Helper()
	edits, err := e.ext.Format(context.Background(), e.forHost(doc), abi.FormattingParams{TabSize: 4, InsertSpaces: true}, false)
	e.check("formatting", err)
	return textEdits(doc.Text, edits)
}

// Symbols returns the extension's document symbols, with byte offsets.
func (e *Ext) Symbols(doc Document) []abi.Symbol {
	e.t.Helper()
	symbols, err := e.ext.Symbols(context.Background(), e.forHost(doc))
	e.check("documentSymbol", err)
	return symbols
}

// Apply returns text with edits applied, as an editor would: they must not
// overlap, and are applied from the last to the first.
func Apply(text string, edits []TextEdit) string {
	sorted := slices.Clone(edits)
	slices.SortStableFunc(sorted, func(a, b TextEdit) int { return b.Start - a.Start })
	for _, e := range sorted {
		text = text[:e.Start] + e.NewText + text[e.End:]
	}
	return text
}

func (e *Ext) check(method string, err error) {
	e.t.Helper()
	if err != nil {
		e.t.Fatalf("%s: %v", method, err)
	}
}
