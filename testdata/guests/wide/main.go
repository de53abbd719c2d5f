// Command wide is a test extension with diagnostics of its own kind, for
// tests that need a second, stable extension beside todo: it reports every
// maximal run of non-ASCII characters at least minRun characters long
// (setting "minRun", default 1) as a hint "N wide", N the run's length in
// characters. Runs of emoji and CJK make the host's UTF-16 conversion of
// both ends of a range matter.
package main

import (
	"fmt"
	"unicode/utf8"

	"github.com/lsphost/lsphost/sdk"
)

var minRun = 1

func init() {
	sdk.Register(sdk.Extension{
		Name: "wide",
		Init: func(s sdk.Settings) error {
			cfg := struct {
				MinRun int `json:"minRun"`
			}{MinRun: 1}
			if err := s.Decode(&cfg); err != nil {
				return err
			}
			if cfg.MinRun < 1 {
				return fmt.Errorf("setting \"minRun\": %d is less than 1", cfg.MinRun)
			}
			minRun = cfg.MinRun
			return nil
		},
		Diagnostics: func(doc *sdk.Document) ([]sdk.Diagnostic, error) {
			var out []sdk.Diagnostic
			text := doc.Text
			for i := 0; i < len(text); {
				if text[i] < utf8.RuneSelf {
					i++
					continue
				}
				start, n := i, 0
				for i < len(text) && text[i] >= utf8.RuneSelf {
					_, size := utf8.DecodeRuneInString(text[i:])
					i += size
					n++
				}
				if n >= minRun {
					out = append(out, sdk.Diagnostic{Start: start, End: i, Severity: sdk.SeverityHint, Message: fmt.Sprintf("%d wide", n)})
				}
			}
			return out, nil
		},
	})
}

func main() {}
