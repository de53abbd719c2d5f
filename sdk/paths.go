package sdk

import (
	"net/url"
	"path"
	"strings"
)

// root is the file URI of the folder ReadFile paths are relative to, as the
// host sent it with initialize (abi.Request.Root); "" without a read grant.
var root string

// RelPath returns the slash path of a document, given its URI, relative to
// the folder that [ReadFile] and [ReadDir] paths are relative to (the
// folder of the configuration that declared the extension). ok is false
// when the URI is not a file inside that folder, or when the extension has
// no read grant (the host tells the folder only to extensions that can
// read it).
//
// Natively (in tests) the folder is the current directory, as for ReadFile,
// unless the test's initialize request says otherwise.
func RelPath(uri string) (rel string, ok bool) {
	base := root
	if base == "" {
		base = nativeRoot()
	}
	if base == "" {
		return "", false
	}
	bp, ok1 := filePath(base)
	up, ok2 := filePath(uri)
	if !ok1 || !ok2 {
		return "", false
	}
	// Editors differ in how they escape and spell a Windows drive: compare
	// decoded paths, the drive letter case-insensitively.
	bp, up = strings.TrimSuffix(path.Clean(bp), "/"), path.Clean(up)
	if len(bp) >= 3 && len(up) >= 3 && bp[2] == ':' && strings.EqualFold(bp[:3], up[:3]) {
		up = bp[:3] + up[3:]
	}
	rel, ok = strings.CutPrefix(up, bp+"/")
	if !ok || rel == "" {
		return "", false
	}
	return rel, true
}

// filePath returns the decoded path of a file URI, as url.Parse gives it
// (the authority, query and fragment left out; "" for an opaque URI such as
// file:a); ok is false for another scheme or a bad escape in the path.
// url.Parse itself would link fmt into the module, through its error type.
func filePath(uri string) (p string, ok bool) {
	if len(uri) < 5 || !strings.EqualFold(uri[:5], "file:") {
		return "", false
	}
	p = uri[5:]
	if i := strings.IndexByte(p, '#'); i >= 0 {
		p = p[:i]
	}
	if i := strings.IndexByte(p, '?'); i >= 0 {
		p = p[:i]
	}
	if rest, ok := strings.CutPrefix(p, "//"); ok {
		p = ""
		if i := strings.IndexByte(rest, '/'); i >= 0 {
			p = rest[i:]
		}
	} else if !strings.HasPrefix(p, "/") {
		return "", true
	}
	p, err := url.PathUnescape(p)
	return p, err == nil
}
