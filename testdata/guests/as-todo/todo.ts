// An lsphost extension in AssemblyScript, written from abi/ABI.md alone:
// the "todo" guest every language implements the same way
// (docs/languages.md). Diagnostics: every whole-word TODO (information),
// FIXME and XXX (warning), with the rest of the line as the message.
// Completion: the three markers that start with the word before the cursor.
//
// Requests and responses live in raw memory from heap.alloc, not in
// garbage-collected objects: nothing is kept between calls but the last
// response, which the next call frees.

let input: usize = 0; // this request's input buffer
let out: usize = 0; // the response being written, then the last response
let outLen: usize = 0;
let outCap: usize = 0;

export function lsphost_abi_version(): i32 {
  return 1;
}

export function lsphost_alloc(size: i32): usize {
  if (input != 0) heap.free(input); // the previous request is done with
  input = heap.alloc(<usize>max(size, 1));
  return input;
}

function reserve(n: usize): void {
  if (outLen + n <= outCap) return;
  const cap = (outLen + n) * 2;
  out = out == 0 ? heap.alloc(cap) : heap.realloc(out, cap);
  outCap = cap;
}

function putByte(c: u8): void {
  reserve(1);
  store<u8>(out + outLen, c);
  outLen++;
}

// putASCII writes a string literal of ASCII characters.
function putASCII(s: string): void {
  reserve(<usize>s.length);
  for (let i = 0; i < s.length; i++) store<u8>(out + outLen + <usize>i, <u8>s.charCodeAt(i));
  outLen += <usize>s.length;
}

function putInt(v: usize): void {
  if (v >= 10) putInt(v / 10);
  putByte(<u8>(48 + (v % 10)));
}

const HEX = "0123456789abcdef";

// putJSONString writes n bytes at p as the inside of a JSON string.
function putJSONString(p: usize, n: usize): void {
  for (let i: usize = 0; i < n; i++) {
    const c = load<u8>(p + i);
    if (c == 0x22 || c == 0x5c) {
      putByte(0x5c);
      putByte(c);
    } else if (c < 0x20) {
      putASCII("\\u00");
      putByte(<u8>HEX.charCodeAt(c >> 4));
      putByte(<u8>HEX.charCodeAt(c & 15));
    } else {
      putByte(c);
    }
  }
}

// startsWith reports whether the n bytes at p start with the literal s.
function startsWith(p: usize, n: usize, s: string): bool {
  if (n < <usize>s.length) return false;
  for (let i = 0; i < s.length; i++) {
    if (load<u8>(p + <usize>i) != <u8>s.charCodeAt(i)) return false;
  }
  return true;
}

function isMethod(json: usize, n: usize, name: string): bool {
  const prefix = '{"method":"';
  const p = <usize>prefix.length;
  const k = <usize>name.length;
  return n > p + k && startsWith(json, n, prefix) && startsWith(json + p, n - p, name) && load<u8>(json + p + k) == 0x22;
}

function isASCIIWord(c: u8): bool {
  return c == 0x5f || (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

function isWord(c: u8): bool {
  return isASCIIWord(c) || c >= 0x80;
}

function marker(k: i32): string {
  return k == 0 ? "TODO" : k == 1 ? "FIXME" : "XXX";
}

const MAX_DIAGNOSTICS = 1000;
const MAX_MESSAGE: usize = 200;

function diagnostics(text: usize, n: usize): void {
  putASCII('{"result":{"diagnostics":[');
  let count = 0;
  let i: usize = 0;
  while (i < n && count < MAX_DIAGNOSTICS) {
    let k = 0;
    let klen: usize = 0;
    for (; k < 3; k++) {
      const m = marker(k);
      klen = <usize>m.length;
      if (
        startsWith(text + i, n - i, m) &&
        (i == 0 || !isWord(load<u8>(text + i - 1))) &&
        (i + klen == n || !isWord(load<u8>(text + i + klen)))
      ) break;
    }
    if (k == 3) {
      i++;
      continue;
    }
    let end = i;
    while (end < n && load<u8>(text + end) != 0x0a && load<u8>(text + end) != 0x0d) end++;
    while (end > i) {
      const c = load<u8>(text + end - 1);
      if (c != 0x20 && c != 0x09 && c != 0x0b && c != 0x0c) break;
      end--;
    }
    const len = end - i;
    let cut = len;
    if (len > MAX_MESSAGE) {
      cut = MAX_MESSAGE;
      for (let j = 1; j < 4 && cut - 1 > klen && (load<u8>(text + i + cut) & 0xc0) == 0x80; j++) cut--;
    }
    if (count > 0) putByte(0x2c);
    count++;
    putASCII('{"start":');
    putInt(i);
    putASCII(',"end":');
    putInt(i + klen);
    putASCII(k == 0 ? ',"severity":3,"message":"' : ',"severity":2,"message":"');
    putJSONString(text + i, cut);
    if (cut < len) {
      putByte(0xe2); // …
      putByte(0x80);
      putByte(0xa6);
    }
    putASCII('"}');
    i += klen;
  }
  putASCII("]}}");
}

// jsonInt reads the integer after "key": in the request; the host writes
// compact JSON, and an absent key means 0.
function jsonInt(json: usize, n: usize, key: string): usize {
  const k = <usize>key.length;
  for (let i: usize = 0; i + k + 3 <= n; i++) {
    if (
      load<u8>(json + i) == 0x22 &&
      (i == 0 || load<u8>(json + i - 1) != 0x5c) &&
      startsWith(json + i + 1, n - i - 1, key) &&
      load<u8>(json + i + k + 1) == 0x22 &&
      load<u8>(json + i + k + 2) == 0x3a
    ) {
      let v: usize = 0;
      for (let j = i + k + 3; j < n; j++) {
        const c = load<u8>(json + j);
        if (c < 0x30 || c > 0x39) break;
        v = v * 10 + <usize>(c - 0x30);
      }
      return v;
    }
  }
  return 0;
}

function completion(json: usize, jsonLen: usize, text: usize, n: usize): void {
  const cursor = min(jsonInt(json, jsonLen, "offset"), n);
  let start = cursor;
  while (start > 0 && isASCIIWord(load<u8>(text + start - 1))) start--;
  putASCII('{"result":{"items":[');
  let count = 0;
  for (let k = 0; k < 3; k++) {
    const m = marker(k);
    const plen = cursor - start;
    let j: usize = 0;
    while (j < plen && j < <usize>m.length && (load<u8>(text + start + j) & ~0x20) == <u8>m.charCodeAt(<i32>j)) j++;
    if (j != plen) continue; // the prefix does not start this marker
    if (count > 0) putByte(0x2c);
    count++;
    putASCII('{"label":"');
    putASCII(m);
    putASCII('","kind":14,"detail":"marker","edit":{"start":');
    putInt(start);
    putASCII(',"end":');
    putInt(cursor);
    putASCII(',"newText":"');
    putASCII(m);
    putASCII('"}}');
  }
  putASCII("]}}");
}

export function lsphost_call(ptr: usize, jsonLen: u32, textLen: u32): u64 {
  outLen = 0; // reuse the last response's buffer: the host has copied it
  const json = ptr;
  const n = <usize>jsonLen;
  const text = ptr + n;
  if (isMethod(json, n, "initialize")) {
    putASCII('{"result":{"name":"todo-assemblyscript","version":"1.0.0","features":["diagnostics","completion"]}}');
  } else if (isMethod(json, n, "diagnostics")) {
    diagnostics(text, <usize>textLen);
  } else if (isMethod(json, n, "completion")) {
    completion(json, n, text, <usize>textLen);
  } else {
    putASCII('{"error":{"message":"unknown method"}}');
  }
  return (<u64>out << 32) | <u64>outLen;
}
