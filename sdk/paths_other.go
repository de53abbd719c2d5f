//go:build !wasip1

package sdk

import (
	"net/url"
	"os"
	"path/filepath"
)

// nativeRoot is the current directory as a file URI: natively ReadFile
// reads relative to it.
func nativeRoot() string {
	wd, err := os.Getwd()
	if err != nil {
		return ""
	}
	p := filepath.ToSlash(wd)
	if p[0] != '/' {
		p = "/" + p
	}
	return (&url.URL{Scheme: "file", Path: p}).String()
}
