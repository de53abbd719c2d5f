package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/lsphost/lsphost/extensions"
	"github.com/lsphost/lsphost/lsp"
)

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
