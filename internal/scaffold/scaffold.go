// Package scaffold writes a new extension's source: a Go module with a
// working diagnostics and completion handler, a test, a Makefile and the
// configuration to use it. lsphost new is its command.
package scaffold

import (
	"embed"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"text/template"
)

//go:embed template/*.tmpl
var templates embed.FS

// Options describe the extension to scaffold.
type Options struct {
	Name    string // extension name: letters, digits, '-' and '_'
	Dir     string // where to write it; must not exist or be empty
	Module  string // Go module path; default example.com/NAME
	Version string // the lsphost module version to require
	SDK     string // a local lsphost checkout to use instead (replace)
}

var validName = regexp.MustCompile(`^[a-z][a-z0-9_-]*$`)

// files maps template names to the files they become.
var files = map[string]string{
	"go.mod.tmpl": "go.mod", "main.go.tmpl": "main.go", "main_test.go.tmpl": "main_test.go", "wasm_test.go.tmpl": "wasm_test.go",
	"Makefile.tmpl": "Makefile", "lsphost.toml.tmpl": "lsphost.toml", "README.md.tmpl": "README.md",
}

// Write creates the extension's files and returns their paths.
func Write(o Options) ([]string, error) {
	if !validName.MatchString(o.Name) {
		return nil, fmt.Errorf("name %q: use lower-case letters, digits, '-' and '_', starting with a letter", o.Name)
	}
	if o.Module == "" {
		o.Module = "example.com/" + o.Name
	}
	if o.SDK == "" && (o.Version == "" || strings.HasPrefix(o.Version, "(")) {
		return nil, errors.New("this lsphost is a development build with no published version to require: pass -sdk with the path of your lsphost checkout")
	}
	if o.SDK != "" {
		abs, err := filepath.Abs(o.SDK)
		if err != nil {
			return nil, err
		}
		if _, err := os.Stat(filepath.Join(abs, "sdk")); err != nil {
			return nil, fmt.Errorf("-sdk %s: not an lsphost checkout (no sdk folder)", o.SDK)
		}
		o.SDK, o.Version = abs, "v0.0.0"
	}
	if entries, err := os.ReadDir(o.Dir); err == nil && len(entries) > 0 {
		return nil, fmt.Errorf("%s exists and is not empty", o.Dir)
	}
	if err := os.MkdirAll(o.Dir, 0o755); err != nil {
		return nil, err
	}
	var written []string
	for _, tmpl := range slices.Sorted(maps.Keys(files)) {
		name := files[tmpl]
		t, err := template.ParseFS(templates, "template/"+tmpl)
		if err != nil {
			return written, err
		}
		path := filepath.Join(o.Dir, name)
		f, err := os.Create(path)
		if err != nil {
			return written, err
		}
		err = t.Execute(f, o)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return written, fmt.Errorf("write %s: %w", path, err)
		}
		written = append(written, path)
	}
	return written, nil
}
