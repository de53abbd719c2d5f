// Command loop is a hostile extension: every diagnostics and completion call
// spins forever. The host must stop it at its deadline and carry on.
package main

import "github.com/lsphost/lsphost/sdk"

var spins int

func spin() {
	for {
		spins++
	}
}

func init() {
	sdk.Register(sdk.Extension{
		Name: "loop",
		Diagnostics: func(*sdk.Document) ([]sdk.Diagnostic, error) {
			spin()
			return nil, nil
		},
		Completion: func(*sdk.CompletionRequest) (sdk.CompletionList, error) {
			spin()
			return sdk.CompletionList{}, nil
		},
	})
}

func main() {}
