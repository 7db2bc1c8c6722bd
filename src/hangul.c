/* Korean text as people type it, with no database: initial consonants
 * (초성), jamo edit distance, the two-set (dubeolsik) keyboard typed in the
 * wrong mode, Hanja and their Hangul readings, and how a query word was
 * typed. Looking words up in an index's term list is vocabulary.c's work;
 * hunspell-ko's dictionary nouns are lexicon.c's. */
#include "kosearch_internal.h"

#include <hangul.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/utf8.h>

/* Compatibility jamo of the 19 initials, in syllable order. */
static const uint32_t initial_jamo[KS_HANGUL_INITIALS] = {
    0x3131, 0x3132, 0x3134, 0x3137, 0x3138, 0x3139, 0x3141, 0x3142, 0x3143, 0x3145,
    0x3146, 0x3147, 0x3148, 0x3149, 0x314A, 0x314B, 0x314C, 0x314D, 0x314E,
};

/* Keys of the two-set layout, for typing Hangul back into Latin letters. */
static const char *const initial_keys[KS_HANGUL_INITIALS] = {
    "r", "R", "s", "e", "E", "f", "a", "q", "Q", "t", "T", "d", "w", "W", "c", "z", "x", "v", "g",
};
static const char *const medial_keys[KS_HANGUL_MEDIALS] = {
    "k", "o", "i", "O", "j", "p", "u", "P", "h", "hk", "ho",
    "hl", "y", "n", "nj", "np", "nl", "b", "m", "ml", "l",
};
static const char *const final_keys[KS_HANGUL_FINALS] = {
    "", "r", "R", "rt", "s", "sw", "sg", "e", "f", "fr", "fa", "fq", "ft", "fx",
    "fv", "fg", "a", "q", "qt", "t", "T", "d", "w", "c", "z", "x", "v", "g",
};
/* Compatibility consonants U+3131..U+314E, then vowels U+314F..U+3163. */
static const char *const compat_keys[] = {
    "r", "R", "rt", "s", "sw", "sg", "e", "E", "f", "fr", "fa", "fq", "ft", "fx", "fv",
    "fg", "a", "q", "Q", "qt", "t", "T", "d", "w", "W", "c", "z", "x", "v", "g",
    "k", "o", "i", "O", "j", "p", "u", "P", "h", "hk", "ho", "hl", "y", "n", "nj", "np",
    "nl", "b", "m", "ml", "l",
};

ks_status ks_append_code_point(ks_buf *out, uint32_t c)
{
    uint8_t bytes[U8_MAX_LENGTH];
    size_t n = 0;
    bool invalid = false;
    U8_APPEND(bytes, n, sizeof bytes, c, invalid);
    if (invalid)
        return ks_buf_append(out, "\xEF\xBF\xBD", 3); /* U+FFFD */
    return ks_buf_append(out, (const char *)bytes, n);
}

int ks_initial_index(uint32_t c)
{
    if (c >= KS_JAMO_INITIAL_FIRST && c < KS_JAMO_INITIAL_FIRST + KS_HANGUL_INITIALS)
        return (int)(c - KS_JAMO_INITIAL_FIRST);
    for (int i = 0; i < KS_HANGUL_INITIALS; i++)
        if (initial_jamo[i] == c)
            return i;
    return -1;
}

bool ks_initials_of(const char *word, size_t len, ks_buf *out)
{
    ks_buf_clear(out);
    size_t i = 0;
    while (i < len) {
        uint32_t c = ks_utf8_next(word, len, &i);
        if (!ks_is_hangul_syllable(c))
            return false;
        if (ks_append_code_point(out, initial_jamo[ks_hangul_decompose(c).initial]) != KS_OK)
            return false;
    }
    return out->len > 0;
}

/* ------------------------------------------------------------------------ */
/* Jamo edit distance.                                                      */

size_t ks_jamo_spell(const char *word, uint32_t out[KS_MAX_JAMO])
{
    size_t n = 0, i = 0, len = strlen(word);
    while (i < len && n + 3 <= KS_MAX_JAMO) {
        uint32_t c = ks_utf8_next(word, len, &i);
        if (ks_is_hangul_syllable(c)) {
            ks_hangul_parts parts = ks_hangul_decompose(c);
            out[n++] = KS_JAMO_INITIAL_FIRST + parts.initial;
            out[n++] = KS_JAMO_MEDIAL_FIRST + parts.medial;
            if (parts.final)
                out[n++] = KS_JAMO_FINAL_BEFORE + parts.final;
        } else {
            out[n++] = c;
        }
    }
    return n;
}

size_t ks_jamo_levenshtein(const uint32_t *a, size_t a_len, const uint32_t *b, size_t b_len)
{
    size_t row[KS_MAX_JAMO + 1];
    for (size_t j = 0; j <= b_len; j++)
        row[j] = j;
    for (size_t i = 1; i <= a_len; i++) {
        size_t diagonal = row[0];
        row[0] = i;
        for (size_t j = 1; j <= b_len; j++) {
            size_t above = row[j];
            size_t best = diagonal + (a[i - 1] != b[j - 1]);
            if (above + 1 < best)
                best = above + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diagonal = above;
        }
    }
    return row[b_len];
}

/* ------------------------------------------------------------------------ */
/* Keyboard layout: the two-set (dubeolsik) layout through libhangul.       */

static ks_status append_ucs(ks_buf *out, const ucschar *text)
{
    ks_status st = KS_OK;
    for (; text && *text && st == KS_OK; text++)
        st = ks_append_code_point(out, *text);
    return st;
}

/* Types one word of ASCII letters on the two-set layout; false unless every
 * key lands in a complete syllable (English words rarely do). */
static bool type_word_as_hangul(HangulInputContext *ic, const char *word, size_t len,
                                ks_buf *out)
{
    ks_buf typed = {0};
    hangul_ic_reset(ic);
    bool ok = true;
    for (size_t i = 0; i < len && ok; i++) {
        char c = word[i];
        ok = ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) && hangul_ic_process(ic, c) &&
             append_ucs(&typed, hangul_ic_get_commit_string(ic)) == KS_OK;
    }
    ok = ok && append_ucs(&typed, hangul_ic_flush(ic)) == KS_OK && typed.len > 0;
    for (size_t i = 0; ok && i < typed.len;)
        ok = ks_is_hangul_syllable(ks_utf8_next(typed.data, typed.len, &i));
    if (ok)
        ok = ks_buf_append(out, typed.data, typed.len) == KS_OK;
    ks_buf_free(&typed);
    return ok;
}

/* Types one Hangul word back as the keys that make it; false unless it is
 * all syllables and compatibility jamo. */
static bool type_word_as_latin(const char *word, size_t len, ks_buf *out)
{
    size_t i = 0, start = out->len;
    while (i < len) {
        uint32_t c = ks_utf8_next(word, len, &i);
        ks_status st = KS_OK;
        if (ks_is_hangul_syllable(c)) {
            ks_hangul_parts parts = ks_hangul_decompose(c);
            st = ks_buf_append_str(out, initial_keys[parts.initial]);
            if (st == KS_OK)
                st = ks_buf_append_str(out, medial_keys[parts.medial]);
            if (st == KS_OK)
                st = ks_buf_append_str(out, final_keys[parts.final]);
        } else if (c >= 0x3131 && c <= 0x3163) {
            st = ks_buf_append_str(out, compat_keys[c - 0x3131]);
        } else {
            return false;
        }
        if (st != KS_OK)
            return false;
    }
    /* Shifted keys stand for capitals; the index is case-folded anyway. */
    for (size_t k = start; k < out->len; k++)
        if (out->data[k] >= 'A' && out->data[k] <= 'Z')
            out->data[k] = (char)(out->data[k] - 'A' + 'a');
    return true;
}

static bool all_ascii_letters(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')))
            return false;
    return len > 0;
}

bool ks_layout_retype_word(const char *word, size_t len, bool to_hangul, ks_buf *out)
{
    size_t before = out->len;
    bool typed = false;
    if (to_hangul && all_ascii_letters(word, len)) {
        HangulInputContext *ic = hangul_ic_new("2");
        typed = ic && type_word_as_hangul(ic, word, len, out);
        if (ic)
            hangul_ic_delete(ic);
    } else if (!to_hangul && len > 0) {
        typed = type_word_as_latin(word, len, out);
    }
    if (!typed && out->data) {
        out->len = before;
        out->data[before] = '\0';
    }
    return typed;
}

/* ------------------------------------------------------------------------ */
/* Hanja: libhangul's dictionary, read backwards (Hanja to Hangul), as the
 * build's table (tools/hanja_table.c).                                      */

size_t ks_syllable_count(const char *word)
{
    return ks_utf8_count_all(word, ks_is_hangul_syllable);
}

static int compare_word_key(const void *key, const void *word)
{
    return strcmp(key, ks_hanja_strings + *(const uint32_t *)word);
}

static uint32_t hanja_char_reading(uint32_t c)
{
    size_t low = 0, high = ks_hanja_char_count;
    while (low < high) {
        size_t mid = (low + high) / 2;
        if (ks_hanja_chars[mid].hanja < c)
            low = mid + 1;
        else
            high = mid;
    }
    return low < ks_hanja_char_count && ks_hanja_chars[low].hanja == c
               ? ks_hanja_chars[low].syllable : 0;
}

bool ks_is_hanja_word(const char *text, size_t len)
{
    size_t i = 0;
    while (i < len)
        if (!ks_is_hanja(ks_utf8_next(text, len, &i)))
            return false;
    return len > 0;
}

bool ks_hanja_reading(const char *hanja, size_t len, ks_buf *out)
{
    ks_buf_clear(out);
    if (!ks_is_hanja_word(hanja, len))
        return false;
    char *key = ks_strndup(hanja, len);
    if (!key)
        return false;
    const uint32_t *word =
        bsearch(key, ks_hanja_words, ks_hanja_word_count, sizeof *ks_hanja_words, compare_word_key);
    free(key);
    if (word)
        return ks_buf_append_str(out, ks_hanja_strings + *word + len + 1) == KS_OK;
    size_t i = 0;
    while (i < len) {
        uint32_t syllable = hanja_char_reading(ks_utf8_next(hanja, len, &i));
        if (!syllable || ks_append_code_point(out, syllable) != KS_OK)
            return false;
    }
    return true;
}

/* ------------------------------------------------------------------------ */
/* Extra index terms.                                                       */

static bool has_whole_term(const ks_term *terms, size_t count, const char *text)
{
    for (size_t i = 0; i < count; i++)
        if (terms[i].kind != KS_TERM_BIGRAM && strcmp(terms[i].text, text) == 0)
            return true;
    return false;
}

/* Adds the Hangul reading of a run of adjacent Hanja words (九 老 區 are three
 * words to the segmenter, 구로구 one to a reader), unless the text already
 * gives it, as in 행정(行政): counting it twice would skew its ranking. */
static ks_status add_hanja_run(const ks_buf *run, uint32_t position, const ks_term *terms,
                               size_t count, ks_term_sink sink, void *context)
{
    ks_buf reading = {0};
    ks_status st = KS_OK;
    if (run->len && ks_hanja_reading(run->data, run->len, &reading) &&
        reading.len < KS_MAX_TERM_BYTES && !has_whole_term(terms, count, reading.data))
        st = sink(context, reading.data, position);
    ks_buf_free(&reading);
    return st;
}

ks_status ks_input_index_terms(const ks_term *terms, size_t count, ks_term_sink sink,
                               void *context)
{
    ks_buf run = {0};
    ks_status st = KS_OK;
    size_t run_end = 0;
    uint32_t run_position = 0;
    for (size_t i = 0; i < count && st == KS_OK; i++) {
        const ks_term *t = &terms[i];
        size_t len = strlen(t->text);
        if (t->kind != KS_TERM_SURFACE)
            continue;
        if (ks_is_hanja_word(t->text, len)) {
            if (run.len && t->start != run_end) {
                st = add_hanja_run(&run, run_position, terms, count, sink, context);
                ks_buf_clear(&run);
            }
            if (!run.len)
                run_position = t->position;
            if (st == KS_OK)
                st = ks_buf_append(&run, t->text, len);
            run_end = t->end;
        } else if (run.len) {
            st = add_hanja_run(&run, run_position, terms, count, sink, context);
            ks_buf_clear(&run);
        }
    }
    if (st == KS_OK)
        st = add_hanja_run(&run, run_position, terms, count, sink, context);
    ks_buf_free(&run);
    return st;
}

/* ------------------------------------------------------------------------ */
/* How a query word was typed.                                              */

ks_input_kind ks_input_classify(const char *word, ks_buf *out)
{
    ks_buf_clear(out);
    size_t len = strlen(word), i = 0;
    bool initials = len > 0;
    while (i < len && initials) {
        int index = ks_initial_index(ks_utf8_next(word, len, &i));
        initials = index >= 0 && ks_append_code_point(out, initial_jamo[index]) == KS_OK;
    }
    if (initials)
        return KS_INPUT_INITIALS;
    ks_buf_clear(out);
    if (len > 1 && word[len - 1] == '*' && word[len - 2] != '*') {
        if (ks_normalize_append(out, word, len - 1) == KS_OK && out->len > 0 &&
            out->len < KS_MAX_TERM_BYTES)
            return KS_INPUT_PREFIX;
        ks_buf_clear(out);
    }
    /* Hanja, perhaps with a particle after it: 九老區는 reads 구로구는. */
    size_t hanja_end = 0;
    for (size_t at = 0; at < len && ks_is_hanja(ks_utf8_next(word, len, &at));)
        hanja_end = at;
    if (hanja_end && ks_hanja_reading(word, hanja_end, out) &&
        !ks_is_hanja_word(word + hanja_end, len - hanja_end) &&
        ks_buf_append(out, word + hanja_end, len - hanja_end) == KS_OK)
        return KS_INPUT_HANJA;
    ks_buf_clear(out);
    return KS_INPUT_PLAIN;
}
