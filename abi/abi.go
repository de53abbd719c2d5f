// Package abi is the contract between lsphost and its WebAssembly extensions:
// the names of the exports and imports, the ABI version, and the JSON shapes
// exchanged through linear memory. ABI.md beside this file is the full
// specification, written so that an extension can be implemented in any
// language from that page alone.
//
// This package imports only the standard library: it is compiled into guests
// (GOOS=wasip1) by the SDK as well as into the host.
package abi

import "encoding/json"

// Version is the ABI major version this host and SDK speak. An extension
// returns the major version it implements from ExportVersion; the host refuses
// any other major version.
const Version = 1

// Exports of an extension: ExportVersion, and either ExportHandle or both
// ExportAlloc and ExportCall (ExportHandle is used when there are all three).
const (
	// ExportVersion is "() -> i32": the ABI major version the extension speaks.
	ExportVersion = "lsphost_abi_version"
	// ExportHandle is "(json_len i32, text_len i32) -> i64": handles one
	// request, which it reads into its own buffer with ImportReadRequest,
	// and returns the response location packed as ptr<<32 | len.
	ExportHandle = "lsphost_handle"
	// ExportAlloc is "(size i32) -> i32": a guest buffer of at least size
	// bytes for the next call's input, or 0 if it cannot be allocated.
	ExportAlloc = "lsphost_alloc"
	// ExportCall is "(ptr i32, json_len i32, text_len i32) -> i64": handles
	// one request and returns the response location packed as ptr<<32 | len.
	ExportCall = "lsphost_call"
	// ExportInitialize is the optional WASI reactor initializer, called once
	// per instance before anything else.
	ExportInitialize = "_initialize"
)

// Host functions an extension may import, from module ImportModule.
const (
	ImportModule = "lsphost"
	// ImportLog is "(level i32, ptr i32, len i32)": logs a UTF-8 message
	// at a LogLevel.
	ImportLog = "log"
	// ImportReadFile is "(path_ptr i32, path_len i32, buf_ptr i32, buf_cap
	// i32) -> i64": reads the file at a slash path relative to the
	// configuration's folder, if a read grant covers it, into the buffer.
	// It returns the file's size (copying only when it fits in buf_cap) or
	// a negative ReadError.
	ImportReadFile = "read_file"
	// ImportReadRequest is "(ptr i32)": during ExportHandle, copies the
	// request JSON and the text after it (json_len + text_len bytes) to ptr.
	// Called at any other time, or with a range outside memory, it traps.
	ImportReadRequest = "read_request"
	// ImportIndex is "(text_ptr i32, text_len i32, pat_ptr i32, pat_len i32)
	// -> i32": the offset of the first occurrence of the pattern in the
	// text, or -1; searched natively. A range outside memory, or a text of
	// 2^31 bytes or more, traps.
	ImportIndex = "index"
	// ImportRuns is "(text_ptr i32, text_len i32, class_ptr i32, out_ptr
	// i32, out_cap i32) -> i32": the distinct runs of the text (maximal
	// sequences of bytes of the class, a 32-byte bitmap), sorted by their
	// bytes, found natively. It returns their number, and writes them to
	// out (RunSize bytes each) if out_cap holds them all; -1 if there are
	// more than MaxRuns. A range outside memory, or a text of 2^31 bytes
	// or more, traps.
	ImportRuns = "runs"
)

// A run as ImportRuns writes it: three little-endian u32, the offset of
// its first occurrence in the text, its length and its number of
// occurrences.
const RunSize = 12

// MaxRuns is the most distinct runs ImportRuns counts: it bounds the host
// memory a call takes (~60 bytes a run).
const MaxRuns = 1 << 18

// ReadError is a negative result of ImportReadFile.
type ReadError int64

// Read errors.
const (
	ReadNotGranted ReadError = -1 // no read grant covers the path
	ReadNotFound   ReadError = -2 // the file does not exist
	ReadFailed     ReadError = -3 // anything else: a directory, too large, unreadable
)

// MaxReadFile is the largest file ImportReadFile returns.
const MaxReadFile = 16 << 20

// Methods a request can carry. Each method but initialize is sent only to
// extensions that declared the feature of the same name.
const (
	MethodInitialize        = "initialize"
	MethodDiagnostics       = "diagnostics"
	MethodCompletion        = "completion"
	MethodCompletionResolve = "completionResolve"
	MethodHover             = "hover"
	MethodCodeAction        = "codeAction"
	MethodCodeActionResolve = "codeActionResolve"
	MethodFormatting        = "formatting"
	MethodRangeFormatting   = "rangeFormatting"
	MethodDocumentSymbol    = "documentSymbol"
	MethodExecuteCommand    = "executeCommand"
	MethodPrepare           = "prepare"
)

// Features an extension can declare in InitializeResult.Features: the
// methods above it answers.
const (
	FeatureDiagnostics       = "diagnostics"
	FeatureCompletion        = "completion"
	FeatureCompletionResolve = "completionResolve"
	FeatureHover             = "hover"
	FeatureCodeAction        = "codeAction"
	FeatureCodeActionResolve = "codeActionResolve"
	FeatureFormatting        = "formatting"
	FeatureRangeFormatting   = "rangeFormatting"
	FeatureDocumentSymbol    = "documentSymbol"
	FeatureExecuteCommand    = "executeCommand"
	// FeaturePrepare asks the host to send each document's text ahead of
	// the requests on it (MethodPrepare), so that the extension computes
	// what they need (an index, a parse) while the editor is idle.
	FeaturePrepare = "prepare"
)

// LogLevel is the level of a message passed to ImportLog. The values are
// those of LSP's MessageType.
type LogLevel int32

// Log levels.
const (
	LogError   LogLevel = 1
	LogWarning LogLevel = 2
	LogInfo    LogLevel = 3
	LogDebug   LogLevel = 4
)

// Request is the JSON the host writes at the start of the input buffer. For
// diagnostics and completion the document text follows it in the same buffer
// as raw bytes: text never travels inside a JSON string.
type Request struct {
	Method string `json:"method"`

	// ABIVersion and Settings are sent with MethodInitialize. Settings is the
	// extension's settings table from the configuration, as a JSON object.
	ABIVersion int             `json:"abiVersion,omitempty"`
	Settings   json.RawMessage `json:"settings,omitempty"`
	// Root is sent with MethodInitialize to an extension that has a read
	// grant: the file URI of the folder that ImportReadFile paths (and
	// the grants) are relative to, so that the extension can turn a
	// document's URI into such a path.
	Root string `json:"root,omitempty"`

	// Document is sent with MethodDiagnostics and MethodCompletion.
	Document *Document `json:"document,omitempty"`

	// Offset is the cursor as a byte offset into the text (MethodCompletion).
	Offset int `json:"offset,omitempty"`
	// TriggerCharacter is set when completion was triggered by typing one of
	// the declared trigger characters (MethodCompletion).
	TriggerCharacter string `json:"triggerCharacter,omitempty"`

	// Params are the method's parameters for the methods that have more:
	// CodeActionParams, FormattingParams, ExecuteCommandParams, and the
	// item or action to resolve.
	Params json.RawMessage `json:"params,omitempty"`
}

// Document identifies the document whose text follows the request JSON.
type Document struct {
	URI        string `json:"uri"`
	LanguageID string `json:"languageId"`
	Version    int32  `json:"version"`
	// SameText is sent only to an extension that declared KeepsText: no
	// text follows the JSON (text_len is 0), because the text is exactly
	// the one this instance received with its last request that had one.
	SameText bool `json:"sameText,omitempty"`
}

// Response is the JSON an extension returns from ExportCall: either Result or
// Error is set.
type Response struct {
	Result json.RawMessage `json:"result,omitempty"`
	Error  *Error          `json:"error,omitempty"`
}

// Error is a failure reported by the extension.
type Error struct {
	Message string `json:"message"`
}

// InitializeResult is the extension's load-time declaration: what it
// implements. The host derives the server's capabilities from it.
type InitializeResult struct {
	Name              string   `json:"name,omitempty"`
	Version           string   `json:"version,omitempty"`
	Features          []string `json:"features"`
	TriggerCharacters []string `json:"triggerCharacters,omitempty"`
	// Languages lists the LSP languageIds the extension handles by default;
	// empty means every document. The configuration's languages key
	// overrides it.
	Languages []string `json:"languages,omitempty"`
	// Commands are the names of the commands the extension executes
	// (FeatureExecuteCommand). The editor sees each as "NAME.COMMAND",
	// NAME being the extension's configured name.
	Commands []string `json:"commands,omitempty"`
	// CodeActionKinds are the kinds of code action the extension offers
	// (FeatureCodeAction), e.g. "quickfix".
	CodeActionKinds []string `json:"codeActionKinds,omitempty"`
	// KeepsText declares that the extension keeps the text of its last
	// request with a document, so that the host may send Document.SameText
	// instead of the same text again.
	KeepsText bool `json:"keepsText,omitempty"`
	// PrepareMin is, with FeaturePrepare, the smallest text in bytes worth
	// sending ahead of requests (MethodPrepare); 0 means every text.
	PrepareMin int `json:"prepareMin,omitempty"`
}

// Has reports whether the declaration lists feature.
func (r InitializeResult) Has(feature string) bool {
	for _, f := range r.Features {
		if f == feature {
			return true
		}
	}
	return false
}

// DiagnosticsResult answers MethodDiagnostics.
type DiagnosticsResult struct {
	Diagnostics []Diagnostic `json:"diagnostics"`
}

// Severity of a diagnostic, with LSP's values.
type Severity int

// Severities.
const (
	SeverityError       Severity = 1
	SeverityWarning     Severity = 2
	SeverityInformation Severity = 3
	SeverityHint        Severity = 4
)

// Diagnostic is one problem in the document. Start and End are byte offsets
// into the text; the host converts them to LSP positions.
type Diagnostic struct {
	Start    int      `json:"start"`
	End      int      `json:"end"`
	Severity Severity `json:"severity,omitempty"` // 0 means SeverityError
	Message  string   `json:"message"`
	Code     string   `json:"code,omitempty"`
	// Data is kept by the host and sent back with the diagnostic in a
	// codeAction request, e.g. the fix a quick fix should make.
	Data json.RawMessage `json:"data,omitempty"`
}

// CompletionResult answers MethodCompletion.
type CompletionResult struct {
	IsIncomplete bool             `json:"isIncomplete,omitempty"`
	Items        []CompletionItem `json:"items"`
}

// CompletionItemKind has LSP's CompletionItemKind values (1 Text … 25
// TypeParameter).
type CompletionItemKind int

// A few common completion kinds; any LSP value is accepted.
const (
	KindText     CompletionItemKind = 1
	KindMethod   CompletionItemKind = 2
	KindFunction CompletionItemKind = 3
	KindField    CompletionItemKind = 5
	KindVariable CompletionItemKind = 6
	KindKeyword  CompletionItemKind = 14
	KindSnippet  CompletionItemKind = 15
)

// InsertTextFormat has LSP's values.
type InsertTextFormat int

// Insert text formats.
const (
	PlainText InsertTextFormat = 1
	Snippet   InsertTextFormat = 2
)

// CompletionItem is one completion proposal.
type CompletionItem struct {
	Label            string             `json:"label"`
	Kind             CompletionItemKind `json:"kind,omitempty"`
	Detail           string             `json:"detail,omitempty"`
	Documentation    string             `json:"documentation,omitempty"` // Markdown
	InsertText       string             `json:"insertText,omitempty"`
	InsertTextFormat InsertTextFormat   `json:"insertTextFormat,omitempty"`
	FilterText       string             `json:"filterText,omitempty"`
	SortText         string             `json:"sortText,omitempty"`
	// Edit, when set, replaces the byte range [Start, End) with NewText
	// instead of inserting at the cursor.
	Edit *TextEdit `json:"edit,omitempty"`
	// Data is sent back with the item in MethodCompletionResolve.
	Data json.RawMessage `json:"data,omitempty"`
}

// TextEdit replaces the byte range [Start, End) of the text with NewText.
type TextEdit struct {
	Start   int    `json:"start"`
	End     int    `json:"end"`
	NewText string `json:"newText"`
}

// CompletionResolveParams is MethodCompletionResolve's Params: an item the
// extension returned, to complete with details (e.g. Documentation).
type CompletionResolveParams struct {
	Item CompletionItem `json:"item"`
}

// PrepareResult answers MethodPrepare: an empty object. The host sends the
// document's text (Request.Document) after the document opens or changes,
// in the background; what the extension computes it keeps for the requests
// that follow, which the host sends to the same instance.
type PrepareResult struct{}

// HoverResult answers MethodHover (Request.Offset is the cursor). Empty
// Contents means nothing to show.
type HoverResult struct {
	Contents string `json:"contents"` // Markdown
	// Start and End, when End > Start, are the byte range the hover is
	// about, which editors highlight.
	Start int `json:"start,omitempty"`
	End   int `json:"end,omitempty"`
}

// CodeActionParams is MethodCodeAction's Params: the byte range [Start,
// End) the editor asks about, the extension's own diagnostics that overlap
// it, and the kinds of action wanted (empty: all).
type CodeActionParams struct {
	Start       int          `json:"start"`
	End         int          `json:"end"`
	Diagnostics []Diagnostic `json:"diagnostics"`
	Only        []string     `json:"only,omitempty"`
}

// CodeActionResult answers MethodCodeAction.
type CodeActionResult struct {
	Actions []CodeAction `json:"actions"`
}

// CodeAction is one action on the document. An action with neither Edits
// nor Command but with Data is completed by MethodCodeActionResolve when the
// user picks it.
type CodeAction struct {
	Title string `json:"title"`
	Kind  string `json:"kind,omitempty"` // e.g. "quickfix", "source.fixAll"
	// Diagnostics are indices into CodeActionParams.Diagnostics: the
	// problems this action fixes.
	Diagnostics []int      `json:"diagnostics,omitempty"`
	IsPreferred bool       `json:"isPreferred,omitempty"`
	Edits       []TextEdit `json:"edits,omitempty"` // on the document
	Command     *Command   `json:"command,omitempty"`
	// Data is sent back with the action in MethodCodeActionResolve.
	Data json.RawMessage `json:"data,omitempty"`
}

// CodeActionResolveParams is MethodCodeActionResolve's Params.
type CodeActionResolveParams struct {
	Action CodeAction `json:"action"`
}

// Command is a command of the extension's, named as in
// InitializeResult.Commands, to run with Arguments.
type Command struct {
	Title     string            `json:"title"`
	Command   string            `json:"command"`
	Arguments []json.RawMessage `json:"arguments,omitempty"`
}

// FormattingParams is the Params of MethodFormatting and
// MethodRangeFormatting (which sets the byte range [Start, End) to format).
type FormattingParams struct {
	TabSize      int  `json:"tabSize"`
	InsertSpaces bool `json:"insertSpaces"`
	Start        int  `json:"start,omitempty"`
	End          int  `json:"end,omitempty"`
}

// FormattingResult answers MethodFormatting and MethodRangeFormatting. The
// edits must not overlap; the host refuses the whole answer if they do.
type FormattingResult struct {
	Edits []TextEdit `json:"edits"`
}

// DocumentSymbolResult answers MethodDocumentSymbol.
type DocumentSymbolResult struct {
	Symbols []Symbol `json:"symbols"`
}

// Symbol is a named part of the document, e.g. a heading or a function.
// [Start, End) is all of it; [SelectionStart, SelectionEnd) its name, inside
// it (the host uses [Start, End) if that is not so).
type Symbol struct {
	Name           string     `json:"name"`
	Detail         string     `json:"detail,omitempty"`
	Kind           SymbolKind `json:"kind"`
	Start          int        `json:"start"`
	End            int        `json:"end"`
	SelectionStart int        `json:"selectionStart"`
	SelectionEnd   int        `json:"selectionEnd"`
	Children       []Symbol   `json:"children,omitempty"`
}

// SymbolKind has LSP's SymbolKind values (1 File … 26 TypeParameter).
type SymbolKind int

// A few common symbol kinds; any LSP value is accepted.
const (
	SymbolFile     SymbolKind = 1
	SymbolModule   SymbolKind = 2
	SymbolClass    SymbolKind = 5
	SymbolFunction SymbolKind = 12
	SymbolVariable SymbolKind = 13
	SymbolString   SymbolKind = 15
	SymbolKey      SymbolKind = 20
)

// ExecuteCommandParams is MethodExecuteCommand's Params. The request carries
// the document the command is about, if its first argument names an open
// document's URI as {"uri": ...}.
type ExecuteCommandParams struct {
	Command   string            `json:"command"`
	Arguments []json.RawMessage `json:"arguments,omitempty"`
}

// ExecuteCommandResult answers MethodExecuteCommand: a result for the
// editor, and edits to the request's document, which the host asks the
// editor to apply.
type ExecuteCommandResult struct {
	Result json.RawMessage `json:"result,omitempty"`
	Edits  []TextEdit      `json:"edits,omitempty"`
}

// PackResult packs a guest memory location into ExportCall's i64 result.
func PackResult(ptr, length uint32) uint64 { return uint64(ptr)<<32 | uint64(length) }

// UnpackResult splits ExportCall's i64 result into a pointer and a length.
func UnpackResult(v uint64) (ptr, length uint32) { return uint32(v >> 32), uint32(v) }
