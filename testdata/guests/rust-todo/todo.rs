//! An lsphost extension in Rust, written from abi/ABI.md alone: the "todo"
//! guest every language implements the same way (docs/languages.md).
//! Diagnostics: every whole-word TODO (information), FIXME and XXX
//! (warning), with the rest of the line as the message. Completion: the
//! three markers that start with the word before the cursor. Only std, no
//! crates; no imports beyond what std's wasm32-wasi target brings.

use std::cell::RefCell;

thread_local! {
    /// The current request's input buffer.
    static INPUT: RefCell<Vec<u8>> = RefCell::new(Vec::new());
    /// The last response: it must stay valid until the next call.
    static OUTPUT: RefCell<Vec<u8>> = RefCell::new(Vec::new());
}

#[no_mangle]
pub extern "C" fn lsphost_abi_version() -> i32 {
    1
}

#[no_mangle]
pub extern "C" fn lsphost_alloc(size: i32) -> i32 {
    INPUT.with(|input| {
        let mut input = input.borrow_mut();
        // A fresh buffer each call: the old one is dropped, not kept.
        *input = vec![0u8; size.max(1) as usize];
        input.as_mut_ptr() as i32
    })
}

#[no_mangle]
pub extern "C" fn lsphost_call(_ptr: i32, json_len: i32, text_len: i32) -> i64 {
    let input = INPUT.with(|input| std::mem::take(&mut *input.borrow_mut()));
    let json_len = json_len as usize;
    let (json, rest) = input.split_at(json_len.min(input.len()));
    let text = &rest[..(text_len as usize).min(rest.len())];
    let mut out = Vec::new();
    if is_method(json, "initialize") {
        out.extend_from_slice(
            br#"{"result":{"name":"todo-rust","version":"1.0.0","features":["diagnostics","completion"]}}"#,
        );
    } else if is_method(json, "diagnostics") {
        diagnostics(text, &mut out);
    } else if is_method(json, "completion") {
        completion(json, text, &mut out);
    } else {
        out.extend_from_slice(br#"{"error":{"message":"unknown method"}}"#);
    }
    OUTPUT.with(|o| {
        *o.borrow_mut() = out; // drops the previous response
        let o = o.borrow();
        ((o.as_ptr() as u32 as i64) << 32) | o.len() as i64
    })
}

fn is_method(json: &[u8], name: &str) -> bool {
    let prefix = br#"{"method":""#;
    let n = name.len();
    json.len() > prefix.len() + n
        && json.starts_with(prefix)
        && &json[prefix.len()..prefix.len() + n] == name.as_bytes()
        && json[prefix.len() + n] == b'"'
}

const MARKERS: [&[u8]; 3] = [b"TODO", b"FIXME", b"XXX"];
const MAX_DIAGNOSTICS: usize = 1000;
const MAX_MESSAGE: usize = 200;

fn is_word(c: u8) -> bool {
    c == b'_' || c.is_ascii_alphanumeric() || c >= 0x80
}

fn put_json_string(out: &mut Vec<u8>, s: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for &c in s {
        match c {
            b'"' | b'\\' => out.extend_from_slice(&[b'\\', c]),
            0..=0x1f => out.extend_from_slice(&[b'\\', b'u', b'0', b'0', HEX[(c >> 4) as usize], HEX[(c & 15) as usize]]),
            _ => out.push(c),
        }
    }
}

fn diagnostics(text: &[u8], out: &mut Vec<u8>) {
    out.extend_from_slice(br#"{"result":{"diagnostics":["#);
    let n = text.len();
    let mut count = 0;
    let mut i = 0;
    while i < n && count < MAX_DIAGNOSTICS {
        let found = MARKERS.iter().position(|m| {
            let end = i + m.len();
            text[i..].starts_with(m) && (i == 0 || !is_word(text[i - 1])) && (end == n || !is_word(text[end]))
        });
        let k = match found {
            Some(k) => k,
            None => {
                i += 1;
                continue;
            }
        };
        let klen = MARKERS[k].len();
        let mut end = i;
        while end < n && text[end] != b'\n' && text[end] != b'\r' {
            end += 1;
        }
        while end > i && matches!(text[end - 1], b' ' | b'\t' | 0x0b | 0x0c) {
            end -= 1;
        }
        let len = end - i;
        let mut cut = len;
        if len > MAX_MESSAGE {
            cut = MAX_MESSAGE;
            let mut j = 1;
            while j < 4 && cut - 1 > klen && text[i + cut] & 0xC0 == 0x80 {
                cut -= 1;
                j += 1;
            }
        }
        if count > 0 {
            out.push(b',');
        }
        count += 1;
        let severity = if k == 0 { 3 } else { 2 };
        out.extend_from_slice(
            format!(r#"{{"start":{},"end":{},"severity":{},"message":""#, i, i + klen, severity).as_bytes(),
        );
        put_json_string(out, &text[i..i + cut]);
        if cut < len {
            out.extend_from_slice("…".as_bytes());
        }
        out.extend_from_slice(br#""}"#);
        i += klen;
    }
    out.extend_from_slice(b"]}}");
}

/// json_int reads the integer after "key": in the request; the host writes
/// compact JSON, and an absent key means 0.
fn json_int(json: &[u8], key: &str) -> usize {
    let pat = format!("\"{}\":", key);
    let pat = pat.as_bytes();
    let mut i = 0;
    while i + pat.len() <= json.len() {
        if json[i..].starts_with(pat) && (i == 0 || json[i - 1] != b'\\') {
            let mut v: usize = 0;
            for &c in &json[i + pat.len()..] {
                if !c.is_ascii_digit() {
                    break;
                }
                v = v.saturating_mul(10).saturating_add((c - b'0') as usize);
            }
            return v;
        }
        i += 1;
    }
    0
}

fn completion(json: &[u8], text: &[u8], out: &mut Vec<u8>) {
    let cursor = json_int(json, "offset").min(text.len());
    let mut start = cursor;
    while start > 0 && (text[start - 1] == b'_' || text[start - 1].is_ascii_alphanumeric()) {
        start -= 1;
    }
    let prefix = text[start..cursor].to_ascii_uppercase();
    out.extend_from_slice(br#"{"result":{"items":["#);
    let mut count = 0;
    for m in MARKERS {
        if !m.starts_with(&prefix) {
            continue;
        }
        if count > 0 {
            out.push(b',');
        }
        count += 1;
        let m = std::str::from_utf8(m).unwrap();
        out.extend_from_slice(
            format!(
                r#"{{"label":"{}","kind":14,"detail":"marker","edit":{{"start":{},"end":{},"newText":"{}"}}}}"#,
                m, start, cursor, m
            )
            .as_bytes(),
        );
    }
    out.extend_from_slice(b"]}}");
}
