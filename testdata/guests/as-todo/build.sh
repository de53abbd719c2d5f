#!/bin/sh
# Builds todo.wasm (or the file named by $1) from todo.ts with the
# AssemblyScript compiler pinned in package-lock.json (npm ci installs it).
set -eu
cd "$(dirname "$0")"
out=${1:-todo.wasm}
[ -x node_modules/.bin/asc ] || npm ci --no-audit --no-fund
node_modules/.bin/asc todo.ts -O3 --runtime incremental --exportStart _initialize --use abort= -o "$out"
