#!/bin/sh
# Builds todo.wasm (or the file named by $1) from todo.c with Debian's clang,
# lld and wasi-libc: a WASI reactor (it exports _initialize, no _start).
set -eu
out=${1:-$(dirname "$0")/todo.wasm}
case $out in /*) ;; *) out=$PWD/$out ;; esac
cd "$(dirname "$0")"
clang --target=wasm32-wasi -mexec-model=reactor -O2 -Wl,--strip-all -o "$out" todo.c
