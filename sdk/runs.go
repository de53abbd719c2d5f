package sdk

import "github.com/lsphost/lsphost/abi"

// ByteClass is a set of byte values, for Runs.
type ByteClass [32]byte

// Add adds the byte values lo to hi, both included.
func (c *ByteClass) Add(lo, hi byte) {
	for b := int(lo); b <= int(hi); b++ {
		c[b/8] |= 1 << (b % 8)
	}
}

// Has reports whether b is in c.
func (c *ByteClass) Has(b byte) bool { return c[b/8]>>(b%8)&1 != 0 }

// Run is one of the distinct runs Runs finds: the text at [Start, End) is
// its first occurrence, and it occurs Count times.
type Run struct{ Start, End, Count int }

// MaxRuns is the most distinct runs Runs counts.
const MaxRuns = abi.MaxRuns

// Runs returns the distinct runs of s, the maximal sequences of bytes that
// are all in class, sorted by their bytes (as strings.Compare sorts them),
// each with its first occurrence and its number of occurrences; ok is
// false if there are more than MaxRuns. It is the counting loop of a word
// index or a word list, done for you: in a wasm guest the host does it
// natively (the ABI's runs import), where the guest's own loop costs a
// preemption check of about 50 ns per byte and several per run (see
// Index). On a 400 KB text of ~70,000 runs that is a few milliseconds
// instead of ~25.
//
// Bytes of the class are bytes, not characters: to find words of any
// script, put every byte from 0x80 up in the class and split the runs that
// hold such bytes by your own rules.
func Runs(s string, class *ByteClass) (runs []Run, ok bool) { return distinctRuns(s, class) }
