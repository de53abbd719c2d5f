// Command search is a test extension for the SDK's Index and Runs in a
// guest, where the host does the work (the ABI's index and runs imports).
// Its text is a pattern, a NUL byte, and the text to search: it reports one
// diagnostic over the first match in that text, none if there is none. A
// text "runs", a NUL byte and a text reports one diagnostic over the first
// occurrence of each distinct run of letters a-z in that text, in the
// order Runs gives, with the run's count as its message. The texts "oob"
// and "runs-oob" make it call an import with a range outside memory
// instead, which traps.
package main

import (
	"errors"
	"strconv"
	"strings"

	"github.com/lsphost/lsphost/sdk"
)

//go:wasmimport lsphost index
func index(textPtr, textLen, patternPtr, patternLen uint32) int32

//go:wasmimport lsphost runs
func runs(textPtr, textLen, classPtr, outPtr, outCap uint32) int32

var letters = func() (c sdk.ByteClass) {
	c.Add('a', 'z')
	return c
}()

func init() {
	sdk.Register(sdk.Extension{
		Name: "search",
		Diagnostics: func(doc *sdk.Document) ([]sdk.Diagnostic, error) {
			switch doc.Text {
			case "oob":
				index(0xffffff00, 0x1000, 0, 1)
			case "runs-oob":
				runs(0, 0, 0, 0xffffff00, 0x1000)
			}
			if text, ok := strings.CutPrefix(doc.Text, "runs\x00"); ok {
				found, ok := sdk.Runs(text, &letters)
				if !ok {
					return nil, errors.New("more than sdk.MaxRuns runs")
				}
				diags := make([]sdk.Diagnostic, len(found))
				for i, r := range found {
					diags[i] = sdk.Diagnostic{Start: 5 + r.Start, End: 5 + r.End, Message: strconv.Itoa(r.Count)}
				}
				return diags, nil
			}
			pattern, text, _ := strings.Cut(doc.Text, "\x00")
			i := sdk.Index(text, pattern)
			if i < 0 {
				return nil, nil
			}
			start := len(pattern) + 1 + i
			return []sdk.Diagnostic{{Start: start, End: start + len(pattern), Message: "found"}}, nil
		},
	})
}

func main() {}
