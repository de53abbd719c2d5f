#!/bin/sh
# Builds todo.wasm (or the file named by $1) from todo.ts with the
# AssemblyScript compiler pinned in package-lock.json (npm ci installs it).
set -eu
out=${1:-$(dirname "$0")/todo.wasm}
case $out in /*) ;; *) out=$PWD/$out ;; esac
cd "$(dirname "$0")"
[ -x node_modules/.bin/asc ] || npm ci --no-audit --no-fund
node_modules/.bin/asc todo.ts -O3 --runtime incremental --exportStart _initialize --use abort= -o "$out"
