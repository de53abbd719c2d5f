// Command garbage is an extension that makes garbage in small pieces, as a
// Go guest decoding JSON does: each diagnostics call copies the document into
// new 64-byte slices and drops them. It checks that a Go guest's memory
// stays bounded over many calls (see the SDK's runtime.Gosched per export).
package main

import "github.com/lsphost/lsphost/sdk"

var kept [][]byte

func init() {
	sdk.Register(sdk.Extension{
		Name: "garbage",
		Diagnostics: func(doc *sdk.Document) ([]sdk.Diagnostic, error) {
			kept = kept[:0]
			for i := 0; i+64 <= len(doc.Text); i += 64 {
				kept = append(kept, []byte(doc.Text[i:i+64]))
			}
			return nil, nil
		},
	})
}

func main() {}
