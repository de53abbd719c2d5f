package sdk_test

import (
	"bytes"
	"os"
	"testing"

	"github.com/lsphost/lsphost/internal/wasmbuild"
)

// heavyFunctions are functions of fmt, encoding/json and reflect that a Go
// guest links only when something calls them. Every module has the names
// of its functions, NUL-terminated, in its function-name table (pclntab).
var heavyFunctions = []string{
	"fmt.(*pp).doPrintf",
	"encoding/json.(*decodeState).object",
	"reflect.Value.Set",
	"encoding/json.Marshal",
	"encoding/json.Unmarshal",
	"encoding/json.(*encodeState).marshal",
}

// TestGuestLinksNoReflection: the SDK itself links none of fmt,
// encoding/json's encoder and decoder, or reflection, which make a module
// ~0.9 MB larger for the host to validate and compile at every start
// (BENCHMARKS.md, "A smaller guest"). The whitespace example uses only the
// SDK, strings and Settings.Read; snippets, which calls Settings.Decode,
// shows that the check sees them when they are there.
func TestGuestLinksNoReflection(t *testing.T) {
	linked := func(example string, names []string) []string {
		wasm, err := os.ReadFile(wasmbuild.Example(t, example))
		if err != nil {
			t.Fatal(err)
		}
		var found []string
		for _, name := range names {
			if bytes.Contains(wasm, []byte(name+"\x00")) {
				found = append(found, name)
			}
		}
		return found
	}
	if found := linked("whitespace", heavyFunctions); len(found) > 0 {
		t.Errorf("a guest of the SDK alone links %q", found)
	}
	// The first three are what Settings.Decode and fmt bring.
	if want, found := heavyFunctions[:3], linked("snippets", heavyFunctions[:3]); len(found) != len(want) {
		t.Errorf("snippets (Settings.Decode, fmt) links only %q of %q: the check cannot see them", found, want)
	}
}
