package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// The out-of-process anchor: efm-langserver runs a command per lint and per
// completion, with the document on stdin. These are those commands, built
// into lspbench so that they are native Go (the fastest an external tool
// can be: no interpreter, ~1 ms to start) and apply the same rules as the
// todo and words extensions.

// lintTODO prints "stdin:LINE:COL:ENDCOL:TYPE:MESSAGE" for every whole-word
// keyword of stdin, columns 1-based in UTF-16 units as efm-langserver
// passes them through to LSP.
func lintTODO(args []string, stdin io.Reader, stdout io.Writer) int {
	fs := flag.NewFlagSet("lint-todo", flag.ContinueOnError)
	keywords := fs.String("keywords", "TODO", "comma-separated markers")
	severity := fs.String("type", "I", "errorformat type letter: E, W, I or N")
	if fs.Parse(args) != nil {
		return 2
	}
	text, err := io.ReadAll(stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "lint-todo:", err)
		return 2
	}
	w := bufio.NewWriter(stdout)
	defer w.Flush()
	for i, line := range strings.Split(string(text), "\n") {
		line = strings.TrimSuffix(line, "\r")
		type hit struct{ off, n int }
		var hits []hit
		for _, k := range strings.Split(*keywords, ",") {
			for _, off := range markers(line, k) {
				hits = append(hits, hit{off, len(k)})
			}
		}
		slices.SortFunc(hits, func(a, b hit) int { return a.off - b.off })
		for _, h := range hits {
			c := utf16Len(line[:h.off])
			msg := strings.TrimRightFunc(line[h.off:], unicode.IsSpace)
			if len(msg) > 200 {
				msg = msg[:200]
			}
			fmt.Fprintf(w, "stdin:%d:%d:%d:%s:%s\n", i+1, c+1, c+1+utf16Len(line[h.off:h.off+h.n]), *severity, msg)
		}
	}
	return 0
}

// completeWords prints, one per line, the words of stdin that start with the
// word characters before the position -pos LINE:CHAR (0-based, UTF-16), as
// the words extension proposes them: at least 3 characters, starting with a
// letter or '_', not the word at the cursor, de-duplicated and sorted.
func completeWords(args []string, stdin io.Reader, stdout io.Writer) int {
	fs := flag.NewFlagSet("complete-words", flag.ContinueOnError)
	at := fs.String("pos", "0:0", "cursor `LINE:CHAR`")
	if fs.Parse(args) != nil {
		return 2
	}
	var line, char int
	if _, err := fmt.Sscanf(*at, "%d:%d", &line, &char); err != nil {
		fmt.Fprintln(os.Stderr, "complete-words: -pos:", err)
		return 2
	}
	b, err := io.ReadAll(stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "complete-words:", err)
		return 2
	}
	out := completions(string(b), byteOffset(string(b), line, char))
	bw := bufio.NewWriter(stdout)
	defer bw.Flush()
	for _, w := range out {
		fmt.Fprintln(bw, w)
	}
	return 0
}

// completions are the words extension's proposals at byte offset of text.
func completions(text string, offset int) []string {
	start := offset
	for start > 0 {
		r, n := utf8.DecodeLastRuneInString(text[:start])
		if !isWordRune(r) {
			break
		}
		start -= n
	}
	prefix := text[start:offset]
	seen := map[string]bool{}
	var out []string
	for i := 0; i < len(text); {
		r, n := utf8.DecodeRuneInString(text[i:])
		if !isWordRune(r) {
			i += n
			continue
		}
		j := i
		for j < len(text) {
			r, n := utf8.DecodeRuneInString(text[j:])
			if !isWordRune(r) {
				break
			}
			j += n
		}
		w := text[i:j]
		first, _ := utf8.DecodeRuneInString(w)
		if i != start && strings.HasPrefix(w, prefix) && !seen[w] && (first == '_' || unicode.IsLetter(first)) && utf8.RuneCountInString(w) >= 3 {
			seen[w] = true
			out = append(out, w)
		}
		i = j
	}
	slices.Sort(out)
	return out[:min(len(out), 1000)]
}

// byteOffset converts an LSP position (UTF-16 column) to a byte offset.
func byteOffset(text string, line, char int) int {
	off := 0
	for range line {
		i := strings.IndexByte(text[off:], '\n')
		if i < 0 {
			return len(text)
		}
		off += i + 1
	}
	for u := 0; u < char && off < len(text) && text[off] != '\n'; {
		r, n := utf8.DecodeRuneInString(text[off:])
		u += utf16.RuneLen(r)
		off += n
	}
	return off
}
