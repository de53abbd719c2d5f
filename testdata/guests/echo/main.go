// Command echo is a test extension that reports what the host sent it: one
// hint at the start of the document whose message is "len=N fnv=H", the
// text's length in bytes and its 64-bit FNV-1a hash. A client that computes
// the same for its own copy of the text can tell whether the server's copy
// equals it, without the server exposing the text.
package main

import (
	"fmt"

	"github.com/lsphost/lsphost/sdk"
)

func init() {
	sdk.Register(sdk.Extension{
		Name: "echo",
		Diagnostics: func(doc *sdk.Document) ([]sdk.Diagnostic, error) {
			return []sdk.Diagnostic{{Severity: sdk.SeverityHint, Message: Summary(doc.Text)}}, nil
		},
	})
}

// Summary is the message echo reports for text.
func Summary(text string) string {
	h := uint64(14695981039346656037)
	for i := 0; i < len(text); i++ {
		h ^= uint64(text[i])
		h *= 1099511628211
	}
	return fmt.Sprintf("len=%d fnv=%016x", len(text), h)
}

func main() {}
