package lsp

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"go.lsp.dev/protocol"
)

// BenchmarkMergeDiagnostics merges the diagnostics of n extensions with m
// each, in the order they might arrive.
//
//	go test -run '^$' -bench Merge -benchmem ./lsp
func BenchmarkMergeDiagnostics(b *testing.B) {
	for _, n := range []int{1, 4} {
		for _, m := range []int{10, 1000} {
			r := rand.New(rand.NewPCG(1, 2))
			var in []protocol.Diagnostic
			for e := range n {
				for i := range m {
					in = append(in, diag(uint32(r.IntN(10*m)), uint32(r.IntN(80)), fmt.Sprintf("ext%d", e), fmt.Sprintf("message %d", i%50)))
				}
			}
			scratch := make([]protocol.Diagnostic, len(in))
			b.Run(fmt.Sprintf("ext=%d/items=%d", n, m), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					copy(scratch, in) // merging sorts in place
					mergeDiagnostics(scratch)
				}
			})
		}
	}
}

// BenchmarkMergeCompletions merges the completion items of n extensions
// with m each; a tenth of the labels are offered by every extension.
func BenchmarkMergeCompletions(b *testing.B) {
	for _, n := range []int{1, 4} {
		for _, m := range []int{10, 1000} {
			r := rand.New(rand.NewPCG(1, 2))
			var in []protocol.CompletionItem
			for e := range n {
				for i := range m {
					label := fmt.Sprintf("item%d_%d", e, r.IntN(1_000_000))
					if i%10 == 0 {
						label = fmt.Sprintf("shared%d", i)
					}
					in = append(in, item(label, fmt.Sprintf("ext%d", e), protocol.CompletionItemKind(1+i%25)))
				}
			}
			scratch := make([]protocol.CompletionItem, len(in))
			b.Run(fmt.Sprintf("ext=%d/items=%d", n, m), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					copy(scratch, in)
					mergeCompletions(scratch)
				}
			})
		}
	}
}
