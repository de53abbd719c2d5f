// Package echosum computes, natively, what the echo test guest
// (testdata/guests/echo) reports for a text: its length and 64-bit FNV-1a
// hash. Tests compare the guest's report with it to tell whether the
// server's copy of a document equals theirs. The guest keeps its own copy
// of the computation: it is what is under test.
package echosum

import (
	"fmt"
	"hash/fnv"
)

// Of is the echo guest's message for text.
func Of(text string) string {
	h := fnv.New64a()
	h.Write([]byte(text))
	return fmt.Sprintf("len=%d fnv=%016x", len(text), h.Sum64())
}
