package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"

	"github.com/lsphost/lsphost/lsp"
)

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
