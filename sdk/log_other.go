//go:build !wasip1

package sdk

import "log"

func writeLog(level LogLevel, msg string) {
	name := "debug"
	switch level {
	case LogError:
		name = "error"
	case LogWarning:
		name = "warning"
	case LogInfo:
		name = "info"
	}
	log.Printf("%s: %s", name, msg)
}
