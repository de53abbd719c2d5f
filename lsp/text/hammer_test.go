package text

import (
	"math/rand"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// TestHammerSnapshots edits a document in one goroutine while others read
// every snapshot it made so far, as diagnostics runs and completions read
// old versions while the editor types. Under -race it proves that an edit
// never writes to anything an older snapshot shares; the readers check that
// each snapshot still holds exactly its own text.
func TestHammerSnapshots(t *testing.T) {
	type version struct {
		snap *Snapshot
		text string
	}
	const edits, readers = 3000, 4
	pieces := []string{"a", "TODO", "\n", "\r\n", "\r", "😀", "漢字", "e\u0301", strings.Repeat("x", 100)}
	var (
		mu       sync.RWMutex
		versions = []version{{newWithChunkSize("start\n", 64), "start\n"}}
		done     atomic.Bool
		wg       sync.WaitGroup
		reads    atomic.Int64
	)
	for i := range readers {
		wg.Go(func() {
			r := rand.New(rand.NewSource(int64(i)))
			buf := make([]byte, 0, 1<<16)
			for !done.Load() || r.Intn(50) > 0 {
				mu.RLock()
				v := versions[r.Intn(len(versions))]
				mu.RUnlock()
				if got := v.snap.String(); got != v.text {
					t.Errorf("a snapshot changed after it was made: %q, want %q", got, v.text)
					return
				}
				buf = buf[:v.snap.Len()]
				if n := v.snap.CopyTo(buf); string(buf[:n]) != v.text {
					t.Errorf("CopyTo = %q, want %q", buf[:n], v.text)
					return
				}
				off := r.Intn(len(v.text) + 1)
				for _, enc := range []Encoding{UTF8, UTF16, UTF32} {
					back := v.snap.Offset(v.snap.Position(off, enc), enc)
					if back > off || off-back > 3 { // snapped back to a boundary at most
						t.Errorf("Offset(Position(%d)) = %d in %q", off, back, v.text)
						return
					}
				}
				reads.Add(1)
			}
		})
	}
	r := rand.New(rand.NewSource(99))
	cur := versions[0]
	for range edits {
		start := r.Intn(cur.snap.Len() + 1)
		end := min(cur.snap.Len(), start+r.Intn(20))
		ins := ""
		if cur.snap.Len() < 4000 {
			for range r.Intn(4) {
				ins += pieces[r.Intn(len(pieces))]
			}
		}
		rng := Range{Start: cur.snap.Position(start, UTF8), End: cur.snap.Position(end, UTF8)}
		s, e := cur.snap.Offset(rng.Start, UTF8), cur.snap.Offset(rng.End, UTF8)
		next := version{cur.snap.Edit(rng, ins, UTF8), cur.text[:s] + ins + cur.text[e:]}
		mu.Lock()
		versions = append(versions, next)
		mu.Unlock()
		cur = next
	}
	done.Store(true)
	wg.Wait()
	if got := cur.snap.String(); got != cur.text {
		t.Fatalf("final text %q, want %q", got, cur.text)
	}
	t.Logf("%d edits, %d concurrent reads", edits, reads.Load())
}
