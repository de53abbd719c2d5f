//go:build ignore

// gen.go writes words.txt and its index words.idx (the offset of each line
// and the file's length, little-endian uint32s): the lower-case words of a system word list
// (Debian's wamerican, /usr/share/dict/american-english) plus extra.txt,
// sorted and de-duplicated, one per line, leaving out possessives ("'s":
// the checker strips them) and words with characters other than a-z and
// the apostrophe. Run it with
//
//	go run gen.go /usr/share/dict/american-english
package main

import (
	"bufio"
	"encoding/binary"
	"log"
	"os"
	"slices"
	"strings"
)

func main() {
	if len(os.Args) != 2 {
		log.Fatal("usage: go run gen.go WORDLIST")
	}
	seen := map[string]bool{}
	for _, file := range []string{os.Args[1], "extra.txt"} {
		f, err := os.Open(file)
		if err != nil {
			log.Fatal(err)
		}
		s := bufio.NewScanner(f)
		for s.Scan() {
			w := strings.ToLower(strings.TrimSpace(s.Text()))
			if w == "" || w[0] == '#' || strings.HasSuffix(w, "'s") || len(w) < 2 ||
				strings.ContainsFunc(w, func(r rune) bool { return (r < 'a' || r > 'z') && r != '\'' }) {
				continue
			}
			seen[w] = true
		}
		f.Close()
	}
	words := make([]string, 0, len(seen))
	for w := range seen {
		words = append(words, w)
	}
	slices.Sort(words)
	text := strings.Join(words, "\n") + "\n"
	index := make([]byte, 0, 4*(len(words)+1))
	offset := 0
	for _, w := range words {
		index = binary.LittleEndian.AppendUint32(index, uint32(offset))
		offset += len(w) + 1
	}
	index = binary.LittleEndian.AppendUint32(index, uint32(offset))
	if err := os.WriteFile("words.txt", []byte(text), 0o644); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile("words.idx", index, 0o644); err != nil {
		log.Fatal(err)
	}
}
