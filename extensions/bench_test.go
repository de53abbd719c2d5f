package extensions

import (
	"context"
	"fmt"
	"strings"
	"testing"

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
