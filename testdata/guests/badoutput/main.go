// Command badoutput is a hostile extension written against the raw ABI,
// without the SDK. It declares diagnostics and completion, and the whole
// document text names what it answers with (see the modes below): responses
// outside linear memory or over the size limit, broken JSON, and results
// whose offsets, severities, counts and strings the host must sanitize.
// lsphost_alloc misbehaves for large inputs: it returns an address outside
// memory for 1 to 2 MiB, and 0 (failure) for 2 MiB or more.
package main

import (
	"fmt"
	"strings"
	"unsafe"
)

var (
	input  []byte
	output []byte // the last response, kept alive until the next call
)

//go:wasmexport lsphost_abi_version
func abiVersion() int32 { return 1 }

//go:wasmexport lsphost_alloc
func alloc(size int32) uint32 {
	switch {
	case size >= 2<<20:
		return 0
	case size >= 1<<20:
		return 0xffffff00
	}
	input = make([]byte, max(size, 1))
	return addr(input)
}

//go:wasmexport lsphost_call
func call(ptr, jsonLen, textLen uint32) uint64 {
	req := string(input[:jsonLen])
	text := string(input[jsonLen : jsonLen+textLen])
	switch {
	case strings.HasPrefix(req, `{"method":"initialize"`):
		return respond(`{"result":{"name":"badoutput","features":["diagnostics","completion"],"triggerCharacters":[".", "", "ab", "."]}}`)
	case strings.HasPrefix(req, `{"method":"diagnostics"`):
		return diagnostics(text)
	case strings.HasPrefix(req, `{"method":"completion"`):
		return completion(text)
	}
	return respond(`{"error":{"message":"unknown method"}}`)
}

func diagnostics(mode string) uint64 {
	switch mode {
	case "ptr-outside":
		return 0xffff0000<<32 | 64
	case "ptr-wraps":
		return 0xfffffff0<<32 | 0x20
	case "len-outside":
		respond(`{"result":{"diagnostics":[]}}`)
		return uint64(addr(output))<<32 | 16<<20 // at the limit, past the end of memory
	case "len-over-limit":
		respond(`{"result":{"diagnostics":[]}}`)
		return uint64(addr(output))<<32 | (16<<20 + 1)
	case "zero":
		return 0
	case "invalid-json":
		return respond(`{"result":{"diagnostics":[{"start":1,`)
	case "neither":
		return respond(`{"other":1}`)
	case "null":
		return respond(`null`)
	case "wrong-shape":
		return respond(`{"result":{"diagnostics":"none"}}`)
	case "bad-ranges":
		return respond(`{"result":{"diagnostics":[` +
			`{"start":-5,"end":3,"severity":99,"message":"negative start"},` +
			`{"start":2,"end":1000000,"severity":-1,"message":"end past the text"},` +
			`{"start":6,"end":2,"message":"end before start"},` +
			`{"start":1000,"end":2000,"severity":4,"message":"past the text"}]}}`)
	case "many":
		var b strings.Builder
		b.WriteString(`{"result":{"diagnostics":[`)
		for i := range 20000 {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `{"start":0,"end":1,"message":"d%d"}`, i)
		}
		b.WriteString(`]}}`)
		return respond(b.String())
	case "bad-utf8":
		return respond("{\"result\":{\"diagnostics\":[{\"start\":0,\"end\":1,\"message\":\"bad \xff\xfe end\",\"code\":\"c\xc3\"}]}}")
	case "long-strings":
		return respond(`{"result":{"diagnostics":[{"start":0,"end":1,"message":"` +
			strings.Repeat("x", 100<<10) + `","code":"` + strings.Repeat("€", 40<<10) + `"}]}}`)
	case "long-error":
		return respond("{\"error\":{\"message\":\"" + strings.Repeat("e", 100<<10) + "\xff\"}}")
	}
	return respond(`{"result":{"diagnostics":[{"start":0,"end":1,"severity":2,"message":"ok"}]}}`)
}

func completion(mode string) uint64 {
	switch mode {
	case "many":
		var b strings.Builder
		b.WriteString(`{"result":{"items":[`)
		for i := range 20000 {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `{"label":"w%d"}`, i)
		}
		b.WriteString(`]}}`)
		return respond(b.String())
	case "sanitize":
		return respond(`{"result":{"items":[` +
			`{"label":""},` +
			`{"label":"kind","kind":99,"insertTextFormat":7},` +
			`{"label":"snippet","kind":25,"insertTextFormat":2,"insertText":"f($1)"},` +
			`{"label":"edit","edit":{"start":-3,"end":100000,"newText":"x"}},` +
			`{"label":"` + strings.Repeat("l", 100<<10) + `"}]}}`)
	}
	return respond(`{"result":{"items":[{"label":"ok","kind":1}]}}`)
}

// respond keeps s as the response and returns its packed location.
func respond(s string) uint64 {
	output = []byte(s)
	return uint64(addr(output))<<32 | uint64(len(output))
}

func addr(b []byte) uint32 { return uint32(uintptr(unsafe.Pointer(unsafe.SliceData(b)))) }

func main() {}
