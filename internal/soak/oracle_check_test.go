package soak

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"testing"

	"github.com/lsphost/lsphost/extensions"
	"github.com/lsphost/lsphost/internal/echosum"
)

// TestOracle pins the oracle to cases worked out by hand, so that a wrong
// oracle cannot agree with a wrong server.
func TestOracle(t *testing.T) {
	positions := []struct {
		text string
		off  int
		want position
	}{
		{"😀 漢字 TODO: x", 12, position{0, 6}}, // emoji: 2 units; CJK: 1 each
		{"a\r\nb\rc\nd", 3, position{1, 0}},
		{"a\r\nb\rc\nd", 5, position{2, 0}},
		{"a\r\nb\rc\nd", 7, position{3, 0}},
		{"e\u0301x", 3, position{0, 2}},
	}
	for _, tt := range positions {
		if got := positionOf(tt.text, tt.off); got != tt.want {
			t.Errorf("positionOf(%q, %d) = %v, want %v", tt.text, tt.off, got, tt.want)
		}
	}
	if got := boundary("a\r\nb", 2); got != 1 {
		t.Errorf("boundary inside \\r\\n = %d, want 1", got)
	}
	if got := boundary("😀", 2); got != 0 {
		t.Errorf("boundary inside an emoji = %d, want 0", got)
	}

	text := "x TODO y\r\nTODOS _TODO 中TODO FIXME: 😀漢 é"
	want := []string{
		`0:0-0:0 echo/4 "` + echosum.Of(text) + `"`,
		`0:2-0:6 todo/3 "TODO y"`,
		`1:12-1:13 wide/4 "1 wide"`, // 中, before a TODO that is no marker
		`1:18-1:23 todo/2 "FIXME: 😀漢 é"`,
		`1:25-1:28 wide/4 "2 wide"`,
		`1:29-1:30 wide/4 "1 wide"`,
	}
	slices.Sort(want)
	if got := expectedDiagnostics(config{wideEnabled: true, wideMinRun: 1}, "plaintext", text); !slices.Equal(got, want) {
		t.Errorf("expectedDiagnostics =\n%q\nwant\n%q", got, want)
	}
	// wide does not apply to go; TODO is not a keyword any more.
	want = []string{`0:0-0:0 echo/4 "` + echosum.Of(text) + `"`, `1:18-1:23 todo/2 "FIXME: 😀漢 é"`}
	slices.Sort(want)
	if got := expectedDiagnostics(config{todoKeywords: []string{"FIXME"}, wideEnabled: true, wideMinRun: 1}, "go", text); !slices.Equal(got, want) {
		t.Errorf("expectedDiagnostics for go with FIXME only =\n%q\nwant\n%q", got, want)
	}

	words := "alpha alphabet al 3rd _alps alpha"
	// Not "al" (the word being typed), "3rd" (a digit first) nor "_alps"
	// (whose prefix is "_al").
	if got, want := expectedWords(words, 17), []string{"alpha", "alphabet"}; !slices.Equal(got, want) {
		t.Errorf("expectedWords at \"al|\" = %q, want %q", got, want)
	}
}

// TestReloadConfigs checks that every configuration the reload step writes
// says what the oracle assumes, as lsphost reads it.
func TestReloadConfigs(t *testing.T) {
	s := &soak{t: t, root: t.TempDir(), exts: map[string]string{}}
	for _, name := range []string{"echo", "flaky", "todo", "wide", "words"} {
		s.exts[name] = filepath.Join(s.root, name+".wasm")
	}
	for _, v := range reloadVariants {
		s.cfg = v
		s.writeConfig()
		specs, errs := extensions.LoadConfig(filepath.Join(s.root, ".lsphost.toml"))
		if len(errs) > 0 {
			t.Fatalf("config for %+v: %v", v, errs)
		}
		for _, spec := range specs {
			var settings struct {
				Keywords []string `json:"keywords"`
				MinRun   int      `json:"minRun"`
			}
			json.Unmarshal(spec.Settings, &settings)
			switch spec.Name {
			case "todo":
				if !slices.Equal(settings.Keywords, v.todoKeywords) {
					t.Errorf("config for %+v: todo keywords %q", v, settings.Keywords)
				}
			case "wide":
				if spec.Enabled != v.wideEnabled || settings.MinRun != v.wideMinRun || !slices.Equal(spec.Languages, []string{"plaintext", "markdown"}) {
					t.Errorf("config for %+v: wide %+v, settings %s", v, spec, spec.Settings)
				}
			default:
				if !spec.Enabled {
					t.Errorf("config for %+v: %s disabled", v, spec.Name)
				}
			}
		}
	}
}
