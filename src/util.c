/* Small shared helpers: growable buffers, UTF-8 decoding, hashing.
 * Every stage uses these instead of keeping its own. */
#include <nettle/sha2.h>
#include "kosearch_internal.h"

#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

ks_status ks_grow(void **items, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return KS_OK;
    size_t new_cap = *cap ? *cap : 16;
    while (new_cap < need) {
        if (new_cap > SIZE_MAX / 2 / size)
            return KS_ERR_NOMEM;
        new_cap *= 2;
    }
    void *grown = realloc(*items, new_cap * size);
    if (!grown)
        return KS_ERR_NOMEM;
    *items = grown;
    *cap = new_cap;
    return KS_OK;
}

ks_status ks_buf_append(ks_buf *buf, const char *bytes, size_t len)
{
    if (len > SIZE_MAX - buf->len - 1)
        return KS_ERR_NOMEM;
    ks_status st = ks_grow((void **)&buf->data, &buf->cap, buf->len + len + 1, 1);
    if (st != KS_OK)
        return st;
    if (len)
        memcpy(buf->data + buf->len, bytes, len);
    buf->len += len;
    buf->data[buf->len] = '\0';
    return KS_OK;
}

ks_status ks_buf_append_str(ks_buf *buf, const char *s)
{
    return ks_buf_append(buf, s, strlen(s));
}

ks_status ks_buf_printf(ks_buf *buf, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    int need = vsnprintf(NULL, 0, format, args);
    va_end(args);
    if (need < 0)
        return KS_ERR_INTERNAL;
    ks_status st = ks_grow((void **)&buf->data, &buf->cap, buf->len + (size_t)need + 1, 1);
    if (st != KS_OK)
        return st;
    va_start(args, format);
    vsnprintf(buf->data + buf->len, (size_t)need + 1, format, args);
    va_end(args);
    buf->len += (size_t)need;
    return KS_OK;
}

void ks_buf_clear(ks_buf *buf)
{
    buf->len = 0;
    if (buf->data)
        buf->data[0] = '\0';
}

void ks_buf_free(ks_buf *buf)
{
    free(buf->data);
    buf->data = NULL;
    buf->len = buf->cap = 0;
}

char *ks_strndup(const char *s, size_t len)
{
    char *copy = malloc(len + 1);
    if (!copy)
        return NULL;
    memcpy(copy, s, len);
    copy[len] = '\0';
    return copy;
}

uint64_t ks_hash64_more(uint64_t hash, const char *bytes, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        hash ^= (unsigned char)bytes[i];
        hash *= 0x100000001b3ULL;
    }
    return hash;
}

uint64_t ks_hash64(const char *bytes, size_t len)
{
    return ks_hash64_more(KS_HASH64_START, bytes, len);
}

void ks_sha256_hex(const char *bytes, size_t len, char out[KS_SHA256_HEX_SIZE])
{
    struct sha256_ctx context;
    uint8_t digest[SHA256_DIGEST_SIZE];
    sha256_init(&context);
    sha256_update(&context, len, (const uint8_t *)bytes);
    sha256_digest(&context, sizeof digest, digest);
    for (size_t i = 0; i < sizeof digest; i++) {
        out[2 * i] = "0123456789abcdef"[digest[i] >> 4];
        out[2 * i + 1] = "0123456789abcdef"[digest[i] & 15];
    }
    out[2 * SHA256_DIGEST_SIZE] = '\0';
}

uint32_t ks_utf8_next(const char *s, size_t len, size_t *i)
{
    size_t at = *i;
    UChar32 c;
    U8_NEXT(s, at, len, c);
    if (c < 0) {
        *i += 1; /* one byte at a time: each invalid byte is one U+FFFD */
        return 0xFFFD;
    }
    *i = at;
    return (uint32_t)c;
}

size_t ks_utf8_count_all(const char *s, bool (*accept)(uint32_t))
{
    size_t n = 0, i = 0, len = strlen(s);
    while (i < len) {
        if (!accept(ks_utf8_next(s, len, &i)))
            return 0;
        n++;
    }
    return n;
}

bool ks_is_hanja(uint32_t c)
{
    return c >= 0x2E80 && u_hasBinaryProperty((UChar32)c, UCHAR_IDEOGRAPHIC);
}

size_t ks_utf8_valid_prefix(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        size_t at = i;
        UChar32 c;
        U8_NEXT(s, at, len, c);
        if (c < 0)
            return i;
        i = at;
    }
    return len;
}

size_t ks_utf8_count(const char *s, size_t len)
{
    size_t count = 0;
    for (size_t i = 0; i < len; i++)
        count += !U8_IS_TRAIL(s[i]);
    return count;
}

static int remove_entry(const char *path, const struct stat *info, int type, struct FTW *ftw)
{
    (void)info;
    (void)type;
    (void)ftw;
    return remove(path);
}

int ks_remove_tree(const char *path)
{
    return nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Here rather than with the handle: every stage reports a status, and the
 * handle (db.c) is the last of them. */
KS_API const char *ks_status_string(ks_status status)
{
    switch (status) {
    case KS_OK: return "success";
    case KS_ERR_NOMEM: return "out of memory";
    case KS_ERR_INVALID_ARGUMENT: return "invalid argument";
    case KS_ERR_IO: return "input/output error";
    case KS_ERR_NOT_FOUND: return "not found";
    case KS_ERR_LOCKED: return "database is locked";
    case KS_ERR_CORRUPT: return "database is damaged";
    case KS_ERR_VERSION: return "database needs rebuilding";
    case KS_ERR_READ_ONLY: return "database is read-only";
    case KS_ERR_BAD_QUERY: return "query syntax error";
    case KS_ERR_BAD_INPUT: return "malformed input";
    case KS_ERR_ENCODING: return "unsupported text encoding";
    case KS_ERR_INTERRUPTED: return "interrupted";
    case KS_ERR_BACKEND: return "Xapian error";
    case KS_ERR_UNAVAILABLE: return "shard unavailable";
    case KS_ERR_INTERNAL: return "internal error";
    case KS_STATUS_LAST: break;
    }
    return "unknown status";
}
