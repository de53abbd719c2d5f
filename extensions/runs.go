package extensions

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"unsafe"

	"github.com/lsphost/lsphost/abi"
	"github.com/tetratelabs/wazero/api"
)

// hostRuns is the runs import: the distinct runs of a class of bytes in a
// range of the guest's memory, counted and sorted natively, for the SDK's
// Runs (RATIONALE.md, "Why does the host search for the guest?"). It
// grants nothing: it reads the caller's own memory and writes only the
// buffer the caller gave, once it has read everything else. A range
// outside memory traps, as an out-of-bounds access does.
func hostRuns(ctx context.Context, m api.Module, stack []uint64) {
	textPtr, textLen := api.DecodeU32(stack[0]), api.DecodeU32(stack[1])
	classPtr := api.DecodeU32(stack[2])
	outPtr, outCap := api.DecodeU32(stack[3]), api.DecodeU32(stack[4])
	mem := m.Memory()
	text, okText := mem.Read(textPtr, textLen)
	class, okClass := mem.Read(classPtr, 32)
	outLen := uint64(outCap) * abi.RunSize
	okOut := outLen <= math.MaxUint32
	var out []byte
	if okOut {
		out, okOut = mem.Read(outPtr, uint32(outLen))
	}
	if !okText || !okClass || !okOut || textLen > math.MaxInt32 {
		panic(fmt.Errorf("%s(%#x, %d, %#x, %#x, %d): a range outside memory of %d bytes, or a text of 2 GiB or more",
			abi.ImportRuns, textPtr, textLen, classPtr, outPtr, outCap, mem.Size()))
	}
	runs, ok := distinctRuns(ctx, text, (*[32]byte)(class))
	if !ok {
		stack[0] = api.EncodeI32(-1)
		return
	}
	if uint64(len(runs)) <= uint64(outCap) {
		for i, r := range runs {
			binary.LittleEndian.PutUint32(out[i*abi.RunSize:], r.start)
			binary.LittleEndian.PutUint32(out[i*abi.RunSize+4:], r.len)
			binary.LittleEndian.PutUint32(out[i*abi.RunSize+8:], r.count)
		}
	}
	stack[0] = api.EncodeI32(int32(len(runs)))
}

// textRun is a distinct run of a text: where it first occurs, its length,
// and how often it occurs.
type textRun struct{ start, len, count uint32 }

// distinctRuns returns the distinct maximal runs of bytes of class (a
// bitmap of byte values) in text, sorted by their bytes; ok is false if
// there are more than abi.MaxRuns. Like searchChunks it looks at the
// call's deadline every searchChunk bytes (and every sortChunk comparisons),
// and traps once it has passed.
func distinctRuns(ctx context.Context, text []byte, class *[32]byte) (runs []textRun, ok bool) {
	var in [256]bool
	for b := range in {
		in[b] = class[b/8]>>(b%8)&1 != 0
	}
	// The runs are keyed by their bytes in place: text does not change
	// during the call, and the map does not outlive it.
	seen := map[string]int{}
	next := searchChunk
	for i := 0; i < len(text); {
		if i >= next {
			if err := ctx.Err(); err != nil {
				panic(err)
			}
			next = i + searchChunk
		}
		if !in[text[i]] {
			i++
			continue
		}
		j := i + 1
		for j < len(text) && in[text[j]] {
			j++
		}
		key := unsafe.String(&text[i], j-i)
		if k, found := seen[key]; found {
			runs[k].count++
		} else if len(runs) == abi.MaxRuns {
			return nil, false
		} else {
			seen[key] = len(runs)
			runs = append(runs, textRun{start: uint32(i), len: uint32(j - i), count: 1})
		}
		i = j
	}
	// Runs that share long beginnings make the sort the longer part (2^18
	// runs of 512 bytes: a quarter of a second), so it looks too.
	compared := 0
	slices.SortFunc(runs, func(a, b textRun) int {
		if compared++; compared%sortChunk == 0 {
			if err := ctx.Err(); err != nil {
				panic(err)
			}
		}
		return bytes.Compare(text[a.start:a.start+a.len], text[b.start:b.start+b.len])
	})
	return runs, true
}

// sortChunk is how many comparisons distinctRuns's sort makes between looks
// at the call's deadline: at most a few milliseconds of them.
const sortChunk = 1 << 12
