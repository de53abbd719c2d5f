// Command go-todo is the "todo" guest of docs/languages.md written with the
// Go SDK: the reference the C, Rust, AssemblyScript and WAT guests beside
// it must match, answer for answer.
package main

import (
	"strings"

	"github.com/lsphost/lsphost/sdk"
)

func init() {
	sdk.Register(sdk.Extension{
		Name:        "todo-go",
		Version:     "1.0.0",
		Diagnostics: diagnostics,
		Completion:  completion,
	})
}

func main() {}

var markers = []string{"TODO", "FIXME", "XXX"}

const (
	maxDiagnostics = 1000
	maxMessage     = 200
)

// isWord reports whether a byte next to a marker makes it part of a longer
// word: ASCII letters, digits, '_' and any byte of a non-ASCII character.
func isWord(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= 0x80
}

func diagnostics(doc *sdk.Document) ([]sdk.Diagnostic, error) {
	text := doc.Text
	diags := []sdk.Diagnostic{}
	for i := 0; i < len(text) && len(diags) < maxDiagnostics; {
		k := -1
		for j, m := range markers {
			end := i + len(m)
			if strings.HasPrefix(text[i:], m) && (i == 0 || !isWord(text[i-1])) && (end == len(text) || !isWord(text[end])) {
				k = j
				break
			}
		}
		if k < 0 {
			i++
			continue
		}
		m := markers[k]
		end := i
		for end < len(text) && text[end] != '\n' && text[end] != '\r' {
			end++
		}
		line := strings.TrimRight(text[i:end], " \t\v\f")
		msg := line
		if len(line) > maxMessage {
			cut := maxMessage
			for j := 1; j < 4 && cut-1 > len(m) && line[cut]&0xC0 == 0x80; j++ {
				cut--
			}
			msg = line[:cut] + "…"
		}
		sev := sdk.SeverityWarning
		if k == 0 {
			sev = sdk.SeverityInformation
		}
		diags = append(diags, sdk.Diagnostic{Start: i, End: i + len(m), Severity: sev, Message: msg})
		i += len(m)
	}
	return diags, nil
}

func isASCIIWord(c byte) bool { return c < 0x80 && isWord(c) }

func completion(req *sdk.CompletionRequest) (sdk.CompletionList, error) {
	text := req.Document.Text
	cursor := min(max(req.Offset, 0), len(text))
	start := cursor
	for start > 0 && isASCIIWord(text[start-1]) {
		start--
	}
	prefix := strings.ToUpper(text[start:cursor])
	list := sdk.CompletionList{Items: []sdk.CompletionItem{}}
	for _, m := range markers {
		if strings.HasPrefix(m, prefix) {
			list.Items = append(list.Items, sdk.CompletionItem{
				Label: m, Kind: sdk.KindKeyword, Detail: "marker",
				Edit: &sdk.TextEdit{Start: start, End: cursor, NewText: m},
			})
		}
	}
	return list, nil
}
