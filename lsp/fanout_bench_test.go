package lsp

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lsphost/lsphost/extensions"
	"github.com/lsphost/lsphost/internal/wasmbuild"
)

// BenchmarkFanOut diagnoses one 100 KiB document with four extensions:
// each alone, one after the other ("sum"), and all four at once through
// fanOut, as a diagnostics run does ("fanout"). It reports fanout/sum: the
// issue's target is at most 0.6 on 2 cores.
//
//	go test -run '^$' -bench FanOut -benchtime 20x ./lsp
func BenchmarkFanOut(b *testing.B) {
	host := extensions.NewHost(extensions.Options{CacheDir: filepath.Join(wasmbuild.CacheDir(), "compiled")})
	defer host.Close(context.Background())
	var exts []*extensions.Extension
	for _, kw := range []string{"TODO", "FIXME", "XXX", "HACK"} {
		settings, _ := json.Marshal(map[string]any{"keywords": []string{kw}})
		spec := extensions.Spec{Name: strings.ToLower(kw), Wasm: wasmbuild.Example(b, "todo"), Enabled: true,
			Timeout: 10 * time.Second, Memory: extensions.DefaultMemory, Settings: settings}
		ext, err := host.Load(context.Background(), spec)
		if err != nil {
			b.Fatal(err)
		}
		defer ext.Close(context.Background())
		exts = append(exts, ext)
	}
	var sb strings.Builder
	for i := 0; sb.Len() < 100<<10; i++ {
		fmt.Fprintf(&sb, "\tvalue_%d := compute(alpha, beta) // TODO check %d FIXME XXX HACK\n", i, i)
	}
	doc := extensions.Document{URI: "file:///w/a.go", LanguageID: "go", Version: 1, Text: extensions.StringText(sb.String())}
	ctx := context.Background()
	diagnose := func(ctx context.Context, ext *extensions.Extension) (int, error) {
		d, err := ext.Diagnostics(ctx, doc)
		return len(d), err
	}
	var sum, fan time.Duration
	b.Run("sum", func(b *testing.B) {
		t0 := time.Now()
		for b.Loop() {
			for _, ext := range exts {
				if _, err := diagnose(ctx, ext); err != nil {
					b.Fatal(err)
				}
			}
		}
		sum = time.Since(t0) / time.Duration(b.N)
	})
	b.Run("fanout", func(b *testing.B) {
		t0 := time.Now()
		for b.Loop() {
			for _, r := range fanOut(ctx, exts, diagnose) {
				if r.err != nil {
					b.Fatal(r.err)
				}
			}
		}
		fan = time.Since(t0) / time.Duration(b.N)
		if sum > 0 {
			b.ReportMetric(float64(fan)/float64(sum), "fanout/sum")
		}
	})
}
