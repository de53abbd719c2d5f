package sdk

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
)

type testConfig struct {
	Keywords []string          `json:"keywords"`
	Max      int               `json:"max"`
	Ratio    float64           `json:"ratio"`
	Strict   bool              `json:"strict"`
	Nested   struct{ A []int } `json:"nested"`
	Labels   map[string]string `json:"labels"`
}

func TestSettingsDecode(t *testing.T) {
	var c testConfig
	s := Settings(`{"keywords":["A","B"],"max":3,"nested":{"A":[1,2]},"labels":{"x":"y"}}`)
	if err := s.Decode(&c); err != nil {
		t.Fatalf("Decode = %v", err)
	}
	if !reflect.DeepEqual(c.Keywords, []string{"A", "B"}) || c.Max != 3 || !reflect.DeepEqual(c.Nested.A, []int{1, 2}) || c.Labels["x"] != "y" {
		t.Errorf("Decode gave %+v", c)
	}
}

func TestSettingsDecodeEmpty(t *testing.T) {
	for _, s := range []string{"", "  ", "null", "{}"} {
		c := testConfig{Max: 7}
		if err := Settings(s).Decode(&c); err != nil || c.Max != 7 {
			t.Errorf("Settings(%q).Decode = %v, max %d, want nil and the default kept", s, err, c.Max)
		}
	}
}

func TestSettingsDecodeErrors(t *testing.T) {
	tests := []struct{ settings, want string }{
		{`{"keywords":"TODO"}`, `setting "keywords": want an array of strings, got a string`},
		{`{"keywords":["A",1]}`, `setting "keywords": want a string, got a number`},
		{`{"max":"3"}`, `setting "max": want an integer, got a string`},
		{`{"max":1.5}`, `setting "max": want an integer, got 1.5`},
		{`{"ratio":true}`, `setting "ratio": want a number, got a boolean`},
		{`{"strict":"yes"}`, `setting "strict": want a boolean, got a string`},
		{`{"nested":[]}`, `setting "nested": want a table, got an array`},
		{`{"nested":{"A":{}}}`, `setting "nested.A": want an array of integers, got a table`},
		{`{"labels":{"x":1}}`, `setting "labels": want a string, got a number`},
		{`{"keywrods":["A"]}`, `unknown setting "keywrods"`},
		{`["A"]`, `settings: want a table, got an array`},
		{`{"max":`, `settings: invalid JSON: unexpected EOF`},
		{`{"max" 1}`, `settings: invalid JSON: invalid character '1' after object key`},
	}
	for _, tt := range tests {
		var c testConfig
		err := Settings(tt.settings).Decode(&c)
		if err == nil || err.Error() != tt.want {
			t.Errorf("Settings(%s).Decode = %v, want %q", tt.settings, err, tt.want)
			continue
		}
		if errors.Unwrap(err) == nil {
			t.Errorf("Settings(%s).Decode = %v, want it to wrap encoding/json's error", tt.settings, err)
		}
	}
}

func TestSettingsDecodeTypeError(t *testing.T) {
	var typeErr *json.UnmarshalTypeError
	err := Settings(`{"max":"3"}`).Decode(&testConfig{})
	if !errors.As(err, &typeErr) || typeErr.Field != "max" {
		t.Errorf("Decode = %v, want a wrapped *json.UnmarshalTypeError for max", err)
	}
}

func TestDescribeType(t *testing.T) {
	tests := []struct {
		v    any
		want string
	}{
		{"", "a string"},
		{0, "an integer"},
		{uint8(0), "an integer"},
		{0.5, "a number"},
		{false, "a boolean"},
		{[]string{}, "an array of strings"},
		{[][]int{}, "an array of arrays"},
		{[2]bool{}, "an array of booleans"},
		{map[string]any{}, "a table"},
		{struct{}{}, "a table"},
		{new(int), "an integer"},
		{[]any{}, "an array of values"},
	}
	for _, tt := range tests {
		if got := describeType(reflect.TypeOf(tt.v), false); got != tt.want {
			t.Errorf("describeType(%T) = %q, want %q", tt.v, got, tt.want)
		}
	}
}

// readConfig is testConfig's settings that Read can bind, and the bindings.
type readConfig struct {
	Keywords []string          `json:"keywords"`
	Max      int               `json:"max"`
	Name     string            `json:"name"`
	Strict   bool              `json:"strict"`
	Labels   map[string]string `json:"labels"`
}

func (c *readConfig) settings() []Setting {
	return []Setting{StringsSetting("keywords", &c.Keywords), IntSetting("max", &c.Max),
		StringSetting("name", &c.Name), BoolSetting("strict", &c.Strict), StringMapSetting("labels", &c.Labels)}
}

func TestSettingsRead(t *testing.T) {
	c := readConfig{Max: 7, Name: "default", Labels: map[string]string{"old": "x"}}
	s := Settings(`{"keywords":["A","B\u00e9"],"max":-3,"strict":true,"labels":{"x":"y","z":""},"name":null}`)
	if err := s.Read(c.settings()...); err != nil {
		t.Fatalf("Read = %v", err)
	}
	want := readConfig{Keywords: []string{"A", "Bé"}, Max: -3, Name: "default", Strict: true, Labels: map[string]string{"x": "y", "z": ""}}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("Read gave %+v, want %+v", c, want)
	}
	if err := Settings(`{"keywords":[]}`).Read(c.settings()...); err != nil || c.Keywords == nil || len(c.Keywords) != 0 {
		t.Errorf("Read of an empty array = %v, keywords %#v; want an empty, non-nil slice", err, c.Keywords)
	}
}

func TestSettingsReadEmpty(t *testing.T) {
	for _, s := range []string{"", "  ", "null", "{}"} {
		c := readConfig{Max: 7}
		if err := Settings(s).Read(c.settings()...); err != nil || c.Max != 7 {
			t.Errorf("Settings(%q).Read = %v, max %d, want nil and the default kept", s, err, c.Max)
		}
	}
}

// TestSettingsReadErrors: Read's errors are Decode's.
func TestSettingsReadErrors(t *testing.T) {
	for _, settings := range []string{
		`{"keywords":"TODO"}`,
		`{"keywords":["A",1]}`,
		`{"max":"3"}`,
		`{"max":1.5}`,
		`{"max":1e3}`,
		`{"max":99999999999999999999}`,
		`{"max":[]}`,
		`{"name":{}}`,
		`{"strict":"yes"}`,
		`{"labels":[]}`,
		`{"labels":{"x":1}}`,
		`{"keywrods":["A"]}`,
		`["A"]`,
		`"A"`,
		`3`,
	} {
		var c readConfig
		readErr := Settings(settings).Read(c.settings()...)
		decodeErr := Settings(settings).Decode(&c)
		if readErr == nil || decodeErr == nil || readErr.Error() != decodeErr.Error() {
			t.Errorf("Settings(%s): Read = %v, Decode = %v; want the same error", settings, readErr, decodeErr)
		}
	}
	// Where they differ: Read's keys are case-sensitive, it refuses null in
	// an array, and its JSON errors do not quote encoding/json's.
	for _, tt := range []struct{ settings, want string }{
		{`{"keywords":["A",null]}`, `setting "keywords": want a string, got null`},
		{`{"Max":3}`, `unknown setting "Max"`},
		{`{"max":`, `settings: invalid JSON at byte 7`},
		{`{"max" 1}`, `settings: invalid JSON at byte 7`},
	} {
		var c readConfig
		if err := Settings(tt.settings).Read(c.settings()...); err == nil || err.Error() != tt.want {
			t.Errorf("Settings(%s).Read = %v, want %q", tt.settings, err, tt.want)
		}
	}
}
