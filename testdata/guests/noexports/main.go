// Command noexports is a valid WASI reactor that is not an lsphost
// extension: it uses no SDK and exports none of the ABI's functions. The
// host must refuse it at load time, naming what is missing.
package main

func main() {}
