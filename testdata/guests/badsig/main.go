// Command badsig exports the ABI's functions by name, without the SDK, but
// two of them with the wrong wasm signatures: lsphost_alloc is (i64) -> i64
// and lsphost_call is (i32) -> i32. lsphost_abi_version is correct. The host
// must refuse it at load time, naming each wrong export and its signature.
package main

//go:wasmexport lsphost_abi_version
func abiVersion() int32 { return 1 }

//go:wasmexport lsphost_alloc
func alloc(size int64) int64 { return 0 }

//go:wasmexport lsphost_call
func call(ptr uint32) uint32 { return 0 }

func main() {}
