package main

import (
	"reflect"
	"strings"
	"testing"

	"github.com/lsphost/lsphost/extensions/exttest"
	"github.com/lsphost/lsphost/internal/wasmbuild"
	"github.com/lsphost/lsphost/sdk/sdktest"
)

func TestHover(t *testing.T) {
	ext := sdktest.Start(t, nil)
	for _, tt := range []struct{ text, want, word string }{
		{"the cat sat on the ^mat with the cat", "**mat**: 1 occurrence in this document", "mat"},
		{"the cat sat on ^the mat with the cat", "**the**: 3 occurrences in this document", "the"},
		{"the cat^, the cat, the catalogue", "**cat**: 2 occurrences in this document", "cat"},
		{"über Über ü^ber", "**über**: 2 occurrences in this document", "über"},
		{"a ^ b", "", ""},
		{"call 3^rd", "", ""},
	} {
		doc := sdktest.DocAt("plaintext", tt.text)
		h := ext.Hover(doc)
		if h.Contents != tt.want || doc.Text[h.Start:h.End] != tt.word {
			t.Errorf("hover at %q = %q on %q, want %q on %q", tt.text, h.Contents, doc.Text[h.Start:h.End], tt.want, tt.word)
		}
	}
}

func TestResolveCountsOccurrences(t *testing.T) {
	ext := sdktest.Start(t, nil)
	list := ext.Completion(sdktest.DocAt("plaintext", "apple apricot apple apple ap^"))
	var got []string
	for _, it := range list.Items {
		r := ext.ResolveCompletion(it)
		got = append(got, r.Label+": "+r.Detail+"; "+r.Documentation)
	}
	want := []string{"apple: 3 occurrences; `apple` occurs 3 times in this document.", "apricot: 1 occurrence; `apricot` occurs once in this document."}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("resolved = %q, want %q", got, want)
	}
	// Items of another origin are left alone.
	if r := ext.ResolveCompletion(list.Items[0]); r.Label != "apple" {
		t.Errorf("resolve = %+v", r)
	}
}

func TestHoverAndResolveThroughHost(t *testing.T) {
	ext := exttest.Load(t, wasmbuild.Example(t, "words"), exttest.Options{Name: "words"})
	doc := exttest.DocAt("markdown", "😀 naïve naïve\nna^ïve")
	h := ext.Hover(doc)
	if h.Contents != "**naïve**: 3 occurrences in this document" || h.Range == nil || h.Range.String() != "1:0-1:5" {
		t.Errorf("hover = %+v %v", h, h.Range)
	}
	list := ext.Completion(exttest.DocAt("markdown", "naïve naive\nna^"))
	if got := list.Labels(); !reflect.DeepEqual(got, []string{"naive", "naïve"}) {
		t.Fatalf("labels = %q", got)
	}
	if r := ext.ResolveCompletion(list.Items[1]); r.Detail != "1 occurrence" {
		t.Errorf("resolved = %+v", r)
	}
}

// TestCompletionFollowsTheTextThroughHost asks for completions on texts
// that the document cache could confuse: the same URI and version, the same
// length, one byte apart in the middle (a document closed and reopened).
func TestCompletionFollowsTheTextThroughHost(t *testing.T) {
	ext := exttest.Load(t, wasmbuild.Example(t, "words"), exttest.Options{Name: "words"})
	filler := strings.Repeat("lorem ipsum dolor ", 20)
	for range 2 { // the second round is answered from the cache
		for _, word := range []string{"alpha", "alpho", "alpha"} {
			list := ext.Completion(exttest.DocAt("plaintext", filler+word+" "+filler+"\nal^"))
			if got := list.Labels(); !reflect.DeepEqual(got, []string{word}) {
				t.Fatalf("text with %q: labels = %q", word, got)
			}
		}
	}
}
