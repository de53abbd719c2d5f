package lsp

import (
	"cmp"
	"context"
	"encoding/json"
	"slices"
	"strings"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"

	"github.com/lsphost/lsphost/abi"
	"github.com/lsphost/lsphost/extensions"
	"github.com/lsphost/lsphost/lsp/text"
)

// completionData is attached to every item so that a later
// completionItem/resolve can go back to the extension that produced it.
type completionData struct {
	Extension string `json:"extension"`
}

func (s *server) completion(ctx context.Context, raw json.RawMessage) (any, error) {
	var p protocol.CompletionParams
	if err := json.Unmarshal(raw, &p); err != nil {
		return nil, jsonrpc2.NewError(jsonrpc2.InvalidParams, "completion: "+err.Error())
	}
	snap, ok := s.docs.get(p.TextDocument.URI)
	if !ok {
		return nil, jsonrpc2.NewError(jsonrpc2.InvalidParams, "completion: document not open: "+string(p.TextDocument.URI))
	}
	offset := snap.text.Offset(fromProtocol(p.Position), s.enc)
	trigger := ""
	if p.Context != nil && p.Context.TriggerKind == protocol.CompletionTriggerKindTriggerCharacter {
		trigger = p.Context.TriggerCharacter
	}
	var exts []*extensions.Extension
	for _, ext := range s.currentWorkspace().extensionsFor(snap.uri, snap.languageID, abi.FeatureCompletion) {
		// A trigger character only wakes the extensions that asked for it.
		if trigger == "" || slices.Contains(ext.Declaration().TriggerCharacters, trigger) {
			exts = append(exts, ext)
		}
	}
	doc := extensions.Document{URI: string(snap.uri), LanguageID: snap.languageID, Version: snap.version, Text: snap.text}
	results := fanOut(ctx, exts, func(ctx context.Context, ext *extensions.Extension) (abi.CompletionResult, error) {
		return ext.Completion(ctx, doc, offset, trigger)
	})
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	list := &protocol.CompletionList{Items: []protocol.CompletionItem{}}
	for _, r := range results {
		if r.err != nil {
			s.log.Warn("completion failed", "extension", r.ext.Name(), "uri", snap.uri, "err", r.err)
			continue
		}
		list.IsIncomplete = list.IsIncomplete || r.value.IsIncomplete
		for _, it := range r.value.Items {
			list.Items = append(list.Items, s.completionItem(snap.text, r.ext.Name(), it))
		}
	}
	list.Items = mergeCompletions(list.Items)
	return list, nil
}

func (s *server) completionItem(t *text.Snapshot, ext string, it abi.CompletionItem) protocol.CompletionItem {
	item := protocol.CompletionItem{
		Label:            it.Label,
		Kind:             protocol.CompletionItemKind(it.Kind),
		Detail:           it.Detail,
		InsertText:       it.InsertText,
		InsertTextFormat: protocol.InsertTextFormat(it.InsertTextFormat),
		FilterText:       it.FilterText,
		SortText:         it.SortText,
		Data:             completionData{Extension: ext},
	}
	if it.Documentation != "" {
		item.Documentation = protocol.MarkupContent{Kind: protocol.Markdown, Value: it.Documentation}
	}
	if it.Edit != nil {
		item.TextEdit = &protocol.TextEdit{Range: s.toRange(t, it.Edit.Start, it.Edit.End), NewText: it.Edit.NewText}
	}
	return item
}

// mergeCompletions orders items by their sort text (or label), then label,
// then extension, and keeps the first of items that would insert the same
// thing. The order does not depend on which extension answered first.
func mergeCompletions(items []protocol.CompletionItem) []protocol.CompletionItem {
	sortKey := func(it *protocol.CompletionItem) string {
		if it.SortText != "" {
			return it.SortText
		}
		return it.Label
	}
	order := sortedOrder(items, func(a, b *protocol.CompletionItem) int {
		if c := strings.Compare(sortKey(a), sortKey(b)); c != 0 {
			return c
		}
		if c := strings.Compare(a.Label, b.Label); c != 0 {
			return c
		}
		if c := strings.Compare(a.Data.(completionData).Extension, b.Data.(completionData).Extension); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Kind, b.Kind); c != 0 {
			return c
		}
		// Full ties are rare; comparing the encodings makes the order total.
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		return strings.Compare(string(ja), string(jb))
	})
	type key struct {
		label, insert string
		kind          protocol.CompletionItemKind
	}
	seen := map[key]bool{}
	out := make([]protocol.CompletionItem, 0, len(items))
	for _, i := range order {
		it := items[i]
		insert := it.InsertText
		if it.TextEdit != nil {
			insert = it.TextEdit.NewText
		}
		k := key{it.Label, insert, it.Kind}
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, it)
	}
	return out
}

func (s *server) currentWorkspace() *workspace {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.workspace
}
