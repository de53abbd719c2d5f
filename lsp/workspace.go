package lsp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/lsphost/lsphost/abi"
	"github.com/lsphost/lsphost/extensions"
)

// ConfigFile is the name of a workspace folder's configuration.
const ConfigFile = ".lsphost.toml"

// workspace is the loaded configuration: which extensions serve which
// workspace folder. It is immutable once loaded.
type workspace struct {
	folders  []folder // deepest first, so the first match is the innermost folder
	fallback folder   // the user's extensions, for documents outside every folder
	loaded   []*extensions.Extension
}

// folder is one workspace folder and the extensions its documents get.
type folder struct {
	path       string // "" for the fallback
	exts       []*extensions.Extension
	formatters map[string]string // [formatters]: languageId to extension name
}

// workspaceFolders returns the filesystem paths of the folders the client
// opened, in the order given.
func workspaceFolders(p initializeParams) []string {
	var paths []string
	for _, f := range p.WorkspaceFolders {
		if path := uriPath(protocol.DocumentURI(f.URI)); path != "" {
			paths = append(paths, path)
		}
	}
	if len(paths) == 0 && p.RootURI != "" {
		paths = append(paths, uriPath(p.RootURI))
	}
	if len(paths) == 0 && p.RootPath != "" {
		paths = append(paths, filepath.Clean(p.RootPath))
	}
	return paths
}

// didChangeWorkspaceFolders updates the folders and reloads: each folder
// has its own configuration.
func (s *server) didChangeWorkspaceFolders(raw json.RawMessage) error {
	var p protocol.DidChangeWorkspaceFoldersParams
	if err := json.Unmarshal(raw, &p); err != nil {
		return err
	}
	s.mu.Lock()
	folders := slices.Clone(s.folders)
	for _, f := range p.Event.Removed {
		folders = slices.DeleteFunc(folders, func(path string) bool { return path == uriPath(protocol.DocumentURI(f.URI)) })
	}
	for _, f := range p.Event.Added {
		if path := uriPath(protocol.DocumentURI(f.URI)); path != "" && !slices.Contains(folders, path) {
			folders = append(folders, path)
		}
	}
	s.folders = folders
	s.mu.Unlock()
	s.requestLoad("workspace folders changed")
	return nil
}

// uriPath is the filesystem path of a file: URI, or "" for other schemes.
func uriPath(u protocol.DocumentURI) (path string) {
	if !strings.HasPrefix(string(u), "file:") {
		return ""
	}
	defer func() {
		if recover() != nil { // go.lsp.dev/uri panics on some malformed URIs
			path = ""
		}
	}()
	if name := uri.URI(u).Filename(); name != "" {
		return filepath.Clean(name)
	}
	return ""
}

// resolution is the configuration as lsphost resolves it, before anything
// is loaded: the server, lsphost check and lsphost doctor all go through
// resolveConfig, so they agree on what the policy allows.
type resolution struct {
	paths       []string // the workspace folders, in the client's order
	policy      extensions.Policy
	policyFound bool
	// specsOf has the specs of each folder: the user's, and the folder's
	// narrowed by the policy, merged. Key "" is for documents outside every
	// folder: the user's specs alone.
	specsOf  map[string][]extensions.Spec
	refused  []extensions.Spec  // workspace specs the policy refused to load
	refusals map[string][]error // what the policy refused, by extension name
	// formattersOf has each folder's [formatters], the workspace's over the
	// user's; key "" the user's alone.
	formattersOf map[string]map[string]string
	problems     []error
}

// resolveConfig reads the user configuration and policy and each folder's
// configuration, and narrows each folder's specs to the policy.
func resolveConfig(userConfig string, paths []string) resolution {
	r := resolution{paths: paths, policy: extensions.DefaultPolicy, refusals: map[string][]error{}}
	var user []extensions.Spec
	if userConfig != "" {
		var errs []error
		user, errs = extensions.LoadConfig(userConfig)
		r.problems = append(r.problems, errs...)
		r.policy, r.policyFound, errs = extensions.LoadPolicy(userConfig)
		r.problems = append(r.problems, errs...)
	}
	r.specsOf = map[string][]extensions.Spec{"": user}
	userFormatters, errs := extensions.LoadFormatters(userConfig)
	r.problems = append(r.problems, errs...)
	r.formattersOf = map[string]map[string]string{"": userFormatters}
	for _, p := range paths {
		file := filepath.Join(p, ConfigFile)
		specs, errs := extensions.LoadConfig(file)
		r.problems = append(r.problems, errs...)
		formatters, errs := extensions.LoadFormatters(file)
		r.problems = append(r.problems, errs...)
		r.formattersOf[p] = maps.Clone(userFormatters)
		if r.formattersOf[p] == nil {
			r.formattersOf[p] = map[string]string{}
		}
		maps.Copy(r.formattersOf[p], formatters)
		if _, found, _ := extensions.LoadPolicy(file); found {
			r.problems = append(r.problems, &extensions.ConfigError{File: file, Key: "policy",
				Err: errors.New("ignored: a workspace cannot set policy; it belongs in the user configuration")})
		}
		// A workspace config can only narrow what the user's policy allows.
		var allowed []extensions.Spec
		for _, spec := range specs {
			narrowed, load, errs := r.policy.Apply(spec)
			r.problems = append(r.problems, errs...)
			r.refusals[spec.Name] = append(r.refusals[spec.Name], errs...)
			if load {
				allowed = append(allowed, narrowed)
			} else {
				r.refused = append(r.refused, spec)
			}
		}
		r.specsOf[p] = extensions.Merge(user, allowed)
	}
	return r
}

// loadOptions say what a load may reuse and whom it tells how far it got.
type loadOptions struct {
	// settings are the editor's settings by extension name; they override
	// the configuration's (see configuration.go).
	settings map[string]map[string]json.RawMessage
	// previous is the workspace being replaced: its extensions are kept
	// where neither their spec nor their .wasm changed, and kept in place
	// of a new version that fails to load.
	previous *workspace
	// progress, if set, is called as each extension finishes loading.
	progress func(done, total int, name string)
	// early, if set, gets a workspace of the extensions that diagnose as
	// soon as they are loaded, before the others load (see loadWorkspace).
	early func(*workspace)
}

// loadWorkspace loads every extension the resolution enables, each once, in
// parallel. Problems are returned; whatever is valid is loaded regardless.
func loadWorkspace(ctx context.Context, host *extensions.Host, r resolution, opts loadOptions, log *slog.Logger) (*workspace, []error) {
	problems := slices.Clone(r.problems)
	specsOf := map[string][]extensions.Spec{}
	for path, specs := range r.specsOf {
		specsOf[path] = withSettings(specs, opts.settings)
	}

	// Load each distinct enabled spec once.
	unique := map[string]extensions.Spec{}
	for _, specs := range specsOf {
		for _, spec := range specs {
			if spec.Enabled {
				unique[spec.Key()] = spec
			}
		}
	}
	var kept, byName map[string]*extensions.Extension
	if opts.previous != nil {
		kept, byName = map[string]*extensions.Extension{}, map[string]*extensions.Extension{}
		for _, ext := range opts.previous.loaded {
			kept[ext.Spec().Key()] = ext
			byName[ext.Name()+"\x00"+ext.Spec().File] = ext
		}
	}
	var mu sync.Mutex
	byKey := map[string]*extensions.Extension{}
	toLoad := map[string]extensions.Spec{}
	for key, spec := range unique {
		if ext := kept[key]; ext != nil && !ext.WasmChanged() {
			byKey[key] = ext // unchanged: kept as it is
		} else {
			toLoad[key] = spec
		}
	}
	done, total := 0, len(toLoad)
	loadOne := func(key string, spec extensions.Spec) {
		ext, err := host.Load(ctx, spec)
		mu.Lock()
		defer mu.Unlock()
		done++
		if opts.progress != nil {
			opts.progress(done, total, spec.Name)
		}
		if err != nil {
			if old := byName[spec.Name+"\x00"+spec.File]; old != nil {
				// Keep the last good version running.
				err = fmt.Errorf("%w; the previously loaded version stays in use", err)
				key = old.Spec().Key()
				byKey[key] = old
				for path, specs := range specsOf {
					for i := range specs {
						if specs[i].Name == spec.Name && specs[i].File == spec.File {
							specsOf[path][i] = old.Spec()
						}
					}
				}
			}
			problems = append(problems, &extensions.ConfigError{File: spec.File, Line: spec.Line, Key: "extensions." + spec.Name, Err: err})
			return
		}
		log.Info("extension loaded", "extension", spec.Name, "wasm", spec.Wasm, "features", ext.Declaration().Features)
		byKey[key] = ext
	}
	load := func(specs map[string]extensions.Spec) {
		var wg sync.WaitGroup
		for key, spec := range specs {
			wg.Go(func() { loadOne(key, spec) })
		}
		wg.Wait()
	}
	if opts.early != nil {
		// The extensions that diagnose load first, on their own, and serve
		// diagnostics while the others load: a document opened at start
		// waits for them alone. Which they are comes from the declaration
		// cache; one never loaded before counts as diagnosing.
		if first, rest := diagnosingFirst(host, toLoad); len(first) > 0 && len(rest) > 0 {
			load(first)
			opts.early(assemble(r, specsOf, byKey))
			toLoad = rest
		}
	}
	load(toLoad)
	ws := assemble(r, specsOf, byKey)
	sortProblems(problems)
	return ws, problems
}

// diagnosingFirst splits specs into those whose cached declaration has the
// diagnostics feature, or that have none cached, and the rest.
func diagnosingFirst(host *extensions.Host, specs map[string]extensions.Spec) (first, rest map[string]extensions.Spec) {
	first, rest = map[string]extensions.Spec{}, map[string]extensions.Spec{}
	for key, spec := range specs {
		if decl, ok := host.CachedDeclaration(spec); ok && !slices.Contains(decl.Features, abi.FeatureDiagnostics) {
			rest[key] = spec
		} else {
			first[key] = spec
		}
	}
	return first, rest
}

// assemble makes the workspace of the loaded extensions byKey for the
// resolution r and the specs of each folder.
func assemble(r resolution, specsOf map[string][]extensions.Spec, byKey map[string]*extensions.Extension) *workspace {
	ws := &workspace{}
	for _, ext := range byKey {
		ws.loaded = append(ws.loaded, ext)
	}
	sort.Slice(ws.loaded, func(i, j int) bool { return ws.loaded[i].Name() < ws.loaded[j].Name() })
	collect := func(path string) folder {
		f := folder{path: path, formatters: r.formattersOf[path]}
		for _, spec := range specsOf[path] {
			if ext := byKey[spec.Key()]; ext != nil && spec.Enabled {
				f.exts = append(f.exts, ext)
			}
		}
		return f
	}
	ws.fallback = collect("")
	for _, p := range r.paths {
		ws.folders = append(ws.folders, collect(p))
	}
	sort.SliceStable(ws.folders, func(i, j int) bool { return len(ws.folders[i].path) > len(ws.folders[j].path) })
	return ws
}

// folderOf returns the innermost folder that contains the document u and
// its slash path there, or the fallback and "".
func (w *workspace) folderOf(u protocol.DocumentURI) (folder, string) {
	if path := uriPath(u); path != "" {
		for _, cand := range w.folders {
			if r, err := filepath.Rel(cand.path, path); err == nil && r != ".." && !strings.HasPrefix(r, ".."+string(filepath.Separator)) {
				return cand, filepath.ToSlash(r)
			}
		}
	}
	return w.fallback, ""
}

// extensionsFor returns the extensions with feature that apply to a
// document, in name order.
func (w *workspace) extensionsFor(u protocol.DocumentURI, languageID, feature string) []*extensions.Extension {
	f, rel := w.folderOf(u)
	var out []*extensions.Extension
	for _, ext := range f.exts {
		// A switched-off extension is skipped here, not at each call, so it
		// costs nothing and logs nothing per keystroke.
		if ext.Has(feature) && ext.Accepts(languageID, rel) && !ext.Disabled() {
			out = append(out, ext)
		}
	}
	return out
}

func (w *workspace) close(ctx context.Context) {
	for _, ext := range w.loaded {
		ext.Close(ctx)
	}
}

// declarations are what the loaded extensions declared.
func (w *workspace) declarations() declarations {
	var d declarations
	for _, ext := range w.loaded {
		d = append(d, declared{ext.Name(), ext.Declaration()})
	}
	return d
}

// sortProblems orders configuration problems by file and line.
func sortProblems(errs []error) {
	loc := func(err error) (string, int) {
		var ce *extensions.ConfigError
		if errors.As(err, &ce) {
			return ce.File, ce.Line
		}
		return "", 0
	}
	sort.SliceStable(errs, func(i, j int) bool {
		fi, li := loc(errs[i])
		fj, lj := loc(errs[j])
		if fi != fj {
			return fi < fj
		}
		return li < lj
	})
}

// extensionNamed returns the extension called name that serves the
// document u and has feature, or nil.
func (w *workspace) extensionNamed(u protocol.DocumentURI, name, feature string) *extensions.Extension {
	f, _ := w.folderOf(u)
	for _, ext := range f.exts {
		if ext.Name() == name && ext.Has(feature) && !ext.Disabled() {
			return ext
		}
	}
	return nil
}
