// Package schema holds the JSON Schemas of the ABI's messages (the *.json
// files beside this one, part of the specification with ABI.md) and a
// validator for the subset of JSON Schema they use. lsphost verify checks
// every answer of an extension against them; a test checks them against the
// Go types of package abi.
package schema

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"
)

//go:embed *.json
var files embed.FS

// Names lists the schema files, sorted.
func Names() []string {
	entries, _ := files.ReadDir(".")
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return names
}

// Schema is one parsed schema file.
type Schema struct {
	Name string
	Root map[string]any
}

// Load parses the named schema file (say "diagnostics.response.json").
func Load(name string) (*Schema, error) {
	data, err := files.ReadFile(path.Clean(name))
	if err != nil {
		return nil, err
	}
	var root map[string]any
	if err := json.Unmarshal(data, &root); err != nil {
		return nil, fmt.Errorf("schema %s: %w", name, err)
	}
	return &Schema{Name: name, Root: root}, nil
}

// Must is Load for the schema files that ship with this package.
func Must(name string) *Schema {
	s, err := Load(name)
	if err != nil {
		panic(err)
	}
	return s
}

// Resolve follows a local reference ("#/$defs/x") from the root.
func (s *Schema) Resolve(ref string) (map[string]any, error) {
	if !strings.HasPrefix(ref, "#") {
		return nil, fmt.Errorf("schema %s: only local references are supported, not %q", s.Name, ref)
	}
	var node any = s.Root
	for _, part := range strings.Split(strings.TrimPrefix(ref, "#"), "/") {
		if part == "" {
			continue
		}
		m, ok := node.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("schema %s: bad reference %q", s.Name, ref)
		}
		node = m[part]
	}
	m, ok := node.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("schema %s: reference %q resolves to nothing", s.Name, ref)
	}
	return m, nil
}

// Deref returns node, or what its $ref points to.
func (s *Schema) Deref(node map[string]any) (map[string]any, error) {
	for i := 0; i < 16; i++ {
		ref, ok := node["$ref"].(string)
		if !ok {
			return node, nil
		}
		var err error
		if node, err = s.Resolve(ref); err != nil {
			return nil, err
		}
	}
	return nil, fmt.Errorf("schema %s: reference loop", s.Name)
}

// Validate checks the JSON document data against the schema and returns
// every violation, each as "JSON pointer: problem". A document that is not
// JSON gives one error.
func (s *Schema) Validate(data []byte) []error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return []error{fmt.Errorf("not JSON: %w", err)}
	}
	if dec.More() {
		return []error{fmt.Errorf("not JSON: data after the value")}
	}
	var errs []error
	s.validate(s.Root, v, "", &errs)
	return errs
}

// keywords are the JSON Schema keywords this validator implements; a schema
// using another one is refused, so that no rule is silently ignored.
var keywords = []string{
	"$schema", "$id", "$ref", "$defs", "$comment", "title", "description", "examples",
	"type", "properties", "required", "items", "enum", "const", "oneOf",
	"minimum", "maximum", "minLength", "maxLength", "minItems", "maxItems",
}

func (s *Schema) validate(node map[string]any, v any, at string, errs *[]error) {
	fail := func(format string, args ...any) {
		where := at
		if where == "" {
			where = "/"
		}
		*errs = append(*errs, fmt.Errorf("%s: %s", where, fmt.Sprintf(format, args...)))
	}
	for k := range node {
		if !slices.Contains(keywords, k) {
			fail("schema %s uses unsupported keyword %q", s.Name, k)
			return
		}
	}
	if ref, ok := node["$ref"].(string); ok {
		target, err := s.Resolve(ref)
		if err != nil {
			fail("%v", err)
			return
		}
		s.validate(target, v, at, errs)
	}
	if t, ok := node["type"]; ok {
		var types []string
		switch t := t.(type) {
		case string:
			types = []string{t}
		case []any:
			for _, x := range t {
				types = append(types, fmt.Sprint(x))
			}
		}
		if got := TypeOf(v); !slices.Contains(types, got) && !(got == "integer" && slices.Contains(types, "number")) {
			fail("is %s %s, want %s", article(got), got, strings.Join(types, " or "))
			return
		}
	}
	if c, ok := node["const"]; ok && !equal(c, v) {
		fail("is %s, want %s", show(v), show(c))
	}
	if e, ok := node["enum"].([]any); ok && !slices.ContainsFunc(e, func(x any) bool { return equal(x, v) }) {
		var want []string
		for _, x := range e {
			want = append(want, show(x))
		}
		fail("is %s, want one of %s", show(v), strings.Join(want, ", "))
	}
	if n, ok := v.(json.Number); ok {
		f, _ := n.Float64()
		if m, ok := node["minimum"].(float64); ok && f < m {
			fail("is %s, below the minimum %v", n, m)
		}
		if m, ok := node["maximum"].(float64); ok && f > m {
			fail("is %s, above the maximum %v", n, m)
		}
	}
	if str, ok := v.(string); ok {
		n := utf8.RuneCountInString(str)
		if m, ok := node["minLength"].(float64); ok && n < int(m) {
			fail("has %d characters, fewer than %v", n, m)
		}
		if m, ok := node["maxLength"].(float64); ok && n > int(m) {
			fail("has %d characters, more than %v", n, m)
		}
	}
	if arr, ok := v.([]any); ok {
		if m, ok := node["minItems"].(float64); ok && len(arr) < int(m) {
			fail("has %d items, fewer than %v", len(arr), m)
		}
		if m, ok := node["maxItems"].(float64); ok && len(arr) > int(m) {
			fail("has %d items, more than %v", len(arr), m)
		}
		if items, ok := node["items"].(map[string]any); ok {
			for i, x := range arr {
				s.validate(items, x, fmt.Sprintf("%s/%d", at, i), errs)
			}
		}
	}
	if obj, ok := v.(map[string]any); ok {
		if req, ok := node["required"].([]any); ok {
			for _, k := range req {
				if _, ok := obj[k.(string)]; !ok {
					fail("required key %q is missing", k)
				}
			}
		}
		if props, ok := node["properties"].(map[string]any); ok {
			for _, k := range sortedKeys(obj) {
				if p, ok := props[k].(map[string]any); ok {
					s.validate(p, obj[k], at+"/"+k, errs)
				}
			}
		}
	}
	if alts, ok := node["oneOf"].([]any); ok {
		var matched int
		var first []error
		for i, a := range alts {
			var sub []error
			s.validate(a.(map[string]any), v, at, &sub)
			if len(sub) == 0 {
				matched++
			} else if i == 0 || len(sub) < len(first) {
				first = sub
			}
		}
		switch {
		case matched == 0:
			*errs = append(*errs, first...)
		case matched > 1:
			fail("matches %d of the alternatives, want exactly one", matched)
		}
	}
}

// TypeOf is the JSON Schema type of a value decoded with UseNumber.
func TypeOf(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case json.Number:
		if _, err := v.Int64(); err == nil {
			return "integer"
		}
		return "number"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

func article(t string) string {
	if strings.IndexByte("aeiou", t[0]) >= 0 {
		return "an"
	}
	return "a"
}

func equal(schemaValue, v any) bool {
	if n, ok := v.(json.Number); ok {
		f, err := n.Float64()
		return err == nil && schemaValue == f
	}
	return schemaValue == v
}

func show(v any) string {
	b, _ := json.Marshal(v)
	if len(b) > 60 {
		return string(b[:57]) + "..."
	}
	return string(b)
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
