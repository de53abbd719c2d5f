package sdk

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/lsphost/lsphost/abi"
)

// TestWireTypesUnchanged fails when an abi type that decode.go decodes or
// encode.go encodes by hand gains, loses or renames a field: they must follow.
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
			t.Errorf("abi.%s changed; update decode.go, encode.go and this test.\ngot  %s\nwant %s", typ.Name(), got, tt.want)
		}
	}
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
