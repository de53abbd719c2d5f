package soak

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/lsphost/lsphost/internal/echosum"
)

// This file is the oracle: what the stable extensions must report for a
// text, computed independently of the server and of the extensions' code,
// with positions in UTF-16 as the client speaks them.

// position is an LSP position.
type position struct {
	Line      int `json:"line"`
	Character int `json:"character"`
}

type lspRange struct {
	Start position `json:"start"`
	End   position `json:"end"`
}

// diagnostic is the part of an LSP diagnostic the oracle predicts.
type diagnostic struct {
	Range    lspRange `json:"range"`
	Severity int      `json:"severity"`
	Source   string   `json:"source"`
	Message  string   `json:"message"`
}

func (d diagnostic) String() string {
	return fmt.Sprintf("%d:%d-%d:%d %s/%d %q", d.Range.Start.Line, d.Range.Start.Character,
		d.Range.End.Line, d.Range.End.Character, d.Source, d.Severity, d.Message)
}

// positionOf converts a byte offset of text to an LSP position in UTF-16
// code units. Lines end at "\n", "\r\n" or "\r".
func positionOf(text string, off int) position {
	line, start := 0, 0
	for i := 0; i < off; i++ {
		switch text[i] {
		case '\n':
			line, start = line+1, i+1
		case '\r':
			if i+1 < len(text) && text[i+1] == '\n' {
				if i+1 == off {
					panic("offset between \\r and \\n")
				}
				i++
			}
			line, start = line+1, i+1
		}
	}
	units := 0
	for _, r := range text[start:off] {
		units += utf16Len(r)
	}
	return position{Line: line, Character: units}
}

func utf16Len(r rune) int {
	if r >= 0x10000 {
		return 2
	}
	return 1
}

func rangeOf(text string, start, end int) lspRange {
	return lspRange{Start: positionOf(text, start), End: positionOf(text, end)}
}

// boundary moves off back to a place an LSP position can name: the start of
// a character, and not between the "\r" and "\n" of a line break.
func boundary(text string, off int) int {
	for off > 0 && off < len(text) && !utf8.RuneStart(text[off]) {
		off--
	}
	if off > 0 && off < len(text) && text[off-1] == '\r' && text[off] == '\n' {
		off--
	}
	return off
}

// config is the part of .lsphost.toml that decides what the stable
// extensions report.
type config struct {
	todoKeywords []string // nil: todo's defaults
	wideEnabled  bool
	wideMinRun   int
}

// expectedDiagnostics is what the stable extensions (todo, wide, echo) must
// report for text, sorted.
func expectedDiagnostics(cfg config, languageID, text string) []string {
	var out []string
	keywords := cfg.todoKeywords
	if keywords == nil {
		keywords = []string{"TODO", "FIXME", "XXX"}
	}
	var todo []diagnostic
	for _, k := range keywords {
		todo = append(todo, todoMarkers(text, k)...)
	}
	// todo reports the first 1000 markers of the document.
	slices.SortStableFunc(todo, func(a, b diagnostic) int {
		if a.Range.Start.Line != b.Range.Start.Line {
			return a.Range.Start.Line - b.Range.Start.Line
		}
		return a.Range.Start.Character - b.Range.Start.Character
	})
	for _, d := range todo[:min(len(todo), 1000)] {
		out = append(out, d.String())
	}
	if cfg.wideEnabled && (languageID == "plaintext" || languageID == "markdown") {
		for _, d := range wideRuns(text, cfg.wideMinRun) {
			out = append(out, d.String())
		}
	}
	out = append(out, diagnostic{Severity: 4, Source: "echo", Message: echosum.Of(text)}.String())
	slices.Sort(out)
	return out
}

// todoMarkers finds keyword as a whole word (not next to a letter, digit,
// mark or '_'), as the todo example documents.
func todoMarkers(text, keyword string) []diagnostic {
	var out []diagnostic
	for from := 0; ; {
		j := strings.Index(text[from:], keyword)
		if j < 0 {
			return out
		}
		start, end := from+j, from+j+len(keyword)
		before, _ := utf8.DecodeLastRuneInString(text[:start])
		after, _ := utf8.DecodeRuneInString(text[end:])
		if start > 0 && isWord(before) || end < len(text) && isWord(after) {
			from = start + 1
			continue
		}
		from = end
		line := text[start:]
		if eol := strings.IndexAny(line, "\r\n"); eol >= 0 {
			line = line[:eol]
		}
		line = strings.TrimRightFunc(line, unicode.IsSpace)
		if len(line) > 200 {
			cut := 200
			for cut > len(keyword) && !utf8.RuneStart(line[cut]) {
				cut--
			}
			line = line[:cut] + "…"
		}
		severity := 3
		if keyword == "FIXME" || keyword == "XXX" {
			severity = 2
		}
		out = append(out, diagnostic{Range: rangeOf(text, start, end), Severity: severity, Source: "todo", Message: line})
	}
}

func isWord(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

// wideRuns finds the runs of non-ASCII characters of at least minRun.
func wideRuns(text string, minRun int) []diagnostic {
	var out []diagnostic
	runStart, n := -1, 0
	flush := func(end int) {
		if runStart >= 0 && n >= minRun {
			out = append(out, diagnostic{Range: rangeOf(text, runStart, end), Severity: 4, Source: "wide", Message: fmt.Sprintf("%d wide", n)})
		}
		runStart, n = -1, 0
	}
	for i, r := range text {
		if r < utf8.RuneSelf {
			flush(i)
			continue
		}
		if runStart < 0 {
			runStart = i
		}
		n++
	}
	flush(len(text))
	return out
}

// expectedWords is what the words example must propose at byte offset off:
// the distinct words of at least 3 characters that start with the word
// characters before the cursor, except the word the cursor is in, sorted.
func expectedWords(text string, off int) []string {
	start, end := off, off
	for start > 0 {
		r, n := utf8.DecodeLastRuneInString(text[:start])
		if !isWord(r) {
			break
		}
		start -= n
	}
	for end < len(text) {
		r, n := utf8.DecodeRuneInString(text[end:])
		if !isWord(r) {
			break
		}
		end += n
	}
	prefix := text[start:off]
	seen := map[string]bool{}
	var out []string
	for i := 0; i < len(text); {
		r, n := utf8.DecodeRuneInString(text[i:])
		if !isWord(r) {
			i += n
			continue
		}
		ws := i
		for i < len(text) {
			r, n := utf8.DecodeRuneInString(text[i:])
			if !isWord(r) {
				break
			}
			i += n
		}
		first, _ := utf8.DecodeRuneInString(text[ws:])
		if !(first == '_' || unicode.IsLetter(first)) || ws == start && i == end {
			continue
		}
		w := text[ws:i]
		if strings.HasPrefix(w, prefix) && !seen[w] && utf8.RuneCountInString(w) >= 3 {
			seen[w] = true
			out = append(out, w)
		}
	}
	slices.Sort(out)
	return out
}
