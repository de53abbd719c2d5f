// Command lspbench is an end-to-end benchmark for language servers: an
// independent LSP client (standard library only) that spawns any server
// command over stdio in a generated workspace and measures, over repeated
// runs, what an editor user waits for: startup, first diagnostics, an edit
// storm, many documents at once, a 10k-line file, completion latency and
// the server's peak memory. The workload is a TODO check whose correct
// diagnostics the client computes itself, so every figure is the time until
// the server published the right answer.
//
//	lspbench -runs 10 -server 'lsphost=bin/lsphost serve' \
//	    -server 'efm=efm-langserver -c {workspace}/efm.yaml'
//	lspbench -runs 1 -- bin/lsphost serve
//
// See BENCHMARKS.md ("End to end") for what each figure means.
package main

import (
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

const usage = `Usage:
  lspbench [flags] -server NAME=COMMAND [-server NAME=COMMAND ...]
  lspbench [flags] -- COMMAND [ARGS...]

In COMMAND, {workspace} is the generated workspace and {lspbench} this
executable. The workspace holds .lsphost.toml (lsphost's extensions, copied
from -wasm), efm.yaml (efm-langserver running lspbench's lint-todo and
complete-words commands, with efm's defaults) and efm-debounce.yaml (the
same with lint-debounce set to -efm-debounce), so any server finds its
configuration there.

Flags:
`

// serverFlags collects -server NAME=COMMAND.
type serverFlags []string

func (s *serverFlags) String() string     { return strings.Join(*s, ", ") }
func (s *serverFlags) Set(v string) error { *s = append(*s, v); return nil }

func main() {
	if len(os.Args) > 1 {
		switch os.Args[1] {
		case "lint-todo":
			os.Exit(lintTODO(os.Args[2:], os.Stdin, os.Stdout))
		case "complete-words":
			os.Exit(completeWords(os.Args[2:], os.Stdin, os.Stdout))
		}
	}
	os.Exit(run(os.Args[1:]))
}

// options are lspbench's flags.
type options struct {
	servers                 serverFlags
	runs, coldRuns, warmups int
	exts                    int
	wasmDir, baseline       string
	cacheDir, jsonFile      string
	jsonOut, keep           bool
	efmDebounce             time.Duration
	sizes                   workloadSizes
	cfg                     benchConfig
}

func parseFlags(args []string) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("lspbench", flag.ContinueOnError)
	fs.Usage = func() { fmt.Fprint(fs.Output(), usage); fs.PrintDefaults() }
	fs.Var(&o.servers, "server", "a server to measure, `NAME=COMMAND` (repeatable)")
	fs.IntVar(&o.runs, "runs", 10, "measured runs per server, each a fresh process")
	fs.IntVar(&o.coldRuns, "cold-runs", 1, "runs with an empty XDG_CACHE_HOME (startup and first diagnostics only)")
	fs.IntVar(&o.warmups, "warmup", 1, "discarded runs before measuring, which fill the warm cache")
	fs.IntVar(&o.exts, "exts", 3, "extensions in .lsphost.toml: 1 (todo) or 3 (todo, fixme, words); efm.yaml gets the same checks as commands")
	fs.StringVar(&o.wasmDir, "wasm", "bin/examples", "`dir` holding todo.wasm and words.wasm (make examples)")
	fs.StringVar(&o.baseline, "baseline", "", "server `NAME` the others are compared with (default: the last)")
	fs.StringVar(&o.cacheDir, "cache-dir", "", "`dir` whose NAME subdirectory is each server's XDG_CACHE_HOME in warm runs, kept between invocations (default: a new one, filled by -warmup)")
	fs.BoolVar(&o.jsonOut, "json", false, "write JSON instead of markdown tables")
	fs.StringVar(&o.jsonFile, "json-file", "", "also write the JSON report to `file`")
	fs.BoolVar(&o.keep, "keep", false, "keep the generated workspace and print its path")
	fs.DurationVar(&o.efmDebounce, "efm-debounce", 100*time.Millisecond, "lint-debounce of efm-debounce.yaml (efm.yaml keeps efm-langserver's default, which is 0)")
	fs.Uint64Var(&o.cfg.seed, "seed", 1, "seed of the generated workload")
	fs.DurationVar(&o.cfg.timeout, "timeout", 60*time.Second, "limit of each step")
	fs.DurationVar(&o.cfg.settle, "settle", 300*time.Millisecond, "how long publishes are still counted after the storm's final diagnostics")
	fs.DurationVar(&o.cfg.stormGap, "storm-gap", 5*time.Millisecond, "time between two edits of the storm")
	fs.IntVar(&o.sizes.stormEdits, "storm-edits", 50, "edits in the storm")
	fs.IntVar(&o.sizes.smallLines, "small-lines", 200, "lines of the first document (opened, then edited)")
	fs.IntVar(&o.sizes.manyDocs, "docs", 20, "documents opened at once")
	fs.IntVar(&o.sizes.manyLines, "docs-lines", 200, "lines of each of those documents")
	fs.IntVar(&o.sizes.largeLines, "large-lines", 10000, "lines of the large file")
	fs.IntVar(&o.cfg.completions, "completions", 200, "completion requests on the large file per run")
	scale := fs.String("scale-lines", "1000,10000,100000", "line counts of the scaling documents, each opened alone in a fresh server per run (open → diagnostics by size; empty: none)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	for _, f := range strings.FieldsFunc(*scale, func(r rune) bool { return r == ',' || r == ' ' }) {
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("-scale-lines %q: want positive line counts separated by commas", *scale)
		}
		o.sizes.scaleLines = append(o.sizes.scaleLines, n)
	}
	if rest := fs.Args(); len(rest) > 0 {
		o.servers = append(o.servers, filepath.Base(rest[0])+"="+strings.Join(rest, " "))
	}
	if len(o.servers) == 0 {
		fs.Usage()
		return nil, fmt.Errorf("no server to measure")
	}
	if o.exts != 1 && o.exts != 3 {
		return nil, fmt.Errorf("-exts %d: want 1 or 3", o.exts)
	}
	if o.runs < 1 {
		return nil, fmt.Errorf("-runs %d: want at least 1", o.runs)
	}
	return o, nil
}

func run(args []string) int {
	o, err := parseFlags(args)
	if err == flag.ErrHelp {
		return 0
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "lspbench:", err)
		return 2
	}
	startLoad := loadAvg()
	servers, base, err := bench(o, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "lspbench:", err)
		return 2
	}
	r := buildReport(servers, base, o.settings(), startLoad)
	if o.jsonFile != "" {
		f, err := os.Create(o.jsonFile)
		if err == nil {
			err = writeJSON(f, r)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "lspbench: -json-file:", err)
			return 2
		}
	}
	if o.jsonOut {
		writeJSON(os.Stdout, r)
	} else {
		writeMarkdown(os.Stdout, r, base.name)
	}
	for _, s := range servers {
		if s.failed != nil {
			return 1
		}
	}
	return 0
}

func (o *options) settings() map[string]any {
	return map[string]any{
		"runs": o.runs, "coldRuns": o.coldRuns, "warmups": o.warmups, "extensions": o.exts, "seed": o.cfg.seed,
		"smallLines": o.sizes.smallLines, "docs": o.sizes.manyDocs, "docsLines": o.sizes.manyLines,
		"largeLines": o.sizes.largeLines, "stormEdits": o.sizes.stormEdits, "stormGap": o.cfg.stormGap.String(),
		"completions": o.cfg.completions, "efmDebounce": o.efmDebounce.String(), "settle": o.cfg.settle.String(),
		"scaleLines": o.sizes.scaleLines,
	}
}

// bench generates the workspace and runs every server: cold runs, warm-up,
// then the measured runs with the servers taking turns, so that a change of
// load on the machine hits them alike. Progress goes to log.
func bench(o *options, log io.Writer) ([]*server, *server, error) {
	tmp, err := os.MkdirTemp("", "lspbench-")
	if err != nil {
		return nil, nil, err
	}
	if o.keep {
		fmt.Fprintln(log, "lspbench: workspace kept in", tmp)
	} else {
		defer os.RemoveAll(tmp)
	}
	dir := filepath.Join(tmp, "workspace")
	ws, err := writeWorkspace(dir, o.cfg.seed, o.sizes)
	if err != nil {
		return nil, nil, err
	}
	self, err := os.Executable()
	if err != nil {
		return nil, nil, err
	}
	if err := writeConfigs(dir, o.wasmDir, self, o.exts, o.efmDebounce, log); err != nil {
		return nil, nil, err
	}

	var servers []*server
	var base *server
	for _, spec := range o.servers {
		name, command, ok := strings.Cut(spec, "=")
		if !ok || name == "" || strings.TrimSpace(command) == "" {
			return nil, nil, fmt.Errorf("-server %q: want NAME=COMMAND", spec)
		}
		command = strings.NewReplacer("{workspace}", dir, "{lspbench}", self).Replace(command)
		s := &server{name: name, argv: strings.Fields(command), metrics: map[string]*metric{}}
		servers = append(servers, s)
		if name == o.baseline || o.baseline == "" {
			base = s
		}
	}
	if base == nil {
		return nil, nil, fmt.Errorf("-baseline %q names no -server", o.baseline)
	}

	fail := func(s *server, phase string, err error) {
		s.failed = fmt.Errorf("%s: %w", phase, err)
		fmt.Fprintf(log, "lspbench: %s: %v\n", s.name, s.failed)
	}
	warm := func(s *server) string {
		if o.cacheDir != "" {
			return filepath.Join(o.cacheDir, s.name)
		}
		return filepath.Join(tmp, "cache-"+s.name)
	}
	for _, s := range servers {
		for i := range o.coldRuns {
			home, err := makeCacheHome(tmp, "cold-"+s.name)
			if err != nil {
				return nil, nil, err
			}
			fmt.Fprintf(log, "lspbench: %s: cold run %d/%d\n", s.name, i+1, o.coldRuns)
			err = coldRun(s, ws, o.cfg, home)
			os.RemoveAll(home)
			if err != nil {
				fail(s, fmt.Sprintf("cold run %d", i+1), err)
				break
			}
		}
		for i := 0; i < o.warmups && s.failed == nil; i++ {
			fmt.Fprintf(log, "lspbench: %s: warm-up run %d/%d\n", s.name, i+1, o.warmups)
			discard := &server{name: s.name, argv: s.argv, metrics: map[string]*metric{}}
			if err := fullRun(discard, ws, o.cfg, warm(s), rand.New(rand.NewPCG(o.cfg.seed, 0))); err != nil {
				fail(s, "warm-up", err)
			}
		}
	}
	for i := range o.runs {
		for _, s := range servers {
			if s.failed != nil {
				continue
			}
			fmt.Fprintf(log, "lspbench: %s: run %d/%d\n", s.name, i+1, o.runs)
			if err := fullRun(s, ws, o.cfg, warm(s), rand.New(rand.NewPCG(o.cfg.seed, uint64(i+1)))); err != nil {
				fail(s, fmt.Sprintf("run %d", i+1), err)
			} else if err := scaleRun(s, ws, o.cfg, warm(s)); err != nil {
				fail(s, fmt.Sprintf("run %d, scaling", i+1), err)
			}
		}
	}
	return servers, base, nil
}

// writeConfigs writes .lsphost.toml (with the wasm it names) and efm.yaml
// into the workspace: the same checks for both servers.
func writeConfigs(dir, wasmDir, self string, exts int, efmDebounce time.Duration, log io.Writer) error {
	copyWasm := func(name string) error {
		b, err := os.ReadFile(filepath.Join(wasmDir, name))
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Join(dir, ".lsphost"), 0o755); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, ".lsphost", name), b, 0o644)
	}
	toml := `[extensions.todo]
wasm = ".lsphost/todo.wasm"
settings = { keywords = ["TODO"] }
`
	efm := fmt.Sprintf(`version: 2
languages:
  plaintext:
    - lint-command: '%[1]s lint-todo -keywords TODO -type I'
      lint-stdin: true
      lint-formats: ['%%f:%%l:%%c:%%k:%%t:%%m']
      lint-ignore-exit-code: true
      lint-after-open: true
      lint-source: todo
`, self)
	if exts == 3 {
		toml += `
[extensions.fixme]
wasm = ".lsphost/todo.wasm"
settings = { keywords = ["FIXME"] }

[extensions.words]
wasm = ".lsphost/words.wasm"
`
		efm += fmt.Sprintf(`    - lint-command: '%[1]s lint-todo -keywords FIXME -type W'
      lint-stdin: true
      lint-formats: ['%%f:%%l:%%c:%%k:%%t:%%m']
      lint-ignore-exit-code: true
      lint-after-open: true
      lint-source: fixme
    - completion-command: '%[1]s complete-words -pos ${POSITION}'
      completion-stdin: true
`, self)
	}
	wasms := []string{"todo.wasm"}
	if exts == 3 {
		wasms = append(wasms, "words.wasm")
	}
	for _, w := range wasms {
		if err := copyWasm(w); err != nil {
			fmt.Fprintf(log, "lspbench: no .lsphost.toml (lsphost would have no extensions): %v\n", err)
			toml = ""
			break
		}
	}
	if toml != "" {
		if err := os.WriteFile(filepath.Join(dir, ".lsphost.toml"), []byte(toml), 0o644); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, ".config"), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "efm.yaml"), []byte(efm), 0o644); err != nil {
		return err
	}
	debounced := strings.Replace(efm, "version: 2\n", fmt.Sprintf("version: 2\nlint-debounce: %s\n", efmDebounce), 1)
	return os.WriteFile(filepath.Join(dir, "efm-debounce.yaml"), []byte(debounced), 0o644)
}
