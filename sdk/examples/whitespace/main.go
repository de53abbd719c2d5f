// Command whitespace is an lsphost extension that reports trailing
// whitespace and a missing final newline, offers a quick fix for each and
// formats documents to fix them all. Build it with
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o whitespace.wasm .
//
// See README.md for its settings.
package main

import (
	"strings"

	"github.com/lsphost/lsphost/sdk"
)

func init() {
	sdk.Register(sdk.Extension{
		Name:            "whitespace",
		Version:         "1.0.0",
		Init:            initialize,
		Diagnostics:     diagnostics,
		CodeActions:     codeActions,
		CodeActionKinds: []string{kindQuickFix, kindFixAll},
		Format:          format,
	})
}

// main is never called: the module is a reactor, driven through sdk's exports.
func main() {}

const (
	kindQuickFix = "quickfix"
	kindFixAll   = "source.fixAll.whitespace"

	codeTrailing     = "trailing-whitespace"
	codeFinalNewline = "final-newline"

	// maxProblems caps the diagnostics of one document.
	maxProblems = 1000
)

// config is the extension's settings.
type config struct {
	TrailingWhitespace bool
	FinalNewline       bool
	// MarkdownLineBreaks keeps two trailing spaces in Markdown, where
	// they are a hard line break.
	MarkdownLineBreaks bool
}

var settings = defaults()

func defaults() config {
	return config{TrailingWhitespace: true, FinalNewline: true, MarkdownLineBreaks: true}
}

func initialize(s sdk.Settings) error {
	cfg := defaults()
	err := s.Read(sdk.BoolSetting("trailingWhitespace", &cfg.TrailingWhitespace),
		sdk.BoolSetting("finalNewline", &cfg.FinalNewline),
		sdk.BoolSetting("markdownLineBreaks", &cfg.MarkdownLineBreaks))
	if err != nil {
		return err
	}
	settings = cfg
	return nil
}

// problem is one thing to fix: the byte range [start, end) replaced by fix.
type problem struct {
	start, end int
	fix        string
	code       string
}

// problems finds every problem in doc, in order of position, at most max.
func problems(doc *sdk.Document, max int) []problem {
	var out []problem
	text := doc.Text
	markdown := doc.LanguageID == "markdown"
	if settings.TrailingWhitespace {
		for start := 0; start < len(text) && len(out) < max; {
			end := start + lineLength(text[start:])
			line := text[start:end]
			trimmed := strings.TrimRight(line, " \t")
			next := end + lineBreakLength(text[end:])
			if n := len(line) - len(trimmed); n > 0 && !(markdown && settings.MarkdownLineBreaks && isLineBreak(line, trimmed, text[next:])) {
				out = append(out, problem{start + len(trimmed), end, "", codeTrailing})
			}
			start = next
		}
	}
	if settings.FinalNewline && text != "" && !strings.HasSuffix(text, "\n") && !strings.HasSuffix(text, "\r") && len(out) < max {
		out = append(out, problem{len(text), len(text), lineEnding(text), codeFinalNewline})
	}
	return out
}

// isLineBreak reports whether a Markdown line ends in a hard line break:
// exactly two spaces after text, with more of the paragraph in rest.
func isLineBreak(line, trimmed, rest string) bool {
	return len(line)-len(trimmed) == 2 && strings.HasSuffix(line, "  ") && trimmed != "" &&
		strings.TrimSpace(rest[:lineLength(rest)]) != ""
}

// lineLength is the length of the first line of s, without its break.
func lineLength(s string) int {
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		return i
	}
	return len(s)
}

func lineBreakLength(s string) int {
	switch {
	case strings.HasPrefix(s, "\r\n"):
		return 2
	case s != "":
		return 1
	}
	return 0
}

// lineEnding is the document's line ending: the first one it uses.
func lineEnding(text string) string {
	if i := strings.IndexAny(text, "\r\n"); i >= 0 {
		if strings.HasPrefix(text[i:], "\r\n") {
			return "\r\n"
		}
		return text[i : i+1]
	}
	return "\n"
}

func message(code string) string {
	if code == codeFinalNewline {
		return "missing final newline"
	}
	return "trailing whitespace"
}

func diagnostics(doc *sdk.Document) ([]sdk.Diagnostic, error) {
	var diags []sdk.Diagnostic
	for _, p := range problems(doc, maxProblems) {
		start := p.start
		if p.code == codeFinalNewline && start > 0 {
			start-- // an empty range at the end is invisible in most editors
			for start > 0 && !utf8Start(doc.Text[start]) {
				start--
			}
		}
		diags = append(diags, sdk.Diagnostic{Start: start, End: p.end, Severity: sdk.SeverityWarning, Message: message(p.code), Code: p.code})
	}
	return diags, nil
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }

// codeActions offers a quick fix for each of its diagnostics in the range,
// and one action fixing the whole document.
func codeActions(req *sdk.CodeActionRequest) ([]sdk.CodeAction, error) {
	all := problems(req.Document, maxProblems)
	var actions []sdk.CodeAction
	if wants(req.Only, kindQuickFix) {
		for i, d := range req.Diagnostics {
			for _, p := range all {
				if p.code != d.Code || p.end != d.End {
					continue
				}
				title := "Remove trailing whitespace"
				if p.code == codeFinalNewline {
					title = "Add final newline"
				}
				actions = append(actions, sdk.CodeAction{
					Title: title, Kind: kindQuickFix, Diagnostics: []int{i}, IsPreferred: true,
					Edits: []sdk.TextEdit{{Start: p.start, End: p.end, NewText: p.fix}},
				})
			}
		}
	}
	if len(all) > 0 && wants(req.Only, kindFixAll) {
		actions = append(actions, sdk.CodeAction{Title: "Fix all whitespace problems", Kind: kindFixAll, Edits: edits(all)})
	}
	return actions, nil
}

// wants reports whether an action of kind is wanted by only (LSP kinds are
// hierarchical: "source" admits "source.fixAll.whitespace").
func wants(only []string, kind string) bool {
	if len(only) == 0 {
		return true
	}
	for _, o := range only {
		if kind == o || strings.HasPrefix(kind, o+".") {
			return true
		}
	}
	return false
}

func edits(ps []problem) []sdk.TextEdit {
	out := make([]sdk.TextEdit, len(ps))
	for i, p := range ps {
		out[i] = sdk.TextEdit{Start: p.start, End: p.end, NewText: p.fix}
	}
	return out
}

// format fixes every problem, or those inside the range.
func format(req *sdk.FormatRequest) ([]sdk.TextEdit, error) {
	ps := problems(req.Document, len(req.Document.Text)+1)
	if req.Range {
		kept := ps[:0]
		for _, p := range ps {
			if p.start >= req.Start && p.end <= req.End {
				kept = append(kept, p)
			}
		}
		ps = kept
	}
	return edits(ps), nil
}
