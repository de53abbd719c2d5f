// Command words is an lsphost extension that completes the words of the
// document being edited, and tells how often a word occurs there. Build it with
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o words.wasm .
//
// See README.md for its settings.
package main

import (
	"errors"
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"github.com/lsphost/lsphost/sdk"
)

func init() {
	sdk.Register(sdk.Extension{
		Name:              "words",
		Version:           "1.0.0",
		Init:              initialize,
		Completion:        complete,
		ResolveCompletion: resolve,
		Hover:             hover,
		Prepare:           prepare,
		PrepareMin:        prepareMin,
	})
}

// main is never called: the module is a reactor, driven through sdk's exports.
func main() {}

// config is the extension's settings table, with its defaults.
type config struct {
	// MinLength is the length in characters below which a word is not
	// proposed.
	MinLength int
	// MaxItems caps the proposals; past it the list is marked incomplete,
	// so the editor asks again as the prefix grows.
	MaxItems int
	// IgnoreCase matches the prefix regardless of case.
	IgnoreCase bool
}

var defaults = config{MinLength: 3, MaxItems: 1000}

// cfg is this instance's configuration, set by initialize.
var cfg = defaults

func initialize(s sdk.Settings) error {
	c := defaults
	err := s.Read(sdk.IntSetting("minLength", &c.MinLength), sdk.IntSetting("maxItems", &c.MaxItems),
		sdk.BoolSetting("ignoreCase", &c.IgnoreCase))
	if err != nil {
		return err
	}
	if c.MinLength < 1 {
		return errors.New(`setting "minLength": ` + strconv.Itoa(c.MinLength) + " is less than 1")
	}
	if c.MaxItems < 1 {
		return errors.New(`setting "maxItems": ` + strconv.Itoa(c.MaxItems) + " is less than 1")
	}
	cfg = c
	return nil
}

// itemsBuffer is the array of the last answer's items.
var itemsBuffer []sdk.CompletionItem

// complete proposes the document's words that start with the word
// characters before the cursor, leaving out the word the cursor is in.
func complete(req *sdk.CompletionRequest) (sdk.CompletionList, error) {
	text, offset := req.Document.Text, req.Offset
	start, end := wordBounds(text, offset)
	prefix := text[start:offset]
	if cfg.IgnoreCase {
		prefix = strings.ToLower(prefix)
	}

	// The word being typed is left out: its other occurrences count.
	typed := ""
	if start < end && isWordStart(text[start:end]) {
		typed = text[start:end]
	}
	idx := indexFor(req.Document, prefix)
	// The items of the last answer are done with (the SDK encoded them
	// before this request came): their array is reused, so that answers of
	// hundreds of items leave no garbage for the guest's collector.
	list := sdk.CompletionList{Items: itemsBuffer[:0]}
	defer func() { itemsBuffer = list.Items[:0] }()
	i, j := idx.prefixRange(prefix, cfg.IgnoreCase)
	if cfg.IgnoreCase {
		list.Items, list.IsIncomplete = matchingWords(list.Items, idx, i, j, prefix, typed)
	} else {
		list.Items, list.IsIncomplete = prefixedWords(list.Items, idx, i, j, typed)
	}
	return list, nil
}

// matchingWords appends the items of the words of idx.words[i:j] that start
// with prefix regardless of case and have at least cfg.MinLength
// characters, at most cfg.MaxItems; it reports whether it left some out.
func matchingWords(items []sdk.CompletionItem, idx *wordIndex, i, j int, prefix, typed string) ([]sdk.CompletionItem, bool) {
	for k := i; k < j; k++ {
		w := &idx.words[k]
		word := idx.word(w)
		if int(w.runes) < cfg.MinLength || !hasPrefix(word, prefix, true) {
			continue
		}
		item, ok := wordItem(idx, w, word == typed)
		if !ok {
			continue
		}
		if len(items) == cfg.MaxItems {
			return items, true
		}
		items = append(items, item)
	}
	return items, false
}

// wordItem is the item of w; for the word being typed, its count leaves
// out the occurrence being typed, and ok is false if there is no other.
// Data is the count: resolve has no document to count in.
func wordItem(idx *wordIndex, w *indexedWord, typed bool) (item sdk.CompletionItem, ok bool) {
	data := idx.data(w)
	if typed {
		if w.count == 1 {
			return item, false
		}
		data = strconv.AppendInt(nil, int64(w.count-1), 10)
	}
	return sdk.CompletionItem{Label: idx.word(w), Kind: sdk.KindText, Data: data}, true
}

// prefixedWords appends the items of the words idx.words[i:j], which all
// start with the prefix, that have at least cfg.MinLength characters, at
// most cfg.MaxItems; it reports whether it left some out. Its loop has no
// branch of its own but the loop's: each word is written into the next
// item, which is then kept or not by arithmetic, because in a guest every
// jump costs a preemption check (~50 ns; see sdk.Index). The word being
// typed is found first, by a binary search, and added on its own.
func prefixedWords(items []sdk.CompletionItem, idx *wordIndex, i, j int, typed string) ([]sdk.CompletionItem, bool) {
	t := j // where typed is among the words, or j
	if typed != "" {
		if a, b := idx.prefixRange(typed, false); a < b && idx.word(&idx.words[a]) == typed {
			t = a
		}
	}
	items = slices.Grow(items, min(j-i, cfg.MaxItems))
	items, k := keptWords(items, idx, i, t)
	if k == t && t < j {
		if item, ok := wordItem(idx, &idx.words[t], true); ok && int(idx.words[t].runes) >= cfg.MinLength {
			if len(items) == cfg.MaxItems {
				return items, true
			}
			items = append(items, item)
		}
		items, k = keptWords(items, idx, t+1, j)
	}
	// Stopped at cfg.MaxItems: were there more?
	for ; k < j; k++ {
		if w := &idx.words[k]; int(w.runes) >= cfg.MinLength && (k != t || w.count > 1) {
			return items, true
		}
	}
	return items, false
}

// keptWords appends the items of the words idx.words[from:to] that have at
// least cfg.MinLength characters, until items holds cfg.MaxItems; it
// returns where it stopped. items has room for them (prefixedWords).
func keptWords(items []sdk.CompletionItem, idx *wordIndex, from, to int) ([]sdk.CompletionItem, int) {
	n := len(items)
	room := items[:cap(items)]
	for k := from; k < to; k++ {
		if n == cfg.MaxItems {
			return room[:n], k
		}
		w := &idx.words[k]
		room[n] = sdk.CompletionItem{Label: idx.word(w), Kind: sdk.KindText, Data: idx.data(w)}
		n += int(uint64(int64(cfg.MinLength)-int64(w.runes)-1) >> 63) // 1 if w has MinLength characters
	}
	return room[:n], to
}

// prepareMin is the size from which the host sends texts to prepare: a
// smaller one is indexed in a few milliseconds when a request needs it,
// and most documents opened are never completed in.
const prepareMin = 64 << 10

// prepare indexes a text before the first request on it needs the index:
// on a 10,000-line file that takes ~6 ms (sdk.Runs counts its words
// natively), which the first completion would otherwise wait for.
func prepare(doc *sdk.Document) error {
	indexOf(doc)
	return nil
}

// indexFor returns an index that holds every word of doc that starts with
// prefix: the text's index, or, for a text of prepareMin bytes or more that
// this instance has no index of, one of only those words (prefixIndex): a
// request that reaches an instance without the index (the host started it
// while the one that has it was busy) is answered by searching the text
// for the prefix: ~4 ms on a 10,000-line file for a prefix of two letters,
// less than indexing it (~6 ms) for the one request such an instance
// usually gets.
func indexFor(doc *sdk.Document, prefix string) *wordIndex {
	if len(doc.Text) >= prepareMin && prefix != "" && !cfg.IgnoreCase && !indexes.HasDocument(doc.URI) {
		return prefixIndex(doc.Text, prefix)
	}
	return indexOf(doc)
}

// resolve tells how often the item's word occurs in the document, from the
// count complete left in its Data.
func resolve(item sdk.CompletionItem) (sdk.CompletionItem, error) {
	n, err := strconv.Atoi(string(item.Data))
	if err != nil || n < 1 {
		return item, nil // not one of ours, or from an older version: leave it
	}
	item.Detail = occurrences(n)
	item.Documentation = "`" + item.Label + "` occurs " + times(n) + " in this document."
	return item, nil
}

// hover tells how often the word under the cursor occurs in the document
// (case-sensitively, whole words only).
func hover(req *sdk.HoverRequest) (sdk.Hover, error) {
	text := req.Document.Text
	start, end := wordBounds(text, req.Offset)
	if start == end {
		return sdk.Hover{}, nil
	}
	word := text[start:end]
	n := indexFor(req.Document, word).count(word)
	if n == 0 { // not a word: starts with a digit
		return sdk.Hover{}, nil
	}
	return sdk.Hover{Contents: "**" + word + "**: " + occurrences(n) + " in this document", Start: start, End: end}, nil
}

func occurrences(n int) string {
	if n == 1 {
		return "1 occurrence"
	}
	return strconv.Itoa(n) + " occurrences"
}

func times(n int) string {
	switch n {
	case 1:
		return "once"
	case 2:
		return "twice"
	}
	return strconv.Itoa(n) + " times"
}

// hasPrefix reports whether word starts with prefix, which is already lower
// case if ignoreCase is set.
func hasPrefix(word, prefix string, ignoreCase bool) bool {
	if !ignoreCase {
		return strings.HasPrefix(word, prefix)
	}
	if len(prefix) == 0 {
		return true
	}
	// Lower-casing can change byte lengths: compare rune by rune.
	for _, p := range prefix {
		r, n := utf8.DecodeRuneInString(word)
		if n == 0 || unicode.ToLower(r) != p {
			return false
		}
		word = word[n:]
	}
	return true
}

// forEachWord calls sink.add for every word of text, a maximal run of word
// characters that starts with a letter or '_' (a run starting with a digit,
// such as 0x1f or 3rd, is not a word), with its bounds, a hash of the word
// (equal words have equal hashes) and its first eight bytes, zero past its
// end (the index's key, which add would otherwise load again). It reads
// ASCII eight bytes per loop iteration, and hashes on the way: in the guest
// every loop iteration costs ~50 ns, and a byte at a time, the scan of a
// 400 KB document took most of the first completion on it. The sink is a
// type parameter so that the index's add is called directly, not through a
// func value's wrapper: one call less per word.
func forEachWord[S wordSink](text string, sink S) {
	// load8 needs eight bytes; zeros end a word as the end of text does.
	if len(text) < 8 {
		text += "\x00\x00\x00\x00\x00\x00\x00\x00"[len(text):]
	}
	for i := 0; i < len(text); {
		// Skip to the next byte that may start a word: an ASCII word
		// character or a non-ASCII byte.
		x := load8(text, i)
		m := asciiWordBytes(x) | x&highs
		if m == 0 {
			i += 8
			continue
		}
		i += bits.TrailingZeros64(m) / 8
		start := i
		hash := uint64(hashBasis)
		var first uint64 // the eight bytes at start
		for i < len(text) {
			// ASCII word characters, up to eight at once, hashed as one
			// chunk: the chunks depend on the word alone, not on where it is.
			x := load8(text, i)
			if i == start {
				first = x
			}
			if n := bits.TrailingZeros64(^asciiWordBytes(x)&highs) / 8; n > 0 {
				hash = (hash ^ x&(^uint64(0)>>(64-8*n))) * hashPrime
				i += n
				if n == 8 {
					continue
				}
			}
			if i == len(text) || text[i] < utf8.RuneSelf {
				break
			}
			r, size := decodeRune(text, i)
			if !isWordRune(r) {
				break
			}
			hash = (hash ^ uint64(r)) * hashPrime
			i += size
		}
		if i == start { // a non-ASCII character that is not a word character
			_, size := utf8.DecodeRuneInString(text[i:])
			i += size
			continue
		}
		// A word starts with a letter or '_', not a digit: the ASCII case
		// here, without a call per word.
		if c := text[start]; c < utf8.RuneSelf && (c < '0' || c > '9') || c >= utf8.RuneSelf && isWordStart(text[start:i]) {
			sink.add(start, i, uint32(hash^hash>>32), first&lowBytes(min(i-start, 8)))
		}
	}
}

// FNV-1a's 64-bit constants, for the hashes of words.
const (
	hashBasis = 14695981039346656037
	hashPrime = 1099511628211
)

// wordSink receives the words forEachWord finds.
type wordSink interface {
	add(start, end int, hash uint32, key uint64)
}

// wordFunc is a func as a wordSink.
type wordFunc func(start, end int, hash uint32, key uint64)

func (f wordFunc) add(start, end int, hash uint32, key uint64) { f(start, end, hash, key) }

// SWAR ("SIMD within a register") constants: a byte value in every byte of
// a word.
const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
	lows7 = 0x7f7f7f7f7f7f7f7f
)

// load8 returns the eight bytes of text at i (0 <= i <= len(text), and
// text at least 8 bytes long) as a little-endian word (wasm is
// little-endian, and so are the machines the tests run on natively), zero
// past the end of text. Near the end it reads the last eight bytes and
// shifts those before i out, so that it neither branches nor calls: it
// runs for every word, and in the guest a branch costs a preemption check.
func load8(text string, i int) uint64 {
	j := i - (i-len(text)+8)&^((i-len(text)+8)>>63) // min(i, len(text)-8): min feeding an address would be a branch
	return *(*uint64)(unsafe.Add(unsafe.Pointer(unsafe.StringData(text)), j)) >> (8 * uint(i-j))
}

// asciiWordBytes returns x with the high bit set in each byte that is an
// ASCII word character ([0-9A-Za-z_]) and every other bit clear. With
// seven bits per byte, adding a constant to each byte carries into no other
// byte, and sets a byte's high bit exactly when the byte is at least
// 0x80 minus the constant.
func asciiWordBytes(x uint64) uint64 {
	t := x & lows7
	lower := t | ones*0x20 // letters in lower case
	letter := (lower + ones*(0x80-'a')) &^ (lower + ones*(0x7f-'z'))
	digit := (t + ones*(0x80-'0')) &^ (t + ones*(0x7f-'9'))
	underscore := (t + ones*(0x80-'_')) &^ (t + ones*(0x7f-'_'))
	return (letter | digit | underscore) & highs &^ x // a byte with its high bit set is not ASCII
}

// isWordStart reports whether a run of word characters is a word: it starts
// with a letter or '_', not a digit or a combining mark.
func isWordStart(run string) bool {
	if c := run[0]; c < utf8.RuneSelf {
		return c < '0' || c > '9'
	}
	switch r, _ := decodeRune(run, 0); {
	case r < 0x800:
		return letterRunes2[(r-0x80)/64]>>((r-0x80)%64)&1 != 0
	case 0x4e00 <= r && r <= 0x9fff: // CJK Unified Ideographs: all letters
		return true
	default:
		return unicode.IsLetter(r)
	}
}

// decodeRune is utf8.DecodeRuneInString(text[i:]) for a non-ASCII byte at
// i, with a two-byte character decoded in place: the function the standard
// library calls for it is a call and a dozen branches in the guest.
func decodeRune(text string, i int) (rune, int) {
	if c := text[i]; c >= 0xc2 && c < 0xe0 && i+1 < len(text) && text[i+1]&0xc0 == 0x80 {
		return rune(c&0x1f)<<6 | rune(text[i+1]&0x3f), 2
	}
	return utf8.DecodeRuneInString(text[i:])
}

// wordBounds returns the bounds of the run of word characters around offset.
func wordBounds(text string, offset int) (start, end int) {
	start = offset
	for start > 0 {
		r, n := utf8.DecodeLastRuneInString(text[:start])
		if !isWordRune(r) {
			break
		}
		start -= n
	}
	end = offset
	for end < len(text) {
		r, n := utf8.DecodeRuneInString(text[end:])
		if !isWordRune(r) {
			break
		}
		end += n
	}
	return start, end
}

// isWordRune reports whether r can be part of a word: a letter, a digit,
// '_', or a combining mark (which many scripts need inside words).
func isWordRune(r rune) bool {
	switch {
	case r < utf8.RuneSelf:
		return asciiWord[r]
	case r < 0x800: // two bytes in UTF-8: Latin, Greek, Cyrillic, Hebrew, Arabic…
		return wordRunes2[(r-0x80)/64]>>((r-0x80)%64)&1 != 0
	case 0x4e00 <= r && r <= 0x9fff: // CJK Unified Ideographs: all letters
		return true
	case 0x1f000 <= r && r <= 0x1faff: // emoji and other pictographs: none
		return false
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

// wordRunes2 has a bit for each character of U+0080 to U+07FF (two bytes in
// UTF-8) that isWordRune accepts, letterRunes2 one for each letter: a look-up
// instead of package unicode's binary search, whose every step costs the
// guest a check. TestRuneTables holds them to package unicode (regenerate
// them from it if a Go release changes its Unicode version).
var wordRunes2 = [30]uint64{
	0x0420040000000000, 0xff7fffffff7fffff, 0xffffffffffffffff, 0xffffffffffffffff,
	0xffffffffffffffff, 0xffffffffffffffff, 0xffffffffffffffff, 0xffffffffffffffff,
	0xffffffffffffffff, 0x0000501f0003ffc3, 0xffffffffffffffff, 0xbcdfffffffffffff,
	0xfffffffbffffd740, 0xffbfffffffffffff, 0xffffffffffffffff, 0xffffffffffffffff,
	0xfffffffffffffffb, 0xffffffffffffffff, 0xfffeffffffffffff, 0xffffffff027fffff,
	0xbffffffffffe01ff, 0x000787ffffff00b6, 0xffffffff07ff0000, 0xffffc3ffffffffff,
	0xffffffffffffffff, 0x9ffffdff9fefffff, 0xffffffffffff0000, 0xffffffffffffe7ff,
	0x0003ffffffffffff, 0x243fffffffffffff,
}
var letterRunes2 = [30]uint64{
	0x0420040000000000, 0xff7fffffff7fffff, 0xffffffffffffffff, 0xffffffffffffffff,
	0xffffffffffffffff, 0xffffffffffffffff, 0xffffffffffffffff, 0xffffffffffffffff,
	0xffffffffffffffff, 0x0000501f0003ffc3, 0x0000000000000000, 0xbcdf000000000000,
	0xfffffffbffffd740, 0xffbfffffffffffff, 0xffffffffffffffff, 0xffffffffffffffff,
	0xfffffffffffffc03, 0xffffffffffffffff, 0xfffeffffffffffff, 0xffffffff027fffff,
	0x00000000000001ff, 0x000787ffffff0000, 0xffffffff00000000, 0xfffec000000007ff,
	0xffffffffffffffff, 0x9c00c060002fffff, 0x0000fffffffd0000, 0xffffffffffffe000,
	0x0002003fffffffff, 0x043007fffffffc00,
}

// asciiWord tells which ASCII characters are word characters.
var asciiWord = func() (t [utf8.RuneSelf]bool) {
	for c := range t {
		t[c] = c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
	}
	return t
}()
