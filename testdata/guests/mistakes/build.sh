#!/bin/sh
# Builds the mistakes lsphost verify must catch: each is wat-todo/todo.wat
# (or c-todo/todo.c) with one deliberate error, made by a sed expression
# below, compiled with Debian's wabt (or clang) into NAME.wasm here (or into
# the folder named by $1).
set -eu
out=$(cd "${1:-$(dirname "$0")}" && pwd)
cd "$(dirname "$0")"
src=../wat-todo/todo.wat
mistake() { # mistake NAME SED-EXPRESSION
	sed -e "$2" "$src" > "$out/$1.wat"
	if cmp -s "$src" "$out/$1.wat"; then echo "mistake $1: the sed expression changed nothing" >&2; exit 1; fi
	wat2wasm "$out/$1.wat" -o "$out/$1.wasm"
	rm "$out/$1.wat"
}
# lsphost_abi_version returns 2.
mistake abi2 's/(func (export "lsphost_abi_version") (result i32) (i32.const 1))/(func (export "lsphost_abi_version") (result i32) (i32.const 2))/'
# The linear memory is not exported.
mistake nomemory 's/(memory (export "memory") 1)/(memory 1)/'
# A diagnostic ends at text_len + its length: past the end of the text.
mistake offsets 's/(call $put_int (i32.add (local.get $i) (local.get $klen)))/(call $put_int (i32.add (local.get $n) (local.get $klen)))/'
# A completion edit ends at its start, before the cursor.
mistake editrange 's/(call $put_int (local.get $cursor))/(call $put_int (local.get $start))/'
# Each diagnostic lacks its closing brace: invalid JSON.
mistake badjson 's/(call $put (i32.const 576) (i32.const 2))/(call $put (i32.const 576) (i32.const 1))/'
# Long messages are cut at 200 bytes even inside a character: invalid UTF-8.
mistake splitutf8 's/(br_if $cutdone (i32.ge_u (local.get $j) (i32.const 4)))/(br $cutdone)/'
# An unknown method traps instead of answering an error.
mistake unknowntrap 's/(call $put (i32.const 1216) (i32.const 38)))/(unreachable))/'
# Every input buffer is left behind: memory grows with every call.
mistake leak 's/(global $input i32 (i32.const 4096))/(global $input (mut i32) (i32.const 4096))/; s/^    (global.get $input))$/    (global.get $input) (global.set $input (i32.add (global.get $input) (local.get $size))))/'
# Diagnostic offsets count characters, not bytes (C: a helper counts the
# bytes that start a character, going on from its last answer, since
# offsets grow within a call).
sed -e 's/^static int is_word(uint8_t c) {$/static const uint8_t *ct; static size_t cn; static long cc;\nstatic long chars(const uint8_t *t, size_t n) { if (t != ct || n < cn) { ct = t; cn = 0; cc = 0; } for (; cn < n; cn++) cc += (t[cn] \& 0xC0) != 0x80; return cc; }\n&/' \
	-e 's/put_int((long)i);/put_int(chars(text, i));/; s/put_int((long)(i + klen));/put_int(chars(text, i + klen));/' \
	../c-todo/todo.c > "$out/charoffsets.c"
if cmp -s ../c-todo/todo.c "$out/charoffsets.c" || [ "$(grep -c 'chars(text' "$out/charoffsets.c")" != 2 ]; then echo "mistake charoffsets: the sed expressions did not apply" >&2; exit 1; fi
clang --target=wasm32-wasi -mexec-model=reactor -O2 -Wl,--strip-all -o "$out/charoffsets.wasm" "$out/charoffsets.c"
rm "$out/charoffsets.c"
