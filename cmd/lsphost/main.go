// Command lsphost is a language server that runs WebAssembly extensions.
// Each command has its file here, with its flags and wiring only; the work
// is done in packages lsp and extensions.
package main

import (
	"fmt"
	"os"
	"runtime/debug"
)

const usage = `lsphost is a language server that runs WebAssembly extensions.

Usage:
  lsphost [serve] [flags]          serve LSP over stdin/stdout (the default)
  lsphost check [flags] [PATH...]  run the extensions over files, as in CI
  lsphost pin [-check]             pin each extension's sha256 in its config
  lsphost doctor [-json]           explain the configuration and every problem
  lsphost new [flags] NAME         scaffold a new extension in Go
  lsphost verify [flags] FILE.wasm check an extension against the ABI, in any language
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
	case "verify":
		os.Exit(verify(args))
	case "version":
		fmt.Println("lsphost", version())
	case "help", "-h", "-help", "--help":
		fmt.Print(usage)
	default:
		fmt.Fprintf(os.Stderr, "lsphost: unknown command %q\n\n%s", cmd, usage)
		os.Exit(2)
	}
}

// version is the module version lsphost was built as, or "(devel)".
func version() string {
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" {
		return info.Main.Version
	}
	return "(devel)"
}
