package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lsphost/lsphost/internal/wasmbuild"
)

// session is the real binary started as an editor starts it.
type session struct {
	t      *testing.T
	cmd    *exec.Cmd
	in     io.WriteCloser
	frames chan json.RawMessage
	seen   []string    // frames received so far
	stray  chan string // bytes on stdout that are not a frame
	stderr strings.Builder
}

func startBinary(t *testing.T, root string, args ...string) *session {
	t.Helper()
	bin := buildLsphost(t)
	args = append([]string{"serve", "--config", filepath.Join(root, "no-user-config.toml")}, args...)
	cmd := exec.Command(bin, args...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "XDG_CACHE_HOME="+filepath.Join(wasmbuild.CacheDir(), "xdg"))
	s := &session{t: t, cmd: cmd, frames: make(chan json.RawMessage, 100), stray: make(chan string, 1)}
	cmd.Stderr = &s.stderr
	s.in, _ = cmd.StdinPipe()
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go s.read(out)
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		if t.Failed() {
			t.Logf("server stderr:\n%s", s.stderr.String())
		}
	})
	return s
}

// read parses stdout strictly as LSP frames; anything else is reported.
func (s *session) read(r io.Reader) {
	defer close(s.frames)
	br := bufio.NewReader(r)
	for {
		header, err := br.ReadString('\n')
		if err != nil && header == "" {
			// End of stream: EOF, or the pipe closed by cmd.Wait once the
			// process has exited.
			return
		}
		n, ok := strings.CutPrefix(header, "Content-Length: ")
		length, convErr := strconv.Atoi(strings.TrimSpace(n))
		blank, _ := br.ReadString('\n')
		if !ok || convErr != nil || blank != "\r\n" {
			s.stray <- header + blank
			return
		}
		body := make([]byte, length)
		if _, err := io.ReadFull(br, body); err != nil {
			s.stray <- "truncated frame"
			return
		}
		if !json.Valid(body) {
			s.stray <- string(body)
			return
		}
		s.frames <- body
	}
}

func (s *session) send(msg string) {
	fmt.Fprintf(s.in, "Content-Length: %d\r\n\r\n%s", len(msg), msg)
}

// await returns the first frame received containing want, waiting for it
// if need be, and fails on stray output.
func (s *session) await(want string) string {
	s.t.Helper()
	for _, f := range s.seen {
		if strings.Contains(f, want) {
			return f
		}
	}
	timeout := time.After(60 * time.Second)
	for {
		select {
		case f, ok := <-s.frames:
			if !ok {
				s.t.Fatalf("server closed stdout while waiting for %q", want)
			}
			s.seen = append(s.seen, string(f))
			if strings.Contains(string(f), want) {
				return string(f)
			}
		case junk := <-s.stray:
			s.t.Fatalf("stdout carried something that is not an LSP frame: %q", junk)
		case <-timeout:
			s.t.Fatalf("timed out waiting for %q", want)
		}
	}
}

// exitCode waits for the process to end and returns its exit code.
func (s *session) exitCode() int {
	s.t.Helper()
	done := make(chan struct{})
	go func() { s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		s.t.Fatal("server did not exit")
	}
	return s.cmd.ProcessState.ExitCode()
}

const initialize = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"processId":null,"capabilities":{}}}`

func TestExitCodes(t *testing.T) {
	tests := []struct {
		name     string
		messages []string
		want     int
	}{
		{"shutdown then exit", []string{initialize, `{"jsonrpc":"2.0","id":2,"method":"shutdown"}`, `{"jsonrpc":"2.0","method":"exit"}`}, 0},
		{"exit without shutdown", []string{initialize, `{"jsonrpc":"2.0","method":"exit"}`}, 1},
		{"stdin closed", []string{initialize}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := startBinary(t, t.TempDir())
			for _, m := range tt.messages {
				s.send(m)
			}
			s.await(`"id":1`)
			s.in.Close()
			if got := s.exitCode(); got != tt.want {
				t.Errorf("exit code = %d, want %d", got, tt.want)
			}
		})
	}
}

// TestStdoutCarriesOnlyFrames runs an extension that prints to its stdout
// and stderr and logs: the LSP stream must stay clean, and the lines must
// reach the log and window/logMessage instead.
func TestStdoutCarriesOnlyFrames(t *testing.T) {
	root := t.TempDir()
	wasm := wasmbuild.Build(t, "testdata/guests/chatty")
	config := fmt.Sprintf("[extensions.chatty]\nwasm = %q\n", wasm)
	if err := os.WriteFile(filepath.Join(root, ".lsphost.toml"), []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	logFile := filepath.Join(t.TempDir(), "lsphost.log")
	s := startBinary(t, root, "--log-file", logFile, "--log-level", "info")
	s.send(fmt.Sprintf(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"processId":null,"rootUri":"file://%s","capabilities":{}}}`, root))
	s.await(`"id":1`)
	s.send(`{"jsonrpc":"2.0","method":"initialized","params":{}}`)
	s.send(fmt.Sprintf(`{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file://%s/a.txt","languageId":"plaintext","version":1,"text":"hello"}}}`, root))
	s.await("chatty was here")
	for _, want := range []string{"chatty stdout: Content-Length: 2", "chatty stderr", "chatty log: 5 bytes"} {
		s.await(`"method":"window/logMessage","params":{"message":"[chatty] ` + want)
	}
	s.send(`{"jsonrpc":"2.0","id":2,"method":"shutdown"}`)
	s.await(`"id":2`)
	s.send(`{"jsonrpc":"2.0","method":"exit"}`)
	if code := s.exitCode(); code != 0 {
		t.Errorf("exit code = %d, want 0", code)
	}
	select {
	case junk := <-s.stray:
		t.Fatalf("stdout carried something that is not an LSP frame: %q", junk)
	default:
	}
	log, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"chatty stderr", "chatty log: 5 bytes", "extension=chatty"} {
		if !strings.Contains(string(log), want) {
			t.Errorf("log file lacks %q:\n%s", want, log)
		}
	}
}

// TestSignalStopsServer: clients such as Vim's ALE stop the server with
// SIGTERM; it must exit at once and say so in its log.
func TestSignalStopsServer(t *testing.T) {
	logFile := filepath.Join(t.TempDir(), "lsphost.log")
	s := startBinary(t, t.TempDir(), "--log-file", logFile)
	s.send(initialize)
	s.await(`"id":1`)
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := s.exitCode(); code != 1 {
		t.Errorf("exit code after SIGTERM = %d, want 1", code)
	}
	if log, _ := os.ReadFile(logFile); !strings.Contains(string(log), "stopped by signal") {
		t.Errorf("log after SIGTERM lacks a last line:\n%s", log)
	}
}
