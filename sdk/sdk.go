// Package sdk is the Go SDK for writing lsphost extensions.
//
// An extension is a Go main package built as a WASI reactor:
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o todo.wasm .
//
// A reactor never runs main, so the extension registers its handlers from
// init and leaves main empty:
//
//	func init() {
//		sdk.Register(sdk.Extension{
//			Name:        "todo",
//			Diagnostics: diagnostics,
//		})
//	}
//
//	func main() {}
//
// The package implements the guest side of the ABI (abi/ABI.md): it exports
// lsphost_abi_version and lsphost_handle, decodes each request,
// calls the registered handler, recovers its panics into error responses and
// encodes the answer. Authors work with byte offsets into Document.Text; the
// host converts them to LSP positions.
//
// The same code compiles natively, where the wasm exports are left out and
// [Handle] runs the whole request path, so an extension is unit-tested with
// plain go test: package sdk/sdktest wraps Handle with documents, cursors,
// settings and LSP positions, and package extensions/exttest runs the built
// .wasm in the real host. docs/tutorial.md walks through it all.
//
// The package imports only the standard library and abi; it knows nothing of
// the host, LSP or wazero.
package sdk

import (
	"encoding/json"
	"strconv"

	"github.com/lsphost/lsphost/abi"
)

// Extension describes an extension: its identity and its handlers. The
// features it declares to the host are derived from the handlers that are
// set, so a nil handler is a feature the extension does not offer.
type Extension struct {
	// Name and Version identify the extension in the host's logs.
	Name    string
	Version string

	// Languages lists the LSP languageIds the extension handles by default;
	// nil means every document. The user's configuration overrides it.
	Languages []string

	// TriggerCharacters are the characters that, typed in the editor, ask
	// for completion (for example "."). Only meaningful with Completion.
	TriggerCharacters []string

	// Init, if set, is called once per instance, before any other handler,
	// with the extension's settings from the configuration. An error refuses
	// the configuration: the host reports it to the user.
	Init func(s Settings) error

	// Diagnostics, if set, reports the problems in a document.
	Diagnostics func(doc *Document) ([]Diagnostic, error)

	// Completion, if set, proposes completions at a cursor.
	Completion func(req *CompletionRequest) (CompletionList, error)

	// ResolveCompletion, if set, completes an item the user is looking at
	// (e.g. adds Documentation). Items come back with their Data.
	ResolveCompletion func(item CompletionItem) (CompletionItem, error)

	// Hover, if set, describes what is at a cursor, in Markdown.
	Hover func(req *HoverRequest) (Hover, error)

	// CodeActions, if set, offers actions for a range: quick fixes for
	// the extension's diagnostics there, refactorings…
	CodeActions func(req *CodeActionRequest) ([]CodeAction, error)
	// CodeActionKinds are the kinds of action CodeActions offers, e.g.
	// "quickfix"; the editor may ask for some kinds only.
	CodeActionKinds []string
	// ResolveCodeAction, if set, fills in the edits of an action returned
	// without them, once the user picks it.
	ResolveCodeAction func(doc *Document, action CodeAction) (CodeAction, error)

	// Format, if set, formats the document, or the range in req.
	Format func(req *FormatRequest) ([]TextEdit, error)

	// Symbols, if set, lists the document's symbols (headings, functions…)
	// for the editor's outline.
	Symbols func(doc *Document) ([]Symbol, error)

	// Commands, if set, are commands the editor can run by name, e.g.
	// from a code action's Command. The editor sees "NAME.COMMAND".
	Commands map[string]func(req *CommandRequest) (CommandResult, error)

	// Prepare, if set, gets a document's text ahead of the requests on
	// it: after it opens, and after it changes once the edits pause, while
	// the editor is idle. Compute there what the requests will need and
	// keep it, in a DocumentCache: the host sends the requests that follow
	// to the same instance. Requests must still be answered without it (the
	// cache may have dropped the value, or a request may go to another
	// instance while this one is busy): answer more cheaply there if you
	// can (DocumentCache.HasDocument tells). An error is only logged.
	Prepare func(doc *Document) error
	// PrepareMin is the smallest text, in bytes, that Prepare gets; 0
	// means every text. Most documents opened are small and never asked
	// much: a value that takes milliseconds to compute only on large texts
	// is best prepared only for them, and costs the host no call for the
	// others.
	PrepareMin int
}

// registered is the extension every request goes to; see Register.
var registered *Extension

// Register makes e the extension that answers the host's requests. Call it
// exactly once, from an init function of the main package: a reactor module
// never runs main. Register panics if it is called twice, since two
// registrations mean two packages both believe they are the extension.
func Register(e Extension) {
	if registered != nil {
		panic("sdk: Register(" + strconv.Quote(e.Name) + ") called after Register(" + strconv.Quote(registered.Name) + ")")
	}
	registered = &e
}

// Handle answers one request exactly as the lsphost_handle export does: request
// is the request JSON (abi.Request), text the document's raw text, and the
// result is the response JSON (abi.Response). It goes to the extension given
// to Register. Handle never panics and never returns nil; it is the way to
// test an extension natively, through the same decoding, dispatch, panic
// recovery and encoding the host sees.
func Handle(request, text []byte) []byte {
	return handle(registered, request, string(text))
}

// Types of the values handlers return, shared with package abi so that
// extensions need not import it. Offsets are byte offsets into
// Document.Text.
type (
	// Diagnostic is one problem: the byte range [Start, End) of the text,
	// a Severity and a Message.
	Diagnostic = abi.Diagnostic
	// Severity is a diagnostic's severity; 0 means SeverityError.
	Severity = abi.Severity
	// CompletionList answers a completion request: Items, and IsIncomplete
	// when the editor should ask again as the user types on. A list whose
	// items have only a Label (up to 32 bytes of printable ASCII without
	// '"' or '\\'), a Kind and integer Data of up to 8 bytes, as a word
	// completion's do, is written several times faster than others.
	CompletionList = abi.CompletionResult
	// CompletionItem is one completion proposal.
	CompletionItem = abi.CompletionItem
	// CompletionItemKind is LSP's CompletionItemKind (1 Text … 25
	// TypeParameter); any LSP value is accepted.
	CompletionItemKind = abi.CompletionItemKind
	// InsertTextFormat tells whether CompletionItem.InsertText is plain text
	// or an LSP snippet.
	InsertTextFormat = abi.InsertTextFormat
	// TextEdit replaces the byte range [Start, End) with NewText.
	TextEdit = abi.TextEdit
	// Hover is what Hover shows: Markdown Contents about the byte range
	// [Start, End), if End > Start.
	Hover = abi.HoverResult
	// CodeAction is an action offered by CodeActions: edits to the
	// document, a Command, or Data to resolve later.
	CodeAction = abi.CodeAction
	// Command names one of the extension's Commands, with its arguments.
	Command = abi.Command
	// Symbol is a named range of the document, with its children.
	Symbol = abi.Symbol
	// SymbolKind is LSP's SymbolKind (1 File … 26 TypeParameter).
	SymbolKind = abi.SymbolKind
	// LogLevel is the level of a message passed to Logf.
	LogLevel = abi.LogLevel
)

// Severities.
const (
	SeverityError       = abi.SeverityError
	SeverityWarning     = abi.SeverityWarning
	SeverityInformation = abi.SeverityInformation
	SeverityHint        = abi.SeverityHint
)

// Common completion item kinds.
const (
	KindText     = abi.KindText
	KindMethod   = abi.KindMethod
	KindFunction = abi.KindFunction
	KindField    = abi.KindField
	KindVariable = abi.KindVariable
	KindKeyword  = abi.KindKeyword
	KindSnippet  = abi.KindSnippet
)

// Insert text formats.
const (
	PlainText = abi.PlainText
	Snippet   = abi.Snippet
)

// Common symbol kinds.
const (
	SymbolFile     = abi.SymbolFile
	SymbolModule   = abi.SymbolModule
	SymbolClass    = abi.SymbolClass
	SymbolFunction = abi.SymbolFunction
	SymbolVariable = abi.SymbolVariable
	SymbolString   = abi.SymbolString
	SymbolKey      = abi.SymbolKey
)

// Log levels.
const (
	LogError   = abi.LogError
	LogWarning = abi.LogWarning
	LogInfo    = abi.LogInfo
	LogDebug   = abi.LogDebug
)

// CompletionRequest asks for completions in Document at byte offset Offset.
type CompletionRequest struct {
	Document *Document
	// Offset is the cursor, a byte offset into Document.Text, always in
	// [0, len(Document.Text)].
	Offset int
	// TriggerCharacter is the declared trigger character whose typing asked
	// for completion, or "" when the user asked explicitly.
	TriggerCharacter string
}

// HoverRequest asks what is at byte offset Offset of Document.
type HoverRequest struct {
	Document *Document
	Offset   int // in [0, len(Document.Text)]
}

// CodeActionRequest asks for actions on the byte range [Start, End) of
// Document.
type CodeActionRequest struct {
	Document   *Document
	Start, End int
	// Diagnostics are this extension's diagnostics that overlap the range,
	// as it returned them (with their Data). An action that fixes one
	// lists its index in CodeAction.Diagnostics.
	Diagnostics []Diagnostic
	// Only, if not empty, are the kinds of action wanted; the host also
	// filters the answer by them.
	Only []string
}

// FormatRequest asks to format Document, or its byte range [Start, End)
// when Range is true.
type FormatRequest struct {
	Document     *Document
	TabSize      int
	InsertSpaces bool
	Range        bool
	Start, End   int
}

// CommandRequest runs one of the extension's commands. Document is set when
// the first argument names an open document ({"uri": ...}).
type CommandRequest struct {
	Command   string
	Arguments []json.RawMessage
	Document  *Document
}

// CommandResult is a command's outcome: a Result for the editor, and Edits
// to CommandRequest.Document, which the editor is asked to apply.
type CommandResult struct {
	// Result is JSON, written by hand or with encoding/json.Marshal (the
	// SDK does not marshal it for you: that would link encoding/json into
	// every extension, commands or not); nil for none.
	Result json.RawMessage
	Edits  []TextEdit
}
