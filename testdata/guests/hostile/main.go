// Command hostile is an extension that misbehaves in the ways a Go
// extension can while using the SDK. Its diagnostics handler does what the
// document text names (anything else gets one hint, "fine"):
//
//	recurse       recurse without bound until the stack overflows (fatal)
//	nil-deref     dereference a nil pointer (a panic the SDK recovers)
//	block-select  block forever in select {} (a fatal deadlock)
//	block-chan    block forever receiving from a channel (a fatal deadlock)
//
// Its settings make it fail to start: init = "error" makes Init return an
// error, init = "panic" makes Init panic.
package main

import (
	"errors"
	"fmt"
	"runtime/debug"
	"strings"

	"github.com/lsphost/lsphost/sdk"
)

// maxStack is the guest's stack limit. Go's default, 1 GB, is far above the
// memory lsphost gives an instance, so without it unbounded recursion would
// end in running out of memory rather than in a stack overflow.
const maxStack = 16 << 20

func init() {
	debug.SetMaxStack(maxStack)
	sdk.Register(sdk.Extension{
		Name:        "hostile",
		Init:        initialize,
		Diagnostics: diagnostics,
	})
}

func main() {}

type config struct {
	Init string `json:"init"`
}

func initialize(s sdk.Settings) error {
	var cfg config
	if err := s.Decode(&cfg); err != nil {
		return err
	}
	switch cfg.Init {
	case "error":
		return errors.New(`setting "init" is "error", so this extension refuses to start: remove the setting`)
	case "panic":
		panic("Init was asked to panic")
	}
	return nil
}

// node is something to dereference.
type node struct {
	next  *node
	depth int
}

// depth keeps recurse's results observable, so no call can be dropped.
var depth int

func diagnostics(doc *sdk.Document) ([]sdk.Diagnostic, error) {
	switch {
	case strings.Contains(doc.Text, "recurse"):
		depth = recurse(1)
	case strings.Contains(doc.Text, "nil-deref"):
		var n *node
		depth = n.next.depth
	case strings.Contains(doc.Text, "block-select"):
		select {}
	case strings.Contains(doc.Text, "block-chan"):
		<-make(chan int)
	}
	return []sdk.Diagnostic{{Start: 0, End: 0, Severity: sdk.SeverityHint, Message: fmt.Sprintf("fine %d", depth)}}, nil
}

// recurse never returns: each call needs its own frame, and its padding
// makes the frames large, so that the stack reaches its limit in few calls
// (growing a stack costs time per frame).
//
//go:noinline
func recurse(n int) int {
	var pad [16 << 10]byte
	pad[n%len(pad)] = byte(n)
	return recurse(n+1) + int(pad[(n+1)%len(pad)])
}
