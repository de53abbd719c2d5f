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
