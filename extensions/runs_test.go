package extensions

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/lsphost/lsphost/abi"
	"github.com/lsphost/lsphost/internal/wasmbuild"
)

// runsByHand is what the runs import answers, the plain way: every maximal
// run of bytes in the class, counted by its bytes, sorted.
func runsByHand(text []byte, in func(byte) bool) []textRun {
	first := map[string]int{}
	counts := map[string]int{}
	for i := 0; i < len(text); i++ {
		if !in(text[i]) || i > 0 && in(text[i-1]) {
			continue
		}
		j := i
		for j < len(text) && in(text[j]) {
			j++
		}
		if _, seen := first[string(text[i:j])]; !seen {
			first[string(text[i:j])] = i
		}
		counts[string(text[i:j])]++
	}
	var runs []textRun
	for _, run := range slices.Sorted(func(yield func(string) bool) {
		for run := range counts {
			if !yield(run) {
				return
			}
		}
	}) {
		runs = append(runs, textRun{start: uint32(first[run]), len: uint32(len(run)), count: uint32(counts[run])})
	}
	return runs
}

// FuzzDistinctRuns: the runs import's count is runsByHand's, for any text
// and any class.
func FuzzDistinctRuns(f *testing.F) {
	f.Add([]byte("foo bar foo baz\nbar foo"), uint64(0), uint64(0xffff_ffff_0000_0000))
	f.Add([]byte("a\xffb\xc3é日本 ab"), uint64(1<<' '), uint64(0))
	f.Add([]byte(""), ^uint64(0), ^uint64(0))
	f.Fuzz(func(t *testing.T, text []byte, lo, hi uint64) {
		var class [32]byte
		for b := range 64 {
			class[b/8] |= byte(lo>>b&1) << (b % 8)
			class[16+b/8] |= byte(hi>>b&1) << (b % 8) // bytes 128-191 from hi
		}
		in := func(b byte) bool { return class[b/8]>>(b%8)&1 != 0 }
		got, ok := distinctRuns(context.Background(), text, &class)
		if !ok {
			t.Fatalf("distinctRuns(%q): too many runs", text)
		}
		if want := runsByHand(text, in); !slices.Equal(got, want) {
			t.Fatalf("distinctRuns(%q) = %v, want %v", text, got, want)
		}
	})
}

// TestDistinctRunsLimits: more than abi.MaxRuns distinct runs are refused,
// exactly as many are counted, and a passed deadline stops a count that has
// more than a chunk to go, or a sort of more than a sort chunk's
// comparisons.
func TestDistinctRunsLimits(t *testing.T) {
	t.Parallel()
	var letters [32]byte
	for b := 'a'; b <= 'z'; b++ {
		letters[b/8] |= 1 << (b % 8)
	}
	var text []byte
	for i := range abi.MaxRuns { // i in base 26, in letters: each a distinct run
		word := []byte{'a' + byte(i%26)}
		for n := i / 26; n > 0; n /= 26 {
			word = append(word, 'a'+byte(n%26))
		}
		text = append(append(text, word...), ' ')
	}
	runs, ok := distinctRuns(context.Background(), text, &letters)
	if !ok || len(runs) != abi.MaxRuns {
		t.Fatalf("%d distinct runs: distinctRuns = %d runs, ok %v; want all counted", abi.MaxRuns, len(runs), ok)
	}
	if _, ok := distinctRuns(context.Background(), append(text, "zzzzzzzzzz"...), &letters); ok {
		t.Errorf("%d distinct runs: distinctRuns counted them, want them refused", abi.MaxRuns+1)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, c := range []struct {
		name string
		text []byte
	}{
		{"more than a chunk to count", bytes.Repeat([]byte("ab "), searchChunk)},
		{"less than a chunk, more than a sort chunk to sort", text[:40000]}, // ~8,000 runs
	} {
		func() {
			defer func() {
				if r := recover(); r != context.Canceled {
					t.Errorf("distinctRuns past its deadline, %s: recovered %v, want a panic (a trap) with %v", c.name, r, context.Canceled)
				}
			}()
			distinctRuns(ctx, c.text, &letters)
		}()
	}
}

// TestRunsInGuest: sdk.Runs in a Go guest, through the runs import, gives
// runsByHand's runs, also when there are more than the SDK makes room for
// at first (it calls again), and a range outside memory traps without
// taking the instance's next call with it.
func TestRunsInGuest(t *testing.T) {
	t.Parallel()
	ext := load(t, newHost(t, Options{}), testSpec("search", wasmbuild.Build(t, "testdata/guests/search")))
	ctx := testContext(t)
	letter := func(b byte) bool { return 'a' <= b && b <= 'z' }
	check := func(text string) {
		t.Helper()
		got, err := ext.Diagnostics(ctx, doc("runs\x00"+text))
		if err != nil {
			t.Fatalf("Runs(%.40q…): %v", text, err)
		}
		want := runsByHand([]byte(text), letter)
		if len(got) != len(want) {
			t.Fatalf("Runs(%.40q…) = %d runs, want %d", text, len(got), len(want))
		}
		for i, w := range want {
			g := got[i]
			if g.Start != 5+int(w.start) || g.End != g.Start+int(w.len) || g.Message != strconv.Itoa(int(w.count)) {
				t.Fatalf("Runs(%.40q…) run %d = [%d, %d) %s, want [%d, %d) %d", text, i, g.Start-5, g.End-5, g.Message, w.start, w.start+w.len, w.count)
			}
		}
	}
	check("")
	check("foo bar foo é日本 baz\nbar foo ")
	rng := rand.New(rand.NewPCG(1, 2))
	for range 50 {
		b := make([]byte, rng.IntN(400))
		for i := range b {
			b[i] = "ab \n\xc3"[rng.IntN(5)]
		}
		check(string(b))
	}
	var many strings.Builder // more distinct runs than the SDK's first call has room for
	for i := range 6000 {
		fmt.Fprintf(&many, "%s ", strings.Map(func(r rune) rune { return r - '0' + 'a' }, strconv.Itoa(i)))
	}
	check(many.String())

	_, err := ext.Diagnostics(ctx, doc("runs-oob"))
	if err == nil || !strings.Contains(err.Error(), "runs(0x0, 0, 0x0, 0xffffff00, 4096): a range outside memory") {
		t.Errorf("Diagnostics(runs-oob) = %v; want a trap naming runs and the range outside memory", err)
	}
	check("after the trap trap")
}
