package main

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/lsphost/lsphost/abi"
	"github.com/lsphost/lsphost/sdk"
)

// labels completes at the "|" in text and returns the labels proposed.
func labels(t *testing.T, text string) ([]string, bool) {
	t.Helper()
	offset := strings.Index(text, "|")
	if offset < 0 {
		t.Fatalf("no cursor | in %q", text)
	}
	text = text[:offset] + text[offset+1:]
	list, err := complete(&sdk.CompletionRequest{Document: &sdk.Document{Text: text}, Offset: offset})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, item := range list.Items {
		if item.Kind != sdk.KindText || item.InsertText != "" || item.Edit != nil {
			t.Errorf("item %+v, want a plain Text item", item)
		}
		got = append(got, item.Label)
	}
	return got, list.IsIncomplete
}

// setConfig runs the extension's Init with settings for one test.
func setConfig(t *testing.T, settings string) {
	t.Helper()
	saved := cfg
	t.Cleanup(func() { cfg = saved })
	if err := initialize(sdk.Settings(settings)); err != nil {
		t.Fatalf("initialize(%s) = %v", settings, err)
	}
}

func TestComplete(t *testing.T) {
	tests := []struct {
		name string
		text string // | marks the cursor
		want []string
	}{
		{"prefix", "apple apricot banana ap|", []string{"apple", "apricot"}},
		{"empty prefix: all words", "cherry apple banana |", []string{"apple", "banana", "cherry"}},
		{"sorted and de-duplicated", "zeta alpha zeta alpha beta |", []string{"alpha", "beta", "zeta"}},
		{"short words left out", "a an the ant |", []string{"ant", "the"}},
		{"letters digits underscore", "x_1 foo_bar2 _tmp 42abc 0x1f |", []string{"_tmp", "foo_bar2", "x_1"}},
		{"punctuation separates", "foo.bar(baz, qux) |", []string{"bar", "baz", "foo", "qux"}},
		{"the word being typed is left out", "hello help hel|", []string{"hello", "help"}},
		{"... even in its middle", "hel|lo", nil},
		{"... but its other occurrences count", "hello world hel|lo", []string{"hello"}},
		{"cursor before a word", "apple |banana", []string{"apple"}},
		{"case sensitive", "Apple apple ap|", []string{"apple"}},
		{"unicode letters", "über überall Straße naïve |", []string{"Straße", "naïve", "über", "überall"}},
		{"unicode prefix", "über überall üb|", []string{"über", "überall"}},
		{"combining marks", "नमस्ते दुनिया नम|", []string{"नमस्ते"}},
		{"prefix starting with a digit", "apple 1ap|", nil},
		{"words start with a letter", "́abc ١٢٣abc abc١٢٣ x |", []string{"abc١٢٣"}},
		{"no words", "  |", nil},
		{"cursor at start", "|alpha beta", []string{"beta"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, incomplete := labels(t, tt.text)
			if !reflect.DeepEqual(got, tt.want) || incomplete {
				t.Errorf("complete(%q) = %q (incomplete %v), want %q", tt.text, got, incomplete, tt.want)
			}
		})
	}
}

func TestCompleteIgnoreCase(t *testing.T) {
	setConfig(t, `{"ignoreCase":true}`)
	got, _ := labels(t, "Apple apple APRICOT Über überall banana aP|")
	if want := []string{"APRICOT", "Apple", "apple"}; !reflect.DeepEqual(got, want) {
		t.Errorf("complete = %q, want %q", got, want)
	}
	got, _ = labels(t, "Apple apple APRICOT Über überall banana üB|")
	if want := []string{"Über", "überall"}; !reflect.DeepEqual(got, want) {
		t.Errorf("complete = %q, want %q", got, want)
	}
}

func TestCompleteMinLength(t *testing.T) {
	setConfig(t, `{"minLength":1}`)
	got, _ := labels(t, "a bb ccc |")
	if want := []string{"a", "bb", "ccc"}; !reflect.DeepEqual(got, want) {
		t.Errorf("complete = %q, want %q", got, want)
	}
}

func TestCompleteCap(t *testing.T) {
	var sb strings.Builder
	for i := range 1500 {
		fmt.Fprintf(&sb, "word%04d ", 1499-i)
	}
	sb.WriteString("wo")
	list, _ := complete(&sdk.CompletionRequest{Document: &sdk.Document{Text: sb.String()}, Offset: sb.Len()})
	if !list.IsIncomplete || len(list.Items) != 1000 || list.Items[0].Label != "word0000" || list.Items[999].Label != "word0999" {
		t.Errorf("complete = %d items (%s … %s), incomplete %v; want the first 1000 in order, incomplete",
			len(list.Items), list.Items[0].Label, list.Items[len(list.Items)-1].Label, list.IsIncomplete)
	}

	setConfig(t, `{"maxItems":2}`)
	got, incomplete := labels(t, "alpha beta gamma |")
	if want := []string{"alpha", "beta"}; !reflect.DeepEqual(got, want) || !incomplete {
		t.Errorf("complete = %q (incomplete %v), want %q, incomplete", got, incomplete, want)
	}
}

func TestSettingsErrors(t *testing.T) {
	tests := []struct{ settings, want string }{
		{`{"minLength":0}`, `setting "minLength": 0 is less than 1`},
		{`{"maxItems":-1}`, `setting "maxItems": -1 is less than 1`},
		{`{"maxItems":"many"}`, `setting "maxItems": want an integer, got a string`},
		{`{"ignoreCase":1}`, `setting "ignoreCase": want a boolean, got a number`},
		{`{"ignorecase":true}`, `unknown setting "ignorecase"`}, // keys are case-sensitive, as in TOML
		{`{"max":1}`, `unknown setting "max"`},
	}
	for _, tt := range tests {
		if err := initialize(sdk.Settings(tt.settings)); err == nil || err.Error() != tt.want {
			t.Errorf("initialize(%s) = %v, want %q", tt.settings, err, tt.want)
		}
	}
	if cfg != defaults {
		t.Errorf("after failed initializations cfg = %+v, want the defaults", cfg)
	}
}

// TestThroughHost runs the requests the host sends, through the SDK's
// dispatcher.
func TestThroughHost(t *testing.T) {
	saved := cfg
	t.Cleanup(func() { cfg = saved })

	out := sdk.Handle([]byte(`{"method":"initialize","abiVersion":1,"settings":{"minLength":4}}`), nil)
	if want := `{"result":{"name":"words","version":"1.0.0","features":["completion","completionResolve","hover","prepare"],"keepsText":true,"prepareMin":65536}}`; string(out) != want {
		t.Errorf("initialize = %s, want %s", out, want)
	}

	text := "préface prélude pre prédire\npré"
	req := fmt.Sprintf(`{"method":"completion","document":{"uri":"file:///a.txt","languageId":"plaintext","version":1},"offset":%d}`, len(text))
	out = sdk.Handle([]byte(req), []byte(text))
	var resp struct {
		Result abi.CompletionResult `json:"result"`
		Error  *abi.Error           `json:"error"`
	}
	if err := json.Unmarshal(out, &resp); err != nil || resp.Error != nil {
		t.Fatalf("completion = %s: %v", out, err)
	}
	want := abi.CompletionResult{Items: []abi.CompletionItem{
		{Label: "prédire", Kind: abi.KindText, Data: json.RawMessage("1")}, {Label: "préface", Kind: abi.KindText, Data: json.RawMessage("1")},
		{Label: "prélude", Kind: abi.KindText, Data: json.RawMessage("1")},
	}}
	if !reflect.DeepEqual(resp.Result, want) {
		t.Errorf("completion = %s, want %+v", out, want)
	}
}

// TestPrepareIndexes: after prepare, the index of the text is kept for the
// requests that follow.
func TestPrepareIndexes(t *testing.T) {
	doc := &sdk.Document{URI: "file:///large.txt", Version: 1, Text: strings.Repeat("alpha beta gamma delta\n", 3000)}
	if indexes.Has(doc) {
		t.Fatal("indexed before prepare")
	}
	if err := prepare(doc); err != nil {
		t.Fatal(err)
	}
	if !indexes.Has(doc) {
		t.Errorf("not indexed after prepare")
	}
}

// TestCompleteUnprepared: on a large text this instance has not indexed
// (the host prepares it on another), complete and hover answer without
// indexing it, and as they do once it is indexed.
func TestCompleteUnprepared(t *testing.T) {
	indexes = sdk.DocumentCache[*wordIndex]{Update: updateIndex}
	text := strings.Repeat("alpha alphabet beta alpine gamma älpha alp\n", 2000) + "al"
	doc := &sdk.Document{URI: "file:///large.txt", Version: 1, Text: text}
	req := &sdk.CompletionRequest{Document: doc, Offset: len(text)}
	hoverReq := &sdk.HoverRequest{Document: doc, Offset: 1}
	before, err := complete(req)
	if err != nil {
		t.Fatal(err)
	}
	hoverBefore, _ := hover(hoverReq)
	if indexes.HasDocument(doc.URI) {
		t.Fatal("complete or hover indexed a large text not prepared")
	}
	if err := prepare(doc); err != nil {
		t.Fatal(err)
	}
	after, _ := complete(req)
	hoverAfter, _ := hover(hoverReq)
	if len(before.Items) != 4 || !reflect.DeepEqual(before, after) {
		t.Errorf("completion before the index %+v, after %+v; want the same 4 items", before, after)
	}
	if hoverBefore.Contents != "**alpha**: 2000 occurrences in this document" || hoverBefore != hoverAfter {
		t.Errorf("hover before the index %+v, after %+v; want 2000 occurrences", hoverBefore, hoverAfter)
	}
}

func BenchmarkComplete(b *testing.B) {
	for _, size := range []int{1 << 10, 100 << 10, 1 << 20} {
		var sb strings.Builder
		for i := 0; sb.Len() < size; i++ {
			fmt.Fprintf(&sb, "    value_%d := compute(alpha, beta) // check item %d\n", i%500, i)
		}
		text := sb.String()[:size]
		req := &sdk.CompletionRequest{Document: &sdk.Document{Text: text}, Offset: strings.LastIndex(text, "va") + 2}
		// first: a text not seen before, indexed on the way.
		b.Run(fmt.Sprintf("%d/first", size), func(b *testing.B) {
			b.SetBytes(int64(size))
			b.ReportAllocs()
			for b.Loop() {
				indexes = sdk.DocumentCache[*wordIndex]{}
				complete(req)
			}
		})
		// again: the same text, answered from its index.
		b.Run(fmt.Sprintf("%d/again", size), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				complete(req)
			}
		})
	}
}

// wordRE is the definition of a word run that forEachWord implements.
var wordRE = regexp.MustCompile(`[\p{L}\p{Nd}\p{M}_]+`)

// FuzzForEachWord checks forEachWord against wordRE, and the completion's
// properties: every label is a word of the text that starts with the
// prefix, labels are unique and sorted.
func FuzzForEachWord(f *testing.F) {
	f.Add("foo.bar(baz, qux) 0x1f _tmp", 3)
	f.Add("über Straße नमस्ते \u0301abc ١٢٣abc", 9)
	f.Add("a\xffb\xc3", 2)
	f.Fuzz(func(t *testing.T, text string, offset int) {
		var want [][2]int
		for _, m := range wordRE.FindAllStringIndex(text, -1) {
			if r, _ := utf8.DecodeRuneInString(text[m[0]:]); r == '_' || unicode.IsLetter(r) {
				want = append(want, [2]int{m[0], m[1]})
			}
		}
		var got [][2]int
		hashes := map[string]uint32{}
		forEachWord(text, wordFunc(func(start, end int, hash uint32, key uint64) {
			got = append(got, [2]int{start, end})
			if h, seen := hashes[text[start:end]]; seen && h != hash {
				t.Fatalf("forEachWord(%q): %q hashed to %#x and %#x", text, text[start:end], h, hash)
			}
			var first [8]byte
			copy(first[:], text[start:end])
			if want := binary.LittleEndian.Uint64(first[:]); key != want {
				t.Fatalf("forEachWord(%q): %q has key %#x, want %#x", text, text[start:end], key, want)
			}
			hashes[text[start:end]] = hash
		}))
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("forEachWord(%q) = %v, want %v", text, got, want)
		}

		offset = max(0, min(offset, len(text)))
		for offset > 0 && offset < len(text) && !utf8.RuneStart(text[offset]) {
			offset--
		}
		list, _ := complete(&sdk.CompletionRequest{Document: &sdk.Document{Text: text}, Offset: offset})
		start, _ := wordBounds(text, offset)
		words := map[string]int{}
		for _, w := range want {
			words[text[w[0]:w[1]]]++
		}
		_, end := wordBounds(text, offset)
		for i, item := range list.Items {
			if words[item.Label] == 0 || !strings.HasPrefix(item.Label, text[start:offset]) || utf8.RuneCountInString(item.Label) < 3 {
				t.Errorf("label %q is not a word of %q with prefix %q", item.Label, text, text[start:offset])
			}
			count := words[item.Label]
			if item.Label == text[start:end] {
				count-- // the word being typed is not counted
			}
			if string(item.Data) != strconv.Itoa(count) {
				t.Errorf("label %q: data %s, want its count %d", item.Label, item.Data, count)
			}
			if i > 0 && list.Items[i-1].Label >= item.Label {
				t.Errorf("labels %q, %q out of order or repeated", list.Items[i-1].Label, item.Label)
			}
		}
	})
}

// TestIndexSorted: the index holds each word of the text once, with its
// count, sorted as strings.Compare sorts them, words that share their first
// six or eight bytes and texts with more words than sortWords numbers
// (2^16) included.
func TestIndexSorted(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 500, 5000, 1<<16 + 10} {
		var sb strings.Builder
		want := map[string]int32{}
		for range 2 * n {
			var w string
			switch r.IntN(4) {
			case 0: // a common prefix of six bytes or more
				w = "prefix"[:3+r.IntN(4)] + strconv.Itoa(r.IntN(n+1))
			case 1:
				w = "préfixé" + strconv.Itoa(r.IntN(50))
			default:
				w = "w" + strconv.Itoa(r.IntN(n+1)) + "_" + strings.Repeat("z", r.IntN(9))
			}
			want[w]++
			sb.WriteString(w + " ")
		}
		idx := buildIndex(sb.String())
		if len(idx.words) != len(want) {
			t.Fatalf("%d words: index has %d distinct words, want %d", 2*n, len(idx.words), len(want))
		}
		for i := range idx.words {
			w := &idx.words[i]
			if i > 0 && idx.word(&idx.words[i-1]) >= idx.word(w) {
				t.Fatalf("%d words: %q before %q", 2*n, idx.word(&idx.words[i-1]), idx.word(w))
			}
			if w.count != want[idx.word(w)] {
				t.Fatalf("%d words: %q counted %d times, want %d", 2*n, idx.word(w), w.count, want[idx.word(w)])
			}
		}
	}
}

// summary is what an index holds, word by word, in order.
func summary(idx *wordIndex) []string {
	var out []string
	for i := range idx.words {
		w := &idx.words[i]
		out = append(out, fmt.Sprintf("%s:%d:%d:%s", idx.word(w), w.count, w.runes, idx.data(w)))
		if _, n := idx.find(int(w.start), int(w.end), w.hash, w.key); n != int32(i+1) {
			out = append(out, fmt.Sprintf("(not found in the table: %d)", n))
		}
	}
	return out
}

// FuzzBuildIndex: the index built from the text's runs (sdk.Runs) is the
// index forEachWord finds, word for word: counts, character lengths, data
// and places in the table.
func FuzzBuildIndex(f *testing.F) {
	f.Add("alpha beta 9beta _gamma alpha\ndelta alpha")
	f.Add("über Straße straße über foo—bar foo bar—foo 3é é3")
	f.Add("ab\u0301c abc a\xffb a\xc3 \U0001F642x x")
	f.Add(strings.Repeat("value_12 value_123 value_1234 value_12345678 ", 30))
	f.Fuzz(func(t *testing.T, text string) {
		if got, want := summary(buildIndex(text)), summary(scanIndex(text)); !reflect.DeepEqual(got, want) {
			t.Fatalf("buildIndex(%q)\n%q\nwant\n%q", text, got, want)
		}
	})
}

// FuzzUpdateIndex: an index updated for an edit is the index built from the
// edited text.
func FuzzUpdateIndex(f *testing.F) {
	f.Add("alpha beta gamma alpha\ndelta", 6, 4, "betamax beta")
	f.Add("über Straße straße über", 0, 5, "")
	f.Add("x y z", 5, 0, " zz y")
	f.Add("word word word", 5, 4, "wor")
	f.Add("ab\u0301c abc", 2, 0, "x")
	f.Add(strings.Repeat("some words of text here ", 40), 300, 2, "ne")
	f.Fuzz(func(t *testing.T, prev string, at, cut int, insert string) {
		at = max(0, min(at, len(prev)))
		cut = max(0, min(cut, len(prev)-at))
		text := prev[:at] + insert + prev[at+cut:]
		want := summary(buildIndex(text))
		start, endOld, endNew := changedWords(prev, text)
		if prev[:start] != text[:start] || prev[endOld:] != text[endNew:] {
			t.Fatalf("%q -> %q: changedWords = %d, %d, %d: the texts differ outside", prev, text, start, endOld, endNew)
		}
		idx, ok := buildIndex(prev).update(text, start, endOld, endNew)
		if !ok {
			t.Fatalf("%q -> %q: update failed", prev, text)
		}
		if got := summary(idx); !reflect.DeepEqual(got, want) {
			t.Fatalf("%q -> %q: updated index\n%q\nwant\n%q", prev, text, got, want)
		}
	})
}

// FuzzPrefixIndex: the index of the words with a prefix, found by searching
// the text for it, holds what the text's index holds for those words,
// counts included.
func FuzzPrefixIndex(f *testing.F) {
	f.Add("alpha alphabet alp _alpha alpha9 xalpha 9alpha", 3)
	f.Add("über überall Über üb", 2)
	f.Add("ab\u0301c ab\u0301 abc ab", 2)
	f.Add(strings.Repeat("some words of text here ", 40), 301)
	f.Fuzz(func(t *testing.T, text string, offset int) {
		offset = max(0, min(offset, len(text)))
		for offset > 0 && offset < len(text) && !utf8.RuneStart(text[offset]) {
			offset--
		}
		start, _ := wordBounds(text, offset)
		prefix := text[start:offset]
		if prefix == "" {
			return
		}
		full := buildIndex(text)
		i, j := full.prefixRange(prefix, false)
		want := summary(&wordIndex{text: text, words: full.words[i:j], counts: full.counts, table: rehash(full.words[i:j], len(full.table))})
		if got := summary(prefixIndex(text, prefix)); !reflect.DeepEqual(got, want) {
			t.Fatalf("prefixIndex(%q, %q)\n%q\nwant\n%q", text, prefix, got, want)
		}
	})
}

// TestSameAfterKey: for two words of a text of one length over eight bytes
// with the same first eight, sameAfterKey is ==, whatever the length,
// wherever they differ, and whether the text goes on after them. (In the
// index it decides only between words of the same hash, so the index's own
// tests would not see it wrong.)
func TestSameAfterKey(t *testing.T) {
	for n := 9; n <= 40; n++ {
		a := strings.Repeat("abcdefghij", 4)[:n]
		for at := 8; at <= n; at++ {
			b := a // at == n: the same word
			if at < n {
				b = a[:at] + "#" + a[at+1:]
			}
			for _, tail := range []string{"", " and more words"} {
				text := a + " x " + b + tail
				if got := sameAfterKey(text, 0, len(a)+3, n); got != (a == b) {
					t.Errorf("%q, %q followed by %q: sameAfterKey = %v", a, b, tail, got)
				}
			}
		}
	}
}

// TestLoad8: load8 is the eight bytes at i, zero past the end of the text,
// at every i of texts of 8 to 40 bytes, near the end included.
func TestLoad8(t *testing.T) {
	for n := 8; n <= 40; n++ {
		text := "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH"[:n]
		for i := 0; i <= n; i++ {
			var want [8]byte
			copy(want[:], text[i:])
			if got := load8(text, i); got != binary.LittleEndian.Uint64(want[:]) {
				t.Fatalf("load8(%q, %d) = %#x, want %q", text, i, got, want)
			}
		}
	}
}

// TestRuneTables: isWordRune and isWordStart, with their tables for two-byte
// characters and CJK ideographs, answer as package unicode does for every
// character.
func TestRuneTables(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		want := r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
		if got := isWordRune(r); got != want {
			t.Fatalf("isWordRune(%U) = %v, want %v", r, got, want)
		}
		if r < utf8.RuneSelf || !want || !utf8.ValidRune(r) {
			continue
		}
		if got, want := isWordStart(string(r)), unicode.IsLetter(r); got != want {
			t.Fatalf("isWordStart(%q) = %v, want %v", string(r), got, want)
		}
	}
}

// TestDecodeRune: decodeRune is utf8.DecodeRuneInString at every offset of
// texts with valid and invalid sequences of every length.
func TestDecodeRune(t *testing.T) {
	for _, text := range []string{"é", "aé", "日本", "🙂x", "\xc3", "\xc3(", "\xc0\x80", "\xc1\xbf", "\xdf\xbf", "\xe0\x80\x80", "\xff", "\xc2\x80\xc2"} {
		for i := range len(text) {
			if text[i] < utf8.RuneSelf {
				continue
			}
			r, n := decodeRune(text, i)
			if wr, wn := utf8.DecodeRuneInString(text[i:]); r != wr || n != wn {
				t.Errorf("decodeRune(%q, %d) = %U, %d; want %U, %d", text, i, r, n, wr, wn)
			}
		}
	}
}

// TestSortWordsRepeated: sortWords ends on a list with a word twice (the
// index never has one, but a run of equal words must not recurse for ever).
func TestSortWordsRepeated(t *testing.T) {
	text := "alphabetical alphabetical alpha"
	words := []indexedWord{{start: 0, end: 12}, {start: 13, end: 25}, {start: 26, end: 31}}
	sorted := sortWords(text, words)
	var got []string
	for i := range sorted {
		got = append(got, text[sorted[i].start:sorted[i].end])
	}
	if want := []string{"alpha", "alphabetical", "alphabetical"}; !slices.Equal(got, want) {
		t.Errorf("sortWords = %q, want %q", got, want)
	}
}

// FuzzPrefixedWords holds the case-sensitive completion, whose loop keeps
// or drops items by arithmetic (prefixedWords), to the plain loop over the
// same words (the one matchingWords runs for ignoreCase): the same items,
// counts and incompleteness for any text, cursor, minLength and maxItems.
func FuzzPrefixedWords(f *testing.F) {
	f.Add("hello help hello hel", 20, 3, 2)
	f.Add("word1 word2 word3 wor word4", 23, 1, 3)
	f.Add("aa ab ac ad ae a", 16, 1, 5)
	f.Fuzz(func(t *testing.T, text string, offset, minLength, maxItems int) {
		if offset < 0 || offset > len(text) {
			return
		}
		saved := cfg
		defer func() { cfg = saved }()
		cfg.MinLength, cfg.MaxItems = 1+int(uint(minLength)%4), 1+int(uint(maxItems)%6)
		start, end := wordBounds(text, offset)
		prefix, typed := text[start:offset], ""
		if start < end && isWordStart(text[start:end]) {
			typed = text[start:end]
		}
		idx := buildIndex(text)
		i, j := idx.prefixRange(prefix, false)
		got, gotMore := prefixedWords(nil, idx, i, j, typed)
		var want []sdk.CompletionItem
		wantMore := false
		for k := i; k < j; k++ {
			w := &idx.words[k]
			if int(w.runes) < cfg.MinLength {
				continue
			}
			item, ok := wordItem(idx, w, idx.word(w) == typed)
			if !ok {
				continue
			}
			if len(want) == cfg.MaxItems {
				wantMore = true
				break
			}
			want = append(want, item)
		}
		if len(got) != len(want) || gotMore != wantMore {
			t.Fatalf("prefixedWords = %d items (more %v), want %d (more %v)", len(got), gotMore, len(want), wantMore)
		}
		for k := range want {
			if got[k].Label != want[k].Label || string(got[k].Data) != string(want[k].Data) || got[k].Kind != want[k].Kind {
				t.Fatalf("item %d = %+v, want %+v", k, got[k], want[k])
			}
		}
	})
}
