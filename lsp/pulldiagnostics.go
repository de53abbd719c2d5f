package lsp

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"

	"go.lsp.dev/protocol"
)

// Pull diagnostics (LSP 3.17): a client that declares
// textDocument.diagnostic asks for each document's diagnostics when it
// wants them, and nothing is pushed to it; other clients get
// publishDiagnostics. go.lsp.dev has none of the 3.17 types: they are here.

const methodDiagnostic = "textDocument/diagnostic"

// diagnosticOptions is DiagnosticOptions.
type diagnosticOptions struct {
	Identifier            string `json:"identifier,omitempty"`
	InterFileDependencies bool   `json:"interFileDependencies"`
	WorkspaceDiagnostics  bool   `json:"workspaceDiagnostics"`
}

// documentDiagnosticParams is DocumentDiagnosticParams.
type documentDiagnosticParams struct {
	TextDocument     protocol.TextDocumentIdentifier `json:"textDocument"`
	Identifier       string                          `json:"identifier,omitempty"`
	PreviousResultID string                          `json:"previousResultId,omitempty"`
}

// documentDiagnosticReport is a full or an unchanged report: Items is set
// only in a full one.
type documentDiagnosticReport struct {
	Kind     string                `json:"kind"` // "full" or "unchanged"
	ResultID string                `json:"resultId"`
	Items    []protocol.Diagnostic `json:"items,omitempty"`
}

// pulling reports whether the client pulls diagnostics.
func (s *server) pulling() bool { return s.client.TextDocument.Diagnostic != nil }

// pullDiagnostics computes a document's diagnostics now; if they are what
// the client has (same result id), it says so instead of sending them.
func (s *server) pullDiagnostics(ctx context.Context, raw json.RawMessage) (any, error) {
	var p documentDiagnosticParams
	if err := json.Unmarshal(raw, &p); err != nil {
		return nil, invalidParams(methodDiagnostic, err)
	}
	snap, err := s.open(methodDiagnostic, p.TextDocument.URI)
	if err != nil {
		return nil, err
	}
	s.prepare(snap)
	diags, _ := s.computeDiagnostics(ctx, snap) // failures are logged
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if diags == nil {
		diags = []protocol.Diagnostic{}
	}
	encoded, _ := json.Marshal(diags)
	sum := sha256.Sum256(encoded)
	id := hex.EncodeToString(sum[:12])
	if id == p.PreviousResultID {
		return documentDiagnosticReport{Kind: "unchanged", ResultID: id}, nil
	}
	return struct {
		Kind     string                `json:"kind"`
		ResultID string                `json:"resultId"`
		Items    []protocol.Diagnostic `json:"items"`
	}{"full", id, diags}, nil
}

// refreshDiagnostics asks a pulling client to pull again, after a reload
// changed what the extensions would say.
func (s *server) refreshDiagnostics(ctx context.Context) {
	if !s.client.Workspace.Diagnostics.RefreshSupport {
		return
	}
	if err := s.conn.call(ctx, "workspace/diagnostic/refresh", nil, nil); err != nil {
		s.log.Warn("workspace/diagnostic/refresh failed", "err", err)
	}
}
