package sdk

import (
	"net/url"
	"testing"
)

// FuzzFilePath: filePath decodes a file URI's path as url.Parse does.
func FuzzFilePath(f *testing.F) {
	for _, uri := range []string{
		"file:///home/me/a%20b.md", "file://host/share/x.txt", "FILE:///C%3A/x", "file:///c:/x#frag",
		"file:///a?q=1", "file:rel/path", "file://", "file:///%zz", "http://x/y", "file:///a%2Fb", "file:",
		"file:///ü/%C3%BC", "file://h%20ost/p", "file:/abs",
	} {
		f.Add(uri)
	}
	f.Fuzz(func(t *testing.T, uri string) {
		got, ok := filePath(uri)
		u, err := url.Parse(uri)
		if err == nil && u.Scheme == "file" {
			if !ok || got != u.Path {
				t.Errorf("filePath(%q) = %q, %v; url.Parse gives path %q", uri, got, ok, u.Path)
			}
		} else if ok && err == nil {
			t.Errorf("filePath(%q) = %q, true; url.Parse gives scheme %q", uri, got, u.Scheme)
		}
	})
}
