package lsp

import (
	"context"
	"encoding/json"

	"go.lsp.dev/jsonrpc2"

	"github.com/lsphost/lsphost/extensions"
)

// Commands the server itself answers through workspace/executeCommand.
const commandStatus = "lsphost.status"

var serverCommands = []string{commandStatus}

// status is the result of lsphost.status: every loaded extension's health.
type status struct {
	Extensions []extensions.Health `json:"extensions"`
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
		st := status{Extensions: []extensions.Health{}}
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
