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
	pat, segs := strings.Split(pattern, "/"), strings.Split(name, "/")
	// ok[j] reports whether pat[i:] matches segs[j:], computed from the last
	// pattern segment backwards: linear in pattern × path, where naive
	// backtracking on "**" is exponential in their number.
	ok := make([]bool, len(segs)+1)
	ok[len(segs)] = true
	for i := len(pat) - 1; i >= 0; i-- {
		next := ok
		ok = make([]bool, len(segs)+1)
		if pat[i] == "**" {
			ok[len(segs)] = next[len(segs)]
			for j := len(segs) - 1; j >= 0; j-- {
				ok[j] = next[j] || ok[j+1]
			}
			continue
		}
		for j := len(segs) - 1; j >= 0; j-- {
			if next[j+1] {
				ok[j], _ = path.Match(pat[i], segs[j])
			}
		}
	}
	return ok[0]
}
