// Command wording is an lsphost extension that flags words a team has
// agreed to avoid and offers the replacement as a quick fix. It is the
// extension docs/tutorial.md builds. Build it with
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o wording.wasm .
package main

import (
	"errors"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/lsphost/lsphost/sdk"
)

// avoid maps each word to avoid to its replacement, unless the settings
// table ([extensions.wording.settings]) sets "avoid".
var avoid = map[string]string{"utilize": "use", "leverage": "use"}

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
	words := avoid // the defaults, unless the user sets "avoid"
	if err := s.Read(sdk.StringMapSetting("avoid", &words)); err != nil {
		return err
	}
	for word := range words {
		if word == "" || strings.ContainsFunc(word, unicode.IsSpace) {
			return errors.New(`setting "avoid": ` + strconv.Quote(word) + " is not a single word")
		}
	}
	avoid = words
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
		if better, ok := avoid[strings.ToLower(word)]; ok {
			out = append(out, sdk.Diagnostic{
				Start:    start,
				End:      end,
				Severity: sdk.SeverityInformation,
				Message:  "prefer " + strconv.Quote(better) + " to " + strconv.Quote(word),
				Code:     "avoid",
				Data:     []byte(strconv.Quote(better)), // for the quick fix
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
		better, err := strconv.Unquote(string(d.Data))
		if err != nil {
			continue // not one of ours
		}
		actions = append(actions, sdk.CodeAction{
			Title:       "Replace with " + strconv.Quote(better),
			Kind:        "quickfix",
			Diagnostics: []int{i},
			IsPreferred: true,
			Edits:       []sdk.TextEdit{{Start: d.Start, End: d.End, NewText: better}},
		})
	}
	return actions, nil
}
