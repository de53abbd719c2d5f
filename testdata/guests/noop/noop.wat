;; noop is the cheapest guest the ABI allows (abi/ABI.md, version 1): it
;; measures the host's own cost per call. It takes requests in the one-call
;; form: lsphost_handle reads each into one fixed buffer (growing memory when
;; a request does not fit) and answers from constant responses without
;; looking at the text.
;;
;; Build (Debian's wabt): wat2wasm noop.wat -o noop.wasm
;; The .wasm is committed so that tests and benchmarks need only Go;
;; TestNoopGuestIsBuiltFromSource checks that it matches this file.
(module
  (import "lsphost" "read_request" (func $read_request (param i32)))
  (memory (export "memory") 1)

  ;; Responses, each at a fixed address with its length below.
  (data (i32.const 16) "{\"result\":{\"name\":\"noop\",\"features\":[\"diagnostics\",\"completion\"]}}")
  (data (i32.const 128) "{\"result\":{\"diagnostics\":[]}}")
  (data (i32.const 192) "{\"result\":{\"items\":[]}}")
  (data (i32.const 256) "{\"error\":{\"message\":\"unknown method\"}}")

  ;; The input buffer starts at the second half of the first page.
  (global $buf i32 (i32.const 32768))

  (func (export "lsphost_abi_version") (result i32) (i32.const 1))

  ;; lsphost_handle grows memory enough to hold the request from the buffer
  ;; on (0, a protocol failure, if it cannot), reads it there and dispatches
  ;; on the first letter of the method name, at byte 11 of {"method":"NAME"
  ;; (the host always writes that prefix).
  (func (export "lsphost_handle") (param $json_len i32) (param $text_len i32) (result i64)
    (local $need i32)
    (local $c i32)
    ;; pages needed in all: (buf + json_len + text_len + 65535) / 65536, in 64-bit to avoid overflow
    (local.set $need
      (i32.wrap_i64
        (i64.shr_u
          (i64.add (i64.add (i64.extend_i32_u (global.get $buf))
                            (i64.add (i64.extend_i32_u (local.get $json_len)) (i64.extend_i32_u (local.get $text_len))))
                   (i64.const 65535))
          (i64.const 16))))
    (if (i32.gt_u (local.get $need) (memory.size))
      (then
        (if (i32.eq (memory.grow (i32.sub (local.get $need) (memory.size))) (i32.const -1))
          (then (return (i64.const 0))))))
    (call $read_request (global.get $buf))
    (if (i32.le_u (local.get $json_len) (i32.const 11))
      (then (return (i64.const 0x0000010000000026))))    ;; error at 256, 38 bytes
    (local.set $c (i32.load8_u offset=11 (global.get $buf)))
    (if (i32.eq (local.get $c) (i32.const 0x64))          ;; 'd'iagnostics
      (then (return (i64.const 0x000000800000001d))))    ;; at 128, 29 bytes
    (if (i32.eq (local.get $c) (i32.const 0x69))          ;; 'i'nitialize
      (then (return (i64.const 0x0000001000000042))))    ;; at 16, 66 bytes
    (if (i32.eq (local.get $c) (i32.const 0x63))          ;; 'c'ompletion
      (then (return (i64.const 0x000000c000000017))))    ;; at 192, 23 bytes
    (i64.const 0x0000010000000026))
)
