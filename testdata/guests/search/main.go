// Command search is a test extension for the SDK's Index in a guest, where
// the host searches (the ABI's index import). Its text is a pattern, a NUL
// byte, and the text to search: it reports one diagnostic over the first
// match in that text, none if there is none. The text "oob" makes it call
// the import with a range outside memory instead, which traps.
package main

import (
	"strings"

	"github.com/lsphost/lsphost/sdk"
)

//go:wasmimport lsphost index
func index(textPtr, textLen, patternPtr, patternLen uint32) int32

func init() {
	sdk.Register(sdk.Extension{
		Name: "search",
		Diagnostics: func(doc *sdk.Document) ([]sdk.Diagnostic, error) {
			if doc.Text == "oob" {
				index(0xffffff00, 0x1000, 0, 1)
			}
			pattern, text, _ := strings.Cut(doc.Text, "\x00")
			i := sdk.Index(text, pattern)
			if i < 0 {
				return nil, nil
			}
			start := len(pattern) + 1 + i
			return []sdk.Diagnostic{{Start: start, End: start + len(pattern), Message: "found"}}, nil
		},
	})
}

func main() {}
