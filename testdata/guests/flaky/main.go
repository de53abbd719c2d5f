// Command flaky is a test extension that fails at random, but reproducibly:
// a hash of the document's text decides. When the hash is 0 mod 32 the
// instance dies (os.Exit, a trap the host must survive by replacing the
// instance); when it is 1 mod 32 the handler panics (the SDK turns that into
// an error answer). Rare enough that three traps in a row, which switch it
// off for a while, take minutes of typing. Otherwise it reports one hint "flaky ok". Completion
// fails the same way and otherwise proposes "flaky".
package main

import (
	"os"

	"github.com/lsphost/lsphost/sdk"
)

// fail kills the instance or panics when the text's hash says so.
func fail(text string) {
	h := uint32(2166136261)
	for i := 0; i < len(text); i++ {
		h ^= uint32(text[i])
		h *= 16777619
	}
	switch h % 32 {
	case 0:
		os.Exit(3)
	case 1:
		panic("flaky: unlucky text")
	}
}

func init() {
	sdk.Register(sdk.Extension{
		Name: "flaky",
		Diagnostics: func(doc *sdk.Document) ([]sdk.Diagnostic, error) {
			fail(doc.Text)
			return []sdk.Diagnostic{{Severity: sdk.SeverityHint, Message: "flaky ok"}}, nil
		},
		Completion: func(req *sdk.CompletionRequest) (sdk.CompletionList, error) {
			fail(req.Document.Text)
			return sdk.CompletionList{Items: []sdk.CompletionItem{{Label: "flaky", Kind: sdk.KindText}}}, nil
		},
	})
}

func main() {}
