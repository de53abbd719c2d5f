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
	b, err1 := url.Parse(base)
	u, err2 := url.Parse(uri)
	if err1 != nil || err2 != nil || u.Scheme != "file" || b.Scheme != "file" {
		return "", false
	}
	// Editors differ in how they escape and spell a Windows drive: compare
	// decoded paths, the drive letter case-insensitively.
	bp, up := strings.TrimSuffix(path.Clean(b.Path), "/"), path.Clean(u.Path)
	if len(bp) >= 3 && len(up) >= 3 && bp[2] == ':' && strings.EqualFold(bp[:3], up[:3]) {
		up = bp[:3] + up[3:]
	}
	rel, ok = strings.CutPrefix(up, bp+"/")
	if !ok || rel == "" {
		return "", false
	}
	return rel, true
}
