package lsp

import (
	"bytes"
	"context"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/lsphost/lsphost/abi"
	"github.com/lsphost/lsphost/extensions"
	"github.com/lsphost/lsphost/lsp/text"
)

// CheckOptions configure Check.
type CheckOptions struct {
	// Root is the workspace folder whose .lsphost.toml applies.
	Root string
	// UserConfig, CacheDir and Logger are as in Options.
	UserConfig string
	CacheDir   string
	Logger     *slog.Logger
	// Progress, if set, is called as files are found and checked, from
	// several goroutines but never concurrently.
	Progress func(checked, found int)
}

// Finding is one diagnostic of lsphost check. Lines and columns count from
// 1; columns are UTF-16 code units, as editors and SARIF count them.
type Finding struct {
	Path      string `json:"path"` // relative to the root, slash-separated
	Line      int    `json:"line"`
	Column    int    `json:"column"`
	EndLine   int    `json:"endLine"`
	EndColumn int    `json:"endColumn"`
	Severity  string `json:"severity"` // error, warning, information or hint
	Message   string `json:"message"`
	Extension string `json:"extension"`
	Code      string `json:"code,omitempty"`
}

// maxCheckFile bounds the files check reads; larger ones are skipped.
const maxCheckFile = 8 << 20

// Check runs the configured extensions over the files under paths (files or
// folders, relative to the root), the way the server would for open
// documents, on all cores. It returns the findings sorted by path and
// position, and every configuration or extension problem met.
func Check(ctx context.Context, opts CheckOptions, paths []string) ([]Finding, []error) {
	s := newServer(ctx, Options{UserConfig: opts.UserConfig, CacheDir: opts.CacheDir, Logger: opts.Logger})
	defer s.host.Close(ctx)
	root, err := filepath.Abs(opts.Root)
	if err != nil {
		return nil, []error{err}
	}
	ws, problems := loadWorkspace(ctx, s.host, resolveConfig(opts.UserConfig, []string{root}), loadOptions{}, s.log)
	defer ws.close(ctx)
	s.loadedWith(ws)
	// Workspace entries first: they win over the user's.
	var langs []extensions.Language
	for _, file := range []string{filepath.Join(root, ConfigFile), opts.UserConfig} {
		l, errs := extensions.LoadLanguages(file)
		langs = append(langs, l...)
		problems = append(problems, errs...)
	}

	var mu sync.Mutex // guards findings, problems and the progress counts
	checked, found := 0, 0
	progress := func(dChecked, dFound int) {
		mu.Lock()
		defer mu.Unlock()
		checked, found = checked+dChecked, found+dFound
		if opts.Progress != nil {
			opts.Progress(checked, found)
		}
	}
	files := make(chan string)
	var walkErrs []error
	go func() {
		defer close(files)
		for _, p := range paths {
			if !filepath.IsAbs(p) {
				p = filepath.Join(root, p)
			}
			if err := walkFiles(p, func(path string) { progress(0, 1); files <- path }); err != nil {
				walkErrs = append(walkErrs, err)
			}
		}
	}()

	var findings []Finding
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for path := range files {
				got, errs := s.checkFile(root, path, LanguageID(path, langs))
				mu.Lock()
				findings = append(findings, got...)
				problems = append(problems, errs...)
				mu.Unlock()
				progress(1, 0)
			}
		}()
	}
	wg.Wait()
	problems = append(problems, walkErrs...)
	sort.SliceStable(findings, func(i, j int) bool {
		a, b := findings[i], findings[j]
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
	return findings, problems
}

// walkFiles sends every regular file under path, skipping hidden files and
// folders (.git, .lsphost.toml and the like) and node_modules.
func walkFiles(path string, send func(string)) error {
	return filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		hidden := p != path && strings.HasPrefix(d.Name(), ".")
		if d.IsDir() {
			if hidden || d.Name() == "node_modules" {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() && !hidden {
			send(p)
		}
		return nil
	})
}

// checkFile diagnoses one file with the extensions that apply to it.
func (s *server) checkFile(root, path, lang string) ([]Finding, []error) {
	u := protocol.DocumentURI(uri.File(path))
	if len(s.workspace.extensionsFor(u, lang, abi.FeatureDiagnostics)) == 0 {
		return nil, nil
	}
	info, err := os.Stat(path)
	if err != nil || info.Size() > maxCheckFile {
		return nil, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, []error{err}
	}
	if bytes.IndexByte(data[:min(len(data), 8000)], 0) >= 0 {
		return nil, nil // binary
	}
	snap := snapshot{uri: u, languageID: lang, text: text.New(string(data))}
	diags, errs := s.computeDiagnostics(context.Background(), snap)
	rel, _ := filepath.Rel(root, path)
	out := make([]Finding, 0, len(diags))
	for _, d := range diags {
		code, _ := d.Code.(string)
		out = append(out, Finding{
			Path: filepath.ToSlash(rel),
			Line: int(d.Range.Start.Line) + 1, Column: int(d.Range.Start.Character) + 1,
			EndLine: int(d.Range.End.Line) + 1, EndColumn: int(d.Range.End.Character) + 1,
			Severity: severityNames[d.Severity], Message: d.Message, Extension: d.Source, Code: code,
		})
	}
	return out, errs
}

// SeverityRank orders severities: error 1 … hint 4, as in LSP; 0 for an
// unknown name.
func SeverityRank(name string) int {
	for rank, n := range severityNames {
		if n == name {
			return int(rank)
		}
	}
	return 0
}

var severityNames = map[protocol.DiagnosticSeverity]string{
	protocol.DiagnosticSeverityError:       "error",
	protocol.DiagnosticSeverityWarning:     "warning",
	protocol.DiagnosticSeverityInformation: "information",
	protocol.DiagnosticSeverityHint:        "hint",
}

// languageIDs maps file extensions to LSP languageIds for lsphost check,
// where no editor says what a file is.
var languageIDs = map[string]string{
	".go": "go", ".md": "markdown", ".markdown": "markdown", ".txt": "plaintext",
	".py": "python", ".js": "javascript", ".mjs": "javascript", ".jsx": "javascriptreact",
	".ts": "typescript", ".tsx": "typescriptreact", ".rs": "rust", ".c": "c", ".h": "c",
	".cc": "cpp", ".cpp": "cpp", ".hpp": "cpp", ".java": "java", ".json": "json",
	".yaml": "yaml", ".yml": "yaml", ".toml": "toml", ".sh": "shellscript", ".bash": "shellscript",
	".html": "html", ".css": "css", ".rb": "ruby", ".php": "php", ".cs": "csharp",
	".swift": "swift", ".kt": "kotlin", ".lua": "lua", ".sql": "sql", ".xml": "xml",
	".zig": "zig", ".wat": "wat",
}

// LanguageID is the languageId lsphost check gives a file: the first
// override whose pattern matches its name, else by extension (see
// languageIDs), "gitcommit" for COMMIT_EDITMSG, else "plaintext".
func LanguageID(path string, overrides []extensions.Language) string {
	for _, l := range overrides {
		if ok, _ := filepath.Match(l.Pattern, filepath.Base(path)); ok {
			return l.ID
		}
	}
	if filepath.Base(path) == "COMMIT_EDITMSG" {
		return "gitcommit"
	}
	if id, ok := languageIDs[strings.ToLower(filepath.Ext(path))]; ok {
		return id
	}
	return "plaintext"
}
