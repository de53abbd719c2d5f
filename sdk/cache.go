package sdk

import (
	"runtime"
	"unsafe"
)

// DocumentCache keeps a value computed from a document's text (an index of
// its words, a parse) so that requests on a text already seen reuse it
// instead of computing it again. The host sends the whole text with every
// request; an extension that answers many requests on the same text, such as
// completions on a large file, pays for its scan once per text instead of
// once per request.
//
// A value is reused only for exactly the same text: same URI, same version
// and byte-identical text (checked with Equal, so a document closed and
// reopened with the same version number but other text gets a new value). It
// holds the values of the Size most recently used documents and drops the
// least recently used one past that.
//
// A large value is best kept free of pointers (offsets into the text rather
// than strings of it): the guest's garbage collector scans every pointer it
// holds at each cycle, which in wasm costs milliseconds for tens of
// thousands of them.
//
// The zero value is ready to use. A guest runs one request at a time, so the
// cache needs no lock; natively (in tests) do not share one between
// goroutines.
type DocumentCache[T any] struct {
	// Size is the number of documents whose values are kept; 0 means 8.
	Size int

	// Update, if set, computes the value for a new text of a document from
	// the value for its previous text (the same URI), for an extension
	// that can update its value for an edit faster than it builds it anew;
	// old is not used again. It reports false to have the value built
	// from the new text instead.
	Update func(old T, oldText, text string) (T, bool)

	entries []cacheEntry[T] // the most recently used last
}

type cacheEntry[T any] struct {
	uri     string
	version int32
	text    string
	value   T
}

// Get returns the value for doc's text: the cached one if the cache holds
// one for exactly this text, otherwise build(doc.Text), which it then keeps.
func (c *DocumentCache[T]) Get(doc *Document, build func(text string) T) T {
	var previous *cacheEntry[T] // the document's entry for another text
	for i, e := range c.entries {
		if e.uri != doc.URI {
			continue
		}
		c.entries = append(c.entries[:i], c.entries[i+1:]...)
		if e.version == doc.Version && Equal(e.text, doc.Text) {
			// The same bytes, maybe in another string (the host sent the
			// text again): keep the string the next requests get (the SDK
			// hands back the text it kept), so that they compare pointers,
			// not 400 KB a request.
			e.text = doc.Text
			c.entries = append(c.entries, e)
			return e.value
		}
		previous = &e
		break
	}
	size := c.Size
	if size <= 0 {
		size = 8
	}
	if len(c.entries) >= size {
		clear(c.entries[:1]) // let the dropped text and value be collected
		c.entries = append(c.entries[:0], c.entries[1:]...)
	}
	var v T
	updated := false
	if previous != nil && c.Update != nil {
		v, updated = c.Update(previous.value, previous.text, doc.Text)
	}
	if !updated {
		v = build(doc.Text)
	}
	c.entries = append(c.entries, cacheEntry[T]{uri: doc.URI, version: doc.Version, text: doc.Text, value: v})
	return v
}

// Has reports whether the cache keeps a value for exactly doc's text.
func (c *DocumentCache[T]) Has(doc *Document) bool {
	for _, e := range c.entries {
		if e.uri == doc.URI && e.version == doc.Version && Equal(e.text, doc.Text) {
			return true
		}
	}
	return false
}

// HasDocument reports whether the cache keeps a value for some text of the
// document uri: for its current text, or for an earlier one that Get hands
// to Update. Without one Get builds the value from nothing, which an
// extension may want to avoid in a request whose answer can be had more
// cheaply, as the words example does on an instance that the host started
// while the one with the value was busy.
func (c *DocumentCache[T]) HasDocument(uri string) bool {
	for _, e := range c.entries {
		if e.uri == uri {
			return true
		}
	}
	return false
}

// Equal reports whether a and b are the same string: a == b, which it is in
// a native build. In a wasm guest == compares one byte per loop iteration,
// and under the host's preemption checks every loop iteration costs about
// 50 ns (20 ms for 400 KB); Equal compares 32 bytes per iteration.
func Equal(a, b string) bool {
	if runtime.GOARCH != "wasm" {
		return a == b
	}
	return equalWords(a, b)
}

// equalWords is a == b by 64-bit words.
func equalWords(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	if unsafe.StringData(a) == unsafe.StringData(b) {
		return true // the same bytes
	}
	i := 0
	for ; i+32 <= len(a); i += 32 {
		// ^ and | bind equally in Go: the parentheses matter.
		if (load64(a, i)^load64(b, i))|(load64(a, i+8)^load64(b, i+8))|
			(load64(a, i+16)^load64(b, i+16))|(load64(a, i+24)^load64(b, i+24)) != 0 {
			return false
		}
	}
	for ; i+8 <= len(a); i += 8 {
		if load64(a, i) != load64(b, i) {
			return false
		}
	}
	return a[i:] == b[i:]
}
