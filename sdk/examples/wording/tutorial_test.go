package main

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// TestTutorialMatches checks that every code block of docs/tutorial.md
// introduced by "<!-- file: NAME -->" is exactly this package's file NAME,
// so the tutorial's code is the code CI builds and tests.
func TestTutorialMatches(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "..", "docs", "tutorial.md"))
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)<!-- file: ([^ ]+) -->\n```go\n(.*?)\n```\n").FindAllSubmatch(doc, -1)
	seen := map[string]bool{}
	for _, b := range blocks {
		name, code := string(b[1]), string(b[2])+"\n"
		seen[name] = true
		want, err := os.ReadFile(name)
		if err != nil {
			t.Errorf("the tutorial shows %s: %v", name, err)
			continue
		}
		if code != string(want) {
			t.Errorf("the tutorial's %s differs from sdk/examples/wording/%s: copy the file into the tutorial", name, name)
		}
	}
	for _, name := range []string{"main.go", "main_test.go", "wasm_test.go"} {
		if !seen[name] {
			t.Errorf("the tutorial does not show %s", name)
		}
	}
}
