package sdk

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
)

// Settings is the extension's settings table from the user's configuration
// ([extensions.NAME.settings] in TOML), as a JSON object. It is empty when
// the user set nothing.
type Settings []byte

// Read stores the settings in the variables that settings bind, one per
// key, for example
//
//	keywords := []string{"TODO", "FIXME"}
//	err := s.Read(sdk.StringsSetting("keywords", &keywords))
//
// A key the user did not set (or set to null) leaves its variable as it
// is, so variables hold their defaults before Read; one the user set is
// replaced, slices and maps included. Read is as strict as Decode, with
// the same errors: a key that no setting binds (keys are case-sensitive,
// as in TOML), a value of the wrong type (null in an array included).
// Unlike Decode it needs neither encoding/json nor reflection, which make
// an extension's module ~0.9 MB larger and slower to load; Decode remains
// for settings that Read's types do not cover, such as arrays of tables.
func (s Settings) Read(settings ...Setting) error {
	data := bytes.TrimSpace(s)
	if len(data) == 0 || string(data) == "null" {
		return nil
	}
	if check := (scanner{data: data}); !check.skip() || !check.end() {
		return errors.New("settings: invalid JSON at byte " + strconv.Itoa(check.i))
	}
	sc := &scanner{data: data}
	if sc.ws(); data[0] != '{' {
		return errors.New("settings: want a table, got " + sc.describe(false))
	}
	var err error
	ok := sc.object(func(key []byte) bool {
		for _, setting := range settings {
			if string(key) == setting.key {
				if sc.null() {
					return true
				}
				if want := setting.read(sc); want != "" {
					err = errors.New("setting " + strconv.Quote(setting.key) + ": want " + want +
						", got " + sc.describe(want == "an integer"))
					return false
				}
				return true
			}
		}
		err = errors.New("unknown setting " + strconv.Quote(string(key)))
		return false
	})
	if !ok && err == nil { // cannot happen: the JSON was checked above
		err = errors.New("settings: invalid JSON at byte " + strconv.Itoa(sc.i))
	}
	return err
}

// A Setting binds a key of the settings to a variable, for Settings.Read.
type Setting struct {
	key string
	// read stores the value at s in the variable; on a value of another
	// type it returns what it wants, with s at that value.
	read func(s *scanner) (want string)
}

// StringSetting binds key to a string.
func StringSetting(key string, p *string) Setting {
	return Setting{key, func(s *scanner) string {
		v, ok := s.string()
		if !ok {
			return "a string"
		}
		*p = v
		return ""
	}}
}

// StringsSetting binds key to an array of strings.
func StringsSetting(key string, p *[]string) Setting {
	return Setting{key, func(s *scanner) string {
		if s.ws(); s.data[s.i] != '[' {
			return "an array of strings"
		}
		v := []string{}
		want := ""
		s.elements(func() bool {
			str, ok := s.string()
			if !ok {
				want = "a string"
			}
			v = append(v, str)
			return ok
		})
		if want == "" {
			*p = v
		}
		return want
	}}
}

// IntSetting binds key to an integer.
func IntSetting(key string, p *int) Setting {
	return Setting{key, func(s *scanner) string {
		if s.ws(); s.data[s.i] == 'n' || !setInt(s, p, strconv.IntSize) {
			return "an integer"
		}
		return ""
	}}
}

// BoolSetting binds key to a boolean.
func BoolSetting(key string, p *bool) Setting {
	return Setting{key, func(s *scanner) string {
		v, ok := s.bool()
		if !ok {
			return "a boolean"
		}
		*p = v
		return ""
	}}
}

// StringMapSetting binds key to a table of strings.
func StringMapSetting(key string, p *map[string]string) Setting {
	return Setting{key, func(s *scanner) string {
		if s.ws(); s.data[s.i] != '{' {
			return "a table"
		}
		v := map[string]string{}
		want := ""
		s.object(func(k []byte) bool {
			str, ok := s.string()
			if !ok {
				want = "a string"
			}
			v[string(k)] = str
			return ok
		})
		if want == "" {
			*p = v
		}
		return want
	}}
}

// describe names the kind of the JSON value at s the way a configuration's
// author thinks of it, as Decode's errors do: "a string", "a table"…; a
// number that is not an integer is shown as it is when an integer was
// wanted.
func (s *scanner) describe(integer bool) string {
	s.ws()
	switch s.data[s.i] {
	case '"':
		return "a string"
	case '{':
		return "a table"
	case '[':
		return "an array"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	start := s.i
	s.number()
	if integer {
		return string(s.data[start:s.i])
	}
	return "a number"
}

// Decode stores the settings in the value pointed to by v, usually a struct
// whose fields carry json tags naming the settings keys. Fields the user did
// not set keep their value, so defaults can be set before calling Decode;
// but a slice is decoded into its backing array, so give a slice default
// after Decode (when the field is still nil), never a shared slice before it.
// Empty or absent settings leave v untouched.
//
// Decode is strict, because a typo in a configuration file should not pass
// silently: a key that v has no field for is an error, and so is a value of
// the wrong type. Errors name the offending key in the configuration's terms,
// for example
//
//	setting "keywords": want an array of strings, got a string
//	unknown setting "keywrods"
//
// Use encoding/json directly on the bytes for lenient decoding.
func (s Settings) Decode(v any) error {
	data := bytes.TrimSpace(s)
	if len(data) == 0 || string(data) == "null" {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		return nil
	}
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr) && typeErr.Field == "":
		return &settingsError{fmt.Sprintf("settings: want %s, got %s",
			describeType(typeErr.Type, false), describeValue(typeErr.Value)), err}
	case errors.As(err, &typeErr):
		return &settingsError{fmt.Sprintf("setting %q: want %s, got %s",
			typeErr.Field, describeType(typeErr.Type, false), describeValue(typeErr.Value)), err}
	case errors.As(err, &syntaxErr), errors.Is(err, io.ErrUnexpectedEOF):
		return &settingsError{"settings: invalid JSON: " + err.Error(), err}
	}
	// encoding/json reports unknown keys only as text.
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return &settingsError{"unknown setting " + name, err}
	}
	return &settingsError{"settings: " + strings.TrimPrefix(err.Error(), "json: "), err}
}

// settingsError is a Decode failure: a message in the configuration's terms,
// wrapping encoding/json's error.
type settingsError struct {
	msg string
	err error
}

func (e *settingsError) Error() string { return e.msg }
func (e *settingsError) Unwrap() error { return e.err }

// describeType names t the way a TOML configuration's author thinks of it:
// "a string", "an array of integers", "a table".
func describeType(t reflect.Type, plural bool) string {
	if t == nil {
		return "a value"
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	noun := ""
	switch t.Kind() {
	case reflect.String:
		noun = "string"
	case reflect.Bool:
		noun = "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		noun = "integer"
	case reflect.Float32, reflect.Float64:
		noun = "number"
	case reflect.Slice, reflect.Array:
		if plural {
			return "arrays"
		}
		return "an array of " + describeType(t.Elem(), true)
	case reflect.Map, reflect.Struct:
		noun = "table"
	default:
		if plural {
			return "values"
		}
		return "a value"
	}
	switch {
	case plural:
		return noun + "s"
	case noun == "integer" || noun == "array":
		return "an " + noun
	}
	return "a " + noun
}

// describeValue names the kind of JSON value encoding/json reports in
// UnmarshalTypeError.Value ("string", "number", "number 1.5", "object" …).
func describeValue(v string) string {
	switch v {
	case "string":
		return "a string"
	case "number":
		return "a number"
	case "bool":
		return "a boolean"
	case "array":
		return "an array"
	case "object":
		return "a table"
	}
	return strings.TrimPrefix(v, "number ")
}
