package sdk

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/lsphost/lsphost/abi"
)

// TestWireTypesUnchanged fails when an abi type that wire.go decodes or
// encodes by hand gains, loses or renames a field: wire.go must follow.
func TestWireTypesUnchanged(t *testing.T) {
	tests := []struct {
		v    any
		want string
	}{
		{abi.Request{}, `Method string "json:\"method\""; ABIVersion int "json:\"abiVersion,omitempty\""; Settings json.RawMessage "json:\"settings,omitempty\""; Root string "json:\"root,omitempty\""; Document *abi.Document "json:\"document,omitempty\""; Offset int "json:\"offset,omitempty\""; TriggerCharacter string "json:\"triggerCharacter,omitempty\""; Params json.RawMessage "json:\"params,omitempty\""`},
		{abi.Document{}, `URI string "json:\"uri\""; LanguageID string "json:\"languageId\""; Version int32 "json:\"version\""; SameText bool "json:\"sameText,omitempty\""`},
		{abi.DiagnosticsResult{}, `Diagnostics []abi.Diagnostic "json:\"diagnostics\""`},
		{abi.Diagnostic{}, `Start int "json:\"start\""; End int "json:\"end\""; Severity abi.Severity "json:\"severity,omitempty\""; Message string "json:\"message\""; Code string "json:\"code,omitempty\""; Data json.RawMessage "json:\"data,omitempty\""`},
		{abi.CompletionResult{}, `IsIncomplete bool "json:\"isIncomplete,omitempty\""; Items []abi.CompletionItem "json:\"items\""`},
		{abi.CompletionItem{}, `Label string "json:\"label\""; Kind abi.CompletionItemKind "json:\"kind,omitempty\""; Detail string "json:\"detail,omitempty\""; Documentation string "json:\"documentation,omitempty\""; InsertText string "json:\"insertText,omitempty\""; InsertTextFormat abi.InsertTextFormat "json:\"insertTextFormat,omitempty\""; FilterText string "json:\"filterText,omitempty\""; SortText string "json:\"sortText,omitempty\""; Edit *abi.TextEdit "json:\"edit,omitempty\""; Data json.RawMessage "json:\"data,omitempty\""`},
		{abi.TextEdit{}, `Start int "json:\"start\""; End int "json:\"end\""; NewText string "json:\"newText\""`},
	}
	for _, tt := range tests {
		typ := reflect.TypeOf(tt.v)
		var fields []string
		for f := range typ.Fields() {
			fields = append(fields, fmt.Sprintf("%s %s %q", f.Name, f.Type, f.Tag))
		}
		if got := strings.Join(fields, "; "); got != tt.want {
			t.Errorf("abi.%s changed; update wire.go and this test.\ngot  %s\nwant %s", typ.Name(), got, tt.want)
		}
	}
}

// hostRequests are requests as the host writes them: encoding/json output.
func hostRequests() [][]byte {
	var out [][]byte
	for _, r := range []abi.Request{
		{Method: "initialize", ABIVersion: 1},
		{Method: "initialize", ABIVersion: 1, Settings: json.RawMessage(`{"keywords":["TODO","FIXME"],"n":{"a":[1,2.5e3,true,null,"\u00e9\n"]}}`)},
		{Method: "diagnostics", Document: &abi.Document{URI: "file:///home/me/src/a%20b.go", LanguageID: "go", Version: 42}},
		{Method: "diagnostics", Document: &abi.Document{URI: "untitled:Untitled-1", LanguageID: "plaintext", Version: -1}},
		{Method: "completion", Document: &abi.Document{URI: "file:///ü.md", LanguageID: "markdown", Version: 2147483647}, Offset: 123456, TriggerCharacter: "."},
		{Method: "completion", Document: &abi.Document{URI: "file:///a", LanguageID: "x"}},
		{Method: "hover", Document: &abi.Document{URI: "file:///a", LanguageID: "x", Version: 3, SameText: true}, Offset: 9},
		{Method: "codeAction", Document: &abi.Document{URI: "file:///a", LanguageID: "x"}, Params: json.RawMessage(`{"start":1,"end":2,"diagnostics":[{"start":1,"end":2,"message":"m","data":{"fix":"x"}}],"only":["quickfix"]}`)},
	} {
		b, err := json.Marshal(r)
		if err != nil {
			panic(err)
		}
		out = append(out, b)
	}
	return out
}

// TestDecodeRequestFastPath checks that what the host sends takes the fast
// path, and decodes as encoding/json does.
func TestDecodeRequestFastPath(t *testing.T) {
	for _, data := range hostRequests() {
		var fast, want abi.Request
		if !fastDecodeRequest(data, &fast) {
			t.Errorf("fastDecodeRequest(%s) fell back", data)
			continue
		}
		if err := json.Unmarshal(data, &want); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(fast, want) {
			t.Errorf("fastDecodeRequest(%s) = %+v, want %+v", data, fast, want)
		}
	}
}

// TestDecodeRequestFallback checks inputs the fast path leaves to
// encoding/json.
func TestDecodeRequestFallback(t *testing.T) {
	for _, data := range []string{
		`{"method":"diagn\u006fstics"}`,
		`{"METHOD":"initialize"}`,
		`{"method":"a","method":"b"}`,
		`{"method":null}`,
		`{"document":null}`,
		`{"offset":1.0}`,
		`{"offset":1e3}`,
		`{"document":{"version":4294967296}}`,
		`{"settings":[1]}`,
		`{"method":"a"} x`,
		`{"method":"a",}`,
		`{"meth\u006fd":"a"}`,
		`{"ſettings":{}}`,
		`{"method":"\xff"}`,
		"{\"method\":\"a\tb\"}",
		`{"x":[01]}`,
		`[]`,
		``,
	} {
		var r abi.Request
		if fastDecodeRequest([]byte(data), &r) {
			t.Errorf("fastDecodeRequest(%s) = %+v, want a fallback", data, r)
		}
		checkDecodeRequest(t, []byte(data))
	}
}

// checkDecodeRequest checks that decodeRequest agrees with encoding/json on
// data, in result and error.
func checkDecodeRequest(t *testing.T, data []byte) {
	t.Helper()
	var got, want abi.Request
	gotErr, wantErr := decodeRequest(data, &got), json.Unmarshal(data, &want)
	if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) || wantErr == nil && !reflect.DeepEqual(got, want) {
		t.Fatalf("decodeRequest(%q) = %+v, %v; encoding/json gives %+v, %v", data, got, gotErr, want, wantErr)
	}
	var fast abi.Request
	if fastDecodeRequest(data, &fast) && (wantErr != nil || !reflect.DeepEqual(fast, want)) {
		t.Fatalf("fastDecodeRequest(%q) = %+v; encoding/json gives %+v, %v", data, fast, want, wantErr)
	}
}

func FuzzDecodeRequest(f *testing.F) {
	for _, data := range hostRequests() {
		f.Add(data)
	}
	f.Add([]byte(`{"method":"a","x":{"y":[1,-0.5E+2,"\"\\\/\b\f\n\r\t\u12aB"]},"document":{"uri":"u","z":null}}`))
	f.Add([]byte(` { "offset" : -0 , "document" : { } } `))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkDecodeRequest(t, data)
	})
}

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

// benchmarkText is a 1 KB document with 8 TODO markers.
var benchmarkText = strings.Repeat("// TODO: write the tests for this item\n"+strings.Repeat("x", 88)+"\n", 8)

func BenchmarkHandleDiagnostics(b *testing.B) {
	e := &Extension{Diagnostics: func(doc *Document) ([]Diagnostic, error) {
		var diags []Diagnostic
		for i := 0; ; {
			j := strings.Index(doc.Text[i:], "TODO")
			if j < 0 {
				return diags, nil
			}
			i += j + 4
			diags = append(diags, Diagnostic{Start: i - 4, End: i, Severity: SeverityInformation, Message: "TODO"})
		}
	}}
	req := []byte(`{"method":"diagnostics","document":{"uri":"file:///home/me/src/project/main.go","languageId":"go","version":12}}`)
	b.SetBytes(int64(len(benchmarkText)))
	b.ReportAllocs()
	for b.Loop() {
		handle(e, req, benchmarkText)
	}
}

func BenchmarkDecodeRequest(b *testing.B) {
	req := []byte(`{"method":"completion","document":{"uri":"file:///home/me/src/project/main.go","languageId":"go","version":12},"offset":4711}`)
	b.ReportAllocs()
	for b.Loop() {
		var r abi.Request
		decodeRequest(req, &r)
	}
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
