//go:build linux && (amd64 || arm64)

package extensions

import (
	"syscall"

	"github.com/tetratelabs/wazero/experimental"
)

// allocate backs every instance's linear memory with its own mapping
// outside the Go heap, reserved at the memory's maximum (the extension's
// memory limit) and used as the guest grows into it. Compared with wazero's
// default, a Go slice grown by copying:
//
//   - growing never copies, and never holds the old and the new copy at once;
//   - guest memory does not count toward the Go heap, so the garbage
//     collector's target (twice the live heap) is not inflated by it and the
//     host's own garbage is collected as often as its own size warrants;
//   - a closed instance's pages go back to the kernel at once, instead of
//     when the Go scavenger gets to them.
//
// Pages the guest never touches cost no memory. The module's memory image,
// if it has one, is mapped over the start of the reservation copy-on-write:
// its pages cost an instance nothing until it touches them, and only those
// it writes become its own. wazero frees the memory only when no call runs
// on the instance any more (a deadline that stops a guest leaves it to the
// caller's goroutine), and lsphost reads an instance's memory only during
// or right after its own call, so nothing touches a mapping once it is
// unmapped.
func allocate(capacity, maxBytes uint64, img *memoryImage) (experimental.LinearMemory, error) {
	if maxBytes == 0 || maxBytes > 1<<32 {
		return allocateGo(capacity, img)
	}
	buf, err := syscall.Mmap(-1, 0, int(maxBytes), syscall.PROT_READ|syscall.PROT_WRITE,
		syscall.MAP_PRIVATE|syscall.MAP_ANONYMOUS|syscall.MAP_NORESERVE)
	if err != nil {
		return allocateGo(capacity, img) // no address space: a Go slice still works
	}
	m := &mappedMemory{buf: buf}
	if img != nil {
		if err := img.mapInto(buf); err != nil {
			return m, img.copyTo(buf)
		}
	}
	return m, nil
}

type mappedMemory struct {
	buf []byte // the whole mapping; the guest sees a prefix of it
}

func (m *mappedMemory) Reallocate(size uint64) []byte {
	if size > uint64(len(m.buf)) {
		return nil
	}
	return m.buf[:size]
}

func (m *mappedMemory) Free() {
	buf := m.buf
	m.buf = nil
	if buf == nil {
		return
	}
	_ = syscall.Munmap(buf)
}
