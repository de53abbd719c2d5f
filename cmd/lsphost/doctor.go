package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/lsphost/lsphost/extensions"
	"github.com/lsphost/lsphost/lsp"
)

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
			cache := "compiled now and cached for next time"
			if e.Cached {
				cache = "compiled code from the cache"
			}
			fmt.Fprintf(w, "  implements   %v for %s\n", e.Features, langs)
			fmt.Fprintf(w, "  loaded in    %s (%s)\n", e.LoadTime, cache)
		}
		if len(e.Files) > 0 {
			fmt.Fprintf(w, "  files        %v\n", e.Files)
		}
		fmt.Fprintf(w, "  limits       timeout %s%s, memory %s%s\n", e.Timeout, defaulted(e.Timeout == extensions.DefaultTimeout),
			extensions.FormatSize(e.Memory), defaulted(e.Memory == extensions.DefaultMemory))
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

// defaulted marks a value that is the default rather than configured.
func defaulted(isDefault bool) string {
	if isDefault {
		return " (default)"
	}
	return ""
}
