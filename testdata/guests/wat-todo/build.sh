#!/bin/sh
# Builds todo.wasm (or the file named by $1) from todo.wat with Debian's wabt.
set -eu
cd "$(dirname "$0")"
out=${1:-todo.wasm}
wat2wasm todo.wat -o "$out"
