package lsp

import (
	"context"
	"encoding/json"
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"

	"go.lsp.dev/jsonrpc2"

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
		Command string `json:"command"`
	}
	if err := json.Unmarshal(raw, &p); err != nil {
		return nil, jsonrpc2.NewError(jsonrpc2.InvalidParams, "executeCommand: "+err.Error())
	}
	switch p.Command {
	case commandStatus:
		st := status{Extensions: []extensions.Health{}, Server: s.serverStatus()}
		for _, ext := range s.currentWorkspace().loaded {
			h := ext.Health()
			st.Extensions = append(st.Extensions, h)
			s.log.Info("extension status", "extension", h.Name, "state", h.State, "calls", h.Calls,
				"failures", h.Failures, "timeouts", h.Timeouts, "lastError", h.LastError)
		}
		return st, nil
	}
	return nil, jsonrpc2.NewError(jsonrpc2.InvalidParams, "unknown command: "+p.Command)
}
