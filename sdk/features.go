package sdk

import (
	"errors"
	"strconv"

	"github.com/lsphost/lsphost/abi"
)

// dispatchMore answers the methods beyond diagnostics and completion.
func (e *Extension) dispatchMore(req *abi.Request, text string) (any, error) {
	params := func(v any) error {
		if len(req.Params) == 0 {
			return errors.New(req.Method + ": request has no params")
		}
		if err := decodeParams(req.Params, v); err != nil {
			return errors.New(req.Method + ": params: " + err.Error())
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

	case abi.MethodPrepare:
		if e.Prepare == nil {
			return nil, notImplemented(req.Method)
		}
		d, err := doc()
		if err != nil {
			return nil, err
		}
		return abi.PrepareResult{}, e.Prepare(d)

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
			return nil, errors.New("unknown command " + strconv.Quote(p.Command))
		}
		r := &CommandRequest{Command: p.Command, Arguments: p.Arguments}
		if req.Document != nil {
			r.Document, _ = doc()
		}
		res, err := run(r)
		if err != nil {
			return nil, err
		}
		return abi.ExecuteCommandResult{Result: res.Result, Edits: res.Edits}, nil
	}
	return nil, errors.New("unknown method " + strconv.Quote(req.Method))
}

func clampOffset(offset int, text string) int { return max(0, min(offset, len(text))) }
