/* Korean input the way people type it: initial consonants (초성), words
 * typed on the two-set (dubeolsik) layout in the wrong mode, typos measured
 * in jamo, Hanja and their Hangul readings, synonyms, and completion.
 * query.c and rank.c call in here; index.c adds the extra terms it makes. */
#include "kosearch_internal.h"
#include "xapian_shim.h"

#include <hangul.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef KS_HANJA_FILE
#define KS_HANJA_FILE "/usr/share/libhangul/hanja/hanja.txt"
#endif

#define SYLLABLE_FIRST 0xAC00
#define MEDIAL_COUNT 21
#define FINAL_COUNT 28
#define INITIAL_COUNT 19

#define META_SYNONYM_PREFIX "synonym:"

/* Compatibility jamo of the 19 initials, in syllable order. */
static const uint32_t initial_jamo[INITIAL_COUNT] = {
    0x3131, 0x3132, 0x3134, 0x3137, 0x3138, 0x3139, 0x3141, 0x3142, 0x3143, 0x3145,
    0x3146, 0x3147, 0x3148, 0x3149, 0x314A, 0x314B, 0x314C, 0x314D, 0x314E,
};

/* Keys of the two-set layout, for typing Hangul back into Latin letters. */
static const char *const initial_keys[INITIAL_COUNT] = {
    "r", "R", "s", "e", "E", "f", "a", "q", "Q", "t", "T", "d", "w", "W", "c", "z", "x", "v", "g",
};
static const char *const medial_keys[MEDIAL_COUNT] = {
    "k", "o", "i", "O", "j", "p", "u", "P", "h", "hk", "ho",
    "hl", "y", "n", "nj", "np", "nl", "b", "m", "ml", "l",
};
static const char *const final_keys[FINAL_COUNT] = {
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

static ks_status append_code_point(ks_buf *out, uint32_t c)
{
    char bytes[4];
    size_t n;
    if (c < 0x80) {
        bytes[0] = (char)c;
        n = 1;
    } else if (c < 0x800) {
        bytes[0] = (char)(0xC0 | (c >> 6));
        bytes[1] = (char)(0x80 | (c & 0x3F));
        n = 2;
    } else if (c < 0x10000) {
        bytes[0] = (char)(0xE0 | (c >> 12));
        bytes[1] = (char)(0x80 | ((c >> 6) & 0x3F));
        bytes[2] = (char)(0x80 | (c & 0x3F));
        n = 3;
    } else {
        bytes[0] = (char)(0xF0 | (c >> 18));
        bytes[1] = (char)(0x80 | ((c >> 12) & 0x3F));
        bytes[2] = (char)(0x80 | ((c >> 6) & 0x3F));
        bytes[3] = (char)(0x80 | (c & 0x3F));
        n = 4;
    }
    return ks_buf_append(out, bytes, n);
}

static bool is_ideograph(uint32_t c)
{
    return (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
           (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x3134F);
}

/* The initial's index of a consonant typed alone: compatibility jamo, or the
 * conjoining choseong NFKC turns them into; -1 for anything else. */
static int initial_index(uint32_t c)
{
    if (c >= 0x1100 && c <= 0x1112)
        return (int)(c - 0x1100);
    for (int i = 0; i < INITIAL_COUNT; i++)
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
        if (append_code_point(out, initial_jamo[(c - SYLLABLE_FIRST) / (MEDIAL_COUNT * FINAL_COUNT)]) != KS_OK)
            return false;
    }
    return out->len > 0;
}

/* ------------------------------------------------------------------------ */
/* Jamo edit distance.                                                      */

#define MAX_JAMO 96

/* Splits syllables into initial, medial and final, each coded apart so an
 * initial never equals a final; other characters stay as they are. */
static size_t jamo_of(const char *word, uint32_t *out)
{
    size_t n = 0, i = 0, len = strlen(word);
    while (i < len && n + 3 <= MAX_JAMO) {
        uint32_t c = ks_utf8_next(word, len, &i);
        if (ks_is_hangul_syllable(c)) {
            uint32_t s = c - SYLLABLE_FIRST;
            out[n++] = 0x1100 + s / (MEDIAL_COUNT * FINAL_COUNT);
            out[n++] = 0x1161 + (s / FINAL_COUNT) % MEDIAL_COUNT;
            if (s % FINAL_COUNT)
                out[n++] = 0x11A7 + s % FINAL_COUNT;
        } else {
            out[n++] = c;
        }
    }
    return n;
}

static size_t levenshtein(const uint32_t *a, size_t a_len, const uint32_t *b, size_t b_len)
{
    size_t row[MAX_JAMO + 1];
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

size_t ks_jamo_distance(const char *a, const char *b)
{
    uint32_t ja[MAX_JAMO], jb[MAX_JAMO];
    size_t na = jamo_of(a, ja), nb = jamo_of(b, jb);
    return levenshtein(ja, na, jb, nb);
}

/* ------------------------------------------------------------------------ */
/* Keyboard layout: the two-set (dubeolsik) layout through libhangul.       */

static ks_status append_ucs(ks_buf *out, const ucschar *text)
{
    ks_status st = KS_OK;
    for (; text && *text && st == KS_OK; text++)
        st = append_code_point(out, *text);
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
            uint32_t s = c - SYLLABLE_FIRST;
            st = ks_buf_append_str(out, initial_keys[s / (MEDIAL_COUNT * FINAL_COUNT)]);
            if (st == KS_OK)
                st = ks_buf_append_str(out, medial_keys[(s / FINAL_COUNT) % MEDIAL_COUNT]);
            if (st == KS_OK)
                st = ks_buf_append_str(out, final_keys[s % FINAL_COUNT]);
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

/* Retypes the query's words in one direction: Latin to Hangul, or Hangul
 * to Latin; other words are kept. */
static bool layout_convert_words(HangulInputContext *ic, const char *query, bool to_hangul,
                                 ks_buf *out)
{
    ks_buf_clear(out);
    bool changed = false, failed = false;
    size_t i = 0, len = strlen(query);
    while (i < len && !failed) {
        size_t start = i;
        while (i < len && query[i] != ' ')
            i++;
        const char *word = query + start;
        size_t word_len = i - start;
        size_t before = out->len;
        bool keyword = (word_len == 2 && memcmp(word, "OR", 2) == 0) ||
                       (word_len == 3 && memcmp(word, "AND", 3) == 0);
        bool converted = false;
        if (!keyword && to_hangul && all_ascii_letters(word, word_len))
            converted = type_word_as_hangul(ic, word, word_len, out);
        else if (!keyword && !to_hangul && (unsigned char)word[0] >= 0xE3)
            converted = type_word_as_latin(word, word_len, out);
        if (!converted) {
            out->len = before;
            failed = ks_buf_append(out, word, word_len) != KS_OK;
        }
        changed |= converted;
        while (i < len && query[i] == ' ' && !failed)
            failed = ks_buf_append(out, query + i++, 1) != KS_OK;
    }
    if (out->data)
        out->data[out->len] = '\0';
    return changed && !failed;
}

bool ks_layout_convert(const char *query, ks_buf *out)
{
    HangulInputContext *ic = hangul_ic_new("2");
    if (!ic)
        return false;
    /* Latin that makes whole syllables is the likelier slip; Hangul typed
     * for a Latin word is tried only when there is none. */
    bool changed = layout_convert_words(ic, query, true, out) ||
                   layout_convert_words(ic, query, false, out);
    hangul_ic_delete(ic);
    return changed;
}

/* ------------------------------------------------------------------------ */
/* Hanja: libhangul's dictionary, read backwards (Hanja to Hangul).         */

typedef struct hanja_word {
    const char *hanja, *hangul;
} hanja_word;

typedef struct hanja_char {
    uint32_t hanja, syllable;
} hanja_char;

static struct {
    char *text;            /* the dictionary file, split in place */
    hanja_word *words;     /* sorted by Hanja */
    size_t word_count;
    hanja_char *chars;     /* each character's commonest reading, sorted */
    size_t char_count;
} hanja_table;
static pthread_once_t hanja_once = PTHREAD_ONCE_INIT;

static size_t code_points_if(const char *s, bool (*accept)(uint32_t))
{
    size_t n = 0, i = 0, len = strlen(s);
    while (i < len) {
        if (!accept(ks_utf8_next(s, len, &i)))
            return 0;
        n++;
    }
    return n;
}

static int compare_words(const void *a, const void *b)
{
    return strcmp(((const hanja_word *)a)->hanja, ((const hanja_word *)b)->hanja);
}

static int compare_pairs(const void *a, const void *b)
{
    const hanja_char *x = a, *y = b;
    if (x->hanja != y->hanja)
        return x->hanja < y->hanja ? -1 : 1;
    return x->syllable < y->syllable ? -1 : x->syllable > y->syllable;
}

static bool is_hangul_syllable_fn(uint32_t c) { return ks_is_hangul_syllable(c); }

/* Counts how each character is read across the dictionary's words and
 * keeps the commonest reading: 行 is 행 far more often than 항. */
static void hanja_keep_common_readings(hanja_char *pairs, size_t count)
{
    qsort(pairs, count, sizeof *pairs, compare_pairs);
    size_t kept = 0;
    for (size_t i = 0; i < count;) {
        size_t best_count = 0, best = i, k = i;
        while (k < count && pairs[k].hanja == pairs[i].hanja) {
            size_t run = k;
            while (k < count && pairs[k].hanja == pairs[run].hanja &&
                   pairs[k].syllable == pairs[run].syllable)
                k++;
            if (k - run > best_count) {
                best_count = k - run;
                best = run;
            }
        }
        pairs[kept++] = pairs[best];
        i = k;
    }
    hanja_table.chars = pairs;
    hanja_table.char_count = kept;
}

static void hanja_load(void)
{
    FILE *file = fopen(KS_HANJA_FILE, "rb");
    if (!file)
        return;
    ks_buf text = {0};
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, file)) > 0)
        if (ks_buf_append(&text, chunk, n) != KS_OK)
            break;
    fclose(file);
    size_t word_cap = 0, pair_cap = 0, pair_count = 0;
    hanja_char *pairs = NULL;
    for (char *line = text.data; line && *line;) {
        char *end = strchr(line, '\n');
        if (end)
            *end = '\0';
        char *key = line, *value = strchr(line, ':');
        char *comment = value ? strchr(value + 1, ':') : NULL;
        line = end ? end + 1 : NULL;
        if (*key == '#' || !value || !comment)
            continue;
        *value++ = '\0';
        *comment = '\0';
        size_t syllables = code_points_if(key, is_hangul_syllable_fn);
        if (syllables == 0 || code_points_if(value, is_ideograph) != syllables)
            continue;
        if (ks_grow((void **)&hanja_table.words, &word_cap, hanja_table.word_count + 1,
                    sizeof *hanja_table.words) != KS_OK ||
            ks_grow((void **)&pairs, &pair_cap, pair_count + syllables, sizeof *pairs) != KS_OK)
            break;
        hanja_table.words[hanja_table.word_count++] = (hanja_word){value, key};
        size_t ki = 0, vi = 0, klen = strlen(key), vlen = strlen(value);
        while (ki < klen && vi < vlen) {
            uint32_t syllable = ks_utf8_next(key, klen, &ki);
            pairs[pair_count++] = (hanja_char){ks_utf8_next(value, vlen, &vi), syllable};
        }
    }
    hanja_table.text = text.data;
    qsort(hanja_table.words, hanja_table.word_count, sizeof *hanja_table.words, compare_words);
    hanja_keep_common_readings(pairs, pair_count);
}

static uint32_t hanja_char_reading(uint32_t c)
{
    size_t low = 0, high = hanja_table.char_count;
    while (low < high) {
        size_t mid = (low + high) / 2;
        if (hanja_table.chars[mid].hanja < c)
            low = mid + 1;
        else
            high = mid;
    }
    return low < hanja_table.char_count && hanja_table.chars[low].hanja == c
               ? hanja_table.chars[low].syllable : 0;
}

bool ks_is_hanja_word(const char *text, size_t len)
{
    size_t i = 0;
    while (i < len)
        if (!is_ideograph(ks_utf8_next(text, len, &i)))
            return false;
    return len > 0;
}

bool ks_hanja_reading(const char *hanja, size_t len, ks_buf *out)
{
    ks_buf_clear(out);
    if (!ks_is_hanja_word(hanja, len))
        return false;
    pthread_once(&hanja_once, hanja_load);
    char *key = ks_strndup(hanja, len);
    if (!key)
        return false;
    hanja_word probe = {key, NULL};
    const hanja_word *word = hanja_table.words
        ? bsearch(&probe, hanja_table.words, hanja_table.word_count, sizeof probe, compare_words)
        : NULL;
    free(key);
    if (word)
        return ks_buf_append_str(out, word->hangul) == KS_OK;
    size_t i = 0;
    while (i < len) {
        uint32_t syllable = hanja_char_reading(ks_utf8_next(hanja, len, &i));
        if (!syllable || append_code_point(out, syllable) != KS_OK)
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
    ks_buf reading = {0}, term = {0};
    ks_status st = KS_OK;
    if (run->len && ks_hanja_reading(run->data, run->len, &reading) &&
        reading.len < KS_MAX_TERM_BYTES && !has_whole_term(terms, count, reading.data)) {
        st = ks_buf_printf(&term, KS_PREFIX_READING "%s", reading.data);
        if (st == KS_OK)
            st = sink(context, term.data, position);
    }
    ks_buf_free(&reading);
    ks_buf_free(&term);
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

/* Visits the terms starting with a syllable of this initial: 588 short
 * ranges of the term list rather than all of it. */
static ks_status each_term_with_initial(struct shim_db *db, int initial,
                                        int (*visit)(void *, const char *, uint64_t),
                                        void *context)
{
    uint32_t first = SYLLABLE_FIRST + (uint32_t)initial * MEDIAL_COUNT * FINAL_COUNT;
    ks_status st = KS_OK;
    ks_buf prefix = {0};
    for (uint32_t s = first; s < first + MEDIAL_COUNT * FINAL_COUNT && st == KS_OK; s++) {
        ks_buf_clear(&prefix);
        st = append_code_point(&prefix, s);
        if (st == KS_OK)
            st = shim_db_each_term(db, prefix.data, visit, context);
    }
    ks_buf_free(&prefix);
    return st;
}

/* ------------------------------------------------------------------------ */
/* Words by their initials or a prefix, looked up in the term list at query */
/* time, so that ordinary passages' statistics stay as they are.            */

typedef struct word_walk {
    const char *initials;  /* NULL: every term visited is wanted */
    ks_buf term_initials;
    ks_completion *found;
    size_t found_count, found_cap;
    ks_status status;
} word_walk;

static int collect_word(void *context, const char *term, uint64_t frequency)
{
    word_walk *walk = context;
    size_t len = strlen(term);
    if (walk->initials && !(ks_initials_of(term, len, &walk->term_initials) &&
                            strcmp(walk->term_initials.data, walk->initials) == 0))
        return 0;
    char *copy = ks_strndup(term, len);
    if (!copy || ks_grow((void **)&walk->found, &walk->found_cap, walk->found_count + 1,
                         sizeof *walk->found) != KS_OK) {
        free(copy);
        walk->status = KS_ERR_NOMEM;
        return 1;
    }
    walk->found[walk->found_count++] = (ks_completion){copy, frequency};
    return 0;
}

static int by_frequency(const void *a, const void *b);

/* Keeps the `limit` most frequent words found, NUL-terminated in `out`. */
static ks_status keep_most_frequent(word_walk *walk, size_t limit, ks_buf *out)
{
    ks_status st = walk->status;
    if (walk->found_count) /* qsort may not be given a NULL array, even empty */
        qsort(walk->found, walk->found_count, sizeof *walk->found, by_frequency);
    for (size_t k = 0; k < walk->found_count; k++) {
        if (st == KS_OK && k < limit)
            st = ks_buf_append(out, walk->found[k].word, strlen(walk->found[k].word) + 1);
        free((char *)walk->found[k].word);
    }
    free(walk->found);
    ks_buf_free(&walk->term_initials);
    return st;
}

ks_status ks_words_with_prefix(struct shim_db *db, const char *prefix, size_t limit, ks_buf *out)
{
    ks_buf_clear(out);
    word_walk walk = {.status = KS_OK};
    ks_status st = shim_db_each_term(db, prefix, collect_word, &walk);
    ks_status kept = keep_most_frequent(&walk, limit, out);
    return st == KS_OK ? kept : st;
}

ks_status ks_words_with_initials(struct shim_db *db, const char *initials, size_t limit,
                                 ks_buf *out)
{
    ks_buf_clear(out);
    size_t at = 0;
    int first = initial_index(ks_utf8_next(initials, strlen(initials), &at));
    if (first < 0)
        return KS_OK;
    word_walk walk = {.initials = initials, .status = KS_OK};
    ks_status st = each_term_with_initial(db, first, collect_word, &walk);
    ks_status kept = keep_most_frequent(&walk, limit, out);
    return st == KS_OK ? kept : st;
}

/* ------------------------------------------------------------------------ */
/* How a query word was typed.                                              */

ks_input_kind ks_input_classify(const char *word, ks_buf *out)
{
    ks_buf_clear(out);
    size_t len = strlen(word), i = 0;
    bool initials = len > 0;
    while (i < len && initials) {
        int index = initial_index(ks_utf8_next(word, len, &i));
        initials = index >= 0 && append_code_point(out, initial_jamo[index]) == KS_OK;
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
    for (size_t at = 0; at < len && is_ideograph(ks_utf8_next(word, len, &at));)
        hanja_end = at;
    if (hanja_end && ks_hanja_reading(word, hanja_end, out) &&
        !ks_is_hanja_word(word + hanja_end, len - hanja_end) &&
        ks_buf_append(out, word + hanja_end, len - hanja_end) == KS_OK)
        return KS_INPUT_HANJA;
    ks_buf_clear(out);
    return KS_INPUT_PLAIN;
}

/* ------------------------------------------------------------------------ */
/* Synonyms: metadata "synonym:<word>" holds the other words of its groups. */

ks_status ks_synonyms_of(struct shim_db *db, const char *word, ks_buf *out)
{
    ks_buf_clear(out);
    /* Most databases hold no synonyms: one look instead of one per word. */
    if (!shim_db_may_have_metadata(db, META_SYNONYM_PREFIX))
        return KS_OK;
    char key[KS_MAX_TERM_BYTES + 16];
    if (snprintf(key, sizeof key, META_SYNONYM_PREFIX "%s", word) >= (int)sizeof key)
        return KS_OK;
    return shim_db_get_metadata(db, key, out);
}

typedef struct key_list {
    char **keys;
    size_t count, cap;
} key_list;

static int collect_key(void *context, const char *key)
{
    key_list *list = context;
    if (ks_grow((void **)&list->keys, &list->cap, list->count + 1, sizeof *list->keys) != KS_OK)
        return 1;
    list->keys[list->count] = ks_strndup(key, strlen(key));
    return list->keys[list->count++] == NULL;
}

ks_status ks_synonyms_copy(shim_db *from, shim_db *to)
{
    key_list keys = {0};
    int stopped = 0;
    ks_status st = shim_db_each_metadata_key(from, META_SYNONYM_PREFIX, collect_key, &keys,
                                             &stopped);
    if (st == KS_OK && stopped)
        st = KS_ERR_NOMEM;
    ks_buf value = {0};
    for (size_t i = 0; i < keys.count && st == KS_OK; i++) {
        st = shim_db_get_metadata(from, keys.keys[i], &value);
        if (st == KS_OK)
            st = shim_db_set_metadata(to, keys.keys[i], value.data ? value.data : "");
    }
    ks_buf_free(&value);
    for (size_t i = 0; i < keys.count; i++)
        free(keys.keys[i]);
    free(keys.keys);
    return st;
}

/* Normalized words of a group, each NUL-terminated in `words`. */
static size_t group_words(const char *group, ks_buf *words)
{
    ks_buf_clear(words);
    size_t count = 0, i = 0, len = strlen(group);
    while (i < len) {
        while (i < len && (group[i] == ' ' || group[i] == '\t'))
            i++;
        size_t start = i;
        while (i < len && group[i] != ' ' && group[i] != '\t')
            i++;
        if (i == start)
            break;
        if (ks_normalize_append(words, group + start, i - start) != KS_OK ||
            ks_buf_append(words, "", 1) != KS_OK)
            return 0;
        count++;
    }
    return count;
}

typedef struct synonym_pair {
    const char *word, *other; /* point into a group's normalized words */
} synonym_pair;

static int compare_synonym_pairs(const void *a, const void *b)
{
    const synonym_pair *x = a, *y = b;
    int by_word = strcmp(x->word, y->word);
    return by_word ? by_word : strcmp(x->other, y->other);
}

/* Writes "synonym:<word>" for every word, merging the groups it is in. Built
 * in memory first: a reader need not see the writes pending before. */
static ks_status write_synonyms(shim_db *db, const ks_buf *group_words_list, size_t count)
{
    synonym_pair *pairs = NULL;
    size_t pair_count = 0, pair_cap = 0;
    ks_status st = KS_OK;
    for (size_t g = 0; g < count && st == KS_OK; g++) {
        const ks_buf *words = &group_words_list[g];
        for (size_t a = 0; st == KS_OK && a < words->len; a += strlen(words->data + a) + 1)
            for (size_t b = 0; st == KS_OK && b < words->len; b += strlen(words->data + b) + 1) {
                if (strcmp(words->data + a, words->data + b) == 0)
                    continue;
                st = ks_grow((void **)&pairs, &pair_cap, pair_count + 1, sizeof *pairs);
                if (st == KS_OK)
                    pairs[pair_count++] = (synonym_pair){words->data + a, words->data + b};
            }
    }
    if (pair_count)
        qsort(pairs, pair_count, sizeof *pairs, compare_synonym_pairs);
    ks_buf value = {0};
    char key[KS_MAX_TERM_BYTES + 16];
    for (size_t i = 0; i < pair_count && st == KS_OK;) {
        ks_buf_clear(&value);
        size_t k = i;
        for (; k < pair_count && strcmp(pairs[k].word, pairs[i].word) == 0 && st == KS_OK; k++) {
            if (k > i && strcmp(pairs[k].other, pairs[k - 1].other) == 0)
                continue;
            if (value.len)
                st = ks_buf_append(&value, " ", 1);
            if (st == KS_OK)
                st = ks_buf_append_str(&value, pairs[k].other);
        }
        snprintf(key, sizeof key, META_SYNONYM_PREFIX "%s", pairs[i].word);
        if (st == KS_OK)
            st = shim_db_set_metadata(db, key, value.data);
        i = k;
    }
    ks_buf_free(&value);
    free(pairs);
    return st;
}

KS_API ks_status ks_db_set_synonyms(ks_db *db, const char *const *groups, size_t count)
{
    if (!db || !db->shim || (!groups && count))
        return KS_ERR_INVALID_ARGUMENT;
    if (!db->writable)
        return ks_db_fail(db, KS_ERR_READ_ONLY, "%s is open for reading only", db->path);
    ks_buf *words = calloc(count ? count : 1, sizeof *words);
    if (!words)
        return ks_db_fail(db, KS_ERR_NOMEM, "out of memory");
    const char *problem = NULL;
    for (size_t g = 0; g < count && !problem; g++) {
        if (group_words(groups[g], &words[g]) < 2)
            problem = "a synonym group needs two words or more";
        for (size_t at = 0; !problem && at < words[g].len; at += strlen(words[g].data + at) + 1)
            if (strlen(words[g].data + at) > KS_MAX_TERM_BYTES)
                problem = "a synonym is too long";
    }
    key_list old = {0};
    int stopped = 0;
    ks_status st = problem ? KS_ERR_BAD_INPUT
                           : shim_db_each_metadata_key(db->shim, META_SYNONYM_PREFIX, collect_key,
                                                       &old, &stopped);
    if (st == KS_OK && stopped)
        st = KS_ERR_NOMEM;
    for (size_t i = 0; i < old.count && st == KS_OK; i++)
        st = shim_db_set_metadata(db->shim, old.keys[i], "");
    if (st == KS_OK)
        st = write_synonyms(db->shim, words, count);
    for (size_t i = 0; i < old.count; i++)
        free(old.keys[i]);
    free(old.keys);
    for (size_t g = 0; g < count; g++)
        ks_buf_free(&words[g]);
    free(words);
    if (problem)
        return ks_db_fail(db, KS_ERR_BAD_INPUT, "%s", problem);
    if (st == KS_ERR_NOMEM)
        return ks_db_fail(db, st, "out of memory");
    return st == KS_OK ? KS_OK : ks_db_fail_shim(db, st);
}

/* ------------------------------------------------------------------------ */
/* Typo suggestions: the closest indexed word by jamo edit distance.        */

typedef struct closest {
    uint32_t jamo[MAX_JAMO];
    size_t jamo_count, syllables, limit;
    ks_buf best;
    size_t best_distance;
    uint64_t best_frequency;
} closest;

static int consider_term(void *context, const char *term, uint64_t frequency)
{
    closest *c = context;
    size_t syllables = 0;
    for (const char *p = term; *p; p++)
        syllables += ((unsigned char)*p & 0xC0) != 0x80;
    if (syllables + 1 < c->syllables || syllables > c->syllables + 1)
        return 0;
    uint32_t jamo[MAX_JAMO];
    size_t n = jamo_of(term, jamo);
    /* The distance is at least the difference in length. */
    if (n > c->jamo_count + c->limit || c->jamo_count > n + c->limit)
        return 0;
    size_t distance = levenshtein(c->jamo, c->jamo_count, jamo, n);
    if (distance == 0 || distance > c->limit)
        return 0;
    if (distance < c->best_distance ||
        (distance == c->best_distance && frequency > c->best_frequency)) {
        c->best_distance = distance;
        c->best_frequency = frequency;
        ks_buf_clear(&c->best);
        ks_buf_append_str(&c->best, term);
    }
    return 0;
}

static size_t count_syllables_or_zero(const char *word)
{
    size_t n = 0, i = 0, len = strlen(word);
    while (i < len) {
        if (!ks_is_hangul_syllable(ks_utf8_next(word, len, &i)))
            return 0;
        n++;
    }
    return n;
}

ks_status ks_closest_word(struct shim_db *db, const char *word, ks_buf *out)
{
    ks_buf_clear(out);
    closest c = {0};
    c.jamo_count = jamo_of(word, c.jamo);
    c.syllables = count_syllables_or_zero(word);
    /* Short words have many neighbours: allow one slip, two in long words. */
    c.limit = c.jamo_count < 5 ? 0 : c.jamo_count < 10 ? 1 : 2;
    c.best_distance = (size_t)-1;
    if (c.limit == 0 || c.syllables == 0)
        return KS_OK;
    /* A slip in the very first consonant is rare; looking only at words
     * that share it keeps the lookup short on a large index. */
    size_t at = 0;
    uint32_t first = ks_utf8_next(word, strlen(word), &at);
    int initial = (int)((first - SYLLABLE_FIRST) / (MEDIAL_COUNT * FINAL_COUNT));
    ks_status st = each_term_with_initial(db, initial, consider_term, &c);
    if (st == KS_OK && c.best.len)
        st = ks_buf_append(out, c.best.data, c.best.len);
    ks_buf_free(&c.best);
    return st;
}

/* ------------------------------------------------------------------------ */
/* Completion.                                                              */

struct ks_completions {
    ks_completion *items;
    size_t count, cap;
};

typedef struct completion_walk {
    ks_db *db;
    ks_completions *list;
    size_t scanned;
    ks_status status;
} completion_walk;

/* Inflected forms (깔끔이봉사단은) are left out: their stem is listed. */
static bool is_inflected(ks_db *db, const char *term)
{
    const ks_term *terms;
    size_t count;
    if (ks_analyzer_run(db->analyzer, term, strlen(term), &terms, &count) != KS_OK)
        return false;
    for (size_t i = 0; i < count; i++)
        if (terms[i].kind == KS_TERM_STEM && strcmp(terms[i].text, term) != 0)
            return true;
    return false;
}

/* Enough for the commonest completions of a one-syllable prefix; keeps a
 * keystroke's lookup short on a large index. */
#define COMPLETION_SCAN_LIMIT 20000

static int collect_completion(void *context, const char *term, uint64_t frequency)
{
    completion_walk *walk = context;
    if (++walk->scanned > COMPLETION_SCAN_LIMIT)
        return 1;
    if (is_inflected(walk->db, term))
        return 0;
    ks_completions *list = walk->list;
    if (ks_grow((void **)&list->items, &list->cap, list->count + 1, sizeof *list->items) != KS_OK) {
        walk->status = KS_ERR_NOMEM;
        return 1;
    }
    char *copy = ks_strndup(term, strlen(term));
    if (!copy) {
        walk->status = KS_ERR_NOMEM;
        return 1;
    }
    list->items[list->count++] = (ks_completion){copy, frequency};
    return 0;
}

static int by_frequency(const void *a, const void *b)
{
    const ks_completion *x = a, *y = b;
    if (x->passages != y->passages)
        return x->passages > y->passages ? -1 : 1;
    return strcmp(x->word, y->word);
}

KS_API ks_status ks_db_complete(ks_db *db, const char *prefix, size_t limit, ks_completions **out)
{
    if (!out)
        return KS_ERR_INVALID_ARGUMENT;
    *out = NULL;
    if (!db || !db->shim || !prefix)
        return KS_ERR_INVALID_ARGUMENT;
    ks_buf normalized = {0};
    ks_status st = ks_normalize_append(&normalized, prefix, strlen(prefix));
    ks_completions *list = calloc(1, sizeof *list);
    if (!list)
        st = KS_ERR_NOMEM;
    /* Upper-case ASCII starts the prefixed (non-word) terms. */
    bool word_prefix = st == KS_OK && normalized.len > 0 &&
                       !(normalized.data[0] >= 'A' && normalized.data[0] <= 'Z');
    if (word_prefix) {
        completion_walk walk = {db, list, 0, KS_OK};
        st = shim_db_each_term(db->shim, normalized.data, collect_completion, &walk);
        if (st != KS_OK)
            st = ks_db_fail_shim(db, st);
        else if (walk.status != KS_OK)
            st = ks_db_fail(db, walk.status, "out of memory");
    }
    ks_buf_free(&normalized);
    if (st != KS_OK) {
        ks_completions_free(list);
        return st == KS_ERR_NOMEM ? ks_db_fail(db, st, "out of memory") : st;
    }
    if (list->count)
        qsort(list->items, list->count, sizeof *list->items, by_frequency);
    size_t keep = limit ? limit : 10;
    for (size_t i = keep; i < list->count; i++)
        free((char *)list->items[i].word);
    if (list->count > keep)
        list->count = keep;
    *out = list;
    return KS_OK;
}

KS_API size_t ks_completions_count(const ks_completions *completions)
{
    return completions ? completions->count : 0;
}

KS_API const ks_completion *ks_completions_get(const ks_completions *completions, size_t index)
{
    if (!completions || index >= completions->count)
        return NULL;
    return &completions->items[index];
}

KS_API void ks_completions_free(ks_completions *completions)
{
    if (!completions)
        return;
    for (size_t i = 0; i < completions->count; i++)
        free((char *)completions->items[i].word);
    free(completions->items);
    free(completions);
}
