package lsp

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"

	"github.com/lsphost/lsphost/abi"
	"github.com/lsphost/lsphost/extensions"
)

// One extension formats a document: formatters' edits cannot be merged.
// Which one is chosen by the [formatters] table (languageId, or "*" for the
// rest, to extension name); without an entry, the only extension that
// formats the document, or else the first by name, with a message saying
// how to choose.

// formattingParams covers both formatting requests: Range is set for
// rangeFormatting.
type formattingParams struct {
	TextDocument protocol.TextDocumentIdentifier `json:"textDocument"`
	Range        *protocol.Range                 `json:"range"`
	Options      struct {
		TabSize      int  `json:"tabSize"`
		InsertSpaces bool `json:"insertSpaces"`
	} `json:"options"`
}

func (s *server) formatting(ctx context.Context, method string, raw json.RawMessage) (any, error) {
	var p formattingParams
	if err := json.Unmarshal(raw, &p); err != nil {
		return nil, invalidParams(method, err)
	}
	snap, err := s.open(method, p.TextDocument.URI)
	if err != nil {
		return nil, err
	}
	feature := abi.FeatureFormatting
	if p.Range != nil {
		feature = abi.FeatureRangeFormatting
	}
	ext := s.formatter(snap, feature)
	if ext == nil {
		return []protocol.TextEdit{}, nil
	}
	fp := abi.FormattingParams{TabSize: p.Options.TabSize, InsertSpaces: p.Options.InsertSpaces}
	if p.Range != nil {
		fp.Start, fp.End = s.offsetOf(snap, p.Range.Start), s.offsetOf(snap, p.Range.End)
	}
	edits, err := ext.Format(ctx, snap.forExtension(), fp, p.Range != nil)
	if err != nil {
		s.log.Warn("formatting failed", "extension", ext.Name(), "uri", snap.uri, "err", err)
		return nil, jsonrpc2.NewError(jsonrpc2.InternalError, fmt.Sprintf("%s: %v", method, err))
	}
	// The edits are for the text they were computed on; if the document
	// changed meanwhile they would corrupt it.
	if now, ok := s.docs.get(snap.uri); !ok || now.text != snap.text {
		return nil, protocol.ErrContentModified
	}
	return s.toTextEdits(snap.text, edits), nil
}

// formatter picks the extension that formats snap's document.
func (s *server) formatter(snap snapshot, feature string) *extensions.Extension {
	ws := s.currentWorkspace()
	candidates := ws.extensionsFor(snap.uri, snap.languageID, feature)
	f, _ := ws.folderOf(snap.uri)
	chosen, configured := f.formatters[snap.languageID]
	if !configured {
		chosen, configured = f.formatters["*"]
	}
	if configured {
		for _, ext := range candidates {
			if ext.Name() == chosen {
				return ext
			}
		}
		s.tellOnce("formatter "+chosen+" "+snap.languageID, protocol.MessageTypeWarning, fmt.Sprintf(
			"lsphost: [formatters] names %s for %s documents, but it does not format them here; no formatting done", chosen, snap.languageID))
		return nil
	}
	if len(candidates) > 1 {
		var names []string
		for _, ext := range candidates {
			names = append(names, ext.Name())
		}
		s.tellOnce("formatters "+snap.languageID+strings.Join(names, ","), protocol.MessageTypeInfo, fmt.Sprintf(
			"lsphost: %s all format %s documents; using %s. To choose, add to .lsphost.toml:\n[formatters]\n%s = %q",
			strings.Join(names, ", "), snap.languageID, names[0], snap.languageID, names[len(names)-1]))
	}
	if len(candidates) == 0 {
		return nil
	}
	return candidates[0]
}

// tellOnce shows msg the first time key is seen in the session.
func (s *server) tellOnce(key string, typ protocol.MessageType, msg string) {
	s.mu.Lock()
	told := slices.Contains(s.told, key)
	if !told {
		s.told = append(s.told, key)
	}
	s.mu.Unlock()
	if !told {
		s.log.Info(msg)
		s.queueMessage(typ, msg)
	}
}
