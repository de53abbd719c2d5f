;; An lsphost extension in hand-written WebAssembly text, from abi/ABI.md
;; alone: the "todo" guest every language implements the same way
;; (docs/languages.md). Diagnostics: every whole-word TODO (information),
;; FIXME and XXX (warning), with the rest of the line as the message.
;; Completion: the three markers that start with the word before the cursor.
;;
;; Memory: constants below 4096; the input buffer always at 4096; the
;; response right after the input. Both are reused by every call, so memory
;; only grows to fit the largest request and response. No imports.
(module
  (memory (export "memory") 1)

  ;; Strings, each at a fixed address (its length is given where it is used).
  (data (i32.const 0) "{\"method\":\"")                                 ;; 11
  (data (i32.const 64) "initialize")                                    ;; 10
  (data (i32.const 128) "diagnostics")                                  ;; 11
  (data (i32.const 192) "completion")                                   ;; 10
  (data (i32.const 256) "{\"result\":{\"diagnostics\":[")               ;; 26
  (data (i32.const 320) "{\"start\":")                                  ;; 9
  (data (i32.const 384) ",\"end\":")                                    ;; 7
  (data (i32.const 448) ",\"severity\":3,\"message\":\"")               ;; 25
  (data (i32.const 512) ",\"severity\":2,\"message\":\"")               ;; 25
  (data (i32.const 576) "\"}")                                          ;; 2
  (data (i32.const 640) "]}}")                                          ;; 3
  (data (i32.const 704) "{\"result\":{\"items\":[")                     ;; 20
  (data (i32.const 768) "{\"label\":\"")                                ;; 10
  (data (i32.const 832) "\",\"kind\":14,\"detail\":\"marker\",\"edit\":{\"start\":") ;; 46
  (data (i32.const 896) ",\"newText\":\"")                              ;; 12
  (data (i32.const 960) "\"}}")                                         ;; 3
  (data (i32.const 1024) "TODO")                                        ;; marker 0: 4
  (data (i32.const 1040) "FIXME")                                       ;; marker 1: 5
  (data (i32.const 1056) "XXX")                                         ;; marker 2: 3
  (data (i32.const 1088) "0123456789abcdef")
  (data (i32.const 1152) "\"offset\":")                                 ;; 9
  (data (i32.const 1216) "{\"error\":{\"message\":\"unknown method\"}}") ;; 38
  (data (i32.const 1280) "{\"result\":{\"name\":\"todo-wat\",\"version\":\"1.0.0\",\"features\":[\"diagnostics\",\"completion\"]}}") ;; 88
  (data (i32.const 1408) "\\u00")                                       ;; 4
  (data (i32.const 1472) "\e2\80\a6")                                   ;; "…": 3

  (global $input i32 (i32.const 4096))
  (global $out (mut i32) (i32.const 0))     ;; start of the response
  (global $out_len (mut i32) (i32.const 0))
  (global $failed (mut i32) (i32.const 0))  ;; memory could not grow

  (func (export "lsphost_abi_version") (result i32) (i32.const 1))

  ;; reserve makes memory reach at least $end bytes; 0 if it cannot.
  (func $reserve (param $end i32) (result i32)
    (local $pages i32)
    (local.set $pages (i32.shr_u (i32.add (local.get $end) (i32.const 65535)) (i32.const 16)))
    (if (i32.gt_u (local.get $pages) (memory.size))
      (then
        (if (i32.eq (memory.grow (i32.sub (local.get $pages) (memory.size))) (i32.const -1))
          (then (return (i32.const 0))))))
    (i32.const 1))

  ;; lsphost_alloc: the input always goes at $input; the memory grows to fit.
  (func (export "lsphost_alloc") (param $size i32) (result i32)
    (if (i32.gt_u (local.get $size) (i32.const 0x7fff0000)) (then (return (i32.const 0))))
    (if (i32.eqz (call $reserve (i32.add (global.get $input) (local.get $size))))
      (then (return (i32.const 0))))
    (global.get $input))

  ;; put appends $n bytes at $p to the response.
  (func $put (param $p i32) (param $n i32)
    (local $at i32)
    (if (global.get $failed) (then (return)))
    (local.set $at (i32.add (global.get $out) (global.get $out_len)))
    (if (i32.eqz (call $reserve (i32.add (local.get $at) (local.get $n))))
      (then (global.set $failed (i32.const 1)) (return)))
    (memory.copy (local.get $at) (local.get $p) (local.get $n))
    (global.set $out_len (i32.add (global.get $out_len) (local.get $n))))

  (func $put_byte (param $c i32)
    (local $at i32)
    (if (global.get $failed) (then (return)))
    (local.set $at (i32.add (global.get $out) (global.get $out_len)))
    (if (i32.eqz (call $reserve (i32.add (local.get $at) (i32.const 1))))
      (then (global.set $failed (i32.const 1)) (return)))
    (i32.store8 (local.get $at) (local.get $c))
    (global.set $out_len (i32.add (global.get $out_len) (i32.const 1))))

  (func $put_int (param $v i32)
    (if (i32.ge_u (local.get $v) (i32.const 10))
      (then (call $put_int (i32.div_u (local.get $v) (i32.const 10)))))
    (call $put_byte (i32.add (i32.const 48) (i32.rem_u (local.get $v) (i32.const 10)))))

  ;; put_json writes $n bytes at $p as the inside of a JSON string.
  (func $put_json (param $p i32) (param $n i32)
    (local $i i32) (local $c i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $c (i32.load8_u (i32.add (local.get $p) (local.get $i))))
        (if (i32.or (i32.eq (local.get $c) (i32.const 0x22)) (i32.eq (local.get $c) (i32.const 0x5c)))
          (then (call $put_byte (i32.const 0x5c)) (call $put_byte (local.get $c)))
          (else
            (if (i32.lt_u (local.get $c) (i32.const 0x20))
              (then
                (call $put (i32.const 1408) (i32.const 4))
                (call $put_byte (i32.load8_u (i32.add (i32.const 1088) (i32.shr_u (local.get $c) (i32.const 4)))))
                (call $put_byte (i32.load8_u (i32.add (i32.const 1088) (i32.and (local.get $c) (i32.const 15))))))
              (else (call $put_byte (local.get $c))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next))))

  ;; starts reports whether the $avail bytes at $p begin with the $n bytes at $s.
  (func $starts (param $p i32) (param $avail i32) (param $s i32) (param $n i32) (result i32)
    (local $i i32)
    (if (i32.lt_u (local.get $avail) (local.get $n)) (then (return (i32.const 0))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (if (i32.ne (i32.load8_u (i32.add (local.get $p) (local.get $i)))
                    (i32.load8_u (i32.add (local.get $s) (local.get $i))))
          (then (return (i32.const 0))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (i32.const 1))

  ;; is_method: the request starts with {"method":"NAME".
  (func $is_method (param $json i32) (param $n i32) (param $name i32) (param $len i32) (result i32)
    (if (i32.le_u (local.get $n) (i32.add (i32.const 11) (local.get $len))) (then (return (i32.const 0))))
    (if (i32.eqz (call $starts (local.get $json) (local.get $n) (i32.const 0) (i32.const 11))) (then (return (i32.const 0))))
    (if (i32.eqz (call $starts (i32.add (local.get $json) (i32.const 11)) (i32.sub (local.get $n) (i32.const 11)) (local.get $name) (local.get $len)))
      (then (return (i32.const 0))))
    (i32.eq (i32.load8_u (i32.add (local.get $json) (i32.add (i32.const 11) (local.get $len)))) (i32.const 0x22)))

  ;; ASCII letters, digits and '_'.
  (func $is_ascii_word (param $c i32) (result i32)
    (i32.or
      (i32.or (i32.eq (local.get $c) (i32.const 0x5f))
              (i32.lt_u (i32.sub (local.get $c) (i32.const 0x30)) (i32.const 10)))
      (i32.lt_u (i32.sub (i32.or (local.get $c) (i32.const 0x20)) (i32.const 0x61)) (i32.const 26))))

  ;; A byte that makes a marker part of a longer word: also any non-ASCII byte.
  (func $is_word (param $c i32) (result i32)
    (i32.or (call $is_ascii_word (local.get $c)) (i32.ge_u (local.get $c) (i32.const 0x80))))

  (func $marker (param $k i32) (result i32)
    (i32.add (i32.const 1024) (i32.shl (local.get $k) (i32.const 4))))
  (func $marker_len (param $k i32) (result i32)
    (select (i32.const 4) (select (i32.const 5) (i32.const 3) (i32.eq (local.get $k) (i32.const 1)))
            (i32.eqz (local.get $k))))

  (func $diagnostics (param $text i32) (param $n i32)
    (local $i i32) (local $k i32) (local $klen i32) (local $end i32) (local $len i32)
    (local $cut i32) (local $j i32) (local $count i32) (local $c i32)
    (call $put (i32.const 256) (i32.const 26))
    (block $done
      (loop $scan
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (br_if $done (i32.ge_u (local.get $count) (i32.const 1000)))
        ;; Which marker, if any, starts a whole word at $i?
        (local.set $k (i32.const 0))
        (block $found
          (loop $try
            (local.set $klen (call $marker_len (local.get $k)))
            (if (i32.and
                  (call $starts (i32.add (local.get $text) (local.get $i)) (i32.sub (local.get $n) (local.get $i))
                                (call $marker (local.get $k)) (local.get $klen))
                  (i32.and
                    (i32.or (i32.eqz (local.get $i))
                            (i32.eqz (call $is_word (i32.load8_u (i32.sub (i32.add (local.get $text) (local.get $i)) (i32.const 1))))))
                    (i32.or (i32.eq (i32.add (local.get $i) (local.get $klen)) (local.get $n))
                            (i32.eqz (call $is_word (i32.load8_u (i32.add (local.get $text) (i32.add (local.get $i) (local.get $klen)))))))))
              (then (br $found)))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br_if $try (i32.lt_u (local.get $k) (i32.const 3)))
            ;; None: try the next byte.
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $scan)))
        ;; The message: the rest of the line without trailing blanks, cut to
        ;; 200 bytes without splitting a character.
        (local.set $end (local.get $i))
        (block $eol
          (loop $line
            (br_if $eol (i32.ge_u (local.get $end) (local.get $n)))
            (local.set $c (i32.load8_u (i32.add (local.get $text) (local.get $end))))
            (br_if $eol (i32.or (i32.eq (local.get $c) (i32.const 0x0a)) (i32.eq (local.get $c) (i32.const 0x0d))))
            (local.set $end (i32.add (local.get $end) (i32.const 1)))
            (br $line)))
        (block $trimmed
          (loop $trim
            (br_if $trimmed (i32.le_u (local.get $end) (local.get $i)))
            (local.set $c (i32.load8_u (i32.sub (i32.add (local.get $text) (local.get $end)) (i32.const 1))))
            ;; space, \t, \v, \f
            (br_if $trimmed (i32.and (i32.ne (local.get $c) (i32.const 0x20))
                                     (i32.or (i32.lt_u (local.get $c) (i32.const 0x09)) (i32.gt_u (local.get $c) (i32.const 0x0c)))))
            (br_if $trimmed (i32.eq (local.get $c) (i32.const 0x0a)))
            (local.set $end (i32.sub (local.get $end) (i32.const 1)))
            (br $trim)))
        (local.set $len (i32.sub (local.get $end) (local.get $i)))
        (local.set $cut (local.get $len))
        (if (i32.gt_u (local.get $len) (i32.const 200))
          (then
            (local.set $cut (i32.const 200))
            (local.set $j (i32.const 1))
            (block $cutdone
              (loop $back
                (br_if $cutdone (i32.ge_u (local.get $j) (i32.const 4)))
                (br_if $cutdone (i32.le_u (i32.sub (local.get $cut) (i32.const 1)) (local.get $klen)))
                (br_if $cutdone (i32.ne (i32.and (i32.load8_u (i32.add (local.get $text) (i32.add (local.get $i) (local.get $cut))))
                                                 (i32.const 0xc0))
                                        (i32.const 0x80)))
                (local.set $cut (i32.sub (local.get $cut) (i32.const 1)))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br $back)))))
        (if (local.get $count) (then (call $put_byte (i32.const 0x2c))))
        (local.set $count (i32.add (local.get $count) (i32.const 1)))
        (call $put (i32.const 320) (i32.const 9))
        (call $put_int (local.get $i))
        (call $put (i32.const 384) (i32.const 7))
        (call $put_int (i32.add (local.get $i) (local.get $klen)))
        (call $put (select (i32.const 448) (i32.const 512) (i32.eqz (local.get $k))) (i32.const 25))
        (call $put_json (i32.add (local.get $text) (local.get $i)) (local.get $cut))
        (if (i32.lt_u (local.get $cut) (local.get $len)) (then (call $put (i32.const 1472) (i32.const 3))))
        (call $put (i32.const 576) (i32.const 2))
        (local.set $i (i32.add (local.get $i) (local.get $klen)))
        (br $scan)))
    (call $put (i32.const 640) (i32.const 3)))

  ;; json_offset reads the integer after "offset": in the request; the host
  ;; writes compact JSON, and an absent key means 0.
  (func $json_offset (param $json i32) (param $n i32) (result i32)
    (local $i i32) (local $v i32) (local $c i32)
    (block $none
      (loop $find
        (br_if $none (i32.gt_u (i32.add (local.get $i) (i32.const 9)) (local.get $n)))
        (if (i32.and
              (call $starts (i32.add (local.get $json) (local.get $i)) (i32.sub (local.get $n) (local.get $i)) (i32.const 1152) (i32.const 9))
              (i32.or (i32.eqz (local.get $i))
                      (i32.ne (i32.load8_u (i32.sub (i32.add (local.get $json) (local.get $i)) (i32.const 1))) (i32.const 0x5c))))
          (then
            (local.set $i (i32.add (local.get $i) (i32.const 9)))
            (block $end
              (loop $digit
                (br_if $end (i32.ge_u (local.get $i) (local.get $n)))
                (local.set $c (i32.sub (i32.load8_u (i32.add (local.get $json) (local.get $i))) (i32.const 0x30)))
                (br_if $end (i32.gt_u (local.get $c) (i32.const 9)))
                (local.set $v (i32.add (i32.mul (local.get $v) (i32.const 10)) (local.get $c)))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $digit)))
            (return (local.get $v))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $find)))
    (i32.const 0))

  (func $completion (param $json i32) (param $json_len i32) (param $text i32) (param $n i32)
    (local $cursor i32) (local $start i32) (local $k i32) (local $j i32) (local $plen i32)
    (local $m i32) (local $mlen i32) (local $count i32)
    (local.set $cursor (call $json_offset (local.get $json) (local.get $json_len)))
    (if (i32.gt_u (local.get $cursor) (local.get $n)) (then (local.set $cursor (local.get $n))))
    (local.set $start (local.get $cursor))
    (block $stop
      (loop $back
        (br_if $stop (i32.eqz (local.get $start)))
        (br_if $stop (i32.eqz (call $is_ascii_word (i32.load8_u (i32.sub (i32.add (local.get $text) (local.get $start)) (i32.const 1))))))
        (local.set $start (i32.sub (local.get $start) (i32.const 1)))
        (br $back)))
    (local.set $plen (i32.sub (local.get $cursor) (local.get $start)))
    (call $put (i32.const 704) (i32.const 20))
    (loop $each
      (local.set $m (call $marker (local.get $k)))
      (local.set $mlen (call $marker_len (local.get $k)))
      ;; Compare the prefix with the marker, ignoring ASCII case.
      (local.set $j (i32.const 0))
      (block $differ
        (loop $cmp
          (br_if $differ (i32.ge_u (local.get $j) (local.get $plen)))
          (br_if $differ (i32.ge_u (local.get $j) (local.get $mlen)))
          (br_if $differ (i32.ne (i32.and (i32.load8_u (i32.add (local.get $text) (i32.add (local.get $start) (local.get $j))))
                                          (i32.const 0xdf))
                                 (i32.load8_u (i32.add (local.get $m) (local.get $j)))))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br $cmp)))
      (if (i32.eq (local.get $j) (local.get $plen))
        (then
          (if (local.get $count) (then (call $put_byte (i32.const 0x2c))))
          (local.set $count (i32.add (local.get $count) (i32.const 1)))
          (call $put (i32.const 768) (i32.const 10))
          (call $put (local.get $m) (local.get $mlen))
          (call $put (i32.const 832) (i32.const 46))
          (call $put_int (local.get $start))
          (call $put (i32.const 384) (i32.const 7))
          (call $put_int (local.get $cursor))
          (call $put (i32.const 896) (i32.const 12))
          (call $put (local.get $m) (local.get $mlen))
          (call $put (i32.const 960) (i32.const 3))))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br_if $each (i32.lt_u (local.get $k) (i32.const 3))))
    (call $put (i32.const 640) (i32.const 3)))

  (func (export "lsphost_call") (param $ptr i32) (param $json_len i32) (param $text_len i32) (result i64)
    (local $text i32)
    (local.set $text (i32.add (local.get $ptr) (local.get $json_len)))
    ;; The response goes after the input, 8-byte aligned.
    (global.set $out (i32.and (i32.add (i32.add (local.get $text) (local.get $text_len)) (i32.const 7)) (i32.const -8)))
    (global.set $out_len (i32.const 0))
    (global.set $failed (i32.const 0))
    (block $answered
      (if (call $is_method (local.get $ptr) (local.get $json_len) (i32.const 64) (i32.const 10))
        (then (call $put (i32.const 1280) (i32.const 88)) (br $answered)))
      (if (call $is_method (local.get $ptr) (local.get $json_len) (i32.const 128) (i32.const 11))
        (then (call $diagnostics (local.get $text) (local.get $text_len)) (br $answered)))
      (if (call $is_method (local.get $ptr) (local.get $json_len) (i32.const 192) (i32.const 10))
        (then (call $completion (local.get $ptr) (local.get $json_len) (local.get $text) (local.get $text_len)) (br $answered)))
      (call $put (i32.const 1216) (i32.const 38)))
    ;; Out of memory: 0 is a protocol failure.
    (if (global.get $failed) (then (return (i64.const 0))))
    (i64.or (i64.shl (i64.extend_i32_u (global.get $out)) (i64.const 32))
            (i64.extend_i32_u (global.get $out_len))))
)
