package extensions

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lsphost/lsphost/internal/wasmbuild"
)

func noopWasm() string {
	return filepath.Join(wasmbuild.Root(), "testdata", "guests", "noop", "noop.wasm")
}

func BenchmarkNoopRoundTrip(b *testing.B) {
	ext := load(b, newHost(b, Options{}), testSpec("noop", noopWasm()))
	d := doc("hello\n")
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ext.Diagnostics(ctx, d); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEmptyRoundTrip(b *testing.B) {
	ext := load(b, newHost(b, Options{}), testSpec("empty", wasmbuild.Build(b, "testdata/guests/empty")))
	for _, size := range []int{16, 1 << 10, 100 << 10} {
		d := doc(strings.Repeat("x", size))
		ctx := context.Background()
		b.Run(fmt.Sprint(size), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ext.Diagnostics(ctx, d); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
