package sdk

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
)

// Settings is the extension's settings table from the user's configuration
// ([extensions.NAME.settings] in TOML), as a JSON object. It is empty when
// the user set nothing.
type Settings []byte

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
