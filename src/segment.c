/* Segment stage: ICU word boundaries over the original UTF-8, so every word
 * carries byte offsets into the text as written. Spaces and punctuation are
 * dropped; numbers, letters, kana and ideographs are kept. */
#include "kosearch_internal.h"

#include <stdlib.h>
#include <string.h>

#include <unicode/ubrk.h>
#include <unicode/utext.h>
#include <unicode/utf8.h>

struct ks_segmenter {
    UBreakIterator *words; /* opened once, reused for every run */
    UText *text;           /* reused by utext_openUTF8 */
    ks_segment *items;
    size_t count, cap;
    /* Only for text holding decomposed Hangul (see compose_hangul). */
    ks_buf composed;
    size_t *original_offset; /* composed byte offset -> original byte offset */
    size_t offset_cap;
};

static ks_status status_from_icu(UErrorCode error)
{
    return error == U_MEMORY_ALLOCATION_ERROR ? KS_ERR_NOMEM : KS_ERR_INTERNAL;
}

ks_status ks_segmenter_new(ks_segmenter **out)
{
    if (!out)
        return KS_ERR_INVALID_ARGUMENT;
    *out = NULL;
    ks_segmenter *segmenter = calloc(1, sizeof *segmenter);
    if (!segmenter)
        return KS_ERR_NOMEM;
    UErrorCode error = U_ZERO_ERROR;
    segmenter->words = ubrk_open(UBRK_WORD, "ko", NULL, 0, &error);
    if (U_FAILURE(error)) {
        free(segmenter);
        return status_from_icu(error);
    }
    *out = segmenter;
    return KS_OK;
}

void ks_segmenter_free(ks_segmenter *segmenter)
{
    if (!segmenter)
        return;
    ubrk_close(segmenter->words);
    utext_close(segmenter->text);
    free(segmenter->items);
    ks_buf_free(&segmenter->composed);
    free(segmenter->original_offset);
    free(segmenter);
}

/* ---- Decomposed Hangul --------------------------------------------------
 * ICU breaks precomposed syllables with Korean-specific rules (a change of
 * script ends a word: 2014년 -> 2014 | 년), but treats conjoining jamo
 * (U+1100..U+11FF) as generic letters: NFD 2014년 stays one word, LED + NFD
 * 로 too, and a syllable followed by a trailing jamo is cut in three. So text
 * holding composable jamo is broken on a copy with the jamo composed, and the
 * boundaries are mapped back to the original bytes. */

static bool is_leading_jamo(uint32_t c)
{
    return c >= KS_JAMO_INITIAL_FIRST && c < KS_JAMO_INITIAL_FIRST + KS_HANGUL_INITIALS;
}

static bool is_vowel_jamo(uint32_t c)
{
    return c >= KS_JAMO_MEDIAL_FIRST && c < KS_JAMO_MEDIAL_FIRST + KS_HANGUL_MEDIALS;
}

static bool is_trailing_jamo(uint32_t c)
{
    return c > KS_JAMO_FINAL_BEFORE && c < KS_JAMO_FINAL_BEFORE + KS_HANGUL_FINALS;
}

/* A syllable without a trailing consonant, which a trailing jamo can join. */
static bool is_lv_syllable(uint32_t c)
{
    return ks_is_hangul_syllable(c) && ks_hangul_decompose(c).final == 0;
}

/* Cheap scan: conjoining jamo are U+1100..U+11FF, E1 84..87 xx in UTF-8. */
static bool may_hold_conjoining_jamo(const char *text, size_t len)
{
    const char *p = text, *end = text + len;
    while ((p = memchr(p, 0xE1, (size_t)(end - p))) != NULL) {
        if (end - p >= 2 && (unsigned char)p[1] >= 0x84 && (unsigned char)p[1] <= 0x87)
            return true;
        p++;
    }
    return false;
}

/* Composes L+V(+T) and LV+T at original[*i], advancing *i past what was
 * used; returns 0 when nothing composes there. */
static uint32_t compose_syllable_at(const char *text, size_t len, size_t *i)
{
    size_t next = *i;
    uint32_t first = ks_utf8_next(text, len, &next);
    uint32_t syllable;
    if (is_leading_jamo(first)) {
        size_t after_vowel = next;
        if (next >= len)
            return 0;
        uint32_t vowel = ks_utf8_next(text, len, &after_vowel);
        if (!is_vowel_jamo(vowel))
            return 0;
        syllable = ks_hangul_compose((ks_hangul_parts){first - KS_JAMO_INITIAL_FIRST,
                                                       vowel - KS_JAMO_MEDIAL_FIRST, 0});
        next = after_vowel;
    } else if (is_lv_syllable(first)) {
        syllable = first;
    } else {
        return 0;
    }
    if (next < len) {
        size_t after_trailing = next;
        uint32_t trailing = ks_utf8_next(text, len, &after_trailing);
        if (is_trailing_jamo(trailing)) {
            syllable += trailing - KS_JAMO_FINAL_BEFORE;
            next = after_trailing;
        }
    }
    if (next - *i == 3) /* an LV syllable alone: nothing was composed */
        return 0;
    *i = next;
    return syllable;
}

/* Builds segmenter->composed from `text`, recording for every composed byte
 * the original byte it came from. Bytes that do not compose (invalid ones
 * included) are copied unchanged. */
static ks_status compose_hangul(ks_segmenter *segmenter, const char *text, size_t len)
{
    ks_buf *composed = &segmenter->composed;
    ks_buf_clear(composed);
    ks_status st = ks_grow((void **)&composed->data, &composed->cap, len + 1, 1);
    if (st == KS_OK)
        st = ks_grow((void **)&segmenter->original_offset, &segmenter->offset_cap, len + 1,
                     sizeof(size_t));
    if (st != KS_OK)
        return st;
    char *out = composed->data; /* composing only shrinks the text */
    size_t out_len = 0, i = 0;
    while (i < len) {
        size_t start = i;
        uint32_t syllable = compose_syllable_at(text, len, &i);
        if (syllable) {
            size_t from = out_len;
            U8_APPEND_UNSAFE(out, out_len, syllable);
            for (size_t k = from; k < out_len; k++)
                segmenter->original_offset[k] = start;
        } else {
            ks_utf8_next(text, len, &i);
            for (size_t k = start; k < i; k++) {
                segmenter->original_offset[out_len] = k;
                out[out_len++] = text[k];
            }
        }
    }
    segmenter->original_offset[out_len] = len;
    out[out_len] = '\0';
    composed->len = out_len;
    return KS_OK;
}

/* ---- Breaking ----------------------------------------------------------- */

static bool kind_from_rule_status(int32_t status, ks_segment_kind *kind)
{
    if (status >= UBRK_WORD_NUMBER && status < UBRK_WORD_NUMBER_LIMIT)
        *kind = KS_SEGMENT_NUMBER;
    else if (status >= UBRK_WORD_LETTER && status < UBRK_WORD_LETTER_LIMIT)
        *kind = KS_SEGMENT_LETTER;
    else if (status >= UBRK_WORD_KANA && status < UBRK_WORD_KANA_LIMIT)
        *kind = KS_SEGMENT_KANA;
    else if (status >= UBRK_WORD_IDEO && status < UBRK_WORD_IDEO_LIMIT)
        *kind = KS_SEGMENT_IDEOGRAPH;
    else
        return false;
    return true;
}

/* Runs the break iterator over `text`; offsets are mapped through
 * `original_offset` when it is given. */
static ks_status collect_words(ks_segmenter *segmenter, const char *text, size_t len,
                               const size_t *original_offset, size_t original_len)
{
    UErrorCode error = U_ZERO_ERROR;
    segmenter->text = utext_openUTF8(segmenter->text, text, (int64_t)len, &error);
    if (U_FAILURE(error))
        return status_from_icu(error);
    ubrk_setUText(segmenter->words, segmenter->text, &error);
    if (U_FAILURE(error))
        return status_from_icu(error);

    int32_t start = ubrk_first(segmenter->words);
    for (int32_t end = ubrk_next(segmenter->words); end != UBRK_DONE;
         start = end, end = ubrk_next(segmenter->words)) {
        ks_segment_kind kind;
        if (!kind_from_rule_status(ubrk_getRuleStatus(segmenter->words), &kind))
            continue;
        if (start < 0 || end <= start || (size_t)end > len)
            return KS_ERR_INTERNAL; /* ICU broke outside the text */
        ks_status st = ks_grow((void **)&segmenter->items, &segmenter->cap, segmenter->count + 1,
                               sizeof *segmenter->items);
        if (st != KS_OK)
            return st;
        ks_segment *segment = &segmenter->items[segmenter->count++];
        segment->start = original_offset ? original_offset[start] : (size_t)start;
        segment->end = original_offset ? original_offset[end] : (size_t)end;
        segment->kind = kind;
        if (segment->end > original_len)
            return KS_ERR_INTERNAL;
    }
    return KS_OK;
}

ks_status ks_segmenter_run(ks_segmenter *segmenter, const char *text, size_t len,
                           const ks_segment **out_segments, size_t *out_count)
{
    if (!segmenter || !out_segments || !out_count || (!text && len))
        return KS_ERR_INVALID_ARGUMENT;
    segmenter->count = 0;
    *out_segments = segmenter->items;
    *out_count = 0;
    if (len == 0)
        return KS_OK;
    /* ICU's break iterators index with int32_t. */
    if (len > INT32_MAX)
        return KS_ERR_BAD_INPUT;

    ks_status st;
    if (may_hold_conjoining_jamo(text, len)) {
        st = compose_hangul(segmenter, text, len);
        if (st == KS_OK)
            st = collect_words(segmenter, segmenter->composed.data, segmenter->composed.len,
                               segmenter->original_offset, len);
    } else {
        st = collect_words(segmenter, text, len, NULL, len);
    }
    if (st != KS_OK) {
        segmenter->count = 0;
        return st;
    }
    *out_segments = segmenter->items;
    *out_count = segmenter->count;
    return KS_OK;
}
