package sdk

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"

	"github.com/lsphost/lsphost/abi"
)

// Hand-written JSON for the messages of every call. In a Go wasm guest
// encoding/json's reflection is slow: decoding the ~100-byte request took
// ~19 µs and encoding 8 diagnostics another ~19 µs, against ~7 µs for the
// rest of a call on a 1 KB document (wazero compiler engine; see
// export_wasip1.go). The code below takes a few µs for both. It is held to
// encoding/json's results by fuzz tests (encode_test.go and decode_test.go), and a test fails if
// the abi types it encodes gain or lose a field.

// decodeRequest decodes request JSON into req. A fast path handles what a
// host writes; on anything it does not handle itself (escapes in strings,
// null, fractions, duplicate or case-folded keys, malformed input) it falls
// back to encoding/json, so that results and errors are always exactly
// encoding/json's.
func decodeRequest(data []byte, req *abi.Request) error {
	if fastDecodeRequest(data, req) {
		return nil
	}
	*req = abi.Request{}
	return json.Unmarshal(data, req)
}

func fastDecodeRequest(data []byte, req *abi.Request) bool {
	s := scanner{data: data}
	var seen uint
	return s.object(func(key []byte) bool {
		var bit uint
		ok := false
		switch string(key) {
		case "method":
			bit = 1
			req.Method, ok = s.method()
		case "abiVersion":
			var n int64
			n, ok = s.int(strconv.IntSize)
			bit, req.ABIVersion = 2, int(n)
		case "settings":
			bit = 4
			var raw []byte
			if raw, ok = s.raw(); ok {
				req.Settings = json.RawMessage(append([]byte(nil), raw...))
			}
		case "root":
			bit = 128
			req.Root, ok = s.string()
		case "document":
			bit, req.Document = 8, new(abi.Document)
			ok = s.document(req.Document)
		case "offset":
			var n int64
			n, ok = s.int(strconv.IntSize)
			bit, req.Offset = 16, int(n)
		case "triggerCharacter":
			bit = 32
			req.TriggerCharacter, ok = s.string()
		case "params":
			bit = 64
			var raw []byte
			if raw, ok = s.raw(); ok {
				req.Params = json.RawMessage(append([]byte(nil), raw...))
			}
		default:
			ok = !foldsTo(key, "method", "abiVersion", "settings", "root", "document", "offset", "triggerCharacter", "params") && s.skip(0)
		}
		ok = ok && seen&bit == 0
		seen |= bit
		return ok
	}) && s.end()
}

func (s *scanner) document(doc *abi.Document) bool {
	var seen uint
	return s.object(func(key []byte) bool {
		var bit uint
		ok := false
		switch string(key) {
		case "uri":
			bit = 1
			doc.URI, ok = s.string()
		case "languageId":
			bit = 2
			doc.LanguageID, ok = s.string()
		case "version":
			var n int64
			n, ok = s.int(32)
			bit, doc.Version = 4, int32(n)
		case "sameText":
			bit = 8
			doc.SameText, ok = s.bool()
		default:
			ok = !foldsTo(key, "uri", "languageId", "version", "sameText") && s.skip(0)
		}
		ok = ok && seen&bit == 0
		seen |= bit
		return ok
	})
}

// foldsTo reports whether key is not plain ASCII or equals one of names up
// to case: encoding/json would match such a key to a field by folding case,
// which the fast path leaves to it.
func foldsTo(key []byte, names ...string) bool {
	for _, c := range key {
		if c >= utf8.RuneSelf {
			return true
		}
	}
	for _, name := range names {
		if len(name) == len(key) {
			equal := true
			for i := range key {
				if key[i]|0x20 != name[i]|0x20 {
					equal = false
					break
				}
			}
			if equal {
				return true
			}
		}
	}
	return false
}

// scanner reads the JSON in data from offset i. Every method reports false
// for input it does not accept, which the caller turns into a fallback.
type scanner struct {
	data []byte
	i    int
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

// object reads an object, calling member with each key positioned at its
// value, which member must consume.
func (s *scanner) object(member func(key []byte) bool) bool {
	if !s.next('{') {
		return false
	}
	if s.next('}') {
		return true
	}
	for {
		key, ok := s.plainString()
		if !ok || !s.next(':') || !member(key) {
			return false
		}
		if !s.next(',') {
			return s.next('}')
		}
	}
}

// plainString reads a string without escapes, in valid UTF-8.
func (s *scanner) plainString() ([]byte, bool) {
	if !s.next('"') {
		return nil, false
	}
	start := s.i
	for j := start; j < len(s.data); j++ {
		switch c := s.data[j]; {
		case c == '"':
			s.i = j + 1
			v := s.data[start:j]
			return v, utf8.Valid(v)
		case c == '\\' || c < 0x20:
			return nil, false
		}
	}
	return nil, false
}

func (s *scanner) string() (string, bool) {
	v, ok := s.plainString()
	return string(v), ok
}

// method reads a string like string, without allocating for the methods
// the host sends.
func (s *scanner) method() (string, bool) {
	v, ok := s.plainString()
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

// int reads an integer that fits in bits.
func (s *scanner) int(bits int) (int64, bool) {
	s.ws()
	start := s.i
	if !s.number() {
		return 0, false
	}
	n, err := strconv.ParseInt(string(s.data[start:s.i]), 10, bits)
	return n, err == nil // a fraction or exponent fails to parse too
}

// number reads a number in JSON's grammar.
func (s *scanner) number() bool {
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

// raw reads an object and returns its bytes.
func (s *scanner) raw() ([]byte, bool) {
	s.ws()
	start := s.i
	if s.i >= len(s.data) || s.data[s.i] != '{' || !s.skip(0) {
		return nil, false
	}
	return s.data[start:s.i], true
}

// skip reads any JSON value.
func (s *scanner) skip(depth int) bool {
	s.ws()
	if s.i >= len(s.data) || depth > 1000 {
		return false
	}
	switch c := s.data[s.i]; c {
	case '{':
		s.i++
		if s.next('}') {
			return true
		}
		for {
			s.ws()
			if !s.skipString() || !s.next(':') || !s.skip(depth+1) {
				return false
			}
			if !s.next(',') {
				return s.next('}')
			}
		}
	case '[':
		s.i++
		if s.next(']') {
			return true
		}
		for {
			if !s.skip(depth + 1) {
				return false
			}
			if !s.next(',') {
				return s.next(']')
			}
		}
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

// skipString reads a string, escapes included.
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
			return false
		case c == '\\':
			j++
			if j >= len(s.data) {
				return false
			}
			switch s.data[j] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if j+4 >= len(s.data) {
					return false
				}
				for _, h := range s.data[j+1 : j+5] {
					if !('0' <= h && h <= '9' || 'a' <= h && h <= 'f' || 'A' <= h && h <= 'F') {
						return false
					}
				}
				j += 4
			default:
				return false
			}
		}
	}
	return false
}
