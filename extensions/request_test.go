package extensions

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/lsphost/lsphost/abi"
)

// TestAppendRequestKnowsEveryField fails when abi.Request or abi.Document
// gains, loses or renames a field: appendRequest then sends every request
// through json.Marshal (still correct, but slower) until it is taught the
// new field.
func TestAppendRequestKnowsEveryField(t *testing.T) {
	if !requestFieldsKnown {
		t.Errorf("abi.Request is %q and abi.Document %q: teach appendRequest (request.go) the new fields and update requestFieldsKnown",
			fieldNames(reflect.TypeFor[abi.Request]()), fieldNames(reflect.TypeFor[abi.Document]()))
	}
}

func TestAppendRequest(t *testing.T) {
	for _, req := range []abi.Request{
		{Method: abi.MethodInitialize, ABIVersion: 1, Settings: json.RawMessage(`{"keywords": ["TODO"]}`)},
		{Method: abi.MethodDiagnostics, Document: &abi.Document{URI: "file:///w/a%20b.go", LanguageID: "go", Version: 42}},
		{Method: abi.MethodCompletion, Document: &abi.Document{URI: "file:///ü/<&>\"\\\n\u2028\xff.md", LanguageID: "", Version: -1}, Offset: 12, TriggerCharacter: "."},
		{Method: "x"},
		{Method: abi.MethodHover, Document: &abi.Document{URI: "file:///a", LanguageID: "go"}, Offset: 3},
		{Method: abi.MethodCompletion, Document: &abi.Document{URI: "file:///a", LanguageID: "go", SameText: true}, Offset: 3},
		{Method: abi.MethodCodeAction, Document: &abi.Document{URI: "file:///a"}, Params: json.RawMessage(`{"start":1,"end":2,"diagnostics":[]}`)},
	} {
		got, err := appendRequest([]byte("prefix"), &req)
		want, _ := json.Marshal(req)
		if err != nil || string(got) != "prefix"+string(want) {
			t.Errorf("appendRequest(%+v) = %s, %v; want %s", req, got, err, want)
		}
	}
	bad := abi.Request{Method: abi.MethodInitialize, Settings: json.RawMessage(`{`)}
	if _, err := appendRequest(nil, &bad); err == nil {
		t.Errorf("appendRequest with invalid settings succeeded")
	}
}

// FuzzAppendRequest: appendRequest writes what json.Marshal writes.
func FuzzAppendRequest(f *testing.F) {
	f.Add("diagnostics", "file:///w/a.go", "go", int32(3), 0, "")
	f.Add("completion", "file:///<é>\u2028\x00\xff", "", int32(-1), 7, "\"")
	f.Fuzz(func(t *testing.T, method, uri, lang string, version int32, offset int, trigger string) {
		for _, doc := range []*abi.Document{nil, {URI: uri, LanguageID: lang, Version: version}, {URI: uri, Version: version, SameText: true}} {
			req := abi.Request{Method: method, Document: doc, Offset: offset, TriggerCharacter: trigger, ABIVersion: offset % 3}
			got, err := appendRequest(nil, &req)
			want, _ := json.Marshal(req)
			if err != nil || string(got) != string(want) {
				t.Fatalf("appendRequest(%+v) = %s, %v; want %s", req, got, err, want)
			}
		}
	})
}

// FuzzDecodeDiagnosticsFast: what the fast path accepts decodes exactly as
// encoding/json decodes it, and what guests write takes the fast path.
func FuzzDecodeDiagnosticsFast(f *testing.F) {
	f.Add([]byte(`{"result":{"diagnostics":[{"start":1,"end":5,"severity":3,"message":"TODO: x é","code":"T1"}]}}`))
	f.Add([]byte(` { "result" : { "diagnostics" : [ { } , {"message":"m","start":-0} ] } } `))
	f.Add([]byte(`{"result":{"diagnostics":[{"start":1.5}]}}`))
	f.Add([]byte(`{"result":{"diagnostics":[{"Start":1,"start":2}]}}`))
	f.Add([]byte(`{"result":{"diagnostics":null}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var fast abi.DiagnosticsResult
		if !decodeDiagnosticsFast(data, &fast) {
			return
		}
		var resp struct {
			Result abi.DiagnosticsResult `json:"result"`
		}
		if err := json.Unmarshal(data, &resp); err != nil {
			t.Fatalf("fast path accepted %s, encoding/json fails: %v", data, err)
		}
		if !reflect.DeepEqual(fast, resp.Result) {
			t.Fatalf("decodeDiagnosticsFast(%s) = %+v, encoding/json %+v", data, fast, resp.Result)
		}
	})
}

// FuzzDecodeCompletionFast: what the fast path accepts decodes exactly as
// encoding/json decodes it.
func FuzzDecodeCompletionFast(f *testing.F) {
	f.Add([]byte(`{"result":{"isIncomplete":true,"items":[{"label":"fmt","kind":9,"detail":"package","documentation":"*d*","insertText":"fmt","insertTextFormat":2,"filterText":"f","sortText":"a","edit":{"start":1,"end":2,"newText":"x"},"data":12}]}}`))
	f.Add([]byte(` { "result" : { "items" : [ { } , {"label":"é","data":-0,"edit":{}} ] , "isIncomplete" : false } } `))
	f.Add([]byte(`{"result":{"items":[{"label":"a","data":{"n":1}}]}}`))
	f.Add([]byte(`{"result":{"items":[{"Label":"a","label":"b"}]}}`))
	f.Add([]byte(`{"result":{"items":null}}`))
	f.Add([]byte(`{"result":{"items":[{"label":"a","data":01}]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var fast abi.CompletionResult
		guest := bytes.Clone(data) // the guest's memory
		if !decodeCompletionFast(guest, &fast) {
			return
		}
		// The guest's next call writes over it: nothing decoded may change.
		for i := range guest {
			guest[i] = 'x'
		}
		var resp struct {
			Result abi.CompletionResult `json:"result"`
		}
		if err := json.Unmarshal(data, &resp); err != nil {
			t.Fatalf("fast path accepted %s, encoding/json fails: %v", data, err)
		}
		if !reflect.DeepEqual(fast, resp.Result) {
			t.Fatalf("decodeCompletionFast(%s) = %+v, encoding/json %+v", data, fast, resp.Result)
		}
	})
}

func TestDecodeCompletionFastTakesGuestOutput(t *testing.T) {
	for _, data := range []string{
		`{"result":{"items":[]}}`,
		`{"result":{"isIncomplete":true,"items":[{"label":"apple","kind":1,"data":3},{"label":"naïve","kind":1,"edit":{"start":0,"end":2,"newText":"naïve"}}]}}`,
	} {
		var r abi.CompletionResult
		if !decodeCompletionFast([]byte(data), &r) {
			t.Errorf("decodeCompletionFast(%s) fell back to encoding/json", data)
		}
	}
}

func TestDecodeDiagnosticsFastTakesGuestOutput(t *testing.T) {
	for _, data := range []string{
		`{"result":{"diagnostics":[]}}`,
		`{"result":{"diagnostics":[{"start":12,"end":16,"severity":3,"message":"TODO: tests","code":"T1"},{"start":20,"end":25,"message":"é"}]}}`,
	} {
		var d abi.DiagnosticsResult
		if !decodeDiagnosticsFast([]byte(data), &d) {
			t.Errorf("decodeDiagnosticsFast(%s) fell back to encoding/json", data)
		}
		if d.Diagnostics == nil {
			t.Errorf("decodeDiagnosticsFast(%s) gave nil diagnostics, want a list", data)
		}
	}
}

// TestNoopGuestIsBuiltFromSource checks that the committed noop.wasm is
// what wat2wasm makes of noop.wat.
func TestNoopGuestIsBuiltFromSource(t *testing.T) {
	if _, err := exec.LookPath("wat2wasm"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("wat2wasm (Debian package wabt) is missing")
		}
		t.Skip("wat2wasm (Debian package wabt) is missing")
	}
	dir := filepath.Dir(noopWasm())
	out := filepath.Join(t.TempDir(), "noop.wasm")
	if msg, err := exec.Command("wat2wasm", filepath.Join(dir, "noop.wat"), "-o", out).CombinedOutput(); err != nil {
		t.Fatalf("wat2wasm: %v\n%s", err, msg)
	}
	built, _ := os.ReadFile(out)
	committed, err := os.ReadFile(noopWasm())
	if err != nil || string(built) != string(committed) {
		t.Errorf("testdata/guests/noop/noop.wasm is not built from noop.wat (%v): run wat2wasm noop.wat -o noop.wasm there", err)
	}
}
