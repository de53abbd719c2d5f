//go:build wasip1

package sdk

import "unsafe"

// runsRoom is how many runs the next call makes room for: at least as many
// as the last text had, whose next version has about as many.
var runsRoom = 4096

func distinctRuns(s string, class *ByteClass) ([]Run, bool) {
	buf := make([]uint32, 3*runsRoom)
	n := int(hostRuns(s, class, unsafe.SliceData(buf), uint32(runsRoom)))
	if n < 0 {
		return nil, false
	}
	if n > runsRoom { // nothing written: again, with room
		runsRoom = n
		buf = make([]uint32, 3*n)
		n = int(hostRuns(s, class, unsafe.SliceData(buf), uint32(n)))
	}
	runs := make([]Run, n)
	for i := range runs {
		start := int(buf[3*i])
		runs[i] = Run{Start: start, End: start + int(buf[3*i+1]), Count: int(buf[3*i+2])}
	}
	return runs, true
}

// hostRuns is the host's runs function: the runs of s in class, written to
// out as three uint32 each if outCap holds them; it returns their number,
// or -1 for more than MaxRuns. A string is passed as the (ptr i32, len
// i32) pair the ABI specifies.
//
//go:wasmimport lsphost runs
//go:noescape
func hostRuns(s string, class *ByteClass, out *uint32, outCap uint32) int32
