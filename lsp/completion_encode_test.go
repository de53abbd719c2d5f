package lsp

import (
	"encoding/json"
	"strconv"
	"testing"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
)

// TestEncodeCompletionList: the hand encoder writes the bytes json.Marshal
// writes, for every field completionItem sets, and lists with other fields
// still encode (through json.Marshal).
func TestEncodeCompletionList(t *testing.T) {
	edit := &protocol.TextEdit{Range: protocol.Range{Start: protocol.Position{Line: 3, Character: 4}, End: protocol.Position{Line: 3, Character: 9}}, NewText: "new <text> & \"more\""}
	lists := map[string]*protocol.CompletionList{
		"empty": {Items: []protocol.CompletionItem{}},
		"every field": {IsIncomplete: true, Items: []protocol.CompletionItem{
			{Label: "alpha", Kind: protocol.CompletionItemKindText, Data: completionData{Extension: "words", URI: "file:///a%20b.txt", Data: json.RawMessage("12")}},
			{Label: "b\u00e9ta \xff\u2028", Detail: "d\tetail", Documentation: protocol.MarkupContent{Kind: protocol.Markdown, Value: "`x` <b>"},
				InsertText: "beta($1)", InsertTextFormat: protocol.InsertTextFormatSnippet, FilterText: "f", SortText: "0001", TextEdit: edit,
				Data: completionData{Extension: "snippets"}},
			{Label: "raw data", Data: completionData{Extension: "x", URI: "file:///x", Data: json.RawMessage(`{ "k" : [1, "<v>"] }`)}},
			{Label: "negative", Data: completionData{Extension: "x", Data: json.RawMessage("-7")}},
			{Label: "no data"},
		}},
		"a field it does not know": {Items: []protocol.CompletionItem{{Label: "p", Preselect: true, Data: completionData{Extension: "x"}}}},
		"other documentation":      {Items: []protocol.CompletionItem{{Label: "s", Documentation: "plain"}}},
	}
	for name, list := range lists {
		want, err := json.Marshal(list)
		if err != nil {
			t.Fatal(err)
		}
		got, err := encodeCompletionList(list)
		if err != nil || string(got) != string(want) {
			t.Errorf("%s: encodeCompletionList =\n%s, %v\nwant\n%s", name, got, err, want)
		}
	}
	bad := &protocol.CompletionList{Items: []protocol.CompletionItem{{Label: "x", Data: completionData{Extension: "x", Data: json.RawMessage("{bad")}}}}
	if got, err := encodeCompletionList(bad); err == nil {
		t.Errorf("invalid data encoded as %s, want an error", got)
	}
	// A word completion's list is written into one allocation
	// (completionListSize): no growing on the way.
	words := &protocol.CompletionList{}
	for i := range 300 {
		words.Items = append(words.Items, protocol.CompletionItem{Label: "delta_" + strconv.Itoa(i), Kind: protocol.CompletionItemKindText,
			Data: completionData{Extension: "words", URI: "file:///home/someone/src/github.com/example/project/internal/completion/large_file.go", Data: json.RawMessage("3")}})
	}
	if n := testing.AllocsPerRun(10, func() { encodeCompletionList(words) }); n != 1 {
		t.Errorf("encodeCompletionList made %v allocations for 300 words, want 1", n)
	}
}

// TestAppendFrame: a frame's body is what json.Marshal writes for the
// message, after a Content-Length header that counts it.
func TestAppendFrame(t *testing.T) {
	for _, m := range []*message{
		{JSONRPC: "2.0", ID: json.RawMessage(`"lsphost-1"`), Method: "client/registerCapability", Params: json.RawMessage(`{"registrations":[]}`)},
		{JSONRPC: "2.0", ID: json.RawMessage(`7`), Result: json.RawMessage(`{"items":[]}`)},
		{JSONRPC: "2.0", ID: json.RawMessage(`null`), Error: jsonrpc2.NewError(jsonrpc2.ParseError, "bad <frame>")},
		{JSONRPC: "2.0", Method: "textDocument/publishDiagnostics", Params: json.RawMessage(`{"uri":"file:///a","diagnostics":[]}`)},
	} {
		body, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		want := "Content-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + string(body)
		got, err := appendFrame([]byte("prev"), m)
		if err != nil || string(got) != "prev"+want {
			t.Errorf("appendFrame = %q, %v; want %q", got, err, "prev"+want)
		}
	}
}
