// Command empty is the cheapest Go SDK extension: it reports no diagnostics
// and no completions. Benchmarks use it to time the SDK's own cost per call.
package main

import "github.com/lsphost/lsphost/sdk"

func init() {
	sdk.Register(sdk.Extension{
		Name:        "empty",
		Diagnostics: func(*sdk.Document) ([]sdk.Diagnostic, error) { return nil, nil },
		Completion:  func(*sdk.CompletionRequest) (sdk.CompletionList, error) { return sdk.CompletionList{}, nil },
	})
}

func main() {}
