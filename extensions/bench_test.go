package extensions

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/lsphost/lsphost/internal/cputime"
	"github.com/lsphost/lsphost/internal/wasmbuild"
)

// BenchmarkDiagnosticsTodo measures one whole Extension.Diagnostics call on
// the todo example: copying the text in, the guest's scan, decoding and
// sanitizing the result.
//
//	go test -run '^$' -bench DiagnosticsTodo -benchmem ./extensions
func BenchmarkDiagnosticsTodo(b *testing.B) {
	ext := load(b, newHost(b, Options{}), testSpec("todo", wasmbuild.Example(b, "todo")))
	for _, size := range []int{1 << 10, 100 << 10} {
		var sb strings.Builder
		for i := 0; sb.Len() < size; i++ {
			fmt.Fprintf(&sb, "    value_%d := compute(alpha, beta) // TODO: check item %d\n", i, i)
			sb.WriteString("    for i := range items { total += items[i].price * items[i].count }\n")
		}
		d := doc(sb.String()[:size])
		want := strings.Count(sb.String()[:size], "TODO")
		b.Run(fmt.Sprintf("%dKB", size>>10), func(b *testing.B) {
			b.SetBytes(int64(size))
			b.ReportAllocs()
			for b.Loop() {
				diags, err := ext.Diagnostics(context.Background(), d)
				if err != nil || len(diags) != want {
					b.Fatalf("Diagnostics = %d diagnostics, %v; want %d", len(diags), err, want)
				}
			}
		})
	}
}

// BenchmarkCompletionWords measures one whole Extension.Completion call on
// the words example with the text already in the instance (as while
// typing), for answers of 10 to 1000 items: the guest's lookup and
// encoding, and the host's decoding. ns/item is the cost per item.
//
//	go test -run '^$' -bench CompletionWords -benchmem ./extensions
func BenchmarkCompletionWords(b *testing.B) {
	ext := load(b, newHost(b, Options{}), testSpec("words", wasmbuild.Example(b, "words")))
	for _, n := range []int{10, 100, 1000} {
		// n distinct words with the prefix "va", and as many others.
		var sb strings.Builder
		for i := range n {
			fmt.Fprintf(&sb, "    value_%d := compute(alpha_%d, beta) // check item\n", i, i)
		}
		text := sb.String() + "va"
		d := doc(text)
		b.Run(fmt.Sprintf("%ditems", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				list, err := ext.Completion(context.Background(), d, len(text), "")
				if err != nil || len(list.Items) != n {
					b.Fatalf("Completion = %d items, %v; want %d", len(list.Items), err, n)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/item")
		})
	}
}

// wordsText is 10,000 lines of 6 words each from a vocabulary of 3,500,
// about 700 KB, ending in the prefix "ab" to complete.
func wordsText() string {
	r := rand.New(rand.NewPCG(1, 2))
	vocabulary := make([]string, 3500)
	for i := range vocabulary {
		word := make([]byte, 3+r.IntN(10))
		for j := range word {
			word[j] = byte('a' + r.IntN(26))
		}
		vocabulary[i] = string(word)
	}
	var sb strings.Builder
	for range 10000 {
		sb.WriteString("   ")
		for range 6 {
			sb.WriteString(" " + vocabulary[r.IntN(len(vocabulary))])
		}
		sb.WriteString("\n")
	}
	return sb.String() + "ab"
}

// BenchmarkPrepareWords measures the prepare lsphost sends when a large
// document opens: the words example indexes a text it has not seen
// (wordsText, another document each iteration), which the first completion
// on it would otherwise wait for.
//
//	go test -run '^$' -bench PrepareWords ./extensions
func BenchmarkPrepareWords(b *testing.B) {
	ext := load(b, newHost(b, Options{}), testSpec("words", wasmbuild.Example(b, "words")))
	text := wordsText()
	defer cputime.Report(b)()
	for i := 0; b.Loop(); i++ {
		d := Document{URI: fmt.Sprintf("file:///w/prepare/%d.txt", i), LanguageID: "plaintext", Version: 1, Text: StringText(text)}
		if err := ext.Prepare(context.Background(), d); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCompletionWordsNewText measures the first completion on a text
// the words example has not seen (wordsText); each iteration is another
// document, so the guest receives the text and, without its index,
// searches it for the prefix ("cold", as an instance that did not prepare
// it answers), or finds the index built by a prepare sent while the editor
// was idle ("prepared": the prepare is not timed).
//
//	go test -run '^$' -bench CompletionWordsNewText ./extensions
func BenchmarkCompletionWordsNewText(b *testing.B) {
	ext := load(b, newHost(b, Options{}), testSpec("words", wasmbuild.Example(b, "words")))
	text := wordsText()
	for _, prepared := range []bool{false, true} {
		name := map[bool]string{false: "cold", true: "prepared"}[prepared]
		b.Run(name, func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				d := Document{URI: fmt.Sprintf("file:///w/%s/%d.txt", name, i), LanguageID: "plaintext", Version: 1, Text: &countedText{s: text}}
				if prepared {
					b.StopTimer()
					if err := ext.Prepare(context.Background(), d); err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
				}
				if _, err := ext.Completion(context.Background(), d, len(text), ""); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCompletionWordsSameText measures completions on one unchanged
// document (wordsText), as an editor asks while the user moves around: the
// instance has the text and its index already (the prepare lsphost sends
// when a document opens; abi.Document.SameText), and each request completes
// another prefix, of one or two letters, found in the text.
//
//	go test -run '^$' -bench CompletionWordsSameText ./extensions
func BenchmarkCompletionWordsSameText(b *testing.B) {
	ext := load(b, newHost(b, Options{}), testSpec("words", wasmbuild.Example(b, "words")))
	text := wordsText()
	for _, n := range []int{1, 2} {
		b.Run(fmt.Sprintf("prefix%d", n), func(b *testing.B) {
			d := doc(text)
			d.Text = &countedText{s: text} // one snapshot: sent once
			if err := ext.Prepare(context.Background(), d); err != nil {
				b.Fatal(err)
			}
			items := 0
			for i := 0; b.Loop(); i++ {
				// n letters into a word of the text.
				at := (i * 7919) % (len(text) - 100)
				for text[at] != ' ' || text[at+1] == ' ' {
					at++
				}
				at++
				list, err := ext.Completion(context.Background(), d, at+n, "")
				if err != nil {
					b.Fatal(err)
				}
				items += len(list.Items)
			}
			b.ReportMetric(float64(items)/float64(b.N), "items/op")
		})
	}
}

// BenchmarkCompletionWordsAfterEdit measures a completion after each edit
// of the same document (wordsText, a letter typed into a word in its
// middle, then deleted), as while typing: the guest updates the index of
// the previous text for the edit.
//
//	go test -run '^$' -bench CompletionWordsAfterEdit ./extensions
func BenchmarkCompletionWordsAfterEdit(b *testing.B) {
	ext := load(b, newHost(b, Options{}), testSpec("words", wasmbuild.Example(b, "words")))
	text := wordsText()
	mid := len(text) / 2
	for text[mid] == ' ' || text[mid] == '\n' {
		mid++
	}
	texts := []string{text, text[:mid] + "q" + text[mid:]}
	d := doc(text)
	ctx := context.Background()
	if _, err := ext.Completion(ctx, d, len(text), ""); err != nil {
		b.Fatal(err)
	}
	for i := 0; b.Loop(); i++ {
		t := texts[(i+1)%2]
		d.Version++
		d.Text = StringText(t)
		if _, err := ext.Completion(ctx, d, len(t), ""); err != nil {
			b.Fatal(err)
		}
	}
}
