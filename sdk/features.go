package sdk

import (
	"encoding/json"
	"fmt"

	"github.com/lsphost/lsphost/abi"
)

// dispatchMore answers the methods beyond diagnostics and completion. Their
// parameters are decoded with encoding/json: they are asked for once per
// user action, not per keystroke.
func (e *Extension) dispatchMore(req *abi.Request, text string) (any, error) {
	params := func(v any) error {
		if len(req.Params) == 0 {
			return fmt.Errorf("%s: request has no params", req.Method)
		}
		if err := json.Unmarshal(req.Params, v); err != nil {
			return fmt.Errorf("%s: params: %w", req.Method, err)
		}
		return nil
	}
	doc := func() (*Document, error) { return document(req, text) }
	switch req.Method {
	case abi.MethodCompletionResolve:
		if e.ResolveCompletion == nil {
			return nil, notImplemented(req.Method)
		}
		var p abi.CompletionResolveParams
		if err := params(&p); err != nil {
			return nil, err
		}
		return e.ResolveCompletion(p.Item)

	case abi.MethodHover:
		if e.Hover == nil {
			return nil, notImplemented(req.Method)
		}
		d, err := doc()
		if err != nil {
			return nil, err
		}
		return e.Hover(&HoverRequest{Document: d, Offset: clampOffset(req.Offset, text)})

	case abi.MethodCodeAction:
		if e.CodeActions == nil {
			return nil, notImplemented(req.Method)
		}
		var p abi.CodeActionParams
		if err := params(&p); err != nil {
			return nil, err
		}
		d, err := doc()
		if err != nil {
			return nil, err
		}
		actions, err := e.CodeActions(&CodeActionRequest{Document: d, Start: clampOffset(p.Start, text),
			End: clampOffset(p.End, text), Diagnostics: p.Diagnostics, Only: p.Only})
		if actions == nil {
			actions = []CodeAction{}
		}
		return abi.CodeActionResult{Actions: actions}, err

	case abi.MethodCodeActionResolve:
		if e.ResolveCodeAction == nil {
			return nil, notImplemented(req.Method)
		}
		var p abi.CodeActionResolveParams
		if err := params(&p); err != nil {
			return nil, err
		}
		d, err := doc()
		if err != nil {
			return nil, err
		}
		return e.ResolveCodeAction(d, p.Action)

	case abi.MethodFormatting, abi.MethodRangeFormatting:
		if e.Format == nil {
			return nil, notImplemented(req.Method)
		}
		var p abi.FormattingParams
		if err := params(&p); err != nil {
			return nil, err
		}
		d, err := doc()
		if err != nil {
			return nil, err
		}
		r := &FormatRequest{Document: d, TabSize: p.TabSize, InsertSpaces: p.InsertSpaces}
		if req.Method == abi.MethodRangeFormatting {
			r.Range, r.Start, r.End = true, clampOffset(p.Start, text), clampOffset(p.End, text)
		}
		edits, err := e.Format(r)
		if edits == nil {
			edits = []TextEdit{}
		}
		return abi.FormattingResult{Edits: edits}, err

	case abi.MethodDocumentSymbol:
		if e.Symbols == nil {
			return nil, notImplemented(req.Method)
		}
		d, err := doc()
		if err != nil {
			return nil, err
		}
		symbols, err := e.Symbols(d)
		if symbols == nil {
			symbols = []Symbol{}
		}
		return abi.DocumentSymbolResult{Symbols: symbols}, err

	case abi.MethodExecuteCommand:
		var p abi.ExecuteCommandParams
		if err := params(&p); err != nil {
			return nil, err
		}
		run := e.Commands[p.Command]
		if run == nil {
			return nil, fmt.Errorf("unknown command %q", p.Command)
		}
		r := &CommandRequest{Command: p.Command, Arguments: p.Arguments}
		if req.Document != nil {
			r.Document, _ = doc()
		}
		res, err := run(r)
		if err != nil {
			return nil, err
		}
		out := abi.ExecuteCommandResult{Edits: res.Edits}
		if res.Result != nil {
			if out.Result, err = json.Marshal(res.Result); err != nil {
				return nil, fmt.Errorf("%s: result: %w", p.Command, err)
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf("unknown method %q", req.Method)
}

func clampOffset(offset int, text string) int { return max(0, min(offset, len(text))) }
