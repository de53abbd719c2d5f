//go:build linux && (amd64 || arm64)

package extensions

import (
	"os"
	"runtime"
	"syscall"
	"unsafe"
)

// newMemoryImage writes l's segments into a memfd at their addresses and
// seals it: no one can change the image once instances map it, and what an
// instance writes stays its own (a private mapping). Pages no segment
// touches stay holes, which cost nothing and read as zeros.
func newMemoryImage(l dataLayout) (*memoryImage, error) {
	page := uint64(os.Getpagesize())
	size := (l.end + page - 1) &^ (page - 1)
	name := []byte("lsphost-memory-image\x00")
	fd, _, errno := syscall.Syscall(sysMemfdCreate, uintptr(unsafe.Pointer(&name[0])), mfdCloexec|mfdAllowSealing, 0)
	if errno != 0 {
		return nil, errno
	}
	img := &memoryImage{file: os.NewFile(fd, "lsphost-memory-image"), fd: fd, size: int(size)}
	if err := img.file.Truncate(int64(size)); err != nil {
		img.file.Close()
		return nil, err
	}
	buf, err := syscall.Mmap(int(fd), 0, int(size), syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_SHARED)
	if err != nil {
		img.file.Close()
		return nil, err
	}
	for _, s := range l.segs {
		copy(buf[s.offset:], l.data[s.from:s.from+s.size])
	}
	err = syscall.Munmap(buf)
	if err == nil {
		_, _, errno = syscall.Syscall(syscall.SYS_FCNTL, fd, fAddSeals, fSealSeal|fSealShrink|fSealGrow|fSealWrite)
		if errno != 0 {
			err = errno
		}
	}
	if err != nil {
		img.file.Close()
		return nil, err
	}
	return img, nil
}

// mapInto maps the image over the start of buf, a mapping of lsphost's own
// (allocateMapped), copy-on-write.
func (img *memoryImage) mapInto(buf []byte) error {
	if len(buf) < img.size {
		return img.copyTo(buf) // says why it cannot
	}
	_, _, errno := syscall.Syscall6(syscall.SYS_MMAP, uintptr(unsafe.Pointer(&buf[0])), uintptr(img.size),
		syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE|syscall.MAP_FIXED, img.fd, 0)
	runtime.KeepAlive(img) // the file stays open until the call is done
	if errno != 0 {
		return errno
	}
	return nil
}

// The syscall package predates memfd_create and file sealing.
var sysMemfdCreate = map[string]uintptr{"amd64": 319, "arm64": 279}[runtime.GOARCH]

const (
	mfdCloexec      = 0x1
	mfdAllowSealing = 0x2
	fAddSeals       = 1033
	fSealSeal       = 0x1
	fSealShrink     = 0x2
	fSealGrow       = 0x4
	fSealWrite      = 0x8
)
