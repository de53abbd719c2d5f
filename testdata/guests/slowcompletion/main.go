// Command slowcompletion is slowstart's counterpart for an extension that
// does not diagnose: it starts as slowly ({"ms": 500} in its settings, with
// the clock grant) and offers one completion item, "slow".
package main

import (
	"github.com/lsphost/lsphost/sdk"
	"github.com/lsphost/lsphost/testdata/guests/slowstart/spin"
)

func init() {
	sdk.Register(sdk.Extension{
		Name: "slowcompletion",
		Init: spin.Init,
		Completion: func(*sdk.CompletionRequest) (sdk.CompletionList, error) {
			return sdk.CompletionList{Items: []sdk.CompletionItem{{Label: "slow"}}}, nil
		},
	})
}

func main() {}
