package extensions

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
)

// Defaults for the limits a configuration may leave out. See RATIONALE.md
// ("Why these default limits?").
const (
	DefaultTimeout = time.Second
	DefaultMemory  = 128 << 20

	maxTimeout = time.Minute
	minMemory  = 64 << 10 // one wasm page
	maxMemory  = 4 << 30  // the wasm32 address space
)

// Spec is one extension entry of a configuration file, validated and with its
// paths resolved. The zero value is not useful; specs come from ParseConfig.
type Spec struct {
	Name      string
	Wasm      string   // absolute path of the .wasm file
	SHA256    string   // lower-case hex pin, or empty
	Languages []string // LSP languageIds; nil means the extension's own declaration
	Files     []string // workspace-relative globs; nil means every file
	Enabled   bool
	Timeout   time.Duration // per call
	Memory    uint64        // linear memory ceiling in bytes
	Settings  json.RawMessage
	Grants    Grants // capabilities; the zero value grants nothing

	File string // configuration file that declared it
	Line int    // line of its table in File
}

// ConfigError is a problem in a configuration file, located by line and key.
type ConfigError struct {
	File string
	Line int    // 0 when unknown
	Key  string // dotted TOML key, e.g. "extensions.todo.timeout"
	Err  error
	// Unreadable is set when nothing in the file could be used: it could
	// not be read or is not valid TOML.
	Unreadable bool
}

func (e *ConfigError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	if e.Key != "" {
		fmt.Fprintf(&b, ": %s", e.Key)
	}
	fmt.Fprintf(&b, ": %v", e.Err)
	return b.String()
}

func (e *ConfigError) Unwrap() error { return e.Err }

// LoadConfig reads and parses the configuration file at path. A file that
// does not exist is not an error: it yields no specs.
func LoadConfig(path string) ([]Spec, []error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, []error{&ConfigError{File: path, Err: err, Unreadable: true}}
	}
	return ParseConfig(path, data)
}

// ParseConfig parses a configuration file's content. It returns every valid
// extension entry and one error per problem found: an entry with a problem
// is left out, the others are kept.
func ParseConfig(path string, data []byte) ([]Spec, []error) {
	var top map[string]toml.Primitive
	md, err := toml.Decode(string(data), &top)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, []error{&ConfigError{File: path, Line: pe.Position.Line, Key: pe.LastKey, Err: errors.New(pe.Message), Unreadable: true}}
		}
		return nil, []error{&ConfigError{File: path, Err: err, Unreadable: true}}
	}
	p := parser{path: path, dir: filepath.Dir(path), md: &md}
	for _, key := range sortedKeys(top) {
		if key == "policy" || key == "languages" || key == "formatters" {
			continue // read by LoadPolicy, LoadLanguages and LoadFormatters
		}
		if key != "extensions" {
			p.fail(top[key], key, errors.New("unknown key (known: extensions, formatters, languages, policy)"))
			continue
		}
		var entries map[string]toml.Primitive
		if err := p.decodeTable(top[key], &entries); err != nil {
			p.fail(top[key], key, errors.New("must be a table of extensions, e.g. [extensions.todo]"))
			continue
		}
		for _, name := range sortedKeys(entries) {
			if spec, ok := p.extension(name, entries[name]); ok {
				p.specs = append(p.specs, spec)
			}
		}
	}
	return p.specs, p.errs
}

type parser struct {
	path, dir string
	md        *toml.MetaData
	specs     []Spec
	errs      []error
}

var (
	validName   = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]*$`)
	validSHA256 = regexp.MustCompile(`^[0-9a-f]{64}$`)
)

// extension validates one [extensions.NAME] table, reporting every problem.
func (p *parser) extension(name string, prim toml.Primitive) (Spec, bool) {
	key := "extensions." + name
	nerr := len(p.errs)
	spec := Spec{Name: name, Enabled: true, Timeout: DefaultTimeout, Memory: DefaultMemory, File: p.path, Line: p.line(prim)}
	if !validName.MatchString(name) {
		p.fail(prim, key, errors.New("extension names use letters, digits, '_', '-' and '.'"))
	}
	var fields map[string]toml.Primitive
	if err := p.decodeTable(prim, &fields); err != nil {
		p.fail(prim, key, errors.New("must be a table"))
		return spec, false
	}
	for _, f := range sortedKeys(fields) {
		fkey, v := key+"."+f, fields[f]
		var err error
		switch f {
		case "wasm":
			var s string
			if err = p.md.PrimitiveDecode(v, &s); err == nil {
				spec.Wasm, err = p.resolvePath(s)
			}
		case "sha256":
			if err = p.md.PrimitiveDecode(v, &spec.SHA256); err == nil {
				spec.SHA256 = strings.ToLower(spec.SHA256)
				if !validSHA256.MatchString(spec.SHA256) {
					err = errors.New("must be 64 hexadecimal digits")
				}
			}
		case "languages":
			err = p.md.PrimitiveDecode(v, &spec.Languages)
			if err == nil && spec.Languages == nil {
				spec.Languages = []string{}
			}
		case "files":
			if err = p.md.PrimitiveDecode(v, &spec.Files); err == nil {
				for _, g := range spec.Files {
					if err = checkGlob(g); err != nil {
						break
					}
				}
			}
		case "enabled":
			err = p.md.PrimitiveDecode(v, &spec.Enabled)
		case "timeout":
			var s string
			if err = p.md.PrimitiveDecode(v, &s); err != nil {
				err = errors.New(`must be a string such as "500ms" or "2s"`)
			} else {
				spec.Timeout, err = parseTimeout(s)
			}
		case "memory":
			var raw any
			if err = p.md.PrimitiveDecode(v, &raw); err == nil {
				spec.Memory, err = parseMemory(raw)
			}
		case "settings":
			var m map[string]any
			if err = p.decodeTable(v, &m); err != nil {
				err = errors.New("must be a table, e.g. [extensions." + name + ".settings]")
			} else {
				spec.Settings, err = json.Marshal(m)
			}
		case "grants":
			spec.Grants, err = p.grants(v, fkey)
		default:
			err = errors.New("unknown key (known: wasm, sha256, languages, files, enabled, timeout, memory, settings, grants)")
		}
		if err != nil && err != errAlreadyReported {
			p.fail(v, fkey, err)
		}
	}
	if _, ok := fields["wasm"]; !ok {
		p.fail(prim, key, errors.New(`missing required key "wasm" (path of the .wasm file)`))
	}
	return spec, len(p.errs) == nerr
}

// fail records err at the location of prim.
func (p *parser) fail(prim toml.Primitive, key string, err error) {
	// TOML decode errors repeat the position we already report: keep the message.
	var pe toml.ParseError
	if errors.As(err, &pe) {
		err = errors.New(pe.Message)
	}
	if msg := err.Error(); strings.HasPrefix(msg, "toml: ") {
		if i := strings.LastIndex(msg, "): "); i >= 0 {
			msg = msg[i+3:]
		}
		err = errors.New(strings.TrimPrefix(msg, "toml: "))
	}
	p.errs = append(p.errs, &ConfigError{File: p.path, Line: p.line(prim), Key: key, Err: err})
}

// decodeTable decodes prim into a map, failing unless it is a TOML table:
// PrimitiveDecode itself leaves the map nil for a non-table without error.
func (p *parser) decodeTable(prim toml.Primitive, m any) error {
	var v any
	if err := p.md.PrimitiveDecode(prim, &v); err != nil {
		return err
	}
	if _, ok := v.(map[string]any); !ok {
		return errors.New("not a table")
	}
	return p.md.PrimitiveDecode(prim, m)
}

// line finds the line of prim's key. MetaData keeps key positions private but
// attaches them to errors from an Unmarshaler, so we decode into one that
// always fails.
func (p *parser) line(prim toml.Primitive) int {
	var pe toml.ParseError
	if errors.As(p.md.PrimitiveDecode(prim, locator{}), &pe) {
		return pe.Position.Line
	}
	return 0
}

type locator struct{}

func (locator) UnmarshalTOML(any) error { return errors.New("locate") }

func (p *parser) resolvePath(s string) (string, error) {
	switch {
	case s == "":
		return "", errors.New("must not be empty")
	case strings.HasPrefix(s, "~/"):
		home, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		return filepath.Join(home, s[2:]), nil
	case filepath.IsAbs(s):
		return filepath.Clean(s), nil
	}
	return filepath.Join(p.dir, s), nil
}

func parseTimeout(s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	switch {
	case err != nil:
		return 0, fmt.Errorf("%q is not a duration such as \"500ms\" or \"2s\"", s)
	case d <= 0:
		return 0, fmt.Errorf("%s must be positive", d)
	case d > maxTimeout:
		return 0, fmt.Errorf("%s > %s", d, maxTimeout)
	}
	return d, nil
}

var memoryUnits = map[string]uint64{
	"": 1, "b": 1,
	"kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30,
	"kb": 1e3, "mb": 1e6, "gb": 1e9,
}

// parseMemory accepts a byte count or a string such as "64MiB".
func parseMemory(v any) (uint64, error) {
	var n uint64
	switch v := v.(type) {
	case int64:
		if v < 0 {
			return 0, fmt.Errorf("%d must be positive", v)
		}
		n = uint64(v)
	case string:
		s := strings.TrimSpace(v)
		i := strings.IndexFunc(s, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
		if i < 0 {
			i = len(s)
		}
		unit, ok := memoryUnits[strings.ToLower(strings.TrimSpace(s[i:]))]
		f, err := strconv.ParseFloat(s[:i], 64)
		if !ok || err != nil {
			return 0, fmt.Errorf("%q is not a size such as \"64MiB\"", v)
		}
		n = uint64(f * float64(unit))
	default:
		return 0, fmt.Errorf("must be a size such as \"64MiB\" or a number of bytes")
	}
	if n < minMemory || n > maxMemory {
		return 0, fmt.Errorf("%d bytes is outside [64KiB, 4GiB]", n)
	}
	return n, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Merge combines user and workspace specs: a workspace entry replaces the
// user entry of the same name. The result is sorted by name.
func Merge(user, workspace []Spec) []Spec {
	byName := map[string]Spec{}
	for _, s := range user {
		byName[s.Name] = s
	}
	for _, s := range workspace {
		byName[s.Name] = s
	}
	out := make([]Spec, 0, len(byName))
	for _, name := range sortedKeys(byName) {
		out = append(out, byName[name])
	}
	return out
}

// Key identifies what makes two specs load the same extension: specs with
// equal keys can share one loaded Extension.
func (s Spec) Key() string {
	langs := "-" // absent: the extension's own languages, unlike [] (every language)
	if s.Languages != nil {
		langs = fmt.Sprintf("%q", s.Languages)
	}
	return fmt.Sprintf("%q %q %q %s %q %s %d %s %+v", s.Name, s.Wasm, s.SHA256, langs, s.Files, s.Timeout, s.Memory, s.Settings, s.Grants)
}

// Language is one entry of a configuration's [languages] table: files whose
// name matches Pattern (path.Match syntax, e.g. "*.mdx" or "Jenkinsfile")
// get languageId ID where no editor says what they are (lsphost check).
type Language struct {
	Pattern, ID string
}

// readStringTable reads the top-level table key of the configuration file,
// whose values are strings, calling check on each entry: an error leaves
// the entry out and is reported with its line. A missing, unreadable or
// malformed file yields nothing: LoadConfig reports those.
func readStringTable(file, key, shape string, check func(name, value string) error) []error {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil
	}
	var top map[string]toml.Primitive
	md, err := toml.Decode(string(data), &top)
	if err != nil {
		return nil
	}
	prim, ok := top[key]
	if !ok {
		return nil
	}
	p := parser{path: file, md: &md}
	var fields map[string]toml.Primitive
	if err := p.decodeTable(prim, &fields); err != nil {
		p.fail(prim, key, errors.New(shape))
		return p.errs
	}
	for _, name := range sortedKeys(fields) {
		var value string
		err := p.md.PrimitiveDecode(fields[name], &value)
		if err == nil {
			err = check(name, value)
		}
		if err != nil {
			p.fail(fields[name], key+"."+name, err)
		}
	}
	return p.errs
}

// LoadLanguages reads the [languages] table of the configuration file.
func LoadLanguages(file string) ([]Language, []error) {
	var langs []Language
	errs := readStringTable(file, "languages", `must be a table of file name patterns, e.g. "*.mdx" = "markdown"`, func(pattern, id string) error {
		if _, err := path.Match(pattern, ""); err != nil {
			return fmt.Errorf("pattern %q: %w", pattern, err)
		}
		if id == "" {
			return errors.New("the languageId must not be empty")
		}
		langs = append(langs, Language{Pattern: pattern, ID: id})
		return nil
	})
	return langs, errs
}

// LoadFormatters reads the [formatters] table of the configuration file:
// which extension formats documents of each languageId ("*": any other).
func LoadFormatters(file string) (map[string]string, []error) {
	var out map[string]string
	errs := readStringTable(file, "formatters", `must be a table of languageIds, e.g. markdown = "whitespace"`, func(lang, name string) error {
		if !validName.MatchString(name) {
			return fmt.Errorf("%q is not an extension name", name)
		}
		if out == nil {
			out = map[string]string{}
		}
		out[lang] = name
		return nil
	})
	return out, errs
}
