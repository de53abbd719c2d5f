package schema

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/lsphost/lsphost/abi"
)

// messages ties each schema to the Go type it describes and a sample value
// as the host or the SDK encodes it. A new message is one line here.
// pointer is where in the schema the Go type's object is; for a response
// it is the result, and the sample is sent wrapped as {"result": ...}.
var messages = []struct {
	schema, pointer string
	sample          any
}{
	{"initialize.request.json", "#", abi.Request{Method: abi.MethodInitialize, ABIVersion: abi.Version, Settings: json.RawMessage(`{"keywords":["TODO","FIXME"]}`), Root: "file:///w"}},
	{"diagnostics.request.json", "#", abi.Request{Method: abi.MethodDiagnostics, Document: &abi.Document{URI: "file:///w/a.go", LanguageID: "go", Version: 4}}},
	{"completion.request.json", "#", abi.Request{Method: abi.MethodCompletion, Document: &abi.Document{URI: "file:///w/a.md", LanguageID: "markdown", Version: 9}, Offset: 57, TriggerCharacter: "."}},
	{"initialize.response.json", "#/$defs/result", abi.InitializeResult{Name: "todo", Version: "1.0.0", Features: []string{abi.FeatureDiagnostics, abi.FeatureCompletion}, TriggerCharacters: []string{"."}, Languages: []string{"go"}, KeepsText: true, PrepareMin: 65536}},
	{"diagnostics.response.json", "#/$defs/result", abi.DiagnosticsResult{Diagnostics: []abi.Diagnostic{{Start: 12, End: 16, Severity: abi.SeverityInformation, Message: "TODO: tests", Code: "T1"}, {Start: 0, End: 0, Message: "no severity"}}}},
	{"completion.response.json", "#/$defs/result", abi.CompletionResult{IsIncomplete: true, Items: []abi.CompletionItem{
		{Label: "fmt", Kind: 9, Detail: "package", Documentation: "*doc*", InsertText: "fmt", InsertTextFormat: abi.Snippet, FilterText: "fmt", SortText: "a", Edit: &abi.TextEdit{Start: 54, End: 57, NewText: "fmt"}},
		{Label: "plain"},
	}}},
	// The methods beyond diagnostics and completion.
	{"completionResolve.request.json", "#", abi.Request{Method: abi.MethodCompletionResolve, Params: raw(abi.CompletionResolveParams{Item: abi.CompletionItem{Label: "fmt", Data: json.RawMessage(`{"n":1}`)}})}},
	{"completionResolve.response.json", "#/$defs/result", abi.CompletionItem{Label: "fmt", Kind: 9, Detail: "package", Documentation: "*doc*", InsertText: "fmt", InsertTextFormat: abi.PlainText, FilterText: "f", SortText: "a", Edit: &abi.TextEdit{Start: 1, End: 2, NewText: "x"}, Data: json.RawMessage(`{"n":1}`)}},
	{"hover.request.json", "#", abi.Request{Method: abi.MethodHover, Document: doc, Offset: 12}},
	{"hover.request.json", "#", abi.Request{Method: abi.MethodHover, Document: &abi.Document{URI: "file:///w/a.md", LanguageID: "markdown", Version: 9, SameText: true}, Offset: 12}},
	{"hover.response.json", "#/$defs/result", abi.HoverResult{Contents: "**TODO**", Start: 10, End: 14}},
	{"codeAction.request.json", "#", abi.Request{Method: abi.MethodCodeAction, Document: doc, Params: raw(abi.CodeActionParams{Start: 20, End: 23, Diagnostics: []abi.Diagnostic{{Start: 20, End: 23, Message: "bad", Data: json.RawMessage(`{"fix":"good"}`)}}, Only: []string{"quickfix"}})}},
	{"codeAction.response.json", "#/$defs/result", abi.CodeActionResult{Actions: []abi.CodeAction{action}}},
	{"codeActionResolve.request.json", "#", abi.Request{Method: abi.MethodCodeActionResolve, Document: doc, Params: raw(abi.CodeActionResolveParams{Action: action})}},
	{"codeActionResolve.response.json", "#/$defs/result", action},
	{"formatting.request.json", "#", abi.Request{Method: abi.MethodFormatting, Document: doc, Params: raw(abi.FormattingParams{TabSize: 4, InsertSpaces: true})}},
	{"formatting.response.json", "#/$defs/result", abi.FormattingResult{Edits: []abi.TextEdit{{Start: 3, End: 4, NewText: ""}}}},
	{"rangeFormatting.request.json", "#", abi.Request{Method: abi.MethodRangeFormatting, Document: doc, Params: raw(abi.FormattingParams{TabSize: 2, Start: 5, End: 9})}},
	{"rangeFormatting.response.json", "#/$defs/result", abi.FormattingResult{Edits: []abi.TextEdit{}}},
	{"documentSymbol.request.json", "#", abi.Request{Method: abi.MethodDocumentSymbol, Document: doc}},
	{"documentSymbol.response.json", "#/$defs/result", abi.DocumentSymbolResult{Symbols: []abi.Symbol{{Name: "Title", Detail: "h1", Kind: abi.SymbolModule, Start: 0, End: 20, SelectionStart: 2, SelectionEnd: 7,
		Children: []abi.Symbol{{Name: "Part", Kind: abi.SymbolString, Start: 8, End: 20, SelectionStart: 11, SelectionEnd: 15}}}}}},
	{"executeCommand.request.json", "#", abi.Request{Method: abi.MethodExecuteCommand, Document: doc, Params: raw(abi.ExecuteCommandParams{Command: "count", Arguments: []json.RawMessage{json.RawMessage(`{"uri":"file:///w/a.txt"}`)}})}},
	{"prepare.request.json", "#", abi.Request{Method: abi.MethodPrepare, Document: doc}},
	{"prepare.request.json", "#", abi.Request{Method: abi.MethodPrepare, Document: &abi.Document{URI: "file:///w/a.md", LanguageID: "markdown", Version: 9, SameText: true}}},
	{"prepare.response.json", "#/$defs/result", abi.PrepareResult{}},
	{"executeCommand.response.json", "#/$defs/result", abi.ExecuteCommandResult{Result: json.RawMessage(`{"words":3}`), Edits: []abi.TextEdit{{Start: 0, End: 0, NewText: "x "}}}},
}

var (
	doc    = &abi.Document{URI: "file:///w/a.txt", LanguageID: "plaintext", Version: 5}
	action = abi.CodeAction{Title: "Replace with good", Kind: "quickfix", Diagnostics: []int{0}, IsPreferred: true,
		Edits: []abi.TextEdit{{Start: 20, End: 23, NewText: "good"}}, Command: &abi.Command{Title: "count", Command: "count", Arguments: []json.RawMessage{json.RawMessage(`1`)}}, Data: json.RawMessage(`{"a":1}`)}
)

func raw(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// TestSchemasMatchGoTypes checks every JSON field of each Go type appears in
// its schemas with a compatible type and required-ness, and the reverse.
func TestSchemasMatchGoTypes(t *testing.T) {
	// A type may be described by several schemas (one Request for every
	// method): a field must be in at least one, and each schema property
	// must be a field.
	byType := map[reflect.Type][]int{}
	for i, m := range messages {
		typ := reflect.TypeOf(m.sample)
		byType[typ] = append(byType[typ], i)
	}
	for typ, rows := range byType {
		var nodes []node
		for _, i := range rows {
			s := Must(messages[i].schema)
			obj, err := s.Resolve(messages[i].pointer)
			if err != nil {
				t.Fatal(err)
			}
			nodes = append(nodes, node{s, obj})
		}
		compareStruct(t, typ.Name(), typ, nodes)
	}
}

type node struct {
	s   *Schema
	obj map[string]any
}

func compareStruct(t *testing.T, where string, typ reflect.Type, nodes []node) {
	t.Helper()
	fields := map[string]reflect.StructField{}
	omit := map[string]bool{}
	for i := range typ.NumField() {
		f := typ.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		fields[name] = f
		omit[name] = strings.Contains(opts, "omitempty") || strings.Contains(opts, "omitzero")
	}
	inSome := map[string]bool{}
	requiredSomewhere, optionalSomewhere := map[string]bool{}, map[string]bool{}
	for _, n := range nodes {
		obj, err := n.s.Deref(n.obj)
		if err != nil {
			t.Fatal(err)
		}
		if got := schemaType(obj); got != "object" {
			t.Errorf("%s: %s: schema type %q, want object", n.s.Name, where, got)
			continue
		}
		props, _ := obj["properties"].(map[string]any)
		var required []string
		for _, r := range asList(obj["required"]) {
			required = append(required, r.(string))
		}
		for _, name := range sorted(props) {
			f, ok := fields[name]
			if !ok {
				t.Errorf("%s: %s.%s is in the schema but not a JSON field of the Go type", n.s.Name, where, name)
				continue
			}
			inSome[name] = true
			if slices.Contains(required, name) {
				requiredSomewhere[name] = true
			} else {
				optionalSomewhere[name] = true
			}
			compareType(t, n.s, where+"."+name, f.Type, props[name].(map[string]any))
		}
		for _, r := range required {
			if _, ok := props[r]; !ok {
				t.Errorf("%s: %s: required key %q has no property", n.s.Name, where, r)
			}
		}
	}
	for _, name := range sorted(fields) {
		switch {
		case !inSome[name]:
			t.Errorf("%s.%s (Go) is in none of its schemas", where, name)
		case !omit[name] && optionalSomewhere[name]:
			t.Errorf("%s.%s is always encoded (no omitempty) but optional in a schema", where, name)
		case omit[name] && !optionalSomewhere[name] && len(nodes) == 1:
			t.Errorf("%s.%s may be left out (omitempty) but its schema requires it", where, name)
		}
	}
}

func compareType(t *testing.T, s *Schema, where string, typ reflect.Type, prop map[string]any) {
	t.Helper()
	prop, err := s.Deref(prop)
	if err != nil {
		t.Fatal(err)
	}
	for typ.Kind() == reflect.Pointer {
		typ = typ.Elem()
	}
	got := schemaType(prop)
	want := ""
	switch {
	case typ == reflect.TypeOf(json.RawMessage{}):
		return // any JSON value; the schema says which
	case typ.Kind() == reflect.String:
		want = "string"
	case typ.Kind() == reflect.Bool:
		want = "boolean"
	case typ.Kind() >= reflect.Int && typ.Kind() <= reflect.Uint64:
		want = "integer"
	case typ.Kind() == reflect.Slice:
		want = "array"
		if got == want {
			items, _ := prop["items"].(map[string]any)
			if items == nil {
				t.Errorf("%s: %s: array without items", s.Name, where)
				return
			}
			compareType(t, s, where+"[]", typ.Elem(), items)
		}
	case typ.Kind() == reflect.Struct:
		want = "object"
		if got == want && strings.Count(where, "[]") < 4 { // a recursive type (Symbol) is checked a few levels deep
			compareStruct(t, where, typ, []node{{s, prop}})
		}
	default:
		t.Errorf("%s: Go type %s has no schema counterpart", where, typ)
		return
	}
	if got != want {
		t.Errorf("%s: %s: schema type %q, Go type %s wants %q", s.Name, where, got, typ, want)
	}
}

// schemaType is a node's type, from "type" or else its "const".
func schemaType(n map[string]any) string {
	switch v := n["type"].(type) {
	case string:
		return v
	case nil:
		if c, ok := n["const"]; ok {
			switch c.(type) {
			case string:
				return "string"
			case float64:
				return "integer"
			case bool:
				return "boolean"
			}
		}
	}
	return fmt.Sprint(n["type"])
}

// TestGoSamplesValidate encodes each sample as the host or SDK does and
// validates it: what Go sends is what the schema allows.
func TestGoSamplesValidate(t *testing.T) {
	for _, m := range messages {
		var v any = m.sample
		if strings.HasSuffix(m.schema, ".response.json") {
			b, _ := json.Marshal(m.sample)
			v = abi.Response{Result: b}
		}
		data, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if errs := Must(m.schema).Validate(data); len(errs) > 0 {
			t.Errorf("%s rejects %s: %v", m.schema, data, errs)
		}
		if strings.HasSuffix(m.schema, ".response.json") {
			data, _ := json.Marshal(abi.Response{Error: &abi.Error{Message: "bad setting"}})
			if errs := Must(m.schema).Validate(data); len(errs) > 0 {
				t.Errorf("%s rejects the error response %s: %v", m.schema, data, errs)
			}
		}
	}
}

// TestEverySchemaIsTested keeps the table complete.
func TestEverySchemaIsTested(t *testing.T) {
	for _, name := range Names() {
		if !slices.ContainsFunc(messages, func(m struct {
			schema, pointer string
			sample          any
		}) bool {
			return m.schema == name
		}) {
			t.Errorf("schema %s has no row in messages", name)
		}
	}
	if len(Names()) < 6 {
		t.Errorf("Names() = %v, want the six v1 messages", Names())
	}
}

// TestValidateRejects checks the validator finds each kind of violation the
// schemas state.
func TestValidateRejects(t *testing.T) {
	tests := []struct {
		schema, doc, want string
	}{
		{"diagnostics.response.json", `{"result":{"diagnostics":[{"start":1,"end":2}]}}`, `required key "message" is missing`},
		{"diagnostics.response.json", `{"result":{"diagnostics":[{"start":"1","end":2,"message":"m"}]}}`, `/result/diagnostics/0/start: is a string, want integer`},
		{"diagnostics.response.json", `{"result":{"diagnostics":[{"start":1.5,"end":2,"message":"m"}]}}`, `is a number, want integer`},
		{"diagnostics.response.json", `{"result":{"diagnostics":[{"start":-1,"end":2,"message":"m"}]}}`, `below the minimum 0`},
		{"diagnostics.response.json", `{"result":{"diagnostics":[{"start":1,"end":2,"message":"m","severity":5}]}}`, `want one of 1, 2, 3, 4`},
		{"diagnostics.response.json", `{"result":{"diagnostics":null}}`, `is a null, want array`},
		{"diagnostics.response.json", `{"result":{"diagnostics":[]},"error":{"message":"x"}}`, `/error: is an object, want null`},
		{"diagnostics.response.json", `{"other":1}`, `required key`},
		{"diagnostics.response.json", `{"result":{"diagnostics":[]}} x`, `not JSON`},
		{"completion.response.json", `{"result":{"items":[{"label":"a","kind":26}]}}`, `above the maximum 25`},
		{"completion.response.json", `{"result":{"items":[{"label":""}]}}`, `fewer than 1`},
		{"initialize.response.json", `{"result":{"features":["diagnostics"],"triggerCharacters":["ab"]}}`, `has 2 characters, more than 1`},
		{"initialize.response.json", `{"result":{}}`, `required key "features" is missing`},
		{"initialize.request.json", `{"method":"initialize","abiVersion":2,"settings":{}}`, `is 2, want 1`},
	}
	for _, tt := range tests {
		errs := Must(tt.schema).Validate([]byte(tt.doc))
		if !strings.Contains(fmt.Sprint(errs), tt.want) {
			t.Errorf("%s.Validate(%s) = %v, want an error containing %q", tt.schema, tt.doc, errs, tt.want)
		}
	}
}

// TestValidateRefusesUnknownKeywords: a rule the validator does not
// implement must not be silently ignored.
func TestValidateRefusesUnknownKeywords(t *testing.T) {
	s := &Schema{Name: "test", Root: map[string]any{"type": "string", "pattern": "^a"}}
	if errs := s.Validate([]byte(`"b"`)); !strings.Contains(fmt.Sprint(errs), `unsupported keyword "pattern"`) {
		t.Errorf("Validate with pattern = %v, want an unsupported keyword error", errs)
	}
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

func sorted[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
