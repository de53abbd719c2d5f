package sdk

import (
	"bytes"
	"encoding/json"
	"strconv"
	"unicode/utf8"

	"github.com/lsphost/lsphost/abi"
)

// appendDiagnostics appends r as encoding/json would (HTML escaping off).
func appendDiagnostics(b []byte, r *abi.DiagnosticsResult) []byte {
	if r.Diagnostics == nil {
		return append(b, `{"diagnostics":null}`...)
	}
	b = append(b, `{"diagnostics":[`...)
	for i := range r.Diagnostics {
		d := &r.Diagnostics[i]
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"start":`...)
		b = appendInt(b, d.Start)
		b = append(b, `,"end":`...)
		b = appendInt(b, d.End)
		if d.Severity != 0 {
			b = append(b, `,"severity":`...)
			b = appendInt(b, int(d.Severity))
		}
		b = append(b, `,"message":`...)
		b = appendString(b, d.Message)
		if d.Code != "" {
			b = append(b, `,"code":`...)
			b = appendString(b, d.Code)
		}
		b = append(b, '}')
	}
	return append(b, "]}"...)
}

// appendCompletion appends r as encoding/json would (HTML escaping off). It
// reports false, with b as it was, for an item whose Data is not valid
// JSON, which is left to encoding/json and its error.
func appendCompletion(b []byte, r *abi.CompletionResult) ([]byte, bool) {
	start := len(b)
	b = append(b, '{')
	if r.IsIncomplete {
		b = append(b, `"isIncomplete":true,`...)
	}
	if r.Items == nil {
		return append(b, `"items":null}`...), true
	}
	b = append(b, `"items":[`...)
	for i := range r.Items {
		it := &r.Items[i]
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"label":`...)
		b = appendString(b, it.Label)
		if it.Kind != 0 {
			b = append(b, `,"kind":`...)
			b = appendInt(b, int(it.Kind))
		}
		b = appendOptionalString(b, `,"detail":`, it.Detail)
		b = appendOptionalString(b, `,"documentation":`, it.Documentation)
		b = appendOptionalString(b, `,"insertText":`, it.InsertText)
		if it.InsertTextFormat != 0 {
			b = append(b, `,"insertTextFormat":`...)
			b = appendInt(b, int(it.InsertTextFormat))
		}
		b = appendOptionalString(b, `,"filterText":`, it.FilterText)
		b = appendOptionalString(b, `,"sortText":`, it.SortText)
		if e := it.Edit; e != nil {
			b = append(b, `,"edit":{"start":`...)
			b = appendInt(b, e.Start)
			b = append(b, `,"end":`...)
			b = appendInt(b, e.End)
			b = append(b, `,"newText":`...)
			b = appendString(b, e.NewText)
			b = append(b, '}')
		}
		if isJSONInteger(it.Data) {
			// The usual data (a count, an index): valid and compact as it
			// is, so without encoding/json's scanner, which costs microseconds
			// per item in a guest.
			b = append(append(b, `,"data":`...), it.Data...)
		} else if it.Data != nil {
			// As encoding/json writes a RawMessage: compacted.
			buf := bytes.NewBuffer(append(b, `,"data":`...))
			if json.Compact(buf, it.Data) != nil {
				return b[:start], false
			}
			b = buf.Bytes()
		}
		b = append(b, '}')
	}
	return append(b, "]}"...), true
}

// isJSONInteger reports whether b is a JSON integer with nothing around it:
// an optional '-', then 0 or a digit 1-9 and more digits.
func isJSONInteger(b []byte) bool {
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

func appendOptionalString(b []byte, key, s string) []byte {
	if s == "" {
		return b
	}
	return appendString(append(b, key...), s)
}

const hexDigits = "0123456789abcdef"

// In a wasm guest under the host's preemption checks every loop iteration
// and function call costs about 50 ns (RATIONALE.md, "Why does the SDK have
// its own Index?"), so the two encoders below avoid per-byte and per-digit
// loops on the common path.

// digitPairs holds "00" to "99".
const digitPairs = "00010203040506070809101112131415161718192021222324252627282930313233343536373839" +
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879" +
	"8081828384858687888990919293949596979899"

// appendInt appends n in decimal, as strconv.AppendInt does. Offsets,
// severities and kinds below 10^8 are written two digits at a time without
// a loop; other values go to strconv.
func appendInt(b []byte, n int) []byte {
	if n < 0 || n >= 1e8 {
		return strconv.AppendInt(b, int64(n), 10)
	}
	if n < 10 {
		return append(b, byte('0'+n))
	}
	var buf [8]byte
	v := n
	p := 2 * (v % 100)
	buf[6], buf[7] = digitPairs[p], digitPairs[p+1]
	v /= 100
	p = 2 * (v % 100)
	buf[4], buf[5] = digitPairs[p], digitPairs[p+1]
	v /= 100
	p = 2 * (v % 100)
	buf[2], buf[3] = digitPairs[p], digitPairs[p+1]
	v /= 100
	p = 2 * v
	buf[0], buf[1] = digitPairs[p], digitPairs[p+1]
	var start int
	switch {
	case n < 100:
		start = 6
	case n < 1e3:
		start = 5
	case n < 1e4:
		start = 4
	case n < 1e5:
		start = 3
	case n < 1e6:
		start = 2
	case n < 1e7:
		start = 1
	}
	return append(b, buf[start:]...)
}

// plainWords reports whether the 8 bytes of x need no escaping in a JSON
// string: none is a control character, '"', '\\' or a non-ASCII byte.
func plainWord(x uint64) bool {
	const below20 = ones * 0x20
	special := x&highs | (x-below20)&^x&highs | zeroBytes(x^(ones*'"')) | zeroBytes(x^(ones*'\\'))
	return special == 0
}

// appendString appends s as a JSON string exactly as encoding/json does with
// HTML escaping off: invalid UTF-8 becomes U+FFFD, U+2028 and U+2029 are
// escaped.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if i+8 <= len(s) && plainWord(load64(s, i)) {
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
