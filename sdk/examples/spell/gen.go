//go:build ignore

// gen.go writes words.txt: the lower-case words of a system word list
// (Debian's wamerican, /usr/share/dict/american-english) plus extra.txt,
// sorted and de-duplicated, one per line, leaving out possessives ("'s":
// the checker strips them) and words with characters other than a-z and
// the apostrophe. Run it with
//
//	go run gen.go /usr/share/dict/american-english
package main

import (
	"bufio"
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
	if err := os.WriteFile("words.txt", []byte(strings.Join(words, "\n")+"\n"), 0o644); err != nil {
		log.Fatal(err)
	}
}
