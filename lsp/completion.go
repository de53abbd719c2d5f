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
	"github.com/lsphost/lsphost/internal/jsonenc"
	"github.com/lsphost/lsphost/lsp/text"
)

// completionData is attached to every item so that a later
// completionItem/resolve can go back to the extension that produced it.
type completionData struct {
	Extension string               `json:"extension"`
	URI       protocol.DocumentURI `json:"uri,omitempty"`  // set when the extension resolves items
	Data      json.RawMessage      `json:"data,omitempty"` // the extension's own
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
	n := 0
	for _, r := range results {
		n += len(r.value.Items)
	}
	list := &protocol.CompletionList{Items: make([]protocol.CompletionItem, 0, n)}
	for _, r := range results {
		if r.err != nil {
			s.log.Warn("completion failed", "extension", r.ext.Name(), "uri", snap.uri, "err", r.err)
			continue
		}
		list.IsIncomplete = list.IsIncomplete || r.value.IsIncomplete
		resolves := r.ext.Has(abi.FeatureCompletionResolve)
		for _, it := range r.value.Items {
			data := completionData{Extension: r.ext.Name()}
			if resolves {
				data.URI, data.Data = snap.uri, it.Data
			}
			list.Items = append(list.Items, s.completionItem(snap.text, data, it))
		}
	}
	list.Items = mergeCompletions(list.Items)
	return encodeCompletionList(list)
}

// completionItem is it for the editor, with data to find its way back to
// the extension on completionItem/resolve. encodeCompletionList writes the
// fields set here by hand; a list with any other field set goes through
// json.Marshal (encodable), correct but slower.
func (s *server) completionItem(t *text.Snapshot, data completionData, it abi.CompletionItem) protocol.CompletionItem {
	item := protocol.CompletionItem{
		Label:            it.Label,
		Kind:             protocol.CompletionItemKind(it.Kind),
		Detail:           it.Detail,
		InsertText:       it.InsertText,
		InsertTextFormat: protocol.InsertTextFormat(it.InsertTextFormat),
		FilterText:       it.FilterText,
		SortText:         it.SortText,
		Data:             data,
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
// thing. The order does not depend on which extension answered first. The
// result may be items itself, rewritten: items is not used after.
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
	sameInsert := func(a, b *protocol.CompletionItem) bool {
		return a.Label == b.Label && a.Kind == b.Kind && insertOf(a) == insertOf(b)
	}
	// Items that insert the same thing have the same label. Without sort
	// texts, the order keeps the items of a label together, and only those
	// are compared; otherwise a set of what was kept finds them.
	var seen map[insertKey]bool
	for i := range items {
		if items[i].SortText != "" {
			seen = make(map[insertKey]bool, len(items))
			break
		}
	}
	// Already in order (one extension's sorted answer, the usual case), the
	// items are compacted where they are instead of copied.
	out := items[:0]
	for k, i := range order {
		if int(i) != k {
			out = make([]protocol.CompletionItem, 0, len(items))
			break
		}
	}
	group := 0 // where the items of the last label kept start in out
	for _, i := range order {
		it := &items[i]
		if seen != nil {
			k := insertKey{it.Label, insertOf(it), it.Kind}
			if seen[k] {
				continue
			}
			seen[k] = true
		} else {
			if len(out) > 0 && out[len(out)-1].Label != it.Label {
				group = len(out)
			}
			if slices.ContainsFunc(out[group:], func(kept protocol.CompletionItem) bool { return sameInsert(&kept, it) }) {
				continue
			}
		}
		out = append(out, *it)
	}
	return out
}

// insertKey is what an item inserts: items with the same are merged.
type insertKey struct {
	label, insert string
	kind          protocol.CompletionItemKind
}

// insertOf is the text it inserts instead of its label, if any.
func insertOf(it *protocol.CompletionItem) string {
	if it.TextEdit != nil {
		return it.TextEdit.NewText
	}
	return it.InsertText
}

// resolveCompletion sends an item back to the extension that produced it
// and takes the details it adds; the edit stays as it was.
func (s *server) resolveCompletion(ctx context.Context, raw json.RawMessage) (any, error) {
	var item protocol.CompletionItem
	if err := json.Unmarshal(raw, &item); err != nil {
		return nil, invalidParams("completionItem/resolve", err)
	}
	var data completionData
	if b, err := json.Marshal(item.Data); err != nil || json.Unmarshal(b, &data) != nil || data.URI == "" {
		return item, nil // not one of ours to resolve
	}
	ext := s.currentWorkspace().extensionNamed(data.URI, data.Extension, abi.FeatureCompletionResolve)
	if ext == nil {
		return item, nil
	}
	in := abi.CompletionItem{
		Label: item.Label, Kind: abi.CompletionItemKind(item.Kind), Detail: item.Detail,
		InsertText: item.InsertText, InsertTextFormat: abi.InsertTextFormat(item.InsertTextFormat),
		FilterText: item.FilterText, SortText: item.SortText, Data: data.Data,
	}
	if doc, ok := item.Documentation.(map[string]any); ok {
		in.Documentation, _ = doc["value"].(string)
	} else if doc, ok := item.Documentation.(string); ok {
		in.Documentation = doc
	}
	out, err := ext.ResolveCompletion(ctx, in)
	if err != nil {
		s.log.Warn("completionItem/resolve failed", "extension", ext.Name(), "err", err)
		return item, nil // the item as it was is still good
	}
	item.Detail, item.SortText, item.FilterText = out.Detail, out.SortText, out.FilterText
	if out.Documentation != "" {
		item.Documentation = protocol.MarkupContent{Kind: protocol.Markdown, Value: out.Documentation}
	}
	if item.TextEdit == nil {
		item.InsertText, item.InsertTextFormat = out.InsertText, protocol.InsertTextFormat(out.InsertTextFormat)
	}
	return item, nil
}

// encodeCompletionList writes list as json.Marshal does, without its
// reflection, which took a millisecond and more on answers of a few hundred
// items, on every keystroke. Lists with a field completionItem never sets
// go to json.Marshal (TestEncodeCompletionList holds the two to the same
// bytes).
func encodeCompletionList(list *protocol.CompletionList) (encodedJSON, error) {
	for i := range list.Items {
		if !encodable(&list.Items[i]) {
			return json.Marshal(list)
		}
	}
	b := make([]byte, 0, completionListSize(list.Items))
	b = append(b, `{"isIncomplete":`...)
	b = jsonenc.AppendBool(b, list.IsIncomplete)
	b = append(b, `,"items":[`...)
	for i := range list.Items {
		if i > 0 {
			b = append(b, ',')
		}
		var err error
		if b, err = appendCompletionItem(b, &list.Items[i]); err != nil {
			return nil, err
		}
	}
	return append(b, "]}"...), nil
}

// completionListSize is about the size of the encoded items, so that
// encoding them allocates once: their strings (escapes aside) with their
// keys, as appendCompletionItem writes them.
func completionListSize(items []protocol.CompletionItem) int {
	field := func(key, value string) int {
		if value == "" {
			return 0
		}
		return len(key) + len(value) + len(`"":"",`)
	}
	size := 64
	for i := range items {
		it := &items[i]
		size += len(`{"kind":25,"label":""},`) + len(it.Label) + field("detail", it.Detail) + field("filterText", it.FilterText) +
			field("insertText", it.InsertText) + len(`"insertTextFormat":2,`) + field("sortText", it.SortText)
		if data, ok := it.Data.(completionData); ok {
			size += len(`"data":{"extension":"",`) + len(data.Extension) + field("uri", string(data.URI)) + len(`"data":},`) + len(data.Data)
		}
		if doc, ok := it.Documentation.(protocol.MarkupContent); ok {
			size += len(`"documentation":{"kind":"","value":""},`) + len(doc.Kind) + len(doc.Value)
		}
		if it.TextEdit != nil {
			size += len(`,"textEdit":{"range":{"start":{"line":4294967295,"character":4294967295},"end":{"line":4294967295,"character":4294967295}},"newText":""}`) + len(it.TextEdit.NewText)
		}
	}
	return size
}

// encodable reports whether appendCompletionItem knows every field it has.
func encodable(it *protocol.CompletionItem) bool {
	if it.AdditionalTextEdits != nil || it.Command != nil || it.CommitCharacters != nil || it.Tags != nil ||
		it.Deprecated || it.InsertTextMode != 0 || it.Preselect {
		return false
	}
	switch it.Documentation.(type) {
	case nil, protocol.MarkupContent:
	default:
		return false
	}
	switch it.Data.(type) {
	case nil, completionData:
	default:
		return false
	}
	return true
}

// appendCompletionItem appends it, which encodable accepted, in the order
// and form of json.Marshal.
func appendCompletionItem(b []byte, it *protocol.CompletionItem) ([]byte, error) {
	b = append(b, '{')
	if data, ok := it.Data.(completionData); ok {
		b = append(b, `"data":{"extension":`...)
		b = jsonenc.AppendString(b, data.Extension)
		if data.URI != "" {
			b = append(b, `,"uri":`...)
			b = jsonenc.AppendString(b, string(data.URI))
		}
		if len(data.Data) > 0 {
			b = append(b, `,"data":`...)
			if jsonenc.IsInteger(data.Data) {
				b = append(b, data.Data...) // the usual data: valid and compact as it is
			} else {
				raw, err := json.Marshal(data.Data) // validated, compacted, HTML-escaped
				if err != nil {
					return nil, err
				}
				b = append(b, raw...)
			}
		}
		b = append(b, "},"...)
	}
	if it.Detail != "" {
		b = append(b, `"detail":`...)
		b = append(jsonenc.AppendString(b, it.Detail), ',')
	}
	if doc, ok := it.Documentation.(protocol.MarkupContent); ok {
		b = append(b, `"documentation":{"kind":`...)
		b = jsonenc.AppendString(b, string(doc.Kind))
		b = append(b, `,"value":`...)
		b = append(jsonenc.AppendString(b, doc.Value), "},"...)
	}
	if it.FilterText != "" {
		b = append(b, `"filterText":`...)
		b = append(jsonenc.AppendString(b, it.FilterText), ',')
	}
	if it.InsertText != "" {
		b = append(b, `"insertText":`...)
		b = append(jsonenc.AppendString(b, it.InsertText), ',')
	}
	if it.InsertTextFormat != 0 {
		b = append(b, `"insertTextFormat":`...)
		b = append(jsonenc.AppendInt(b, int(it.InsertTextFormat)), ',')
	}
	if it.Kind != 0 {
		b = append(b, `"kind":`...)
		b = append(jsonenc.AppendInt(b, int(it.Kind)), ',')
	}
	b = append(b, `"label":`...)
	b = jsonenc.AppendString(b, it.Label)
	if it.SortText != "" {
		b = append(b, `,"sortText":`...)
		b = jsonenc.AppendString(b, it.SortText)
	}
	if e := it.TextEdit; e != nil {
		b = append(b, `,"textEdit":{"range":`...)
		b = appendRange(b, e.Range)
		b = append(b, `,"newText":`...)
		b = append(jsonenc.AppendString(b, e.NewText), '}')
	}
	return append(b, '}'), nil
}
