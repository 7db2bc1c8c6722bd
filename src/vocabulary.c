/* The index's vocabulary: its term list looked up at query time, so that
 * ordinary passages' statistics stay as they are. Words by their initials or
 * a prefix (query.c expands 초성 and 청소* with them), the closest indexed
 * word to a typo (search.c suggests it), and completion (ks_db_complete).
 * Not to be confused with lexicon.c, which holds hunspell-ko's dictionary
 * nouns, fixed at build time. */
#include "kosearch_internal.h"
#include "xapian_shim.h"

#include <stdlib.h>
#include <string.h>

/* Visits the terms starting with a syllable of this initial: 588 short
 * ranges of the term list rather than all of it. */
static ks_status each_term_with_initial(struct shim_db *db, int initial,
                                        int (*visit)(void *, const char *, uint64_t),
                                        void *context)
{
    uint32_t first = KS_HANGUL_FIRST + (uint32_t)initial * KS_HANGUL_MEDIALS * KS_HANGUL_FINALS;
    ks_status st = KS_OK;
    ks_buf prefix = {0};
    for (uint32_t s = first; s < first + KS_HANGUL_MEDIALS * KS_HANGUL_FINALS && st == KS_OK; s++) {
        ks_buf_clear(&prefix);
        st = ks_append_code_point(&prefix, s);
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
    int first = ks_initial_index(ks_utf8_next(initials, strlen(initials), &at));
    if (first < 0)
        return KS_OK;
    word_walk walk = {.initials = initials, .status = KS_OK};
    ks_status st = each_term_with_initial(db, first, collect_word, &walk);
    ks_status kept = keep_most_frequent(&walk, limit, out);
    return st == KS_OK ? kept : st;
}

/* ------------------------------------------------------------------------ */
/* Typo suggestions: the closest indexed word by jamo edit distance.        */

typedef struct closest {
    uint32_t jamo[KS_MAX_JAMO];
    size_t jamo_count, syllables, limit;
    ks_buf best;
    size_t best_distance;
    uint64_t best_frequency;
} closest;

static int consider_term(void *context, const char *term, uint64_t frequency)
{
    closest *c = context;
    size_t syllables = ks_utf8_count(term, strlen(term));
    if (syllables + 1 < c->syllables || syllables > c->syllables + 1)
        return 0;
    uint32_t jamo[KS_MAX_JAMO];
    size_t n = ks_jamo_spell(term, jamo);
    /* The distance is at least the difference in length. */
    if (n > c->jamo_count + c->limit || c->jamo_count > n + c->limit)
        return 0;
    size_t distance = ks_jamo_levenshtein(c->jamo, c->jamo_count, jamo, n);
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

ks_status ks_closest_word(struct shim_db *db, const char *word, ks_buf *out)
{
    ks_buf_clear(out);
    closest c = {0};
    c.jamo_count = ks_jamo_spell(word, c.jamo);
    c.syllables = ks_syllable_count(word);
    /* Short words have many neighbours: allow one slip, two in long words. */
    c.limit = c.jamo_count < 5 ? 0 : c.jamo_count < 10 ? 1 : 2;
    c.best_distance = (size_t)-1;
    if (c.limit == 0 || c.syllables == 0)
        return KS_OK;
    /* A slip in the very first consonant is rare; looking only at words
     * that share it keeps the lookup short on a large index. */
    size_t at = 0;
    uint32_t first = ks_utf8_next(word, strlen(word), &at);
    int initial = (int)((first - KS_HANGUL_FIRST) / (KS_HANGUL_MEDIALS * KS_HANGUL_FINALS));
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
