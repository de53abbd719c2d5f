#!/bin/sh
# Builds todo.wasm (or the file named by $1) from todo.wat with Debian's wabt.
set -eu
out=${1:-$(dirname "$0")/todo.wasm}
case $out in /*) ;; *) out=$PWD/$out ;; esac
cd "$(dirname "$0")"
wat2wasm todo.wat -o "$out"
