// Command slowstart takes its time to start: its Init spins for the
// milliseconds given in its settings ({"ms": 500}), on the real clock (it
// needs the clock grant). It stands for any extension that is slow to load,
// whatever the machine, and then reports nothing.
package main

import (
	"time"

	"github.com/lsphost/lsphost/sdk"
)

func init() {
	sdk.Register(sdk.Extension{
		Name: "slowstart",
		Init: func(s sdk.Settings) error {
			var cfg struct {
				MS int `json:"ms"`
			}
			if err := s.Decode(&cfg); err != nil {
				return err
			}
			for deadline := time.Now().Add(time.Duration(cfg.MS) * time.Millisecond); time.Now().Before(deadline); {
			}
			return nil
		},
		Diagnostics: func(*sdk.Document) ([]sdk.Diagnostic, error) { return nil, nil },
	})
}

func main() {}
