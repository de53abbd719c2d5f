package sdk

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/lsphost/lsphost/abi"
)

// Hand-written JSON for every message, decoded here and encoded in
// encode.go, for two reasons. Speed: in a Go wasm guest encoding/json's
// reflection is slow (decoding the ~100-byte request took ~19 µs and
// encoding 8 diagnostics another ~19 µs, against ~7 µs for the rest of a
// call on a 1 KB document); the code here takes a few µs for both. Size:
// encoding/json, fmt and reflect make a Go guest ~0.9 MB larger, which the
// host pays at every start in validation, machine code and memory
// (BENCHMARKS.md, "A smaller guest"). Fuzz tests hold both halves to
// encoding/json's results (decode_test.go, encode_test.go), and a test fails
// if an abi type gains or loses a field (wire_test.go).

// maxDepth is encoding/json's limit on nesting.
const maxDepth = 10000

// decodeRequest decodes request JSON into req as encoding/json.Unmarshal
// would: what it accepts, and the values it gives, are encoding/json's.
func decodeRequest(data []byte, req *abi.Request) error {
	return decode(data, func(s *scanner) bool { return s.request(req) })
}

// decodeParams decodes a request's params into p, one of the abi params
// types, as encoding/json.Unmarshal would.
func decodeParams(data []byte, p any) error {
	return decode(data, func(s *scanner) bool {
		switch p := p.(type) {
		case *abi.CompletionResolveParams:
			return s.completionResolveParams(p)
		case *abi.CodeActionParams:
			return s.codeActionParams(p)
		case *abi.CodeActionResolveParams:
			return s.codeActionResolveParams(p)
		case *abi.FormattingParams:
			return s.formattingParams(p)
		case *abi.ExecuteCommandParams:
			return s.executeCommandParams(p)
		}
		return false
	})
}

// decode reads one JSON value from data with value, which decodes an
// object; like encoding/json.Unmarshal, it leaves the destination as it is
// for a top-level null and refuses anything after the value.
func decode(data []byte, value func(*scanner) bool) error {
	s := scanner{data: data}
	if (s.null() || value(&s)) && s.end() {
		return nil
	}
	// Only now is the whole of data checked, to tell a syntax error from a
	// value of the wrong type.
	check := scanner{data: data}
	switch {
	case check.skip() && check.end():
		return errors.New("a value of the wrong type at byte " + strconv.Itoa(s.i))
	case check.i >= len(data):
		return errors.New("unexpected end of JSON input")
	}
	return errors.New("invalid JSON at byte " + strconv.Itoa(check.i))
}

var requestFields = []string{"method", "abiVersion", "settings", "root", "document", "offset", "triggerCharacter", "params"}

func (s *scanner) request(req *abi.Request) bool {
	return s.object(func(key []byte) bool {
		switch field(key, requestFields) {
		case "method":
			if s.null() {
				return true
			}
			var ok bool
			req.Method, ok = s.method()
			return ok
		case "abiVersion":
			return setInt(s, &req.ABIVersion, strconv.IntSize)
		case "settings":
			return s.setRaw(&req.Settings)
		case "root":
			return s.setString(&req.Root)
		case "document":
			return setPointer(s, &req.Document, s.document)
		case "offset":
			return setInt(s, &req.Offset, strconv.IntSize)
		case "triggerCharacter":
			return s.setString(&req.TriggerCharacter)
		case "params":
			return s.setRaw(&req.Params)
		}
		return s.skip()
	})
}

var documentFields = []string{"uri", "languageId", "version", "sameText"}

func (s *scanner) document(doc *abi.Document) bool {
	return s.object(func(key []byte) bool {
		switch field(key, documentFields) {
		case "uri":
			return s.setString(&doc.URI)
		case "languageId":
			return s.setString(&doc.LanguageID)
		case "version":
			return setInt(s, &doc.Version, 32)
		case "sameText":
			return s.setBool(&doc.SameText)
		}
		return s.skip()
	})
}

// The params of the requests beyond diagnostics and completion, and what
// they hold.

func (s *scanner) completionResolveParams(p *abi.CompletionResolveParams) bool {
	return s.object(func(key []byte) bool {
		if field(key, []string{"item"}) != "" {
			return s.null() || s.completionItem(&p.Item)
		}
		return s.skip()
	})
}

var codeActionParamsFields = []string{"start", "end", "diagnostics", "only"}

func (s *scanner) codeActionParams(p *abi.CodeActionParams) bool {
	return s.object(func(key []byte) bool {
		switch field(key, codeActionParamsFields) {
		case "start":
			return setInt(s, &p.Start, strconv.IntSize)
		case "end":
			return setInt(s, &p.End, strconv.IntSize)
		case "diagnostics":
			return setArray(s, &p.Diagnostics, s.diagnostic)
		case "only":
			return setArray(s, &p.Only, s.setString)
		}
		return s.skip()
	})
}

func (s *scanner) codeActionResolveParams(p *abi.CodeActionResolveParams) bool {
	return s.object(func(key []byte) bool {
		if field(key, []string{"action"}) != "" {
			return s.null() || s.codeAction(&p.Action)
		}
		return s.skip()
	})
}

var formattingParamsFields = []string{"tabSize", "insertSpaces", "start", "end"}

func (s *scanner) formattingParams(p *abi.FormattingParams) bool {
	return s.object(func(key []byte) bool {
		switch field(key, formattingParamsFields) {
		case "tabSize":
			return setInt(s, &p.TabSize, strconv.IntSize)
		case "insertSpaces":
			return s.setBool(&p.InsertSpaces)
		case "start":
			return setInt(s, &p.Start, strconv.IntSize)
		case "end":
			return setInt(s, &p.End, strconv.IntSize)
		}
		return s.skip()
	})
}

var executeCommandParamsFields = []string{"command", "arguments"}

func (s *scanner) executeCommandParams(p *abi.ExecuteCommandParams) bool {
	return s.object(func(key []byte) bool {
		switch field(key, executeCommandParamsFields) {
		case "command":
			return s.setString(&p.Command)
		case "arguments":
			return setArray(s, &p.Arguments, s.setRaw)
		}
		return s.skip()
	})
}

var diagnosticFields = []string{"start", "end", "severity", "message", "code", "data"}

func (s *scanner) diagnostic(d *abi.Diagnostic) bool {
	return s.null() || s.object(func(key []byte) bool {
		switch field(key, diagnosticFields) {
		case "start":
			return setInt(s, &d.Start, strconv.IntSize)
		case "end":
			return setInt(s, &d.End, strconv.IntSize)
		case "severity":
			return setInt(s, &d.Severity, strconv.IntSize)
		case "message":
			return s.setString(&d.Message)
		case "code":
			return s.setString(&d.Code)
		case "data":
			return s.setRaw(&d.Data)
		}
		return s.skip()
	})
}

var completionItemFields = []string{"label", "kind", "detail", "documentation", "insertText",
	"insertTextFormat", "filterText", "sortText", "edit", "data"}

func (s *scanner) completionItem(it *abi.CompletionItem) bool {
	return s.object(func(key []byte) bool {
		switch field(key, completionItemFields) {
		case "label":
			return s.setString(&it.Label)
		case "kind":
			return setInt(s, &it.Kind, strconv.IntSize)
		case "detail":
			return s.setString(&it.Detail)
		case "documentation":
			return s.setString(&it.Documentation)
		case "insertText":
			return s.setString(&it.InsertText)
		case "insertTextFormat":
			return setInt(s, &it.InsertTextFormat, strconv.IntSize)
		case "filterText":
			return s.setString(&it.FilterText)
		case "sortText":
			return s.setString(&it.SortText)
		case "edit":
			return setPointer(s, &it.Edit, s.textEdit)
		case "data":
			return s.setRaw(&it.Data)
		}
		return s.skip()
	})
}

var textEditFields = []string{"start", "end", "newText"}

func (s *scanner) textEdit(e *abi.TextEdit) bool {
	return s.null() || s.object(func(key []byte) bool {
		switch field(key, textEditFields) {
		case "start":
			return setInt(s, &e.Start, strconv.IntSize)
		case "end":
			return setInt(s, &e.End, strconv.IntSize)
		case "newText":
			return s.setString(&e.NewText)
		}
		return s.skip()
	})
}

var codeActionFields = []string{"title", "kind", "diagnostics", "isPreferred", "edits", "command", "data"}

func (s *scanner) codeAction(a *abi.CodeAction) bool {
	return s.object(func(key []byte) bool {
		switch field(key, codeActionFields) {
		case "title":
			return s.setString(&a.Title)
		case "kind":
			return s.setString(&a.Kind)
		case "diagnostics":
			return setArray(s, &a.Diagnostics, func(n *int) bool { return setInt(s, n, strconv.IntSize) })
		case "isPreferred":
			return s.setBool(&a.IsPreferred)
		case "edits":
			return setArray(s, &a.Edits, s.textEdit)
		case "command":
			return setPointer(s, &a.Command, s.command)
		case "data":
			return s.setRaw(&a.Data)
		}
		return s.skip()
	})
}

var commandFields = []string{"title", "command", "arguments"}

func (s *scanner) command(c *abi.Command) bool {
	return s.object(func(key []byte) bool {
		switch field(key, commandFields) {
		case "title":
			return s.setString(&c.Title)
		case "command":
			return s.setString(&c.Command)
		case "arguments":
			return setArray(s, &c.Arguments, s.setRaw)
		}
		return s.skip()
	})
}

// field returns the one of names that key selects, as encoding/json matches
// keys to fields: equal, or else equal up to case; "" for none.
func field(key []byte, names []string) string {
	for _, name := range names {
		// The first byte first: a comparison is a call in a guest.
		if len(key) == len(name) && key[0] == name[0] && string(key) == name {
			return name
		}
	}
	for _, name := range names {
		if bytes.EqualFold(key, []byte(name)) {
			return name
		}
	}
	return ""
}

// Setters store a value as encoding/json does into a field of its type:
// null leaves a string, number or boolean as it is and sets a pointer or
// slice to nil; a pointer to a struct already set, or a slice's elements,
// are decoded into rather than replaced (which shows with duplicate keys).

func (s *scanner) setString(p *string) bool {
	if s.null() {
		return true
	}
	v, ok := s.string()
	if ok {
		*p = v
	}
	return ok
}

func (s *scanner) setBool(p *bool) bool {
	if s.null() {
		return true
	}
	v, ok := s.bool()
	if ok {
		*p = v
	}
	return ok
}

// setInt stores an integer that fits in bits; a fraction or an exponent is
// refused, as by encoding/json.
func setInt[T ~int | ~int32](s *scanner, p *T, bits int) bool {
	if s.null() {
		return true
	}
	start := s.i
	if !s.number() {
		return false
	}
	n, err := strconv.ParseInt(string(s.data[start:s.i]), 10, bits)
	if err != nil {
		s.i = start
		return false
	}
	*p = T(n)
	return true
}

// setRaw stores the bytes of any value, null included, as
// json.RawMessage's UnmarshalJSON does.
func (s *scanner) setRaw(p *json.RawMessage) bool {
	s.ws()
	start := s.i
	if !s.skip() {
		return false
	}
	*p = append((*p)[:0], s.data[start:s.i]...)
	return true
}

func setPointer[T any](s *scanner, p **T, decode func(*T) bool) bool {
	if s.null() {
		*p = nil
		return true
	}
	if *p == nil {
		*p = new(T)
	}
	return decode(*p)
}

// setArray decodes an array into *p element by element, growing it as
// encoding/json grows a slice, so that the elements it decodes into are the
// ones encoding/json would (the old ones, with a duplicate key).
func setArray[T any](s *scanner, p *[]T, decode func(*T) bool) bool {
	if s.null() {
		*p = nil
		return true
	}
	v, i := *p, 0
	ok := s.elements(func() bool {
		if i >= cap(v) {
			grown := make([]T, len(v), max(cap(v)+cap(v)/2, 4))
			copy(grown, v)
			v = grown
		}
		if i >= len(v) {
			v = v[:i+1]
		}
		i++
		return decode(&v[i-1])
	})
	if !ok {
		return false
	}
	if i < len(v) {
		v = v[:i]
	}
	if v == nil {
		v = []T{}
	}
	*p = v
	return true
}

// scanner reads the JSON in data from offset i. Every method reports false
// for input it does not accept, leaving i at or near the offending byte.
type scanner struct {
	data  []byte
	i     int
	depth int // of the arrays and objects open at i
}

func (s *scanner) ws() {
	for s.i < len(s.data) {
		switch s.data[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// next skips white space and consumes c if it comes next.
func (s *scanner) next(c byte) bool {
	s.ws()
	if s.i < len(s.data) && s.data[s.i] == c {
		s.i++
		return true
	}
	return false
}

// end reports whether only white space is left.
func (s *scanner) end() bool {
	s.ws()
	return s.i == len(s.data)
}

// enter counts an array or object opened; encoding/json refuses input
// nested deeper than maxDepth.
func (s *scanner) enter() bool {
	s.depth++
	return s.depth <= maxDepth
}

// null consumes null if it comes next.
func (s *scanner) null() bool {
	s.ws()
	// The first byte first: it is checked before every value, and the
	// comparison of four bytes is a call in a guest.
	return s.i < len(s.data) && s.data[s.i] == 'n' && s.literal("null")
}

// object reads an object, calling member with each key (unescaped)
// positioned at its value, which member must consume.
func (s *scanner) object(member func(key []byte) bool) bool {
	if !s.next('{') || !s.enter() {
		return false
	}
	if !s.next('}') {
		for {
			s.ws()
			key, ok := s.bytes()
			if !ok || !s.next(':') || !member(key) {
				return false
			}
			if !s.next(',') {
				if !s.next('}') {
					return false
				}
				break
			}
		}
	}
	s.depth--
	return true
}

// elements reads an array, calling element positioned at each element,
// which it must consume.
func (s *scanner) elements(element func() bool) bool {
	if !s.next('[') || !s.enter() {
		return false
	}
	if !s.next(']') {
		for {
			if !element() {
				return false
			}
			if !s.next(',') {
				if !s.next(']') {
					return false
				}
				break
			}
		}
	}
	s.depth--
	return true
}

// bytes reads a string. Without escapes, in valid UTF-8 (the usual case),
// the result shares data's bytes; otherwise it is unescaped into new ones
// as encoding/json does: invalid UTF-8, and an unpaired surrogate escape,
// become U+FFFD.
func (s *scanner) bytes() ([]byte, bool) {
	if s.i >= len(s.data) || s.data[s.i] != '"' {
		return nil, false
	}
	start := s.i + 1
	for j := start; j < len(s.data); j++ {
		switch c := s.data[j]; {
		case c == '"':
			if v := s.data[start:j]; utf8.Valid(v) {
				s.i = j + 1
				return v, true
			}
			return s.unescape(start)
		case c == '\\' || c < 0x20:
			return s.unescape(start)
		}
	}
	s.i = len(s.data)
	return nil, false
}

// unescape reads the rest of a string that starts at start.
func (s *scanner) unescape(start int) ([]byte, bool) {
	var v []byte
	j := start
	for j < len(s.data) {
		c := s.data[j]
		switch {
		case c == '"':
			s.i = j + 1
			return v, true
		case c < 0x20:
			s.i = j
			return nil, false
		case c == '\\':
			if j+1 >= len(s.data) {
				s.i = j
				return nil, false
			}
			j += 2
			switch e := s.data[j-1]; e {
			case '"', '\\', '/':
				v = append(v, e)
			case 'b':
				v = append(v, '\b')
			case 'f':
				v = append(v, '\f')
			case 'n':
				v = append(v, '\n')
			case 'r':
				v = append(v, '\r')
			case 't':
				v = append(v, '\t')
			case 'u':
				r, ok := hex4(s.data, j)
				if !ok {
					s.i = j
					return nil, false
				}
				j += 4
				if utf16.IsSurrogate(r) {
					// A pair is one rune; anything else is U+FFFD.
					if r2, ok := hex4(s.data, j+2); ok && s.data[j] == '\\' && s.data[j+1] == 'u' {
						if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
							r = d
							j += 6
						} else {
							r = utf8.RuneError
						}
					} else {
						r = utf8.RuneError
					}
				}
				v = utf8.AppendRune(v, r)
			default:
				s.i = j - 1
				return nil, false
			}
		case c < utf8.RuneSelf:
			v = append(v, c)
			j++
		default:
			r, size := utf8.DecodeRune(s.data[j:])
			v = utf8.AppendRune(v, r) // U+FFFD for an invalid byte
			j += size
		}
	}
	s.i = j
	return nil, false
}

// hex4 reads the four hex digits at data[i:], if there are four.
func hex4(data []byte, i int) (rune, bool) {
	if i+4 > len(data) {
		return 0, false
	}
	var r rune
	for _, h := range data[i : i+4] {
		switch {
		case '0' <= h && h <= '9':
			h -= '0'
		case 'a' <= h && h <= 'f':
			h -= 'a' - 10
		case 'A' <= h && h <= 'F':
			h -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(h)
	}
	return r, true
}

func (s *scanner) string() (string, bool) {
	s.ws()
	v, ok := s.bytes()
	return string(v), ok
}

// method reads a string like string, without allocating for the methods
// the host sends.
func (s *scanner) method() (string, bool) {
	s.ws()
	v, ok := s.bytes()
	switch string(v) {
	case abi.MethodDiagnostics:
		return abi.MethodDiagnostics, ok
	case abi.MethodCompletion:
		return abi.MethodCompletion, ok
	case abi.MethodInitialize:
		return abi.MethodInitialize, ok
	}
	return string(v), ok
}

// number reads a number in JSON's grammar.
func (s *scanner) number() bool {
	s.ws()
	if s.i < len(s.data) && s.data[s.i] == '-' {
		s.i++
	}
	switch {
	case s.i < len(s.data) && s.data[s.i] == '0':
		s.i++
	case !s.digits():
		return false
	}
	if s.i < len(s.data) && s.data[s.i] == '.' {
		s.i++
		if !s.digits() {
			return false
		}
	}
	if s.i < len(s.data) && (s.data[s.i] == 'e' || s.data[s.i] == 'E') {
		s.i++
		if s.i < len(s.data) && (s.data[s.i] == '+' || s.data[s.i] == '-') {
			s.i++
		}
		if !s.digits() {
			return false
		}
	}
	return true
}

func (s *scanner) digits() bool {
	start := s.i
	for s.i < len(s.data) && '0' <= s.data[s.i] && s.data[s.i] <= '9' {
		s.i++
	}
	return s.i > start
}

// skip reads any JSON value.
func (s *scanner) skip() bool {
	s.ws()
	if s.i >= len(s.data) {
		return false
	}
	switch s.data[s.i] {
	case '{':
		return s.object(func([]byte) bool { return s.skip() })
	case '[':
		return s.elements(s.skip)
	case '"':
		return s.skipString()
	case 't':
		return s.literal("true")
	case 'f':
		return s.literal("false")
	case 'n':
		return s.literal("null")
	}
	return s.number()
}

// bool reads true or false.
func (s *scanner) bool() (v, ok bool) {
	s.ws()
	if s.literal("true") {
		return true, true
	}
	return false, s.literal("false")
}

func (s *scanner) literal(lit string) bool {
	if len(s.data)-s.i >= len(lit) && string(s.data[s.i:s.i+len(lit)]) == lit {
		s.i += len(lit)
		return true
	}
	return false
}

// skipString reads a string, escapes included, without unescaping it.
func (s *scanner) skipString() bool {
	if s.i >= len(s.data) || s.data[s.i] != '"' {
		return false
	}
	for j := s.i + 1; j < len(s.data); j++ {
		switch c := s.data[j]; {
		case c == '"':
			s.i = j + 1
			return true
		case c < 0x20:
			s.i = j
			return false
		case c == '\\':
			j++
			if j >= len(s.data) {
				return false
			}
			switch s.data[j] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if _, ok := hex4(s.data, j+1); !ok {
					s.i = j
					return false
				}
				j += 4
			default:
				s.i = j
				return false
			}
		}
	}
	s.i = len(s.data)
	return false
}
