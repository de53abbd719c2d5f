package sdk

import "fmt"

// Log sends msg to the host's log at level, where it appears with the
// extension's name. Natively (in tests) it goes to the standard library's
// log package, hence to stderr unless log.SetOutput says otherwise. Logging
// never blocks and never fails.
func Log(level LogLevel, msg string) {
	writeLog(level, msg)
}

// Logf is Log with a message formatted in the manner of fmt.Printf. It
// links fmt into the module, which makes it ~0.5 MB larger; Log does not.
func Logf(level LogLevel, format string, args ...any) {
	writeLog(level, fmt.Sprintf(format, args...))
}
