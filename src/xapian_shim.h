/* Xapian behind a pure C interface: the only place kosearch touches C++.
 *
 * Every entry point catches every exception and turns it into a ks_status
 * plus a message kept on the handle (or in the caller's ks_buf when there is
 * no handle yet), so no exception ever crosses into C. */
#ifndef KOSEARCH_XAPIAN_SHIM_H
#define KOSEARCH_XAPIAN_SHIM_H

#include "kosearch_internal.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct shim_db shim_db;
typedef struct shim_doc shim_doc;
typedef struct shim_query shim_query;
typedef struct shim_mset shim_mset;

/* ":memory:" opens Xapian's in-memory backend (for tests). */
#define SHIM_MEMORY_PATH ":memory:"

typedef enum shim_open_mode {
    SHIM_READ = 0,
    SHIM_WRITE = 1,        /* create or open */
    SHIM_WRITE_WAIT = 2,   /* as WRITE, waiting for the lock */
    SHIM_OVERWRITE = 3,    /* create afresh, discarding contents */
    SHIM_READ_PARTIAL = 4, /* as READ, skipping the shards of a stub that fail */
    SHIM_SCRATCH = 5       /* as OVERWRITE, and commits do not wait for the
                              disk: for databases thrown away after a crash */
} shim_open_mode;

/* On failure returns the status and fills `error`; *out is NULL. */
ks_status shim_db_open(shim_db **out, const char *path, shim_open_mode mode, ks_buf *error);
/* Opens `count` databases for writing as the shards of one: searches see
 * them as one, changes go to the focused shard (shim_db_focus). */
ks_status shim_db_open_shards(shim_db **out, const char *const *paths, size_t count,
                              shim_open_mode mode, ks_buf *error);
/* A database read through a stub (a file, or a folder holding XAPIANDB) has
 * one part per stub line, each opened alone so a failing one is named; any
 * other database has one part. */
size_t shim_db_part_count(const shim_db *db);
/* Sends metadata reads and writes, document counts, additions and deletions
 * to one part; -1 (the default) reads from the first part and writes
 * metadata to every part. */
void shim_db_focus(shim_db *db, int part);
/* Parts skipped under SHIM_READ_PARTIAL, one line each; "" when none. */
const char *shim_db_warnings(const shim_db *db);
/* Commits (when writable) and closes; a failed commit is reported. */
ks_status shim_db_close(shim_db *db, ks_buf *error);
/* The last failure on this handle; "" when none. */
const char *shim_db_error(const shim_db *db);

ks_status shim_db_commit(shim_db *db);
/* Merges the committed databases `sources` into a new, fully compacted
 * database at `dest` (which must not exist): documents are renumbered in
 * source order, metadata keys present in several sources keep the first
 * source's value. */
ks_status shim_db_merge(const char *const *sources, size_t count, const char *dest,
                        ks_buf *error);

/* Metadata: values up to a few KiB under keys up to 200 bytes. A missing key
 * gives an empty buffer and KS_OK. */
ks_status shim_db_get_metadata(shim_db *db, const char *key, ks_buf *out);
ks_status shim_db_set_metadata(shim_db *db, const char *key, const char *value);
/* Calls visit(context, key) for each metadata key starting with prefix, in
 * every part, with the focus on that key's part during the call; a non-zero
 * return stops the walk and is stored in *out_visit_result. */
ks_status shim_db_each_metadata_key(shim_db *db, const char *prefix,
                                    int (*visit)(void *context, const char *key),
                                    void *context, int *out_visit_result);

/* Cheap answers for building queries on a read-only handle, read once and
 * remembered until it is reopened (a writable handle always answers true):
 * false when no part holds a metadata key starting with prefix, and false
 * when `term` (which starts with prefix) is in no document. A prefix of
 * few terms is read once; of many, each term is looked up. A lookup that
 * fails answers true. */
bool shim_db_may_have_metadata(shim_db *db, const char *prefix);
bool shim_db_may_have_term(shim_db *db, const char *prefix, const char *term);

ks_status shim_db_doc_count(shim_db *db, uint64_t *out);
ks_status shim_db_term_count(shim_db *db, uint64_t *out);
/* Number of documents holding `term`. */
ks_status shim_db_term_freq(shim_db *db, const char *term, uint64_t *out);
/* Calls visit(context, term, frequency) for each term starting with prefix,
 * in byte order; a non-zero return stops. */
ks_status shim_db_each_term(shim_db *db, const char *prefix,
                            int (*visit)(void *context, const char *term, uint64_t frequency),
                            void *context);

/* Calls visit(context, data, len) with every document's data, in document
 * order; a non-zero return stops. */
ks_status shim_db_each_document(shim_db *db,
                                int (*visit)(void *context, const char *data, size_t len),
                                void *context);

/* Calls visit(context, data, len) with the data of every document holding
 * `term`, in document order; a non-zero return stops. */
ks_status shim_db_each_posting_data(shim_db *db, const char *term,
                                    int (*visit)(void *context, const char *data, size_t len),
                                    void *context);
ks_status shim_db_add_document(shim_db *db, shim_doc *doc);
ks_status shim_db_delete_documents(shim_db *db, const char *term);

/* Documents. */
ks_status shim_doc_new(shim_doc **out);
void shim_doc_free(shim_doc *doc);
ks_status shim_doc_add_posting(shim_doc *doc, const char *term, uint32_t position, uint32_t wdf_inc);
ks_status shim_doc_add_term(shim_doc *doc, const char *term, uint32_t wdf_inc);
ks_status shim_doc_add_boolean_term(shim_doc *doc, const char *term);
/* kosearch keeps a passage's data in value slot KS_SLOT_DATA, not as
 * Xapian's document data (see there); shim_db_each_posting_data and
 * shim_mset_data give a document's stored record: its KS_SLOT_ORDER value
 * followed by its KS_SLOT_DATA value. */
ks_status shim_doc_set_value(shim_doc *doc, unsigned slot, const char *bytes, size_t len);

/* Queries: immutable trees. Combinators copy their children, so the caller
 * frees every query it made. NULL children are skipped; a combination of
 * nothing is the query that matches nothing. */
typedef enum shim_op {
    SHIM_OP_AND,
    SHIM_OP_OR,
    SHIM_OP_AND_NOT,
    SHIM_OP_SYNONYM,
    SHIM_OP_PHRASE, /* window 0 means the number of children */
    SHIM_OP_NEAR,
    SHIM_OP_AND_MAYBE,
    SHIM_OP_FILTER  /* the first child, weighted, where all the others match */
} shim_op;

shim_query *shim_query_term(const char *term, uint32_t query_freq, uint32_t position);
/* Every term starting with `prefix`, as one synonym group of the
 * `max_expansion` most frequent of them. */
shim_query *shim_query_wildcard(const char *prefix, uint32_t max_expansion);
shim_query *shim_query_combine(shim_op op, shim_query *const *children, size_t count, uint32_t window);
shim_query *shim_query_scale(const shim_query *query, double factor);
/* For two-phase ranking (shim_search_spec.rank_only): `query` is ranked as
 * `first_phase` (`query` without `bonus`), and `bonus` is added to the
 * first phase's best passages with rank_only. */
void shim_query_set_phases(shim_query *query, const shim_query *first_phase,
                           const shim_query *bonus);
/* Documents whose value in `slot` lies between `low` and `high` (byte
 * order, inclusive; NULL leaves that end open). */
shim_query *shim_query_value_range(unsigned slot, const char *low, const char *high);
/* Matches what `query` matches, each document weighing `weight` whatever
 * its terms: a count of clauses held, for coordination. */
shim_query *shim_query_constant(const shim_query *query, double weight);
bool shim_query_is_empty(const shim_query *query);
/* Xapian's description, for --explain; the caller frees it. */
char *shim_query_describe(const shim_query *query);
void shim_query_free(shim_query *query);

typedef struct shim_bm25 {
    double k1, k2, k3, b, min_normlen;
} shim_bm25;

typedef struct shim_search_spec {
    size_t offset, limit;
    const shim_bm25 *bm25; /* NULL: Xapian's defaults */
    int sort_slot;         /* -1: by relevance; else by this value slot,
                              highest first, ties by relevance */
    size_t check_at_least; /* matches to count exactly (0: as few as Xapian may) */
    /* Only documents whose value in range_slot lies between range_low and
     * range_high (inclusive; NULL: open); both NULL: no range. Checked on
     * the documents the query finds, which is cheaper than a value range
     * subquery when the query is selective. */
    unsigned range_slot;
    const char *range_low, *range_high;
    /* NULL, or a query whose weight is added to the matches of the query
     * searched without changing which passages match (a bonus). Added to
     * the first rescore_window passages the query ranks, when the page lies
     * within them; else (sorting by a value, a sharded or remote database)
     * matched with the query itself, as AND_MAYBE. */
    const shim_query *rank_only;
    size_t rescore_window;
} shim_search_spec;
/* Runs `query`; results hold copies of document data. */
ks_status shim_search(shim_db *db, const shim_query *query, const shim_search_spec *spec,
                      shim_mset **out);
size_t shim_mset_size(const shim_mset *mset);
/* Passages the query (without rank_only) matches, estimated. */
size_t shim_mset_estimated(const shim_mset *mset);
double shim_mset_weight(const shim_mset *mset, size_t index);
/* Document data; borrowed, valid until shim_mset_free(). */
const char *shim_mset_data(const shim_mset *mset, size_t index, size_t *out_len);
void shim_mset_free(shim_mset *mset);

/* "Xapian 1.4.22" */
const char *shim_xapian_version(void);

#ifdef __cplusplus
}
#endif
#endif /* KOSEARCH_XAPIAN_SHIM_H */
