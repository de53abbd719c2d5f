package lsp

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/lsphost/lsphost/extensions"
)

// Diagnosis is what lsphost doctor finds: the configuration as resolved,
// each extension's state, and every problem with what to do about it.
type Diagnosis struct {
	UserConfig      string               `json:"userConfig"`
	UserConfigFound bool                 `json:"userConfigFound"`
	Workspace       string               `json:"workspace"`
	WorkspaceFound  bool                 `json:"workspaceFound"`
	Policy          extensions.Policy    `json:"policy"`
	PolicyFound     bool                 `json:"policyFound"`
	Extensions      []ExtensionDiagnosis `json:"extensions"`
	Problems        []string             `json:"problems"`
}

// ExtensionDiagnosis is one configured extension as lsphost would run it.
type ExtensionDiagnosis struct {
	Name     string        `json:"name"`
	From     string        `json:"from"` // file:line that declares it
	Wasm     string        `json:"wasm"`
	Size     int64         `json:"size"`
	SHA256   string        `json:"sha256,omitempty"`
	Pin      string        `json:"pin"` // ok, missing, stale, unreadable
	Enabled  bool          `json:"enabled"`
	Loaded   bool          `json:"loaded"`
	LoadTime time.Duration `json:"loadTime"`
	// Cached reports whether its compiled code came from the on-disk cache
	// (no new cache entry appeared while loading it).
	Cached    bool          `json:"cached"`
	Features  []string      `json:"features,omitempty"`
	Languages []string      `json:"languages"` // empty: every document
	Files     []string      `json:"files,omitempty"`
	Timeout   time.Duration `json:"timeout"`
	Memory    uint64        `json:"memory"`
	Grants    []string      `json:"grants"`
	Refused   []string      `json:"refused,omitempty"` // what the user policy refused
	Error     string        `json:"error,omitempty"`
}

// Doctor resolves the configuration for the workspace at opts.Root and
// loads every enabled extension once, reporting what it finds.
func Doctor(ctx context.Context, opts CheckOptions) Diagnosis {
	root, _ := filepath.Abs(opts.Root)
	d := Diagnosis{UserConfig: opts.UserConfig, Workspace: filepath.Join(root, ConfigFile), Problems: []string{}}
	_, err := os.Stat(d.UserConfig)
	d.UserConfigFound = err == nil
	_, err = os.Stat(d.Workspace)
	d.WorkspaceFound = err == nil
	problem := func(err error) { d.Problems = append(d.Problems, err.Error()) }

	r := resolveConfig(d.UserConfig, []string{root})
	d.Policy, d.PolicyFound = r.policy, r.policyFound
	for _, err := range r.problems {
		problem(err)
	}
	for _, spec := range r.refused {
		d.Extensions = append(d.Extensions, describe(spec, r.refusals[spec.Name]))
	}

	host := extensions.NewHost(extensions.Options{CacheDir: opts.CacheDir, Logger: opts.Logger})
	defer host.Close(ctx)
	for _, spec := range r.specsOf[root] {
		e := describe(spec, r.refusals[spec.Name])
		if spec.Enabled {
			before := countFiles(opts.CacheDir)
			start := time.Now()
			ext, err := host.Load(ctx, spec)
			e.LoadTime = time.Since(start).Round(time.Millisecond)
			e.Cached = opts.CacheDir != "" && countFiles(opts.CacheDir) == before
			if err != nil {
				e.Error = err.Error()
				problem(&extensions.ConfigError{File: spec.File, Line: spec.Line, Key: "extensions." + spec.Name, Err: err})
			} else {
				e.Loaded = true
				decl := ext.Declaration()
				e.Features = decl.Features
				if spec.Languages == nil {
					e.Languages = decl.Languages
				}
				ext.Close(ctx)
			}
		}
		d.Extensions = append(d.Extensions, e)
	}
	return d
}

func describe(spec extensions.Spec, refusals []error) ExtensionDiagnosis {
	e := ExtensionDiagnosis{
		Name: spec.Name, From: spec.File + ":" + strconv.Itoa(spec.Line), Wasm: spec.Wasm, Enabled: spec.Enabled,
		Languages: spec.Languages, Files: spec.Files, Timeout: spec.Timeout, Memory: spec.Memory,
		Grants: spec.Grants.Kinds(),
	}
	for _, err := range refusals {
		e.Refused = append(e.Refused, err.Error())
	}
	if e.Languages == nil {
		e.Languages = []string{}
	}
	if e.Grants == nil {
		e.Grants = []string{}
	}
	pin := extensions.PinOf(spec)
	e.Pin, e.SHA256, e.Size = pin.State(), pin.Actual, pin.Size
	return e
}

// countFiles counts the files under dir, 0 if it cannot be read.
func countFiles(dir string) int {
	n := 0
	if dir != "" {
		filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				n++
			}
			return nil
		})
	}
	return n
}
