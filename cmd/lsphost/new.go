package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/lsphost/lsphost/internal/scaffold"
)

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
