package lsphost_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const module = "github.com/lsphost/lsphost"

// TestImportDirections enforces the layering of DESIGN.md on production
// code (tests may reach further, e.g. to build guests):
// cmd → lsp → extensions → abi ← sdk. abi and sdk use only the standard
// library (they compile into guests); only extensions knows wazero and TOML;
// only lsp knows go.lsp.dev; nobody imports cmd or testdata.
func TestImportDirections(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}}:{{join .Imports " "}}:{{.Dir}}:{{join .GoFiles " "}}`, "./...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	checked := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Split(line, ":")
		pkg, imports, dir, files := fields[0], fields[1], fields[2], fields[3]
		// Reading the sources makes go test's cache notice when they change.
		for _, f := range strings.Fields(files) {
			if _, err := os.ReadFile(filepath.Join(dir, f)); err != nil {
				t.Fatal(err)
			}
		}
		for _, imp := range strings.Fields(imports) {
			if err := allowed(pkg, imp); err != "" {
				t.Errorf("%s imports %s: %s", pkg, imp, err)
			}
			checked++
		}
	}
	if checked == 0 {
		t.Fatal("no imports checked")
	}
}

// allowed returns why pkg may not import imp, or "".
func allowed(pkg, imp string) string {
	rel := func(p string) string { return strings.TrimPrefix(strings.TrimPrefix(p, module), "/") }
	p, i := rel(pkg), rel(imp)
	internal := strings.HasPrefix(imp, module)
	std := !strings.Contains(strings.Split(imp, "/")[0], ".")
	under := func(path, dir string) bool { return path == dir || strings.HasPrefix(path, dir+"/") }
	switch {
	case internal && under(i, "cmd"):
		return "nobody imports cmd"
	case internal && under(i, "testdata"):
		return "nobody imports testdata"
	case under(p, "abi") && !std:
		return "abi imports only the standard library"
	case under(p, "sdk") && !std && i != "abi" && !under(i, "sdk"):
		return "sdk imports only the standard library and abi"
	case under(p, "lsp/text") && !std:
		return "the text store imports only the standard library"
	case under(p, "extensions") && internal && !under(i, "abi") && !under(i, "internal") && !under(i, "extensions"):
		return "extensions imports only abi of this module (and its own subpackages, e.g. exttest)"
	case strings.HasPrefix(imp, "go.lsp.dev/") && !under(p, "lsp"):
		return "only lsp knows go.lsp.dev"
	case (strings.HasPrefix(imp, "github.com/tetratelabs/wazero") || strings.HasPrefix(imp, "github.com/BurntSushi/toml")) && !under(p, "extensions"):
		return "only extensions knows wazero and TOML"
	case under(p, "lsp") && internal && under(i, "sdk"):
		return "the host does not import the SDK"
	}
	return ""
}

func TestAllowedRejectsBadEdges(t *testing.T) {
	bad := [][2]string{
		{module + "/abi", "github.com/tetratelabs/wazero"},
		{module + "/sdk", module + "/extensions"},
		{module + "/extensions", module + "/lsp"},
		{module + "/extensions", "go.lsp.dev/protocol"},
		{module + "/lsp", "github.com/tetratelabs/wazero"},
		{module + "/lsp", module + "/cmd/lsphost"},
		{module + "/lsp/text", module + "/abi"},
	}
	for _, e := range bad {
		if allowed(e[0], e[1]) == "" {
			t.Errorf("allowed(%s, %s) = ok, want a violation", e[0], e[1])
		}
	}
	if why := allowed(module+"/lsp", module+"/extensions"); why != "" {
		t.Errorf("allowed(lsp, extensions) = %q, want ok", why)
	}
}
