package lsp

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"testing"

	"go.lsp.dev/protocol"
)

func diag(line, char uint32, source, msg string) protocol.Diagnostic {
	p := protocol.Position{Line: line, Character: char}
	return protocol.Diagnostic{Range: protocol.Range{Start: p, End: p}, Source: source, Message: msg, Severity: protocol.DiagnosticSeverityWarning}
}

func TestMergeDiagnostics(t *testing.T) {
	tests := []struct {
		name string
		in   []protocol.Diagnostic
		want []protocol.Diagnostic
	}{
		{"nil becomes empty", nil, []protocol.Diagnostic{}},
		{"sorted by position, then source, then message",
			[]protocol.Diagnostic{diag(2, 0, "a", "x"), diag(1, 5, "b", "y"), diag(1, 5, "a", "z"), diag(1, 0, "b", "w")},
			[]protocol.Diagnostic{diag(1, 0, "b", "w"), diag(1, 5, "a", "z"), diag(1, 5, "b", "y"), diag(2, 0, "a", "x")}},
		{"exact duplicates dropped",
			[]protocol.Diagnostic{diag(1, 0, "a", "x"), diag(1, 0, "a", "x"), diag(1, 0, "b", "x")},
			[]protocol.Diagnostic{diag(1, 0, "a", "x"), diag(1, 0, "b", "x")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := mergeDiagnostics(tt.in)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("mergeDiagnostics() = %+v, want %+v", got, tt.want)
			}
			if raw, _ := json.Marshal(got); string(raw) == "null" {
				t.Errorf("mergeDiagnostics() encodes as null")
			}
		})
	}
}

func item(label, ext string, kind protocol.CompletionItemKind) protocol.CompletionItem {
	return protocol.CompletionItem{Label: label, Kind: kind, Data: completionData{Extension: ext}}
}

func TestMergeCompletions(t *testing.T) {
	sorted := item("b", "x", 1)
	sorted.SortText = "0"
	got := mergeCompletions([]protocol.CompletionItem{
		item("beta", "words", 1), item("alpha", "words", 1), item("alpha", "other", 1),
		item("alpha", "other", 3), sorted,
	})
	want := []protocol.CompletionItem{sorted, item("alpha", "other", 1), item("alpha", "other", 3), item("beta", "words", 1)}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("mergeCompletions() = %+v\nwant %+v", got, want)
	}
	// Without sort texts (merged by comparing the items of each label).
	got = mergeCompletions([]protocol.CompletionItem{
		item("beta", "words", 1), item("alpha", "words", 1), item("alpha", "other", 1),
		item("alpha", "other", 3), item("alpha", "words", 3), item("beta", "other", 2),
	})
	want = []protocol.CompletionItem{item("alpha", "other", 1), item("alpha", "other", 3), item("beta", "other", 2), item("beta", "words", 1)}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("mergeCompletions() without sort texts = %+v\nwant %+v", got, want)
	}
}

// FuzzMergeOrder checks that merged output does not depend on the order in
// which extensions answered.
func FuzzMergeOrder(f *testing.F) {
	f.Add(uint64(1), uint8(10))
	f.Add(uint64(42), uint8(40))
	f.Add(uint64(43), uint8(40))
	f.Fuzz(func(t *testing.T, seed uint64, n uint8) {
		r := rand.New(rand.NewPCG(seed, seed))
		words := []string{"a", "b", "ab", "é", ""}
		var diags []protocol.Diagnostic
		var items []protocol.CompletionItem
		for range int(n) {
			d := diag(uint32(r.IntN(3)), uint32(r.IntN(3)), words[r.IntN(len(words))], words[r.IntN(len(words))])
			d.Severity = protocol.DiagnosticSeverity(1 + r.IntN(4))
			diags = append(diags, d)
			it := item(words[r.IntN(len(words))], words[r.IntN(len(words))], protocol.CompletionItemKind(1+r.IntN(3)))
			it.Detail = words[r.IntN(len(words))]
			if seed%2 == 0 && r.IntN(3) == 0 { // odd seeds: no sort texts
				it.SortText = words[r.IntN(len(words))]
			}
			items = append(items, it)
		}
		shuffle := func(v any) {
			s := reflect.ValueOf(v)
			r.Shuffle(s.Len(), reflect.Swapper(s.Interface()))
		}
		d1 := mergeDiagnostics(append([]protocol.Diagnostic(nil), diags...))
		shuffle(diags)
		d2 := mergeDiagnostics(diags)
		if !reflect.DeepEqual(d1, d2) {
			t.Fatalf("mergeDiagnostics depends on input order:\n%+v\n%+v", d1, d2)
		}
		c1 := mergeCompletions(append([]protocol.CompletionItem(nil), items...))
		// Exactly one item for each thing inserted.
		kept := map[insertKey]bool{}
		for _, it := range c1 {
			k := insertKey{it.Label, insertOf(&it), it.Kind}
			if kept[k] {
				t.Fatalf("mergeCompletions kept %+v twice: %+v", k, c1)
			}
			kept[k] = true
		}
		for _, it := range items {
			if k := (insertKey{it.Label, insertOf(&it), it.Kind}); !kept[k] {
				t.Fatalf("mergeCompletions lost %+v: %+v", k, c1)
			}
		}
		// A merged list is in order already: merged again (in place), it stays.
		if again := mergeCompletions(append([]protocol.CompletionItem(nil), c1...)); !reflect.DeepEqual(again, c1) {
			t.Fatalf("mergeCompletions of its own output:\n%+v\nwant\n%+v", again, c1)
		}
		shuffle(items)
		c2 := mergeCompletions(items)
		if !reflect.DeepEqual(c1, c2) {
			t.Fatalf("mergeCompletions depends on input order:\n%+v\n%+v", c1, c2)
		}
	})
}
