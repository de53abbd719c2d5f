package sdk

import (
	"encoding/json"
	"fmt"
	"reflect"
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

func BenchmarkDecodeRequest(b *testing.B) {
	req := []byte(`{"method":"completion","document":{"uri":"file:///home/me/src/project/main.go","languageId":"go","version":12},"offset":4711}`)
	b.ReportAllocs()
	for b.Loop() {
		var r abi.Request
		decodeRequest(req, &r)
	}
}
