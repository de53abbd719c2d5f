package extensions

import (
	"strings"
	"testing"
	"time"
)

func TestMatchGlob(t *testing.T) {
	tests := []struct {
		pattern, name string
		want          bool
	}{
		// Literal paths match only themselves.
		{"main.go", "main.go", true},
		{"main.go", "main.gox", false},
		{"main.go", "src/main.go", false}, // anchored at the root
		{"src/main.go", "src/main.go", true},
		{"src/main.go", "main.go", false},

		// "*" and "?" stay within one segment.
		{"*.go", "main.go", true},
		{"*.go", ".go", true},
		{"*.go", "src/main.go", false},
		{"*", "README", true},
		{"*", "a/b", false},
		{"src/*.go", "src/main.go", true},
		{"src/*.go", "src/sub/main.go", false},
		{"*/main.go", "src/main.go", true},
		{"*/main.go", "a/b/main.go", false},
		{"?.go", "a.go", true},
		{"?.go", "ab.go", false},
		{"?.go", "é.go", true}, // one character, two bytes
		{"a?c", "a/c", false},

		// Character classes.
		{"[a-z].txt", "q.txt", true},
		{"[a-z].txt", "Q.txt", false},
		{"[^a-z].txt", "Q.txt", true},
		{"file[0-9][0-9].log", "file42.log", true},
		{"file[0-9][0-9].log", "file4.log", false},
		{"[a-z]", "/", false},
		{`\*.go`, "*.go", true},
		{`\*.go`, "main.go", false},

		// "**" at the start: any depth, including none.
		{"**/*.md", "a.md", true},
		{"**/*.md", "docs/a.md", true},
		{"**/*.md", "docs/x/y/a.md", true},
		{"**/*.md", "docs/a.txt", false},
		{"**/vendor/**", "vendor/x.go", true},
		{"**/vendor/**", "a/b/vendor/c/d.go", true},
		{"**/vendor/**", "a/vendored/x.go", false},

		// "**" in the middle.
		{"docs/**/*.md", "docs/a.md", true},
		{"docs/**/*.md", "docs/x/a.md", true},
		{"docs/**/*.md", "docs/x/y/z.md", true},
		{"docs/**/*.md", "other/docs/a.md", false},
		{"docs/**/*.md", "docs/x/y/z.txt", false},
		{"docs/**/*.md", "docsx/a.md", false},
		{"a/**/b/**/c", "a/b/c", true},
		{"a/**/b/**/c", "a/x/b/y/z/c", true},
		{"a/**/b/**/c", "a/x/c", false},

		// "**" at the end: everything below, at any depth.
		{"docs/**", "docs/a.md", true},
		{"docs/**", "docs/x/y/z.md", true},
		{"docs/**", "other/a.md", false},
		{"docs/**", "docsx/a.md", false},

		// "**" alone matches everything.
		{"**", "a", true},
		{"**", "a/b/c.go", true},
		{"**/**", "a/b", true},

		// "**" inside a segment is two "*": it does not cross "/".
		{"a**", "abc", true},
		{"a**", "a/b", false},
		{"src/**.go", "src/a/b.go", false},

		// Invalid patterns match nothing.
		{"[", "[", false},
		{"src/[a-", "src/a", false},
		{`a\`, `a\`, false},
	}
	for _, tt := range tests {
		if got := MatchGlob(tt.pattern, tt.name); got != tt.want {
			t.Errorf("MatchGlob(%q, %q) = %v, want %v", tt.pattern, tt.name, got, tt.want)
		}
	}
}

func TestCheckGlob(t *testing.T) {
	tests := []struct {
		pattern string
		wantErr string // "" for a valid pattern
	}{
		{"*.go", ""},
		{"**", ""},
		{"**/*.md", ""},
		{"docs/**/*.md", ""},
		{"src/[a-z]?.go", ""},
		{`\[literal\].txt`, ""},
		{"a**b", ""},
		{"", "must be a non-empty workspace-relative path"},
		{"/etc/passwd", "must be a non-empty workspace-relative path"},
		{"/**", "must be a non-empty workspace-relative path"},
		{"[", `glob "[": syntax error in pattern`},
		{"src/[a-", `glob "src/[a-": syntax error in pattern`},
		{"**/[]", `glob "**/[]": syntax error in pattern`},
		{`trailing\`, "syntax error in pattern"},
		{"ok/*.go/[^]", "syntax error in pattern"},
	}
	for _, tt := range tests {
		err := checkGlob(tt.pattern)
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("checkGlob(%q) = %v, want nil", tt.pattern, err)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("checkGlob(%q) = %v, want an error containing %q", tt.pattern, err, tt.wantErr)
		}
	}
}

// TestMatchGlobManyDoubleStars checks that matching stays fast for patterns
// with many "**" segments. A files glob can come from a workspace's own
// configuration, so a backtracking matcher that takes exponential time in
// the number of "**" would let a cloned repository hang the server on every
// document it routes.
func TestMatchGlobManyDoubleStars(t *testing.T) {
	// 13 pattern segments against 41 path segments: a few hundred segment
	// matches for a dynamic-programming matcher, about a second for
	// backtracking (and hours with a few more "**").
	pattern := strings.Repeat("**/a/", 6) + "**/b"
	name := strings.Repeat("a/", 40) + "c"
	done := make(chan bool, 1)
	go func() { done <- MatchGlob(pattern, name) }()
	select {
	case got := <-done:
		if got {
			t.Errorf("MatchGlob(%q, %q) = true, want false", pattern, name)
		}
	case <-time.After(500 * time.Millisecond):
		// The goroutine is left to finish on its own: there is no way to stop it.
		t.Fatalf("MatchGlob(%q, %q) still running after 500ms, want a matcher linear in pattern × path segments", pattern, name)
	}
}

// FuzzMatchGlob checks properties that hold for every valid pattern p and
// path n:
//   - a path without metacharacters, used as its own pattern, matches itself;
//   - "**" matches every path;
//   - if p matches n, so do "**/"+p and p+"/**", and "dir/"+p matches "dir/"+n;
//   - MatchGlob never matches with an invalid pattern.
func FuzzMatchGlob(f *testing.F) {
	f.Add("docs/**/*.md", "docs/x/y/z.md")
	f.Add("*.go", "main.go")
	f.Add("[a-z]?/**", "q1/a/b")
	f.Add("a/**/b", "a/b")
	f.Add("[", "[")
	f.Add(`\*`, "*")
	f.Fuzz(func(t *testing.T, p, n string) {
		// Keep the search small: this fuzz target is about results, and
		// TestMatchGlobManyDoubleStars about time.
		if len(p) > 64 || len(n) > 64 || strings.Count(p, "**") > 3 || strings.Count(n, "/") > 12 {
			return
		}
		if n != "" && !strings.ContainsAny(n, `*?[\`) && !MatchGlob(n, n) {
			t.Errorf("MatchGlob(%q, %q) = false, want true for a literal pattern", n, n)
		}
		if n != "" && !MatchGlob("**", n) {
			t.Errorf("MatchGlob(%q, %q) = false, want true", "**", n)
		}
		valid := checkGlob(p) == nil
		if !MatchGlob(p, n) {
			return
		}
		if !valid && p != "" && !strings.HasPrefix(p, "/") {
			t.Errorf("MatchGlob(%q, %q) = true for a pattern checkGlob rejects", p, n)
		}
		for _, q := range [][2]string{{"**/" + p, n}, {p + "/**", n}, {"dir/" + p, "dir/" + n}} {
			if !MatchGlob(q[0], q[1]) {
				t.Errorf("MatchGlob(%q, %q) = true but MatchGlob(%q, %q) = false", p, n, q[0], q[1])
			}
		}
	})
}
