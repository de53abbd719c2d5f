package main

import (
	"encoding/json"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lsphost/lsphost/internal/wasmbuild"
)

func TestExpectedTODOs(t *testing.T) {
	text := "TODO a\n🙂 TODO é TODO\r\nTODOS xTODO éTODO TODO_ (TODO)\nno"
	want := []span{
		{pos{0, 0}, pos{0, 4}},
		{pos{1, 3}, pos{1, 7}},   // 🙂 is two UTF-16 units
		{pos{1, 10}, pos{1, 14}}, // é is one
		{pos{2, 25}, pos{2, 29}},
	}
	if got := expectedTODOs(text); !slices.Equal(got, want) {
		t.Errorf("expectedTODOs(%q) =\n%v\nwant\n%v", text, got, want)
	}
}

// TestStormFinalTextIsUnique: only diagnostics computed from the storm's
// final text can match what the client expects for it.
func TestStormFinalTextIsUnique(t *testing.T) {
	for seed := range uint64(20) {
		r := rand.New(rand.NewPCG(seed, 1))
		text := genText(r, 50, 40)
		edits := genStorm(r, text, 50)
		if len(edits) != 50 {
			t.Fatalf("seed %d: %d edits, want 50", seed, len(edits))
		}
		final := expectedTODOs(edits[len(edits)-1].After)
		for i, e := range append([]edit{{After: text}}, edits[:len(edits)-1]...) {
			if slices.Equal(expectedTODOs(e.After), final) {
				t.Fatalf("seed %d: the text before edit %d has the final diagnostics", seed, i)
			}
		}
	}
}

// TestLintTODO runs the lint command efm-langserver is configured with.
func TestLintTODO(t *testing.T) {
	out := runTool(t, lintTODO, "🙂 TODO x  \nFIXME TODOS\n", "-keywords", "TODO,FIXME")
	want := "stdin:1:4:8:I:TODO x\nstdin:2:1:6:I:FIXME TODOS\n"
	if out != want {
		t.Errorf("lint-todo printed\n%s\nwant\n%s", out, want)
	}
}

func TestCompleteWords(t *testing.T) {
	out := runTool(t, completeWords, "parser parse pa\nparsing par é_x", "-pos", "1:10")
	if want := "parse\nparser\nparsing\n"; out != want {
		t.Errorf("complete-words printed\n%s\nwant\n%s", out, want)
	}
}

// runTool runs one of the commands efm-langserver is configured with.
func runTool(t *testing.T, tool func([]string, io.Reader, io.Writer) int, stdin string, args ...string) string {
	t.Helper()
	var out strings.Builder
	if code := tool(args, strings.NewReader(stdin), &out); code != 0 {
		t.Fatalf("%v: exit code %d", args, code)
	}
	return out.String()
}

// TestAgainstLsphost runs one small run against the real server with the
// todo and words extensions: every step must see the right diagnostics.
func TestAgainstLsphost(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "lsphost")
	build := exec.Command("go", "build", "-o", bin, "./cmd/lsphost")
	build.Dir = wasmbuild.Root()
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	wasm := filepath.Join(dir, "wasm")
	os.Mkdir(wasm, 0o755)
	for _, name := range []string{"todo", "words"} {
		b, err := os.ReadFile(wasmbuild.Example(t, name))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(wasm, name+".wasm"), b, 0o644)
	}
	o, err := parseFlags([]string{"-runs", "1", "-cold-runs", "0", "-warmup", "0", "-wasm", wasm,
		"-cache-dir", filepath.Join(wasmbuild.CacheDir(), "lspbench"), "-timeout", "30s",
		"-small-lines", "40", "-docs", "3", "-docs-lines", "40", "-large-lines", "500", "-completions", "5",
		"-scale-lines", "100,1000", "-server", "lsphost=" + bin + " serve"})
	if err != nil {
		t.Fatal(err)
	}
	var log strings.Builder
	servers, _, err := bench(o, &log)
	if err != nil {
		t.Fatal(err)
	}
	s := servers[0]
	if s.failed != nil {
		t.Fatalf("run failed: %v\nlog:\n%s", s.failed, log.String())
	}
	for _, name := range []string{mStartup, mFirstDiag, mStorm, mStormPublishes, mStormChanged, mMany, mLarge, mCompletion, mRSS, scaleMetric(100), scaleMetric(1000)} {
		if m := s.metrics[name]; m == nil || len(m.Samples) == 0 {
			t.Errorf("no %q measured", name)
		}
	}
	if n := s.metrics[mCompletion]; n != nil && len(n.Samples) != 5 {
		t.Errorf("%d completion samples, want 5", len(n.Samples))
	}
	for _, name := range []string{mStormWrongAfter, mCompletionWrong} {
		if m := s.metrics[name]; m == nil || m.Samples[0] != 0 {
			t.Errorf("%s: %v", name, m)
		}
	}
	r := buildReport(servers, servers[0], o.settings(), "")
	var js strings.Builder
	if err := writeJSON(&js, r); err != nil {
		t.Fatal(err)
	}
	var back report
	if err := json.Unmarshal([]byte(js.String()), &back); err != nil || len(back.Servers) != 1 || len(back.Servers[0].Metrics) == 0 {
		t.Errorf("JSON report does not read back (%v):\n%s", err, js.String())
	}
	var md strings.Builder
	writeMarkdown(&md, r, "lsphost")
	if !strings.Contains(md.String(), "| "+mFirstDiag+" | ms | 1 |") {
		t.Errorf("markdown lacks the first-diagnostics row:\n%s", md.String())
	}
}

// TestSilentServerFails: a server that never answers fails its run with an
// error naming the step, within the step's timeout.
func TestSilentServerFails(t *testing.T) {
	o, err := parseFlags([]string{"-runs", "1", "-cold-runs", "0", "-warmup", "0", "-timeout", "300ms",
		"-wasm", t.TempDir(), "-small-lines", "10", "-docs", "0", "-large-lines", "10", "-scale-lines", "", "--", "sleep", "30"})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	servers, _, err := bench(o, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if err := servers[0].failed; err == nil || !strings.Contains(err.Error(), "initialize: initialize: no reply within 300ms") {
		t.Errorf("failure = %v, want the initialize step named", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
}
