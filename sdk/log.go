package sdk

import "fmt"

// Logf formats a message in the manner of fmt.Printf and sends it to the
// host's log at level, where it appears with the extension's name. Natively
// (in tests) it goes to the standard library's log package, hence to stderr
// unless log.SetOutput says otherwise. Logging never blocks and never fails.
func Logf(level LogLevel, format string, args ...any) {
	writeLog(level, fmt.Sprintf(format, args...))
}
