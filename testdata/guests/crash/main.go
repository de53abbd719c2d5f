// Command crash is an extension that kills its own instance on request: a
// document containing "crash-exit" makes the handler call os.Exit(3), one
// containing "crash-oom" allocates until linear memory runs out (a Go guest
// dies of that). Any other document gets one diagnostic "call N", N counting
// this instance's calls, so a test can tell a fresh instance from an old one.
// Each diagnostics call logs "diagnostics" first, so a test can tell whether
// the guest ran at all.
package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/lsphost/lsphost/sdk"
)

var (
	calls int
	hog   [][]byte
)

func init() {
	sdk.Register(sdk.Extension{
		Name: "crash",
		Diagnostics: func(doc *sdk.Document) ([]sdk.Diagnostic, error) {
			calls++
			sdk.Logf(sdk.LogInfo, "diagnostics")
			switch {
			case strings.Contains(doc.Text, "crash-exit"):
				os.Exit(3)
			case strings.Contains(doc.Text, "crash-oom"):
				for {
					hog = append(hog, make([]byte, 1<<20))
				}
			}
			return []sdk.Diagnostic{{Start: 0, End: 0, Message: fmt.Sprintf("call %d", calls)}}, nil
		},
	})
}

func main() {}
