#!/bin/sh
# Builds todo.wasm (or the file named by $1) from todo.rs with Debian's rustc
# and libstd-rust-dev-wasm32: no cargo, no crates.
set -eu
cd "$(dirname "$0")"
out=${1:-todo.wasm}
/usr/bin/rustc --edition 2021 --target wasm32-wasi --crate-type cdylib -C opt-level=s \
	-C panic=abort -C strip=symbols -o "$out" todo.rs
