package sdk

import (
	"math/bits"
	"runtime"
	"strings"
	"unsafe"
)

// Index returns the index of the first instance of substr in s, or -1 if
// substr is not present in s: it is strings.Index, which it calls in a
// native build. In a wasm guest strings.Index looks at one byte per loop
// iteration, and under the host's preemption checks every loop iteration
// costs about 50 ns, so there Index compares eight bytes at once, 64
// positions per iteration: 10–30x faster on long texts. Use it for scans over
// Document.Text. See RATIONALE.md ("Why does the SDK have its own Index?").
func Index(s, substr string) int {
	if runtime.GOARCH != "wasm" {
		return strings.Index(s, substr)
	}
	return indexWords(s, substr)
}

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
// little-endian, and so is every native target the tests run on: the
// results do not depend on it, only which candidate is tried first).
func load64(s string, i int) uint64 {
	return *(*uint64)(unsafe.Add(unsafe.Pointer(unsafe.StringData(s)), i))
}

// load32 reads the 4 bytes of s at i as a little-endian word.
func load32(s string, i int) uint32 {
	return *(*uint32)(unsafe.Add(unsafe.Pointer(unsafe.StringData(s)), i))
}

// indexWords is strings.Index by words: it finds the positions where the
// first two bytes of substr start (the first one alone if substr is one byte
// long), 64 positions per iteration, and compares substr there. In a wasm
// guest every loop iteration, call of a function with a branch, and taken
// jump costs a preemption check (RATIONALE.md, "Why does the SDK have its
// own Index?"), so the candidates of an iteration are gathered into one
// mask, the last positions are read as one word that may overlap those
// before (not a byte at a time), and a substr of up to 8 bytes is compared
// as one word.
func indexWords(s, substr string) int {
	n := len(substr)
	switch {
	case n == 0:
		return 0
	case n > len(s):
		return -1
	case len(s) < 9: // too short for a word and the byte after it
		return strings.Index(s, substr)
	}
	// A one-byte substr's second byte matches anything (any1).
	k := min(n, 8)               // the bytes compared as a word
	mask := uint64(1)<<(8*k) - 1 // 1<<64 is 0: the mask is then all ones
	p := pattern{
		substr: substr,
		last:   len(s) - n,
		p0:     ones * uint64(substr[0]),
		p1:     ones * uint64(substr[min(n-1, 1)]),
		any1:   highs * (uint64(n-2) >> 63),
		word:   wordOf(substr),
		mask:   mask,
	}
	// Positions i to i+63 need bytes up to i+64, and comparing substr as a
	// word at i+63 up to i+70 (so at compares words in this loop). After a candidate that is not substr the
	// search goes on from the position after it.
	i := 0
	for i+71 <= len(s) {
		m := bytesMask(p.candidates(load64(s, i), load64(s, i+1))) |
			bytesMask(p.candidates(load64(s, i+8), load64(s, i+9)))<<8 |
			bytesMask(p.candidates(load64(s, i+16), load64(s, i+17)))<<16 |
			bytesMask(p.candidates(load64(s, i+24), load64(s, i+25)))<<24 |
			bytesMask(p.candidates(load64(s, i+32), load64(s, i+33)))<<32 |
			bytesMask(p.candidates(load64(s, i+40), load64(s, i+41)))<<40 |
			bytesMask(p.candidates(load64(s, i+48), load64(s, i+49)))<<48 |
			bytesMask(p.candidates(load64(s, i+56), load64(s, i+57)))<<56
		if m == 0 {
			i += 64
			continue
		}
		j := i + bits.TrailingZeros64(m)
		if j > p.last {
			return -1
		}
		if p.at(s, j) {
			return j
		}
		i = j + 1
	}
	// The positions left, fewer than 71, a word at a time; the last word is
	// the one that ends a byte before s does, and may overlap those before
	// (positions before i were searched already).
	for i <= min(p.last, len(s)-2) {
		at := min(i, len(s)-9)
		m := p.candidates(load64(s, at), load64(s, at+1)) &^ (1<<(8*(i-at)) - 1)
		if m == 0 {
			i = at + 8
			continue
		}
		j := at + bits.TrailingZeros64(m)/8
		if j > p.last {
			return -1
		}
		if p.at(s, j) {
			return j
		}
		i = j + 1
	}
	// The last byte, where only a one-byte substr can be.
	if p.last == len(s)-1 && s[p.last] == substr[0] {
		return p.last
	}
	return -1
}

// pattern is what indexWords looks for.
type pattern struct {
	substr string
	last   int    // the last position substr can start at
	p0, p1 uint64 // substr's first and second byte in every byte
	any1   uint64 // highs if substr has no second byte, else 0
	// word is substr's first 8 bytes (or fewer) as a little-endian word, and
	// mask has their bytes; at uses them for a substr of up to 8 bytes.
	word, mask uint64
}

// candidates returns a word with the high bit set in each byte k where x's
// byte k is substr's first byte and next's byte k its second.
func (p *pattern) candidates(x, next uint64) uint64 {
	return zeroBytes(x^p.p0) & (zeroBytes(next^p.p1) | p.any1)
}

// at reports whether substr is at j in s.
func (p *pattern) at(s string, j int) bool {
	if j+8 <= len(s) && len(p.substr) <= 8 {
		return load64(s, j)&p.mask == p.word
	}
	return s[j:j+len(p.substr)] == p.substr
}

// bytesMask gathers the high bits of m's 8 bytes into bits 0 to 7.
func bytesMask(m uint64) uint64 {
	return (m >> 7) * 0x0102040810204080 >> 56
}

// wordOf returns the first 8 bytes of s, or all if fewer, as a
// little-endian word: copied into an array, which costs no jump (see
// Index).
func wordOf(s string) uint64 {
	var b [8]byte
	copy(b[:], s)
	return *(*uint64)(unsafe.Pointer(&b))
}

// LineEnd returns the index of the first line break in s, "\n" or "\r" (an
// LSP client ends lines at "\n", "\r\n" and "\r"), or len(s) if there is
// none: s[:LineEnd(s)] is the line that s starts with. Like Index, it reads
// eight bytes at a time in a wasm guest.
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
