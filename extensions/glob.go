package extensions

import (
	"fmt"
	"path"
	"strings"
)

// checkGlob reports whether pattern is a valid files glob.
func checkGlob(pattern string) error {
	if pattern == "" || strings.HasPrefix(pattern, "/") {
		return fmt.Errorf("glob %q must be a non-empty workspace-relative path", pattern)
	}
	for _, seg := range strings.Split(pattern, "/") {
		if seg == "**" {
			continue
		}
		if _, err := path.Match(seg, ""); err != nil {
			return fmt.Errorf("glob %q: %w", pattern, err)
		}
	}
	return nil
}

// MatchGlob reports whether the slash-separated relative path name matches
// pattern. Patterns are anchored at the workspace root; "*", "?" and "[…]"
// match within one path segment as in path.Match, and a "**" segment matches
// any number of segments, so "**/*.md" matches Markdown files at any depth.
func MatchGlob(pattern, name string) bool {
	return matchSegments(strings.Split(pattern, "/"), strings.Split(name, "/"))
}

func matchSegments(pat, name []string) bool {
	for len(pat) > 0 {
		if pat[0] == "**" {
			for i := 0; i <= len(name); i++ {
				if matchSegments(pat[1:], name[i:]) {
					return true
				}
			}
			return false
		}
		if len(name) == 0 {
			return false
		}
		if ok, _ := path.Match(pat[0], name[0]); !ok {
			return false
		}
		pat, name = pat[1:], name[1:]
	}
	return len(name) == 0
}
