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

// Exports every extension provides.
const (
	// ExportVersion is "() -> i32": the ABI major version the extension speaks.
	ExportVersion = "lsphost_abi_version"
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
)

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

// Methods a request can carry.
const (
	MethodInitialize  = "initialize"
	MethodDiagnostics = "diagnostics"
	MethodCompletion  = "completion"
)

// Features an extension can declare in InitializeResult.Features.
const (
	FeatureDiagnostics = "diagnostics"
	FeatureCompletion  = "completion"
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

	// Document is sent with MethodDiagnostics and MethodCompletion.
	Document *Document `json:"document,omitempty"`

	// Offset is the cursor as a byte offset into the text (MethodCompletion).
	Offset int `json:"offset,omitempty"`
	// TriggerCharacter is set when completion was triggered by typing one of
	// the declared trigger characters (MethodCompletion).
	TriggerCharacter string `json:"triggerCharacter,omitempty"`
}

// Document identifies the document whose text follows the request JSON.
type Document struct {
	URI        string `json:"uri"`
	LanguageID string `json:"languageId"`
	Version    int32  `json:"version"`
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
}

// TextEdit replaces the byte range [Start, End) of the text with NewText.
type TextEdit struct {
	Start   int    `json:"start"`
	End     int    `json:"end"`
	NewText string `json:"newText"`
}

// PackResult packs a guest memory location into ExportCall's i64 result.
func PackResult(ptr, length uint32) uint64 { return uint64(ptr)<<32 | uint64(length) }

// UnpackResult splits ExportCall's i64 result into a pointer and a length.
func UnpackResult(v uint64) (ptr, length uint32) { return uint32(v >> 32), uint32(v) }
