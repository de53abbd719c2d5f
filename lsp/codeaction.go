package lsp

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"

	"github.com/lsphost/lsphost/abi"
	"github.com/lsphost/lsphost/extensions"
	"github.com/lsphost/lsphost/lsp/text"
)

// codeAction is LSP's CodeAction with data, which go.lsp.dev's lacks: it
// brings codeAction/resolve back to the extension that made the action.
type codeAction struct {
	Title       string                  `json:"title"`
	Kind        string                  `json:"kind,omitempty"`
	Diagnostics []protocol.Diagnostic   `json:"diagnostics,omitempty"`
	IsPreferred bool                    `json:"isPreferred,omitempty"`
	Edit        *protocol.WorkspaceEdit `json:"edit,omitempty"`
	Command     *protocol.Command       `json:"command,omitempty"`
	Data        *codeActionData         `json:"data,omitempty"`
}

// codeActionData is what resolve needs: who made the action, about which
// document, and the extension's own data.
type codeActionData struct {
	Extension string               `json:"extension"`
	URI       protocol.DocumentURI `json:"uri"`
	Data      json.RawMessage      `json:"data,omitempty"`
}

// codeActionParams is CodeActionParams with the diagnostics' data kept.
type codeActionParams struct {
	TextDocument protocol.TextDocumentIdentifier `json:"textDocument"`
	Range        protocol.Range                  `json:"range"`
	Context      struct {
		Diagnostics []clientDiagnostic `json:"diagnostics"`
		Only        []string           `json:"only"`
	} `json:"context"`
}

// clientDiagnostic is a diagnostic as the client sends it back: decoded to
// read it, and kept raw to echo it exactly in the actions that fix it.
type clientDiagnostic struct {
	protocol.Diagnostic
	Data json.RawMessage `json:"data,omitempty"`
	raw  json.RawMessage
}

func (d *clientDiagnostic) UnmarshalJSON(b []byte) error {
	d.raw = append(json.RawMessage(nil), b...)
	type plain struct {
		protocol.Diagnostic
		Data json.RawMessage `json:"data,omitempty"`
	}
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	d.Diagnostic, d.Data = p.Diagnostic, p.Data
	return nil
}

// codeActions gathers the actions of every extension for a range: each gets
// its own diagnostics there (by source) and may fix them; kinds are
// filtered by only, as LSP says, by prefix.
func (s *server) codeActions(ctx context.Context, raw json.RawMessage) (any, error) {
	var p codeActionParams
	if err := json.Unmarshal(raw, &p); err != nil {
		return nil, invalidParams("codeAction", err)
	}
	snap, err := s.open("codeAction", p.TextDocument.URI)
	if err != nil {
		return nil, err
	}
	start, end := s.offsetOf(snap, p.Range.Start), s.offsetOf(snap, p.Range.End)
	exts := s.currentWorkspace().extensionsFor(snap.uri, snap.languageID, abi.FeatureCodeAction)
	type mine struct {
		abi  []abi.Diagnostic
		from []clientDiagnostic // the client's, in the same order
	}
	own := map[string]*mine{}
	for _, ext := range exts {
		m := &mine{abi: []abi.Diagnostic{}}
		for _, d := range p.Context.Diagnostics {
			ds, de := s.offsetOf(snap, d.Range.Start), s.offsetOf(snap, d.Range.End)
			if d.Source != ext.Name() || ds > end || de < start {
				continue // another's, or not in the range
			}
			code := ""
			if d.Code != nil {
				code = fmt.Sprint(d.Code)
			}
			m.abi = append(m.abi, abi.Diagnostic{
				Start: ds, End: de,
				Severity: abi.Severity(d.Severity), Message: d.Message, Code: code, Data: d.Data,
			})
			m.from = append(m.from, d)
		}
		own[ext.Name()] = m
	}
	results := fanOut(ctx, exts, func(ctx context.Context, ext *extensions.Extension) ([]abi.CodeAction, error) {
		m := own[ext.Name()]
		return ext.CodeActions(ctx, snap.forExtension(), abi.CodeActionParams{Start: start, End: end, Diagnostics: m.abi, Only: p.Context.Only})
	})
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	actions := []codeAction{}
	for _, r := range results {
		if r.err != nil {
			s.log.Warn("codeAction failed", "extension", r.ext.Name(), "uri", snap.uri, "err", r.err)
			continue
		}
		for _, a := range r.value {
			if !kindWanted(a.Kind, p.Context.Only) {
				continue
			}
			ca := s.toCodeAction(snap, r.ext, a)
			for _, i := range a.Diagnostics {
				var d protocol.Diagnostic
				json.Unmarshal(own[r.ext.Name()].from[i].raw, &d)
				ca.Diagnostics = append(ca.Diagnostics, d)
			}
			actions = append(actions, ca)
		}
	}
	return actions, nil
}

// kindWanted reports whether an action of kind is among only: "quickfix"
// admits "quickfix" and "quickfix.spelling". An empty only admits all.
func kindWanted(kind string, only []string) bool {
	if len(only) == 0 {
		return true
	}
	for _, o := range only {
		if kind == o || strings.HasPrefix(kind, o+".") {
			return true
		}
	}
	return false
}

// toCodeAction converts an extension's action on snap.
func (s *server) toCodeAction(snap snapshot, ext *extensions.Extension, a abi.CodeAction) codeAction {
	ca := codeAction{Title: a.Title, Kind: a.Kind, IsPreferred: a.IsPreferred}
	if len(a.Edits) > 0 {
		ca.Edit = &protocol.WorkspaceEdit{Changes: map[protocol.DocumentURI][]protocol.TextEdit{snap.uri: s.toTextEdits(snap.text, a.Edits)}}
	}
	if a.Command != nil {
		ca.Command = &protocol.Command{Title: a.Command.Title, Command: ext.Name() + "." + a.Command.Command, Arguments: rawArgs(a.Command.Arguments)}
	}
	if ca.Edit == nil && ca.Command == nil && ext.Has(abi.FeatureCodeActionResolve) {
		ca.Data = &codeActionData{Extension: ext.Name(), URI: snap.uri, Data: a.Data}
	}
	return ca
}

func rawArgs(args []json.RawMessage) []any {
	out := make([]any, len(args))
	for i, a := range args {
		out[i] = a
	}
	return out
}

// toTextEdits converts validated byte-range edits on t to LSP edits.
func (s *server) toTextEdits(t *text.Snapshot, edits []abi.TextEdit) []protocol.TextEdit {
	out := make([]protocol.TextEdit, len(edits))
	for i, e := range edits {
		out[i] = protocol.TextEdit{Range: s.toRange(t, e.Start, e.End), NewText: e.NewText}
	}
	return out
}

// resolveCodeAction sends an action back to the extension that made it, to
// fill in its edits against the document as it is now.
func (s *server) resolveCodeAction(ctx context.Context, raw json.RawMessage) (any, error) {
	var ca codeAction
	if err := json.Unmarshal(raw, &ca); err != nil {
		return nil, invalidParams("codeAction/resolve", err)
	}
	if ca.Data == nil {
		return ca, nil // nothing to resolve
	}
	snap, err := s.open("codeAction/resolve", ca.Data.URI)
	if err != nil {
		return nil, err
	}
	ext := s.currentWorkspace().extensionNamed(snap.uri, ca.Data.Extension, abi.FeatureCodeActionResolve)
	if ext == nil {
		return nil, jsonrpc2.NewError(jsonrpc2.InvalidParams, "codeAction/resolve: no extension "+ca.Data.Extension+" resolves actions for this document")
	}
	resolved, err := ext.ResolveCodeAction(ctx, snap.forExtension(), abi.CodeAction{Title: ca.Title, Kind: ca.Kind, IsPreferred: ca.IsPreferred, Data: ca.Data.Data})
	if err != nil {
		return nil, jsonrpc2.NewError(jsonrpc2.InternalError, "codeAction/resolve: "+err.Error())
	}
	out := s.toCodeAction(snap, ext, resolved)
	out.Diagnostics, out.Data = ca.Diagnostics, nil
	return out, nil
}
