// Package lsp is the language server: the JSON-RPC connection, the document
// store, scheduling, fan-out to extensions and merging of their answers. It
// is the only package that knows go.lsp.dev.
package lsp

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"

	"github.com/lsphost/lsphost/abi"
	"github.com/lsphost/lsphost/extensions"
	"github.com/lsphost/lsphost/lsp/text"
)

// Options configure a server.
type Options struct {
	// UserConfig is the path of the user configuration file; a missing file
	// means no user extensions.
	UserConfig string
	// CacheDir is where compiled extensions are cached; empty keeps them in
	// memory only.
	CacheDir string
	// Logger receives the server's log. Default: discarded.
	Logger *slog.Logger
	// Version is reported to the client in serverInfo.
	Version string
}

// Serve runs one LSP session over in and out until the client sends exit or
// closes in. It returns the process exit code the LSP specification asks
// for: 0 after shutdown, 1 otherwise.
func Serve(ctx context.Context, in io.Reader, out io.Writer, opts Options) int {
	s := newServer(opts)
	s.conn = newConn(in, out, s.log)
	err := s.conn.serve(ctx, s)
	s.close()
	s.mu.Lock()
	defer s.mu.Unlock()
	if err == io.EOF && !s.shutdown {
		s.log.Warn("the client closed the connection without exit")
	}
	if s.shutdown {
		return 0
	}
	return 1
}

// server is the state of one session.
type server struct {
	opts Options
	log  *slog.Logger
	conn *conn
	host *extensions.Host
	docs *documents
	enc  text.Encoding

	mu          sync.Mutex
	initialized bool // initialize answered
	ready       bool // the client sent initialized: messages may be shown
	shutdown    bool
	workspace   *workspace
	pending     []protocol.ShowMessageParams // to show once the client is ready
}

func newServer(opts Options) *server {
	s := &server{opts: opts, log: opts.Logger, enc: text.UTF16}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.docs = newDocuments()
	s.host = extensions.NewHost(extensions.Options{
		CacheDir:  opts.CacheDir,
		Logger:    s.log,
		OnLog:     s.extensionLog,
		OnDisable: s.extensionDisabled,
	})
	s.workspace = &workspace{}
	return s
}

func (s *server) close() {
	s.docs.wait()
	s.mu.Lock()
	ws := s.workspace
	s.mu.Unlock()
	ws.close(context.Background())
	s.host.Close(context.Background())
}

// sync runs the life-cycle requests in order with notifications: nothing may
// overtake initialize, and shutdown must see every notification before it.
func (s *server) sync(method string) bool {
	return method == protocol.MethodInitialize || method == protocol.MethodShutdown
}

func (s *server) request(ctx context.Context, method string, params json.RawMessage) (any, error) {
	s.mu.Lock()
	initialized, shutdown := s.initialized, s.shutdown
	s.mu.Unlock()
	switch {
	case method == protocol.MethodInitialize:
		if initialized {
			return nil, jsonrpc2.NewError(jsonrpc2.InvalidRequest, "initialize was already received")
		}
		return s.initialize(ctx, params)
	case !initialized:
		return nil, jsonrpc2.NewError(jsonrpc2.ServerNotInitialized, "the server is not initialized: send initialize first")
	case shutdown:
		return nil, jsonrpc2.NewError(jsonrpc2.InvalidRequest, "the server is shutting down: only exit is accepted")
	}
	switch method {
	case protocol.MethodShutdown:
		// Answer what is in flight before saying yes: after exit it
		// would only be cancelled.
		s.conn.drain()
		s.mu.Lock()
		s.shutdown = true
		s.mu.Unlock()
		return nil, nil
	case protocol.MethodTextDocumentCompletion:
		return s.completion(ctx, params)
	case protocol.MethodWorkspaceExecuteCommand:
		return s.executeCommand(ctx, params)
	}
	return nil, jsonrpc2.NewError(jsonrpc2.MethodNotFound, "method not supported: "+method)
}

func (s *server) notify(ctx context.Context, method string, params json.RawMessage) (stop bool) {
	if method == protocol.MethodExit {
		return true
	}
	s.mu.Lock()
	initialized := s.initialized
	s.mu.Unlock()
	if !initialized {
		return false // the spec says to drop notifications before initialize
	}
	var err error
	switch method {
	case protocol.MethodInitialized:
		s.flushMessages()
	case protocol.MethodTextDocumentDidOpen:
		err = s.didOpen(params)
	case protocol.MethodTextDocumentDidChange:
		err = s.didChange(params)
	case protocol.MethodTextDocumentDidClose:
		err = s.didClose(params)
	case protocol.MethodTextDocumentDidSave:
		err = s.didSave(params)
	default:
		s.log.Debug("notification ignored", "method", method)
	}
	if err != nil {
		s.log.Error("notification failed", "method", method, "err", err)
	}
	return false
}

// initializeParams is the part of InitializeParams the server reads. It is
// declared here, not taken from go.lsp.dev, so that an odd client capability
// cannot fail the whole initialize.
type initializeParams struct {
	RootURI          protocol.DocumentURI       `json:"rootUri"`
	RootPath         string                     `json:"rootPath"`
	WorkspaceFolders []protocol.WorkspaceFolder `json:"workspaceFolders"`
	ClientInfo       *protocol.ClientInfo       `json:"clientInfo"`
	Capabilities     struct {
		General struct {
			// PositionEncodings (LSP 3.17) lists the encodings the client
			// supports, most preferred first.
			PositionEncodings []string `json:"positionEncodings"`
		} `json:"general"`
	} `json:"capabilities"`
}

// positionEncodings maps LSP's names to the text store's encodings.
var positionEncodings = map[string]text.Encoding{"utf-8": text.UTF8, "utf-16": text.UTF16, "utf-32": text.UTF32}

// negotiateEncoding picks the client's most preferred encoding that the
// server supports (all three), or UTF-16, LSP's default.
func negotiateEncoding(offered []string) (string, text.Encoding) {
	for _, name := range offered {
		if enc, ok := positionEncodings[name]; ok {
			return name, enc
		}
	}
	return "utf-16", text.UTF16
}

func (s *server) initialize(ctx context.Context, raw json.RawMessage) (any, error) {
	var p initializeParams
	if err := json.Unmarshal(raw, &p); err != nil {
		return nil, jsonrpc2.NewError(jsonrpc2.InvalidParams, "initialize: "+err.Error())
	}
	if p.ClientInfo != nil {
		s.log.Info("client", "name", p.ClientInfo.Name, "version", p.ClientInfo.Version)
	}
	encName, enc := negotiateEncoding(p.Capabilities.General.PositionEncodings)
	folders := workspaceFolders(p)
	ws, problems := loadWorkspace(ctx, s.host, s.opts.UserConfig, folders, s.log)
	if len(problems) > 0 {
		// One message for all problems: a popup per problem is noise.
		var b strings.Builder
		fmt.Fprintf(&b, "lsphost: %d configuration problem(s); the rest of the configuration is in use:", len(problems))
		for _, err := range problems {
			s.log.Error("configuration problem", "err", err)
			b.WriteString("\n" + err.Error())
		}
		s.queueMessage(protocol.MessageTypeError, b.String())
	}
	s.mu.Lock()
	s.workspace = ws
	s.enc = enc // read by later requests and runs, which start after this
	s.initialized = true
	s.mu.Unlock()
	result := s.capabilities(ws)
	result.Capabilities.PositionEncoding = encName
	return result, nil
}

// initializeResult and its parts are declared here because go.lsp.dev's
// omit resolveProvider when false, and an empty completionProvider ({}) reads
// as "no completion" to some clients (Vim's ALE).
type initializeResult struct {
	Capabilities serverCapabilities   `json:"capabilities"`
	ServerInfo   *protocol.ServerInfo `json:"serverInfo,omitempty"`
}

type serverCapabilities struct {
	PositionEncoding       string                            `json:"positionEncoding"`
	TextDocumentSync       *protocol.TextDocumentSyncOptions `json:"textDocumentSync"`
	CompletionProvider     *completionOptions                `json:"completionProvider,omitempty"`
	ExecuteCommandProvider *protocol.ExecuteCommandOptions   `json:"executeCommandProvider,omitempty"`
}

type completionOptions struct {
	TriggerCharacters []string `json:"triggerCharacters,omitempty"`
	ResolveProvider   bool     `json:"resolveProvider"`
}

func (s *server) capabilities(ws *workspace) initializeResult {
	caps := serverCapabilities{
		TextDocumentSync: &protocol.TextDocumentSyncOptions{
			OpenClose: true,
			Change:    protocol.TextDocumentSyncKindIncremental,
			Save:      &protocol.SaveOptions{},
		},
		ExecuteCommandProvider: &protocol.ExecuteCommandOptions{Commands: serverCommands},
	}
	if ws.has(abi.FeatureCompletion) {
		caps.CompletionProvider = &completionOptions{TriggerCharacters: ws.triggerCharacters()}
	}
	return initializeResult{
		Capabilities: caps,
		ServerInfo:   &protocol.ServerInfo{Name: "lsphost", Version: s.opts.Version},
	}
}

// queueMessage shows msg to the user: now if the client is ready, otherwise
// once it is.
func (s *server) queueMessage(typ protocol.MessageType, msg string) {
	m := protocol.ShowMessageParams{Type: typ, Message: msg}
	s.mu.Lock()
	if !s.ready {
		s.pending = append(s.pending, m)
		s.mu.Unlock()
		return
	}
	s.mu.Unlock()
	s.conn.notify(protocol.MethodWindowShowMessage, m)
}

// flushMessages marks the client ready and shows the queued messages.
func (s *server) flushMessages() {
	s.mu.Lock()
	s.ready = true
	msgs := s.pending
	s.pending = nil
	s.mu.Unlock()
	for _, m := range msgs {
		s.conn.notify(protocol.MethodWindowShowMessage, m)
	}
}

// extensionLog forwards an extension's log line to the log and the client.
func (s *server) extensionLog(ext string, level abi.LogLevel, msg string) {
	s.log.Log(context.Background(), slogLevel(level), msg, "extension", ext)
	if s.conn != nil {
		s.conn.notify(protocol.MethodWindowLogMessage, protocol.LogMessageParams{
			Type: protocol.MessageType(level), Message: fmt.Sprintf("[%s] %s", ext, msg),
		})
	}
}

func slogLevel(level abi.LogLevel) slog.Level {
	switch level {
	case abi.LogError:
		return slog.LevelError
	case abi.LogWarning:
		return slog.LevelWarn
	case abi.LogDebug:
		return slog.LevelDebug
	}
	return slog.LevelInfo
}

// extensionDisabled tells the user, once per switch-off, that an extension
// was switched off.
func (s *server) extensionDisabled(ext string, err error, retryIn time.Duration) {
	until := "until its configuration or .wasm changes"
	if retryIn > 0 {
		until = "for " + retryIn.String() + ", then retried"
	}
	s.log.Error("extension switched off after repeated failures", "extension", ext, "until", until, "err", err)
	s.queueMessage(protocol.MessageTypeError, fmt.Sprintf("lsphost: extension %s keeps failing (last error: %v); switched off %s", ext, err, until))
}
