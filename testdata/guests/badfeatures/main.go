// Command badfeatures makes, on purpose, one mistake in a feature beyond
// diagnostics and completion, chosen by its settings ({"mistake": NAME}),
// for lsphost verify to catch:
//
//	hover-range   a hover range past the end of the text
//	overlap       formatting edits that overlap
//	command       a code action running a command it does not declare
//	symbol        a symbol whose name lies outside its range
package main

import (
	"github.com/lsphost/lsphost/sdk"
)

var mistake string

func init() {
	sdk.Register(sdk.Extension{
		Name: "badfeatures",
		Init: func(s sdk.Settings) error {
			var cfg struct {
				Mistake string `json:"mistake"`
			}
			err := s.Decode(&cfg)
			mistake = cfg.Mistake
			return err
		},
		Hover: func(req *sdk.HoverRequest) (sdk.Hover, error) {
			h := sdk.Hover{Contents: "here", Start: 0, End: len(req.Document.Text)}
			if mistake == "hover-range" {
				h.End += 10
			}
			return h, nil
		},
		Format: func(req *sdk.FormatRequest) ([]sdk.TextEdit, error) {
			if mistake == "overlap" && len(req.Document.Text) > 2 {
				return []sdk.TextEdit{{Start: 0, End: 2, NewText: "a"}, {Start: 1, End: 2, NewText: "b"}}, nil
			}
			return nil, nil
		},
		CodeActions: func(req *sdk.CodeActionRequest) ([]sdk.CodeAction, error) {
			cmd := "fine"
			if mistake == "command" {
				cmd = "undeclared"
			}
			return []sdk.CodeAction{{Title: "run", Command: &sdk.Command{Title: "run", Command: cmd}}}, nil
		},
		Commands: map[string]func(*sdk.CommandRequest) (sdk.CommandResult, error){
			"fine": func(*sdk.CommandRequest) (sdk.CommandResult, error) {
				return sdk.CommandResult{Result: []byte(`"ok"`)}, nil
			},
		},
		Symbols: func(doc *sdk.Document) ([]sdk.Symbol, error) {
			n := len(doc.Text)
			s := sdk.Symbol{Name: "all", Kind: sdk.SymbolFile, Start: 0, End: n, SelectionStart: 0, SelectionEnd: n}
			if mistake == "symbol" && n > 1 {
				s.End = n / 2
			}
			return []sdk.Symbol{s}, nil
		},
	})
}

func main() {}
