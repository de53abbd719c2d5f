package extensions

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"
)

// configFile is the path every ParseConfig test pretends to read.
const configFile = "/home/u/proj/.lsphost.toml"

func TestParseConfigFullEntry(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	src := `# every key
[extensions.todo]
wasm = "ext/todo.wasm"
sha256 = "ABCDEF0123456789abcdef0123456789ABCDEF0123456789abcdef0123456789"
languages = ["go", "markdown"]
files = ["**/*.go", "docs/**/*.md"]
enabled = false
timeout = "250ms"
memory = "64MiB"

[extensions.todo.settings]
keywords = ["TODO", "HACK"]
level = 2
strict = true

[extensions.todo.settings.nested]
ratio = 0.5
deep = { name = "x" }

[extensions.home]
wasm = "~/wasm/home.wasm"
memory = 1048576

[extensions.abs]
wasm = "/opt/ext/../ext/abs.wasm"
`
	specs, errs := ParseConfig(configFile, []byte(src))
	if len(errs) != 0 {
		t.Fatalf("ParseConfig errors = %v, want none", errs)
	}
	want := []Spec{
		{
			Name: "abs", Wasm: "/opt/ext/abs.wasm", Enabled: true,
			Timeout: DefaultTimeout, Memory: DefaultMemory, File: configFile, Line: 24,
		},
		{
			Name: "home", Wasm: filepath.Join(home, "wasm", "home.wasm"), Enabled: true,
			Timeout: DefaultTimeout, Memory: 1 << 20, File: configFile, Line: 20,
		},
		{
			Name:      "todo",
			Wasm:      "/home/u/proj/ext/todo.wasm",
			SHA256:    "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789",
			Languages: []string{"go", "markdown"},
			Files:     []string{"**/*.go", "docs/**/*.md"},
			Enabled:   false,
			Timeout:   250 * time.Millisecond,
			Memory:    64 << 20,
			Settings:  json.RawMessage(`{"keywords":["TODO","HACK"],"level":2,"nested":{"deep":{"name":"x"},"ratio":0.5},"strict":true}`),
			File:      configFile,
			Line:      2,
		},
	}
	if !reflect.DeepEqual(specs, want) {
		t.Errorf("ParseConfig(full) =\n%s\nwant\n%s", dumpSpecs(specs), dumpSpecs(want))
	}
}

func TestParseConfigDefaults(t *testing.T) {
	specs, errs := ParseConfig(configFile, []byte("[extensions.todo]\nwasm = \"todo.wasm\"\n"))
	if len(errs) != 0 {
		t.Fatalf("ParseConfig errors = %v, want none", errs)
	}
	want := []Spec{{
		Name: "todo", Wasm: "/home/u/proj/todo.wasm", Enabled: true,
		Timeout: DefaultTimeout, Memory: DefaultMemory, File: configFile, Line: 1,
	}}
	if !reflect.DeepEqual(specs, want) {
		t.Errorf("ParseConfig(defaults) =\n%s\nwant\n%s", dumpSpecs(specs), dumpSpecs(want))
	}
	if s := specs[0]; s.Languages != nil || s.Files != nil || s.Settings != nil {
		t.Errorf("ParseConfig(defaults) = languages %#v, files %#v, settings %q; want all nil (extension's own, every file, none)",
			s.Languages, s.Files, s.Settings)
	}
}

// TestParseConfigEmptyLists checks that an explicit empty languages list is
// kept apart from an absent one: absent defers to the extension's own
// declaration, empty means every language.
func TestParseConfigEmptyLists(t *testing.T) {
	specs, errs := ParseConfig(configFile, []byte("[extensions.a]\nwasm = \"a.wasm\"\nlanguages = []\nsettings = {}\n"))
	if len(errs) != 0 || len(specs) != 1 {
		t.Fatalf("ParseConfig = %d specs, %v; want 1 spec, no errors", len(specs), errs)
	}
	if specs[0].Languages == nil || len(specs[0].Languages) != 0 {
		t.Errorf("ParseConfig(languages = []).Languages = %#v, want an empty non-nil list", specs[0].Languages)
	}
	if string(specs[0].Settings) != "{}" {
		t.Errorf("ParseConfig(settings = {}).Settings = %q, want {}", specs[0].Settings)
	}
}

func TestParseConfigMemory(t *testing.T) {
	tests := []struct {
		value string // TOML value
		want  uint64 // 0: an error
	}{
		{`"64MiB"`, 64 << 20},
		{`"1GiB"`, 1 << 30},
		{`"500KB"`, 500_000},
		{`"2MB"`, 2_000_000},
		{`"1GB"`, 1_000_000_000},
		{`"64KiB"`, 64 << 10},
		{`"1.5MiB"`, 3 << 19},
		{`"16 mib"`, 16 << 20},
		{`" 8MiB "`, 8 << 20},
		{`"1048576"`, 1 << 20},
		{`"1048576B"`, 1 << 20},
		{`"4GiB"`, 4 << 30},
		{`1048576`, 1 << 20},
		{`65536`, 64 << 10},
		{`"5TB"`, 0},
		{`"64 megabytes"`, 0},
		{`"MiB"`, 0},
		{`""`, 0},
		{`"-1MiB"`, 0},
		{`"1e9"`, 0},
		{`"63KiB"`, 0},
		{`65535`, 0},
		{`"4097MiB"`, 0},
		{`4294967297`, 0},
		{`0`, 0},
		{`-1`, 0},
		{`1.5`, 0},
		{`true`, 0},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			src := "[extensions.a]\nwasm = \"a.wasm\"\nmemory = " + tt.value + "\n"
			specs, errs := ParseConfig(configFile, []byte(src))
			if tt.want == 0 {
				if len(specs) != 0 || len(errs) != 1 {
					t.Fatalf("ParseConfig(memory = %s) = %d specs, errors %v; want no spec, one error", tt.value, len(specs), errs)
				}
				checkConfigError(t, errs[0], 3, "extensions.a.memory", "")
				return
			}
			if len(errs) != 0 || len(specs) != 1 {
				t.Fatalf("ParseConfig(memory = %s) = %d specs, errors %v; want one spec", tt.value, len(specs), errs)
			}
			if got := specs[0].Memory; got != tt.want {
				t.Errorf("ParseConfig(memory = %s).Memory = %d, want %d", tt.value, got, tt.want)
			}
		})
	}
}

func TestParseConfigTimeout(t *testing.T) {
	tests := []struct {
		value   string
		want    time.Duration // 0: an error
		wantMsg string
	}{
		{`"500ms"`, 500 * time.Millisecond, ""},
		{`"2s"`, 2 * time.Second, ""},
		{`"1m"`, time.Minute, ""},
		{`"1m30s"`, 0, "1m30s > 1m0s"},
		{`"1h"`, 0, "> 1m0s"},
		{`"0s"`, 0, "must be positive"},
		{`"-1s"`, 0, "-1s must be positive"},
		{`"soon"`, 0, `"soon" is not a duration such as "500ms" or "2s"`},
		{`"5"`, 0, "is not a duration"},
		{`5`, 0, ""}, // an integer is not a duration string
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			src := "[extensions.a]\nwasm = \"a.wasm\"\ntimeout = " + tt.value + "\n"
			specs, errs := ParseConfig(configFile, []byte(src))
			if tt.want == 0 {
				if len(specs) != 0 || len(errs) != 1 {
					t.Fatalf("ParseConfig(timeout = %s) = %d specs, errors %v; want no spec, one error", tt.value, len(specs), errs)
				}
				checkConfigError(t, errs[0], 3, "extensions.a.timeout", tt.wantMsg)
				return
			}
			if len(errs) != 0 || len(specs) != 1 {
				t.Fatalf("ParseConfig(timeout = %s) = %d specs, errors %v; want one spec", tt.value, len(specs), errs)
			}
			if got := specs[0].Timeout; got != tt.want {
				t.Errorf("ParseConfig(timeout = %s).Timeout = %s, want %s", tt.value, got, tt.want)
			}
		})
	}
}

// TestParseConfigErrors feeds files with exactly one problem each and checks
// that it is reported once, at its line and key, and that the entry with the
// problem is left out.
func TestParseConfigErrors(t *testing.T) {
	const entry = "[extensions.a]\nwasm = \"a.wasm\"\n" // lines 1-2
	tests := []struct {
		name    string
		src     string
		line    int
		key     string
		wantMsg string // substring of the error's message
	}{
		{"bad timeout", entry + "timeout = \"fast\"\n", 3, "extensions.a.timeout", `"fast" is not a duration`},
		{"negative timeout", entry + "timeout = \"-2s\"\n", 3, "extensions.a.timeout", "must be positive"},
		{"timeout too large", entry + "timeout = \"2m\"\n", 3, "extensions.a.timeout", "2m0s > 1m0s"},
		{"bad memory unit", entry + "memory = \"64MB!\"\n", 3, "extensions.a.memory", `"64MB!" is not a size such as "64MiB"`},
		{"memory too small", entry + "memory = \"1KiB\"\n", 3, "extensions.a.memory", "1024 bytes is outside [64KiB, 4GiB]"},
		{"memory too large", entry + "memory = \"8GiB\"\n", 3, "extensions.a.memory", "8589934592 bytes is outside [64KiB, 4GiB]"},
		{"negative memory", entry + "memory = -5\n", 3, "extensions.a.memory", "-5 must be positive"},
		{"sha256 not hex", entry + "sha256 = \"" + strings.Repeat("g", 64) + "\"\n", 3, "extensions.a.sha256", "must be 64 hexadecimal digits"},
		{"sha256 too short", entry + "sha256 = \"abc\"\n", 3, "extensions.a.sha256", "must be 64 hexadecimal digits"},
		{"unknown key in entry", entry + "\n\nlanguage = [\"go\"]\n", 5, "extensions.a.language", "unknown key (known: wasm, sha256, languages, files, enabled, timeout, memory, settings, grants)"},
		{"unknown top-level key", "# comment\nserver = 1\n" + "[extensions.b]\nwasm = \"b.wasm\"\n", 2, "server", "unknown key (known: extensions, formatters, languages, policy)"},
		{"unknown top-level table", "[extensions.b]\nwasm = \"b.wasm\"\n\n[server]\nport = 1\n", 4, "server", "unknown key (known: extensions, formatters, languages, policy)"},
		{"missing wasm", "\n[extensions.a]\nlanguages = [\"go\"]\n", 2, "extensions.a", `missing required key "wasm"`},
		{"empty wasm", "[extensions.a]\nwasm = \"\"\n", 2, "extensions.a.wasm", "must not be empty"},
		{"wasm not a string", "[extensions.a]\nwasm = 3\n", 2, "extensions.a.wasm", ""},
		{"entry not a table", "[extensions]\na = 5\n", 2, "extensions.a", "must be a table"},
		{"entry is an array of tables", "[[extensions.a]]\nwasm = \"a.wasm\"\n", 1, "extensions.a", "must be a table"},
		{"extensions not a table", "\nextensions = 5\n", 2, "extensions", "must be a table of extensions"},
		{"extensions is an array of tables", "[[extensions]]\na = 1\n", 1, "extensions", "must be a table of extensions"},
		{"settings not a table", entry + "settings = \"verbose\"\n", 3, "extensions.a.settings", ""},
		{"languages not a list", entry + "languages = \"go\"\n", 3, "extensions.a.languages", ""},
		{"enabled not a boolean", entry + "enabled = \"yes\"\n", 3, "extensions.a.enabled", ""},
		{"bad glob", entry + "files = [\"*.go\", \"src/[a-\"]\n", 3, "extensions.a.files", `glob "src/[a-"`},
		{"absolute glob", entry + "files = [\"/etc/*\"]\n", 3, "extensions.a.files", "workspace-relative"},
		{"empty glob", entry + "files = [\"\"]\n", 3, "extensions.a.files", "non-empty"},
		{"bad name", "[extensions.\"my ext\"]\nwasm = \"a.wasm\"\n", 1, "extensions.my ext", "extension names use letters, digits"},
		{"name starting with a dot", "[extensions.\".hidden\"]\nwasm = \"a.wasm\"\n", 1, "extensions..hidden", "extension names use"},
		{"missing value", "[extensions.a]\nwasm = \"a.wasm\"\n\ntimeout = \n", 4, "extensions.a.timeout", "expected value"},
		{"junk after value", "[extensions.a]\n\nwasm = \"a.wasm\" junk\n", 3, "extensions.a", "expected a top-level item to end with a newline"},
		{"duplicate entry", entry + "[extensions.a]\nwasm = \"b.wasm\"\n", 3, "extensions", "already been defined"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			specs, errs := ParseConfig(configFile, []byte(tt.src))
			for _, s := range specs {
				if s.Name == "a" {
					t.Errorf("ParseConfig(%q) kept entry %q despite its problem", tt.src, s.Name)
				}
			}
			if len(errs) != 1 {
				t.Fatalf("ParseConfig(%q) errors = %q, want exactly one", tt.src, errs)
			}
			checkConfigError(t, errs[0], tt.line, tt.key, tt.wantMsg)
		})
	}
}

// TestParseConfigManyProblems checks that one pass reports every problem,
// each at its own line, and still returns the valid entries.
func TestParseConfigManyProblems(t *testing.T) {
	src := `top = 1

[extensions.good]
wasm = "good.wasm"

[extensions.bad]
wasm = "bad.wasm"
timeout = "forever"
memory = "lots"
colour = "red"

[extensions.nowasm]
enabled = true

[extensions.also-good]
wasm = "also.wasm"
files = ["src/**"]
`
	specs, errs := ParseConfig(configFile, []byte(src))
	var names []string
	for _, s := range specs {
		names = append(names, s.Name)
	}
	if want := []string{"also-good", "good"}; !reflect.DeepEqual(names, want) {
		t.Errorf("ParseConfig(many problems) kept %q, want %q", names, want)
	}
	type loc struct {
		Line int
		Key  string
	}
	var got []loc
	for _, err := range errs {
		var ce *ConfigError
		if !errors.As(err, &ce) {
			t.Fatalf("error %v is %T, want *ConfigError", err, err)
		}
		if ce.File != configFile {
			t.Errorf("error %v: File = %q, want %q", err, ce.File, configFile)
		}
		got = append(got, loc{ce.Line, ce.Key})
	}
	sort.Slice(got, func(i, j int) bool { return got[i].Line < got[j].Line })
	want := []loc{
		{1, "top"},
		{8, "extensions.bad.timeout"},
		{9, "extensions.bad.memory"},
		{10, "extensions.bad.colour"},
		{12, "extensions.nowasm"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ParseConfig(many problems) errors at %v, want %v\n%q", got, want, errs)
	}
}

func TestConfigErrorString(t *testing.T) {
	cause := errors.New("must be positive")
	tests := []struct {
		err  *ConfigError
		want string
	}{
		{&ConfigError{File: "/a.toml", Line: 3, Key: "extensions.x.timeout", Err: cause}, "/a.toml:3: extensions.x.timeout: must be positive"},
		{&ConfigError{File: "/a.toml", Key: "extensions.x", Err: cause}, "/a.toml: extensions.x: must be positive"},
		{&ConfigError{File: "/a.toml", Line: 7, Err: cause}, "/a.toml:7: must be positive"},
		{&ConfigError{File: "/a.toml", Err: cause}, "/a.toml: must be positive"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("%#v.Error() = %q, want %q", tt.err, got, tt.want)
		}
		if !errors.Is(tt.err, cause) {
			t.Errorf("errors.Is(%v, cause) = false, want true (Unwrap)", tt.err)
		}
	}
}

func TestLoadConfig(t *testing.T) {
	dir := t.TempDir()

	t.Run("missing file", func(t *testing.T) {
		specs, errs := LoadConfig(filepath.Join(dir, "absent.toml"))
		if specs != nil || errs != nil {
			t.Errorf("LoadConfig(absent) = %v, %v; want nil, nil", specs, errs)
		}
	})

	t.Run("paths relative to the file", func(t *testing.T) {
		sub := filepath.Join(dir, "proj")
		if err := os.Mkdir(sub, 0o755); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(sub, ".lsphost.toml")
		if err := os.WriteFile(path, []byte("[extensions.todo]\nwasm = \"../wasm/todo.wasm\"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		specs, errs := LoadConfig(path)
		if len(errs) != 0 || len(specs) != 1 {
			t.Fatalf("LoadConfig(%s) = %v, %v; want one spec", path, specs, errs)
		}
		if want := filepath.Join(dir, "wasm", "todo.wasm"); specs[0].Wasm != want || specs[0].File != path {
			t.Errorf("LoadConfig(%s) = wasm %q from %q, want %q from %q", path, specs[0].Wasm, specs[0].File, want, path)
		}
	})

	t.Run("errors name the file", func(t *testing.T) {
		path := filepath.Join(dir, "bad.toml")
		if err := os.WriteFile(path, []byte("[extensions.x]\nwasm = \"x.wasm\"\nmemory = \"a lot\"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		_, errs := LoadConfig(path)
		if len(errs) != 1 || !strings.HasPrefix(errs[0].Error(), path+":3: extensions.x.memory: ") {
			t.Errorf("LoadConfig(%s) errors = %q, want one starting %q", path, errs, path+":3: extensions.x.memory: ")
		}
	})

	t.Run("unreadable", func(t *testing.T) {
		specs, errs := LoadConfig(dir) // a directory cannot be read as a file
		var ce *ConfigError
		if len(specs) != 0 || len(errs) != 1 || !errors.As(errs[0], &ce) || ce.File != dir {
			t.Errorf("LoadConfig(directory) = %v, %q; want one *ConfigError naming %s", specs, errs, dir)
		}
	})
}

func TestMerge(t *testing.T) {
	spec := func(name, file string) Spec { return Spec{Name: name, Wasm: "/" + name + ".wasm", File: file} }
	tests := []struct {
		name            string
		user, workspace []Spec
		want            []Spec
	}{
		{"empty", nil, nil, []Spec{}},
		{"user only, sorted", []Spec{spec("b", "u"), spec("a", "u")}, nil, []Spec{spec("a", "u"), spec("b", "u")}},
		{"workspace only, sorted", nil, []Spec{spec("z", "w"), spec("m", "w")}, []Spec{spec("m", "w"), spec("z", "w")}},
		{"workspace overrides user by name",
			[]Spec{spec("todo", "u"), spec("words", "u")},
			[]Spec{spec("todo", "w")},
			[]Spec{spec("todo", "w"), spec("words", "u")}},
		{"union",
			[]Spec{spec("c", "u"), spec("a", "u")},
			[]Spec{spec("b", "w"), spec("a", "w")},
			[]Spec{spec("a", "w"), spec("b", "w"), spec("c", "u")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Merge(tt.user, tt.workspace); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Merge(%v, %v) = %v, want %v", tt.user, tt.workspace, got, tt.want)
			}
		})
	}
}

func TestSpecKey(t *testing.T) {
	base := func() Spec {
		return Spec{
			Name: "todo", Wasm: "/w/todo.wasm", SHA256: strings.Repeat("a", 64),
			Languages: []string{"go"}, Files: []string{"**/*.go"}, Enabled: true,
			Timeout: time.Second, Memory: 64 << 20, Settings: json.RawMessage(`{"k":1}`),
			File: "/home/u/.config/lsphost/config.toml", Line: 3,
		}
	}
	same := []struct {
		name   string
		modify func(*Spec)
	}{
		{"identical", func(*Spec) {}},
		{"declared in another file", func(s *Spec) { s.File, s.Line = "/w/.lsphost.toml", 9 }},
	}
	for _, tt := range same {
		a, b := base(), base()
		tt.modify(&b)
		if a.Key() != b.Key() {
			t.Errorf("%s: Key() = %q and %q, want equal", tt.name, a.Key(), b.Key())
		}
	}
	different := []struct {
		name   string
		modify func(a, b *Spec)
	}{
		{"name", func(_, b *Spec) { b.Name = "todo2" }},
		{"wasm", func(_, b *Spec) { b.Wasm = "/w/other.wasm" }},
		{"sha256", func(_, b *Spec) { b.SHA256 = strings.Repeat("b", 64) }},
		{"languages", func(_, b *Spec) { b.Languages = []string{"go", "c"} }},
		{"language boundaries", func(_, b *Spec) { b.Languages = []string{"g", "o"} }},
		// Absent languages defer to the extension's declaration, an empty
		// list accepts every language: two specs, two behaviours.
		{"languages absent vs empty", func(a, b *Spec) { a.Languages, b.Languages = nil, []string{} }},
		{"files", func(_, b *Spec) { b.Files = []string{"**/*.md"} }},
		{"timeout", func(_, b *Spec) { b.Timeout = 2 * time.Second }},
		{"memory", func(_, b *Spec) { b.Memory = 128 << 20 }},
		{"settings", func(_, b *Spec) { b.Settings = json.RawMessage(`{"k":2}`) }},
		{"settings absent", func(_, b *Spec) { b.Settings = nil }},
	}
	for _, tt := range different {
		a, b := base(), base()
		tt.modify(&a, &b)
		if a.Key() == b.Key() {
			t.Errorf("%s differs: Key() = %q for both, want different keys", tt.name, a.Key())
		}
	}
}

// checkConfigError checks that err is a *ConfigError for configFile at line
// and key whose message contains msg.
func checkConfigError(t *testing.T, err error, line int, key, msg string) {
	t.Helper()
	var ce *ConfigError
	if !errors.As(err, &ce) {
		t.Fatalf("error %v is %T, want *ConfigError", err, err)
	}
	if ce.File != configFile || ce.Line != line || ce.Key != key {
		t.Errorf("ConfigError at %s:%d key %q, want %s:%d key %q (%v)", ce.File, ce.Line, ce.Key, configFile, line, key, err)
	}
	if ce.Err == nil || !strings.Contains(ce.Err.Error(), msg) {
		t.Errorf("ConfigError message = %q, want it to contain %q", ce.Err, msg)
	}
	if ce.Err != nil && strings.HasPrefix(ce.Err.Error(), "toml: ") {
		t.Errorf("ConfigError message %q repeats the TOML library's prefix", ce.Err)
	}
}

func dumpSpecs(specs []Spec) string {
	var b strings.Builder
	for _, s := range specs {
		settings := s.Settings
		s.Settings = nil
		fmt.Fprintf(&b, "  %+v settings=%s\n", s, settings)
	}
	return b.String()
}

func TestLoadFormatters(t *testing.T) {
	tests := []struct {
		name, toml string
		want       map[string]string
		errs       []string
	}{
		{"none", "[extensions.a]\nwasm = \"a.wasm\"\n", nil, nil},
		{"by language and default", "[formatters]\nmarkdown = \"whitespace\"\n\"*\" = \"fmt\"\n", map[string]string{"markdown": "whitespace", "*": "fmt"}, nil},
		{"bad entries left out", "[formatters]\ngo = \"gofmt\"\nmd = 3\ntxt = \"no spaces allowed\"\n", map[string]string{"go": "gofmt"},
			[]string{":3: formatters.md:", ":4: formatters.txt: \"no spaces allowed\" is not an extension name"}},
		{"not a table", "formatters = \"whitespace\"\n", nil, []string{":1: formatters: must be a table of languageIds"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), ".lsphost.toml")
			if err := os.WriteFile(file, []byte(tt.toml), 0o644); err != nil {
				t.Fatal(err)
			}
			got, errs := LoadFormatters(file)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("formatters = %v, want %v", got, tt.want)
			}
			if len(errs) != len(tt.errs) {
				t.Fatalf("errors %v, want %d", errs, len(tt.errs))
			}
			for i, want := range tt.errs {
				if !strings.Contains(errs[i].Error(), want) {
					t.Errorf("error %q, want it to contain %q", errs[i], want)
				}
			}
		})
	}
}
