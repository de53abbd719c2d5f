package extensions

import (
	"os"
	"syscall"
)

// lastUsed is when a cache file was last read or written, in Unix
// nanoseconds: wazero reads a module's file without writing it, so its
// modification time is when it was compiled. The access time is kept by
// the kernel to the day under the usual relatime (not at all under
// noatime, where the modification time is what remains).
func lastUsed(info os.FileInfo) int64 {
	mod := info.ModTime().UnixNano()
	if st, ok := info.Sys().(*syscall.Stat_t); ok {
		return max(mod, st.Atim.Nano())
	}
	return mod
}
