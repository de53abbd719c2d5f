// Command lsphost is a language server that runs WebAssembly extensions.
// This file is flags and wiring only; the server lives in package lsp.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"syscall"

	"github.com/lsphost/lsphost/extensions"
	"github.com/lsphost/lsphost/internal/scaffold"
	"github.com/lsphost/lsphost/lsp"
)

const usage = `lsphost is a language server that runs WebAssembly extensions.

Usage:
  lsphost [serve] [flags]          serve LSP over stdin/stdout (the default)
  lsphost check [flags] [PATH...]  run the extensions over files, as in CI
  lsphost pin [-check]             pin each extension's sha256 in its config
  lsphost doctor [-json]           explain the configuration and every problem
  lsphost new [flags] NAME         scaffold a new extension in Go
  lsphost version                  print the version

Run "lsphost COMMAND -help" for a command's flags.
`

func main() {
	args := os.Args[1:]
	cmd := "serve"
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		os.Exit(serve(args))
	case "check":
		os.Exit(check(args))
	case "pin":
		os.Exit(pin(args))
	case "doctor":
		os.Exit(doctor(args))
	case "new":
		os.Exit(newExtension(args))
	case "version":
		fmt.Println("lsphost", version())
	case "help", "-h", "-help", "--help":
		fmt.Print(usage)
	default:
		fmt.Fprintf(os.Stderr, "lsphost: unknown command %q\n\n%s", cmd, usage)
		os.Exit(2)
	}
}

type serveOptions struct {
	config, logFile, logLevel string
}

func serveFlags(o *serveOptions) *flag.FlagSet {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "Usage: lsphost [serve] [flags]\n\nServes LSP over stdin/stdout.\n\n")
		fs.PrintDefaults()
	}
	fs.StringVar(&o.config, "config", defaultUserConfig(), "user configuration `file`")
	fs.StringVar(&o.logFile, "log-file", "", "also write the log to `file`")
	fs.StringVar(&o.logLevel, "log-level", "warn", "log `level`: debug, info, warn or error")
	fs.Bool("stdio", true, "use stdin/stdout (the only transport; accepted for editors that pass it)")
	return fs
}

func serve(args []string) int {
	var o serveOptions
	if err := serveFlags(&o).Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(o.logLevel)); err != nil {
		fmt.Fprintf(os.Stderr, "lsphost: -log-level: %v\n", err)
		return 2
	}
	var logOut io.Writer = os.Stderr
	if o.logFile != "" {
		f, err := os.OpenFile(o.logFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			fmt.Fprintf(os.Stderr, "lsphost: -log-file: %v\n", err)
			return 2
		}
		defer f.Close()
		logOut = io.MultiWriter(os.Stderr, f)
	}
	logger := slog.New(slog.NewTextHandler(logOut, &slog.HandlerOptions{Level: level}))

	// stdout carries only LSP frames: anything else that writes to
	// os.Stdout by mistake lands on stderr instead.
	out := os.Stdout
	os.Stdout = os.Stderr

	cacheDir := defaultCacheDir()
	logger.Info("lsphost starting", "version", version(), "config", o.config, "cache", cacheDir)
	go func() {
		// Some clients (Vim's ALE) stop a server with SIGTERM instead of
		// shutdown and exit: leave a last line in the log and go.
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP)
		logger.Warn("lsphost stopped by signal", "signal", (<-sig).String())
		os.Exit(1)
	}()
	return lsp.Serve(context.Background(), os.Stdin, out, lsp.Options{
		UserConfig: o.config,
		CacheDir:   cacheDir,
		Logger:     logger,
		Version:    version(),
	})
}

// defaultCacheDir is $XDG_CACHE_HOME/lsphost, or ~/.cache/lsphost.
func defaultCacheDir() string {
	if dir, err := os.UserCacheDir(); err == nil {
		return filepath.Join(dir, "lsphost")
	}
	return ""
}

// check runs lsphost check: exit 0 when clean, 1 with findings at or above
// -fail-on, 2 on configuration or extension errors.
func check(args []string) int {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: lsphost check [flags] [PATH...]

Runs the workspace's extensions over the files under each PATH (default: the
current folder, whose .lsphost.toml applies) and prints their diagnostics.
Exit status: 0 clean, 1 findings at or above -fail-on, 2 configuration or
extension errors.

`)
		fs.PrintDefaults()
	}
	config := fs.String("config", defaultUserConfig(), "user configuration `file`")
	format := fs.String("format", lsp.FormatText, "output `format`: text, json or sarif")
	failOn := fs.String("fail-on", "error", "lowest `severity` that fails: error, warning, information, hint or none")
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	threshold := lsp.SeverityRank(*failOn)
	if threshold == 0 && *failOn != "none" {
		fmt.Fprintf(os.Stderr, "lsphost check: -fail-on %q: want error, warning, information, hint or none\n", *failOn)
		return 2
	}
	paths := fs.Args()
	if len(paths) == 0 {
		paths = []string{"."}
	}
	root, _ := os.Getwd()
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	opts := lsp.CheckOptions{Root: root, UserConfig: *config, CacheDir: defaultCacheDir(), Logger: logger}
	if info, err := os.Stderr.Stat(); err == nil && info.Mode()&os.ModeCharDevice != 0 {
		// A progress line on a terminal only: logs and CI output stay clean.
		opts.Progress = func(checked, found int) { fmt.Fprintf(os.Stderr, "\rchecked %d of %d files", checked, found) }
	}
	findings, problems := lsp.Check(context.Background(), opts, paths)
	if opts.Progress != nil {
		fmt.Fprint(os.Stderr, "\r\033[K") // erase the progress line
	}
	if err := lsp.WriteFindings(os.Stdout, *format, version(), findings); err != nil {
		fmt.Fprintf(os.Stderr, "lsphost check: %v\n", err)
		return 2
	}
	for _, err := range problems {
		fmt.Fprintf(os.Stderr, "lsphost check: %v\n", err)
	}
	if len(problems) > 0 {
		return 2
	}
	for _, f := range findings {
		if threshold > 0 && lsp.SeverityRank(f.Severity) <= threshold {
			return 1
		}
	}
	return 0
}

// pin runs lsphost pin: writes the sha256 of every unpinned or stale
// extension into the configuration that declares it (the workspace's
// .lsphost.toml and the user configuration); with -check it changes nothing
// and exits 1 if a pin is missing or stale. Exit 2 on errors.
func pin(args []string) int {
	fs := flag.NewFlagSet("pin", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: lsphost pin [flags]

Writes the sha256 of each extension's .wasm into the configuration that
declares it (./.lsphost.toml and the user configuration), where it is missing
or stale, so that a changed module is refused until pinned again.

`)
		fs.PrintDefaults()
	}
	config := fs.String("config", defaultUserConfig(), "user configuration `file`")
	checkOnly := fs.Bool("check", false, "change nothing; exit 1 if a pin is missing or stale")
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	code := 0
	for _, file := range []string{lsp.ConfigFile, *config} {
		if _, err := os.Stat(file); err != nil {
			continue
		}
		pins, errs := extensions.Pins(file)
		for _, err := range errs {
			fmt.Fprintf(os.Stderr, "lsphost pin: %v\n", err)
			code = 2
		}
		var stale []extensions.Pin
		for _, p := range pins {
			where := fmt.Sprintf("%s:%d: extensions.%s", file, p.Spec.Line, p.Spec.Name)
			switch p.State() {
			case "unreadable":
				fmt.Fprintf(os.Stderr, "lsphost pin: %s: %v\n", where, p.Err)
				code = 2
			case "missing", "stale":
				stale = append(stale, p)
				if *checkOnly {
					fmt.Printf("%s: sha256 %s (the module's is %s)\n", where, p.State(), p.Actual)
					code = max(code, 1)
				}
			}
		}
		if *checkOnly || len(stale) == 0 {
			continue
		}
		written, err := extensions.WritePins(file, stale)
		for _, p := range written {
			fmt.Printf("%s:%d: extensions.%s: pinned sha256 %s\n", file, p.Spec.Line, p.Spec.Name, p.Actual)
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "lsphost pin: %v\n", err)
			code = 2
		}
	}
	return code
}

// doctor runs lsphost doctor: the configuration as resolved, each
// extension's state, and every problem; exit 1 when there is a problem.
func doctor(args []string) int {
	fs := flag.NewFlagSet("doctor", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: lsphost doctor [flags]

Explains the configuration lsphost would use in the current folder (user and
workspace, and the user's policy), loads each extension once, and lists every
problem with what to do about it. Exit status 1 when there is a problem.

`)
		fs.PrintDefaults()
	}
	config := fs.String("config", defaultUserConfig(), "user configuration `file`")
	asJSON := fs.Bool("json", false, "print the diagnosis as JSON")
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	root, _ := os.Getwd()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	d := lsp.Doctor(context.Background(), lsp.CheckOptions{Root: root, UserConfig: *config, CacheDir: defaultCacheDir(), Logger: logger})
	if *asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		enc.Encode(d)
	} else {
		printDiagnosis(os.Stdout, d)
	}
	if len(d.Problems) > 0 {
		return 1
	}
	return 0
}

func printDiagnosis(w io.Writer, d lsp.Diagnosis) {
	found := func(ok bool) string {
		if ok {
			return ""
		}
		return " (not found)"
	}
	fmt.Fprintf(w, "user configuration  %s%s\n", d.UserConfig, found(d.UserConfigFound))
	fmt.Fprintf(w, "workspace           %s%s\n", d.Workspace, found(d.WorkspaceFound))
	source := "default"
	if d.PolicyFound {
		source = "from the user configuration"
	}
	p := d.Policy
	fmt.Fprintf(w, "policy (%s)  workspace_extensions=%s max_memory=%s max_timeout=%s workspace_grants=%v\n",
		source, p.WorkspaceExtensions, extensions.FormatSize(p.MaxMemory), p.MaxTimeout, p.WorkspaceGrants)
	for _, e := range d.Extensions {
		state := "ok"
		switch {
		case !e.Enabled:
			state = "disabled (enabled = false)"
		case e.Error != "":
			state = "FAILS TO LOAD"
		case !e.Loaded:
			state = "refused by the policy"
		}
		fmt.Fprintf(w, "\n%s: %s\n", e.Name, state)
		fmt.Fprintf(w, "  declared at  %s\n", e.From)
		pin := map[string]string{"ok": "pinned", "missing": "not pinned", "stale": "PIN STALE", "unreadable": "unreadable"}[e.Pin]
		fmt.Fprintf(w, "  module       %s (%d bytes, sha256 %s, %s)\n", e.Wasm, e.Size, e.SHA256, pin)
		if e.Loaded {
			langs := "every language"
			if len(e.Languages) > 0 {
				langs = fmt.Sprint(e.Languages)
			}
			fmt.Fprintf(w, "  implements   %v for %s; loaded in %s\n", e.Features, langs, e.LoadTime)
		}
		if len(e.Files) > 0 {
			fmt.Fprintf(w, "  files        %v\n", e.Files)
		}
		fmt.Fprintf(w, "  limits       timeout %s, memory %s\n", e.Timeout, extensions.FormatSize(e.Memory))
		fmt.Fprintf(w, "  grants       %v\n", e.Grants)
		for _, r := range e.Refused {
			fmt.Fprintf(w, "  refused      %s\n", r)
		}
	}
	if len(d.Problems) == 0 {
		fmt.Fprintln(w, "\nno problems")
		return
	}
	fmt.Fprintf(w, "\n%d problem(s):\n", len(d.Problems))
	for _, p := range d.Problems {
		fmt.Fprintf(w, "  %s\n", p)
	}
}

// newExtension runs lsphost new: a ready-to-build extension in Go.
func newExtension(args []string) int {
	fs := flag.NewFlagSet("new", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: lsphost new [flags] NAME

Writes a new extension in Go: a module with a diagnostics and a completion
handler, their test, a Makefile that builds NAME.wasm, and the configuration
that loads it. Then: cd NAME && make test && make.

`)
		fs.PrintDefaults()
	}
	dir := fs.String("dir", "", "`folder` to create (default: NAME)")
	module := fs.String("module", "", "Go module `path` (default: example.com/NAME)")
	sdk := fs.String("sdk", "", "`path` of a local lsphost checkout to build against")
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return 2
	}
	name := fs.Arg(0)
	if *dir == "" {
		*dir = name
	}
	written, err := scaffold.Write(scaffold.Options{Name: name, Dir: *dir, Module: *module, Version: version(), SDK: *sdk})
	for _, path := range written {
		fmt.Println("wrote", path)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "lsphost new: %v\n", err)
		return 1
	}
	fmt.Printf("\nnext: cd %s && go mod tidy && make test && make\n", *dir)
	return 0
}

// defaultUserConfig is $XDG_CONFIG_HOME/lsphost/config.toml, or
// ~/.config/lsphost/config.toml.
func defaultUserConfig() string {
	dir, err := os.UserConfigDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "lsphost", "config.toml")
}

func version() string {
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" {
		return info.Main.Version
	}
	return "(devel)"
}
