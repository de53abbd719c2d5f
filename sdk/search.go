package sdk

import (
	"math/bits"
	"runtime"
	"strings"
	"unsafe"
)

// Index returns the index of the first instance of substr in s, or -1 if
// substr is not present in s: it is strings.Index. In a wasm guest the host
// searches, natively (the ABI's index import): there strings.Index looks at
// one byte per loop iteration and every iteration costs a preemption check
// of about 50 ns, so even on a 50-byte line the host's call is 4x cheaper,
// and 10-100x on a whole text. Use it for scans over Document.Text. See
// RATIONALE.md ("Why does the host search for the guest?").
func Index(s, substr string) int { return index(s, substr) }

// SWAR ("SIMD within a register") constants: a byte value in every byte of
// a word.
const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
	lows7 = 0x7f7f7f7f7f7f7f7f
)

// zeroBytes returns a word with the high bit set in exactly the bytes of x
// that are 0. Unlike the shorter (x-ones)&^x&highs it has no false
// positives, so two such masks can be combined with &.
func zeroBytes(x uint64) uint64 {
	return ^(((x & lows7) + lows7) | x | lows7)
}

// load64 reads the 8 bytes of s at i as a little-endian word (wasm is
// little-endian, and so is every native target the tests run on).
func load64(s string, i int) uint64 {
	return *(*uint64)(unsafe.Add(unsafe.Pointer(unsafe.StringData(s)), i))
}

// load32 reads the 4 bytes of s at i as a little-endian word.
func load32(s string, i int) uint32 {
	return *(*uint32)(unsafe.Add(unsafe.Pointer(unsafe.StringData(s)), i))
}

// bytesMask gathers the high bits of m's 8 bytes into bits 0 to 7.
func bytesMask(m uint64) uint64 {
	return (m >> 7) * 0x0102040810204080 >> 56
}

// LineEnd returns the index of the first line break in s, "\n" or "\r" (an
// LSP client ends lines at "\n", "\r\n" and "\r"), or len(s) if there is
// none: s[:LineEnd(s)] is the line that s starts with. In a wasm guest it
// reads eight bytes at a time, 32 per loop iteration (see Index for why).
func LineEnd(s string) int {
	if runtime.GOARCH != "wasm" {
		if i := strings.IndexAny(s, "\r\n"); i >= 0 {
			return i
		}
		return len(s)
	}
	return lineEndWords(s)
}

// lineEndWords is LineEnd by words, 32 bytes per iteration, ending on a
// word that may overlap those before (bytes before i were searched).
func lineEndWords(s string) int {
	i := 0
	for ; i+32 <= len(s); i += 32 {
		if m := bytesMask(lineBreaks(load64(s, i))) | bytesMask(lineBreaks(load64(s, i+8)))<<8 |
			bytesMask(lineBreaks(load64(s, i+16)))<<16 | bytesMask(lineBreaks(load64(s, i+24)))<<24; m != 0 {
			return i + bits.TrailingZeros64(m)
		}
	}
	if len(s) < 8 {
		for ; i < len(s); i++ {
			if s[i] == '\n' || s[i] == '\r' {
				return i
			}
		}
		return len(s)
	}
	for ; i+8 < len(s); i += 8 {
		if m := lineBreaks(load64(s, i)); m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
	}
	q := len(s) - 8
	if m := lineBreaks(load64(s, q)) &^ (1<<(8*(i-q)) - 1); m != 0 {
		return q + bits.TrailingZeros64(m)/8
	}
	return len(s)
}

// lineBreaks returns x with the high bit set in its bytes '\n' and '\r'.
func lineBreaks(x uint64) uint64 {
	return zeroBytes(x^(ones*'\n')) | zeroBytes(x^(ones*'\r'))
}
