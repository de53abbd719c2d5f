package lsp

import (
	"encoding/json"
	"testing"

	"go.lsp.dev/protocol"
)

// TestEncodePublish: the hand encoder writes the bytes json.Marshal writes,
// for every field computeDiagnostics sets, and diagnostics with other fields
// still encode (through json.Marshal).
func TestEncodePublish(t *testing.T) {
	version := int32(7)
	r := protocol.Range{Start: protocol.Position{Line: 3, Character: 4}, End: protocol.Position{Line: 1 << 20, Character: 90}}
	every := []protocol.Diagnostic{
		{Range: r, Severity: protocol.DiagnosticSeverityWarning, Code: "E1 <&>", Source: "todo", Message: "TODO: b\u00e9ta \xff\u2028 \"q\" \t<b>", Data: json.RawMessage("12")},
		{Range: r, Message: "no severity, code or source"},
		{Range: r, Severity: 1, Code: "", Message: "an empty code is still sent", Data: json.RawMessage(`{ "k" : [1, "<v>"] }`)},
		{Range: r, Severity: 4, Message: "negative data", Data: json.RawMessage("-7")},
	}
	params := map[string]publishParams{
		"empty":                    {URI: "file:///a.txt", Version: &version, Diagnostics: []protocol.Diagnostic{}},
		"every field":              {URI: "file:///a%20b.txt", Version: &version, Diagnostics: every},
		"no version":               {URI: "file:///a.txt", Diagnostics: every[:1]},
		"nil":                      {URI: "file:///a.txt", Version: &version},
		"a field it does not know": {URI: "file:///a.txt", Diagnostics: []protocol.Diagnostic{{Range: r, Message: "m", Tags: []protocol.DiagnosticTag{protocol.DiagnosticTagUnnecessary}}}},
		"a number code":            {URI: "file:///a.txt", Diagnostics: []protocol.Diagnostic{{Range: r, Message: "m", Code: 12}}},
		"a fraction of a severity": {URI: "file:///a.txt", Diagnostics: []protocol.Diagnostic{{Range: r, Message: "m", Severity: 1.5}}},
	}
	for name, p := range params {
		want, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		got, err := encodePublish(&p)
		if err != nil || string(got) != string(want) {
			t.Errorf("%s: encodePublish =\n%s, %v\nwant\n%s", name, got, err, want)
		}
	}
	bad := publishParams{URI: "file:///a.txt", Diagnostics: []protocol.Diagnostic{{Range: r, Message: "m", Data: json.RawMessage("{bad")}}}
	if got, err := encodePublish(&bad); err == nil {
		t.Errorf("invalid data encoded as %s, want an error", got)
	}
}

// BenchmarkEncodePublish encodes the publish of a large file's diagnostics
// (1,500, as two extensions report on lspbench's 10k-line file) by hand and
// with json.Marshal, in one run.
//
//	go test -run '^$' -bench EncodePublish -benchmem ./lsp
func BenchmarkEncodePublish(b *testing.B) {
	version := int32(1)
	p := publishParams{URI: "file:///w/large.txt", Version: &version}
	for i := range 1500 {
		p.Diagnostics = append(p.Diagnostics, protocol.Diagnostic{
			Range:    protocol.Range{Start: protocol.Position{Line: uint32(i * 6), Character: 40}, End: protocol.Position{Line: uint32(i * 6), Character: 44}},
			Severity: protocol.DiagnosticSeverityInformation, Source: "todo", Message: "TODO: check the item and the next one",
		})
	}
	for _, enc := range []struct {
		name string
		f    func(*publishParams) ([]byte, error)
	}{{"hand", encodePublish}, {"json.Marshal", func(p *publishParams) ([]byte, error) { return json.Marshal(p) }}} {
		b.Run(enc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := enc.f(&p); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
