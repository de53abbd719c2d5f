package extensions

import (
	"cmp"
	"math"
	"slices"
)

// Go's linker writes a module's data as one active segment per run of
// non-zero bytes, skipping every run of eight or more zeros: a Go guest has
// about 40,000 data segments. wazero decodes each into its own structures
// (kept on the heap for as long as the module is loaded) and, at every
// instantiation, evaluates each segment's offset and copies it on its own.
// Where they cannot become a memory image instead (prepareModule), packData
// merges such segments into a few large ones, writing out the zeros between
// them, which a fresh memory holds anyway: the module means exactly the
// same. See RATIONALE.md ("Why does lsphost rewrite a module's
// data segments?").
//
// It rewrites only what it can prove equivalent: every segment active, in
// memory 0, at an i32.const offset, none overlapping another, and no
// DataCount section (which memory.init and data.drop need: they name
// segments by index). Anything else, or any doubt about the encoding,
// returns code unchanged, for wazero to accept or reject.
func packData(code []byte) []byte {
	sections, ok := moduleSections(code)
	if !ok {
		return code
	}
	dataSec, ok := onlyDataSection(sections)
	if !ok {
		return code
	}
	data, dataStart, dataEnd := dataSec.body, dataSec.start, dataSec.end
	segs, ok := readSegments(data)
	if !ok {
		return code
	}
	groups, size := groupSegments(segs)
	if len(groups) == len(segs) || size > 2*len(data)+packGap {
		// Nothing to merge, or so many zeros to write out that the module
		// would grow more than it is worth.
		return code
	}
	out := make([]byte, 0, len(code)-(dataEnd-dataStart)+1+lenU32(uint32(size))+size)
	out = append(out, code[:dataStart]...)
	out = append(out, sectionData)
	out = appendU32(out, uint32(size))
	out = appendPacked(out, data, segs, groups)
	return append(out, code[dataEnd:]...)
}

// section is one section of a binary module: its id, its contents, and
// where it starts (at its id) and ends in the module.
type section struct {
	id         byte
	body       []byte
	start, end int
}

// moduleSections returns the sections of the binary module code, in order,
// or false if code is not one (another header, a size past the end).
func moduleSections(code []byte) ([]section, bool) {
	const header = 8 // "\0asm" and version 1
	if len(code) < header || string(code[:header]) != "\x00asm\x01\x00\x00\x00" {
		return nil, false
	}
	var sections []section
	for pos := header; pos < len(code); {
		size, n := readU32(code[pos+1:])
		if n == 0 || uint64(pos+1+n)+uint64(size) > uint64(len(code)) {
			return nil, false
		}
		end := pos + 1 + n + int(size)
		sections = append(sections, section{id: code[pos], body: code[pos+1+n : end], start: pos, end: end})
		pos = end
	}
	return sections, true
}

// onlyDataSection returns the module's data section, or false if it has
// none, more than one, or a DataCount section (which memory.init and
// data.drop need: they name segments by index, so the segments must stay
// as they are).
func onlyDataSection(sections []section) (data section, ok bool) {
	for _, s := range sections {
		switch {
		case s.id == sectionDataCount, s.id == sectionData && ok:
			return section{}, false
		case s.id == sectionData:
			data, ok = s, true
		}
	}
	return data, ok
}

const (
	sectionData      = 11
	sectionDataCount = 12

	// packGap is the longest run of zeros written out to join two segments;
	// a longer one starts a new segment. Go's segments are mostly 17 to 32
	// zeros apart: they become one or two segments, with about 0.7 MB of
	// zeros added to 1 MB of data.
	packGap = 4096
)

// segment is one active data segment: its bytes data[from:from+size] go to
// memory at offset.
type segment struct{ offset, from, size uint32 }

func (s segment) end() uint64 { return uint64(s.offset) + uint64(s.size) }

// readSegments parses the contents of a data section whose segments can all
// be packed, and returns them sorted by offset.
func readSegments(data []byte) ([]segment, bool) {
	segs, ok := parseSegments(data)
	if !ok {
		return nil, false
	}
	// Segments that do not overlap write bytes no other one writes, so the
	// order they are applied in does not matter (Go's linker writes them in
	// the order of its sections, not by address).
	byOffset := func(a, b segment) int { return cmp.Compare(a.offset, b.offset) }
	if !slices.IsSortedFunc(segs, byOffset) {
		slices.SortFunc(segs, byOffset)
	}
	for i := 1; i < len(segs); i++ {
		if uint64(segs[i].offset) < segs[i-1].end() {
			return nil, false
		}
	}
	return segs, true
}

// parseSegments parses the contents of a data section whose segments are
// all active in memory 0 at an i32.const offset, and returns them in the
// section's order.
func parseSegments(data []byte) ([]segment, bool) {
	count, n := readU32(data)
	if n == 0 || uint64(count) > uint64(len(data)) {
		return nil, false
	}
	segs := make([]segment, 0, count)
	pos := n
	for range count {
		// Flags 0: active in memory 0, then an offset expression and bytes.
		if pos+1 >= len(data) || data[pos] != 0 || data[pos+1] != opI32Const {
			return nil, false
		}
		offset, n := readS32(data[pos+2:])
		pos += 2 + n
		if n == 0 || pos >= len(data) || data[pos] != opEnd {
			return nil, false
		}
		size, n := readU32(data[pos+1:])
		pos += 1 + n
		if n == 0 || uint64(pos)+uint64(size) > uint64(len(data)) {
			return nil, false
		}
		segs = append(segs, segment{offset: uint32(offset), from: uint32(pos), size: size})
		pos += int(size)
	}
	if pos != len(data) {
		return nil, false
	}
	return segs, true
}

const (
	opI32Const = 0x41
	opEnd      = 0x0b
)

// groupSegments splits sorted segs into runs of segments no more than
// packGap apart, run i starting at segs[starts[i]], and returns the exact
// size of the data section that holds each run as one segment.
func groupSegments(segs []segment) (starts []int, size int) {
	for i := 0; i < len(segs); {
		j := i + 1
		for j < len(segs) && uint64(segs[j].offset)-segs[j-1].end() <= packGap {
			j++
		}
		span := segs[j-1].end() - uint64(segs[i].offset)
		if span > math.MaxInt32 {
			return nil, math.MaxInt // more than a module holds: not packed
		}
		// flags, i32.const, offset, end, size, bytes
		size += 2 + lenS32(int32(segs[i].offset)) + 1 + lenU32(uint32(span)) + int(span)
		starts = append(starts, i)
		i = j
	}
	return starts, size + lenU32(uint32(len(starts)))
}

// appendPacked appends the contents of a data section holding each group of
// segs (groupSegments) as one segment.
func appendPacked(out, data []byte, segs []segment, starts []int) []byte {
	out = appendU32(out, uint32(len(starts)))
	for i, start := range starts {
		end := len(segs)
		if i+1 < len(starts) {
			end = starts[i+1]
		}
		group := segs[start:end]
		first := group[0]
		out = append(out, 0, opI32Const)
		out = appendS32(out, int32(first.offset))
		out = append(out, opEnd)
		out = appendU32(out, uint32(group[len(group)-1].end()-uint64(first.offset)))
		base := len(out)
		for _, s := range group {
			out = append(out, make([]byte, int(s.offset-first.offset)-(len(out)-base))...)
			out = append(out, data[s.from:s.from+s.size]...)
		}
	}
	return out
}

// readU32 decodes an unsigned LEB128 of at most 32 bits; n is 0 if b does
// not start with one.
func readU32(b []byte) (v uint32, n int) {
	var x uint64
	for i := 0; i < 5 && i < len(b); i++ {
		x |= uint64(b[i]&0x7f) << (7 * i)
		if b[i] < 0x80 {
			if x > 0xffffffff {
				return 0, 0
			}
			return uint32(x), i + 1
		}
	}
	return 0, 0
}

// readS32 decodes a signed LEB128 of at most 32 bits; n is 0 if b does not
// start with one.
func readS32(b []byte) (v int32, n int) {
	var x int64
	for i := 0; i < 5 && i < len(b); i++ {
		x |= int64(b[i]&0x7f) << (7 * i)
		if b[i] < 0x80 {
			if b[i]&0x40 != 0 {
				x |= -1 << (7 * (i + 1)) // sign extension
			}
			if x < -1<<31 || x > 1<<31-1 {
				return 0, 0
			}
			return int32(x), i + 1
		}
	}
	return 0, 0
}

// appendU32 appends v as an unsigned LEB128.
func appendU32(b []byte, v uint32) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

// appendS32 appends v as a signed LEB128.
func appendS32(b []byte, v int32) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if v == 0 && c&0x40 == 0 || v == -1 && c&0x40 != 0 {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}

func lenU32(v uint32) int { return len(appendU32(make([]byte, 0, 5), v)) }
func lenS32(v int32) int  { return len(appendS32(make([]byte, 0, 5), v)) }
