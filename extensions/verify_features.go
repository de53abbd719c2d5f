package extensions

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/lsphost/lsphost/abi"
)

// The checks of the features beyond diagnostics and completion: each
// declared feature gets the built-in samples, and its raw answers are held
// to ABI.md as strictly as the others (valid UTF-8, a result, offsets inside
// the text on character boundaries, the shapes and rules of its section).

// checkMoreFeatures runs the checks of every other declared feature.
func (v *verifier) checkMoreFeatures(ctx context.Context, decl abi.InitializeResult) {
	has := func(f string) bool { return decl.Has(f) }
	for _, s := range v.samples() {
		doc := func(method string) abi.Request { return v.docRequest(method, s) }
		mid := middle(s.Text)
		if has(abi.FeaturePrepare) {
			req := doc(abi.MethodPrepare)
			var res abi.PrepareResult
			v.checkAnswer(ctx, "prepare: "+s.Name, &req, s, &res, func() []string { return nil })
		}
		if has(abi.FeatureHover) {
			req := doc(abi.MethodHover)
			req.Offset = mid
			var res abi.HoverResult
			v.checkAnswer(ctx, "hover: "+s.Name, &req, s, &res, func() []string {
				p := stringProblems("hover", res.Contents)
				if res.End > res.Start || res.Start != 0 {
					p = append(p, rangeProblems("hover range", res.Start, res.End, s.Text)...)
				}
				return p
			})
		}
		if has(abi.FeatureCodeAction) {
			req := doc(abi.MethodCodeAction)
			req.Params = mustRaw(abi.CodeActionParams{Start: 0, End: len(s.Text), Diagnostics: []abi.Diagnostic{}})
			var res abi.CodeActionResult
			v.checkAnswer(ctx, "codeAction: "+s.Name, &req, s, &res, func() []string {
				var p []string
				for i, a := range res.Actions {
					p = append(p, v.actionProblems(fmt.Sprintf("action %d", i), a, s.Text, decl)...)
				}
				if has(abi.FeatureCodeActionResolve) {
					for i, a := range res.Actions {
						if len(a.Edits) == 0 && a.Command == nil && len(a.Data) > 0 {
							p = append(p, v.resolveActionProblems(ctx, fmt.Sprintf("resolving action %d", i), a, s, decl)...)
						}
					}
				}
				return p
			})
		}
		for _, f := range []string{abi.FeatureFormatting, abi.FeatureRangeFormatting} {
			if !has(f) {
				continue
			}
			req := doc(f)
			p := abi.FormattingParams{TabSize: 4, InsertSpaces: true}
			if f == abi.FeatureRangeFormatting {
				p.Start, p.End = 0, mid
			}
			req.Params = mustRaw(p)
			var res abi.FormattingResult
			v.checkAnswer(ctx, f+": "+s.Name, &req, s, &res, func() []string {
				return editProblems("edit", res.Edits, s.Text)
			})
		}
		if has(abi.FeatureDocumentSymbol) {
			req := doc(abi.MethodDocumentSymbol)
			var res abi.DocumentSymbolResult
			v.checkAnswer(ctx, "documentSymbol: "+s.Name, &req, s, &res, func() []string {
				return symbolProblems("symbol", res.Symbols, s.Text, 0)
			})
		}
		if has(abi.FeatureExecuteCommand) {
			for _, c := range decl.Commands {
				req := doc(abi.MethodExecuteCommand)
				req.Params = mustRaw(abi.ExecuteCommandParams{Command: c, Arguments: []json.RawMessage{mustRaw(map[string]string{"uri": req.Document.URI})}})
				var res abi.ExecuteCommandResult
				v.checkAnswer(ctx, fmt.Sprintf("executeCommand %s: %s", c, s.Name), &req, s, &res, func() []string {
					return editProblems("edit", res.Edits, s.Text)
				})
			}
		}
	}
	if has(abi.FeatureCompletionResolve) && has(abi.FeatureCompletion) {
		v.checkCompletionResolve(ctx)
	}
}

// checkAnswer sends req about sample s, decodes the answer into out the way
// the host does, and reports the problems check finds in it.
func (v *verifier) checkAnswer(ctx context.Context, name string, req *abi.Request, s Sample, out any, check func() []string) {
	raw, err := v.call(ctx, req, s.Text)
	if err != nil {
		v.callFailed(name, err)
		return
	}
	var problems []string
	if !utf8.Valid(raw) && utf8.ValidString(s.Text) {
		problems = append(problems, "the response is not valid UTF-8")
	}
	if len(problems) == 0 {
		problems = resultProblems(raw, req.Method, out)
	}
	if len(problems) == 0 {
		problems = check()
	}
	if len(problems) > 0 {
		v.fail(name, strings.Join(problems, "; "), fixFor(req.Method, problems))
		return
	}
	v.pass(name, "")
}

func (v *verifier) actionProblems(what string, a abi.CodeAction, text string, decl abi.InitializeResult) []string {
	var p []string
	if a.Title == "" {
		p = append(p, what+" has no title (the host drops it)")
	}
	for _, i := range a.Diagnostics {
		if i < 0 {
			p = append(p, fmt.Sprintf("%s names diagnostic %d, not an index into the request's diagnostics", what, i))
		} else {
			p = append(p, fmt.Sprintf("%s names diagnostic %d, but the request had none", what, i))
		}
	}
	if a.Command != nil && !strings.Contains(","+strings.Join(decl.Commands, ",")+",", ","+a.Command.Command+",") {
		p = append(p, fmt.Sprintf("%s runs command %q, which the extension does not declare in commands (the host drops it)", what, a.Command.Command))
	}
	return append(p, editProblems(what+" edit", a.Edits, text)...)
}

func (v *verifier) resolveActionProblems(ctx context.Context, what string, a abi.CodeAction, s Sample, decl abi.InitializeResult) []string {
	req := v.docRequest(abi.MethodCodeActionResolve, s)
	req.Params = mustRaw(abi.CodeActionResolveParams{Action: a})
	raw, err := v.call(ctx, &req, s.Text)
	if err != nil {
		return []string{fmt.Sprintf("%s: the call failed: %v", what, err)}
	}
	var res abi.CodeAction
	if p := resultProblems(raw, req.Method, &res); len(p) > 0 {
		return p
	}
	res.Diagnostics = nil
	return v.actionProblems(what, res, s.Text, decl)
}

// checkCompletionResolve resolves the first item of a completion on the
// ASCII sample.
func (v *verifier) checkCompletionResolve(ctx context.Context) {
	const name = "completionResolve"
	s := v.samples()[0]
	req := v.docRequest(abi.MethodCompletion, s)
	req.Offset = len(s.Text)
	var list abi.CompletionResult
	raw, err := v.call(ctx, &req, s.Text)
	if err == nil {
		if p := resultProblems(raw, abi.MethodCompletion, &list); len(p) > 0 {
			err = fmt.Errorf("%s", strings.Join(p, "; "))
		}
	}
	if err != nil || len(list.Items) == 0 {
		v.add(name, CheckSkip, "no completion item to resolve on the ASCII sample", "")
		return
	}
	resolve := abi.Request{Method: abi.MethodCompletionResolve, Params: mustRaw(abi.CompletionResolveParams{Item: list.Items[0]})}
	var item abi.CompletionItem
	v.checkAnswer(ctx, name, &resolve, Sample{Name: "no document"}, &item, func() []string {
		p := stringProblems("item", item.Label, item.Detail, item.Documentation)
		if item.Label == "" {
			p = append(p, "the resolved item has no label")
		}
		return p
	})
}

// editProblems checks edits on text: inside it, on character boundaries,
// not overlapping (ABI.md "codeAction", "formatting").
func editProblems(what string, edits []abi.TextEdit, text string) []string {
	var p []string
	for i, e := range edits {
		p = append(p, rangeProblems(fmt.Sprintf("%s %d", what, i), e.Start, e.End, text)...)
	}
	if len(p) == 0 {
		if _, err := sanitizeEdits(edits, len(text)); err != nil {
			p = append(p, err.Error()+" (the host refuses the whole answer)")
		}
	}
	return p
}

func symbolProblems(what string, symbols []abi.Symbol, text string, depth int) []string {
	var p []string
	for i, s := range symbols {
		w := fmt.Sprintf("%s %d (%q)", what, i, s.Name)
		p = append(p, rangeProblems(w, s.Start, s.End, text)...)
		p = append(p, rangeProblems(w+" selection", s.SelectionStart, s.SelectionEnd, text)...)
		if s.SelectionStart < s.Start || s.SelectionEnd > s.End {
			p = append(p, w+": its selection is not inside its range")
		}
		if s.Name == "" {
			p = append(p, w+" has no name")
		}
		if s.Kind < 1 || s.Kind > 26 {
			p = append(p, fmt.Sprintf("%s has kind %d, not an LSP SymbolKind (1-26)", w, s.Kind))
		}
		if depth < 32 {
			p = append(p, symbolProblems(w+" child", s.Children, text, depth+1)...)
		}
	}
	return p
}

// middle is an offset near the middle of text, on a character boundary.
func middle(text string) int {
	mid := len(text) / 2
	for mid < len(text) && !utf8.RuneStart(text[mid]) {
		mid++
	}
	return mid
}

func mustRaw(v any) json.RawMessage {
	b, _ := json.Marshal(v)
	return b
}
