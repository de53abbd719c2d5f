//go:build wasip1

package sdk

import (
	"errors"
	"math"
	"runtime"
	"strconv"
	"unsafe"

	"github.com/lsphost/lsphost/abi"
)

// output is the last response, which the host reads after lsphost_handle
// returns; it is replaced by the next call. It is referenced from here for
// as long as the host may read it, so that the guest's GC cannot free it.
var output []byte

// maxReusedOutput is the largest response buffer kept for the next call.
// Reusing it saves an allocation and its growth per call; a buffer grown
// for one huge response is given back to the GC instead.
const maxReusedOutput = 1 << 20

// lsphost_handle calls runtime.Gosched before it returns. In a reactor no
// goroutine but the caller ever runs, so without it the GC's background
// workers never run either and linear memory grows with every call
// (FINDINGS.md: 452 MiB after 200 calls with 1 MB inputs, 14 MiB with it;
// TestGoGuestMemoryStaysBounded in extensions checks it). Once per request
// is enough: each Gosched costs a call about 10 µs under the host's
// preemption checks.

//go:wasmexport lsphost_abi_version
func exportABIVersion() int32 {
	return abi.Version
}

// readRequest is the host's read_request: it copies the request being
// handled, JSON and text, to ptr.
//
//go:wasmimport lsphost read_request
func readRequest(ptr uint32)

// exportHandle handles one request in one call from the host (ABI.md, "One
// call"). The request goes into a new buffer, never reused: the text is
// handed to the handlers without a copy (Document.Text aliases the buffer),
// and a handler may keep that string. A reused buffer and a copy of the
// text per call measured the same on 1 KB to 1 MB documents (a fresh
// allocation is zeroed; a copy is a memmove), but holds two copies of the
// text during a call and keeps the largest buffer ever needed alive for
// good, while a fresh buffer is garbage once its request is done. An
// allocation beyond the memory limit is fatal to a Go guest (the instance
// traps, and the host replaces it).
//
//go:wasmexport lsphost_handle
func exportHandle(jsonLen, textLen uint32) uint64 {
	defer runtime.Gosched()
	// The previous response has been read: its buffer is reused, unless
	// it is large enough to be worth giving back.
	reuse := output[:0]
	if cap(reuse) > maxReusedOutput {
		reuse = nil
	}
	output = nil
	if total := uint64(jsonLen) + uint64(textLen); total > math.MaxInt32 {
		output = errorResponse(errors.New(abi.ExportHandle + ": a request of " + strconv.FormatUint(total, 10) + " bytes is too large"))
	} else {
		buf := make([]byte, max(total, 1)) // never empty: it has an address
		readRequest(addr(buf))
		text := ""
		if textLen > 0 {
			text = unsafe.String(&buf[jsonLen], textLen)
		}
		output = handleInto(reuse, registered, buf[:jsonLen], text)
	}
	return abi.PackResult(addr(output), uint32(len(output)))
}

// addr is the linear-memory address of b's first byte.
func addr(b []byte) uint32 {
	return uint32(uintptr(unsafe.Pointer(unsafe.SliceData(b))))
}
