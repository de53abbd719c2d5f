package lsp

import (
	"cmp"
	"context"
	"encoding/json"
	"slices"

	"go.lsp.dev/protocol"

	"github.com/lsphost/lsphost/abi"
	"github.com/lsphost/lsphost/extensions"
	"github.com/lsphost/lsphost/lsp/text"
)

// documentSymbols merges the symbols of every extension, ordered by
// position (then extension name) so that the outline reads top to bottom.
func (s *server) documentSymbols(ctx context.Context, raw json.RawMessage) (any, error) {
	var p protocol.DocumentSymbolParams
	if err := json.Unmarshal(raw, &p); err != nil {
		return nil, invalidParams("documentSymbol", err)
	}
	snap, err := s.open("documentSymbol", p.TextDocument.URI)
	if err != nil {
		return nil, err
	}
	exts := s.currentWorkspace().extensionsFor(snap.uri, snap.languageID, abi.FeatureDocumentSymbol)
	results := fanOut(ctx, exts, func(ctx context.Context, ext *extensions.Extension) ([]abi.Symbol, error) {
		return ext.Symbols(ctx, snap.forExtension())
	})
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	type located struct {
		start int
		sym   protocol.DocumentSymbol
	}
	var all []located
	for _, r := range results {
		if r.err != nil {
			s.log.Warn("documentSymbol failed", "extension", r.ext.Name(), "uri", snap.uri, "err", r.err)
			continue
		}
		for _, sym := range r.value {
			all = append(all, located{sym.Start, s.toSymbol(snap.text, sym)})
		}
	}
	slices.SortStableFunc(all, func(a, b located) int { return cmp.Compare(a.start, b.start) })
	out := make([]protocol.DocumentSymbol, len(all))
	for i, l := range all {
		out[i] = l.sym
	}
	return out, nil
}

func (s *server) toSymbol(t *text.Snapshot, sym abi.Symbol) protocol.DocumentSymbol {
	out := protocol.DocumentSymbol{
		Name:           sym.Name,
		Detail:         sym.Detail,
		Kind:           protocol.SymbolKind(sym.Kind),
		Range:          s.toRange(t, sym.Start, sym.End),
		SelectionRange: s.toRange(t, sym.SelectionStart, sym.SelectionEnd),
	}
	for _, c := range sym.Children {
		out.Children = append(out.Children, s.toSymbol(t, c))
	}
	return out
}
