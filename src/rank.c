/* Ranking: runs the built query on the passages and turns Xapian's matches
 * into hits with highlights and snippets.
 *
 * Scores are BM25 over passages; query.c shapes the query so that whole
 * words outrank fragments and nearby words earn a bonus. */
#include "kosearch_internal.h"
#include "xapian_shim.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_LIMIT 10
#define DEFAULT_SNIPPET_BYTES 240

/* BM25 parameters (k1, k2, k3, b, min_normlen) for passages; tuned with
 * tools/eval. */
static const shim_bm25 passage_bm25 = {0.9, 0.0, 1.0, 0.5, 0.5};

typedef struct hit_storage {
    ks_hit hit;
    json_t *data; /* owns the strings hit points to */
    ks_snippet snippet;
} hit_storage;

struct ks_results {
    hit_storage *hits;
    size_t count;
    size_t estimated;
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
        json_decref(results->hits[i].data);
        ks_snippet_free(&results->hits[i].snippet);
    }
    free(results->hits);
    free(results);
}

static const char *string_field(json_t *data, const char *name)
{
    const char *value = json_string_value(json_object_get(data, name));
    return value ? value : "";
}

static ks_status fill_hit(ks_db *db, hit_storage *slot, const char *data, size_t data_len,
                          const ks_match_terms *match, size_t snippet_bytes, bool snippets)
{
    json_error_t error;
    slot->data = json_loadb(data, data_len, 0, &error);
    if (!slot->data)
        return ks_db_fail(db, KS_ERR_CORRUPT, "a passage's stored data is unreadable: %s",
                          error.text);
    ks_hit *hit = &slot->hit;
    json_t *text = json_object_get(slot->data, "text");
    hit->id = string_field(slot->data, "id");
    hit->passage = (uint32_t)json_integer_value(json_object_get(slot->data, "passage"));
    hit->title = string_field(slot->data, "title");
    hit->section = string_field(slot->data, "section");
    hit->date = string_field(slot->data, "date");
    hit->url = string_field(slot->data, "url");
    hit->text = json_string_value(text) ? json_string_value(text) : "";
    hit->text_len = json_string_value(text) ? json_string_length(text) : 0;
    hit->snippet = "";
    if (!snippets)
        return KS_OK;
    ks_status st = ks_snippet_make(db->analyzer, hit->text, hit->text_len, match, snippet_bytes,
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

/* Parses and builds the query; on failure the reason is on the handle. */
static ks_status prepare_query(ks_db *db, const char *query, shim_query **out,
                               ks_match_terms *match)
{
    ks_query_node *root = NULL;
    ks_buf error = {0};
    ks_status st = ks_query_parse(query, &root, &error);
    if (st == KS_OK)
        st = ks_query_build(db->analyzer, root, out, match, &error);
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

KS_API ks_status ks_search(ks_db *db, const char *query, const ks_search_options *options,
                           ks_results **out)
{
    if (!out)
        return KS_ERR_INVALID_ARGUMENT;
    *out = NULL;
    if (!db || !db->shim || !query)
        return KS_ERR_INVALID_ARGUMENT;
    shim_query *xq = NULL;
    ks_match_terms match = {0};
    ks_status st = prepare_query(db, query, &xq, &match);
    ks_results *results = NULL;
    shim_mset *mset = NULL;
    if (st == KS_OK && !(results = calloc(1, sizeof *results)))
        st = ks_db_fail(db, KS_ERR_NOMEM, "out of memory");
    if (st == KS_OK) {
        size_t limit = options && options->limit ? options->limit : DEFAULT_LIMIT;
        size_t offset = options ? options->offset : 0;
        st = shim_search(db->shim, xq, offset, limit, &passage_bm25, &mset);
        if (st != KS_OK)
            ks_db_fail_shim(db, st);
    }
    if (st == KS_OK)
        st = collect_hits(db, mset, options, &match, results);
    shim_mset_free(mset);
    shim_query_free(xq);
    ks_match_terms_free(&match);
    if (st != KS_OK) {
        ks_results_free(results);
        return st;
    }
    *out = results;
    return KS_OK;
}

KS_API ks_status ks_explain(ks_db *db, const char *query, char **out)
{
    if (!out)
        return KS_ERR_INVALID_ARGUMENT;
    *out = NULL;
    if (!db || !query)
        return KS_ERR_INVALID_ARGUMENT;
    shim_query *xq = NULL;
    ks_match_terms match = {0};
    ks_status st = prepare_query(db, query, &xq, &match);
    if (st == KS_OK) {
        *out = shim_query_describe(xq);
        if (!*out)
            st = ks_db_fail(db, KS_ERR_NOMEM, "out of memory");
    }
    shim_query_free(xq);
    ks_match_terms_free(&match);
    return st;
}
