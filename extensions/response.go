package extensions

import (
	"bytes"
	"unicode/utf8"
	"unsafe"

	"github.com/lsphost/lsphost/abi"
)

// decodeDiagnosticsFast decodes a diagnostics response in the shape guests
// write: {"result":{"diagnostics":[...]}} with the five known keys per
// diagnostic, integers without fraction or exponent and strings without
// escapes. It reports false for anything else (errors, escapes, unknown or
// repeated keys, null, malformed input), which decodeResponse leaves to
// encoding/json, so that what it accepts decodes exactly as encoding/json
// decodes it (FuzzDecodeDiagnosticsFast). Diagnostics are the answer to every
// edit, and encoding/json's reflection was the largest host cost of a call.
func decodeDiagnosticsFast(data []byte, out *abi.DiagnosticsResult) bool {
	s := jsonScanner{data: data}
	if !s.next('{') || !s.key("result") || !s.next('{') || !s.key("diagnostics") || !s.next('[') {
		return false
	}
	// Sized once from a count of the keys that each diagnostic has (or
	// more, if messages hold them too; at most maxItems, which is all the
	// host keeps): non-nil and empty, as encoding/json decodes [], when
	// there are none.
	diags := make([]abi.Diagnostic, 0, min(bytes.Count(data, []byte(`"start"`)), maxItems))
	if !s.next(']') {
		for {
			var d abi.Diagnostic
			if !s.diagnostic(&d) {
				return false
			}
			diags = append(diags, d)
			if !s.next(',') {
				break
			}
		}
		if !s.next(']') {
			return false
		}
	}
	if !s.next('}') || !s.next('}') || !s.end() {
		return false
	}
	out.Diagnostics = diags
	return true
}

// jsonScanner reads JSON from data at offset i. Every method reports false
// for input it does not handle.
type jsonScanner struct {
	data []byte
	i    int
	// copied is a copy of data, made the first time a decoded value needs
	// bytes of its own (data is the guest's memory, reused by its next
	// call): the strings and raw values decoded are parts of it, one
	// allocation per response instead of one per value. Nothing writes to
	// it once made.
	copied []byte
}

// owned returns data[start:end] as a string that outlives data.
func (s *jsonScanner) owned(start, end int) string {
	return unsafe.String(unsafe.SliceData(s.ownedBytes(start, end)), end-start)
}

// ownedBytes returns data[start:end] as bytes that outlive data, with no
// room to append into (the bytes after them are other values').
func (s *jsonScanner) ownedBytes(start, end int) []byte {
	if s.copied == nil {
		s.copied = bytes.Clone(s.data)
	}
	return s.copied[start:end:end]
}

func (s *jsonScanner) ws() {
	for s.i < len(s.data) {
		switch s.data[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// next skips white space and consumes c if it comes next. Guests write
// compact JSON, so c is first looked for where it would be without any.
func (s *jsonScanner) next(c byte) bool {
	if s.i < len(s.data) && s.data[s.i] == c {
		s.i++
		return true
	}
	s.ws()
	if s.i < len(s.data) && s.data[s.i] == c {
		s.i++
		return true
	}
	return false
}

func (s *jsonScanner) end() bool {
	s.ws()
	return s.i == len(s.data)
}

// key consumes "name": exactly.
func (s *jsonScanner) key(name string) bool {
	k, ok := s.plainString()
	return ok && string(k) == name && s.next(':')
}

// plainString reads a string of valid UTF-8 without escapes or control
// characters and returns a view of its bytes.
func (s *jsonScanner) plainString() ([]byte, bool) {
	if !s.next('"') {
		return nil, false
	}
	start := s.i
	ascii := byte(0) // the high bits of the bytes so far: 0 while ASCII
	for j := start; j < len(s.data); j++ {
		switch c := s.data[j]; {
		case c == '"':
			s.i = j + 1
			v := s.data[start:j]
			return v, ascii < utf8.RuneSelf || utf8.Valid(v)
		case c == '\\' || c < 0x20:
			return nil, false
		default:
			ascii |= c
		}
	}
	return nil, false
}

// int reads an integer of at most 18 digits, with no fraction or exponent.
func (s *jsonScanner) int() (int, bool) {
	s.ws()
	neg := s.i < len(s.data) && s.data[s.i] == '-'
	if neg {
		s.i++
	}
	start, n := s.i, 0
	for s.i < len(s.data) && '0' <= s.data[s.i] && s.data[s.i] <= '9' {
		n = n*10 + int(s.data[s.i]-'0')
		s.i++
	}
	digits := s.i - start
	if digits == 0 || digits > 18 || digits > 1 && s.data[start] == '0' {
		return 0, false
	}
	if s.i < len(s.data) {
		if c := s.data[s.i]; c == '.' || c == 'e' || c == 'E' {
			return 0, false
		}
	}
	if neg {
		n = -n
	}
	return n, true
}

func (s *jsonScanner) diagnostic(d *abi.Diagnostic) bool {
	return s.members(func(key []byte) (bit uint16, ok bool) {
		switch string(key) {
		case "start":
			d.Start, ok = s.int()
			return 1, ok
		case "end":
			d.End, ok = s.int()
			return 2, ok
		case "severity":
			var n int
			n, ok = s.int()
			d.Severity = abi.Severity(n)
			return 4, ok
		case "message":
			return 8, s.stringInto(&d.Message)
		case "code":
			return 16, s.stringInto(&d.Code)
		}
		return 0, false
	})
}

// members reads an object whose keys member knows. member reads the value
// of key and returns a bit of its own for the key; an unknown key (bit 0),
// a value it could not read or a repeated key fails the object.
func (s *jsonScanner) members(member func(key []byte) (bit uint16, ok bool)) bool {
	if !s.next('{') {
		return false
	}
	if s.next('}') {
		return true
	}
	var seen uint16
	for {
		key, ok := s.plainString()
		if !ok || !s.next(':') {
			return false
		}
		bit, ok := member(key)
		if !ok || bit == 0 || seen&bit != 0 {
			return false
		}
		seen |= bit
		if !s.next(',') {
			return s.next('}')
		}
	}
}

func (s *jsonScanner) stringInto(dst *string) bool {
	v, ok := s.plainString()
	if ok {
		end := s.i - 1 // the closing quote
		*dst = s.owned(end-len(v), end)
	}
	return ok
}

func (s *jsonScanner) bool() (bool, bool) {
	s.ws()
	for _, lit := range []string{"true", "false"} {
		if len(s.data)-s.i >= len(lit) && string(s.data[s.i:s.i+len(lit)]) == lit {
			s.i += len(lit)
			return lit == "true", true
		}
	}
	return false, false
}

// decodeCompletionFast is decodeDiagnosticsFast for completion responses:
// {"result":{"isIncomplete":BOOL,"items":[...]}} with the known keys of an
// item, strings without escapes, integers, integer data and an edit. It
// reports false for anything else, which goes to encoding/json
// (FuzzDecodeCompletionFast holds it to encoding/json's results). A
// completion on a large document can carry hundreds of items, on every
// keystroke: encoding/json took ~2 µs per item.
func decodeCompletionFast(data []byte, out *abi.CompletionResult) bool {
	s := jsonScanner{data: data}
	if !s.next('{') || !s.key("result") {
		return false
	}
	var res abi.CompletionResult
	ok := s.members(func(key []byte) (bit uint16, ok bool) {
		switch string(key) {
		case "isIncomplete":
			res.IsIncomplete, ok = s.bool()
			return 1, ok
		case "items":
			res.Items, ok = s.completionItems()
			return 2, ok
		}
		return 0, false
	})
	if !ok || !s.next('}') || !s.end() {
		return false
	}
	*out = res
	return true
}

var emptyItems [0]abi.CompletionItem

func (s *jsonScanner) completionItems() ([]abi.CompletionItem, bool) {
	if !s.next('[') {
		return nil, false
	}
	items := emptyItems[:0:0] // non-nil and empty, as encoding/json decodes []
	if s.next(']') {
		return items, true
	}
	// Each item has one "label" key, and no string holds those 7 bytes
	// (its quotes would be escaped): room for them all at once.
	items = make([]abi.CompletionItem, 0, bytes.Count(s.data[s.i:], []byte(`"label"`)))
	for {
		var it abi.CompletionItem
		if !s.completionItem(&it) {
			return nil, false
		}
		items = append(items, it)
		if !s.next(',') {
			break
		}
	}
	return items, s.next(']')
}

func (s *jsonScanner) completionItem(it *abi.CompletionItem) bool {
	return s.members(func(key []byte) (bit uint16, ok bool) {
		var n int
		switch string(key) {
		case "label":
			return 1, s.stringInto(&it.Label)
		case "kind":
			n, ok = s.int()
			it.Kind = abi.CompletionItemKind(n)
			return 2, ok
		case "detail":
			return 4, s.stringInto(&it.Detail)
		case "documentation":
			return 8, s.stringInto(&it.Documentation)
		case "insertText":
			return 16, s.stringInto(&it.InsertText)
		case "insertTextFormat":
			n, ok = s.int()
			it.InsertTextFormat = abi.InsertTextFormat(n)
			return 32, ok
		case "filterText":
			return 64, s.stringInto(&it.FilterText)
		case "sortText":
			return 128, s.stringInto(&it.SortText)
		case "edit":
			it.Edit = new(abi.TextEdit)
			return 256, s.textEdit(it.Edit)
		case "data":
			s.ws()
			start := s.i
			if _, ok = s.int(); ok {
				it.Data = s.ownedBytes(start, s.i) // a few digits
			}
			return 512, ok
		}
		return 0, false
	})
}

func (s *jsonScanner) textEdit(e *abi.TextEdit) bool {
	return s.members(func(key []byte) (bit uint16, ok bool) {
		switch string(key) {
		case "start":
			e.Start, ok = s.int()
			return 1, ok
		case "end":
			e.End, ok = s.int()
			return 2, ok
		case "newText":
			return 4, s.stringInto(&e.NewText)
		}
		return 0, false
	})
}
