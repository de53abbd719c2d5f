package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lsphost/lsphost/internal/wasmbuild"
)

// vanishBound is how soon the server must exit once its client is gone,
// although a looping extension's calls would run for 5s more.
const vanishBound = 3 * time.Second

// vanishWorkspace has words and an extension whose every call loops until
// its 5s deadline, so requests stay in flight.
func vanishWorkspace(t *testing.T) string {
	root := t.TempDir()
	config := fmt.Sprintf("[extensions.words]\nwasm = %q\n[extensions.loop]\nwasm = %q\ntimeout = \"5s\"\n",
		wasmbuild.Example(t, "words"), wasmbuild.Build(t, "testdata/guests/loop"))
	if err := os.WriteFile(filepath.Join(root, ".lsphost.toml"), []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	return root
}

// busySession are the messages of a session that leaves a completion and a
// diagnostics run stuck in the looping extension, then asks for
// lsphost.status (id 3), whose answer says the completion is running.
func busySession(root string) []string {
	uri := "file://" + filepath.Join(root, "a.txt")
	return []string{
		fmt.Sprintf(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"processId":null,"rootUri":"file://%s","capabilities":{}}}`, root),
		`{"jsonrpc":"2.0","method":"initialized","params":{}}`,
		fmt.Sprintf(`{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":%q,"languageId":"plaintext","version":0,"text":"alpha al"}}}`, uri),
		fmt.Sprintf(`{"jsonrpc":"2.0","id":2,"method":"textDocument/completion","params":{"textDocument":{"uri":%q},"position":{"line":0,"character":8}}}`, uri),
		`{"jsonrpc":"2.0","id":3,"method":"workspace/executeCommand","params":{"command":"lsphost.status"}}`,
	}
}

// TestStdinClosedWithRequestsInFlight: the client closes the server's stdin
// while a completion is stuck in an extension. The server answers it
// (cancelled) and exits 1 promptly, without waiting for the extension.
func TestStdinClosedWithRequestsInFlight(t *testing.T) {
	root := vanishWorkspace(t)
	s := startBinary(t, root)
	for _, m := range busySession(root) {
		s.send(m)
	}
	s.await(`"id":3`)
	start := time.Now()
	s.in.Close()
	if r := s.await(`"id":2`); !strings.Contains(r, `"code":-32800`) {
		t.Errorf("completion in flight when stdin closed: %s, want RequestCancelled", r)
	}
	if code := s.exitCode(); code != 1 {
		t.Errorf("exit code %d, want 1", code)
	}
	if took := time.Since(start); took > vanishBound {
		t.Errorf("the server exited %s after stdin closed, want within %s", took.Round(time.Millisecond), vanishBound)
	}
}

// TestClientKilled: the editor is a real process, killed with requests in
// flight. Its ends of both pipes close at once; the server must exit
// promptly, with exit code 1 (not killed by SIGPIPE when it answers the
// cancelled requests on the closed stdout), and log why.
func TestClientKilled(t *testing.T) {
	root := vanishWorkspace(t)
	var script strings.Builder
	for _, m := range busySession(root) {
		fmt.Fprintf(&script, "Content-Length: %d\r\n\r\n%s", len(m), m)
	}
	requests := filepath.Join(root, "requests")
	output := filepath.Join(root, "output")
	if err := os.WriteFile(requests, []byte(script.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	// server stdin <- client stdout; client stdin <- server stdout.
	toServerR, toServerW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	fromServerR, fromServerW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	server := exec.Command(buildLsphost(t), "serve", "--config", filepath.Join(root, "no-user-config.toml"))
	server.Dir = root
	server.Env = append(os.Environ(), "XDG_CACHE_HOME="+filepath.Join(wasmbuild.CacheDir(), "xdg"))
	server.Stdin, server.Stdout = toServerR, fromServerW
	var stderr syncBuffer
	server.Stderr = &stderr
	// The client sends the session, then copies what it reads to a file,
	// keeping the server's stdin open (as fd 3) until it dies.
	client := exec.Command("sh", "-c", `exec 3>&1; cat "$0"; exec cat > "$1"`, requests, output)
	client.Stdin, client.Stdout = fromServerR, toServerW
	for _, cmd := range []*exec.Cmd{server, client} {
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	}
	// Only the two processes hold the pipes now.
	for _, f := range []*os.File{toServerR, toServerW, fromServerR, fromServerW} {
		f.Close()
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		out, _ := os.ReadFile(output)
		if strings.Contains(string(out), `"id":2`) {
			t.Fatalf("the completion was answered before the client was killed: stdin closed early?\n%s", out)
		}
		if strings.Contains(string(out), `"id":3`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no answer to lsphost.status from the server; it wrote:\n%s", out)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := client.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	exited := make(chan struct{})
	go func() { server.Wait(); close(exited) }()
	select {
	case <-exited:
	case <-time.After(30 * time.Second):
		t.Fatal("the server did not exit after its client was killed")
	}
	took := time.Since(start)
	if code := server.ProcessState.ExitCode(); code != 1 {
		t.Errorf("the server ended with %v after its client was killed, want exit code 1", server.ProcessState)
	}
	if log := stderr.String(); !strings.Contains(log, "the client closed the connection without exit") {
		t.Errorf("the server's log does not say why it stopped:\n%s", log)
	}
	if took > vanishBound {
		t.Errorf("the server exited %s after its client was killed, want within %s", took.Round(time.Millisecond), vanishBound)
	}
	t.Logf("the server exited %s after its client was killed: %v", took.Round(time.Microsecond), server.ProcessState)
}

// syncBuffer collects a process's stderr, read while exec's goroutine may
// still write to it.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
