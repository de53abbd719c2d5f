// Command chatty is an extension that writes to its stdout and stderr and
// logs through the host on every call, then reports one diagnostic. The host
// must turn all of it into log lines: none may reach the LSP stream.
package main

import (
	"fmt"
	"os"

	"github.com/lsphost/lsphost/sdk"
)

func init() {
	sdk.Register(sdk.Extension{
		Name: "chatty",
		Diagnostics: func(doc *sdk.Document) ([]sdk.Diagnostic, error) {
			fmt.Println("chatty stdout: Content-Length: 2")
			fmt.Fprintln(os.Stderr, "chatty stderr")
			sdk.Logf(sdk.LogInfo, "chatty log: %d bytes", len(doc.Text))
			return []sdk.Diagnostic{{Start: 0, End: 1, Severity: sdk.SeverityHint, Message: "chatty was here"}}, nil
		},
	})
}

func main() {}
