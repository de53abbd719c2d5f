package main

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/lsphost/lsphost/extensions"
	"github.com/lsphost/lsphost/internal/cputime"
	"github.com/lsphost/lsphost/internal/wasmbuild"
	"github.com/lsphost/lsphost/sdk"
)

// benchText is size bytes of Go-like code with a TODO on every other line.
func benchText(size int) string {
	var sb strings.Builder
	for i := 0; sb.Len() < size; i++ {
		fmt.Fprintf(&sb, "    value_%d := compute(alpha, beta) // TODO: check item %d\n", i, i)
		sb.WriteString("    for i := range items { total += items[i].price * items[i].count }\n")
	}
	return sb.String()[:size]
}

// BenchmarkTodo runs the same diagnostics request on the todo extension in
// wasm under the real host and natively through sdk.Handle, in one run, so
// that the ratio of the two is measured on the same machine at the same
// time.
//
//	go test -run '^$' -bench Todo -benchmem ./sdk/examples/todo
func BenchmarkTodo(b *testing.B) {
	host := extensions.NewHost(extensions.Options{CacheDir: wasmbuild.CacheDir() + "/compiled"})
	defer host.Close(context.Background())
	spec := extensions.Spec{Name: "todo", Wasm: wasmbuild.Example(b, "todo"), Enabled: true, Timeout: extensions.DefaultTimeout, Memory: extensions.DefaultMemory}
	ext, err := host.Load(context.Background(), spec)
	if err != nil {
		b.Fatal(err)
	}
	defer ext.Close(context.Background())
	for _, size := range []int{1 << 10, 100 << 10} {
		s := benchText(size)
		want := strings.Count(s, "TODO")
		doc := extensions.Document{URI: "file:///w/a.go", LanguageID: "go", Version: 1, Text: extensions.StringText(s)}
		b.Run(fmt.Sprintf("wasm/%dKB", size>>10), func(b *testing.B) {
			b.SetBytes(int64(size))
			b.ReportAllocs()
			defer cputime.Report(b)()
			for b.Loop() {
				diags, err := ext.Diagnostics(context.Background(), doc)
				if err != nil || len(diags) != want {
					b.Fatalf("Diagnostics = %d diagnostics, %v; want %d", len(diags), err, want)
				}
			}
		})
		req := []byte(`{"method":"diagnostics","document":{"uri":"file:///w/a.go","languageId":"go","version":1}}`)
		b.Run(fmt.Sprintf("native/%dKB", size>>10), func(b *testing.B) {
			b.SetBytes(int64(size))
			b.ReportAllocs()
			defer cputime.Report(b)()
			for b.Loop() {
				// Handle takes the text as bytes and converts it, as the
				// guest's export converts its buffer (without a copy there).
				if resp := sdk.Handle(req, []byte(s)); len(resp) < 100 {
					b.Fatalf("Handle = %s", resp)
				}
			}
		})
	}
}
