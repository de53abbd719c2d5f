package main

import (
	_ "embed"
	"slices"
	"strings"
)

// words is the bundled word list: lower-case, sorted, one per line (see
// gen.go). It is searched in place: no map is built, so it costs the
// module its size in data and nothing at start-up.
//
//go:embed words.txt
var words string

// sortedList is a sorted newline-terminated list of words.
type sortedList string

// has reports whether w is a line of l, by binary search over bytes: a
// probe lands anywhere and backs up to the start of its line.
func (l sortedList) has(w string) bool {
	lo, hi := 0, len(l) // search the lines starting in [lo, hi)
	for lo < hi {
		mid := lo + (hi-lo)/2
		start := strings.LastIndexByte(string(l[lo:mid]), '\n') + 1 + lo
		end := start + strings.IndexByte(string(l[start:]), '\n')
		switch line := string(l[start:end]); {
		case line == w:
			return true
		case line < w:
			lo = end + 1
		default:
			hi = start
		}
	}
	return false
}

// newList builds a sortedList from words in any order and case.
func newList(ws []string) sortedList {
	lower := make([]string, 0, len(ws))
	for _, w := range ws {
		if w = strings.ToLower(strings.TrimSpace(w)); w != "" && !strings.HasPrefix(w, "#") {
			lower = append(lower, w)
		}
	}
	slices.Sort(lower)
	lower = slices.Compact(lower)
	if len(lower) == 0 {
		return ""
	}
	return sortedList(strings.Join(lower, "\n") + "\n")
}

// index holds the offset of each line of words and len(words), as
// little-endian uint32s (gen.go writes both), so that a lookup is a plain
// binary search of ~17 string comparisons with nothing built at run time:
// building this index in the guest took ~35 ms on the first call.
//
//go:embed words.idx
var index string

// start returns the offset of line i of words.
func start(i int) int {
	b := index[4*i : 4*i+4]
	return int(uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24)
}

func bundled(w []byte) bool {
	lo, hi := 0, len(index)/4-1
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		line := words[start(mid) : start(mid+1)-1]
		switch {
		case line == string(w):
			return true
		case line < string(w):
			lo = mid + 1
		default:
			hi = mid
		}
	}
	return false
}

// known reports whether the lower-case word is in a dictionary.
func known(w []byte) bool {
	return bundled(w) || extra != "" && extra.has(string(w)) || workspace != "" && workspace.has(string(w))
}

// suggest returns up to max known words at edit distance 1 of the
// lower-case word w (a deletion, insertion, substitution or swap of
// adjacent letters), most likely first: swaps and substitutions, which
// keep the length, before the rest.
func suggest(w string, max int) []string {
	var out []string
	add := func(c string) bool {
		if c != w && !slices.Contains(out, c) && known([]byte(c)) {
			out = append(out, c)
		}
		return len(out) >= max
	}
	b := []byte(w)
	for i := 0; i+1 < len(b); i++ {
		b[i], b[i+1] = b[i+1], b[i]
		if add(string(b)) {
			return out
		}
		b[i], b[i+1] = b[i+1], b[i]
	}
	for i := range b {
		orig := b[i]
		for c := byte('a'); c <= 'z'; c++ {
			if c == orig {
				continue
			}
			b[i] = c
			if add(string(b)) {
				return out
			}
		}
		b[i] = orig
	}
	for i := range len(w) {
		if add(w[:i] + w[i+1:]) {
			return out
		}
	}
	for i := 0; i <= len(w); i++ {
		for c := byte('a'); c <= 'z'; c++ {
			if add(w[:i] + string(c) + w[i:]) {
				return out
			}
		}
	}
	return out
}
