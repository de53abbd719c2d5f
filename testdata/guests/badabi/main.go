// Command badabi speaks a future ABI: it exports the ABI's functions with the
// right signatures, without the SDK, but lsphost_abi_version returns 2. The
// host must refuse it at load time, naming both versions.
package main

import "unsafe"

var (
	input  []byte
	output = []byte(`{"result":{"features":["diagnostics"]}}`)
)

//go:wasmexport lsphost_abi_version
func abiVersion() int32 { return 2 }

//go:wasmexport lsphost_alloc
func alloc(size int32) uint32 {
	input = make([]byte, max(size, 1))
	return addr(input)
}

//go:wasmexport lsphost_call
func call(ptr, jsonLen, textLen uint32) uint64 {
	return uint64(addr(output))<<32 | uint64(len(output))
}

func addr(b []byte) uint32 { return uint32(uintptr(unsafe.Pointer(unsafe.SliceData(b)))) }

func main() {}
