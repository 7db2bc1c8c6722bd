/* Normalize stage: NFKC + case folding (ICU's NFKC_Casefold), so that NFD and
 * NFC Hangul, full-width Latin, compatibility jamo and upper/lower case all
 * become one spelling before terms are made from them; and, before that,
 * raw bytes in any charset kosearch reads (UTF-8, CP949/EUC-KR, UTF-16)
 * made clean UTF-8, and the charset stored passage data is kept in. */
#include "kosearch_internal.h"

#include <stdlib.h>
#include <string.h>

#include <unicode/ucnv.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>

/* Words are short; these cover nearly every call without touching the heap. */
enum { STACK_UNITS = 256 };

static ks_status status_from_icu(UErrorCode error)
{
    return error == U_MEMORY_ALLOCATION_ERROR ? KS_ERR_NOMEM : KS_ERR_INTERNAL;
}

/* True when NFKC_Casefold(text) == text for sure: lowercase ASCII (controls,
 * digits and punctuation included) and precomposed Hangul syllables. A
 * syllable followed by a conjoining jamo is not covered, but such jamo are
 * outside this set, so the whole text falls to the slow path. */
static bool is_already_normalized(const char *text, size_t len)
{
    size_t i = 0;
    while (i < len) {
        if (U8_IS_SINGLE(text[i])) {
            if (text[i] >= 'A' && text[i] <= 'Z')
                return false;
            i++;
            continue;
        }
        UChar32 c;
        U8_NEXT(text, i, len, c);
        if (c < 0 || !ks_is_hangul_syllable((uint32_t)c))
            return false;
    }
    return true;
}

/* ICU's way with output buffers: a call into one too small fails with
 * U_BUFFER_OVERFLOW_ERROR and says how many units it needs. A step writes
 * its UTF-16 result that way; run_step() gives it `stack` first, and a heap
 * buffer of the size it asked for (*heap, the caller frees) when that was too
 * small. */
typedef struct icu_step {
    int32_t (*run)(const struct icu_step *step, UChar *dest, int32_t cap, UErrorCode *error);
    const char *utf8;                /* utf8_to_utf16: the input */
    size_t utf8_len;
    const UChar *units;              /* nfkc_casefold: the input */
    int32_t unit_count;
    const UNormalizer2 *normalizer;
} icu_step;

static ks_status run_step(const icu_step *step, UChar *stack, int32_t stack_cap, UChar **heap,
                          UChar **out, int32_t *out_len)
{
    UErrorCode error = U_ZERO_ERROR;
    int32_t need = step->run(step, stack, stack_cap, &error);
    *out = stack;
    if (error == U_BUFFER_OVERFLOW_ERROR) {
        *heap = malloc(((size_t)need + 1) * sizeof(UChar));
        if (!*heap)
            return KS_ERR_NOMEM;
        error = U_ZERO_ERROR;
        need = step->run(step, *heap, need + 1, &error);
        *out = *heap;
    }
    if (U_FAILURE(error))
        return status_from_icu(error);
    *out_len = need;
    return KS_OK;
}

/* UTF-8 -> UTF-16; invalid bytes become U+FFFD. */
static int32_t utf8_to_utf16(const icu_step *step, UChar *dest, int32_t cap, UErrorCode *error)
{
    int32_t need = 0;
    u_strFromUTF8WithSub(dest, cap, &need, step->utf8, (int32_t)step->utf8_len, 0xFFFD, NULL,
                         error);
    return need;
}

static int32_t nfkc_casefold(const icu_step *step, UChar *dest, int32_t cap, UErrorCode *error)
{
    return unorm2_normalize(step->normalizer, step->units, step->unit_count, dest, cap, error);
}

ks_status ks_append_utf16_as_utf8(ks_buf *out, const uint16_t *units, size_t count)
{
    /* A UTF-16 unit never needs more than 3 UTF-8 bytes. */
    if (count > (INT32_MAX - 1) / 3)
        return KS_ERR_BAD_INPUT;
    size_t room = count * 3;
    ks_status st = ks_grow((void **)&out->data, &out->cap, out->len + room + 1, 1);
    if (st != KS_OK)
        return st;
    UErrorCode error = U_ZERO_ERROR;
    int32_t written = 0;
    u_strToUTF8WithSub(out->data + out->len, (int32_t)room, &written, units, (int32_t)count,
                       0xFFFD, NULL, &error);
    if (U_FAILURE(error))
        return status_from_icu(error);
    out->len += (size_t)written;
    out->data[out->len] = '\0';
    return KS_OK;
}

static ks_status normalize_with_icu(ks_buf *out, const char *text, size_t len)
{
    if (len > INT32_MAX)
        return KS_ERR_BAD_INPUT;
    UErrorCode error = U_ZERO_ERROR;
    const UNormalizer2 *normalizer = unorm2_getNFKCCasefoldInstance(&error);
    if (U_FAILURE(error))
        return status_from_icu(error);
    UChar source_stack[STACK_UNITS], normalized_stack[STACK_UNITS];
    UChar *source_heap = NULL, *normalized_heap = NULL;
    UChar *source = NULL, *normalized = NULL;
    int32_t source_len = 0, normalized_len = 0;

    icu_step decode = {.run = utf8_to_utf16, .utf8 = text, .utf8_len = len};
    ks_status st = run_step(&decode, source_stack, STACK_UNITS, &source_heap, &source, &source_len);
    icu_step normalize = {.run = nfkc_casefold, .units = source, .unit_count = source_len,
                          .normalizer = normalizer};
    if (st == KS_OK)
        st = run_step(&normalize, normalized_stack, STACK_UNITS, &normalized_heap, &normalized,
                      &normalized_len);
    if (st == KS_OK)
        st = ks_append_utf16_as_utf8(out, normalized, (size_t)normalized_len);
    free(source_heap);
    free(normalized_heap);
    return st;
}

ks_status ks_normalize_append(ks_buf *out, const char *text, size_t len)
{
    if (!out || (!text && len))
        return KS_ERR_INVALID_ARGUMENT;
    /* The analyzer calls this for every word; most Korean words take this
     * branch and never reach ICU. */
    if (is_already_normalized(text, len))
        return ks_buf_append(out, text, len);
    return normalize_with_icu(out, text, len);
}

/* ------------------------------------------------------------------------ */
/* Decoding: raw bytes and other charsets to UTF-8.                         */

static const char REASON_BINARY[] = "binary file (NUL byte)";
static const char REASON_REPAIRED[] = "invalid UTF-8 replaced with U+FFFD";
static const char REASON_NOT_UTF16[] = "invalid UTF-16";
static const char REASON_FROM_CP949[] = "converted from CP949/EUC-KR";
static const char REASON_FROM_UTF16[] = "converted from UTF-16";

/* Turns CRLF and lone CR into LF in out->data[from..], in place. */
static void unix_line_ends(ks_buf *out, size_t from)
{
    size_t write = from;
    for (size_t read = from; read < out->len; read++) {
        char c = out->data[read];
        if (c == '\r') {
            if (read + 1 < out->len && out->data[read + 1] == '\n')
                continue;
            c = '\n';
        }
        out->data[write++] = c;
    }
    out->len = write;
    out->data[write] = '\0';
}

/* Code points a legacy code page gives bytes it has no character for:
 * ICU's windows-949 maps 0x80 to U+0080, 0xFF to U+F8F7 and the user-defined
 * rows to private use. Real Korean text has none of them. */
static bool is_placeholder_unit(UChar unit)
{
    return (unit >= 0x80 && unit <= 0x9F) || (unit >= 0xE000 && unit <= 0xF8FF);
}

static bool has_placeholder(const UChar *units, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (is_placeholder_unit(units[i]))
            return true;
    return false;
}

/* Works in chunks, so a large file needs no second copy in UTF-16. ICU
 * caches converter data, so opening one per call is cheap. */
ks_status ks_convert_to_utf8(const char *charset, bool refuse_placeholders, const char *bytes,
                             size_t len, ks_buf *out, long *bad_offset)
{
    UErrorCode err = U_ZERO_ERROR;
    UConverter *converter = ucnv_open(charset, &err);
    if (U_FAILURE(err))
        return KS_ERR_INTERNAL;
    ucnv_setToUCallBack(converter, UCNV_TO_U_CALLBACK_STOP, NULL, NULL, NULL, &err);
    UChar units[8192];
    size_t carried = 0; /* a lead surrogate waiting for its trail */
    const char *source = bytes, *end = bytes + len;
    ks_status st = U_FAILURE(err) ? KS_ERR_INTERNAL : KS_OK;
    bool more = st == KS_OK;
    while (more) {
        UChar *target = units + carried;
        err = U_ZERO_ERROR;
        ucnv_toUnicode(converter, &target, units + sizeof units / sizeof units[0], &source, end,
                       NULL, true, &err);
        more = err == U_BUFFER_OVERFLOW_ERROR;
        if (U_FAILURE(err) && !more) {
            char invalid[32];
            int8_t invalid_len = sizeof invalid;
            UErrorCode ignored = U_ZERO_ERROR;
            ucnv_getInvalidChars(converter, invalid, &invalid_len, &ignored);
            *bad_offset = (long)(source - bytes) - (U_FAILURE(ignored) ? 0 : invalid_len);
            st = KS_ERR_ENCODING;
            break;
        }
        size_t count = (size_t)(target - units);
        if (refuse_placeholders && has_placeholder(units, count)) {
            st = KS_ERR_ENCODING;
            break;
        }
        carried = more && count && U16_IS_LEAD(units[count - 1]) ? 1 : 0;
        st = ks_append_utf16_as_utf8(out, units, count - carried);
        if (st != KS_OK)
            break;
        if (carried)
            units[0] = units[count - 1];
    }
    ucnv_close(converter);
    return st;
}

ks_status ks_convert_from_utf8(const char *charset, const char *text, size_t len, ks_buf *out)
{
    /* No charset kosearch writes takes more than 4 bytes a character, and
     * every character takes at least one byte of UTF-8. */
    if (len > (INT32_MAX - 8) / 4)
        return KS_ERR_BAD_INPUT;
    size_t room = len * 4 + 8;
    ks_status st = ks_grow((void **)&out->data, &out->cap, out->len + room + 1, 1);
    if (st != KS_OK)
        return st;
    UErrorCode err = U_ZERO_ERROR;
    int32_t written = ucnv_convert(charset, "UTF-8", out->data + out->len, (int32_t)room, text,
                                   (int32_t)len, &err);
    if (U_FAILURE(err))
        return KS_ERR_INTERNAL;
    out->len += (size_t)written;
    out->data[out->len] = '\0';
    return KS_OK;
}

/* Whether the bytes read better as UTF-8 with a few broken bytes than as
 * another encoding: CP949 Korean makes an invalid UTF-8 byte of nearly every
 * syllable, while a UTF-8 file with one stray Latin-1 byte has far more good
 * multi-byte characters than bad bytes. Without this, such a file could
 * "convert" from CP949 into nonsense. */
static bool mostly_utf8(const char *bytes, size_t len)
{
    size_t good = 0, bad = 0;
    for (size_t i = 0; i < len;) {
        size_t at = i;
        uint32_t c = ks_utf8_next(bytes, len, &i);
        if (i - at > 1)
            good++;
        else if (c == 0xFFFD)
            bad++;
    }
    return good > bad;
}

/* Copies UTF-8 from bytes[from..] with each invalid byte replaced by
 * U+FFFD, so a file cut in the middle of a character or holding one stray
 * byte keeps the rest of its text. */
static ks_status repair_utf8(const char *bytes, size_t len, size_t from, ks_buf *out,
                             ks_invalid_bytes *invalid)
{
    ks_status st = KS_OK;
    for (size_t at = from; at < len && st == KS_OK;) {
        size_t valid = ks_utf8_valid_prefix(bytes + at, len - at);
        st = ks_buf_append(out, bytes + at, valid);
        at += valid;
        if (at == len || st != KS_OK)
            break;
        if (invalid->count < KS_INVALID_BYTES_SHOWN)
            invalid->first[invalid->count] = (long)at;
        invalid->count++;
        at++; /* no valid sequence starts at this byte */
        st = ks_buf_append(out, "\xEF\xBF\xBD", 3);
    }
    return st;
}

static ks_status decode_utf16(const char *bytes, size_t len, bool little_endian, ks_buf *out,
                              long *bad_offset, const char **reason)
{
    for (size_t i = 2; i + 1 < len; i += 2)
        if (bytes[i] == 0 && bytes[i + 1] == 0) {
            *bad_offset = (long)i;
            *reason = REASON_BINARY;
            return KS_ERR_BAD_INPUT;
        }
    ks_status st = ks_convert_to_utf8(little_endian ? "UTF-16LE" : "UTF-16BE", false, bytes + 2,
                                   len - 2, out, bad_offset);
    if (st == KS_ERR_ENCODING) {
        if (*bad_offset >= 0)
            *bad_offset += 2;
        *reason = REASON_NOT_UTF16;
    } else if (st == KS_OK) {
        *reason = REASON_FROM_UTF16;
    }
    return st;
}

static ks_status decode_bytes(const char *bytes, size_t len, ks_buf *out, long *bad_offset,
                              const char **reason, ks_invalid_bytes *invalid)
{
    const unsigned char *u = (const unsigned char *)bytes;
    if (len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF)))
        return decode_utf16(bytes, len, u[0] == 0xFF, out, bad_offset, reason);
    const char *nul = memchr(bytes, '\0', len);
    if (nul) {
        *bad_offset = (long)(nul - bytes);
        *reason = REASON_BINARY;
        return KS_ERR_BAD_INPUT;
    }
    bool bom = len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF;
    size_t skip = bom ? 3 : 0;
    size_t valid = ks_utf8_valid_prefix(bytes + skip, len - skip);
    if (valid == len - skip)
        return ks_buf_append(out, bytes + skip, len - skip);
    /* A UTF-8 BOM says what the file is meant to be: no second guess. */
    if (!bom && !mostly_utf8(bytes, len)) {
        long ignored = -1;
        ks_status st = ks_convert_to_utf8("windows-949", true, bytes, len, out, &ignored);
        if (st == KS_OK)
            *reason = REASON_FROM_CP949;
        if (st == KS_OK || st == KS_ERR_NOMEM)
            return st;
        ks_buf_clear(out); /* not CP949 either (or no CP949 data in this ICU) */
    }
    *bad_offset = (long)(skip + valid);
    *reason = REASON_REPAIRED;
    return repair_utf8(bytes, len, skip, out, invalid);
}

/* Replaces out's contents. *out_reason is NULL for UTF-8 input taken as it
 * is, says where the text came from when it was converted or repaired, and
 * why it was refused otherwise (static strings). *out_bad_offset is -1
 * unless a byte is to blame. */
ks_status ks_decode_text(const char *bytes, size_t len, ks_buf *out, long *out_bad_offset,
                         const char **out_reason, ks_invalid_bytes *out_invalid)
{
    long bad_offset = -1;
    const char *reason = NULL;
    ks_invalid_bytes invalid = {0};
    if (!out || (!bytes && len))
        return KS_ERR_INVALID_ARGUMENT;
    ks_buf_clear(out);
    ks_status st = ks_buf_append(out, "", 0); /* data is never NULL on success */
    if (st == KS_OK)
        st = decode_bytes(bytes ? bytes : "", len, out, &bad_offset, &reason, &invalid);
    if (st == KS_OK)
        unix_line_ends(out, 0);
    else
        ks_buf_clear(out);
    if (out_bad_offset)
        *out_bad_offset = bad_offset;
    if (out_reason)
        *out_reason = reason;
    if (out_invalid)
        *out_invalid = invalid;
    return st;
}
