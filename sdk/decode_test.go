package sdk

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/lsphost/lsphost/abi"
)

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

// TestDecodeRequestHostRequests: what the host sends decodes as with
// encoding/json.
func TestDecodeRequestHostRequests(t *testing.T) {
	for _, data := range hostRequests() {
		checkDecodeRequest(t, data)
	}
}

// TestDecodeRequestLikeEncodingJSON checks inputs a host does not send, on
// which encoding/json's rules show: escapes, null, fractions, duplicate and
// case-folded keys, nesting, malformed input.
func TestDecodeRequestLikeEncodingJSON(t *testing.T) {
	for _, data := range []string{
		`{"method":"diagn\u006fstics"}`,
		`{"METHOD":"initialize"}`,
		`{"method":"a","method":"b"}`,
		`{"method":"a","Method":"b"}`,
		`{"method":null}`,
		`null`,
		` null `,
		`{"document":null}`,
		`{"document":{"uri":"a"},"document":{"version":3}}`,
		`{"document":{"uri":"a"},"document":null}`,
		`{"document":"a"}`,
		`{"offset":1.0}`,
		`{"offset":1e3}`,
		`{"offset":-0}`,
		`{"offset":"1"}`,
		`{"offset":9223372036854775807}`,
		`{"offset":9223372036854775808}`,
		`{"document":{"version":2147483647}}`,
		`{"document":{"version":4294967296}}`,
		`{"document":{"sameText":null}}`,
		`{"document":{"sameText":1}}`,
		`{"settings":[1]}`,
		`{"settings":null}`,
		`{"settings":"x","settings":{ "a" : 1 }}`,
		`{"params":{"a":[1,{"b":null}]}}`,
		`{"method":"a"} x`,
		`{"method":"a",}`,
		`{"meth\u006fd":"a"}`,
		`{"ſettings":{}}`,
		`{"K":1,"\u212a":2}`,
		`{"method":"\xff"}`,
		"{\"method\":\"\xff\xfe a\"}",
		"{\"method\":\"a\tb\"}",
		`{"method":"\ud83d\ude00 \ud83d x \ude00 \ud83d\u0041"}`,
		`{"method":"\u00e9\/\b\f\n\r\t\"\\"}`,
		`{"method":"\x"}`,
		`{"method":"\u12"}`,
		`{"x":[01]}`,
		`{"x":[1,]}`,
		`{"x":-}`,
		`{"x":tru}`,
		`[]`,
		`""`,
		``,
		`{`,
		`{"method"`,
	} {
		checkDecodeRequest(t, []byte(data))
	}
}

// TestDecodeDepth: encoding/json's limit on nesting, in a skipped value.
func TestDecodeDepth(t *testing.T) {
	for _, depth := range []int{9999, 10000} {
		data := `{"x":` + strings.Repeat("[", depth) + strings.Repeat("]", depth) + `}`
		checkDecodeRequest(t, []byte(data))
	}
}

// checkDecodeRequest checks that decodeRequest agrees with encoding/json on
// data: an error exactly when encoding/json gives one, and otherwise the
// same request.
func checkDecodeRequest(t *testing.T, data []byte) {
	t.Helper()
	var got, want abi.Request
	gotErr, wantErr := decodeRequest(data, &got), json.Unmarshal(data, &want)
	if (gotErr == nil) != (wantErr == nil) || wantErr == nil && !reflect.DeepEqual(got, want) {
		t.Fatalf("decodeRequest(%q) = %+v, %v; encoding/json gives %+v, %v", data, got, gotErr, want, wantErr)
	}
}

func FuzzDecodeRequest(f *testing.F) {
	for _, data := range hostRequests() {
		f.Add(data)
	}
	f.Add([]byte(`{"method":"a","x":{"y":[1,-0.5E+2,"\"\\\/\b\f\n\r\t\u12aB"]},"document":{"uri":"u","z":null}}`))
	f.Add([]byte(` { "offset" : -0 , "document" : { } } `))
	f.Add([]byte(`{"Document":{"URI":"a","VERSION":1},"document":{"sametext":true}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkDecodeRequest(t, data)
	})
}

// paramsCases are params of every type decodeParams takes, as the host
// writes them and otherwise.
var paramsCases = []struct {
	new  func() any
	data string
}{
	{func() any { return new(abi.CompletionResolveParams) }, `{"item":{"label":"a","kind":3,"detail":"d","documentation":"*x*","insertText":"i","insertTextFormat":2,"filterText":"f","sortText":"s","edit":{"start":1,"end":2,"newText":"n"},"data":{"n": [1, 2]}}}`},
	{func() any { return new(abi.CompletionResolveParams) }, `{"item":null}`},
	{func() any { return new(abi.CompletionResolveParams) }, `{"item":{"edit":{"start":1},"edit":{"end":2}}}`},
	{func() any { return new(abi.CompletionResolveParams) }, `{"item":{"edit":{"start":1},"edit":null,"data":null}}`},
	{func() any { return new(abi.CodeActionParams) }, `{"start":1,"end":2,"diagnostics":[{"start":1,"end":2,"severity":2,"message":"m","code":"c","data":{"fix":"x"}}],"only":["quickfix"]}`},
	{func() any { return new(abi.CodeActionParams) }, `{"diagnostics":[{"start":1,"message":"a"},{"end":5}],"diagnostics":[{"end":2}]}`},
	{func() any { return new(abi.CodeActionParams) }, `{"diagnostics":[{"start":1},{"end":5},{"end":6}],"diagnostics":[{"end":2}],"diagnostics":[{},{},{}]}`},
	{func() any { return new(abi.CodeActionParams) }, `{"diagnostics":[],"only":null}`},
	{func() any { return new(abi.CodeActionParams) }, `{"diagnostics":[null,{"start":1}],"only":["a",null]}`},
	{func() any { return new(abi.CodeActionParams) }, `{"diagnostics":{}}`},
	{func() any { return new(abi.CodeActionResolveParams) }, `{"action":{"title":"t","kind":"quickfix","diagnostics":[0,2],"isPreferred":true,"edits":[{"start":0,"end":1,"newText":"x"}],"command":{"title":"c","command":"run","arguments":[{"uri":"u"},1,null]},"data":[1]}}`},
	{func() any { return new(abi.CodeActionResolveParams) }, `{"action":{"diagnostics":[1.5]}}`},
	{func() any { return new(abi.CodeActionResolveParams) }, `{"action":{"command":{"title":"a"},"command":{"command":"b"}}}`},
	{func() any { return new(abi.FormattingParams) }, `{"tabSize":4,"insertSpaces":true,"start":3,"end":9}`},
	{func() any { return new(abi.FormattingParams) }, `{"tabSize":4.5}`},
	{func() any { return new(abi.ExecuteCommandParams) }, `{"command":"count","arguments":[{"uri":"file:///a"}, "x" ,[]]}`},
	{func() any { return new(abi.ExecuteCommandParams) }, `{"command":"count","arguments":null}`},
	{func() any { return new(abi.ExecuteCommandParams) }, `{"command":1}`},
}

// TestDecodeParams: decodeParams agrees with encoding/json on every params
// type.
func TestDecodeParams(t *testing.T) {
	for _, tt := range paramsCases {
		checkDecodeParams(t, tt.new, []byte(tt.data))
	}
}

func checkDecodeParams(t *testing.T, newParams func() any, data []byte) {
	t.Helper()
	got, want := newParams(), newParams()
	gotErr, wantErr := decodeParams(data, got), json.Unmarshal(data, want)
	if (gotErr == nil) != (wantErr == nil) || wantErr == nil && !reflect.DeepEqual(got, want) {
		t.Fatalf("decodeParams(%q) = %+v, %v; encoding/json gives %+v, %v", data, got, gotErr, want, wantErr)
	}
}

func FuzzDecodeParams(f *testing.F) {
	for i, tt := range paramsCases {
		f.Add(i, []byte(tt.data))
	}
	f.Fuzz(func(t *testing.T, i int, data []byte) {
		checkDecodeParams(t, paramsCases[uint(i)%uint(len(paramsCases))].new, data)
	})
}

func BenchmarkDecodeRequest(b *testing.B) {
	req := []byte(`{"method":"completion","document":{"uri":"file:///home/me/src/project/main.go","languageId":"go","version":12},"offset":4711}`)
	b.ReportAllocs()
	for b.Loop() {
		var r abi.Request
		decodeRequest(req, &r)
	}
}
