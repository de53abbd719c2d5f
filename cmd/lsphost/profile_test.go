package main

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestCPUProfile: --cpuprofile writes a pprof profile when the session ends,
// by exit or by signal.
func TestCPUProfile(t *testing.T) {
	for _, bySignal := range []bool{false, true} {
		name := map[bool]string{false: "exit", true: "signal"}[bySignal]
		t.Run(name, func(t *testing.T) {
			prof := filepath.Join(t.TempDir(), "cpu.pprof")
			s := startBinary(t, t.TempDir(), "--cpuprofile", prof)
			s.send(initialize)
			s.await(`"id":1`)
			if bySignal {
				if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
					t.Fatal(err)
				}
			} else {
				s.send(`{"jsonrpc":"2.0","id":2,"method":"shutdown"}`)
				s.await(`"id":2`)
				s.send(`{"jsonrpc":"2.0","method":"exit"}`)
			}
			s.exitCode()
			b, err := os.ReadFile(prof)
			if err != nil {
				t.Fatal(err)
			}
			// pprof profiles are gzip-compressed protocol buffers.
			if len(b) < 2 || b[0] != 0x1f || b[1] != 0x8b {
				t.Errorf("profile = %d bytes starting %x, want a gzip stream", len(b), b[:min(len(b), 2)])
			}
		})
	}
}
