#!/bin/sh
# Builds todo.wasm (or the file named by $1) from todo.rs with Debian's rustc
# and libstd-rust-dev-wasm32: no cargo, no crates.
set -eu
out=${1:-$(dirname "$0")/todo.wasm}
case $out in /*) ;; *) out=$PWD/$out ;; esac
cd "$(dirname "$0")"
/usr/bin/rustc --edition 2021 --target wasm32-wasi --crate-type cdylib -C opt-level=s \
	-C panic=abort -C strip=symbols -o "$out" todo.rs
