//go:build wasip1

package sdk

// nativeRoot is "": in wasm only the host knows the folder.
func nativeRoot() string { return "" }
