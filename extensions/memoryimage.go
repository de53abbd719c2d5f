package extensions

import (
	"fmt"
	"os"
)

// A module's data segments say what its linear memory holds when an
// instance starts. Where the platform allows it (memoryimage_linux.go),
// lsphost takes them out of the module before compiling it and writes them
// once into a memory image, which every instance maps copy-on-write at the
// start of its linear memory (linearmemory_linux.go): starting an instance
// copies nothing, pages of the image an instance never touches cost it
// nothing, and pages it only reads are shared between instances, as a
// native loader maps a program's data and as wasmtime starts wasm instances.
// See RATIONALE.md ("Why does lsphost rewrite a module's data segments?").

// memoryImage is a module's initial linear memory from address 0, in a
// sealed file the instances map.
type memoryImage struct {
	file *os.File // closed when the image is unreachable (os.File's cleanup)
	fd   uintptr
	size int // what is mapped: the data's end rounded up to a page
}

// copyTo writes the image into buf, for a memory it cannot be mapped into.
func (img *memoryImage) copyTo(buf []byte) error {
	if len(buf) < img.size {
		return fmt.Errorf("a memory of %d bytes cannot hold the module's data (%d bytes)", len(buf), img.size)
	}
	_, err := img.file.ReadAt(buf[:img.size], 0)
	return err
}

// prepareModule returns the bytes to compile for code, and the memory image
// its instances start from, or nil when the data stays in the module (then
// packed: packData).
func prepareModule(code []byte) ([]byte, *memoryImage) {
	if layout, ok := splitData(code); ok {
		if img, err := newMemoryImage(layout); err == nil {
			return layout.module, img
		}
	}
	return packData(code), nil
}

// dataLayout is a module without its data section, and that section's
// segments.
type dataLayout struct {
	module []byte    // the module without its data section
	data   []byte    // the data section's contents, which segs point into
	segs   []segment // in the section's order, which is the order they are applied in
	end    uint64    // where the segment that ends last ends: the size of the image
}

// splitData takes the data section out of code when an image of it means
// exactly the same: the module defines its one memory (so none is imported;
// wazero supports a single memory), not shared and 32-bit; every segment is
// active in it at an i32.const offset and within its initial size (where an
// instantiation would fail instead); and there is no DataCount section
// (memory.init and data.drop name segments by index). The image is written
// in the section's order, as an instantiation applies segments, so segments
// may overlap. Anything else, or any doubt about the encoding, is left to
// packData and wazero.
func splitData(code []byte) (dataLayout, bool) {
	sections, ok := moduleSections(code)
	if !ok {
		return dataLayout{}, false
	}
	dataSec, ok := onlyDataSection(sections)
	if !ok {
		return dataLayout{}, false
	}
	minPages := -1
	for _, s := range sections {
		if s.id != sectionMemory {
			continue
		}
		// One memory, limits flag 0 (min) or 1 (min and max), in one section.
		body := s.body
		if minPages >= 0 || len(body) < 3 || body[0] != 1 || body[1] > 1 {
			return dataLayout{}, false
		}
		pages, n := readU32(body[2:])
		if n == 0 {
			return dataLayout{}, false
		}
		minPages = int(pages)
	}
	if minPages < 0 {
		return dataLayout{}, false
	}
	data, dataStart, dataEnd := dataSec.body, dataSec.start, dataSec.end
	segs, ok := parseSegments(data)
	if !ok || len(segs) == 0 {
		return dataLayout{}, false
	}
	l := dataLayout{data: data, segs: segs}
	for _, s := range segs {
		l.end = max(l.end, s.end())
	}
	if l.end > uint64(minPages)*65536 {
		return dataLayout{}, false
	}
	l.module = append(append(make([]byte, 0, len(code)-(dataEnd-dataStart)), code[:dataStart]...), code[dataEnd:]...)
	return l, true
}

const sectionMemory = 5
