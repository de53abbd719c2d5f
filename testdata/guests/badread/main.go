// Command badread is a hostile extension written against the raw ABI,
// without the SDK, in the one-call form (lsphost_handle): it misuses
// read_request as the document's text says. "oob": it reads the request a
// second time, to an address outside memory. "twice": it reads it twice and
// reports whether both copies are equal. Anything else gets one diagnostic
// over the whole text, whose message is the text.
package main

import (
	"strings"
	"unsafe"
)

var output []byte // the last response, kept alive until the next call

//go:wasmimport lsphost read_request
func readRequest(ptr uint32)

//go:wasmexport lsphost_abi_version
func abiVersion() int32 { return 1 }

//go:wasmexport lsphost_handle
func handle(jsonLen, textLen uint32) uint64 {
	buf := make([]byte, max(jsonLen+textLen, 1))
	readRequest(addr(buf))
	req, text := string(buf[:jsonLen]), string(buf[jsonLen:jsonLen+textLen])
	switch {
	case strings.HasPrefix(req, `{"method":"initialize"`):
		return respond(`{"result":{"name":"badread","features":["diagnostics"]}}`)
	case !strings.HasPrefix(req, `{"method":"diagnostics"`):
		return respond(`{"error":{"message":"unknown method"}}`)
	case text == "oob":
		readRequest(0xffffff00)
		return respond(`{"result":{"diagnostics":[]}}`)
	case text == "twice":
		again := make([]byte, len(buf))
		readRequest(addr(again))
		if string(again) != string(buf) {
			return diagnostic("different")
		}
		return diagnostic("same")
	}
	return diagnostic(text)
}

// diagnostic answers one diagnostic over the whole text (ASCII, no quotes).
func diagnostic(message string) uint64 {
	return respond(`{"result":{"diagnostics":[{"start":0,"end":` + itoa(len(message)) + `,"message":"` + message + `"}]}}`)
}

func itoa(n int) string {
	s := ""
	for {
		s = string(rune('0'+n%10)) + s
		if n /= 10; n == 0 {
			return s
		}
	}
}

func respond(s string) uint64 {
	output = []byte(s)
	return uint64(addr(output))<<32 | uint64(len(output))
}

func addr(b []byte) uint32 { return uint32(uintptr(unsafe.Pointer(unsafe.SliceData(b)))) }

func main() {}
