// Command panic is an extension whose diagnostics handler panics on a
// document containing "panic" and works otherwise; the SDK recovers the panic
// into an error response, so the instance must stay in use.
//
// Every diagnostics call answers one diagnostic whose message is "call N",
// N counting this instance's calls, so a test can tell whether an instance
// was kept or replaced. A document containing "log" makes it log one line
// through each channel: the log import (debug), stdout and stderr.
package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/lsphost/lsphost/sdk"
)

// calls counts this instance's diagnostics calls.
var calls int

func init() {
	sdk.Register(sdk.Extension{
		Name:      "panic",
		Version:   "0.1.0",
		Languages: []string{"plaintext", "markdown"},
		Diagnostics: func(doc *sdk.Document) ([]sdk.Diagnostic, error) {
			calls++
			if strings.Contains(doc.Text, "log") {
				sdk.Logf(sdk.LogDebug, "via the log import, call %d", calls)
				fmt.Println("via stdout")
				fmt.Fprintln(os.Stderr, "via stderr")
			}
			if strings.Contains(doc.Text, "panic") {
				panic("asked to panic")
			}
			return []sdk.Diagnostic{{Start: 0, End: 0, Severity: sdk.SeverityHint, Message: fmt.Sprintf("call %d", calls)}}, nil
		},
	})
}

func main() {}
