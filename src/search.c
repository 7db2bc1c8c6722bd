/* Search: runs the built query on the passages, turns Xapian's matches into
 * hits with highlights and snippets (the results handle), and, when a query
 * finds little, tries what was meant: the other keyboard mode, typos.
 *
 * Scores are BM25 over passages; query.c shapes the query so that whole
 * words outrank fragments and nearby words earn a bonus. */
#include "kosearch_internal.h"
#include "xapian_shim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_LIMIT 10
#define DEFAULT_SNIPPET_BYTES 240

/* BM25 parameters (k1, k2, k3, b, min_normlen) for keyword queries (before
 * questions and statements had their own, below, for every query), chosen with
 * tools/eval on the development halves of KorQuAD, KorNLI and KorSTS: the best
 * mean MRR@10 among the settings that lower no half by more than 0.005 from
 * k1 0.2, b 0.5 (tuned on KorQuAD alone) and keep a quoted phrase's own
 * section first in tests/cli_test.sh. MRR@10 KorQuAD / KorNLI / KorSTS dev:
 *   k1 0.2, b 0.5:  0.957 / 0.441 / 0.796, mean 0.731
 *   k1 0.5, b 0.9:  0.954 / 0.489 / 0.808, mean 0.750 (chosen)
 *   k1 0.5, b 1.0:  0.952 / 0.495 / 0.810, mean 0.753 (a list passage beats the
 *                   section about the phrase)
 *   k1 0.7, b 1.0:  0.948 / 0.506 / 0.818, mean 0.757 (KorQuAD -0.009)
 * A higher b stops a long passage that holds the query's words anywhere from
 * beating a short one that holds them together (sentence queries gain most);
 * a higher k1 helps KorNLI and KorSTS and costs KorQuAD.
 * Retuned with the keyword ranking, Hanja weights and joined words and parts
 * (query.c) in, to maximize the worst margin over the targets on the
 * development halves (KorQuAD 0.95, KorNLI Xapian + 0.25 = 0.485, KorSTS
 * Xapian + 0.15 = 0.812; keyword two-noun P@10, 0.978 in every setting, set
 * apart). MRR@10 KorQuAD / KorNLI / KorSTS dev, worst margin:
 *   k1 0.5, b 0.9:  0.952 / 0.476 / 0.804, -0.010 (KorNLI)
 *   k1 0.5, b 1.0:  0.951 / 0.482 / 0.806, -0.006 (KorSTS)
 *   k1 0.6, b 1.0:  0.949 / 0.488 / 0.809, -0.004 (KorSTS)
 *   k1 0.7, b 0.8:  0.950 / 0.476 / 0.812, -0.009 (KorNLI)
 *   k1 0.7, b 0.9:  0.949 / 0.486 / 0.813, -0.001 (KorQuAD; chosen)
 *   k1 0.7, b 1.0:  0.947 / 0.495 / 0.811, -0.003 (KorQuAD)
 *   k1 0.8, b 0.9:  0.947 / 0.490 / 0.811, -0.003 (KorQuAD) */
static const shim_bm25 passage_bm25 = {0.7, 0.0, 1.0, 0.9, 0.5};
/* Questions and statements, chosen on the development halves (tools/eval,
 * MRR@10) once each style had its own parameters; keyword queries keep
 * passage_bm25, on which the keyword sets were measured, and so do longer
 * queries that do not end as a sentence (headlines): with the statement
 * parameters the known-item set of news titles fell 0.900 -> 0.892, with
 * passage_bm25 it stays 0.900 (KorSTS dev 0.8166 -> 0.8162, KorNLI dev
 * 0.511 either way).
 * Questions (typed_as_question: 5,766 of KorQuAD's 5,774, 39 of KorNLI dev's
 * 2,490 queries, 1 of KorSTS dev's 259), KorQuAD dev, statements at k1 0.7, b 0.9:
 *   k1 0.7, b 0.9: 0.949   k1 0.2, b 0.5: 0.955   k1 0.2, b 0.6: 0.955
 *   k1 0.2, b 0.7: 0.955 (chosen; 0.9550)        k1 0.2, b 0.8: 0.955
 *   k1 0.2, b 0.9: 0.955   k1 0.2, b 1.0: 0.954   k1 0.1, b 0.7: 0.954
 *   k1 0.3, b 0.7: 0.954   k1 0.3, b 0.9: 0.955   k1 0.4, b 0.8: 0.954
 * A question names what its passage is about once; a passage repeating one
 * of its words is no better an answer (tests/test_api.c).
 * Statements (more than three words, no question mark or interrogative),
 * KorNLI / KorSTS dev with questions as chosen, worst margin over the
 * targets (KorNLI Xapian + 0.25 = 0.485, KorSTS Xapian + 0.15 = 0.812):
 *   k1 0.7, b 0.9: 0.484 / 0.813, -0.001
 *   k1 0.7, b 1.0: 0.493 / 0.811, -0.001
 *   k1 0.8, b 1.0: 0.497 / 0.815, +0.003
 *   k1 1.0, b 0.9: 0.495 / 0.813, +0.001
 *   k1 1.2, b 0.9: 0.497 / 0.813, +0.001
 *   k1 1.2, b 1.0: 0.507 / 0.815, +0.003
 *   k1 1.5, b 0.9: 0.501 / 0.814, +0.002
 *   k1 1.5, b 1.0: 0.511 / 0.817, +0.0046 (KorSTS 0.8166; chosen)
 *   k1 2.0, b 1.0: 0.513 / 0.817, +0.0045 (KorSTS 0.8165)
 *   k1 3.0, b 1.0: 0.515 / 0.813, +0.001
 * A statement restates its passage: the words it shares with it recur
 * there, and a sentence that repeats them is the likelier paraphrase. */
static const shim_bm25 question_bm25 = {0.2, 0.0, 1.0, 0.7, 0.5};
static const shim_bm25 statement_bm25 = {1.5, 0.0, 1.0, 1.0, 0.5};

/* Two-phase ranking: the clauses that only rank (loose bigrams, joined
 * words, context: ks_query_build_parts) are added to the RESCORE_WINDOW best
 * passages of the rest of the query instead of to every passage it finds
 * (Xapian 1.4 moves each of their postlists to every match, though only the
 * first page counts), on databases of RESCORE_MIN_PASSAGES or more; pages
 * beyond the window, sorting by date and sharded or remote databases take
 * the one-phase query.
 * It is not exact: a passage outside the window can hold enough loose
 * bigrams to reach the top ten. Measured with 1,000 KorQuAD questions on
 * the whole bulk corpus (728,151 passages; kosearch batch --jobs 1 --limit
 * 10, CPU s fastest of 3 alternating runs, one phase 4.53 s) and on the
 * first 200,000 of its passages (one phase 2.23 s), top-ten lists that
 * differ from the one-phase query's (of them, first hit differing):
 *   window  20: 3.37 s (-26%), 578 (44);          200k: not measured
 *   window  50: 3.75 s (-17%), 322 (16);          200k: 2.04 s (-9%), 291
 *   window 100: 4.21 s  (-7%), 189 (10);          200k: 2.23 s (0%), 152
 *   window 200: 4.73 s  (+4%),  92  (7)
 * The quick slice (37,140 passages, 3,000 questions, one phase 1.84 s) was
 * slower in two phases: 2.19 s with 50, 2.51 s with 100. Relevance stays
 * within 0.0015 of the one-phase query's on every set of tools/eval at
 * every window from 20 (run at --limit 10; docs/evaluation.md): the passages
 * that move in are mostly at ranks 5 to 10. Each phase costs a fixed
 * get_mset, and the first ranks more passages than one page.
 * The proximity bonus (NEAR pairs) is added in the second phase too, to the
 * window only (shim_search): at window 50 the 1,000 questions took 3.48 s
 * against 3.75 s with it in the first phase (-7%; stock Xapian 3.89 s on its
 * own index, same session); 73 top-ten lists (4 first hits) changed, as the
 * first phase's window without the bonus holds other passages. Relevance
 * with the window forced on every set of tools/eval did not move (MRR@10
 * and P@10 the same to 4 decimals; 2 to 4% of lists differ, no first hit). */
#define RESCORE_WINDOW 50
#define RESCORE_MIN_PASSAGES 200000

static const shim_bm25 *bm25_for(ks_query_style style)
{
    switch (style) {
    case KS_QUERY_QUESTION: return &question_bm25;
    case KS_QUERY_SENTENCE: return &statement_bm25;
    case KS_QUERY_KEYWORDS:
    case KS_QUERY_HEADLINE: break;
    }
    return &passage_bm25;
}

typedef struct hit_storage {
    ks_hit hit;
    char *data; /* the passage's stored data, which the hit's strings point into */
    ks_snippet snippet;
} hit_storage;

struct ks_results {
    hit_storage *hits;
    size_t count;
    size_t estimated;
    char *corrected;  /* the query searched instead of the one typed */
    char *suggestion; /* "did you mean" */
};

KS_API size_t ks_results_count(const ks_results *results)
{
    return results ? results->count : 0;
}

KS_API size_t ks_results_estimated_total(const ks_results *results)
{
    return results ? results->estimated : 0;
}

KS_API const ks_hit *ks_results_hit(const ks_results *results, size_t index)
{
    if (!results || index >= results->count)
        return NULL;
    return &results->hits[index].hit;
}

KS_API void ks_results_free(ks_results *results)
{
    if (!results)
        return;
    for (size_t i = 0; i < results->count; i++) {
        free(results->hits[i].data);
        ks_snippet_free(&results->hits[i].snippet);
    }
    free(results->hits);
    free(results->corrected);
    free(results->suggestion);
    free(results);
}

KS_API const char *ks_results_corrected_query(const ks_results *results)
{
    return results ? results->corrected : NULL;
}

KS_API const char *ks_results_suggestion(const ks_results *results)
{
    return results ? results->suggestion : NULL;
}

static ks_status fill_hit(ks_db *db, hit_storage *slot, const char *data, size_t data_len,
                          const ks_match_terms *match, size_t snippet_bytes, bool snippets)
{
    ks_hit *hit = &slot->hit;
    ks_buf record = {0};
    ks_passage_info info;
    ks_status st = ks_passage_data_read(data, data_len, &record, &info, &hit->text_len);
    slot->data = record.data; /* the hit's strings point into it */
    if (st == KS_ERR_NOMEM)
        return ks_db_fail(db, KS_ERR_NOMEM, "out of memory");
    if (st != KS_OK)
        return ks_db_fail(db, KS_ERR_CORRUPT, "a passage's stored data in %s is unreadable",
                          db->path);
    hit->id = info.id;
    hit->passage = info.passage;
    hit->title = info.title;
    hit->section = info.section;
    hit->date = info.date;
    hit->url = info.url;
    hit->text = info.text;
    hit->snippet = "";
    if (!snippets)
        return KS_OK;
    st = ks_snippet_make(db->analyzer, hit->text, hit->text_len, match, snippet_bytes,
                         &slot->snippet);
    if (st != KS_OK)
        return ks_db_fail(db, st, "cannot make a snippet: %s", ks_status_string(st));
    hit->highlights = slot->snippet.highlights;
    hit->highlight_count = slot->snippet.highlight_count;
    hit->snippet = slot->snippet.text;
    hit->snippet_len = slot->snippet.len;
    hit->snippet_highlights = slot->snippet.snippet_highlights;
    hit->snippet_highlight_count = slot->snippet.snippet_highlight_count;
    return KS_OK;
}

/* Parses and builds the query; on failure the reason is on the handle.
 * With `window`, the query's date: clauses narrow it. */
/* `described`, when not NULL, gets the query in words (ks_query_describe).
 * With `out_rank_only`, the clauses that only rank go there
 * (ks_query_build_parts); without, *out is the one query. */
static ks_status prepare_query(ks_db *db, const char *query, ks_match mode, shim_query **out,
                               shim_query **out_rank_only, ks_match_terms *match,
                               ks_date_window *window, ks_buf *described, ks_query_style *style)
{
    ks_query_node *root = NULL;
    ks_buf error = {0};
    ks_status st = ks_query_parse(query, &root, &error);
    if (st == KS_OK && mode == KS_MATCH_ALL)
        st = ks_query_require_all(root);
    if (st == KS_OK && style)
        *style = ks_query_style_of(root);
    if (st == KS_OK && described)
        st = ks_query_describe(root, described);
    if (st == KS_OK && out_rank_only)
        st = ks_query_build_parts(db->analyzer, db->shim, root, out, out_rank_only, match, window,
                                  &error);
    else if (st == KS_OK)
        st = ks_query_build_with_db(db->analyzer, db->shim, root, out, match, window, &error);
    if (st == KS_ERR_BAD_QUERY)
        ks_db_fail(db, st, "%s", error.data ? error.data : "bad query");
    else if (st != KS_OK)
        ks_db_fail(db, st, "cannot build the query: %s", ks_status_string(st));
    ks_buf_free(&error);
    ks_query_node_free(root);
    return st;
}

static ks_status collect_hits(ks_db *db, shim_mset *mset, const ks_search_options *options,
                              const ks_match_terms *match, ks_results *results)
{
    size_t count = shim_mset_size(mset);
    results->hits = calloc(count ? count : 1, sizeof *results->hits);
    if (!results->hits)
        return ks_db_fail(db, KS_ERR_NOMEM, "out of memory");
    size_t snippet_bytes = options && options->snippet_bytes ? options->snippet_bytes
                                                             : DEFAULT_SNIPPET_BYTES;
    size_t offset = options ? options->offset : 0;
    for (size_t i = 0; i < count; i++) {
        size_t len;
        const char *data = shim_mset_data(mset, i, &len);
        hit_storage *slot = &results->hits[i];
        results->count = i + 1;
        bool snippets = !(options && (options->flags & KS_SEARCH_NO_SNIPPETS));
        ks_status st = fill_hit(db, slot, data, len, match, snippet_bytes, snippets);
        if (st != KS_OK)
            return st;
        slot->hit.rank = offset + i + 1;
        slot->hit.score = shim_mset_weight(mset, i);
    }
    results->estimated = shim_mset_estimated(mset);
    return KS_OK;
}

/* --since and --until narrow the window of days the search keeps. */
static ks_status narrow_by_options(ks_db *db, const ks_search_options *options,
                                   ks_date_window *window)
{
    const char *since = options ? options->since : NULL, *until = options ? options->until : NULL;
    char low[KS_SLOT_DATE_BYTES + 1], high[KS_SLOT_DATE_BYTES + 1];
    if (since && ks_date_bound(since, strlen(since), false, low) != KS_OK)
        return ks_db_fail(db, KS_ERR_INVALID_ARGUMENT,
                          "the date to search since, '%s', is not YYYY, YYYY-MM or YYYY-MM-DD",
                          since);
    if (until && ks_date_bound(until, strlen(until), true, high) != KS_OK)
        return ks_db_fail(db, KS_ERR_INVALID_ARGUMENT,
                          "the date to search until, '%s', is not YYYY, YYYY-MM or YYYY-MM-DD",
                          until);
    ks_date_window_narrow(window, since ? low : NULL, until ? high : NULL);
    return KS_OK;
}

/* Offset, limit and order for Xapian, whose counts are 32-bit: a limit
 * beyond the passages there are means all of them, and never wraps. */
static ks_status search_spec(ks_db *db, const ks_search_options *options, shim_search_spec *out)
{
    uint64_t passages = 0;
    ks_status st = shim_db_doc_count(db->shim, &passages);
    if (st != KS_OK)
        return ks_db_fail_shim(db, st);
    size_t limit = options && options->limit ? options->limit : DEFAULT_LIMIT;
    size_t offset = options ? options->offset : 0;
    ks_sort sort = options ? options->sort : KS_SORT_RELEVANCE;
    if (sort != KS_SORT_RELEVANCE && sort != KS_SORT_DATE)
        return ks_db_fail(db, KS_ERR_INVALID_ARGUMENT, "unknown sort order %d", (int)sort);
    size_t most = passages < UINT32_MAX ? (size_t)passages : UINT32_MAX;
    *out = (shim_search_spec){
        .offset = offset < most ? offset : most,
        .limit = limit < most ? limit : most ? most : 1,
        .sort_slot = sort == KS_SORT_DATE ? KS_SLOT_DATE : -1,
        .check_at_least = options && (options->flags & KS_SEARCH_EXACT_TOTAL) ? most : 0,
        .rescore_window = db->rescore_window              ? db->rescore_window
                          : passages >= RESCORE_MIN_PASSAGES ? RESCORE_WINDOW
                                                             : 0,
    };
    return KS_OK;
}

static ks_status search_as_given(ks_db *db, const char *query, const ks_search_options *options,
                                 ks_results **out)
{
    shim_query *xq = NULL, *rank_only = NULL;
    ks_match_terms match = {0};
    shim_search_spec spec;
    ks_date_window window = {{0}, {0}};
    ks_query_style style = KS_QUERY_KEYWORDS;
    ks_status st = search_spec(db, options, &spec);
    if (st == KS_OK)
        st = narrow_by_options(db, options, &window);
    if (st == KS_OK)
        st = prepare_query(db, query, options ? options->match : KS_MATCH_ANY, &xq, &rank_only,
                           &match, &window, NULL, &style);
    spec.bm25 = bm25_for(style);
    spec.rank_only = rank_only;
    spec.range_slot = KS_SLOT_DATE;
    spec.range_low = window.low[0] ? window.low : NULL;
    spec.range_high = window.high[0] ? window.high : NULL;
    ks_results *results = NULL;
    bool snippets = !(options && (options->flags & KS_SEARCH_NO_SNIPPETS));
    if (st == KS_OK && snippets && ks_snippet_find_needles(&match) != KS_OK)
        st = ks_db_fail(db, KS_ERR_NOMEM, "out of memory");
    shim_mset *mset = NULL;
    if (st == KS_OK && !(results = calloc(1, sizeof *results)))
        st = ks_db_fail(db, KS_ERR_NOMEM, "out of memory");
    if (st == KS_OK) {
        st = shim_search(db->shim, xq, &spec, &mset);
        if (st != KS_OK)
            ks_db_fail_shim(db, st);
    }
    if (st == KS_OK)
        st = collect_hits(db, mset, options, &match, results);
    shim_mset_free(mset);
    shim_query_free(xq);
    shim_query_free(rank_only);
    ks_match_terms_free(&match);
    if (st != KS_OK) {
        ks_results_free(results);
        return st;
    }
    *out = results;
    return KS_OK;
}

/* ------------------------------------------------------------------------ */
/* When a query finds little: the keyboard layout (hangul.c), typos         */
/* (vocabulary.c).                                                          */

/* Below this many matching passages, kosearch looks for what was meant;
 * ordinary queries find more and are never rewritten. */
#define FEW_HITS 3
/* Up to this many words a query may be a name with a typo in it. */
#define SHORT_QUERY_WORDS 2

/* Searches `corrected` and keeps its results when they find more than
 * `to_beat` passages. */
static bool search_instead(ks_db *db, const char *corrected, const ks_search_options *options,
                           size_t to_beat, ks_results **results)
{
    ks_results *other = NULL;
    if (search_as_given(db, corrected, options, &other) != KS_OK) {
        ks_buf_clear(&db->error); /* the query typed succeeded */
        return false;
    }
    if (other->estimated <= to_beat ||
        !(other->corrected = ks_strndup(corrected, strlen(corrected)))) {
        ks_results_free(other);
        return false;
    }
    ks_results_free(*results);
    *results = other;
    return true;
}

/* Passages holding the word as typed (*out_typed) or any of its whole
 * forms, its stem included (*out_any). */
static bool word_frequencies(ks_db *db, const char *word, uint64_t *out_typed, uint64_t *out_any)
{
    const ks_term *terms;
    size_t count;
    *out_typed = *out_any = 0;
    if (ks_analyzer_run(db->analyzer, word, strlen(word), &terms, &count) != KS_OK || count == 0)
        return false;
    for (size_t i = 0; i < count; i++) {
        uint64_t frequency = 0;
        if (terms[i].kind == KS_TERM_BIGRAM)
            continue;
        if (shim_db_term_freq(db->shim, terms[i].text, &frequency) != KS_OK)
            return false;
        if (terms[i].kind == KS_TERM_SURFACE)
            *out_typed = frequency;
        if (frequency > *out_any)
            *out_any = frequency;
    }
    return true;
}

/* The closest indexed word when the word as typed is in no passage and the
 * closest is commoner than what the word matches through its stem (구로고
 * is read as 구로 and a particle, yet 구로구 was meant). */
/* Whether every pair of adjacent syllables of the word as typed is an
 * indexed bigram: a word found inside compounds (봉사단 in 깔끔이봉사단) is
 * not a typo, while 구로고's 로고 is in no passage. */
static bool bigrams_indexed(ks_db *db, const char *word)
{
    char term[KS_MAX_TERM_BYTES + 8];
    size_t len = strlen(word), pairs = 0;
    for (size_t at = 0, next = 0; at < len; at = next) {
        ks_utf8_next(word, len, &next);
        size_t after = next;
        if (after >= len)
            break;
        ks_utf8_next(word, len, &after);
        uint64_t plain = 0, inner = 0;
        snprintf(term, sizeof term, KS_PREFIX_BIGRAM "%.*s", (int)(after - at), word + at);
        shim_db_term_freq(db->shim, term, &plain);
        snprintf(term, sizeof term, KS_PREFIX_INNER_BIGRAM "%.*s", (int)(after - at), word + at);
        shim_db_term_freq(db->shim, term, &inner);
        if (plain + inner == 0)
            return false;
        pairs++;
    }
    return pairs > 0;
}

static bool correct_word(ks_db *db, const char *word, bool found_little, ks_buf *out)
{
    uint64_t typed, any, closest = 0;
    if (!word_frequencies(db, word, &typed, &any) || typed > 0 ||
        (!found_little && bigrams_indexed(db, word)) ||
        ks_closest_word(db->shim, word, out) != KS_OK || !out->len ||
        shim_db_term_freq(db->shim, out->data, &closest) != KS_OK)
        return false;
    return closest > any;
}

/* ------------------------------------------------------------------------ */
/* Rewriting a query word by word, on its parsed tree: the syntax around the
 * words (quotes, -, +, OR, spacing) stays as typed.                        */

/* Appends what a word was meant to be to `out` and returns true, or returns
 * false (leaving `out` as it was) to keep the word as typed. */
typedef bool (*word_fix)(void *context, const char *word, size_t len, ks_buf *out);

typedef struct rewrite {
    const char *query;
    size_t copied; /* bytes of the query already in `out` */
    word_fix fix;
    void *context;
    ks_buf *out;
    bool changed, failed;
} rewrite;

/* The words of a WORD's or PHRASE's text, which starts at `text_at`. */
static void rewrite_text(rewrite *r, const char *text, size_t text_at)
{
    size_t len = strlen(text);
    for (size_t i = 0; i < len && !r->failed;) {
        while (i < len && text[i] == ' ')
            i++;
        size_t start = i;
        while (i < len && text[i] != ' ')
            i++;
        if (i == start)
            break;
        size_t word_at = text_at + start;
        r->failed = ks_buf_append(r->out, r->query + r->copied, word_at - r->copied) != KS_OK;
        r->copied = word_at;
        if (!r->failed && r->fix(r->context, text + start, i - start, r->out)) {
            r->copied = text_at + i;
            r->changed = true;
        }
    }
}

static void rewrite_node(rewrite *r, const ks_query_node *node)
{
    if (node->kind == KS_QUERY_WORD || node->kind == KS_QUERY_PHRASE)
        rewrite_text(r, node->text, node->text_at);
    for (size_t i = 0; i < node->child_count; i++)
        rewrite_node(r, node->children[i]);
}

/* The query typed as `query` and parsed as `root` with its words fixed;
 * false (and `out` empty) when no word changed. */
static bool rewrite_query(const char *query, const ks_query_node *root, word_fix fix,
                          void *context, ks_buf *out)
{
    ks_buf_clear(out);
    rewrite r = {.query = query, .fix = fix, .context = context, .out = out};
    rewrite_node(&r, root);
    if (!r.failed)
        r.failed = ks_buf_append_str(out, query + r.copied) != KS_OK;
    if (r.changed && !r.failed)
        return true;
    ks_buf_clear(out);
    return false;
}

static bool retype_as_hangul(void *context, const char *word, size_t len, ks_buf *out)
{
    (void)context;
    return ks_layout_retype_word(word, len, true, out);
}

static bool retype_as_latin(void *context, const char *word, size_t len, ks_buf *out)
{
    (void)context;
    return ks_layout_retype_word(word, len, false, out);
}

typedef struct typo_fix {
    ks_db *db;
    bool found_little;
    ks_buf word, closest;
} typo_fix;

/* An unknown Hangul word becomes the closest indexed word. */
static bool correct_typo(void *context, const char *word, size_t len, ks_buf *out)
{
    typo_fix *t = context;
    ks_buf_clear(&t->word);
    ks_buf_clear(&t->closest);
    return ks_starts_with_hangul_syllable(word, len) &&
           ks_normalize_append(&t->word, word, len) == KS_OK &&
           correct_word(t->db, t->word.data, t->found_little, &t->closest) &&
           ks_buf_append(out, t->closest.data, t->closest.len) == KS_OK;
}

static bool has_fields(const ks_query_node *node)
{
    bool found = node->kind == KS_QUERY_FIELD;
    for (size_t i = 0; i < node->child_count && !found; i++)
        found = has_fields(node->children[i]);
    return found;
}

/* The words of the query's words and phrases (OR, AND and signs are not
 * words). */
static size_t count_words(const ks_query_node *node)
{
    size_t words = 0;
    if (node->text && (node->kind == KS_QUERY_WORD || node->kind == KS_QUERY_PHRASE))
        for (size_t i = 0; node->text[i]; i++)
            words += node->text[i] != ' ' && (i == 0 || node->text[i - 1] == ' ');
    for (size_t i = 0; i < node->child_count; i++)
        words += count_words(node->children[i]);
    return words;
}

/* Tries the query retyped in the other keyboard mode, then the closest
 * indexed words: searched with KS_SEARCH_FUZZY, else only suggested. Never
 * fails the search: the results as typed stay. Short queries (names typed
 * into a search box) get suggestions even when they found something.
 * Retyping or correcting a field's name or value would search another
 * field or article: a query with fields is left as typed. */
static void search_what_was_meant(ks_db *db, const char *query, const ks_search_options *options,
                                  ks_results **results)
{
    ks_query_node *root = NULL;
    ks_buf error = {0};
    bool parsed = ks_query_parse(query, &root, &error) == KS_OK;
    ks_buf_free(&error);
    bool few = (*results)->estimated < FEW_HITS;
    if (!parsed || has_fields(root) || (!few && count_words(root) > SHORT_QUERY_WORDS)) {
        ks_query_node_free(root);
        return;
    }
    ks_buf converted = {0}, suggestion = {0};
    /* Latin that makes whole syllables is the likelier slip; Hangul typed
     * for a Latin word is tried only when there is none. */
    bool done = few &&
                (rewrite_query(query, root, retype_as_hangul, NULL, &converted) ||
                 rewrite_query(query, root, retype_as_latin, NULL, &converted)) &&
                search_instead(db, converted.data, options, (*results)->estimated, results);
    /* The closest words take a walk over the term list: only when wanted. */
    bool suggest = !(options && (options->flags & KS_SEARCH_NO_SUGGESTIONS)) ||
                   (options->flags & KS_SEARCH_FUZZY);
    if (!done && suggest) {
        typo_fix typos = {.db = db, .found_little = few};
        rewrite_query(query, root, correct_typo, &typos, &suggestion);
        ks_buf_free(&typos.word);
        ks_buf_free(&typos.closest);
    }
    if (suggestion.len) {
        bool fuzzy = options && (options->flags & KS_SEARCH_FUZZY);
        /* Asked for: the closest words replace the query when they find anything. */
        if (!(fuzzy && search_instead(db, suggestion.data, options, 0, results)))
            (*results)->suggestion = ks_strndup(suggestion.data, suggestion.len);
    }
    ks_buf_free(&converted);
    ks_buf_free(&suggestion);
    ks_query_node_free(root);
}

KS_API ks_status ks_search(ks_db *db, const char *query, const ks_search_options *options,
                           ks_results **out)
{
    if (!out)
        return KS_ERR_INVALID_ARGUMENT;
    *out = NULL;
    if (!db || !db->shim || !query)
        return KS_ERR_INVALID_ARGUMENT;
    ks_status st = search_as_given(db, query, options, out);
    /* A second page keeps the first page's query. */
    if (st == KS_OK && !(options && options->offset))
        search_what_was_meant(db, query, options, out);
    return st;
}

KS_API ks_status ks_explain_search(ks_db *db, const char *query,
                                   const ks_search_options *options, char **out)
{
    if (!out)
        return KS_ERR_INVALID_ARGUMENT;
    *out = NULL;
    if (!db || !query)
        return KS_ERR_INVALID_ARGUMENT;
    shim_query *xq = NULL;
    ks_match_terms match = {0};
    ks_buf text = {0};
    ks_status st = prepare_query(db, query, options ? options->match : KS_MATCH_ANY, &xq, NULL,
                                 &match, NULL, &text, NULL);
    char *tree = st == KS_OK ? shim_query_describe(xq) : NULL;
    if (st == KS_OK && (!tree || ks_buf_printf(&text, "Xapian: %s", tree) != KS_OK))
        st = ks_db_fail(db, KS_ERR_NOMEM, "out of memory");
    if (st == KS_OK) {
        *out = text.data;
        text.data = NULL;
    }
    free(tree);
    ks_buf_free(&text);
    shim_query_free(xq);
    ks_match_terms_free(&match);
    return st;
}

KS_API ks_status ks_explain(ks_db *db, const char *query, char **out)
{
    return ks_explain_search(db, query, NULL, out);
}

KS_API void ks_string_free(char *string)
{
    free(string);
}
