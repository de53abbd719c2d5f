package lsp

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"time"

	"go.lsp.dev/protocol"
)

// Hot reload: the server reloads when a configuration file or a .wasm file
// it uses changes. Clients that can watch files for it are asked to
// (workspace/didChangeWatchedFiles, registered dynamically), which is
// fastest; and the server polls the same few files itself, which works with
// every client and costs a handful of stat calls a second.

// stamp identifies a version of a file; the zero stamp is a missing file.
type stamp struct {
	size    int64
	modTime time.Time
}

func stampFile(path string) stamp {
	fi, err := os.Stat(path)
	if err != nil {
		return stamp{}
	}
	return stamp{fi.Size(), fi.ModTime()}
}

// watchedStamps stamps every file the configuration depends on: the user
// configuration, each folder's configuration (present or not), and the
// .wasm of every extension it names or ws runs.
func (s *server) watchedStamps(r resolution, ws *workspace) map[string]stamp {
	files := map[string]stamp{}
	add := func(path string) {
		if path != "" {
			files[path] = stampFile(path)
		}
	}
	add(s.opts.UserConfig)
	for _, p := range r.paths {
		add(filepath.Join(p, ConfigFile))
	}
	for _, specs := range r.specsOf {
		for _, spec := range specs {
			add(spec.Wasm)
		}
	}
	if ws != nil {
		for _, ext := range ws.loaded {
			add(ext.Spec().Wasm)
		}
	}
	return files
}

func (s *server) setStamps(stamps map[string]stamp) {
	s.mu.Lock()
	s.stamps = stamps
	s.mu.Unlock()
}

// changedFile returns a watched file that changed since the last load.
func (s *server) changedFile() (string, bool) {
	s.mu.Lock()
	stamps := s.stamps
	s.mu.Unlock()
	for path, old := range stamps {
		if now := stampFile(path); now != old {
			return path, true
		}
	}
	return "", false
}

// poll reloads whenever a watched file changes, until the session ends.
func (s *server) poll() {
	defer s.bg.Done()
	interval := s.opts.PollInterval
	if interval == 0 {
		interval = DefaultPollInterval
	}
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-s.bgCtx.Done():
			return
		case <-tick.C:
			if path, changed := s.changedFile(); changed {
				s.requestLoad(path + " changed")
			}
		}
	}
}

// didChangeWatchedFiles reloads if a file the configuration depends on
// changed; the client may report others, matched by the broad globs.
func (s *server) didChangeWatchedFiles(raw json.RawMessage) error {
	var p protocol.DidChangeWatchedFilesParams
	if err := json.Unmarshal(raw, &p); err != nil {
		return err
	}
	s.mu.Lock()
	stamps := s.stamps
	s.mu.Unlock()
	for _, ev := range p.Changes {
		if path := uriPath(ev.URI); path != "" {
			if _, watched := stamps[path]; watched {
				s.requestLoad(path + " changed (client)")
				return nil
			}
		}
	}
	return nil
}

// fileWatcher is LSP's FileSystemWatcher with a plain glob.
type fileWatcher struct {
	GlobPattern string `json:"globPattern"`
}

// registerWatchers asks the client, once, to report changes to
// configuration and .wasm files, if it can.
func (s *server) registerWatchers(ctx context.Context) {
	const id = protocol.MethodWorkspaceDidChangeWatchedFiles
	if _, done := s.registered[id]; done || !s.client.Workspace.DidChangeWatchedFiles.DynamicRegistration {
		return
	}
	s.registered[id] = nil
	watchers := []fileWatcher{{GlobPattern: "**/" + ConfigFile}, {GlobPattern: "**/*.wasm"}}
	if s.opts.UserConfig != "" {
		watchers = append(watchers, fileWatcher{GlobPattern: filepath.ToSlash(s.opts.UserConfig)})
	}
	err := s.conn.call(ctx, "client/registerCapability", map[string]any{"registrations": []registration{{
		ID: id, Method: id, RegisterOptions: map[string]any{"watchers": watchers},
	}}}, nil)
	if err != nil {
		s.log.Warn("registering file watchers failed; polling only", "err", err)
	}
}
