//go:build !linux

package extensions

import "os"

// lastUsed is when a cache file was last written, in Unix nanoseconds.
func lastUsed(info os.FileInfo) int64 { return info.ModTime().UnixNano() }
