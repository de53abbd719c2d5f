// Command todo is an lsphost extension that reports TODO, FIXME and XXX
// markers as diagnostics. Build it with
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o todo.wasm .
//
// See README.md for its settings.
package main

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/lsphost/lsphost/sdk"
)

func init() {
	sdk.Register(sdk.Extension{
		Name:        "todo",
		Version:     "1.0.0",
		Init:        initialize,
		Diagnostics: diagnostics,
		Hover:       hover,
	})
}

// main is never called: the module is a reactor, driven through sdk's exports.
func main() {}

const (
	// maxDiagnostics caps the diagnostics of one document: past a few
	// hundred markers nobody reads them, and the response must stay small.
	maxDiagnostics = 1000
	// maxMessage caps a message in bytes, for markers on very long lines.
	maxMessage = 200
)

// defaultKeywords are the markers reported when the settings name none.
var defaultKeywords = []string{"TODO", "FIXME", "XXX"}

// keywords are the markers this instance reports, set by initialize.
var keywords = defaultKeywords

func initialize(s sdk.Settings) error {
	kw := defaultKeywords // unless set; an empty list turns the extension off
	if err := s.Read(sdk.StringsSetting("keywords", &kw)); err != nil {
		return err
	}
	for i, k := range kw {
		if strings.TrimSpace(k) == "" {
			return errors.New(`setting "keywords": keyword ` + strconv.Itoa(i+1) + " is empty")
		}
		if sdk.LineEnd(k) < len(k) { // a marker's message is the rest of its line
			return errors.New(`setting "keywords": keyword ` + strconv.Itoa(i+1) + " has a line break")
		}
	}
	keywords = kw
	return nil
}

// severity is Warning for FIXME and XXX, Information for TODO and any other
// keyword.
func severity(keyword string) sdk.Severity {
	switch keyword {
	case "FIXME", "XXX":
		return sdk.SeverityWarning
	}
	return sdk.SeverityInformation
}

// marker is a keyword found in a text: its bounds and the end of its line.
// It holds no pointers: a guest appends those several times faster than
// diagnostics, whose strings its garbage collector must track
// (RATIONALE.md, "Why does a guest without the clock grant see a coarse
// clock?").
type marker struct {
	start, end, lineEnd int
	severity            sdk.Severity
}

// found is the markers of the last document, kept for the next one's:
// growing it once is enough.
var found []marker

func diagnostics(doc *sdk.Document) ([]sdk.Diagnostic, error) {
	text := doc.Text
	markers := found[:0]
	kinds := 0 // keywords found: with one, markers are in order already
	for _, k := range keywords {
		n := len(markers)
		if markers = appendMarkers(markers, text, k); len(markers) > n {
			kinds++
		}
	}
	if kinds > 1 {
		slices.SortStableFunc(markers, func(a, b marker) int { return a.start - b.start })
	}
	markers = markers[:min(len(markers), maxDiagnostics)]
	found = markers
	if len(markers) == 0 {
		return nil, nil
	}
	// One slice of the right length, filled field by field.
	diags := make([]sdk.Diagnostic, len(markers))
	for i, m := range markers {
		// The message is the marker's line, which seldom needs message's
		// work: its call would cost more than the rest (see appendMarkers).
		line := text[m.start:m.lineEnd] // not empty: keywords have no line break
		if c := line[len(line)-1]; c <= ' ' || c >= utf8.RuneSelf || len(line) > maxMessage {
			line = message(line, m.end-m.start)
		}
		d := &diags[i]
		d.Start, d.End, d.Severity, d.Message = m.start, m.end, m.severity, line
	}
	return diags, nil
}

// appendMarkers appends every whole-word occurrence of keyword in text: one
// not preceded or followed by a letter, digit or '_' (so neither TODOS nor
// MASTODON contain a TODO). It stops after maxDiagnostics of them: later
// ones cannot be among the first maxDiagnostics of the document.
//
// In a wasm guest every loop iteration, call of a function with a branch,
// and jump costs the host's preemption check (~50 ns, as much as a few
// hundred instructions; see sdk.Index), so the usual marker is handled
// with table lookups and no calls but sdk.Index and sdk.LineEnd.
func appendMarkers(markers []marker, text, keyword string) []marker {
	sev := severity(keyword)
	for i, n := 0, 0; n < maxDiagnostics; {
		j := sdk.Index(text[i:], keyword)
		if j < 0 {
			break
		}
		start, end := i+j, i+j+len(keyword)
		// 1: an ASCII word byte; 2: non-ASCII bytes, which need their runes.
		k := wordByteAt(text, start-1) | wordByteAt(text, end)
		if k == 0 && len(markers) < cap(markers) {
			// The usual marker, where the loop goes on without a jump
			// besides its own (not append: its test for room is one).
			markers = markers[:len(markers)+1]
			markers[len(markers)-1] = marker{start, end, start + sdk.LineEnd(text[start:]), sev}
			i, n = end, n+1
			continue
		}
		if k&1 != 0 || k != 0 && !wholeWord(text, start, end) {
			i = start + 1
			continue
		}
		markers = append(markers, marker{start, end, start + sdk.LineEnd(text[start:]), sev})
		i, n = end, n+1
	}
	return markers
}

// wordBytes is 1 for the ASCII bytes that are word characters (isWordRune),
// 2 for the bytes of non-ASCII characters, 0 for the rest.
var wordBytes = func() (t [256]byte) {
	for c := range t {
		switch {
		case c >= utf8.RuneSelf:
			t[c] = 2
		case isWordRune(rune(c)):
			t[c] = 1
		}
	}
	return t
}()

// wordByteAt is wordBytes[text[i]], or 0 when i is outside text (which
// is not empty), computed without a branch: (x>>63) is 1 for a negative x.
func wordByteAt(text string, i int) byte {
	inside := int(uint(i-len(text))>>63) &^ int(uint(i)>>63)
	return wordBytes[text[i*inside]] * byte(inside)
}

// wholeWord reports whether text[start:end] is neither preceded nor
// followed by a word character.
func wholeWord(text string, start, end int) bool {
	if r, _ := utf8.DecodeLastRuneInString(text[:start]); start > 0 && isWordRune(r) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(text[end:])
	return end == len(text) || !isWordRune(r)
}

// hover describes the marker under the cursor: which of the document's
// markers it is, so that a long file's markers can be counted at a glance.
func hover(req *sdk.HoverRequest) (sdk.Hover, error) {
	diags, _ := diagnostics(req.Document)
	for i, d := range diags {
		if req.Offset >= d.Start && req.Offset <= d.End {
			return sdk.Hover{
				Contents: "**" + req.Document.Text[d.Start:d.End] + "** marker " + strconv.Itoa(i+1) +
					" of " + strconv.Itoa(len(diags)) + " in this document",
				Start: d.Start, End: d.End,
			}, nil
		}
	}
	return sdk.Hover{}, nil
}

// message is the line of a marker, which starts with its keyword of
// keywordLen bytes, without trailing space and shortened to about
// maxMessage bytes.
func message(line string, keywordLen int) string {
	line = trimRightSpace(line)
	cut := max(maxMessage, keywordLen)
	if len(line) <= cut {
		return line
	}
	// Do not split a character; invalid UTF-8 has no boundary to find.
	for i := 1; i < utf8.UTFMax && cut-1 > keywordLen && !utf8.RuneStart(line[cut]); i++ {
		cut--
	}
	return line[:cut] + "…"
}

// trimRightSpace is strings.TrimRightFunc(line, unicode.IsSpace), with a
// fast path for ASCII: in a wasm guest every function call costs (see
// sdk.Index).
func trimRightSpace(line string) string {
	for len(line) > 0 {
		switch c := line[len(line)-1]; {
		case c == ' ' || '\t' <= c && c <= '\r':
			line = line[:len(line)-1]
		case c >= utf8.RuneSelf:
			return strings.TrimRightFunc(line, unicode.IsSpace)
		default:
			return line
		}
	}
	return line
}

func isWordRune(r rune) bool {
	if r < utf8.RuneSelf { // no ASCII character is a mark
		return r == '_' || '0' <= r && r <= '9' || 'a' <= r|0x20 && r|0x20 <= 'z'
	}
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}
