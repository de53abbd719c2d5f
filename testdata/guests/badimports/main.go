// Command badimports is a hostile extension written against the raw ABI,
// without the SDK: it imports the host functions log and read_file with
// plain uint32 pointers and lengths and calls them with pointers outside its
// memory and lengths that wrap around. The host must neither crash nor trap
// it: a bad log call is ignored, a bad read_file call returns -3.
//
// Every diagnostics call makes the calls below and answers one hint whose
// message lists what read_file returned, so a test sees each outcome; it
// reads docs/a.txt, which a test grants and creates.
package main

import (
	"fmt"
	"runtime"
	"strings"
	"unsafe"
)

//go:wasmimport lsphost log
func hostLog(level, ptr, n uint32)

//go:wasmimport lsphost read_file
func hostReadFile(pathPtr, pathLen, bufPtr, bufCap uint32) int64

// outside is an address past the end of any linear memory a host allows
// (at most 4 GiB, and lsphost allows far less); with a length of
// 0xFFFFFFFF, pointer + length wraps around.
const outside = 0xFFFFFFF0

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
	switch {
	case strings.HasPrefix(req, `{"method":"initialize"`):
		output = []byte(`{"result":{"name":"badimports","features":["diagnostics"]}}`)
	case strings.HasPrefix(req, `{"method":"diagnostics"`):
		output = []byte(fmt.Sprintf(`{"result":{"diagnostics":[{"start":0,"end":4,"severity":4,"message":%q}]}}`, probe()))
	default:
		output = []byte(`{"error":{"message":"unknown method"}}`)
	}
	return uint64(addr(output))<<32 | uint64(len(output))
}

// probe calls the host functions with bad arguments, then good ones.
func probe() string {
	hostLog(1, outside, 0xFFFFFFFF) // outside memory, length wraps
	hostLog(1, outside, 16)         // outside memory
	path := []byte("docs/a.txt")
	buf := make([]byte, 64)
	badPath := hostReadFile(outside, 0xFFFFFFFF, addr(buf), uint32(len(buf)))
	badBuf := hostReadFile(addr(path), uint32(len(path)), outside, 0xFFFFFFFF)
	good := hostReadFile(addr(path), uint32(len(path)), addr(buf), uint32(len(buf)))
	content := ""
	if good >= 0 && good <= int64(len(buf)) {
		content = string(buf[:good])
	}
	msg := []byte("badimports: still alive")
	hostLog(0xFFFFFFFF, addr(msg), uint32(len(msg))) // an unknown level counts as info
	runtime.KeepAlive(path)
	runtime.KeepAlive(buf)
	runtime.KeepAlive(msg)
	return fmt.Sprintf("read_file: path outside memory %d, buffer outside memory %d, good %d %q", badPath, badBuf, good, content)
}

func addr(b []byte) uint32 { return uint32(uintptr(unsafe.Pointer(unsafe.SliceData(b)))) }

func main() {}
