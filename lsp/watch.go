package lsp

import (
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"time"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
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

// fileWatcher is LSP's FileSystemWatcher with a relative pattern: one file
// of one folder. Broad globs ("**/*.wasm") would make some clients watch
// every folder of the project.
type fileWatcher struct {
	GlobPattern relativePattern `json:"globPattern"`
}

type relativePattern struct {
	BaseURI string `json:"baseUri"`
	Pattern string `json:"pattern"`
}

// registerWatchers asks the client to report changes to the files the
// configuration depends on, if it can watch single files by relative
// pattern (LSP 3.17); again when the set of files changed. Polling covers
// the other clients.
func (s *server) registerWatchers(ctx context.Context, stamps map[string]stamp) {
	watch := s.client.Workspace.DidChangeWatchedFiles
	if !watch.DynamicRegistration || !watch.RelativePatternSupport {
		return
	}
	const id = protocol.MethodWorkspaceDidChangeWatchedFiles
	var watchers []fileWatcher
	for _, path := range slices.Sorted(maps.Keys(stamps)) {
		watchers = append(watchers, fileWatcher{relativePattern{
			BaseURI: string(uri.File(filepath.Dir(path))), Pattern: filepath.Base(path)}})
	}
	want, _ := json.Marshal(watchers)
	have, registered := s.registered[id]
	if registered && bytes.Equal(have, want) {
		return
	}
	if registered {
		if err := s.conn.call(ctx, "client/unregisterCapability", map[string]any{"unregisterations": []unregistration{{ID: id, Method: id}}}, nil); err != nil {
			s.log.Warn("unregistering file watchers failed", "err", err)
		}
	}
	s.registered[id] = want
	err := s.conn.call(ctx, "client/registerCapability", map[string]any{"registrations": []registration{{
		ID: id, Method: id, RegisterOptions: map[string]any{"watchers": watchers},
	}}}, nil)
	if err != nil {
		s.log.Warn("registering file watchers failed; polling only", "err", err)
	}
}
