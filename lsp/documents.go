package lsp

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"

	"github.com/lsphost/lsphost/extensions"
	"github.com/lsphost/lsphost/lsp/text"
)

// document is an open document. Its fields are guarded by documents.mu; its
// text is an immutable snapshot, so readers take it and let go of the lock.
type document struct {
	uri        protocol.DocumentURI
	languageID string
	version    int32
	text       *text.Snapshot

	// Diagnostics scheduling: at most one run per document; edits during a
	// run mark it dirty and the run goes again with the latest text, or,
	// in a burst of edits, once the burst pauses.
	running, dirty bool
	published      []byte      // the last publishDiagnostics params sent
	lastEdit       time.Time   // when the last change arrived
	lastRun        time.Time   // when the last run started
	timer          *time.Timer // a run deferred until a burst of edits pauses

	// Prepares (prepare.go): at most one round per document; a text that
	// comes during a round is prepared after it.
	preparing, prepareAgain bool
}

// snapshot is a consistent view of a document at one version.
type snapshot struct {
	doc        *document
	uri        protocol.DocumentURI
	languageID string
	version    int32
	text       *text.Snapshot
}

func (d *document) snapshot() snapshot {
	return snapshot{doc: d, uri: d.uri, languageID: d.languageID, version: d.version, text: d.text}
}

// documents is the store of open documents.
type documents struct {
	mu      sync.Mutex
	m       map[protocol.DocumentURI]*document
	runs    sync.WaitGroup // diagnostics runs in flight
	running atomic.Int64   // the same, counted for lsphost.status

	// session lives as long as the session: runs call extensions under
	// it, so that when the client is gone they stop waiting for calls
	// whose results nobody will read.
	session context.Context
	end     context.CancelFunc
}

func newDocuments() *documents {
	ctx, cancel := context.WithCancel(context.Background())
	return &documents{m: map[protocol.DocumentURI]*document{}, session: ctx, end: cancel}
}

// get returns a snapshot of the open document u.
func (ds *documents) get(u protocol.DocumentURI) (snapshot, bool) {
	ds.mu.Lock()
	defer ds.mu.Unlock()
	d, ok := ds.m[u]
	if !ok {
		return snapshot{}, false
	}
	return d.snapshot(), true
}

// wait ends the session's diagnostics runs and waits for them. Calls still
// running in an extension are abandoned, to end within their deadline or
// when the extension is closed, so a client that vanished does not keep the
// server alive for an extension's timeout.
func (ds *documents) wait() {
	ds.end()
	ds.runs.Wait()
}

func (s *server) didOpen(raw json.RawMessage) error {
	var p protocol.DidOpenTextDocumentParams
	if err := json.Unmarshal(raw, &p); err != nil {
		return err
	}
	d := &document{
		uri:        p.TextDocument.URI,
		languageID: string(p.TextDocument.LanguageID),
		version:    p.TextDocument.Version,
		text:       text.New(p.TextDocument.Text),
	}
	s.docs.mu.Lock()
	defer s.docs.mu.Unlock()
	if old, ok := s.docs.m[d.uri]; ok {
		// Opened twice without a close (eglot does this): the client still
		// shows what was published for the old one.
		d.published = old.published
	}
	s.docs.m[d.uri] = d
	s.scheduleDiagnostics(d, false)
	return nil
}

// didChangeParams is DidChangeTextDocumentParams with a change range that
// can be absent (a full-text change), which go.lsp.dev's type cannot express.
type didChangeParams struct {
	TextDocument struct {
		URI     protocol.DocumentURI `json:"uri"`
		Version int32                `json:"version"`
	} `json:"textDocument"`
	ContentChanges []struct {
		Range *protocol.Range `json:"range"`
		Text  string          `json:"text"`
	} `json:"contentChanges"`
}

func (s *server) didChange(raw json.RawMessage) error {
	var p didChangeParams
	if err := json.Unmarshal(raw, &p); err != nil {
		return err
	}
	s.docs.mu.Lock()
	defer s.docs.mu.Unlock()
	d, ok := s.docs.m[p.TextDocument.URI]
	if !ok {
		return fmt.Errorf("change to %s, which is not open", p.TextDocument.URI)
	}
	t := d.text
	for _, c := range p.ContentChanges {
		if c.Range == nil {
			t = text.New(c.Text)
			continue
		}
		t = t.Edit(text.Range{Start: fromProtocol(c.Range.Start), End: fromProtocol(c.Range.End)}, c.Text, s.enc)
	}
	d.text, d.version = t, p.TextDocument.Version
	s.scheduleDiagnostics(d, true)
	return nil
}

func (s *server) didClose(raw json.RawMessage) error {
	var p protocol.DidCloseTextDocumentParams
	if err := json.Unmarshal(raw, &p); err != nil {
		return err
	}
	s.docs.mu.Lock()
	defer s.docs.mu.Unlock()
	d, ok := s.docs.m[p.TextDocument.URI]
	if !ok {
		return fmt.Errorf("close of %s, which is not open", p.TextDocument.URI)
	}
	delete(s.docs.m, d.uri)
	s.stopTimer(d)
	if d.published != nil {
		s.conn.notify(protocol.MethodTextDocumentPublishDiagnostics, publishParams{URI: d.uri, Diagnostics: []protocol.Diagnostic{}})
	}
	return nil
}

func (s *server) didSave(raw json.RawMessage) error {
	var p protocol.DidSaveTextDocumentParams
	if err := json.Unmarshal(raw, &p); err != nil {
		return err
	}
	s.docs.mu.Lock()
	defer s.docs.mu.Unlock()
	if d, ok := s.docs.m[p.TextDocument.URI]; ok {
		s.scheduleDiagnostics(d, false)
	}
	return nil
}

func fromProtocol(p protocol.Position) text.Position {
	return text.Position{Line: p.Line, Character: p.Character}
}

func toProtocol(p text.Position) protocol.Position {
	return protocol.Position{Line: p.Line, Character: p.Character}
}

// toRange converts a byte range of t to an LSP range.
func (s *server) toRange(t *text.Snapshot, start, end int) protocol.Range {
	return protocol.Range{Start: toProtocol(t.Position(start, s.enc)), End: toProtocol(t.Position(end, s.enc))}
}

// open returns a snapshot of the open document u, or the error a request
// about a document that is not open gets.
func (s *server) open(method string, u protocol.DocumentURI) (snapshot, error) {
	snap, ok := s.docs.get(u)
	if !ok {
		return snap, jsonrpc2.NewError(jsonrpc2.InvalidParams, method+": document not open: "+string(u))
	}
	return snap, nil
}

// forExtension is the snapshot as extensions see it.
func (snap snapshot) forExtension() extensions.Document {
	return extensions.Document{URI: string(snap.uri), LanguageID: snap.languageID, Version: snap.version, Text: snap.text}
}

// offsetOf converts an LSP position in snap to a byte offset.
func (s *server) offsetOf(snap snapshot, p protocol.Position) int {
	return snap.text.Offset(fromProtocol(p), s.enc)
}

// invalidParams is the error for params that do not decode.
func invalidParams(method string, err error) error {
	return jsonrpc2.NewError(jsonrpc2.InvalidParams, method+": "+err.Error())
}
