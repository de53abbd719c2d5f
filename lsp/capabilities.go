package lsp

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"sort"
	"strings"

	"go.lsp.dev/protocol"

	"github.com/lsphost/lsphost/abi"
)

// clientCapabilities is the part of the client's capabilities the server
// acts on. Declared here so that an odd capability elsewhere cannot fail
// initialize.
type clientCapabilities struct {
	General struct {
		// PositionEncodings (LSP 3.17) lists the encodings the client
		// supports, most preferred first.
		PositionEncodings []string `json:"positionEncodings"`
	} `json:"general"`
	Workspace struct {
		Configuration         bool `json:"configuration"`
		DidChangeWatchedFiles struct {
			DynamicRegistration    bool `json:"dynamicRegistration"`
			RelativePatternSupport bool `json:"relativePatternSupport"`
		} `json:"didChangeWatchedFiles"`
		ExecuteCommand dynamic `json:"executeCommand"`
		Diagnostics    struct {
			RefreshSupport bool `json:"refreshSupport"`
		} `json:"diagnostics"`
	} `json:"workspace"`
	TextDocument struct {
		Completion      dynamic `json:"completion"`
		Hover           dynamic `json:"hover"`
		CodeAction      dynamic `json:"codeAction"`
		Formatting      dynamic `json:"formatting"`
		RangeFormatting dynamic `json:"rangeFormatting"`
		DocumentSymbol  dynamic `json:"documentSymbol"`
		// Diagnostic is present when the client pulls diagnostics (3.17).
		Diagnostic *dynamic `json:"diagnostic"`
	} `json:"textDocument"`
	Window struct {
		WorkDoneProgress bool `json:"workDoneProgress"`
	} `json:"window"`
}

type dynamic struct {
	DynamicRegistration bool `json:"dynamicRegistration"`
}

// declarations are what a set of extensions declared at load time; the
// server's capabilities are derived from them.
type declarations []declared

// declared is what the extension configured as name declared.
type declared struct {
	name string
	abi.InitializeResult
}

func (d declarations) has(feature string) bool {
	return slices.ContainsFunc(d, func(r declared) bool { return slices.Contains(r.Features, feature) })
}

// triggerCharacters is the sorted union of the completion trigger
// characters.
func (d declarations) triggerCharacters() []string {
	var out []string
	for _, r := range d {
		out = append(out, r.TriggerCharacters...)
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// capability is one LSP feature the extensions provide. When the client can
// register it dynamically, the server registers it once the extensions have
// loaded, and again when a reload changes it; otherwise it is stated in the
// answer to initialize, from the declaration cache.
type capability struct {
	feature string // abi.Feature…
	method  string // the LSP method, the registration's id
	dynamic func(*clientCapabilities) bool
	// options are the registration options, also the static value.
	options func(declarations) any
	static  func(*serverCapabilities, any)
}

// always is the feature of a capability the server has whatever the
// extensions: its own commands.
const always = ""

var capabilityTable = []capability{
	{
		feature: abi.FeatureCompletion,
		method:  protocol.MethodTextDocumentCompletion,
		dynamic: func(c *clientCapabilities) bool { return c.TextDocument.Completion.DynamicRegistration },
		options: func(d declarations) any {
			return &completionOptions{TriggerCharacters: d.triggerCharacters(), ResolveProvider: d.has(abi.FeatureCompletionResolve)}
		},
		static: func(c *serverCapabilities, o any) { c.CompletionProvider = o.(*completionOptions) },
	},
	{
		feature: abi.FeatureHover,
		method:  protocol.MethodTextDocumentHover,
		dynamic: func(c *clientCapabilities) bool { return c.TextDocument.Hover.DynamicRegistration },
		options: func(declarations) any { return map[string]any{} },
		static:  func(c *serverCapabilities, _ any) { c.HoverProvider = true },
	},
	{
		feature: abi.FeatureCodeAction,
		method:  protocol.MethodTextDocumentCodeAction,
		dynamic: func(c *clientCapabilities) bool { return c.TextDocument.CodeAction.DynamicRegistration },
		options: func(d declarations) any {
			var kinds []string
			for _, r := range d {
				kinds = append(kinds, r.CodeActionKinds...)
			}
			slices.Sort(kinds)
			return &codeActionOptions{CodeActionKinds: slices.Compact(kinds), ResolveProvider: d.has(abi.FeatureCodeActionResolve)}
		},
		static: func(c *serverCapabilities, o any) { c.CodeActionProvider = o.(*codeActionOptions) },
	},
	{
		feature: abi.FeatureFormatting,
		method:  protocol.MethodTextDocumentFormatting,
		dynamic: func(c *clientCapabilities) bool { return c.TextDocument.Formatting.DynamicRegistration },
		options: func(declarations) any { return map[string]any{} },
		static:  func(c *serverCapabilities, _ any) { c.DocumentFormattingProvider = true },
	},
	{
		feature: abi.FeatureRangeFormatting,
		method:  protocol.MethodTextDocumentRangeFormatting,
		dynamic: func(c *clientCapabilities) bool { return c.TextDocument.RangeFormatting.DynamicRegistration },
		options: func(declarations) any { return map[string]any{} },
		static:  func(c *serverCapabilities, _ any) { c.DocumentRangeFormattingProvider = true },
	},
	{
		feature: abi.FeatureDocumentSymbol,
		method:  protocol.MethodTextDocumentDocumentSymbol,
		dynamic: func(c *clientCapabilities) bool { return c.TextDocument.DocumentSymbol.DynamicRegistration },
		options: func(declarations) any { return map[string]any{} },
		static:  func(c *serverCapabilities, _ any) { c.DocumentSymbolProvider = true },
	},
	{
		feature: always,
		method:  protocol.MethodWorkspaceExecuteCommand,
		dynamic: func(c *clientCapabilities) bool { return c.Workspace.ExecuteCommand.DynamicRegistration },
		options: func(d declarations) any { return &protocol.ExecuteCommandOptions{Commands: d.commands()} },
		static:  func(c *serverCapabilities, o any) { c.ExecuteCommandProvider = o.(*protocol.ExecuteCommandOptions) },
	},
}

// codeActionOptions is CodeActionOptions with resolveProvider, which
// go.lsp.dev's lacks.
type codeActionOptions struct {
	CodeActionKinds []string `json:"codeActionKinds,omitempty"`
	ResolveProvider bool     `json:"resolveProvider,omitempty"`
}

// provides reports whether d calls for capability c.
func (c capability) provides(d declarations) bool {
	return c.feature == always || d.has(c.feature)
}

// staticCapabilities are the capabilities stated in the answer to
// initialize. d are the cached declarations; known tells whether every
// extension's is there. Without them every feature is stated, so that none
// is missing when the extensions turn out to provide it.
func (s *server) staticCapabilities(d declarations, known bool) serverCapabilities {
	caps := serverCapabilities{
		TextDocumentSync: &protocol.TextDocumentSyncOptions{
			OpenClose: true,
			Change:    protocol.TextDocumentSyncKindIncremental,
			Save:      &protocol.SaveOptions{},
		},
		Workspace: &protocol.ServerCapabilitiesWorkspace{
			WorkspaceFolders: &protocol.ServerCapabilitiesWorkspaceFolders{Supported: true, ChangeNotifications: true},
		},
	}
	for _, c := range capabilityTable {
		if !c.dynamic(&s.client) && (!known || c.provides(d)) {
			c.static(&caps, c.options(d))
		}
	}
	if s.client.TextDocument.Diagnostic != nil {
		caps.DiagnosticProvider = &diagnosticOptions{Identifier: "lsphost"}
	}
	return caps
}

// registration is LSP's Registration.
type registration struct {
	ID              string `json:"id"`
	Method          string `json:"method"`
	RegisterOptions any    `json:"registerOptions,omitempty"`
}

type unregistration struct {
	ID     string `json:"id"`
	Method string `json:"method"`
}

// register brings the client's dynamic registrations in line with the
// loaded extensions: what changed is unregistered and registered anew.
// Called by one load at a time.
func (s *server) register(ctx context.Context, d declarations) {
	var add []registration
	var remove []unregistration
	for _, c := range capabilityTable {
		if !c.dynamic(&s.client) {
			continue
		}
		var want []byte
		var opts any
		if c.provides(d) {
			opts = registrationOptions(c.method, c.options(d))
			want, _ = json.Marshal(opts)
		}
		have, registered := s.registered[c.method]
		if registered && bytes.Equal(have, want) {
			continue
		}
		if registered {
			remove = append(remove, unregistration{ID: c.method, Method: c.method})
			delete(s.registered, c.method)
		}
		if want != nil {
			add = append(add, registration{ID: c.method, Method: c.method, RegisterOptions: opts})
			s.registered[c.method] = want
		}
	}
	if len(remove) > 0 {
		if err := s.conn.call(ctx, "client/unregisterCapability", map[string]any{"unregisterations": remove}, nil); err != nil {
			s.log.Warn("client/unregisterCapability failed", "err", err)
		}
	}
	if len(add) > 0 {
		if err := s.conn.call(ctx, "client/registerCapability", map[string]any{"registrations": add}, nil); err != nil {
			s.log.Warn("client/registerCapability failed", "err", err)
		}
	}
}

// registrationOptions adds to a text document feature's options the
// document selector that registration needs: null, the client's own.
func registrationOptions(method string, opts any) any {
	if !strings.HasPrefix(method, "textDocument/") {
		return opts
	}
	raw, err := json.Marshal(opts)
	m := map[string]any{}
	if err != nil || json.Unmarshal(raw, &m) != nil {
		return opts
	}
	m["documentSelector"] = nil
	return m
}
