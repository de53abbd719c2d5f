package lsp

import (
	"context"
	"encoding/json"
	"maps"
	"time"

	"github.com/lsphost/lsphost/extensions"
)

// Settings from the editor: workspace/didChangeConfiguration, or the
// "lsphost" section pulled with workspace/configuration, shaped as
//
//	{"extensions": {"todo": {"settings": {"keywords": ["FIXME"]}}}}
//
// Each extension's editor settings override its configured settings key by
// key. They change settings only: never grants, limits or which extensions
// load.

// editorSettings is the "lsphost" section of the editor's settings.
type editorSettings struct {
	Extensions map[string]struct {
		Settings map[string]json.RawMessage `json:"settings"`
	} `json:"extensions"`
}

// settingsByExtension returns each extension's editor settings.
func (e editorSettings) settingsByExtension() map[string]map[string]json.RawMessage {
	out := map[string]map[string]json.RawMessage{}
	for name, ext := range e.Extensions {
		if len(ext.Settings) > 0 {
			out[name] = ext.Settings
		}
	}
	return out
}

// withSettings returns specs with the editor's settings laid over each
// spec's own, key by key.
func withSettings(specs []extensions.Spec, editor map[string]map[string]json.RawMessage) []extensions.Spec {
	out := make([]extensions.Spec, len(specs))
	copy(out, specs)
	for i, spec := range out {
		over, ok := editor[spec.Name]
		if !ok {
			continue
		}
		merged := map[string]json.RawMessage{}
		if len(spec.Settings) > 0 {
			json.Unmarshal(spec.Settings, &merged) // the config parser wrote it: an object
		}
		maps.Copy(merged, over)
		if raw, err := json.Marshal(merged); err == nil {
			out[i].Settings = raw
		}
	}
	return out
}

// didChangeConfiguration takes the settings the client pushed, or pulls
// them if it sent none (the pull model of LSP 3.17), and reloads.
func (s *server) didChangeConfiguration(raw json.RawMessage) error {
	var p struct {
		Settings struct {
			Lsphost *editorSettings `json:"lsphost"`
		} `json:"settings"`
	}
	if json.Unmarshal(raw, &p) == nil && p.Settings.Lsphost != nil {
		s.setEditorSettings(*p.Settings.Lsphost)
		return nil
	}
	if s.client.Workspace.Configuration {
		s.bg.Add(1)
		go func() {
			defer s.bg.Done()
			s.pullSettings()
		}()
	}
	return nil
}

// pullSettings asks the client for the "lsphost" section and applies it.
func (s *server) pullSettings() {
	ctx, cancel := context.WithTimeout(s.bgCtx, 10*time.Second)
	defer cancel()
	var result []*editorSettings
	err := s.conn.call(ctx, "workspace/configuration", map[string]any{
		"items": []map[string]string{{"section": "lsphost"}},
	}, &result)
	if err != nil {
		s.log.Warn("workspace/configuration failed", "err", err)
		return
	}
	if len(result) == 1 && result[0] != nil {
		s.setEditorSettings(*result[0])
	}
}

// setEditorSettings reloads if the editor's settings changed.
func (s *server) setEditorSettings(e editorSettings) {
	next := e.settingsByExtension()
	s.mu.Lock()
	same := equalSettings(s.settings, next)
	s.settings = next
	s.mu.Unlock()
	if !same {
		s.requestLoad("editor settings changed")
	}
}

func equalSettings(a, b map[string]map[string]json.RawMessage) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}
