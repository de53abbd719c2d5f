//go:build wasip1

package sdk

import (
	"math"
	"runtime"
	"unsafe"

	"github.com/lsphost/lsphost/abi"
)

// Buffers shared with the host. Each is referenced from here for as long as
// the host may touch it, so that the guest's GC cannot free it.
var (
	// input is the buffer returned by the last lsphost_alloc, until the
	// lsphost_call that consumes it.
	input []byte
	// output is the last response, which the host reads after lsphost_call
	// returns; it is replaced by the next call.
	output []byte
)

// maxReusedOutput is the largest response buffer kept for the next call.
// Reusing it saves an allocation and its growth per call; a buffer grown
// for one huge response is given back to the GC instead.
const maxReusedOutput = 1 << 20

// lsphost_call calls runtime.Gosched before it returns. In a reactor no
// goroutine but the caller ever runs, so without it the GC's background
// workers never run either and linear memory grows with every call
// (FINDINGS.md: 452 MiB after 200 calls with 1 MB inputs, 14 MiB with it;
// TestGoGuestMemoryStaysBounded in extensions checks it). Once per request
// is enough: each Gosched costs a call about 10 µs under the host's
// preemption checks, and yielding in lsphost_alloc as well kept memory no
// lower.

//go:wasmexport lsphost_abi_version
func exportABIVersion() int32 {
	return abi.Version
}

// exportAlloc returns a new buffer for the next call's input, or 0 for a
// size that cannot be a buffer. The buffer is never reused: lsphost_call
// hands the text to the handlers without copying it (Document.Text aliases
// the buffer), and a handler may keep that string. The alternative, one
// reused buffer and a copy of the text per call, measured the same on 1 KB
// to 1 MB documents (a fresh allocation is zeroed; a copy is a memmove), but
// holds two copies of the text during a call and keeps the largest buffer
// ever needed alive for good, while a fresh buffer is garbage once its
// request is done. An allocation beyond the memory limit is fatal to a Go
// guest (the instance traps, and the host replaces it).
//
//go:wasmexport lsphost_alloc
func exportAlloc(size uint32) uint32 {
	input = nil // the previous buffer, if never used, is garbage now
	if size > math.MaxInt32 {
		return 0
	}
	input = make([]byte, max(size, 1)) // never 0: 0 means failure
	return addr(input)
}

//go:wasmexport lsphost_call
func exportCall(ptr, jsonLen, textLen uint32) uint64 {
	defer runtime.Gosched()
	buf := input
	input = nil // from here on the buffer belongs to this request
	// The previous response has been read: its buffer is reused, unless
	// it is large enough to be worth giving back.
	reuse := output[:0]
	if cap(reuse) > maxReusedOutput {
		reuse = nil
	}
	output = nil
	output = handleInput(reuse, buf, ptr, jsonLen, textLen)
	return abi.PackResult(addr(output), uint32(len(output)))
}

// handleInput checks that the host wrote the request into the buffer it
// allocated, and handles it.
func handleInput(dst, buf []byte, ptr, jsonLen, textLen uint32) []byte {
	if err := checkInput(addr(buf), len(buf), ptr, jsonLen, textLen); err != nil {
		return errorResponse(err)
	}
	text := ""
	if textLen > 0 {
		text = unsafe.String(&buf[jsonLen], textLen)
	}
	return handleInto(dst, registered, buf[:jsonLen], text)
}

// addr is the linear-memory address of b's first byte.
func addr(b []byte) uint32 {
	return uint32(uintptr(unsafe.Pointer(unsafe.SliceData(b))))
}
