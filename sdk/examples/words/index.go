package main

import (
	"math/bits"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/lsphost/lsphost/sdk"
)

// wordIndex is what complete and hover need to know of one text: every word
// in it and how often it occurs. Building it for a 400 KB document takes
// ~6 ms (sdk.Runs counts the words natively; ~30 ms when the guest scanned
// the text itself); looking a prefix up in it takes microseconds, so the
// index is built once per text (indexes) and reused by every request on
// that text.
//
// The index holds no pointers but to the text and the counts: the words of a
// large document are tens of thousands of entries, and with a string and a
// slice in each the guest's garbage collector scanned them all at every
// cycle, some milliseconds in wasm, which showed as the slowest completions.
type wordIndex struct {
	text   string        // the indexed text: every word is a part of it
	words  []indexedWord // each distinct word once, sorted
	counts []byte        // every word's count in decimal, one after another
	// table finds a word by its hash: word numbers (+1; 0 is an empty
	// slot), open-addressed. A Go map would hash every word again and cost
	// a few dozen function calls and loop iterations per lookup in the
	// guest.
	table []int32
	stale int // bytes of counts no word refers to any more
}

type indexedWord struct {
	start, end         int32 // the word is text[start:end]
	count              int32 // occurrences in the text
	runes              int32 // length in characters
	dataStart, dataEnd int32 // count in decimal, the completion item's data: counts[dataStart:dataEnd]; see changed
	hash               uint32
	key                uint64 // the first eight bytes, zero past the word's end: equal words have equal keys
}

// indexes keeps the index of the documents used most recently, and updates
// a document's index for an edit rather than building it again.
var indexes = sdk.DocumentCache[*wordIndex]{Update: updateIndex}

func indexOf(doc *sdk.Document) *wordIndex { return indexes.Get(doc, buildIndex) }

func buildIndex(text string) *wordIndex {
	runs, ok := sdk.Runs(text, &wordBytes)
	if !ok || len(text) < 8 { // too many runs for the host to count, or too short for load8
		return scanIndex(text)
	}
	size := 1024
	for size < 2*len(runs) {
		size *= 2
	}
	idx := &wordIndex{text: text, table: make([]int32, size)}
	// The runs come counted and sorted (by the host, natively: forEachWord
	// and sorting cost the guest ~30 ms on 400 KB, this ~6). An ASCII run is a
	// word unless it starts with a digit, and these words come in order
	// and only once: they go in as they are. A run with other bytes holds
	// the words forEachWord finds in it, each as often as the run occurs;
	// they are counted in after (some are among the others), and finish
	// sorts in the new ones.
	var mixed []sdk.Run
	for _, r := range runs {
		hash, ascii := asciiHash(text, r.Start, r.End)
		if !ascii {
			mixed = append(mixed, r)
			continue
		}
		if c := text[r.Start]; c-'0' > 9 { // not a digit: a word
			key := load8(text, r.Start) & lowBytes(min(r.End-r.Start, 8))
			idx.insert(idx.freeSlot(hash), r.Start, r.End, r.End-r.Start, hash, key, int32(r.Count))
		}
	}
	ordered := len(idx.words)
	for _, r := range mixed {
		forEachWord(text[r.Start:r.End], weighted{idx, r.Start, int32(r.Count)})
	}
	idx.finish(ordered)
	return idx
}

// scanIndex is buildIndex by forEachWord alone.
func scanIndex(text string) *wordIndex {
	idx := &wordIndex{text: text, table: make([]int32, 1024)}
	forEachWord(text, idx)
	idx.finish(0)
	return idx
}

// wordBytes are the bytes of the runs that hold words: ASCII word
// characters, and every byte of a non-ASCII character (forEachWord then
// tells which are word characters).
var wordBytes = func() (c sdk.ByteClass) {
	for b, word := range asciiWord {
		if word {
			c.Add(byte(b), byte(b))
		}
	}
	c.Add(utf8.RuneSelf, 0xff)
	return c
}()

// asciiHash returns forEachWord's hash of the word text[start:end] (text
// at least eight bytes long, for load8), and whether it is all ASCII: the
// hash is of no use otherwise.
func asciiHash(text string, start, end int) (hash uint32, ascii bool) {
	h, high := uint64(hashBasis), uint64(0)
	for i := start; i < end; i += 8 {
		x := load8(text, i) & lowBytes(min(end-i, 8))
		h = (h ^ x) * hashPrime
		high |= x & highs
	}
	return uint32(h ^ h>>32), high == 0
}

// weighted counts the words of text[at:] it gets n times each, at their
// place in the whole text.
type weighted struct {
	idx *wordIndex
	at  int
	n   int32
}

func (w weighted) add(start, end int, hash uint32, key uint64) {
	w.idx.addN(w.at+start, w.at+end, hash, key, w.n)
}

// prefixIndex returns the index of the words of text that start with
// prefix, a non-empty run of word characters. It searches the text for
// prefix (sdk.Index, native in the host) instead of reading every word:
// each word with the prefix is found at all its occurrences, so the counts
// are the text's. Its hashes are not the full index's (forEachWord's): they
// are compared only with each other.
func prefixIndex(text, prefix string) *wordIndex {
	idx := &wordIndex{text: text, table: make([]int32, 1024)}
	if !isWordStart(prefix) { // as no word with it is
		return idx
	}
	for at := 0; ; {
		i := sdk.Index(text[at:], prefix)
		if i < 0 {
			break
		}
		i += at
		// No word starts inside the prefix, a run of word characters.
		at = i + len(prefix)
		if i > 0 && inWord(text, i) {
			continue
		}
		end := wordEnd(text, at)
		at = end
		n := end - i
		key := load8(text, i) & lowBytes(min(n, 8))
		hash := key*0x9e3779b97f4a7c15 ^ uint64(n)
		if n > 8 {
			hash ^= load8(text, i+8) & lowBytes(min(n-8, 8)) * 0xc2b2ae3d27d4eb4f
		}
		idx.add(i, end, uint32(hash>>32), key)
	}
	idx.finish(0)
	return idx
}

// inWord reports whether the character before i of text is a word
// character: i is inside a word, not at its start.
func inWord(text string, i int) bool {
	if c := text[i-1]; c < utf8.RuneSelf {
		return asciiWord[c]
	}
	r, _ := utf8.DecodeLastRuneInString(text[:i])
	return isWordRune(r)
}

// wordEnd returns the end of the run of word characters that goes on at i
// of text (at least eight bytes long), reading ASCII eight bytes at a time.
func wordEnd(text string, i int) int {
	for {
		n := bits.TrailingZeros64(^asciiWordBytes(load8(text, i))&highs) / 8
		i += n
		if n == 8 {
			continue
		}
		if i == len(text) || text[i] < utf8.RuneSelf {
			return i
		}
		r, size := decodeRune(text, i)
		if !isWordRune(r) {
			return i
		}
		i += size
	}
}

// maxUpdate is the largest part of a text, in bytes per byte of text, that
// updateIndex scans again; past it, building the index is as fast.
const maxUpdate = 0.25

// updateIndex returns the index of text from the index of the document's
// previous text, unless the edit is large enough to build it anew.
func updateIndex(idx *wordIndex, prev, text string) (*wordIndex, bool) {
	start, endOld, endNew := changedWords(prev, text)
	if float64(endOld-start+endNew-start) > maxUpdate*float64(len(text)) {
		return nil, false
	}
	return idx.update(text, start, endOld, endNew)
}

// changedWords returns the part of prev and of text that differ, the bytes
// after their common prefix and before their common suffix, widened to
// rune starts and then to whole runs of word characters: prev[start:endOld]
// became text[start:endNew].
func changedWords(prev, text string) (start, endOld, endNew int) {
	p := commonPrefix(prev, text)
	q := commonSuffix(prev[p:], text[p:])
	for p > 0 && (p < len(prev) && !utf8.RuneStart(prev[p]) || p < len(text) && !utf8.RuneStart(text[p])) {
		p--
	}
	for q > 0 && !utf8.RuneStart(prev[len(prev)-q]) {
		q--
	}
	// The bytes around are the same in both texts, so are the runs there.
	start, _ = wordBounds(prev, p)
	_, endOld = wordBounds(prev, len(prev)-q)
	return start, endOld, endOld + len(text) - len(prev)
}

// update makes idx, the index of the previous text, the index of text,
// where prev[start:endOld] became text[start:endNew]: only the words there
// are counted out and in again. While typing in a 10,000-line file that
// takes a few milliseconds where building the index takes ~50: the scan,
// not the lookups, is what costs.
func (idx *wordIndex) update(text string, start, endOld, endNew int) (*wordIndex, bool) {
	prev := idx.text
	// The old words out, against the old text.
	forEachWord(prev[start:endOld], wordFunc(func(s, e int, hash uint32, key uint64) { idx.remove(start+s, start+e, hash, key) }))
	// The words left, pointed into the new text: those after the part
	// shift; those whose occurrence was in it point to another one, which
	// there is since they still count.
	delta := int32(len(text) - len(prev))
	words := idx.words[:0]
	for _, w := range idx.words {
		switch {
		case w.count == 0:
			continue
		case int(w.start) >= endOld:
			w.start, w.end = w.start+delta, w.end+delta
		case int(w.start) >= start:
			at := findWord(text, prev[w.start:w.end])
			if at < 0 {
				return nil, false // cannot be; built anew if it were
			}
			w.start, w.end = int32(at), int32(at)+w.end-w.start
		}
		words = append(words, w)
	}
	if len(words) < len(idx.words) { // numbers changed
		clear(idx.words[len(words):])
		idx.table = rehash(words, len(idx.table))
	}
	idx.words, idx.text = words, text
	// The new words in, against the new text.
	old := len(idx.words)
	forEachWord(text[start:endNew], wordFunc(func(s, e int, hash uint32, key uint64) { idx.add(start+s, start+e, hash, key) }))
	idx.finish(old)
	return idx, true
}

// add counts the word text[start:end], whose hash forEachWord computed.
func (idx *wordIndex) add(start, end int, hash uint32, key uint64) {
	idx.addN(start, end, hash, key, 1)
}

// addN counts n occurrences of the word text[start:end]. It is find and
// more, with find's loop written out (and its test: a method for it is not
// inlined, and measured 1.01M -> 1.14M checks for an index): it runs for
// every word forEachWord finds, and a call costs the guest more than the
// loop's iteration.
func (idx *wordIndex) addN(start, end int, hash uint32, key uint64, n int32) {
	mask := uint32(len(idx.table) - 1)
	slot := hash & mask
	for ; idx.table[slot] != 0; slot = (slot + 1) & mask {
		w := &idx.words[idx.table[slot]-1]
		// Hash, key and length compared at once: each test would be a
		// jump, and every jump costs the guest a check (sdk.Index).
		if diff := uint64(w.hash^hash) | (w.key ^ key) | uint64(int(w.end-w.start)^(end-start)); diff == 0 {
			if end-start <= 8 || sameAfterKey(idx.text, int(w.start), start, end-start) {
				w.count += n
				w.changed()
				return
			}
		}
	}
	idx.insert(slot, start, end, utf8.RuneCountInString(idx.text[start:end]), hash, key, n)
}

// freeSlot returns the empty slot of table where a word with hash goes,
// for a word known not to be there.
func (idx *wordIndex) freeSlot(hash uint32) uint32 {
	mask := uint32(len(idx.table) - 1)
	slot := hash & mask
	for idx.table[slot] != 0 {
		slot = (slot + 1) & mask
	}
	return slot
}

// insert adds the word text[start:end], of that many runes, found n times,
// in the empty slot of table.
func (idx *wordIndex) insert(slot uint32, start, end, runes int, hash uint32, key uint64, n int32) {
	idx.table[slot] = int32(len(idx.words) + 1)
	idx.words = append(idx.words, indexedWord{start: int32(start), end: int32(end), count: n,
		runes: int32(runes), hash: hash, key: key, dataStart: -1})
	if 2*len(idx.words) > len(idx.table) {
		idx.table = rehash(idx.words, 2*len(idx.table))
	}
}

// remove counts out the word text[start:end], which the index has.
func (idx *wordIndex) remove(start, end int, hash uint32, key uint64) {
	if _, n := idx.find(start, end, hash, key); n > 0 {
		idx.words[n-1].count--
		idx.words[n-1].changed()
	}
}

// changed marks w's count as changed, for finish to write it again: a
// negative dataStart, -1 minus the length of the data no longer used.
func (w *indexedWord) changed() {
	if w.dataStart >= 0 {
		w.dataStart = -1 - (w.dataEnd - w.dataStart)
	}
}

// find returns the slot of table that holds the word text[start:end], and
// its number + 1, or the empty slot where it would go and 0.
func (idx *wordIndex) find(start, end int, hash uint32, key uint64) (slot uint32, n int32) {
	mask := uint32(len(idx.table) - 1)
	for i := hash & mask; ; i = (i + 1) & mask {
		n := idx.table[i]
		if n == 0 {
			return i, 0
		}
		w := &idx.words[n-1]
		// Same hash, key and length (as add compares them): the same
		// word, if the rest (of a longer word) is the same too.
		if diff := uint64(w.hash^hash) | (w.key ^ key) | uint64(int(w.end-w.start)^(end-start)); diff == 0 {
			if end-start <= 8 || sameAfterKey(idx.text, int(w.start), start, end-start) {
				return i, n
			}
		}
	}
}

// finish sorts the words (those from sorted on are new, the others sorted
// already), numbers them again in the table, and writes the counts that
// changed.
func (idx *wordIndex) finish(sorted int) {
	added := sortWords(idx.text, idx.words[sorted:])
	if len(added) > 0 { // numbers change
		switch {
		case sorted == 0:
			idx.words = added
		case len(added) <= 8: // typing adds a word or two: no pass over all
			words := idx.words[:sorted]
			compare := compareWords(idx.text)
			for _, w := range added {
				i, _ := slices.BinarySearchFunc(words, w, compare)
				words = slices.Insert(words, i, w)
			}
			idx.words = words
		default:
			idx.words = mergeWords(idx.text, idx.words[:sorted], added)
		}
		idx.table = rehash(idx.words, len(idx.table))
	}
	// The counts that changed go after the others, until the stale bytes
	// are as many as the words: then all are written again.
	if idx.stale > len(idx.words) {
		idx.counts, idx.stale = idx.counts[:0], 0
		for i := range idx.words {
			idx.words[i].dataStart = -1
		}
	}
	for i := range idx.words {
		if w := &idx.words[i]; w.dataStart < 0 {
			idx.stale += int(-1 - w.dataStart)
			w.dataStart = int32(len(idx.counts))
			idx.counts = strconv.AppendInt(idx.counts, int64(w.count), 10)
			w.dataEnd = int32(len(idx.counts))
		}
	}
}

// mergeWords merges two sorted lists of words of text.
func mergeWords(text string, a, b []indexedWord) []indexedWord {
	compare := compareWords(text)
	out := make([]indexedWord, 0, len(a)+len(b))
	for len(a) > 0 && len(b) > 0 {
		if compare(a[0], b[0]) <= 0 {
			out, a = append(out, a[0]), a[1:]
		} else {
			out, b = append(out, b[0]), b[1:]
		}
	}
	return append(append(out, a...), b...)
}

// findWord returns where word occurs in text as a whole word.
func findWord(text, word string) int {
	for at := 0; ; {
		i := sdk.Index(text[at:], word)
		if i < 0 {
			return -1
		}
		s, e := wordBounds(text, at+i)
		if s == at+i && e == at+i+len(word) {
			return s
		}
		at += i + 1
	}
}

// sameAfterKey reports whether the words of text at a and b, n (over
// eight) bytes long and the same in their first eight (their keys), are
// the same: up to sixteen bytes in one comparison of the bytes at a+8 and
// b+8, longer ones with sdk.Equal. A third of the words of a text are
// longer than eight bytes, and sdk.Equal (with the runtime's memequal for
// its tail) was four guest calls per comparison.
func sameAfterKey(text string, a, b, n int) bool {
	if n <= 16 {
		return (load8(text, a+8)^load8(text, b+8))&lowBytes(n-8) == 0
	}
	return sdk.Equal(text[a:a+n], text[b:b+n])
}

// commonPrefix returns the length of the longest common prefix of a and b,
// 32 bytes per step while they agree (a loop iteration costs the guest
// ~50 ns: 700 KB a byte at a time would take 35 ms).
func commonPrefix(a, b string) int {
	n := min(len(a), len(b))
	i := 0
	for i+32 <= n && (load8(a, i)^load8(b, i))|(load8(a, i+8)^load8(b, i+8))|
		(load8(a, i+16)^load8(b, i+16))|(load8(a, i+24)^load8(b, i+24)) == 0 {
		i += 32
	}
	for i+8 <= n && load8(a, i) == load8(b, i) {
		i += 8
	}
	for i < n && a[i] == b[i] {
		i++
	}
	return i
}

// commonSuffix returns the length of the longest common suffix of a and b,
// as commonPrefix does.
func commonSuffix(a, b string) int {
	n := min(len(a), len(b))
	i := 0
	for i+32 <= n && (load8(a, len(a)-i-8)^load8(b, len(b)-i-8))|(load8(a, len(a)-i-16)^load8(b, len(b)-i-16))|
		(load8(a, len(a)-i-24)^load8(b, len(b)-i-24))|(load8(a, len(a)-i-32)^load8(b, len(b)-i-32)) == 0 {
		i += 32
	}
	for i+8 <= n && load8(a, len(a)-i-8) == load8(b, len(b)-i-8) {
		i += 8
	}
	for i < n && a[len(a)-i-1] == b[len(b)-i-1] {
		i++
	}
	return i
}

// sortWords returns words sorted by their text. A comparison of two words
// in a comparator function costs the guest a call and a few loop
// iterations; slices.Sort compares integers inline. So the words are sorted
// as integers: six bytes of each word, big-endian (zero past the word's
// end, so a word comes before its extensions), above its number; the words
// whose six bytes are the same are then sorted by their next six bytes in
// the same way, and so on (words such as value_120 to value_129 share
// eight). 3,500 distinct words sorted in ~3 ms where a comparator took ~15.
func sortWords(text string, words []indexedWord) []indexedWord {
	if len(words) > 1<<16 { // more than the 16 bits for a number
		slices.SortFunc(words, compareWords(text))
		return words
	}
	sorted := slices.Clone(words)
	sortFrom(text, sorted, 0, make([]uint64, len(words)), make([]indexedWord, len(words)))
	return sorted
}

// sortFrom sorts words, which are the same in their first depth bytes, by
// their bytes from depth on. keys and spare are as long as words, for its
// use.
func sortFrom(text string, words []indexedWord, depth int, keys []uint64, spare []indexedWord) {
	for i := range words {
		keys[i] = sixBytes(text, &words[i], depth) | uint64(i)
	}
	slices.Sort(keys)
	copy(spare, words)
	for i, k := range keys {
		words[i] = spare[k&0xffff]
	}
	for i := 0; i < len(keys); {
		j := i + 1
		longer := int(words[i].end-words[i].start) > depth+6
		for j < len(keys) && keys[j]>>16 == keys[i]>>16 {
			longer = longer || int(words[j].end-words[j].start) > depth+6
			j++
		}
		// Words the same up to depth+6 differ after it, unless none goes on
		// (equal words, which would recurse for ever).
		if j-i > 1 && longer {
			sortFrom(text, words[i:j], depth+6, keys[i:j], spare[i:j])
		}
		i = j
	}
}

// sixBytes returns the bytes of w from depth to depth+6 (zero past its
// end), big-endian, in the top 48 bits of a word.
func sixBytes(text string, w *indexedWord, depth int) uint64 {
	n := int(w.end-w.start) - depth
	if n <= 0 {
		return 0
	}
	return bits.ReverseBytes64(load8(text, int(w.start)+depth)&lowBytes(min(n, 8))) &^ 0xffff
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
				// A difference, not cmp.Compare: a call with branches.
				return int(ka>>shift&0xff) - int(kb>>shift&0xff)
			}
			restA, restB := max(int(a.end-a.start)-i, 0), max(int(b.end-b.start)-i, 0)
			if restA == 0 || restB == 0 {
				return restA - restB
			}
			ka = load8(text, int(a.start)+i) & lowBytes(min(restA, 8))
			kb = load8(text, int(b.start)+i) & lowBytes(min(restB, 8))
		}
	}
}

// lowBytes is a mask of the n (1 to 8) low bytes of a word.
func lowBytes(n int) uint64 { return ^uint64(0) >> ((64 - 8*n) & 63) } // & 63: no test for a shift of 64

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

// prefixRange returns the range of words that may start with prefix,
// idx.words[i:j]: exactly those that do, found by two binary searches, or
// with ignoreCase every word (case-folded words are not in sorted order;
// each distinct word once is far fewer than the text's bytes). A test per
// word would cost the guest a call and a few jumps for each item of a long
// answer (see sdk.Index).
func (idx *wordIndex) prefixRange(prefix string, ignoreCase bool) (i, j int) {
	if ignoreCase {
		return 0, len(idx.words)
	}
	i, _ = slices.BinarySearchFunc(idx.words, prefix, func(w indexedWord, prefix string) int { return strings.Compare(idx.word(&w), prefix) })
	j = i + sort.Search(len(idx.words)-i, func(k int) bool { return !strings.HasPrefix(idx.word(&idx.words[i+k]), prefix) })
	return i, j
}
