// Command surface exercises every feature of the ABI beyond diagnostics in
// a way a test can predict, so that the scenarios can check how the server
// routes and merges them. Its settings give it a label ({"label": "alpha"}),
// which appears in everything it returns, so that two instances of it are
// told apart.
//
//   - diagnostics: every "bad" is a warning with data {"fix": "good"};
//   - code actions: a quick fix per diagnostic (from its data), a
//     "refactor.rewrite" action resolved later to upper-case the range, and
//     a "source" action running the count command;
//   - commands: "count" returns the number of words, "stamp" inserts the
//     label at the start of the document;
//   - hover: the label and the word under the cursor, over the word;
//   - symbols: "# " lines, with "## " lines as children;
//   - formatting: every tab becomes "<label>";
//   - completion: one item, "LABEL-item", resolved with documentation.
package main

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/lsphost/lsphost/sdk"
)

var label = "surface"

func init() {
	sdk.Register(sdk.Extension{
		Name: "surface",
		Init: func(s sdk.Settings) error {
			var cfg struct {
				Label string `json:"label"`
			}
			if err := s.Decode(&cfg); err != nil {
				return err
			}
			if cfg.Label != "" {
				label = cfg.Label
			}
			return nil
		},
		Diagnostics:       diagnostics,
		CodeActions:       codeActions,
		CodeActionKinds:   []string{"quickfix", "refactor.rewrite", "source"},
		ResolveCodeAction: resolveCodeAction,
		Commands:          map[string]func(*sdk.CommandRequest) (sdk.CommandResult, error){"count": count, "stamp": stamp},
		Hover:             hover,
		Symbols:           symbols,
		Format:            format,
		Completion: func(req *sdk.CompletionRequest) (sdk.CompletionList, error) {
			return sdk.CompletionList{Items: []sdk.CompletionItem{{Label: label + "-item", Data: json.RawMessage(`{"n":1}`)}}}, nil
		},
		ResolveCompletion: func(item sdk.CompletionItem) (sdk.CompletionItem, error) {
			item.Documentation = fmt.Sprintf("resolved by %s with data %s", label, item.Data)
			return item, nil
		},
	})
}

func main() {}

func diagnostics(doc *sdk.Document) ([]sdk.Diagnostic, error) {
	var diags []sdk.Diagnostic
	for i := 0; ; {
		j := strings.Index(doc.Text[i:], "bad")
		if j < 0 {
			return diags, nil
		}
		diags = append(diags, sdk.Diagnostic{Start: i + j, End: i + j + 3, Severity: sdk.SeverityWarning,
			Message: label + ": bad word", Code: "bad", Data: json.RawMessage(`{"fix":"good"}`)})
		i += j + 3
	}
}

func codeActions(req *sdk.CodeActionRequest) ([]sdk.CodeAction, error) {
	var actions []sdk.CodeAction
	for i, d := range req.Diagnostics {
		var data struct{ Fix string }
		if err := json.Unmarshal(d.Data, &data); err != nil {
			return nil, fmt.Errorf("diagnostic %d: data %s: %w", i, d.Data, err)
		}
		actions = append(actions, sdk.CodeAction{
			Title: fmt.Sprintf("%s: replace with %q", label, data.Fix), Kind: "quickfix", Diagnostics: []int{i}, IsPreferred: true,
			Edits: []sdk.TextEdit{{Start: d.Start, End: d.End, NewText: data.Fix}},
		})
	}
	if req.End > req.Start {
		actions = append(actions, sdk.CodeAction{Title: label + ": upper-case", Kind: "refactor.rewrite",
			Data: json.RawMessage(fmt.Sprintf(`{"start":%d,"end":%d}`, req.Start, req.End))})
	}
	actions = append(actions, sdk.CodeAction{Title: label + ": count words", Kind: "source",
		Command: &sdk.Command{Title: "count", Command: "count", Arguments: []json.RawMessage{json.RawMessage(fmt.Sprintf(`{"uri":%q}`, req.Document.URI))}}})
	return actions, nil
}

func resolveCodeAction(doc *sdk.Document, a sdk.CodeAction) (sdk.CodeAction, error) {
	var r struct{ Start, End int }
	if err := json.Unmarshal(a.Data, &r); err != nil || r.Start < 0 || r.End > len(doc.Text) || r.End < r.Start {
		return a, fmt.Errorf("bad data %s", a.Data)
	}
	a.Edits = []sdk.TextEdit{{Start: r.Start, End: r.End, NewText: strings.ToUpper(doc.Text[r.Start:r.End])}}
	return a, nil
}

func count(req *sdk.CommandRequest) (sdk.CommandResult, error) {
	if req.Document == nil {
		return sdk.CommandResult{}, fmt.Errorf("count needs an open document as its argument")
	}
	result, err := json.Marshal(map[string]any{"by": label, "words": len(strings.Fields(req.Document.Text))})
	return sdk.CommandResult{Result: result}, err
}

func stamp(req *sdk.CommandRequest) (sdk.CommandResult, error) {
	if req.Document == nil {
		return sdk.CommandResult{}, fmt.Errorf("stamp needs an open document as its argument")
	}
	return sdk.CommandResult{Result: json.RawMessage(`"stamped"`), Edits: []sdk.TextEdit{{Start: 0, End: 0, NewText: label + " "}}}, nil
}

func hover(req *sdk.HoverRequest) (sdk.Hover, error) {
	text := req.Document.Text
	start, end := req.Offset, req.Offset
	for start > 0 && text[start-1] != ' ' && text[start-1] != '\n' {
		start--
	}
	for end < len(text) && text[end] != ' ' && text[end] != '\n' {
		end++
	}
	if start == end {
		return sdk.Hover{}, nil
	}
	return sdk.Hover{Contents: fmt.Sprintf("**%s**: `%s`", label, text[start:end]), Start: start, End: end}, nil
}

func symbols(doc *sdk.Document) ([]sdk.Symbol, error) {
	var out []sdk.Symbol
	offset := 0
	for _, line := range strings.SplitAfter(doc.Text, "\n") {
		start := offset
		offset += len(line)
		body := strings.TrimRight(line, "\n")
		end := start + len(body)
		switch {
		case strings.HasPrefix(body, "## ") && len(out) > 0:
			parent := &out[len(out)-1]
			parent.Children = append(parent.Children, sdk.Symbol{Name: body[3:], Detail: label, Kind: sdk.SymbolString,
				Start: start, End: end, SelectionStart: start + 3, SelectionEnd: end})
			parent.End = end
		case strings.HasPrefix(body, "# "):
			out = append(out, sdk.Symbol{Name: body[2:], Detail: label, Kind: sdk.SymbolModule,
				Start: start, End: end, SelectionStart: start + 2, SelectionEnd: end})
		}
	}
	return out, nil
}

func format(req *sdk.FormatRequest) ([]sdk.TextEdit, error) {
	var edits []sdk.TextEdit
	for i, c := range []byte(req.Document.Text) {
		if c == '\t' && (!req.Range || (i >= req.Start && i < req.End)) {
			edits = append(edits, sdk.TextEdit{Start: i, End: i + 1, NewText: "<" + label + ">"})
		}
	}
	return edits, nil
}
