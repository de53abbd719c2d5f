package sdk_test

import (
	"fmt"
	"strings"

	"github.com/lsphost/lsphost/sdk"
)

func ExampleSettings_Read() {
	// Defaults first: settings the user leaves out keep them.
	keywords, maxItems := []string{"TODO"}, 100
	settings := []sdk.Setting{sdk.StringsSetting("keywords", &keywords), sdk.IntSetting("maxItems", &maxItems)}

	err := sdk.Settings(`{"keywords":["TODO","HACK"]}`).Read(settings...)
	fmt.Println(keywords, maxItems, err)

	// Errors name the key, in the configuration's terms.
	fmt.Println(sdk.Settings(`{"maxItems":"many"}`).Read(settings...))
	fmt.Println(sdk.Settings(`{"maxitems":5}`).Read(settings...))
	// Output:
	// [TODO HACK] 100 <nil>
	// setting "maxItems": want an integer, got a string
	// unknown setting "maxitems"
}

func ExampleSettings_Decode() {
	// Defaults first: settings the user leaves out keep them.
	cfg := struct {
		Keywords []string `json:"keywords"`
		MaxItems int      `json:"maxItems"`
	}{MaxItems: 100}

	err := sdk.Settings(`{"keywords":["TODO","HACK"]}`).Decode(&cfg)
	fmt.Println(cfg.Keywords, cfg.MaxItems, err)

	// Empty settings decode to nothing.
	err = sdk.Settings(nil).Decode(&cfg)
	fmt.Println(cfg.Keywords, cfg.MaxItems, err)

	// Errors name the key, in the configuration's terms.
	fmt.Println(sdk.Settings(`{"keywords":"TODO"}`).Decode(&cfg))
	fmt.Println(sdk.Settings(`{"maxitem":5}`).Decode(&cfg))
	// Output:
	// [TODO HACK] 100 <nil>
	// [TODO HACK] 100 <nil>
	// setting "keywords": want an array of strings, got a string
	// unknown setting "maxitem"
}

func ExampleDocument_LineCol() {
	doc := &sdk.Document{Text: "first line\nsecond line, ünïcode\r\nthird"}
	for _, offset := range []int{0, 11, 33, 35, 40} {
		line, col := doc.LineCol(offset)
		fmt.Printf("offset %d: line %d, byte column %d\n", offset, line, col)
	}
	// Output:
	// offset 0: line 0, byte column 0
	// offset 11: line 1, byte column 0
	// offset 33: line 1, byte column 22
	// offset 35: line 2, byte column 0
	// offset 40: line 2, byte column 5
}

// Offset turns the line and column a tool reports (here 1-based, as most
// compilers and linters print them) into the byte offsets a Diagnostic holds.
func ExampleDocument_Offset() {
	doc := &sdk.Document{Text: "package main\n\nfunc main() {\n\tx := 1\n}\n"}
	line, col := 4, 2 // "main.go:4:2: declared and not used: x"
	start := doc.Offset(line-1, col-1)
	d := sdk.Diagnostic{Start: start, End: start + len("x"), Message: "declared and not used: x"}
	fmt.Printf("%d-%d %q\n", d.Start, d.End, doc.Text[d.Start:d.End])

	// Positions past the end of a line or of the text are clamped.
	fmt.Println(doc.Offset(0, 99), doc.Offset(99, 0), len(doc.Text))
	// Output:
	// 29-30 "x"
	// 12 38 38
}

func ExampleDocumentCache() {
	// One index per document text, kept across requests: a handler that
	// answers many requests on the same text scans it once.
	var lines sdk.DocumentCache[[]int]
	lineStarts := func(text string) []int {
		fmt.Println("scanning", len(text), "bytes")
		starts := []int{0}
		for i := range len(text) {
			if text[i] == '\n' {
				starts = append(starts, i+1)
			}
		}
		return starts
	}

	doc := &sdk.Document{URI: "file:///notes.txt", Version: 1, Text: "one\ntwo\nthree"}
	fmt.Println(lines.Get(doc, lineStarts))
	fmt.Println(lines.Get(doc, lineStarts)) // the same text: no scan

	// The next version is scanned anew.
	doc = &sdk.Document{URI: "file:///notes.txt", Version: 2, Text: "one\ntwo"}
	fmt.Println(lines.Get(doc, lineStarts))
	// Output:
	// scanning 13 bytes
	// [0 4 8]
	// [0 4 8]
	// scanning 7 bytes
	// [0 4]
}

// Prepare computes ahead what the requests on a text will need: the host
// calls it after a document opens or changes, while the editor is idle
// (for texts of PrepareMin bytes or more), and sends the requests that
// follow to the same instance. Keep the value in a DocumentCache that the
// handlers read too: built already if Prepare ran, built then if not.
func ExampleExtension_prepare() {
	var words sdk.DocumentCache[map[string]int]
	countWords := func(text string) map[string]int {
		fmt.Println("counting the words of", len(text), "bytes")
		counts := map[string]int{}
		for _, w := range strings.Fields(text) {
			counts[w]++
		}
		return counts
	}
	ext := sdk.Extension{
		Prepare: func(doc *sdk.Document) error {
			words.Get(doc, countWords)
			return nil
		},
		Hover: func(req *sdk.HoverRequest) (sdk.Hover, error) {
			counts := words.Get(req.Document, countWords)
			return sdk.Hover{Contents: fmt.Sprintf("%d distinct words", len(counts))}, nil
		},
	}

	doc := &sdk.Document{URI: "file:///notes.txt", Version: 1, Text: "to be or not to be"}
	ext.Prepare(doc) // the editor is idle
	hover, _ := ext.Hover(&sdk.HoverRequest{Document: doc, Offset: 3})
	fmt.Println(hover.Contents) // counted already: by Prepare
	// Output:
	// counting the words of 18 bytes
	// 4 distinct words
}

// Index and LineEnd cut the line of a marker out of a text: in a guest they
// read eight bytes at a time where the standard library reads one.
func ExampleLineEnd() {
	text := "package main\n\n// TODO: check the item\r\nfunc main() {}\n"
	start := sdk.Index(text, "TODO")
	rest := text[start:]
	fmt.Printf("%d %q\n", start, rest[:sdk.LineEnd(rest)])
	// Output: 17 "TODO: check the item"
}

func ExampleRuns() {
	var letters sdk.ByteClass
	letters.Add('a', 'z')
	text := "to be or not to be"
	runs, _ := sdk.Runs(text, &letters)
	for _, r := range runs {
		fmt.Printf("%s %d (first at %d)\n", text[r.Start:r.End], r.Count, r.Start)
	}
	// Output:
	// be 2 (first at 3)
	// not 1 (first at 9)
	// or 1 (first at 6)
	// to 2 (first at 0)
}
