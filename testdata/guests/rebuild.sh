#!/bin/sh
# Rebuilds every non-Go guest (each folder here with a build.sh) from source
# into the folder $1, as NAME.wasm, and the mistakes into $1/mistakes. Fails
# if a rebuilt module differs from the committed one: the committed .wasm
# files must be what their sources build to (make guests).
set -eu
out=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
status=0
for build in "$here"/*/build.sh; do
	dir=$(dirname "$build")
	name=$(basename "$dir")
	if [ "$name" = mistakes ]; then
		mkdir -p "$out/mistakes"
		"$build" "$out/mistakes"
		for f in "$out"/mistakes/*.wasm; do
			cmp -s "$f" "$dir/$(basename "$f")" || { echo "$name/$(basename "$f"): the committed file differs from what build.sh makes" >&2; status=1; }
		done
		continue
	fi
	echo "build $name"
	"$build" "$out/$name.wasm"
	cmp -s "$out/$name.wasm" "$dir/todo.wasm" || { echo "$name/todo.wasm: the committed file differs from what build.sh makes: run $name/build.sh and commit it" >&2; status=1; }
done
exit $status
