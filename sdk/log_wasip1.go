//go:build wasip1

package sdk

// hostLog is the host's log function; a string parameter is passed as the
// (ptr i32, len i32) pair the ABI specifies.
//
//go:wasmimport lsphost log
//go:noescape
func hostLog(level int32, msg string)

func writeLog(level LogLevel, msg string) { hostLog(int32(level), msg) }
