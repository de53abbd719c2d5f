package main

import (
	"cmp"
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/lsphost/lsphost/sdk"
)

// wordIndex is what complete and hover need to know of one text: every word
// in it and how often it occurs. Scanning a 400 KB document takes about
// 150 ms in the guest; looking a prefix up in its index takes microseconds,
// so the index is built once per text (indexes) and reused by every request
// on that text.
//
// The index holds no pointers but to the text and the counts: the words of a
// large document are tens of thousands of entries, and with a string and a
// slice in each the guest's garbage collector scanned them all at every
// cycle, some milliseconds in wasm, which showed as the slowest completions.
type wordIndex struct {
	text   string        // the indexed text: every word is a part of it
	words  []indexedWord // each distinct word once, sorted
	counts []byte        // every word's count in decimal, one after another
}

type indexedWord struct {
	start, end         int32 // the word is text[start:end]
	count              int32 // occurrences in the text
	runes              int32 // length in characters
	dataStart, dataEnd int32 // count in decimal, the completion item's data: counts[dataStart:dataEnd]
	hash               uint32
	key                uint64 // the first eight bytes, zero past the word's end: equal words have equal keys
}

// indexes keeps the index of the documents used most recently.
var indexes sdk.DocumentCache[*wordIndex]

func indexOf(doc *sdk.Document) *wordIndex { return indexes.Get(doc, buildIndex) }

func buildIndex(text string) *wordIndex {
	idx := &wordIndex{text: text}
	// Each distinct word once, found through a hash table of word numbers
	// (+1; 0 is an empty slot) open-addressed by the hash forEachWord
	// computes: a Go map would hash every word again and cost a few dozen
	// function calls and loop iterations per lookup in the guest.
	table := make([]int32, 1024)
	forEachWord(text, func(start, end int, hash uint32) {
		key := load8(text, start) & lowBytes(min(end-start, 8))
		mask := uint32(len(table) - 1)
		for i := hash & mask; ; i = (i + 1) & mask {
			n := table[i]
			if n == 0 {
				table[i] = int32(len(idx.words) + 1)
				idx.words = append(idx.words, indexedWord{start: int32(start), end: int32(end), count: 1,
					runes: int32(utf8.RuneCountInString(text[start:end])), hash: hash, key: key})
				if 2*len(idx.words) > len(table) {
					table = rehash(idx.words, 2*len(table))
				}
				return
			}
			w := &idx.words[n-1]
			// Same hash, length and first eight bytes: the same word, if
			// the rest (of a longer word) is the same too.
			if w.hash == hash && w.key == key && int(w.end-w.start) == end-start &&
				(end-start <= 8 || sdk.Equal(idx.word(w), text[start:end])) {
				w.count++
				return
			}
		}
	})
	idx.words = sortWords(text, idx.words)
	for i := range idx.words {
		w := &idx.words[i]
		w.dataStart = int32(len(idx.counts))
		idx.counts = strconv.AppendInt(idx.counts, int64(w.count), 10)
		w.dataEnd = int32(len(idx.counts))
	}
	return idx
}

// sortWords returns words sorted by their text. A comparison of two words
// in a comparator function costs the guest a call and a few loop
// iterations; slices.Sort compares integers inline. So the words are sorted
// as integers first: each word's first six bytes, big-endian (zero past the
// word's end, so a word comes before its extensions), above its number.
// Only words whose first six bytes are the same are compared in full, a few
// small runs. 3,500 distinct words sorted in ~3 ms instead of ~15.
func sortWords(text string, words []indexedWord) []indexedWord {
	if len(words) > 1<<16 { // more than the 16 bits for a number
		slices.SortFunc(words, compareWords(text))
		return words
	}
	keys := make([]uint64, len(words))
	for i := range words {
		keys[i] = bits.ReverseBytes64(words[i].key)&^0xffff | uint64(i)
	}
	slices.Sort(keys)
	sorted := make([]indexedWord, len(words))
	for i, k := range keys {
		sorted[i] = words[k&0xffff]
	}
	for i := 0; i < len(keys); {
		j := i + 1
		for j < len(keys) && keys[j]>>16 == keys[i]>>16 {
			j++
		}
		if j-i > 1 {
			slices.SortFunc(sorted[i:j], compareWords(text))
		}
		i = j
	}
	return sorted
}

// compareWords returns the comparison of two words of text: strings.Compare
// of the two, eight bytes per step (a byte per step cost a loop iteration
// per byte in the guest). The first byte that differs decides, or else the
// shorter word is first.
func compareWords(text string) func(a, b indexedWord) int {
	return func(a, b indexedWord) int {
		ka, kb := a.key, b.key
		for i := 8; ; i += 8 {
			if diff := ka ^ kb; diff != 0 {
				shift := bits.TrailingZeros64(diff) &^ 7 // little-endian: the first differing byte
				return cmp.Compare(ka>>shift&0xff, kb>>shift&0xff)
			}
			restA, restB := max(int(a.end-a.start)-i, 0), max(int(b.end-b.start)-i, 0)
			if restA == 0 || restB == 0 {
				return cmp.Compare(restA, restB)
			}
			ka = load8(text, int(a.start)+i) & lowBytes(min(restA, 8))
			kb = load8(text, int(b.start)+i) & lowBytes(min(restB, 8))
		}
	}
}

// lowBytes is a mask of the n (1 to 8) low bytes of a word.
func lowBytes(n int) uint64 { return ^uint64(0) >> (64 - 8*n) }

// rehash returns a table of size slots (a power of two) for words.
func rehash(words []indexedWord, size int) []int32 {
	table := make([]int32, size)
	mask := uint32(size - 1)
	for n := range words {
		i := words[n].hash & mask
		for table[i] != 0 {
			i = (i + 1) & mask
		}
		table[i] = int32(n + 1)
	}
	return table
}

// word is w's text.
func (idx *wordIndex) word(w *indexedWord) string { return idx.text[w.start:w.end] }

// data is w's count in decimal, to be sent as is.
func (idx *wordIndex) data(w *indexedWord) []byte {
	return idx.counts[w.dataStart:w.dataEnd:w.dataEnd]
}

// count returns how often word occurs in the text.
func (idx *wordIndex) count(word string) int {
	i, found := slices.BinarySearchFunc(idx.words, word, func(w indexedWord, word string) int { return strings.Compare(idx.word(&w), word) })
	if !found {
		return 0
	}
	return int(idx.words[i].count)
}

// withPrefix calls f with each word that starts with prefix, in order.
// prefix is lower case if ignoreCase is set.
func (idx *wordIndex) withPrefix(prefix string, ignoreCase bool, f func(w *indexedWord)) {
	if ignoreCase {
		// Case-folded words are not in sorted order: look at every one
		// (each distinct word once, far fewer than the text's bytes).
		for i := range idx.words {
			if hasPrefix(idx.word(&idx.words[i]), prefix, true) {
				f(&idx.words[i])
			}
		}
		return
	}
	i, _ := slices.BinarySearchFunc(idx.words, prefix, func(w indexedWord, prefix string) int { return strings.Compare(idx.word(&w), prefix) })
	for ; i < len(idx.words) && strings.HasPrefix(idx.word(&idx.words[i]), prefix); i++ {
		f(&idx.words[i])
	}
}
