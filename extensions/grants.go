package extensions

import (
	"crypto/rand"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/sys"
)

// Grants are the capabilities an extension gets beyond computing on what it
// is sent. The zero value grants nothing: no files, no environment, a fixed
// wall clock, a monotonic clock of millisecond resolution (coarseNanotime)
// and deterministic randomness. See SECURITY.md.
type Grants struct {
	// Read lists directories, relative to the configuration file's folder
	// (the workspace root for a workspace configuration), that the extension
	// may read, read-only. Each is mounted at "/" + the path in the guest
	// and readable through the read_file host function; nothing outside
	// them is reachable, symbolic links included.
	Read []string
	// Env lists environment variables the extension may see.
	Env []string
	// Clock gives the real wall and monotonic clocks (and sleep).
	Clock bool
	// Random gives real randomness instead of a fixed sequence.
	Random bool

	base string // the folder Read is relative to
}

// Grant kinds, as named in configuration and policy.
const (
	GrantRead   = "read"
	GrantEnv    = "env"
	GrantClock  = "clock"
	GrantRandom = "random"
)

var grantKinds = []string{GrantRead, GrantEnv, GrantClock, GrantRandom}

// Kinds lists the grant kinds g uses.
func (g Grants) Kinds() []string {
	var kinds []string
	if len(g.Read) > 0 {
		kinds = append(kinds, GrantRead)
	}
	if len(g.Env) > 0 {
		kinds = append(kinds, GrantEnv)
	}
	if g.Clock {
		kinds = append(kinds, GrantClock)
	}
	if g.Random {
		kinds = append(kinds, GrantRandom)
	}
	return kinds
}

// without returns g with the grant kind removed.
func (g Grants) without(kind string) Grants {
	switch kind {
	case GrantRead:
		g.Read = nil
	case GrantEnv:
		g.Env = nil
	case GrantClock:
		g.Clock = false
	case GrantRandom:
		g.Random = false
	}
	return g
}

// grants parses an [extensions.NAME.grants] table.
func (p *parser) grants(prim toml.Primitive, key string) (Grants, error) {
	g := Grants{base: p.dir}
	var fields map[string]toml.Primitive
	if err := p.decodeTable(prim, &fields); err != nil {
		return g, errors.New("must be a table, e.g. [" + key + "]")
	}
	var errs []error
	for _, f := range sortedKeys(fields) {
		v := fields[f]
		var err error
		switch f {
		case GrantRead:
			if err = p.md.PrimitiveDecode(v, &g.Read); err == nil {
				for i, dir := range g.Read {
					if g.Read[i], err = grantedDir(dir); err != nil {
						break
					}
				}
			}
		case GrantEnv:
			err = p.md.PrimitiveDecode(v, &g.Env)
			for _, name := range g.Env {
				if name == "" || strings.ContainsAny(name, "=\x00") {
					err = fmt.Errorf("%q is not an environment variable name", name)
				}
			}
		case GrantClock:
			err = p.md.PrimitiveDecode(v, &g.Clock)
		case GrantRandom:
			err = p.md.PrimitiveDecode(v, &g.Random)
		default:
			err = fmt.Errorf("unknown grant (known: %s); nothing else can be granted", strings.Join(grantKinds, ", "))
		}
		if err != nil {
			p.fail(v, key+"."+f, err)
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return g, errAlreadyReported
	}
	return g, nil
}

// errAlreadyReported marks a key whose problems were reported one by one.
var errAlreadyReported = errors.New("already reported")

// grantedDir validates a read grant: a relative path that stays inside the
// configuration's folder. It returns the path in slash form, cleaned.
func grantedDir(dir string) (string, error) {
	clean := path.Clean(strings.TrimSuffix(filepath.ToSlash(dir), "/"))
	if dir == "" || !filepath.IsLocal(filepath.FromSlash(clean)) {
		return "", fmt.Errorf("%q must be a relative path inside the configuration's folder (no \"..\", not absolute)", dir)
	}
	return clean, nil
}

// mounts opens the granted directories. A directory that does not exist is
// skipped: the extension sees nothing there, as without the grant.
func (g Grants) mounts() ([]mount, error) {
	var ms []mount
	for _, dir := range g.Read {
		if dir == "." {
			dir = ""
		}
		root, err := os.OpenRoot(filepath.Join(g.base, filepath.FromSlash(dir)))
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read grant %q: %w", dir, err)
		}
		ms = append(ms, mount{dir: dir, root: root})
	}
	return ms, nil
}

// mount is one granted directory. os.Root confines every access to the
// directory, symbolic links and ".." included.
type mount struct {
	dir  string // slash path relative to the grants' base, "" for the base itself
	root *os.Root
}

// moduleConfig applies the grants to an instance's configuration.
func (g Grants) moduleConfig(cfg wazero.ModuleConfig, mounts []mount) wazero.ModuleConfig {
	if len(mounts) > 0 {
		fsc := wazero.NewFSConfig()
		for _, m := range mounts {
			fsc = fsc.WithFSMount(m.root.FS(), "/"+m.dir)
		}
		cfg = cfg.WithFSConfig(fsc)
	}
	for _, name := range g.Env {
		if v, ok := os.LookupEnv(name); ok {
			cfg = cfg.WithEnv(name, v)
		}
	}
	if g.Clock {
		cfg = cfg.WithSysWalltime().WithSysNanotime().WithSysNanosleep()
	} else {
		cfg = cfg.WithNanotime(coarseNanotime(), sys.ClockResolution(coarseTick))
	}
	if g.Random {
		cfg = cfg.WithRandSource(rand.Reader)
	}
	return cfg
}

// coarseTick is the resolution of the monotonic clock of an extension
// without the clock grant.
const coarseTick = time.Millisecond

// coarseNanotime is the monotonic clock of an extension without the clock
// grant: the time since its instance started, in whole milliseconds, and a
// nanosecond more at each reading, so that no two readings are equal.
// wazero's fixed clock, 1 ms more at each reading, gave a Go guest's
// garbage collector no idea of elapsed time, and its collections paced
// themselves so badly that 780 appends of a struct with strings took 1.4
// ms instead of 0.6 (RATIONALE.md, "Why does a guest without the clock
// grant see a coarse clock?").
func coarseNanotime() sys.Nanotime {
	start := time.Now()
	// An instance runs on one goroutine at a time, not always the same.
	var last atomic.Int64
	return func() int64 {
		t := max(time.Since(start).Truncate(coarseTick).Nanoseconds(), last.Load()+1)
		last.Store(t)
		return t
	}
}

// rootURI is the file URI of the folder read grants are relative to, for
// an extension that has one (abi.Request.Root), else "".
func (g Grants) rootURI() string {
	if len(g.Read) == 0 || g.base == "" {
		return ""
	}
	abs, err := filepath.Abs(g.base)
	if err != nil {
		return ""
	}
	p := filepath.ToSlash(abs)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // a Windows drive: file:///C:/w
	}
	return (&url.URL{Scheme: "file", Path: p}).String()
}

// open opens name, a slash path relative to the grants' base, if a read
// grant covers it.
func openGranted(mounts []mount, name string) (*os.File, error) {
	name = path.Clean(strings.TrimPrefix(name, "/"))
	for _, m := range mounts {
		rel, ok := name, m.dir == ""
		if !ok {
			rel, ok = strings.CutPrefix(name, m.dir+"/")
		}
		if ok && filepath.IsLocal(rel) {
			return m.root.Open(filepath.FromSlash(rel))
		}
	}
	return nil, errNotGranted
}

var errNotGranted = errors.New("not covered by the extension's read grant")
