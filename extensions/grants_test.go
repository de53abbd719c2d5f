package extensions

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lsphost/lsphost/abi"
	"github.com/lsphost/lsphost/internal/wasmbuild"
)

// probe runs the grants guest on one probe line and returns its message.
func probe(t *testing.T, ext *Extension, line string) string {
	t.Helper()
	diags, err := ext.Diagnostics(testContext(t), doc(line))
	if err != nil || len(diags) != 1 {
		t.Fatalf("probe %q = %+v, %v; want one result", line, diags, err)
	}
	return diags[0].Message
}

func TestClockAndRandomGrants(t *testing.T) {
	t.Parallel()
	h := newHost(t, Options{})
	wasm := wasmbuild.Build(t, "testdata/guests/grants")
	spec := testSpec("grants", wasm)
	denied1, denied2 := load(t, h, spec), load(t, h, spec)
	spec.Grants = Grants{Clock: true, Random: true}
	granted1, granted2 := load(t, h, spec), load(t, h, spec)

	if got := probe(t, denied1, "clock"); got != "real=false" {
		t.Errorf("clock without a grant: %s, want the fixed sandbox clock", got)
	}
	// Without the grant the monotonic clock still follows real time (at a
	// millisecond's resolution): waiting 30 ms by it takes 30 ms, less the
	// part of a millisecond that the first reading was rounded down.
	start := time.Now()
	got := probe(t, denied1, "wait 30")
	if elapsed := time.Since(start); elapsed < 30*time.Millisecond-coarseTick {
		t.Errorf("waiting 30 ms by the monotonic clock without a grant took %s (%s), want the time to pass", elapsed, got)
	}
	if got := probe(t, granted1, "clock"); got != "real=true" {
		t.Errorf("clock with a grant: %s, want the real clock", got)
	}
	if a, b := probe(t, denied1, "random"), probe(t, denied2, "random"); a != b {
		t.Errorf("random without a grant differs between instances (%s, %s), want the fixed sequence", a, b)
	}
	if a, b := probe(t, granted1, "random"), probe(t, granted2, "random"); a == b {
		t.Errorf("random with a grant repeats (%s), want real randomness", a)
	}
}

// TestCoarseNanotime: the monotonic clock of an extension without the clock
// grant is the time since its instance started, rounded down to the
// millisecond, and a nanosecond more at each reading.
func TestCoarseNanotime(t *testing.T) {
	t.Parallel()
	start := time.Now()
	clock := coarseNanotime()
	last := int64(0)
	for readings := int64(1); readings <= 5000; readings++ {
		v := clock()
		switch {
		case v <= last:
			t.Fatalf("reading %d = %d after %d: want a later time", readings, v, last)
		case time.Duration(v-readings) > time.Since(start):
			t.Fatalf("reading %d = %d, more than %s since the start and a nanosecond per reading", readings, v, time.Since(start))
		case time.Duration(v)%coarseTick > time.Duration(readings):
			t.Fatalf("reading %d = %d: want whole milliseconds and at most a nanosecond per reading", readings, v)
		}
		last = v
	}
	time.Sleep(3 * coarseTick)
	if v := clock(); time.Duration(v) < 3*coarseTick {
		t.Errorf("after sleeping %s the clock reads %s, want real time to pass", 3*coarseTick, time.Duration(v))
	}
}

func TestReadGrantConfinesToFolder(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "docs"), 0o755)
	os.WriteFile(filepath.Join(dir, "docs", "a.md"), []byte("inside"), 0o644)
	os.WriteFile(filepath.Join(dir, "secret.txt"), []byte("outside"), 0o644)
	os.Symlink(filepath.Join(dir, "secret.txt"), filepath.Join(dir, "docs", "abs-link"))
	os.Symlink("../secret.txt", filepath.Join(dir, "docs", "rel-link"))
	spec := testSpec("grants", wasmbuild.Build(t, "testdata/guests/grants"))
	spec.Grants = Grants{Read: []string{"docs"}, base: dir}
	ext := load(t, newHost(t, Options{}), spec)
	tests := []struct{ probe, want string }{
		{"read docs/a.md", `ok: "inside"`},
		{"open /docs/a.md", `ok: "inside"`},
		{"read secret.txt", "not covered"},
		{"read docs/../secret.txt", "not covered"},
		{"read docs/abs-link", "not covered"},
		{"read docs/rel-link", "not covered"},
		{"open /docs/abs-link", "error"},
		{"open /docs/rel-link", "error"},
		{"open /docs/../secret.txt", "error"},
		{"read " + filepath.Join(dir, "secret.txt"), "not covered"},
	}
	for _, tt := range tests {
		if got := probe(t, ext, tt.probe); !strings.Contains(got, tt.want) || strings.Contains(got, "outside") {
			t.Errorf("probe %q = %s, want %q", tt.probe, got, tt.want)
		}
	}
}

func TestPolicyApply(t *testing.T) {
	spec := Spec{Name: "x", File: "/w/.lsphost.toml", Line: 3, Memory: 1 << 30, Timeout: time.Minute,
		Grants: Grants{Read: []string{"docs"}, Env: []string{"TOKEN"}, Clock: true}}
	got, load, errs := DefaultPolicy.Apply(spec)
	if !load || got.Memory != DefaultPolicy.MaxMemory || got.Timeout != DefaultPolicy.MaxTimeout {
		t.Errorf("Apply = load %v, memory %d, timeout %s; want loaded, clamped to %d and %s", load, got.Memory, got.Timeout, DefaultPolicy.MaxMemory, DefaultPolicy.MaxTimeout)
	}
	if got.Grants.Env != nil || !got.Grants.Clock || len(got.Grants.Read) != 1 {
		t.Errorf("Apply grants = %+v, want env refused, read and clock kept", got.Grants)
	}
	keys := map[string]bool{}
	for _, err := range errs {
		var ce *ConfigError
		if !errors.As(err, &ce) || !strings.Contains(ce.Error(), "set policy.") {
			t.Errorf("refusal %v does not name the policy key to change", err)
			continue
		}
		keys[ce.Key] = true
	}
	for _, k := range []string{"extensions.x.memory", "extensions.x.timeout", "extensions.x.grants.env"} {
		if !keys[k] {
			t.Errorf("no refusal reported for %s (got %v)", k, keys)
		}
	}
	for _, mode := range []string{"none", "pinned"} {
		p := DefaultPolicy
		p.WorkspaceExtensions = mode
		if _, load, errs := p.Apply(spec); load || len(errs) != 1 {
			t.Errorf("Apply under %q = load %v, %v; want refused with one reason", mode, load, errs)
		}
	}
	spec.SHA256 = strings.Repeat("a", 64)
	p := DefaultPolicy
	p.WorkspaceExtensions = "pinned"
	if _, load, _ := p.Apply(spec); !load {
		t.Errorf("Apply under \"pinned\" refused a pinned extension")
	}
}

func TestLoadPolicyFailsClosed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.toml")
	os.WriteFile(path, []byte("[policy]\nworkspace_extensions = \"al\"\nworkspace_grants = [\"read\", \"net\"]\nmax_memory = \"lots\"\nmax_timeout = \"2s\"\n"), 0o644)
	p, found, errs := LoadPolicy(path)
	if !found || len(errs) != 3 {
		t.Fatalf("LoadPolicy = found %v, %d errors %v; want found with 3 errors", found, len(errs), errs)
	}
	if p.WorkspaceExtensions != "none" || p.WorkspaceGrants != nil || p.MaxMemory != minMemory || p.MaxTimeout != 2*time.Second {
		t.Errorf("LoadPolicy with typos = %+v, want the strictest value for each broken key and max_timeout 2s", p)
	}
	for _, err := range errs {
		var ce *ConfigError
		if !errors.As(err, &ce) || ce.Line == 0 || !strings.HasPrefix(ce.Key, "policy.") {
			t.Errorf("policy error %v lacks a line or a policy key", err)
		}
	}
	if p, found, errs := LoadPolicy(filepath.Join(t.TempDir(), "none.toml")); found || errs != nil || p.WorkspaceExtensions != DefaultPolicy.WorkspaceExtensions {
		t.Errorf("LoadPolicy(missing) = %+v, %v, %v; want the default policy", p, found, errs)
	}
}

func TestGrantConfigErrors(t *testing.T) {
	for _, tt := range []struct{ grants, key string }{
		{`read = ["../up"]`, "extensions.a.grants.read"},
		{`read = ["/abs"]`, "extensions.a.grants.read"},
		{`net = true`, "extensions.a.grants.net"},
		{`env = ["A=B"]`, "extensions.a.grants.env"},
		{`clock = "yes"`, "extensions.a.grants.clock"},
	} {
		specs, errs := ParseConfig("/w/.lsphost.toml", []byte("[extensions.a]\nwasm = \"a.wasm\"\n[extensions.a.grants]\n"+tt.grants+"\n"))
		var ce *ConfigError
		if len(specs) != 0 || len(errs) != 1 || !errors.As(errs[0], &ce) || ce.Key != tt.key || ce.Line != 4 {
			t.Errorf("ParseConfig(grants %s) = %d specs, %v; want one error at line 4, key %s", tt.grants, len(specs), errs, tt.key)
		}
	}
}

// TestCooldownThenOff: an extension that keeps failing is switched off for
// a cool-down that doubles, retried after it, and after maxSwitchOffs
// switch-offs without a success it stays off.
func TestCooldownThenOff(t *testing.T) {
	t.Parallel()
	var retries []time.Duration
	h := newHost(t, Options{Cooldown: 50 * time.Millisecond, OnDisable: func(_ string, _ error, retry time.Duration) {
		retries = append(retries, retry)
	}})
	spec := testSpec("loop", wasmbuild.Build(t, "testdata/guests/loop"))
	spec.Timeout = 20 * time.Millisecond
	ext := load(t, h, spec)
	for round := 1; round <= maxSwitchOffs; round++ {
		for range maxFailures {
			if _, err := ext.Diagnostics(testContext(t), doc("x")); !errors.Is(err, ErrTimeout) {
				t.Fatalf("round %d: Diagnostics = %v, want a timeout", round, err)
			}
		}
		health := ext.Health()
		if round < maxSwitchOffs {
			if health.State != "cooling down" || !ext.Disabled() {
				t.Fatalf("round %d: Health = %+v, want cooling down", round, health)
			}
			if _, err := ext.Diagnostics(testContext(t), doc("x")); !errors.Is(err, ErrDisabled) {
				t.Fatalf("round %d: call while cooling down = %v, want ErrDisabled", round, err)
			}
			time.Sleep(time.Until(health.RetryAt)) // the condition is the retry time itself
			if ext.Disabled() {
				t.Fatalf("round %d: still disabled after its cool-down", round)
			}
		} else if health.State != "off" || !ext.Disabled() {
			t.Fatalf("after %d switch-offs: Health = %+v, want off", round, health)
		}
	}
	want := []time.Duration{50 * time.Millisecond, 100 * time.Millisecond, 0}
	if fmt.Sprint(retries) != fmt.Sprint(want) {
		t.Errorf("OnDisable retry delays = %v, want %v", retries, want)
	}
	// Calls refused while switched off never ran, so they are not counted.
	if h, n := ext.Health(), maxFailures*maxSwitchOffs; h.Timeouts != n || h.Calls != n || h.Failures != n {
		t.Errorf("Health counters = %+v, want %d calls, failures and timeouts", h, n)
	}
}

// TestLogFloodIsLimited: a guest logging in a loop is cut to maxLogLines a
// second, and the drop itself is reported.
func TestLogFloodIsLimited(t *testing.T) {
	var lines []string
	e := &Extension{spec: Spec{Name: "flood"}, host: &Host{opts: Options{OnLog: func(_ string, _ abi.LogLevel, msg string) {
		lines = append(lines, msg)
	}}}}
	start := time.Now()
	for i := range 1000 {
		if e.allowLog(start.Add(time.Duration(i) * time.Microsecond)) {
			e.deliverLog(abi.LogInfo, "spam")
		}
	}
	if len(lines) != maxLogLines {
		t.Fatalf("%d lines delivered in one second, want %d", len(lines), maxLogLines)
	}
	if !e.allowLog(start.Add(2 * time.Second)) {
		t.Fatal("logging still refused a second later")
	}
	if last := lines[len(lines)-1]; last != fmt.Sprintf("%d log lines dropped: more than %d a second", 1000-maxLogLines, maxLogLines) {
		t.Errorf("after a flood the log says %q, want the number of dropped lines", last)
	}
}
