package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Peak memory of the server. The server's own peak is exact: the kernel's
// high-water mark, VmHWM. Children (efm-langserver runs a linter process
// per lint) live milliseconds, so their share is sampled: the largest sum of
// resident sizes over the server's process tree, every sampleEvery.

const sampleEvery = 20 * time.Millisecond

// vmHWM returns the peak resident set of pid in bytes, or 0.
func vmHWM(pid int) int64 { return statusKB(pid, "VmHWM:") * 1024 }

// statusKB reads a "Key:   N kB" line of /proc/PID/status.
func statusKB(pid int, key string) int64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, key); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return n
		}
	}
	return 0
}

// treeRSS returns the resident bytes of pid and all its descendants.
func treeRSS(pid int) int64 {
	var total int64
	page := int64(os.Getpagesize())
	var walk func(int)
	walk = func(p int) {
		if b, err := os.ReadFile("/proc/" + strconv.Itoa(p) + "/statm"); err == nil {
			if f := strings.Fields(string(b)); len(f) > 1 {
				n, _ := strconv.ParseInt(f[1], 10, 64)
				total += n * page
			}
		}
		tasks, _ := filepath.Glob("/proc/" + strconv.Itoa(p) + "/task/*/children")
		for _, t := range tasks {
			b, _ := os.ReadFile(t)
			for _, c := range strings.Fields(string(b)) {
				if cp, err := strconv.Atoi(c); err == nil {
					walk(cp)
				}
			}
		}
	}
	walk(pid)
	return total
}

// treeSampler records the peak of treeRSS until stopped.
type treeSampler struct {
	mu   sync.Mutex
	peak int64
	stop chan struct{}
	done chan struct{}
}

func sampleTree(pid int) *treeSampler {
	s := &treeSampler{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		t := time.NewTicker(sampleEvery)
		defer t.Stop()
		for {
			if n := treeRSS(pid); n > 0 {
				s.mu.Lock()
				s.peak = max(s.peak, n)
				s.mu.Unlock()
			}
			select {
			case <-s.stop:
				return
			case <-t.C:
			}
		}
	}()
	return s
}

// end stops sampling and returns the peak.
func (s *treeSampler) end() int64 {
	close(s.stop)
	<-s.done
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.peak
}
