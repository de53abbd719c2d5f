//go:build wasip1

package sdk

func index(s, substr string) int { return int(hostIndex(s, substr)) }

// hostIndex is the host's index function: strings.Index, run natively; a
// string is passed as the (ptr i32, len i32) pair the ABI specifies.
//
//go:wasmimport lsphost index
//go:noescape
func hostIndex(s, substr string) int32
