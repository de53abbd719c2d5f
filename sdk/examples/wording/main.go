// Command wording is an lsphost extension that flags words a team has
// agreed to avoid and offers the replacement as a quick fix. It is the
// extension docs/tutorial.md builds. Build it with
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o wording.wasm .
package main

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/lsphost/lsphost/sdk"
)

// config is the extension's settings table ([extensions.wording.settings]).
type config struct {
	// Avoid maps each word to avoid to its replacement.
	Avoid map[string]string `json:"avoid"`
}

var cfg = config{Avoid: map[string]string{"utilize": "use", "leverage": "use"}}

func init() {
	sdk.Register(sdk.Extension{
		Name:            "wording",
		Version:         "0.1.0",
		Init:            initialize,
		Diagnostics:     diagnostics,
		CodeActions:     quickFixes,
		CodeActionKinds: []string{"quickfix"},
	})
}

// main is never called: the module is a reactor driven through the SDK.
func main() {}

// initialize reads the settings; an error is shown to the user.
func initialize(s sdk.Settings) error {
	c := config{}
	if err := s.Decode(&c); err != nil {
		return err
	}
	if c.Avoid == nil {
		return nil // keep the defaults
	}
	for word := range c.Avoid {
		if word == "" || strings.ContainsFunc(word, unicode.IsSpace) {
			return fmt.Errorf("setting \"avoid\": %q is not a single word", word)
		}
	}
	cfg = c
	return nil
}

// diagnostics reports each word to avoid. Offsets are bytes into doc.Text;
// lsphost converts them to the editor's columns.
func diagnostics(doc *sdk.Document) ([]sdk.Diagnostic, error) {
	var out []sdk.Diagnostic
	text := doc.Text
	for start := 0; start < len(text); {
		r, n := utf8.DecodeRuneInString(text[start:])
		if !unicode.IsLetter(r) {
			start += n
			continue
		}
		end := start
		for end < len(text) {
			r, n := utf8.DecodeRuneInString(text[end:])
			if !unicode.IsLetter(r) {
				break
			}
			end += n
		}
		word := text[start:end]
		if better, ok := cfg.Avoid[strings.ToLower(word)]; ok {
			out = append(out, sdk.Diagnostic{
				Start:    start,
				End:      end,
				Severity: sdk.SeverityInformation,
				Message:  fmt.Sprintf("prefer %q to %q", better, word),
				Code:     "avoid",
				Data:     []byte(fmt.Sprintf("%q", better)), // for the quick fix
			})
		}
		start = end
	}
	return out, nil
}

// quickFixes replaces each reported word with its replacement. The host
// sends back the extension's own diagnostics in the range, with their Data.
func quickFixes(req *sdk.CodeActionRequest) ([]sdk.CodeAction, error) {
	var actions []sdk.CodeAction
	for i, d := range req.Diagnostics {
		var better string
		if _, err := fmt.Sscanf(string(d.Data), "%q", &better); err != nil {
			continue // not one of ours
		}
		actions = append(actions, sdk.CodeAction{
			Title:       fmt.Sprintf("Replace with %q", better),
			Kind:        "quickfix",
			Diagnostics: []int{i},
			IsPreferred: true,
			Edits:       []sdk.TextEdit{{Start: d.Start, End: d.End, NewText: better}},
		})
	}
	return actions, nil
}
