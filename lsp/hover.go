package lsp

import (
	"context"
	"encoding/json"
	"strings"

	"go.lsp.dev/protocol"

	"github.com/lsphost/lsphost/abi"
	"github.com/lsphost/lsphost/extensions"
)

// hoverSeparator goes between the sections of different extensions.
const hoverSeparator = "\n\n---\n\n"

// hover merges the hovers of every extension into one: a section each, in
// extension name order, with the range of the first that gave one.
func (s *server) hover(ctx context.Context, raw json.RawMessage) (any, error) {
	var p protocol.HoverParams
	if err := json.Unmarshal(raw, &p); err != nil {
		return nil, invalidParams("hover", err)
	}
	snap, err := s.open("hover", p.TextDocument.URI)
	if err != nil {
		return nil, err
	}
	offset := s.offsetOf(snap, p.Position)
	exts := s.currentWorkspace().extensionsFor(snap.uri, snap.languageID, abi.FeatureHover)
	results := fanOut(ctx, exts, func(ctx context.Context, ext *extensions.Extension) (abi.HoverResult, error) {
		return ext.Hover(ctx, snap.forExtension(), offset)
	})
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	var sections []string
	var rng *protocol.Range
	for _, r := range results {
		if r.err != nil {
			s.log.Warn("hover failed", "extension", r.ext.Name(), "uri", snap.uri, "err", r.err)
			continue
		}
		if strings.TrimSpace(r.value.Contents) == "" {
			continue
		}
		sections = append(sections, r.value.Contents)
		if rng == nil && r.value.End > r.value.Start {
			x := s.toRange(snap.text, r.value.Start, r.value.End)
			rng = &x
		}
	}
	if len(sections) == 0 {
		return nil, nil // null: nothing to show
	}
	return protocol.Hover{
		Contents: protocol.MarkupContent{Kind: protocol.Markdown, Value: strings.Join(sections, hoverSeparator)},
		Range:    rng,
	}, nil
}
