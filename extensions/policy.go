package extensions

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
)

// Policy is the user's ceiling over workspace configurations: a workspace
// config comes from a repository the user may not trust, so it can only
// narrow what the policy allows. It is read from the [policy] table of the
// user configuration; see SECURITY.md.
type Policy struct {
	// WorkspaceExtensions says which extensions a workspace may declare:
	// "all", "pinned" (only those with a sha256 pin) or "none".
	WorkspaceExtensions string
	// MaxMemory and MaxTimeout bound the memory and timeout a workspace
	// extension may set (and default to).
	MaxMemory  uint64
	MaxTimeout time.Duration
	// WorkspaceGrants lists the grant kinds a workspace may use.
	WorkspaceGrants []string

	File string // the user configuration, for messages
}

// DefaultPolicy applies when the user configuration has no [policy]: a
// workspace may load its extensions with its own limits up to these, and
// grant them reading its own files, the clock and randomness, but not the
// environment, where secrets live.
var DefaultPolicy = Policy{
	WorkspaceExtensions: "all",
	MaxMemory:           256 << 20,
	MaxTimeout:          5 * time.Second,
	WorkspaceGrants:     []string{GrantRead, GrantClock, GrantRandom},
}

// LoadPolicy reads the [policy] table of the configuration at path. found
// reports whether the file has one; without one the result is DefaultPolicy.
func LoadPolicy(path string) (policy Policy, found bool, errs []error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		policy = DefaultPolicy
		policy.File = path
		return policy, false, nil
	}
	if err != nil {
		return DefaultPolicy, false, []error{&ConfigError{File: path, Err: err}}
	}
	return LoadPolicyData(path, data)
}

// LoadPolicyData is LoadPolicy on a configuration's content.
func LoadPolicyData(path string, data []byte) (policy Policy, found bool, errs []error) {
	policy = DefaultPolicy
	policy.File = path
	var top map[string]toml.Primitive
	md, err := toml.Decode(string(data), &top)
	if err != nil {
		return policy, false, nil // ParseConfig reports syntax errors
	}
	prim, found := top["policy"]
	if !found {
		return policy, false, nil
	}
	p := parser{path: path, md: &md}
	var fields map[string]toml.Primitive
	if err := p.decodeTable(prim, &fields); err != nil {
		p.fail(prim, "policy", errors.New("must be a table: [policy]"))
		return policy, true, p.errs
	}
	for _, f := range sortedKeys(fields) {
		v, key := fields[f], "policy."+f
		var err error
		switch f {
		// An invalid value fails closed: the strictest setting of its key,
		// so that a typo in a policy never widens what workspaces may do.
		case "workspace_extensions":
			var s string
			err = p.md.PrimitiveDecode(v, &s)
			if err == nil && !slices.Contains([]string{"all", "pinned", "none"}, s) {
				err = fmt.Errorf("%q is not one of \"all\", \"pinned\", \"none\"; using \"none\"", s)
			}
			policy.WorkspaceExtensions = "none"
			if err == nil {
				policy.WorkspaceExtensions = s
			}
		case "max_memory":
			var raw any
			if err = p.md.PrimitiveDecode(v, &raw); err == nil {
				policy.MaxMemory, err = parseMemory(raw)
			}
			if err != nil {
				policy.MaxMemory = minMemory
			}
		case "max_timeout":
			var s string
			if err = p.md.PrimitiveDecode(v, &s); err == nil {
				policy.MaxTimeout, err = parseTimeout(s)
			}
			if err != nil {
				policy.MaxTimeout = time.Millisecond
			}
		case "workspace_grants":
			var kinds []string
			err = p.md.PrimitiveDecode(v, &kinds)
			for _, k := range kinds {
				if err == nil && !slices.Contains(grantKinds, k) {
					err = fmt.Errorf("%q is not a grant kind (known: %s); no grants allowed", k, strings.Join(grantKinds, ", "))
				}
			}
			policy.WorkspaceGrants = nil
			if err == nil {
				policy.WorkspaceGrants = kinds
			}
		default:
			err = errors.New("unknown key (known: workspace_extensions, max_memory, max_timeout, workspace_grants)")
		}
		if err != nil {
			p.fail(v, key, err)
		}
	}
	return policy, true, p.errs
}

// Apply narrows a workspace spec to the policy. It returns the spec to
// load, whether to load it at all, and one error per thing it refused,
// each naming the workspace key and the policy key that would allow it.
func (p Policy) Apply(spec Spec) (Spec, bool, []error) {
	userConfig := "the user configuration"
	if p.File != "" {
		userConfig += " (" + p.File + ")"
	}
	refuse := func(key, policyKey, format string, args ...any) error {
		return &ConfigError{File: spec.File, Line: spec.Line, Key: "extensions." + spec.Name + key,
			Err: fmt.Errorf(format+"; to allow it, set policy.%s in %s", append(args, policyKey, userConfig)...)}
	}
	switch {
	case p.WorkspaceExtensions == "none":
		return spec, false, []error{refuse("", "workspace_extensions", "not loaded: the user policy allows no workspace extensions")}
	case p.WorkspaceExtensions == "pinned" && spec.SHA256 == "":
		return spec, false, []error{refuse("", "workspace_extensions", "not loaded: the user policy allows only workspace extensions pinned with sha256")}
	}
	var errs []error
	if spec.Memory > p.MaxMemory {
		errs = append(errs, refuse(".memory", "max_memory", "%s is above the user policy's %s, which is used instead", FormatSize(spec.Memory), FormatSize(p.MaxMemory)))
		spec.Memory = p.MaxMemory
	}
	if spec.Timeout > p.MaxTimeout {
		errs = append(errs, refuse(".timeout", "max_timeout", "%s is above the user policy's %s, which is used instead", spec.Timeout, p.MaxTimeout))
		spec.Timeout = p.MaxTimeout
	}
	for _, kind := range spec.Grants.Kinds() {
		if !slices.Contains(p.WorkspaceGrants, kind) {
			errs = append(errs, refuse(".grants."+kind, "workspace_grants", "grant refused: the user policy does not let workspaces grant %q", kind))
			spec.Grants = spec.Grants.without(kind)
		}
	}
	return spec, true, errs
}

// FormatSize writes a byte count the way configurations spell it: "64MiB".
func FormatSize(n uint64) string {
	for _, u := range []struct {
		name string
		size uint64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if n >= u.size && n%u.size == 0 {
			return fmt.Sprintf("%d%s", n/u.size, u.name)
		}
	}
	return fmt.Sprintf("%d bytes", n)
}
