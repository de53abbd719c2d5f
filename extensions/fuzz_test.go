package extensions

import (
	"errors"
	"testing"
	"unicode/utf8"

	"github.com/lsphost/lsphost/abi"
)

// FuzzConfig: the config loader never panics, every problem it reports is a
// *ConfigError naming a position or a key, and every spec it returns is
// complete.
func FuzzConfig(f *testing.F) {
	f.Add("[extensions.todo]\nwasm = \"todo.wasm\"\ntimeout = \"1s\"\nmemory = \"64MiB\"\n[extensions.todo.grants]\nread = [\"docs\"]\n")
	f.Add("[extensions.a]\nwasm = 1\nfiles = [\"**/*.md\", \"[\"]\n[extensions.b]\nwasn = \"x\"\n")
	f.Add("extensions = 5\n[policy]\nmax_memory = \"1GiB\"\n")
	f.Add("[[extensions.a]]\nwasm = \"a\"\n[extensions.c.settings]\nk = [1, {a = 2}]\n")
	f.Add("[extensions.a\nwasm=")
	f.Fuzz(func(t *testing.T, data string) {
		specs, errs := ParseConfig("/w/.lsphost.toml", []byte(data))
		for _, err := range errs {
			var ce *ConfigError
			if !errors.As(err, &ce) || (ce.Line == 0 && ce.Key == "") || ce.File != "/w/.lsphost.toml" {
				t.Errorf("problem %v names neither a line nor a key", err)
			}
		}
		for _, s := range specs {
			if s.Name == "" || s.Wasm == "" || s.Timeout <= 0 || s.Memory < minMemory || s.Line == 0 {
				t.Errorf("incomplete spec %+v", s)
			}
		}
		policy, _, errs := LoadPolicyData("/u/config.toml", []byte(data))
		for _, err := range errs {
			var ce *ConfigError
			if !errors.As(err, &ce) || ce.Key == "" {
				t.Errorf("policy problem %v names no key", err)
			}
		}
		if policy.MaxMemory < minMemory || policy.MaxTimeout <= 0 {
			t.Errorf("policy %+v has an unusable limit", policy)
		}
	})
}

// FuzzGuestOutput: whatever bytes an extension returns, decoding never
// panics and what reaches the server is in range: offsets inside the text,
// known severities, bounded counts, valid and bounded strings.
func FuzzGuestOutput(f *testing.F) {
	f.Add([]byte(`{"result":{"diagnostics":[{"start":-5,"end":99999,"severity":99,"message":"\xff"}]}}`), 10)
	f.Add([]byte(`{"result":{"items":[{"label":"a","edit":{"start":9,"end":2,"newText":"x"},"kind":77}]}}`), 3)
	f.Add([]byte(`{"error":{"message":"nope"}}`), 0)
	f.Add([]byte(`{"result":null}`), 0)
	f.Fuzz(func(t *testing.T, data []byte, n int) {
		n = max(0, n%(1<<20))
		var diags abi.DiagnosticsResult
		if decodeResponse(data, abi.MethodDiagnostics, &diags) == nil {
			out := sanitizeDiagnostics(diags.Diagnostics, n)
			if len(out) > maxItems {
				t.Errorf("%d diagnostics > %d", len(out), maxItems)
			}
			for _, d := range out {
				checkRange(t, d.Start, d.End, n)
				checkString(t, d.Message)
				checkString(t, d.Code)
				if d.Severity < abi.SeverityError || d.Severity > abi.SeverityHint {
					t.Errorf("severity %d", d.Severity)
				}
			}
		}
		var list abi.CompletionResult
		if decodeResponse(data, abi.MethodCompletion, &list) == nil {
			out := sanitizeCompletion(list, n)
			if len(out.Items) > maxItems {
				t.Errorf("%d items > %d", len(out.Items), maxItems)
			}
			for _, it := range out.Items {
				if it.Label == "" {
					t.Error("item without a label")
				}
				for _, s := range []string{it.Label, it.Detail, it.Documentation, it.InsertText, it.FilterText, it.SortText} {
					checkString(t, s)
				}
				if it.Kind < 0 || it.Kind > 25 {
					t.Errorf("kind %d", it.Kind)
				}
				if it.Edit != nil {
					checkRange(t, it.Edit.Start, it.Edit.End, n)
					checkString(t, it.Edit.NewText)
				}
			}
		}
	})
}

func checkRange(t *testing.T, start, end, n int) {
	if start < 0 || end < start || end > n {
		t.Errorf("range [%d, %d) outside a text of %d bytes", start, end, n)
	}
}

func checkString(t *testing.T, s string) {
	if !utf8.ValidString(s) || len(s) > maxStringBytes+len("…") {
		t.Errorf("string of %d bytes, valid UTF-8 %v", len(s), utf8.ValidString(s))
	}
}
