// Package text holds the text of an open document as an immutable Snapshot
// that takes LSP incremental edits without copying the whole text, and
// converts between byte offsets and LSP positions in every position encoding.
//
// It knows nothing of URIs, versions, languages or the protocol's JSON types:
// the document store pairs a Snapshot with those.
//
// # Why a chunk list?
//
// Typing into a large file sends one small edit per keystroke. Rebuilding a
// flat string would copy the whole file each time; a Snapshot instead holds the
// text as a list of immutable chunks of at most a few KiB, so an edit rebuilds
// one or two chunks and copies the list of chunk headers. A one-level list
// (rather than a rope or B-tree) keeps the code small: even a 100k-line file
// has only about a thousand chunks, and copying their headers is cheap next to
// copying the text (see bench_test.go).
//
// Each chunk header records the byte offset and the number of line breaks
// before the chunk, so a line or an offset is found by binary search and a
// scan of one chunk. For those per-chunk counts to be exact, and for every
// chunk to decode on its own, no "\r\n" pair and no UTF-8 sequence is ever
// split between two chunks.
package text

import (
	"cmp"
	"strings"
	"unicode/utf8"
)

// defaultChunkSize is the largest chunk New makes, chosen by BenchmarkChunkSize:
// smaller chunks make each edit and position lookup scan less, larger ones make
// the header list that every edit copies shorter.
const defaultChunkSize = 4096

// Snapshot is the text of a document at one moment. It is never modified after
// it is created (Edit returns a new Snapshot that shares the unchanged chunks),
// so it is safe for concurrent use. The zero value is an empty text.
type Snapshot struct {
	chunks   []chunk
	size     int // bytes in all chunks
	breaks   int // line breaks in all chunks
	maxChunk int // largest chunk an edit makes; see newWithChunkSize
}

// chunk is one piece of a Snapshot's text with the totals of the text before it.
//
// Invariants: s is not empty; off and line are the byte and line-break counts
// of all previous chunks; s does not end with '\r' when the next chunk starts
// with '\n', nor with part of a UTF-8 sequence that the next chunk completes;
// and unless it is the only chunk, len(s) >= maxChunk/4, so that checking a
// chunk boundary never needs more than a chunk on each side.
type chunk struct {
	s    string
	off  int
	line int
}

// New returns a Snapshot holding s. The chunks are substrings of s: New does
// not copy the text.
func New(s string) *Snapshot {
	return newWithChunkSize(s, defaultChunkSize)
}

// newWithChunkSize is New with chunks of at most maxChunk bytes, which tests
// set small so that short texts cross many chunk boundaries.
func newWithChunkSize(s string, maxChunk int) *Snapshot {
	if maxChunk < 16 {
		panic("text: chunk size below 16") // cut needs room to keep pieces >= maxChunk/4
	}
	snap := &Snapshot{maxChunk: maxChunk}
	snap.chunks, snap.breaks = appendChunks(nil, s, maxChunk, 0, 0)
	snap.size = len(s)
	return snap
}

// Len returns the length of the text in bytes.
func (s *Snapshot) Len() int { return s.size }

// LineCount returns the number of lines: one more than the number of line
// breaks, so an empty text and a text ending in a line break both count the
// (empty) last line.
func (s *Snapshot) LineCount() int { return s.breaks + 1 }

// String returns the whole text. It allocates a copy when the text spans more
// than one chunk; prefer Chunks or CopyTo for large documents.
func (s *Snapshot) String() string {
	switch len(s.chunks) {
	case 0:
		return ""
	case 1:
		return s.chunks[0].s
	}
	var b strings.Builder
	b.Grow(s.size)
	for _, c := range s.chunks {
		b.WriteString(c.s)
	}
	return b.String()
}

// CopyTo copies the text into dst and returns the number of bytes copied,
// which is less than Len only if dst is shorter than Len.
func (s *Snapshot) CopyTo(dst []byte) int {
	n := 0
	for _, c := range s.chunks {
		if n == len(dst) {
			break
		}
		n += copy(dst[n:], c.s)
	}
	return n
}

// Chunks yields the text in order, one chunk at a time, without copying it.
// It has the shape of an iter.Seq[string]:
//
//	for part := range snap.Chunks { ... }
func (s *Snapshot) Chunks(yield func(string) bool) {
	for _, c := range s.chunks {
		if !yield(c.s) {
			return
		}
	}
}

// Slice returns the bytes [start, end) of the text, with both bounds clamped to
// [0, Len]; it returns "" if start >= end. It does not copy when the range lies
// within one chunk.
func (s *Snapshot) Slice(start, end int) string {
	start = min(max(start, 0), s.size)
	end = min(max(end, 0), s.size)
	if start >= end {
		return ""
	}
	i := s.chunkAt(start)
	if c := s.chunks[i]; end <= c.off+len(c.s) {
		return c.s[start-c.off : end-c.off]
	}
	var b strings.Builder
	b.Grow(end - start)
	for _, c := range s.chunks[i:] {
		if c.off >= end {
			break
		}
		b.WriteString(c.s[max(start-c.off, 0):min(end-c.off, len(c.s))])
	}
	return b.String()
}

// Edit returns a Snapshot with the range r, measured in enc, replaced by
// newText. The range is clamped as Offset clamps positions, and a range whose
// Start is after its End is taken as [End, Start]. s itself is unchanged.
//
// Only the chunks holding the ends of r (and a neighbour, to keep chunks from
// shrinking to nothing or splitting a "\r\n") are rebuilt; the rest are
// shared, so an edit costs O(chunk size + len(newText) + number of chunks).
func (s *Snapshot) Edit(r Range, newText string, enc Encoding) *Snapshot {
	start := s.Offset(r.Start, enc)
	end := start
	if r.End != r.Start { // typing inserts at a point
		end = s.Offset(r.End, enc)
	}
	if start > end {
		start, end = end, start
	}
	return s.replace(start, end, newText)
}

// replace returns a Snapshot with the bytes [start, end) replaced by text,
// where 0 <= start <= end <= s.size. The offsets need not be on character
// boundaries: the result is the spliced bytes, chunked as the invariants ask.
func (s *Snapshot) replace(start, end int, text string) *Snapshot {
	if start == end && text == "" {
		return s
	}
	old := s.chunks
	if len(old) == 0 {
		return newWithChunkSize(text, cmp.Or(s.maxChunk, defaultChunkSize))
	}

	// old[lo:hi] are the chunks to rebuild; mid is their new text.
	lo := s.chunkAt(start)
	hi := lo + 1
	if end > start {
		hi = s.chunkAt(end-1) + 1
	}
	first, last := old[lo], old[hi-1]
	mid := first.s[:start-first.off] + text + last.s[end-last.off:]

	// A short mid takes in a neighbour (the result is re-split below if too
	// long) so that every chunk keeps at least maxChunk/4 bytes.
	minChunk := s.maxChunk / 4
	for len(mid) < minChunk && (lo > 0 || hi < len(old)) {
		if lo > 0 {
			lo--
			mid = old[lo].s + mid
		} else {
			mid += old[hi].s
			hi++
		}
	}
	// The new text may have joined with a neighbour into a "\r\n" or a
	// UTF-8 sequence; such a neighbour is rebuilt too, so no pair straddles.
	for lo > 0 && straddles(old[lo-1].s, mid) {
		lo--
		mid = old[lo].s + mid
	}
	for hi < len(old) && straddles(mid, old[hi].s) {
		mid += old[hi].s
		hi++
	}

	oldBreaks := s.breaks - old[lo].line
	if hi < len(old) {
		oldBreaks = old[hi].line - old[lo].line
	}

	chunks := make([]chunk, lo, len(old)-(hi-lo)+len(mid)/(s.maxChunk/2)+2)
	copy(chunks, old[:lo])
	chunks, newBreaks := appendChunks(chunks, mid, s.maxChunk, old[lo].off, old[lo].line)
	dOff, dLine := len(text)-(end-start), newBreaks-oldBreaks
	for _, c := range old[hi:] {
		chunks = append(chunks, chunk{s: c.s, off: c.off + dOff, line: c.line + dLine})
	}
	return &Snapshot{
		chunks:   chunks,
		size:     s.size + dOff,
		breaks:   s.breaks + dLine,
		maxChunk: s.maxChunk,
	}
}

// appendChunks splits text into chunks of at most maxChunk bytes that start at
// byte offset off after line breaks line, appends them to chunks, and returns
// the result with the number of line breaks in text.
func appendChunks(chunks []chunk, text string, maxChunk, off, line int) ([]chunk, int) {
	breaks := 0
	for text != "" {
		n := cut(text, maxChunk)
		chunks = append(chunks, chunk{s: text[:n], off: off, line: line + breaks})
		breaks += countBreaks(text[:n])
		off += n
		text = text[n:]
	}
	return chunks, breaks
}

// cut returns the length of the first chunk of s: all of s if it fits in
// maxChunk bytes, otherwise an even share of s (so that no piece, the last
// included, is shorter than about maxChunk/2) moved back to a point that
// splits neither a "\r\n" nor a UTF-8 sequence.
func cut(s string, maxChunk int) int {
	if len(s) <= maxChunk {
		return len(s)
	}
	pieces := (len(s) + maxChunk - 1) / maxChunk
	n := len(s) / pieces
	for n > 1 && straddles(s[:n], s[n:]) { // at most 3 steps back
		n--
	}
	return n
}

// straddles reports whether a and b, adjacent in the text with a starting on a
// character boundary, split a "\r\n" or a UTF-8 sequence between them.
func straddles(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	if a[len(a)-1] == '\r' && b[0] == '\n' {
		return true
	}
	// A sequence that straddles starts in a's last three bytes with a lead
	// byte whose sequence a leaves incomplete and b completes. A lead byte is
	// never inside another sequence, so it is where decoding a stops.
	for i := max(len(a)-(utf8.UTFMax-1), 0); i < len(a); i++ {
		if a[i] < utf8.RuneSelf || !utf8.RuneStart(a[i]) || utf8.FullRuneInString(a[i:]) {
			continue
		}
		var buf [utf8.UTFMax]byte
		n := copy(buf[:], a[i:])
		n += copy(buf[n:], b)
		if r, size := utf8.DecodeRune(buf[:n]); r != utf8.RuneError || size > 1 {
			return true
		}
	}
	return false
}

// countBreaks returns the number of line breaks in s, counting "\r\n" once.
func countBreaks(s string) int {
	n := strings.Count(s, "\n")
	if strings.IndexByte(s, '\r') >= 0 {
		n += strings.Count(s, "\r") - strings.Count(s, "\r\n")
	}
	return n
}

// chunkAt returns the index of the chunk holding byte offset off, or of the
// last chunk if off is the end of the text; off must be in [0, Len] and the
// text not empty. At a boundary it is the chunk that starts at off.
func (s *Snapshot) chunkAt(off int) int {
	lo, hi := 0, len(s.chunks)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if s.chunks[m].off <= off {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo - 1
}
