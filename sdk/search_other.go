//go:build !wasip1

package sdk

import "strings"

// hostIndex is never called outside wasm: Index calls strings.Index there.
func hostIndex(s, substr string) int32 { return int32(strings.Index(s, substr)) }
