package lsp

import (
	"context"
	"encoding/json"
	"os"
	"runtime"
	"runtime/metrics"
	"slices"
	"strconv"
	"strings"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"

	"github.com/lsphost/lsphost/abi"
	"github.com/lsphost/lsphost/extensions"
)

// Commands the server itself answers through workspace/executeCommand.
const commandStatus = "lsphost.status"

var serverCommands = []string{commandStatus}

// status is the result of lsphost.status: every loaded extension's health
// and the server process's own figures.
type status struct {
	Extensions []extensions.Health `json:"extensions"`
	Server     serverStatus        `json:"server"`
}

// serverStatus is what a long session watches for leaks and backlog: tests
// that run the binary read it, and so can a user who suspects the server.
type serverStatus struct {
	Goroutines      int    `json:"goroutines"`
	HeapBytes       uint64 `json:"heapBytes"` // heap live at the last garbage collection
	RSSBytes        uint64 `json:"rssBytes"`  // resident set size; 0 where unknown
	OpenDocuments   int    `json:"openDocuments"`
	DiagnosticsRuns int64  `json:"diagnosticsRuns"` // in flight
}

func (s *server) serverStatus() serverStatus {
	// The live heap as of now, not of the last collection, which may be
	// long ago: replaced extensions' memory counts until one runs.
	runtime.GC()
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(sample)
	st := serverStatus{Goroutines: runtime.NumGoroutine(), RSSBytes: residentBytes(), DiagnosticsRuns: s.docs.running.Load()}
	if sample[0].Value.Kind() == metrics.KindUint64 {
		st.HeapBytes = sample[0].Value.Uint64()
	}
	s.docs.mu.Lock()
	st.OpenDocuments = len(s.docs.m)
	s.docs.mu.Unlock()
	return st
}

// residentBytes is the process's resident set size from /proc (Linux), or 0.
func residentBytes() uint64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	fields := strings.Fields(string(b))
	if len(fields) < 2 {
		return 0
	}
	pages, err := strconv.ParseUint(fields[1], 10, 64)
	if err != nil {
		return 0
	}
	return pages * uint64(os.Getpagesize())
}

func (s *server) executeCommand(ctx context.Context, raw json.RawMessage) (any, error) {
	var p struct {
		Command   string            `json:"command"`
		Arguments []json.RawMessage `json:"arguments"`
	}
	if err := json.Unmarshal(raw, &p); err != nil {
		return nil, jsonrpc2.NewError(jsonrpc2.InvalidParams, "executeCommand: "+err.Error())
	}
	if name, command, ok := strings.Cut(p.Command, "."); ok && p.Command != commandStatus {
		return s.extensionCommand(ctx, name, command, p.Arguments)
	}
	switch p.Command {
	case commandStatus:
		s.waitLoads(ctx) // the state once the pending reloads are done
		st := status{Extensions: []extensions.Health{}, Server: s.serverStatus()}
		for _, ext := range s.currentWorkspace().loaded {
			h := ext.Health()
			st.Extensions = append(st.Extensions, h)
			s.log.Info("extension status", "extension", h.Name, "state", h.State, "calls", h.Calls,
				"failures", h.Failures, "timeouts", h.Timeouts, "lastError", h.LastError,
				"instances", h.Instances, "memoryBytes", h.MemoryBytes)
		}
		return st, nil
	}
	return nil, jsonrpc2.NewError(jsonrpc2.InvalidParams, "unknown command: "+p.Command)
}

// extensionCommand runs an extension's command, "NAME.COMMAND". If the first
// argument names an open document ({"uri": ...}), the extension gets it,
// and the edits it returns are sent to the editor to apply.
func (s *server) extensionCommand(ctx context.Context, name, command string, args []json.RawMessage) (any, error) {
	var target struct {
		URI protocol.DocumentURI `json:"uri"`
	}
	var doc *extensions.Document
	var snap snapshot
	if len(args) > 0 && json.Unmarshal(args[0], &target) == nil && target.URI != "" {
		if sn, ok := s.docs.get(target.URI); ok {
			snap = sn
			d := sn.forExtension()
			doc = &d
		}
	}
	ws := s.currentWorkspace()
	var ext *extensions.Extension
	if doc != nil {
		ext = ws.extensionNamed(snap.uri, name, abi.FeatureExecuteCommand)
	} else {
		for _, e := range ws.loaded {
			if e.Name() == name && e.Has(abi.FeatureExecuteCommand) && !e.Disabled() {
				ext = e
				break
			}
		}
	}
	if ext == nil || !slices.Contains(ext.Declaration().Commands, command) {
		return nil, jsonrpc2.NewError(jsonrpc2.InvalidParams, "unknown command: "+name+"."+command)
	}
	res, err := ext.ExecuteCommand(ctx, doc, abi.ExecuteCommandParams{Command: command, Arguments: args})
	if err != nil {
		return nil, jsonrpc2.NewError(jsonrpc2.InternalError, name+"."+command+": "+err.Error())
	}
	if len(res.Edits) > 0 {
		edit := protocol.WorkspaceEdit{Changes: map[protocol.DocumentURI][]protocol.TextEdit{snap.uri: s.toTextEdits(snap.text, res.Edits)}}
		var applied protocol.ApplyWorkspaceEditResponse
		if err := s.conn.call(ctx, "workspace/applyEdit", protocol.ApplyWorkspaceEditParams{Label: name + "." + command, Edit: edit}, &applied); err != nil {
			return nil, jsonrpc2.NewError(jsonrpc2.InternalError, "workspace/applyEdit: "+err.Error())
		}
		if !applied.Applied {
			return nil, jsonrpc2.NewError(jsonrpc2.InternalError, "the editor did not apply the edits: "+applied.FailureReason)
		}
	}
	if len(res.Result) == 0 {
		return nil, nil
	}
	return res.Result, nil
}

// commands are the commands the editor may run: the server's own and each
// extension's, "NAME.COMMAND".
func (d declarations) commands() []string {
	out := slices.Clone(serverCommands)
	for _, decl := range d {
		for _, c := range decl.Commands {
			out = append(out, decl.name+"."+c)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
