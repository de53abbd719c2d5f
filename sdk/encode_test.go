package sdk

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/lsphost/lsphost/abi"
)

// encodeJSON is what appendDiagnostics and appendCompletion must produce.
func encodeJSON(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(err)
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

func FuzzAppendDiagnostics(f *testing.F) {
	f.Add(0, 4, 2, "TODO: <tests> & \"quotes\" \\ \u2028\x01\x1f\b\f\n\r\t é \xff\xfe", "")
	f.Add(-5, 1<<40, 0, "", "E\u20291")
	f.Fuzz(func(t *testing.T, start, end, severity int, message, code string) {
		for _, r := range []abi.DiagnosticsResult{
			{},
			{Diagnostics: []abi.Diagnostic{}},
			{Diagnostics: []abi.Diagnostic{
				{Start: start, End: end, Severity: abi.Severity(severity), Message: message, Code: code},
				{Start: end, End: start, Message: code, Code: message},
			}},
		} {
			if got, want := appendDiagnostics(nil, &r), encodeJSON(r); !bytes.Equal(got, want) {
				t.Fatalf("appendDiagnostics(%+v) =\n%s\nwant\n%s", r, got, want)
			}
		}
	})
}

func FuzzAppendCompletion(f *testing.F) {
	f.Add(true, 1, 2, "label", "detail\n", "*doc*", "insert ${1}", "filter", "sort", "new\ttext", "12")
	f.Add(false, 0, 0, "", "", "", "", "", "", "", ` { "a" : [1, "<&>"] } `)
	for _, data := range []string{"0", "-0", "-12", "007", "-", " 1", "1e3", "", "{bad"} {
		f.Add(false, 1, 0, "x", "", "", "", "", "", "", data)
	}
	f.Fuzz(func(t *testing.T, incomplete bool, kind, start int, label, detail, doc, insert, filter, sort, newText, data string) {
		item := abi.CompletionItem{
			Label: label, Kind: abi.CompletionItemKind(kind), Detail: detail, Documentation: doc,
			InsertText: insert, InsertTextFormat: abi.InsertTextFormat(start % 3), FilterText: filter, SortText: sort,
		}
		withEdit := item
		withEdit.Edit = &abi.TextEdit{Start: start, End: kind, NewText: newText}
		withEdit.Data = json.RawMessage(data)
		valid := json.Valid([]byte(data))
		for _, r := range []abi.CompletionResult{
			{IsIncomplete: incomplete},
			{IsIncomplete: incomplete, Items: []abi.CompletionItem{}},
			{IsIncomplete: incomplete, Items: []abi.CompletionItem{item, withEdit}},
		} {
			got, ok := appendCompletion([]byte("prefix"), &r)
			if !ok {
				// Invalid data is left to encoding/json, b as it was.
				if valid || len(r.Items) == 0 || string(got) != "prefix" {
					t.Fatalf("appendCompletion(%+v) = %q, false; data valid %v", r, got, valid)
				}
				continue
			}
			if want := encodeJSON(r); string(got) != "prefix"+string(want) {
				t.Fatalf("appendCompletion(%+v) =\n%s\nwant\n%s", r, got, want)
			}
		}
	})
}

// FuzzIsJSONInteger: what isJSONInteger accepts, encoding/json accepts and
// compacts to the same bytes.
func FuzzIsJSONInteger(f *testing.F) {
	for _, s := range []string{"0", "-0", "12", "-12", "007", "-", "", " 1", "1 ", "1e3", "1.5", "+1", "--1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !isJSONInteger([]byte(s)) {
			return
		}
		var buf bytes.Buffer
		if err := json.Compact(&buf, []byte(s)); err != nil || buf.String() != s {
			t.Errorf("isJSONInteger(%q) = true, but encoding/json compacts it to %q (%v)", s, buf.String(), err)
		}
	})
}

// FuzzAppendInt: appendInt is strconv.AppendInt.
func FuzzAppendInt(f *testing.F) {
	for _, n := range []int{0, 9, 10, 99, 100, 12345, 99999999, 1e8, -1, -12345} {
		f.Add(n)
	}
	f.Fuzz(func(t *testing.T, n int) {
		if got, want := string(appendInt([]byte("x"), n)), "x"+strconv.Itoa(n); got != want {
			t.Errorf("appendInt(%d) = %s, want %s", n, got, want)
		}
	})
}

// TestAppendStringWords checks appendString where its eight-byte steps
// meet bytes that need escaping, at every alignment.
func TestAppendStringWords(t *testing.T) {
	for _, special := range []string{`"`, `\`, "\n", "\x00", "\x1f", "é", "\u2028", "\xff", "<", "\x7f"} {
		for at := range 20 {
			s := strings.Repeat("a", at) + special + strings.Repeat("b", 20-at)
			if got, want := appendString(nil, s), encodeJSON(s); !bytes.Equal(got, want) {
				t.Errorf("appendString(%q) = %s, want %s", s, got, want)
			}
		}
	}
}
