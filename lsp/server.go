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
	// PollInterval is how often the configuration and .wasm files are
	// checked for changes; 0 means DefaultPollInterval, negative never
	// (then only the client's file events reload).
	PollInterval time.Duration
	// Loaded, if set, is called once, when the first load of the
	// extensions is done (loaded or failed).
	Loaded func()
}

// DefaultPollInterval is Options.PollInterval's default.
const DefaultPollInterval = time.Second

// Serve runs one LSP session over in and out until the client sends exit or
// closes in. It returns the process exit code the LSP specification asks
// for: 0 after shutdown, 1 otherwise.
func Serve(ctx context.Context, in io.Reader, out io.Writer, opts Options) int {
	s := newServer(ctx, opts)
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

	client clientCapabilities // set by initialize, read-only after

	// Background work (loads, polling, progress) ends with bgCtx.
	bgCtx       context.Context
	bgCancel    context.CancelFunc
	bg          sync.WaitGroup
	started     chan struct{} // closed when the first load is done
	diagnosable chan struct{} // closed when diagnostics can run: see diagnosticsWorkspace
	diagnosing  sync.Once     // closes diagnosable
	clientReady chan struct{} // closed when the client sent initialized

	// registered are the dynamic registrations in force, by method, with
	// their options. Touched only by loads, which run one at a time.
	registered map[string][]byte

	mu            sync.Mutex
	initialized   bool // initialize answered
	ready         bool // the client sent initialized: messages may be shown
	shutdown      bool
	workspace     *workspace                            // nil until the first load is done
	early         *workspace                            // meanwhile, the extensions that diagnose, once loaded
	folders       []string                              // the workspace folders
	settings      map[string]map[string]json.RawMessage // the editor's, by extension
	loading       bool                                  // a load is running
	loaded        chan struct{}                         // closed when the running loads are done
	loadAgain     bool                                  // and another was asked for meanwhile
	stamps        map[string]stamp                      // the watched files as of the last load
	retired       []*extensions.Extension               // replaced, to close once idle
	shownProblems string                                // the last problems shown to the user
	told          []string                              // keys of the messages shown once
	pending       []protocol.ShowMessageParams          // to show once the client is ready
}

func newServer(ctx context.Context, opts Options) *server {
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
	s.bgCtx, s.bgCancel = context.WithCancel(ctx)
	s.started = make(chan struct{})
	s.diagnosable = make(chan struct{})
	s.clientReady = make(chan struct{})
	s.registered = map[string][]byte{}
	return s
}

func (s *server) close() {
	s.bgCancel()
	s.bg.Wait()
	s.mu.Lock()
	never := s.workspace == nil
	s.mu.Unlock()
	if never {
		// Never initialized, or stopped while loading: nothing will load.
		s.loadedWith(&workspace{})
	}
	s.docs.wait()
	s.mu.Lock()
	ws, retired := s.workspace, s.retired
	s.retired = nil
	s.mu.Unlock()
	if ws != nil {
		ws.close(context.Background())
	}
	for _, ext := range retired {
		ext.Close(context.Background())
	}
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
	case protocol.MethodCompletionItemResolve:
		return s.resolveCompletion(ctx, params)
	case protocol.MethodTextDocumentHover:
		return s.hover(ctx, params)
	case protocol.MethodTextDocumentCodeAction:
		return s.codeActions(ctx, params)
	case "codeAction/resolve":
		return s.resolveCodeAction(ctx, params)
	case protocol.MethodTextDocumentFormatting, protocol.MethodTextDocumentRangeFormatting:
		return s.formatting(ctx, method, params)
	case protocol.MethodTextDocumentDocumentSymbol:
		return s.documentSymbols(ctx, params)
	case methodDiagnostic:
		return s.pullDiagnostics(ctx, params)
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
		if s.client.Workspace.Configuration {
			s.bg.Add(1)
			go func() {
				defer s.bg.Done()
				s.pullSettings()
			}()
		}
	case protocol.MethodWorkspaceDidChangeWatchedFiles:
		err = s.didChangeWatchedFiles(params)
	case protocol.MethodWorkspaceDidChangeConfiguration:
		err = s.didChangeConfiguration(params)
	case protocol.MethodWorkspaceDidChangeWorkspaceFolders:
		err = s.didChangeWorkspaceFolders(params)
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
	Capabilities     clientCapabilities         `json:"capabilities"`
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
	// The answer must not wait for the extensions to compile: their
	// capabilities come from what they declared last time, and the load
	// runs in the background.
	decls, known := s.cachedDeclarations(resolveConfig(s.opts.UserConfig, folders))
	s.mu.Lock()
	s.client = p.Capabilities
	s.folders = folders
	s.enc = enc // read by later requests and runs, which start after this
	s.initialized = true
	s.mu.Unlock()
	if s.opts.PollInterval >= 0 {
		s.bg.Add(1)
		go s.poll()
	}
	result := initializeResult{
		Capabilities: s.staticCapabilities(decls, known),
		ServerInfo:   &protocol.ServerInfo{Name: "lsphost", Version: s.opts.Version},
	}
	result.Capabilities.PositionEncoding = encName
	// The load starts once the answer is queued: it takes both cores at
	// once, and the answer must not wait for a turn on them.
	return resultThen{result, func() { s.requestLoad("start") }}, nil
}

// cachedDeclarations returns what the enabled extensions declared when they
// last loaded, and whether it is known for every one of them.
func (s *server) cachedDeclarations(r resolution) (declarations, bool) {
	var d declarations
	known := true
	seen := map[string]bool{}
	for _, specs := range r.specsOf {
		for _, spec := range specs {
			if !spec.Enabled || seen[spec.Key()] {
				continue
			}
			seen[spec.Key()] = true
			if decl, ok := s.host.CachedDeclaration(spec); ok {
				d = append(d, declared{spec.Name, decl})
			} else {
				known = false
			}
		}
	}
	return d, known
}

// initializeResult and its parts are declared here because go.lsp.dev's
// omit resolveProvider when false, and an empty completionProvider ({}) reads
// as "no completion" to some clients (Vim's ALE).
type initializeResult struct {
	Capabilities serverCapabilities   `json:"capabilities"`
	ServerInfo   *protocol.ServerInfo `json:"serverInfo,omitempty"`
}

type serverCapabilities struct {
	PositionEncoding                string                                `json:"positionEncoding"`
	TextDocumentSync                *protocol.TextDocumentSyncOptions     `json:"textDocumentSync"`
	CompletionProvider              *completionOptions                    `json:"completionProvider,omitempty"`
	ExecuteCommandProvider          *protocol.ExecuteCommandOptions       `json:"executeCommandProvider,omitempty"`
	HoverProvider                   bool                                  `json:"hoverProvider,omitempty"`
	CodeActionProvider              *codeActionOptions                    `json:"codeActionProvider,omitempty"`
	DocumentFormattingProvider      bool                                  `json:"documentFormattingProvider,omitempty"`
	DocumentRangeFormattingProvider bool                                  `json:"documentRangeFormattingProvider,omitempty"`
	DocumentSymbolProvider          bool                                  `json:"documentSymbolProvider,omitempty"`
	DiagnosticProvider              *diagnosticOptions                    `json:"diagnosticProvider,omitempty"`
	Workspace                       *protocol.ServerCapabilitiesWorkspace `json:"workspace,omitempty"`
}

type completionOptions struct {
	TriggerCharacters []string `json:"triggerCharacters,omitempty"`
	ResolveProvider   bool     `json:"resolveProvider"`
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
	if !s.ready {
		close(s.clientReady)
	}
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
