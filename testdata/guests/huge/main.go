// Command huge is a hostile extension written against the raw ABI, without
// the SDK (which refuses to send a response over the host's limit): every
// diagnostics call builds a well-formed response of 100 MiB in its memory
// and returns it. The host must refuse it by its length, without reading it.
package main

import (
	"strings"
	"unsafe"
)

// size is the length of every diagnostics response.
const size = 100 << 20

var (
	input  []byte
	output []byte // the last response, kept alive until the next call
)

//go:wasmexport lsphost_abi_version
func abiVersion() int32 { return 1 }

//go:wasmexport lsphost_alloc
func alloc(size int32) uint32 {
	input = make([]byte, max(size, 1))
	return addr(input)
}

//go:wasmexport lsphost_call
func call(ptr, jsonLen, textLen uint32) uint64 {
	req := string(input[:jsonLen])
	output = nil
	switch {
	case strings.HasPrefix(req, `{"method":"initialize"`):
		output = []byte(`{"result":{"name":"huge","features":["diagnostics"]}}`)
	case strings.HasPrefix(req, `{"method":"diagnostics"`):
		output = hugeResponse()
	default:
		output = []byte(`{"error":{"message":"unknown method"}}`)
	}
	return uint64(addr(output))<<32 | uint64(len(output))
}

// hugeResponse is one diagnostic whose message makes the response size
// bytes long.
func hugeResponse() []byte {
	const head, tail = `{"result":{"diagnostics":[{"start":0,"end":1,"message":"`, `"}]}}`
	b := make([]byte, size)
	copy(b, head)
	pad := b[len(head) : size-len(tail)]
	pad[0] = 'x'
	for n := 1; n < len(pad); n *= 2 {
		copy(pad[n:], pad[:n])
	}
	copy(b[size-len(tail):], tail)
	return b
}

func addr(b []byte) uint32 { return uint32(uintptr(unsafe.Pointer(unsafe.SliceData(b)))) }

func main() {}
