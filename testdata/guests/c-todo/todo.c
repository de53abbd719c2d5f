/* An lsphost extension in C, written from abi/ABI.md alone: the "todo"
 * guest every language implements the same way (docs/languages.md).
 * Diagnostics: every whole-word TODO (information), FIXME and XXX (warning),
 * with the rest of the line as the message. Completion: the three markers
 * that start with the word before the cursor. No imports, no libc I/O. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define EXPORT(name) __attribute__((export_name(name)))

static uint8_t *in;                 /* this request's input buffer */
static uint8_t *out;                /* the last response, valid until the next call */
static size_t out_len, out_cap;
static int out_failed;              /* an allocation failed while writing */

static void put(const void *s, size_t n) {
    if (out_failed) return;
    if (out_len + n > out_cap) {
        size_t cap = 2 * (out_len + n);
        uint8_t *p = realloc(out, cap);
        if (!p) { out_failed = 1; return; }
        out = p;
        out_cap = cap;
    }
    memcpy(out + out_len, s, n);
    out_len += n;
}
static void puts_(const char *s) { put(s, strlen(s)); }

static void put_int(long v) {
    char b[24];
    int i = sizeof b;
    unsigned long u = v < 0 ? -v : v;
    do { b[--i] = '0' + u % 10; u /= 10; } while (u);
    if (v < 0) b[--i] = '-';
    put(b + i, sizeof b - i);
}

/* put_json_string writes s as the inside of a JSON string. */
static void put_json_string(const uint8_t *s, size_t n) {
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        uint8_t c = s[i];
        if (c == '"' || c == '\\') {
            char e[2] = {'\\', (char)c};
            put(e, 2);
        } else if (c < 0x20) {
            char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            put(e, 6);
        } else {
            put(&c, 1);
        }
    }
}

EXPORT("lsphost_abi_version") int32_t abi_version(void) { return 1; }

EXPORT("lsphost_alloc") uint8_t *alloc(int32_t size) {
    free(in); /* the previous request is done with */
    in = malloc(size > 0 ? (size_t)size : 1);
    return in; /* NULL is 0: the host fails the request */
}

static int is_method(const uint8_t *json, int32_t len, const char *name) {
    static const char prefix[] = "{\"method\":\"";
    size_t p = sizeof prefix - 1, n = strlen(name);
    return (size_t)len >= p + n + 1 && memcmp(json, prefix, p) == 0 &&
           memcmp(json + p, name, n) == 0 && json[p + n] == '"';
}

static int is_word(uint8_t c) {
    return c == '_' || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c >= 0x80;
}

static const char *const markers[] = {"TODO", "FIXME", "XXX"};
enum { max_diagnostics = 1000, max_message = 200 };

static void diagnostics(const uint8_t *text, size_t n) {
    puts_("{\"result\":{\"diagnostics\":[");
    int count = 0;
    for (size_t i = 0; i < n && count < max_diagnostics;) {
        size_t k = 0, klen = 0;
        for (; k < 3; k++) {
            klen = strlen(markers[k]);
            if (i + klen <= n && memcmp(text + i, markers[k], klen) == 0 &&
                (i == 0 || !is_word(text[i - 1])) && (i + klen == n || !is_word(text[i + klen])))
                break;
        }
        if (k == 3) { i++; continue; }
        /* The message: the line from the marker, without trailing blanks,
         * cut to max_message bytes without splitting a character. */
        size_t end = i;
        while (end < n && text[end] != '\n' && text[end] != '\r') end++;
        while (end > i && (text[end - 1] == ' ' || text[end - 1] == '\t' || text[end - 1] == '\v' || text[end - 1] == '\f')) end--;
        size_t len = end - i, cut = len;
        if (len > max_message) {
            cut = max_message;
            for (int j = 1; j < 4 && cut - 1 > klen && (text[i + cut] & 0xC0) == 0x80; j++) cut--;
        }
        if (count++) puts_(",");
        puts_("{\"start\":"); put_int((long)i);
        puts_(",\"end\":"); put_int((long)(i + klen));
        puts_(k == 0 ? ",\"severity\":3,\"message\":\"" : ",\"severity\":2,\"message\":\"");
        put_json_string(text + i, cut);
        if (cut < len) puts_("\xE2\x80\xA6"); /* … */
        puts_("\"}");
        i += klen;
    }
    puts_("]}}");
}

/* json_int finds "key": in the request and reads the integer after it;
 * the host writes compact JSON, and absent means 0. */
static long json_int(const uint8_t *json, size_t n, const char *key) {
    size_t k = strlen(key);
    for (size_t i = 0; i + k + 3 <= n; i++) {
        if (json[i] == '"' && (i == 0 || json[i - 1] != '\\') && memcmp(json + i + 1, key, k) == 0 && json[i + k + 1] == '"' && json[i + k + 2] == ':') {
            long v = 0;
            for (size_t j = i + k + 3; j < n && json[j] >= '0' && json[j] <= '9'; j++) v = v * 10 + (json[j] - '0');
            return v;
        }
    }
    return 0;
}

static int is_ascii_word(uint8_t c) {
    return c == '_' || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static void completion(const uint8_t *json, size_t json_len, const uint8_t *text, size_t n) {
    long off = json_int(json, json_len, "offset");
    size_t cursor = off < 0 ? 0 : (size_t)off > n ? n : (size_t)off, start = cursor;
    while (start > 0 && is_ascii_word(text[start - 1])) start--;
    puts_("{\"result\":{\"items\":[");
    int count = 0;
    for (int k = 0; k < 3; k++) {
        const char *m = markers[k];
        size_t mlen = strlen(m), plen = cursor - start, j = 0;
        while (j < plen && j < mlen && (text[start + j] & ~0x20) == m[j]) j++;
        if (j != plen) continue; /* the prefix is not the start of this marker */
        if (count++) puts_(",");
        puts_("{\"label\":\""); puts_(m);
        puts_("\",\"kind\":14,\"detail\":\"marker\",\"edit\":{\"start\":"); put_int((long)start);
        puts_(",\"end\":"); put_int((long)cursor);
        puts_(",\"newText\":\""); puts_(m); puts_("\"}}");
    }
    puts_("]}}");
}

EXPORT("lsphost_call") uint64_t call(uint8_t *ptr, int32_t json_len, int32_t text_len) {
    const uint8_t *text = ptr + json_len;
    free(out); /* the previous response: the host has copied it */
    out = NULL;
    out_len = out_cap = 0;
    out_failed = 0;
    if (is_method(ptr, json_len, "initialize"))
        puts_("{\"result\":{\"name\":\"todo-c\",\"version\":\"1.0.0\",\"features\":[\"diagnostics\",\"completion\"]}}");
    else if (is_method(ptr, json_len, "diagnostics"))
        diagnostics(text, (size_t)text_len);
    else if (is_method(ptr, json_len, "completion"))
        completion(ptr, (size_t)json_len, text, (size_t)text_len);
    else
        puts_("{\"error\":{\"message\":\"unknown method\"}}");
    free(in); /* the input is no longer needed */
    in = NULL;
    if (out_failed) return 0; /* out of memory: a protocol failure */
    return (uint64_t)(uintptr_t)out << 32 | out_len;
}
