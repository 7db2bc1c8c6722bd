/* Normalize stage: NFKC + case folding (ICU's NFKC_Casefold), so that NFD and
 * NFC Hangul, full-width Latin, compatibility jamo and upper/lower case all
 * become one spelling before terms are made from them. */
#include "kosearch_internal.h"

#include <stdlib.h>
#include <string.h>

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
