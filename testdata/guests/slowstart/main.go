// Command slowstart takes its time to start: its Init spins for the
// milliseconds given in its settings ({"ms": 500}), on the real clock (it
// needs the clock grant). It stands for any extension that is slow to load,
// whatever the machine, and then reports nothing.
package main

import (
	"github.com/lsphost/lsphost/sdk"
	"github.com/lsphost/lsphost/testdata/guests/slowstart/spin"
)

func init() {
	sdk.Register(sdk.Extension{
		Name:        "slowstart",
		Init:        spin.Init,
		Diagnostics: func(*sdk.Document) ([]sdk.Diagnostic, error) { return nil, nil },
	})
}

func main() {}
