package sdk

import (
	"errors"
	"slices"
	"strconv"
	"unicode/utf8"
	"unsafe"

	"github.com/lsphost/lsphost/abi"
)

// The results of every method are written here by hand, not with
// encoding/json: its encoder (with reflect and fmt) would make every Go
// guest about 0.9 MB larger and slower for the host to load. The output is
// byte for byte encoding/json's (encode_test.go compares them).

// appendResult appends v's JSON exactly as encoding/json's Encoder with
// SetEscapeHTML(false) writes it (without the trailing newline), for v of
// one of abi's result types: InitializeResult, DiagnosticsResult,
// CompletionResult, CompletionItem, HoverResult, CodeActionResult,
// CodeAction, FormattingResult, DocumentSymbolResult, ExecuteCommandResult
// and PrepareResult. It fails, returning b as it was, when a raw JSON
// field is not valid JSON (encoding/json fails then too), when a symbol is
// among its own children, and for any other type.
func appendResult(b []byte, v any) ([]byte, error) {
	start := len(b)
	var err error
	switch v := v.(type) {
	case abi.InitializeResult:
		b = appendInitialize(b, &v)
	case abi.DiagnosticsResult:
		b, err = appendDiagnostics(b, &v)
	case abi.CompletionResult:
		b, err = appendCompletion(b, &v)
	case abi.CompletionItem:
		b, err = appendCompletionItems(b, []abi.CompletionItem{v})
	case abi.HoverResult:
		b = append(b, `{"contents":`...)
		b = appendString(b, v.Contents)
		b = appendOptionalInt(b, `,"start":`, v.Start)
		b = appendOptionalInt(b, `,"end":`, v.End)
		b = append(b, '}')
	case abi.CodeActionResult:
		b, err = appendCodeActions(b, &v)
	case abi.CodeAction:
		b, err = appendCodeAction(b, &v, -1)
	case abi.FormattingResult:
		b = append(b, `{"edits":`...)
		b = append(appendEdits(b, v.Edits), '}')
	case abi.DocumentSymbolResult:
		b = append(b, `{"symbols":`...)
		if b, err = appendSymbols(b, v.Symbols, 1, nil); err == nil {
			b = append(b, '}')
		}
	case abi.ExecuteCommandResult:
		b, err = appendExecuteCommand(b, &v)
	case abi.PrepareResult:
		b = append(b, "{}"...)
	default:
		return b, errors.New("cannot encode a result of this type")
	}
	if err != nil {
		return b[:start], err
	}
	return b, nil
}

// Objects whose first field may be omitted are written with a comma before
// every field, and the first comma then becomes the '{'.

func appendInitialize(b []byte, r *abi.InitializeResult) []byte {
	open := len(b)
	b = appendOptionalString(b, `,"name":`, r.Name)
	b = appendOptionalString(b, `,"version":`, r.Version)
	b = append(b, `,"features":`...)
	b = appendStrings(b, r.Features)
	if len(r.TriggerCharacters) > 0 {
		b = appendStrings(append(b, `,"triggerCharacters":`...), r.TriggerCharacters)
	}
	if len(r.Languages) > 0 {
		b = appendStrings(append(b, `,"languages":`...), r.Languages)
	}
	if len(r.Commands) > 0 {
		b = appendStrings(append(b, `,"commands":`...), r.Commands)
	}
	if len(r.CodeActionKinds) > 0 {
		b = appendStrings(append(b, `,"codeActionKinds":`...), r.CodeActionKinds)
	}
	if r.KeepsText {
		b = append(b, `,"keepsText":true`...)
	}
	b = appendOptionalInt(b, `,"prepareMin":`, r.PrepareMin)
	b[open] = '{' // features is always there
	return append(b, '}')
}

// diagnosticRoom is the room a diagnostic needs besides its strings and
// data: its keys and three integers of up to 20 characters.
const diagnosticRoom = len(`,{"start":,"end":,"severity":,"message":"","code":"","data":}`) + 3*20

// appendDiagnostics appends r as encoding/json would (HTML escaping off).
func appendDiagnostics(b []byte, r *abi.DiagnosticsResult) ([]byte, error) {
	if r.Diagnostics == nil {
		return append(b, `{"diagnostics":null}`...), nil
	}
	// Room for the usual diagnostic: grow once, not once per doubling.
	b = slices.Grow(b, len(`{"diagnostics":[]}`)+len(r.Diagnostics)*(64+len(`{"start":,"end":,"severity":,"message":""},`)))
	// Every diagnostic is written after a comma, and the first comma then
	// becomes the '['.
	b = append(b, `{"diagnostics":`...)
	open := len(b)
	for i := range r.Diagnostics {
		d := &r.Diagnostics[i]
		// Most results are lists of usual diagnostics: they are tested
		// and written without a jump (see putUsualDiagnostic).
		m := d.Message
		// Each term is 0 when the diagnostic is usual in that respect,
		// tested all at once by arithmetic.
		unusual := uint(cap(b)-len(b)-usualDiagnosticRoom-len(m))>>63 | (uint(d.Start)|uint(d.End))/1e8 |
			uint(d.Severity-1)/9 | uint(len(d.Code)|len(d.Data)) | uint(len(m)-8)/25
		if unusual == 0 && plain8to32(m) {
			b = putUsualDiagnostic(b, d)
			continue
		}
		// Room for the longest form of d (escaping makes a byte at most six),
		// then its pieces put into it (see put).
		b = slices.Grow(b, diagnosticRoom+6*(len(d.Message)+len(d.Code))+len(d.Data))
		b = put(b, `,{"start":`)
		b = putInt(b, d.Start)
		b = put(b, `,"end":`)
		b = putInt(b, d.End)
		if d.Severity != 0 {
			b = put(b, `,"severity":`)
			b = putInt(b, int(d.Severity))
		}
		b = put(b, `,"message":`)
		b = putString(b, d.Message)
		if d.Code != "" {
			b = put(b, `,"code":`)
			b = putString(b, d.Code)
		}
		if len(d.Data) > 0 { // omitempty
			var ok bool
			if b, ok = appendCompact(put(b, `,"data":`), d.Data); !ok {
				return b, invalidJSON("diagnostic", i, "data")
			}
		}
		b = put(b, "}")
	}
	if len(b) == open {
		b = append(b, ',')
	}
	b[open] = '['
	return append(b, "]}"...), nil
}

// usualDiagnosticRoom is the room putUsualDiagnostic needs besides the
// message: its keys, two integers of up to 8 digits, and the rest of the 8
// bytes that storeWord writes for the second.
const usualDiagnosticRoom = len(`,{"start":,"end":,"severity":0,"message":""}`) + 2*8 + 8

// putUsualDiagnostic puts d, a usual diagnostic (offsets below 10^8, a
// severity of 1 to 9, a plain message of 8 to 32 bytes, no code or data),
// into room for usualDiagnosticRoom bytes and its message. Nothing on its
// way jumps or calls a function that branches: in a wasm guest each would
// cost a preemption check (see plainString).
func putUsualDiagnostic(b []byte, d *abi.Diagnostic) []byte {
	// putDigits by hand: it would cost a check for its test of room.
	start, startWidth := digits(uint(d.Start))
	end, endWidth := digits(uint(d.End))
	b = put(b, `,{"start":`)
	storeWord(b, start)
	b = put(b[:len(b)+startWidth], `,"end":`)
	storeWord(b, end)
	b = b[:len(b)+endWidth]
	b = put(b, `,"severity":`)
	b = b[:len(b)+1] // not append: its test for room is a jump
	b[len(b)-1] = byte('0' + d.Severity)
	b = putPlain(put(b, `,"message":`), d.Message)
	return put(b, "}")
}

// appendCompletion appends r as encoding/json would (HTML escaping off).
func appendCompletion(b []byte, r *abi.CompletionResult) ([]byte, error) {
	b = append(b, '{')
	if r.IsIncomplete {
		b = append(b, `"isIncomplete":true,`...)
	}
	if r.Items == nil {
		return append(b, `"items":null}`...), nil
	}
	b = append(b, `"items":[`...)
	b, err := appendCompletionItems(b, r.Items)
	if err != nil {
		return b, err
	}
	return append(b, "]}"...), nil
}

// appendCompletionItems appends items separated by commas. The loop over
// items is here rather than around a call per item: a call costs ~50 ns in
// a guest, and a list may have a thousand items on every keystroke.
func appendCompletionItems(b []byte, items []abi.CompletionItem) ([]byte, error) {
	if room, ok := plainItems(items); ok {
		return appendPlainItems(slices.Grow(b, room), items), nil
	}
	for i := range items {
		it := &items[i]
		// Room for the longest form of it, then its pieces put into it (see
		// put). The fields an item seldom has are tested at once.
		rare := len(it.Detail) + len(it.Documentation) + len(it.InsertText) + len(it.FilterText) + len(it.SortText)
		room := completionItemRoom + 6*(len(it.Label)+rare) + len(it.Data)
		if it.Edit != nil {
			room += editRoom + 6*len(it.Edit.NewText)
		}
		b = slices.Grow(b, room)
		first := int(uint(i-1) >> 63) // 1 for the first item, without a branch
		b = put(b, `,{"label":`[first:])
		b = putString(b, it.Label)
		if it.Kind != 0 {
			b = put(b, `,"kind":`)
			b = putInt(b, int(it.Kind))
		}
		if rare != 0 || it.InsertTextFormat != 0 {
			b = putOptionalString(b, `,"detail":`, it.Detail)
			b = putOptionalString(b, `,"documentation":`, it.Documentation)
			b = putOptionalString(b, `,"insertText":`, it.InsertText)
			if it.InsertTextFormat != 0 {
				b = putInt(put(b, `,"insertTextFormat":`), int(it.InsertTextFormat))
			}
			b = putOptionalString(b, `,"filterText":`, it.FilterText)
			b = putOptionalString(b, `,"sortText":`, it.SortText)
		}
		if it.Edit == nil && isJSONInteger(it.Data) { // the usual data, copied as it is
			b = put(put(b, `,"data":`), it.Data)
		} else if it.Edit != nil || len(it.Data) > 0 {
			var ok bool
			if b, ok = appendEditAndData(b, it); !ok {
				return b, invalidJSON("item", i, "data")
			}
		}
		b = put(b, "}")
	}
	return b, nil
}

// plainItems reports whether every item has only a label of at most 32
// bytes that JSON holds as it is, a kind below 100, and data that is empty
// or a JSON integer of at most 8 bytes: the items of a word completion,
// which appendPlainItems writes into room bytes. It tests an item without a
// branch, so that a thousand items cost a guest a thousand preemption
// checks, not several thousand (see plainString).
func plainItems(items []abi.CompletionItem) (room int, ok bool) {
	var bad uint64
	for i := range items {
		it := &items[i]
		rare := len(it.Detail) | len(it.Documentation) | len(it.InsertText) | len(it.FilterText) | len(it.SortText) |
			int(it.InsertTextFormat) | int(uintptr(unsafe.Pointer(it.Edit)))
		label := [32]byte{'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a',
			'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a'}
		copy(label[:], it.Label)
		bad |= specialBytes(word(label[:], 0)) | specialBytes(word(label[:], 8)) | specialBytes(word(label[:], 16)) | specialBytes(word(label[:], 24)) |
			nonZero(uint64(rare)) | above(len(it.Label), 32) | above(int(it.Kind), 99) | above(0, int(it.Kind)) |
			shortIntegerFlaw(it.Data)
		room += plainItemRoom + len(it.Label)
	}
	return room, bad == 0
}

// plainItemRoom is the room a plain item needs besides its label, the
// kind's digits taking a word of 8 bytes (putDigits).
const plainItemRoom = len(`,{"label":"","kind":`) + 8 + len(`,"data":`) + 8 + len(`}`)

// appendPlainItems appends items that plainItems accepts into the room it
// asked for, with no branch per item: a kind of 0 and empty data are
// written and then taken back, as encoding/json leaves them out.
func appendPlainItems(b []byte, items []abi.CompletionItem) []byte {
	const (
		kindKey = `,"kind":`
		dataKey = `,"data":`
	)
	for i := range items {
		it := &items[i]
		first := int(uint(i-1) >> 63) // 1 for the first item
		b = put(b, `,{"label":"`[first:])
		b = put(b, it.Label)
		b = put(b, `"`+kindKey)
		digits, width := digits(uint(it.Kind))
		storeWord(b, digits)
		b = b[:len(b)+width-int(zeroWord(uint64(it.Kind)))*(len(kindKey)+width)]
		b = put(b, dataKey)
		b = put(b, it.Data)
		b = b[:len(b)-int(zeroWord(uint64(len(it.Data))))*len(dataKey)]
		b = put(b, "}")
	}
	return b
}

// shortIntegerFlaw is 0 if b is empty or a JSON integer of at most 8 bytes
// (as isJSONInteger tells), and not 0 otherwise; it does not branch.
func shortIntegerFlaw(b []byte) uint64 {
	n := len(b)
	var w [8]byte
	copy(w[:], b)
	x := word(w[:], 0)
	minus := int(((x & 0xff) ^ '-' - 1) >> 63) // 1 if b starts with '-'
	// b's digits in place, '0' in the other bytes: all must be digits.
	y := x&^lowBytes(minus) | ones*'0'&^(lowBytes(lesser(n, 8))&^lowBytes(minus))
	nonDigit := (y-ones*'0')&^y&highs | ((y&lows7)+ones*(0x7f-'9')|y)&highs
	first := (x >> (8 * minus)) & 0xff // the first digit
	flaw := nonDigit | above(minus+1, n) | nonZero(uint64(n-minus-1))&zeroWord(first^'0')
	return above(n, 8) | nonZero(uint64(n))&nonZero(flaw)
}

// word reads the 8 bytes of b at i as a little-endian word; b must hold
// them (only b[i] is checked).
func word(b []byte, i int) uint64 {
	return *(*uint64)(unsafe.Pointer(&b[i]))
}

// nonZero is 1 if x is not 0, else 0; zeroWord the reverse. above(a, b) is
// 1 if a > b, else 0, for a and b far from the limits of int. None branches.
func nonZero(x uint64) uint64  { return (x | -x) >> 63 }
func zeroWord(x uint64) uint64 { return 1 ^ nonZero(x) }
func above(a, b int) uint64    { return uint64(b-a) >> 63 }

// appendEditAndData appends the edit and data of it, if it has them, into
// room for them. It reports false if the data is not valid JSON.
func appendEditAndData(b []byte, it *abi.CompletionItem) ([]byte, bool) {
	if it.Edit != nil {
		b = appendEdit(put(b, `,"edit":`), it.Edit)
	}
	switch {
	case isJSONInteger(it.Data): // the usual data, copied as it is
		return put(put(b, `,"data":`), it.Data), true
	case len(it.Data) > 0:
		return appendCompact(put(b, `,"data":`), it.Data)
	}
	return b, true
}

// completionItemRoom is the room an item needs besides its strings, edit
// and data: its keys and two integers of up to 20 characters.
const completionItemRoom = len(`,{"label":"","kind":,"detail":"","documentation":"","insertText":"",`+
	`"insertTextFormat":,"filterText":"","sortText":"","edit":,"data":}`) + 2*20

// editRoom is the room a text edit needs besides its new text.
const editRoom = len(`{"start":,"end":,"newText":""}`) + 2*20

// putOptionalString puts key and s unless s is empty (omitempty), into
// room for them (see put).
func putOptionalString(b []byte, key, s string) []byte {
	if s == "" {
		return b
	}
	return putString(put(b, key), s)
}

func appendCodeActions(b []byte, r *abi.CodeActionResult) ([]byte, error) {
	if r.Actions == nil {
		return append(b, `{"actions":null}`...), nil
	}
	b = append(b, `{"actions":[`...)
	for i := range r.Actions {
		if i > 0 {
			b = append(b, ',')
		}
		var err error
		if b, err = appendCodeAction(b, &r.Actions[i], i); err != nil {
			return b, err
		}
	}
	return append(b, "]}"...), nil
}

// appendCodeAction appends a, action i of a list (-1 if alone, for the
// error message).
func appendCodeAction(b []byte, a *abi.CodeAction, i int) ([]byte, error) {
	b = append(b, `{"title":`...)
	b = appendString(b, a.Title)
	b = appendOptionalString(b, `,"kind":`, a.Kind)
	if len(a.Diagnostics) > 0 {
		b = append(b, `,"diagnostics":[`...)
		for j, d := range a.Diagnostics {
			if j > 0 {
				b = append(b, ',')
			}
			b = appendInt(b, d)
		}
		b = append(b, ']')
	}
	if a.IsPreferred {
		b = append(b, `,"isPreferred":true`...)
	}
	if len(a.Edits) > 0 {
		b = appendEdits(append(b, `,"edits":`...), a.Edits)
	}
	if c := a.Command; c != nil {
		b = append(b, `,"command":{"title":`...)
		b = appendString(b, c.Title)
		b = append(b, `,"command":`...)
		b = appendString(b, c.Command)
		if len(c.Arguments) > 0 {
			b = append(b, `,"arguments":[`...)
			for j, arg := range c.Arguments {
				if j > 0 {
					b = append(b, ',')
				}
				var ok bool
				if arg == nil {
					b = append(b, "null"...) // as RawMessage.MarshalJSON has it
				} else if b, ok = appendCompact(b, arg); !ok {
					return b, invalidJSON("action", i, "command argument "+strconv.Itoa(j))
				}
			}
			b = append(b, ']')
		}
		b = append(b, '}')
	}
	if len(a.Data) > 0 {
		var ok bool
		if b, ok = appendCompact(append(b, `,"data":`...), a.Data); !ok {
			return b, invalidJSON("action", i, "data")
		}
	}
	return append(b, '}'), nil
}

// maxAcyclicDepth is how deep symbols nest before appendSymbols looks for a
// cycle, as encoding/json does (its startDetectingCyclesAfter).
const maxAcyclicDepth = 1000

// appendSymbols appends syms, which are depth deep (1 for the result's
// symbols). A symbol among its own descendants would make it recurse
// forever: encoding/json reports such a cycle as an error, and so does
// appendSymbols, which compares each slice deeper than maxAcyclicDepth with
// those above it on path, the ones deeper than that.
func appendSymbols(b []byte, syms []abi.Symbol, depth int, path [][]abi.Symbol) ([]byte, error) {
	if syms == nil {
		return append(b, "null"...), nil
	}
	if depth > maxAcyclicDepth && len(syms) > 0 {
		for _, p := range path {
			if &p[0] == &syms[0] && len(p) == len(syms) {
				return b, errors.New("a symbol is among its own children")
			}
		}
		path = append(path, syms)
	}
	b = append(b, '[')
	for i := range syms {
		s := &syms[i]
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"name":`...)
		b = appendString(b, s.Name)
		b = appendOptionalString(b, `,"detail":`, s.Detail)
		b = append(b, `,"kind":`...)
		b = appendInt(b, int(s.Kind))
		b = append(b, `,"start":`...)
		b = appendInt(b, s.Start)
		b = append(b, `,"end":`...)
		b = appendInt(b, s.End)
		b = append(b, `,"selectionStart":`...)
		b = appendInt(b, s.SelectionStart)
		b = append(b, `,"selectionEnd":`...)
		b = appendInt(b, s.SelectionEnd)
		if len(s.Children) > 0 {
			var err error
			if b, err = appendSymbols(append(b, `,"children":`...), s.Children, depth+1, path); err != nil {
				return b, err
			}
		}
		b = append(b, '}')
	}
	return append(b, ']'), nil
}

func appendExecuteCommand(b []byte, r *abi.ExecuteCommandResult) ([]byte, error) {
	open := len(b)
	if len(r.Result) > 0 {
		var ok bool
		if b, ok = appendCompact(append(b, `,"result":`...), r.Result); !ok {
			return b, errors.New("result is not valid JSON")
		}
	}
	if len(r.Edits) > 0 {
		b = appendEdits(append(b, `,"edits":`...), r.Edits)
	}
	if len(b) == open {
		return append(b, "{}"...), nil
	}
	b[open] = '{'
	return append(b, '}'), nil
}

// invalidJSON is the error for a raw JSON field of element i of a list (-1:
// not in a list), e.g. "diagnostic 3: data is not valid JSON".
func invalidJSON(elem string, i int, field string) error {
	if i < 0 {
		return errors.New(field + " is not valid JSON")
	}
	return errors.New(elem + " " + strconv.Itoa(i) + ": " + field + " is not valid JSON")
}

func appendStrings(b []byte, ss []string) []byte {
	if ss == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, s)
	}
	return append(b, ']')
}

func appendEdits(b []byte, edits []abi.TextEdit) []byte {
	if edits == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i := range edits {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendEdit(b, &edits[i])
	}
	return append(b, ']')
}

func appendEdit(b []byte, e *abi.TextEdit) []byte {
	b = append(b, `{"start":`...)
	b = appendInt(b, e.Start)
	b = append(b, `,"end":`...)
	b = appendInt(b, e.End)
	b = append(b, `,"newText":`...)
	b = appendString(b, e.NewText)
	return append(b, '}')
}

// appendCompact appends the JSON value src as encoding/json writes a
// json.RawMessage with HTML escaping off: with its insignificant whitespace
// removed, nothing else changed. It reports false, with b as it was, if src
// is not one valid JSON value (json.Valid).
func appendCompact(b, src []byte) ([]byte, bool) {
	if isJSONInteger(src) {
		// The usual data (a count, an index): valid and compact as it is,
		// so without a loop over its bytes.
		return append(b, src...), true
	}
	if s := (scanner{data: src}); !s.skip() || !s.end() {
		return b, false
	}
	// Valid JSON: drop the white space outside strings.
	start, inString := 0, false
	for i := 0; i < len(src); i++ {
		switch c := src[i]; {
		case inString && c == '\\':
			i++ // the escaped byte, '"' included
		case c == '"':
			inString = !inString
		case !inString && (c == ' ' || c == '\t' || c == '\n' || c == '\r'):
			b = append(b, src[start:i]...)
			start = i + 1
		}
	}
	return append(b, src[start:]...), true
}

// isJSONInteger reports whether b is a JSON integer with nothing around it:
// an optional '-', then 0 or a digit 1-9 and more digits. Up to 8 bytes,
// the usual data of an item, are tested as one word, without a loop (see
// put).
func isJSONInteger(b []byte) bool {
	if n := len(b); n > 0 && n <= 8 {
		var w [8]byte
		copy(w[:], b)
		x := *(*uint64)(unsafe.Pointer(&w))
		minus := 0 // 1 if b starts with '-'
		if b[0] == '-' {
			minus = 1
		}
		// b's digits in place, '0' in the other bytes: all must be digits.
		y := x&^lowBytes(minus) | ones*'0'&^(lowBytes(n)&^lowBytes(minus))
		nonDigit := (y-ones*'0')&^y&highs | ((y&lows7)+ones*(0x7f-'9')|y)&highs
		first := byte(x >> (8 * minus)) // the first digit
		return nonDigit == 0 && n > minus && (n-minus == 1 || first != '0')
	}
	if len(b) > 0 && b[0] == '-' {
		b = b[1:]
	}
	if len(b) == 0 || len(b) > 1 && b[0] == '0' {
		return false
	}
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// lowBytes returns a word with the low n bytes set, n from 0 to 8.
func lowBytes(n int) uint64 { return ^uint64(0) >> (64 - 8*n) }

// appendOptionalString appends key and s unless s is empty (omitempty).
func appendOptionalString(b []byte, key, s string) []byte {
	if s == "" {
		return b
	}
	return appendString(append(b, key...), s)
}

// appendOptionalInt appends key and n unless n is 0 (omitempty).
func appendOptionalInt(b []byte, key string, n int) []byte {
	if n == 0 {
		return b
	}
	return appendInt(append(b, key...), n)
}

const hexDigits = "0123456789abcdef"

// In a wasm guest under the host's preemption checks every loop iteration
// and function call costs about 50 ns (RATIONALE.md, "Why do the SDK's hot
// paths avoid loops and jumps?"), so the two encoders below avoid per-byte
// and per-digit loops on the common path.

// In a wasm guest append costs a jump even when b has room (over the code
// that grows b), and every jump costs a preemption check (about 50 ns,
// like a loop iteration: see plainString). So the hot results make room
// for a whole item at once and put its pieces into it with the functions
// below, which jump nowhere on their usual path.

// put appends s to b, which has room for it.
func put[T ~string | ~[]byte](b []byte, s T) []byte {
	n := len(b)
	b = b[:n+len(s)]
	copy(b[n:], s)
	return b
}

// appendInt appends n in decimal, as strconv.AppendInt does.
func appendInt(b []byte, n int) []byte {
	return putInt(slices.Grow(b, 20), n)
}

// putInt is appendInt into room for 20 bytes. Offsets, severities and kinds
// below 10^8 are written two digits at a time, without a loop or a branch;
// other values go to strconv.
func putInt(b []byte, n int) []byte {
	if uint(n) < 1e8 {
		return putDigits(b, uint(n))
	}
	return strconv.AppendInt(b, int64(n), 10) // negative, or nine digits and more
}

// digitPairs holds "00" to "99", each as a little-endian pair of bytes.
var digitPairs = func() (t [100]uint16) {
	for n := range t {
		t[n] = uint16('0'+n/10) | uint16('0'+n%10)<<8
	}
	return t
}()

// putDigits puts n, below 10^8, in decimal into room for 8 bytes, which it
// writes all of as one word.
func putDigits(b []byte, n uint) []byte {
	word, width := digits(n)
	storeWord(b, word)
	return b[:len(b)+width]
}

// storeWord writes w's 8 bytes after the end of b, which has room for them.
func storeWord(b []byte, w uint64) {
	*(*uint64)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(b)), len(b))) = w
}

// digits returns n, below 10^8, in decimal: its digits as the bytes of a
// little-endian word, the first in the lowest byte, and their number. It
// neither branches nor calls (the indexes of digitPairs are below 100 by
// construction, so they are not checked), so that calling it costs a guest
// no preemption check.
func digits(n uint) (word uint64, width int) {
	word = uint64(digitPairs[n/1e6%100]) | uint64(digitPairs[n/1e4%100])<<16 |
		uint64(digitPairs[n/100%100])<<32 | uint64(digitPairs[n%100])<<48
	// The leading zeros of word, one for each power of ten n is below:
	// (n-p)>>63 is 1 when n < p (n is far below 2^63).
	zeros := (n-10)>>63 + (n-100)>>63 + (n-1e3)>>63 + (n-1e4)>>63 + (n-1e5)>>63 + (n-1e6)>>63 + (n-1e7)>>63
	return word >> (8 * zeros & 63), 8 - int(zeros)
}

// specialBytes returns x with the high bit set in the bytes that a JSON
// string cannot hold as they are (a control character, '"' or '\\'), and
// in every non-ASCII byte (which may need U+FFFD or an escape); and maybe in
// other bytes too, but only when it sets one of those.
func specialBytes(x uint64) uint64 {
	const below20 = ones * 0x20
	return x&highs | (x-below20)&^x&highs | zeroBytes(x^(ones*'"')) | zeroBytes(x^(ones*'\\'))
}

// plainString reports whether s is printable ASCII without '"' and '\\',
// which JSON holds as it is. It reads s two words at a time, ending on
// words that may overlap those before, so that a string costs one loop
// iteration per 16 bytes and no branch per byte: in a wasm guest every
// jump costs a preemption check (see Index).
func plainString(s string) bool {
	n := len(s)
	var special uint64
	switch {
	case uint(n-8) <= 24:
		return plain8to32(s)
	case n >= 16:
		for i := 16; i < n; i += 16 {
			special |= specialBytes(load64(s, i-16)) | specialBytes(load64(s, i-8))
		}
		special |= specialBytes(load64(s, n-16)) | specialBytes(load64(s, n-8))
	case n >= 4:
		special = specialBytes(uint64(load32(s, 0)) | uint64(load32(s, n-4))<<32)
	case n > 0: // bytes 0, n/2 and n-1 are all of s; the rest is plain 'a's
		const fill = ones * 'a' &^ 0xffffff
		special = specialBytes(uint64(s[0]) | uint64(s[n/2])<<8 | uint64(s[n-1])<<16 | fill)
	}
	return special == 0
}

// plain8to32 is plainString for a string of 8 to 32 bytes, most messages:
// four words that may overlap. It neither loops nor branches, so that
// calling it costs a guest no preemption check.
func plain8to32(s string) bool {
	last := len(s) - 8
	return specialBytes(load64(s, 0))|specialBytes(load64(s, lesser(8, last)))|
		specialBytes(load64(s, lesser(16, last)))|specialBytes(load64(s, last)) == 0
}

// lesser is min(a, b) by arithmetic: min feeding an address compiles to a
// branch in a wasm guest.
func lesser(a, b int) int {
	d := a - b
	return b + d&(d>>63)
}

// appendString appends s as a JSON string exactly as encoding/json does with
// HTML escaping off: invalid UTF-8 becomes U+FFFD, U+2028 and U+2029 are
// escaped.
func appendString(b []byte, s string) []byte {
	if !plainString(s) {
		return appendEscaped(b, s)
	}
	return putPlain(slices.Grow(b, len(s)+2), s)
}

// putString is appendString into room for 6*len(s)+2 bytes, the most that
// escaping s can take.
func putString(b []byte, s string) []byte {
	if !plainString(s) {
		return appendEscaped(b, s)
	}
	return putPlain(b, s)
}

// putPlain puts s, which needs no escaping, as a JSON string into room for
// len(s)+2 bytes.
func putPlain(b []byte, s string) []byte {
	n := len(b)
	b = b[:n+len(s)+2]
	b[n] = '"'
	copy(b[n+1:], s)
	b[len(b)-1] = '"'
	return b
}

// appendEscaped is appendString for a string that needs escaping, or may.
func appendEscaped(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if i+8 <= len(s) && specialBytes(load64(s, i)) == 0 {
			i += 8 // eight bytes that need no escaping: the usual case
			continue
		}
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
