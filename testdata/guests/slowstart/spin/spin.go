// Package spin is the slow start of the slowstart and slowcompletion
// guests: an Init that spins for the milliseconds given in the settings
// ({"ms": 500}) on the real clock, which needs the clock grant.
package spin

import (
	"time"

	"github.com/lsphost/lsphost/sdk"
)

// Init spins for the settings' "ms".
func Init(s sdk.Settings) error {
	var cfg struct {
		MS int `json:"ms"`
	}
	if err := s.Decode(&cfg); err != nil {
		return err
	}
	for deadline := time.Now().Add(time.Duration(cfg.MS) * time.Millisecond); time.Now().Before(deadline); {
	}
	return nil
}
