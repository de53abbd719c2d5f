package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/lsphost/lsphost/extensions"
)

// verify runs lsphost verify: loads one extension and checks every ABI
// obligation; exit 1 when a check fails, 2 on bad usage.
func verify(args []string) int {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: lsphost verify [flags] FILE.wasm

Loads the extension as the server would and checks every obligation of the
ABI (abi/ABI.md): exports and imports, version, declaration, answers to
sample documents for each declared feature, unknown methods and request
keys, and memory over repeated calls. Prints one line per check, and for
each failure what is wrong and how to fix it. Exit status 1 when a check
fails.

`)
		fs.PrintDefaults()
	}
	asJSON := fs.Bool("json", false, "print the report as JSON")
	timeout := fs.Duration("timeout", extensions.DefaultTimeout, "time limit per call")
	memory := fs.String("memory", "128MiB", "linear memory ceiling")
	settings := fs.String("settings", "", "settings sent with initialize, as a JSON object (default {})")
	calls := fs.Int("calls", 200, "calls of the memory check")
	var samples sampleFlags
	fs.Var(&samples, "sample", "a `file` to send as one more sample document (repeatable)")
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
	mem, err := extensions.ParseSize(*memory)
	if err != nil {
		fmt.Fprintf(os.Stderr, "lsphost verify: -memory: %v\n", err)
		return 2
	}
	opts := extensions.VerifyOptions{Timeout: *timeout, Memory: mem, Calls: *calls, Samples: samples.list}
	if *settings != "" {
		if !json.Valid([]byte(*settings)) || !strings.HasPrefix(strings.TrimSpace(*settings), "{") {
			fmt.Fprintln(os.Stderr, "lsphost verify: -settings must be a JSON object")
			return 2
		}
		opts.Settings = json.RawMessage(*settings)
	}
	host := extensions.NewHost(extensions.Options{CacheDir: defaultCacheDir()})
	defer host.Close(context.Background())
	report := host.Verify(context.Background(), fs.Arg(0), opts)
	if *asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		enc.Encode(report)
	} else {
		printVerifyReport(os.Stdout, report)
	}
	if !report.Passed {
		return 1
	}
	return 0
}

func printVerifyReport(w io.Writer, r extensions.VerifyReport) {
	fmt.Fprintf(w, "lsphost verify %s\n", r.Wasm)
	failed := 0
	for _, c := range r.Checks {
		line := fmt.Sprintf("%s  %s", c.Status, c.Name)
		if c.Detail != "" && c.Status == extensions.CheckPass {
			line += ": " + c.Detail
		}
		fmt.Fprintln(w, line)
		if c.Status != extensions.CheckPass {
			if c.Detail != "" && c.Status != extensions.CheckPass {
				fmt.Fprintf(w, "      problem: %s\n", c.Detail)
			}
			if c.Fix != "" {
				fmt.Fprintf(w, "      fix: %s\n", c.Fix)
			}
		}
		if c.Status == extensions.CheckFail {
			failed++
		}
	}
	if r.Passed {
		fmt.Fprintf(w, "ok: %d checks passed\n", len(r.Checks))
	} else {
		fmt.Fprintf(w, "FAILED: %d of %d checks\n", failed, len(r.Checks))
	}
}

// sampleFlags collects -sample files.
type sampleFlags struct{ list []extensions.Sample }

func (s *sampleFlags) String() string { return "" }

func (s *sampleFlags) Set(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	s.list = append(s.list, extensions.Sample{Name: filepath.Base(path), LanguageID: "plaintext", Text: string(data)})
	return nil
}
