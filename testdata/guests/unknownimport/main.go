// Command unknownimport is a test extension that imports a function the
// host does not provide (lsphost.nonexistent), as a module built against a
// newer SDK than the host would: the host cannot load it, and lsphost
// verify must say which import is missing and which ones the host has.
package main

import "github.com/lsphost/lsphost/sdk"

//go:wasmimport lsphost nonexistent
func nonexistent() int32

func init() {
	sdk.Register(sdk.Extension{
		Name: "unknownimport",
		Diagnostics: func(doc *sdk.Document) ([]sdk.Diagnostic, error) {
			if doc.Text == "never sent" {
				nonexistent() // called, so that the linker keeps the import
			}
			return nil, nil
		},
	})
}

func main() {}
