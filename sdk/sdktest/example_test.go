package sdktest_test

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/lsphost/lsphost/sdk"
	"github.com/lsphost/lsphost/sdk/sdktest"
)

// typo is the extension under test: it flags a word from its settings and
// offers to replace it.
var typo = struct {
	Word string `json:"word"`
	Fix  string `json:"fix"`
}{Word: "teh", Fix: "the"}

func init() {
	sdk.Register(sdk.Extension{
		Name: "typo",
		Init: func(s sdk.Settings) error { return s.Decode(&typo) },
		Diagnostics: func(doc *sdk.Document) ([]sdk.Diagnostic, error) {
			var diags []sdk.Diagnostic
			for i := 0; ; {
				j := strings.Index(doc.Text[i:], typo.Word)
				if j < 0 {
					return diags, nil
				}
				i += j + len(typo.Word)
				fix, _ := json.Marshal(typo.Fix)
				diags = append(diags, sdk.Diagnostic{Start: i - len(typo.Word), End: i,
					Severity: sdk.SeverityWarning, Message: "typo", Data: fix})
			}
		},
		CodeActions: func(req *sdk.CodeActionRequest) ([]sdk.CodeAction, error) {
			var actions []sdk.CodeAction
			for i, d := range req.Diagnostics {
				var fix string
				if json.Unmarshal(d.Data, &fix) == nil {
					actions = append(actions, sdk.CodeAction{Title: "Write " + fix, Kind: "quickfix",
						Diagnostics: []int{i}, Edits: []sdk.TextEdit{{Start: d.Start, End: d.End, NewText: fix}}})
				}
			}
			return actions, nil
		},
		Completion: func(req *sdk.CompletionRequest) (sdk.CompletionList, error) {
			return sdk.CompletionList{Items: []sdk.CompletionItem{{Label: typo.Fix}}}, nil
		},
		Hover: func(req *sdk.HoverRequest) (sdk.Hover, error) {
			return sdk.Hover{Contents: fmt.Sprintf("byte %d", req.Offset)}, nil
		},
	})
}

// A test starts the extension with its settings and calls its handlers with
// documents; the results are compared as strings.
func Example() {
	ext := sdktest.Start(nil, map[string]string{"word": "recieve"})

	doc := sdktest.Doc("markdown", "# Notes\n\nWe recieve, they recieve.\n")
	diags := ext.Diagnostics(doc)
	fmt.Println(sdktest.Describe(doc.Text, diags))
	// Output:
	// [2:3 "recieve" typo 2:17 "recieve" typo]
}

// Quick fixes: ask for actions where a diagnostic is, and apply the edits of
// the one chosen.
func ExampleExt_CodeActions() {
	ext := sdktest.Start(nil, `{"word": "teh"}`)
	doc := sdktest.DocAt("plaintext", "fix ^teh text")
	actions := ext.CodeActions(doc, doc.Cursor, ext.Diagnostics(doc))
	for _, a := range actions {
		fmt.Printf("%s (fixes %v): %q\n", a.Title, a.Diagnostics, sdktest.Apply(doc.Text, a.Edits))
	}
	// Output:
	// Write the (fixes [0]): "fix the text"
}

// DocAt puts the cursor where the text has a "^".
func ExampleDocAt() {
	ext := sdktest.Start(nil, nil)
	doc := sdktest.DocAt("go", "// ünïcode ^here")
	fmt.Println(doc.Cursor, ext.Hover(doc).Contents, sdktest.Labels(ext.Completion(doc)))
	// Output:
	// 13 byte 13 [the]
}

// Init returns the error the user would see for bad settings.
func ExampleInit() {
	_, err := sdktest.Init(map[string]any{"word": 3})
	fmt.Println(err)
	_, err = sdktest.Init(`{"wrod": "x"}`)
	fmt.Println(err)
	decl, err := sdktest.Init(nil)
	fmt.Println(decl.Name, decl.Features, err)
	// Output:
	// setting "word": want a string, got a number
	// unknown setting "wrod"
	// typo [diagnostics completion hover codeAction] <nil>
}

// Position and Offset convert between byte offsets and the LSP positions an
// editor uses (zero-based line, UTF-16 column), so a test never counts UTF-16
// units by hand.
func ExamplePosition() {
	text := "line one\nnaïve 😀 end\n"
	offset := strings.Index(text, "end")
	line, character := sdktest.Position(text, offset)
	fmt.Println(offset, line, character)
	fmt.Println(sdktest.Offset(text, line, character))
	// Output:
	// 21 1 9
	// 21
}

func ExampleApply() {
	text := "hello world"
	fmt.Println(sdktest.Apply(text, []sdk.TextEdit{
		{Start: 0, End: 5, NewText: "goodbye"},
		{Start: 11, End: 11, NewText: "!"},
	}))
	// Output:
	// goodbye world!
}
