package extensions

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/lsphost/lsphost/abi"
)

// The calls beyond diagnostics and completion. Each sanitizes what the
// extension returns, as output.go does for those two: bounded, clamped to
// the document, valid.

// request builds a request whose Params are p.
func request(method string, doc *Document, p any) (abi.Request, error) {
	req := abi.Request{Method: method}
	if doc != nil {
		req.Document = docInfo(*doc)
	}
	if p != nil {
		raw, err := json.Marshal(p)
		if err != nil {
			return req, err
		}
		req.Params = raw
	}
	return req, nil
}

func textOf(doc *Document) Text {
	if doc == nil {
		return nil
	}
	return doc.Text
}

func lenOf(doc *Document) int {
	if doc == nil {
		return 0
	}
	return doc.Text.Len()
}

// callWith sends method with params p about doc (which may be nil).
func callWith[T any](ctx context.Context, e *Extension, method string, doc *Document, p any) (T, error) {
	req, err := request(method, doc, p)
	if err != nil {
		var zero T
		return zero, err
	}
	return call[T](ctx, e, &req, textOf(doc))
}

// ResolveCompletion asks the extension to complete one of its items.
func (e *Extension) ResolveCompletion(ctx context.Context, item abi.CompletionItem) (abi.CompletionItem, error) {
	res, err := callWith[abi.CompletionItem](ctx, e, abi.MethodCompletionResolve, nil, abi.CompletionResolveParams{Item: item})
	if err != nil {
		return item, err
	}
	res.Edit = item.Edit // the edit was validated against the text it was made for
	out := sanitizeCompletion(abi.CompletionResult{Items: []abi.CompletionItem{res}}, 0)
	if len(out.Items) != 1 {
		return item, fmt.Errorf("extension %s: %s: the resolved item has no label", e.spec.Name, abi.MethodCompletionResolve)
	}
	out.Items[0].Edit = item.Edit
	return out.Items[0], nil
}

// Hover asks what is at the byte offset in doc.
func (e *Extension) Hover(ctx context.Context, doc Document, offset int) (abi.HoverResult, error) {
	req := abi.Request{Method: abi.MethodHover, Document: docInfo(doc), Offset: offset}
	res, err := call[abi.HoverResult](ctx, e, &req, doc.Text)
	if err != nil {
		return res, err
	}
	res.Contents = capString(res.Contents)
	res.Start, res.End = clampRange(res.Start, res.End, doc.Text.Len())
	return res, nil
}

// CodeActions asks for actions on a byte range of doc.
func (e *Extension) CodeActions(ctx context.Context, doc Document, p abi.CodeActionParams) ([]abi.CodeAction, error) {
	res, err := callWith[abi.CodeActionResult](ctx, e, abi.MethodCodeAction, &doc, p)
	if err != nil {
		return nil, err
	}
	out := res.Actions[:0]
	for _, a := range res.Actions[:min(len(res.Actions), maxItems)] {
		if a, ok := e.sanitizeAction(a, doc.Text.Len(), len(p.Diagnostics)); ok {
			out = append(out, a)
		}
	}
	return out, nil
}

// ResolveCodeAction asks the extension to fill in an action it returned.
func (e *Extension) ResolveCodeAction(ctx context.Context, doc Document, action abi.CodeAction) (abi.CodeAction, error) {
	res, err := callWith[abi.CodeAction](ctx, e, abi.MethodCodeActionResolve, &doc, abi.CodeActionResolveParams{Action: action})
	if err != nil {
		return action, err
	}
	res.Diagnostics = action.Diagnostics // indices into a request long gone
	a, ok := e.sanitizeAction(res, doc.Text.Len(), len(action.Diagnostics))
	if !ok {
		return action, fmt.Errorf("extension %s: %s: invalid action", e.spec.Name, abi.MethodCodeActionResolve)
	}
	return a, nil
}

// sanitizeAction validates an action on a text of n bytes answering a
// request with nDiags diagnostics.
func (e *Extension) sanitizeAction(a abi.CodeAction, n, nDiags int) (abi.CodeAction, bool) {
	a.Title, a.Kind = capString(a.Title), capString(a.Kind)
	if a.Title == "" {
		return a, false // LSP requires a title
	}
	a.Diagnostics = slices.DeleteFunc(a.Diagnostics, func(i int) bool { return i < 0 || i >= nDiags })
	edits, err := sanitizeEdits(a.Edits, n)
	if err != nil {
		return a, false
	}
	a.Edits = edits
	if a.Command != nil {
		if !slices.Contains(e.decl.Commands, a.Command.Command) {
			return a, false // the editor could not run it
		}
		a.Command.Title = capString(a.Command.Title)
	}
	return a, true
}

// Format asks the extension to format doc, or the byte range [start, end)
// of it when ranged.
func (e *Extension) Format(ctx context.Context, doc Document, p abi.FormattingParams, ranged bool) ([]abi.TextEdit, error) {
	method := abi.MethodFormatting
	if ranged {
		method = abi.MethodRangeFormatting
	}
	res, err := callWith[abi.FormattingResult](ctx, e, method, &doc, p)
	if err != nil {
		return nil, err
	}
	edits, err := sanitizeEdits(res.Edits, doc.Text.Len())
	if err != nil {
		return nil, fmt.Errorf("extension %s: %s: %w", e.spec.Name, method, err)
	}
	if ranged {
		// Edits outside the range were not asked for.
		edits = slices.DeleteFunc(edits, func(t abi.TextEdit) bool { return t.Start < p.Start || t.End > p.End })
	}
	return edits, nil
}

// sanitizeEdits validates edits on a text of n bytes: within it, not
// overlapping, at most maxItems. They come back sorted. Edits that overlap
// have no meaning the editor can apply, so they refuse the whole answer.
func sanitizeEdits(edits []abi.TextEdit, n int) ([]abi.TextEdit, error) {
	if len(edits) > maxItems {
		return nil, fmt.Errorf("%d edits > %d", len(edits), maxItems)
	}
	out := slices.Clone(edits)
	for i := range out {
		t := &out[i]
		if t.Start < 0 || t.End > n || t.End < t.Start {
			return nil, fmt.Errorf("edit [%d, %d) is outside the document of %d bytes", t.Start, t.End, n)
		}
		if len(t.NewText) > maxOutput {
			return nil, fmt.Errorf("edit of %d bytes", len(t.NewText))
		}
		t.NewText = strings.ToValidUTF8(t.NewText, "\uFFFD")
	}
	slices.SortStableFunc(out, func(a, b abi.TextEdit) int { return a.Start - b.Start })
	for i := 1; i < len(out); i++ {
		if out[i].Start < out[i-1].End {
			return nil, fmt.Errorf("edits [%d, %d) and [%d, %d) overlap", out[i-1].Start, out[i-1].End, out[i].Start, out[i].End)
		}
	}
	return out, nil
}

// Symbols asks for the symbols of doc.
func (e *Extension) Symbols(ctx context.Context, doc Document) ([]abi.Symbol, error) {
	req := abi.Request{Method: abi.MethodDocumentSymbol, Document: docInfo(doc)}
	res, err := call[abi.DocumentSymbolResult](ctx, e, &req, doc.Text)
	if err != nil {
		return nil, err
	}
	budget := maxItems
	return sanitizeSymbols(res.Symbols, doc.Text.Len(), &budget, 0), nil
}

// sanitizeSymbols clamps ranges, puts each selection inside its range and
// bounds the count and depth of the tree.
func sanitizeSymbols(symbols []abi.Symbol, n int, budget *int, depth int) []abi.Symbol {
	out := symbols[:0]
	for _, s := range symbols {
		if *budget <= 0 || depth > 32 {
			break
		}
		*budget--
		s.Name, s.Detail = capString(s.Name), capString(s.Detail)
		if s.Name == "" {
			s.Name = "?" // LSP requires a name
		}
		if s.Kind < 1 || s.Kind > 26 {
			s.Kind = abi.SymbolVariable
		}
		s.Start, s.End = clampRange(s.Start, s.End, n)
		s.SelectionStart, s.SelectionEnd = clampRange(s.SelectionStart, s.SelectionEnd, n)
		if s.SelectionStart < s.Start || s.SelectionEnd > s.End {
			s.SelectionStart, s.SelectionEnd = s.Start, s.End
		}
		s.Children = sanitizeSymbols(s.Children, n, budget, depth+1)
		out = append(out, s)
	}
	return out
}

// ExecuteCommand runs one of the extension's commands; doc, if not nil, is
// the document it is about, and the returned edits apply to it.
func (e *Extension) ExecuteCommand(ctx context.Context, doc *Document, p abi.ExecuteCommandParams) (abi.ExecuteCommandResult, error) {
	if !slices.Contains(e.decl.Commands, p.Command) {
		return abi.ExecuteCommandResult{}, fmt.Errorf("extension %s has no command %q", e.spec.Name, p.Command)
	}
	res, err := callWith[abi.ExecuteCommandResult](ctx, e, abi.MethodExecuteCommand, doc, p)
	if err != nil {
		return res, err
	}
	if len(res.Edits) > 0 && doc == nil {
		return res, fmt.Errorf("extension %s: command %s returned edits without a document", e.spec.Name, p.Command)
	}
	if res.Edits, err = sanitizeEdits(res.Edits, lenOf(doc)); err != nil {
		return res, fmt.Errorf("extension %s: command %s: %w", e.spec.Name, p.Command, err)
	}
	return res, nil
}
