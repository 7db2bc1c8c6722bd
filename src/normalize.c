/* Normalize stage: NFKC + case folding (ICU's NFKC_Casefold), so that NFD and
 * NFC Hangul, full-width Latin, compatibility jamo and upper/lower case all
 * become one spelling before terms are made from them. */
#include "kosearch_internal.h"

#include <stdlib.h>
#include <string.h>

#include <unicode/unorm2.h>
#include <unicode/ustring.h>

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
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0;
    while (i < len) {
        unsigned char b = s[i];
        if (b < 0x80) {
            if (b >= 'A' && b <= 'Z')
                return false;
            i++;
            continue;
        }
        /* U+AC00..U+D7A3 is EA B0 80 .. ED 9E A3 in UTF-8. */
        if (b < 0xEA || b > 0xED || len - i < 3)
            return false;
        if ((s[i + 1] & 0xC0) != 0x80 || (s[i + 2] & 0xC0) != 0x80)
            return false;
        uint32_t c = ((uint32_t)(b & 0x0F) << 12) | ((uint32_t)(s[i + 1] & 0x3F) << 6) |
                     (uint32_t)(s[i + 2] & 0x3F);
        if (!ks_is_hangul_syllable(c))
            return false;
        i += 3;
    }
    return true;
}

/* UTF-8 -> UTF-16 into `stack` when it fits, else into *heap (caller frees).
 * Invalid bytes become U+FFFD. */
static ks_status utf8_to_utf16(const char *text, size_t len, UChar *stack, int32_t stack_cap,
                               UChar **heap, UChar **out, int32_t *out_len)
{
    if (len > INT32_MAX)
        return KS_ERR_BAD_INPUT;
    UErrorCode error = U_ZERO_ERROR;
    int32_t need = 0;
    u_strFromUTF8WithSub(stack, stack_cap, &need, text, (int32_t)len, 0xFFFD, NULL, &error);
    if (error == U_BUFFER_OVERFLOW_ERROR) {
        *heap = malloc(((size_t)need + 1) * sizeof(UChar));
        if (!*heap)
            return KS_ERR_NOMEM;
        error = U_ZERO_ERROR;
        u_strFromUTF8WithSub(*heap, need + 1, &need, text, (int32_t)len, 0xFFFD, NULL, &error);
        if (U_FAILURE(error))
            return status_from_icu(error);
        *out = *heap;
    } else if (U_FAILURE(error)) {
        return status_from_icu(error);
    } else {
        *out = stack;
    }
    *out_len = need;
    return KS_OK;
}

/* Normalizes `source` into `stack` when it fits, else into *heap. */
static ks_status normalize_utf16(const UChar *source, int32_t source_len, UChar *stack,
                                 int32_t stack_cap, UChar **heap, UChar **out, int32_t *out_len)
{
    UErrorCode error = U_ZERO_ERROR;
    const UNormalizer2 *nfkc_cf = unorm2_getNFKCCasefoldInstance(&error);
    if (U_FAILURE(error))
        return status_from_icu(error);
    int32_t need = unorm2_normalize(nfkc_cf, source, source_len, stack, stack_cap, &error);
    if (error == U_BUFFER_OVERFLOW_ERROR) {
        *heap = malloc(((size_t)need + 1) * sizeof(UChar));
        if (!*heap)
            return KS_ERR_NOMEM;
        error = U_ZERO_ERROR;
        need = unorm2_normalize(nfkc_cf, source, source_len, *heap, need + 1, &error);
        if (U_FAILURE(error))
            return status_from_icu(error);
        *out = *heap;
    } else if (U_FAILURE(error)) {
        return status_from_icu(error);
    } else {
        *out = stack;
    }
    *out_len = need;
    return KS_OK;
}

/* UTF-16 -> UTF-8 written straight into the tail of `out`. */
static ks_status append_utf16_as_utf8(ks_buf *out, const UChar *text, int32_t len)
{
    /* A UTF-16 unit never needs more than 3 UTF-8 bytes. */
    size_t room = (size_t)len * 3;
    ks_status st = ks_grow((void **)&out->data, &out->cap, out->len + room + 1, 1);
    if (st != KS_OK)
        return st;
    UErrorCode error = U_ZERO_ERROR;
    int32_t written = 0;
    u_strToUTF8WithSub(out->data + out->len, (int32_t)room, &written, text, len, 0xFFFD, NULL,
                       &error);
    if (U_FAILURE(error))
        return status_from_icu(error);
    out->len += (size_t)written;
    out->data[out->len] = '\0';
    return KS_OK;
}

static ks_status normalize_with_icu(ks_buf *out, const char *text, size_t len)
{
    UChar source_stack[STACK_UNITS], normalized_stack[STACK_UNITS];
    UChar *source_heap = NULL, *normalized_heap = NULL;
    UChar *source = NULL, *normalized = NULL;
    int32_t source_len = 0, normalized_len = 0;

    ks_status st = utf8_to_utf16(text, len, source_stack, STACK_UNITS, &source_heap, &source,
                                 &source_len);
    if (st == KS_OK)
        st = normalize_utf16(source, source_len, normalized_stack, STACK_UNITS,
                             &normalized_heap, &normalized, &normalized_len);
    if (st == KS_OK)
        st = append_utf16_as_utf8(out, normalized, normalized_len);
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
