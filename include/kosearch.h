/* kosearch: Korean full-text search over passages of news articles.
 *
 * The whole public C API. Conventions:
 *  - every function that can fail returns a ks_status (KS_OK is 0); the
 *    others are getters, counts and `_free` functions, which cannot;
 *  - results come back through out-parameters named `out` (or `out_...`):
 *    a function that creates a handle takes `out` first (ks_db_open,
 *    ks_analyze); an operation on an existing handle takes the handle first
 *    and its outputs last (ks_search, ks_db_complete);
 *  - whatever a function hands back through `**out` belongs to the caller and
 *    is released with the matching `_free` of this library, never with the
 *    caller's free();
 *  - getters return borrowed data, valid until the owning handle is changed
 *    or freed;
 *  - after a failure, ks_db_error() describes it in words until the next call
 *    on the same handle.
 * Handles are not shared between threads: open one ks_db per thread. */
#ifndef KOSEARCH_H
#define KOSEARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(KS_BUILDING_LIBRARY) && defined(__GNUC__)
#define KS_API __attribute__((visibility("default")))
#else
#define KS_API
#endif

/* The version of this header. KS_VERSION_MAJOR is the shared library's
 * soname (libkosearch.so.MAJOR) and changes whenever the ABI does; ks_version()
 * gives the version of the library loaded at run time. */
#define KS_VERSION_MAJOR 1
#define KS_VERSION_MINOR 1
#define KS_VERSION_PATCH 0
#define KS_VERSION_STRING "1.1.0"
/* True when this header is at least version major.minor.patch. */
#define KS_CHECK_VERSION(major, minor, patch)                                        \
    (KS_VERSION_MAJOR > (major) ||                                                \
     (KS_VERSION_MAJOR == (major) && KS_VERSION_MINOR > (minor)) ||               \
     (KS_VERSION_MAJOR == (major) && KS_VERSION_MINOR == (minor) &&              \
      KS_VERSION_PATCH >= (patch)))

typedef enum ks_status {
    KS_OK = 0,
    KS_ERR_NOMEM,            /* out of memory */
    KS_ERR_INVALID_ARGUMENT, /* a NULL handle, a bad option value */
    KS_ERR_IO,               /* a file could not be read or written */
    KS_ERR_NOT_FOUND,        /* no database (or article) at that place */
    KS_ERR_LOCKED,           /* another writer holds the database */
    KS_ERR_CORRUPT,          /* the database is damaged */
    KS_ERR_VERSION,          /* made by an incompatible kosearch: rebuild it */
    KS_ERR_READ_ONLY,        /* the database was opened for reading */
    KS_ERR_BAD_QUERY,        /* the query has a syntax error */
    KS_ERR_BAD_INPUT,        /* an article or its text is malformed */
    KS_ERR_ENCODING,         /* text in an encoding kosearch cannot read */
    KS_ERR_INTERRUPTED,      /* stopped on request (signal) */
    KS_ERR_BACKEND,          /* any other error reported by Xapian */
    KS_ERR_UNAVAILABLE,      /* a remote shard cannot be reached */
    KS_ERR_INTERNAL,         /* a bug: please report it */
    KS_STATUS_LAST           /* not a status: one past the last, for tables and range checks */
} ks_status;

/* A short English phrase for a status ("database is locked"); static. */
KS_API const char *ks_status_string(ks_status status);

/* Versions of the pieces a database depends on. An index built with another
 * analyzer or format version must be rebuilt. */
KS_API const char *ks_version(void);
KS_API unsigned ks_analyzer_version(void);
KS_API unsigned ks_index_format_version(void);
/* Versions of the libraries linked at run time, e.g. "ICU 72.1, Xapian 1.4.22"; static. */
KS_API const char *ks_backend_versions(void);

/* ------------------------------------------------------------------------ */
/* Analysis: how kosearch turns text into searchable terms.                 */

typedef enum ks_term_kind {
    KS_TERM_SURFACE = 0, /* the normalized word as written: 구로구는 */
    KS_TERM_STEM,        /* the word without particles or endings: 구로구 */
    KS_TERM_COMPOUND,    /* a number with its counter: 2014년, 1위 */
    KS_TERM_BIGRAM       /* two adjacent syllables, so compound parts match */
} ks_term_kind;
/* The kind's name, as `kosearch analyze` and the Python module show it:
 * "surface", "stem", "compound" or "bigram"; "unknown" for any other value.
 * A static string. Since 1.1. */
KS_API const char *ks_term_kind_name(ks_term_kind kind);

typedef struct ks_term {
    const char *text;   /* normalized (NFKC, case-folded) UTF-8, NUL-terminated */
    ks_term_kind kind;
    uint32_t word;      /* 1-based ordinal of the word the term comes from */
    uint32_t position;  /* index position: the word ordinal for SURFACE, STEM and
                           COMPOUND; a syllable ordinal for BIGRAM */
    size_t start, end;  /* byte span in the analyzed text */
} ks_term;

typedef struct ks_analysis ks_analysis;

/* Analyzes `len` bytes of UTF-8 (invalid bytes are read as U+FFFD). */
KS_API ks_status ks_analyze(ks_analysis **out, const char *text, size_t len);
KS_API size_t ks_analysis_count(const ks_analysis *analysis);
/* Borrowed; valid until ks_analysis_free(). */
KS_API const ks_term *ks_analysis_term(const ks_analysis *analysis, size_t index);
KS_API void ks_analysis_free(ks_analysis *analysis);

/* ------------------------------------------------------------------------ */
/* Databases.                                                               */

typedef struct ks_db ks_db;

typedef enum ks_open_flags {
    KS_OPEN_READ = 0,
    KS_OPEN_WRITE = 1 << 0,  /* create if missing; one writer at a time */
    KS_OPEN_WAIT = 1 << 1,   /* with WRITE: wait for another writer to finish */
    KS_OPEN_REBUILD = 1 << 2, /* with WRITE: build afresh beside the existing
                                 database (an empty one when there is none),
                                 which readers keep seeing until ks_db_close()
                                 swaps the two */
    KS_OPEN_ALLOW_PARTIAL = 1 << 3, /* reading a sharded or stub database: skip
                                       shards that cannot be reached (each named
                                       in ks_db_warnings()) and search the rest */
    KS_OPEN_BUILD_NEW = 1 << 4, /* with WRITE: when there is no database yet (no
                                   folder, or an empty one), build it as
                                   KS_OPEN_REBUILD does, on every core */
    KS_OPEN_EXISTING = 1 << 5 /* with WRITE: never create a database; no
                                 database at the path is KS_ERR_NOT_FOUND */
} ks_open_flags;

/* The database to use when none is named, as the kosearch command and the
 * Python module choose it: $KOSEARCH_DB when set and not empty, else
 * $XDG_DATA_HOME/kosearch/default.db, else $HOME/.local/share/kosearch/default.db
 * ("." for $HOME when unset). The string is the caller's: release it with
 * ks_string_free(). Since 1.1. */
KS_API ks_status ks_default_db_path(char **out_path);

/* Opens the database at `path`. On failure *out is still set when a handle
 * could be made, so ks_db_error() can say what went wrong; free it with
 * ks_db_close(). */
KS_API ks_status ks_db_open(ks_db **out, const char *path, unsigned flags);
/* Opens or creates a sharded database for writing: `shards` databases
 * PATH/shard-0 ... PATH/shard-(N-1) and a Xapian stub file PATH/XAPIANDB
 * listing them, so that ks_db_open() (and any Xapian reader) sees one
 * index. Articles go to a shard by a stable hash of their id. `shards` 0
 * means whatever PATH already is; a count that differs from an existing
 * database's is refused (KS_ERR_INVALID_ARGUMENT). */
KS_API ks_status ks_db_open_shards(ks_db **out, const char *path, unsigned flags,
                                   unsigned shards);
/* Shards skipped with KS_OPEN_ALLOW_PARTIAL, one "shard: reason" line each;
 * "" when none. Borrowed, valid until the next call on the handle. */
KS_API const char *ks_db_warnings(const ks_db *db);
/* Commits pending changes (when writable) and frees the handle. A failed
 * commit is reported here, not swallowed. */
KS_API ks_status ks_db_close(ks_db *db);
/* Closes the handle giving up a rebuild in progress (KS_OPEN_REBUILD): the
 * database stays as it was before. For any other handle this is
 * ks_db_close(). */
KS_API ks_status ks_db_abandon(ks_db *db);
/* Threads that analyze and write articles while a handle opened with
 * KS_OPEN_REBUILD builds its database (each into a part of its own, merged
 * into one compacted database by ks_db_close()); 0, the default, means one
 * per core. Call it before the first ks_db_put_article(). */
KS_API ks_status ks_db_set_build_threads(ks_db *db, unsigned threads);
/* Articles (and their passages) that ks_db_put_article() accepted and the
 * build's threads have not written yet; both 0 outside a build on several
 * threads. ks_db_close() writes them all before it merges; a progress
 * display counts only what is written. */
KS_API void ks_db_pending(ks_db *db, size_t *articles, size_t *passages);
/* Message for the last failure on this handle; "" when none. Borrowed. */
KS_API const char *ks_db_error(const ks_db *db);
/* Makes every change so far durable and visible to readers, atomically.
 * During a rebuild nothing is visible before ks_db_close(). */
KS_API ks_status ks_db_commit(ks_db *db);
/* Path the handle was opened with. Borrowed. */
KS_API const char *ks_db_path(const ks_db *db);

/* An article as the caller supplies it. `id` and `body` are required;
 * the rest may be NULL. Strings are UTF-8. */
typedef struct ks_article {
    const char *id;
    const char *title;
    const char *date;
    const char *url;
    const char *body;
    size_t body_len;
    /* Change detection for incremental indexing: what the source looked like
     * (0 when unknown); kosearch's reader gives the file's size and its
     * modification time in nanoseconds since the epoch. The content hash is
     * computed by kosearch. */
    uint64_t source_size;
    int64_t source_mtime;
    /* The file the article was read from (NULL when none); --prune removes
     * articles whose file no longer yields them. */
    const char *origin;
} ks_article;

typedef enum ks_change {
    KS_CHANGE_ADDED = 0,
    KS_CHANGE_UPDATED,
    KS_CHANGE_UNCHANGED
} ks_change;

/* Adds the article, replacing every passage of an earlier version with the
 * same id. Nothing is visible to readers before ks_db_commit(); an article's
 * passages become visible (and disappear) together. */
KS_API ks_status ks_db_put_article(ks_db *db, const ks_article *article,
                                   ks_change *out_change, size_t *out_passages);
/* Removes an article and all its passages; KS_ERR_NOT_FOUND if absent. */
KS_API ks_status ks_db_remove_article(ks_db *db, const char *id);

/* Recorded source facts of an indexed article, for cheap change checks. */
typedef struct ks_article_record {
    uint64_t source_size;
    int64_t source_mtime;
    uint64_t content_hash;
    uint32_t passages;
} ks_article_record;
/* KS_ERR_NOT_FOUND when the article is not in the database. */
KS_API ks_status ks_db_article_record(ks_db *db, const char *id, ks_article_record *out);
/* The file article `id` was read from, "" when none (malloc'd, for the
 * caller to free); KS_ERR_NOT_FOUND when the article is not there. */
KS_API ks_status ks_db_article_origin(ks_db *db, const char *id, char **out_origin);

/* What a JSONL file looked like when every article in it was last put from
 * it: the reader's size and time (ks_source_file) and the articles it
 * held. While the database holds them, reading the unchanged file again
 * would change nothing, so a caller may skip it: they are forgotten as soon
 * as an article from that file is added, changed or removed, or replaced by
 * one from elsewhere. A sharded database keeps none: its shards commit one
 * by one, and facts must never get ahead of the articles. */
typedef struct ks_file_facts {
    uint64_t size;
    int64_t mtime;
    uint64_t articles;
    /* The database holds no other article from this file (the facts were
     * set by a run that removed the ones the file no longer has, or by a
     * rebuild): only then may a pruning run skip the file. */
    bool complete;
} ks_file_facts;
/* Records facts for the file at `path`, whose articles were all just put
 * with it as their origin; they take effect with the next commit, like
 * the articles. A no-op on a sharded database. */
KS_API ks_status ks_db_set_file_facts(ks_db *db, const char *path, const ks_file_facts *facts);
/* KS_ERR_NOT_FOUND when none are held for `path`. */
KS_API ks_status ks_db_file_facts(ks_db *db, const char *path, ks_file_facts *out);

/* Calls `visit` for every indexed article, in key order, with its id and
 * origin ("" when none); a non-zero return stops the walk and is passed back
 * through out_visit_result. */
typedef int (*ks_article_visitor)(void *context, const char *id, const char *origin);
KS_API ks_status ks_db_each_article(ks_db *db, ks_article_visitor visit, void *context,
                                    int *out_visit_result);

typedef struct ks_db_stats {
    uint64_t articles;
    uint64_t passages;
    uint64_t terms;          /* distinct terms */
    uint64_t bytes_on_disk;
    unsigned index_format;
    unsigned analyzer;
    int64_t last_update;     /* Unix time of the last commit, 0 if never */
} ks_db_stats;
KS_API ks_status ks_db_stats_get(ks_db *db, ks_db_stats *out);

/* A stored passage, as ks_db_each_passage() hands it over (borrowed for the
 * duration of the call). */
typedef struct ks_passage_info {
    const char *id;
    uint32_t passage;
    const char *title;
    const char *section;
    const char *date;
    const char *url;
    const char *text;
} ks_passage_info;
typedef int (*ks_passage_visitor)(void *context, const ks_passage_info *passage);
/* Calls `visit` for every passage in the database (in document order); a
 * non-zero return stops the walk. */
KS_API ks_status ks_db_each_passage(ks_db *db, ks_passage_visitor visit, void *context);
/* Calls `visit` for each passage of article `id`, in passage order (1..n);
 * a non-zero return stops the walk. KS_ERR_NOT_FOUND when the database has
 * no such article. */
KS_API ks_status ks_db_each_article_passage(ks_db *db, const char *id, ks_passage_visitor visit,
                                            void *context);

/* Article dates as kosearch stores them: ISO 8601, "2015-01-09" or
 * "2015-01-09T20:39" (the time as written; a UTC offset is dropped). Reads
 * 2015-01-09, 2015.01.09, 2015/1/9, 2015. 1. 9., 2015년 1월 9일, each
 * maybe with a time (20:39, 20:39:00, T20:39:00+09:00, 오후 8:39) and a
 * label (승인 2015.01.09 20:39, 입력 : 2015-01-09). Writes at most
 * KS_DATE_BYTES bytes with the NUL; KS_ERR_BAD_INPUT when `text` is no such
 * date (an article with one is indexed with its date unknown). */
#define KS_DATE_BYTES 17
KS_API ks_status ks_date_normalize(const char *text, char out[KS_DATE_BYTES]);

/* ------------------------------------------------------------------------ */
/* Reading articles from files, folders and JSONL.                          */

typedef struct ks_source_article {
    ks_article article;   /* strings owned by the reader, valid during the callback */
    const char *origin;   /* file path, or "-" for stdin */
    long line;            /* JSONL line number; 0 for text files */
} ks_source_article;

/* Called for every article read; a non-KS_OK return stops the reader and is
 * passed back. */
typedef ks_status (*ks_article_sink)(void *context, const ks_source_article *article);
/* Called for every file or record that is skipped, with where and why
 * ("missing \"id\""); byte_offset is -1 when it does not apply. Reading goes on. */
typedef void (*ks_problem_sink)(void *context, const char *origin, long line,
                                long byte_offset, const char *message);
/* A regular file the reader is about to read, or has read. */
typedef struct ks_source_file {
    const char *path;  /* a text file's article gets it as its id */
    uint64_t size;
    int64_t mtime;     /* nanoseconds since the epoch */
    bool jsonl;        /* JSON Lines, many articles; else a text file, one */
} ks_source_file;
/* Optional: asked before a regular file is read; returning false skips it
 * unread (it is known to be unchanged). */
typedef bool (*ks_file_filter)(void *context, const ks_source_file *file);
/* Optional: told when a JSONL file has been read to its end, with the
 * articles it gave and the problems reported on the way (0: every line
 * became an article). */
typedef void (*ks_file_sink)(void *context, const ks_source_file *file, size_t articles,
                             size_t problems);

typedef struct ks_reader_callbacks {
    ks_article_sink on_article;
    ks_problem_sink on_problem;
    void *context;
    ks_file_filter wants_file; /* may be NULL: read everything */
    ks_file_sink file_read;    /* may be NULL */
    /* Follow symbolic links in a folder that lead out of the folder named
     * to the reader; by default they are left alone, so a link inside a
     * shared folder cannot bring in a file from elsewhere. */
    bool follow_links;
} ks_reader_callbacks;

/* The one spelling of a path that kosearch uses as a text file's id and as
 * the origin of the articles read from a file: absolute, the folder's links
 * resolved, then the file's own name (a folder: absolute, links resolved).
 * `dir/a.txt`, `./dir/a.txt` and `/abs/dir/a.txt` all give `/abs/dir/a.txt`.
 * Malloc'd; NULL with errno set when the path's folder cannot be resolved. */
KS_API char *ks_article_path(const char *path);

/* Reads a file or a folder (recursively: .txt .md .jsonl), or "-" for JSONL
 * on stdin. Text files: the id is ks_article_path() of the file, the title
 * the first line.
 * JSONL: one {"id", "title", "date", "url", "body"} object per line.
 * Returns KS_OK when every problem was a skipped input; an error status only
 * when reading could not go on at all. */
KS_API ks_status ks_read_path(const char *path, const ks_reader_callbacks *callbacks);

/* ------------------------------------------------------------------------ */
/* Search.                                                                  */

typedef enum ks_search_flags {
    KS_SEARCH_NO_SNIPPETS = 1 << 0, /* skip highlights and snippets (ranking only) */
    KS_SEARCH_FUZZY = 1 << 1,       /* when the query finds few hits, search the
                                       closest indexed words instead (typos) */
    KS_SEARCH_NO_SUGGESTIONS = 1 << 2, /* skip the "did you mean" lookup (a scan of
                                       the term list); hits are the same unless
                                       KS_SEARCH_FUZZY is set too */
    KS_SEARCH_EXACT_TOTAL = 1 << 3  /* count every matching passage, so that
                                       ks_results_estimated_total() is exact
                                       (slower on large databases) */
} ks_search_flags;

typedef enum ks_sort {
    KS_SORT_RELEVANCE = 0, /* best match first */
    KS_SORT_DATE = 1       /* newest first (by day), ties by relevance; passages
                              of articles without a date come last */
} ks_sort;

/* Which passages a query finds. Either way, in a query of up to three
 * words a passage holding every word ranks before one holding fewer. */
typedef enum ks_match {
    KS_MATCH_ANY = 0, /* passages holding any word (+word and a AND b required) */
    KS_MATCH_ALL      /* only passages holding every word */
} ks_match;

typedef struct ks_search_options {
    size_t limit;   /* hits to return; 0 means 10; more than the database
                       holds means all */
    size_t offset;  /* hits to skip */
    size_t snippet_bytes; /* target snippet length; 0 means 240 */
    unsigned flags; /* ks_search_flags */
    const char *since;  /* NULL, or "YYYY", "YYYY-MM", "YYYY-MM-DD": inclusive; articles
                           without a date are left out when either bound is set */
    const char *until;
    ks_sort sort;       /* KS_SORT_RELEVANCE (0, default) or KS_SORT_DATE: newest first,
                           ties by relevance */
    ks_match match; /* KS_MATCH_ANY (0) or KS_MATCH_ALL */
} ks_search_options;

typedef struct ks_span {
    size_t start, end; /* byte range, end exclusive */
} ks_span;

typedef struct ks_hit {
    size_t rank;            /* 1-based */
    double score;
    const char *id;         /* article id */
    uint32_t passage;       /* 1-based passage number within the article */
    const char *title;
    const char *section;    /* "" when the passage is under no heading */
    const char *date;       /* "" when unknown */
    const char *url;        /* "" when unknown */
    const char *text;       /* the passage as written */
    size_t text_len;
    const ks_span *highlights;     /* matched words, byte ranges into text */
    size_t highlight_count;
    const char *snippet;           /* a window of text around the best matches */
    size_t snippet_len;
    const ks_span *snippet_highlights; /* byte ranges into snippet */
    size_t snippet_highlight_count;
} ks_hit;

typedef struct ks_results ks_results;

/* Runs a query: words, "quoted phrases", -excluded words, +required words,
 * OR between alternatives, AND between required words, initial consonants
 * (ㄱㄹㄱ finds 구로구), prefixes (청소* finds 청소분야) and Hanja (九老區
 * finds 구로구). Stored synonyms are searched too. Fields narrow the
 * passages searched: title:WORD (the article's title holds the word),
 * section:WORD (the heading the passage falls under does), id:ID (the
 * article), date:A..B (the article's date is within; A or B may be left
 * out, and date:A alone is that year, month or day); each may be negated
 * (-title:WORD), given a "phrase" (all its words), or joined with OR to
 * another field. A query of fields only lists their passages in index
 * order. When the query finds fewer than three passages, see
 * ks_results_corrected_query() and ks_results_suggestion(). A syntax error
 * is KS_ERR_BAD_QUERY with the reason in ks_db_error(); a bad `since` or
 * `until` is KS_ERR_INVALID_ARGUMENT. */
KS_API ks_status ks_search(ks_db *db, const char *query, const ks_search_options *options,
                           ks_results **out);
KS_API size_t ks_results_count(const ks_results *results);
/* Estimated number of matching passages in the whole database. */
KS_API size_t ks_results_estimated_total(const ks_results *results);
/* Borrowed; valid until ks_results_free(). */
KS_API const ks_hit *ks_results_hit(const ks_results *results, size_t index);
KS_API void ks_results_free(ks_results *results);
/* When the query as typed found few hits, kosearch may search a corrected
 * one: words typed on the two-set keyboard in the wrong mode (rnfhrn for
 * 구로구), or with KS_SEARCH_FUZZY the closest indexed words. Returns the
 * query searched ("구로구"), or NULL when it was searched as typed. Borrowed. */
KS_API const char *ks_results_corrected_query(const ks_results *results);
/* A query of indexed words close to what was typed (구로고 -> 구로구), offered
 * when the query found few hits and was not corrected; NULL when none. Borrowed. */
KS_API const char *ks_results_suggestion(const ks_results *results);

/* Replaces the database's synonym groups. Each group is one line of two or
 * more words separated by spaces ("행정자치부 행자부 행안부"); a query for one
 * word then also finds the others, ranked a little below the word typed.
 * No reindexing is needed: searches use them after ks_db_commit().
 * KS_ERR_BAD_INPUT (nothing changed) when a group has fewer than two words. */
KS_API ks_status ks_db_set_synonyms(ks_db *db, const char *const *groups, size_t count);

/* Completion: indexed words starting with a prefix, most frequent first. */
typedef struct ks_completion {
    const char *word;  /* normalized, without particles */
    uint64_t passages; /* passages holding it */
} ks_completion;
typedef struct ks_completions ks_completions;

/* At most `limit` (0 means 10) words completing `prefix`. Quick enough to
 * call on every keystroke. */
KS_API ks_status ks_db_complete(ks_db *db, const char *prefix, size_t limit,
                                ks_completions **out);
KS_API size_t ks_completions_count(const ks_completions *completions);
/* Borrowed; valid until ks_completions_free(). */
KS_API const ks_completion *ks_completions_get(const ks_completions *completions, size_t index);
KS_API void ks_completions_free(ks_completions *completions);

/* How kosearch reads a query, as text ("(구로구 OR ...)"); for --explain.
 * The string is the caller's: release it with ks_string_free(). */
KS_API ks_status ks_explain(ks_db *db, const char *query, char **out);
/* The same as a search with these options reads it (NULL: the defaults):
 * what a passage must hold ("must hold: 구로구 AND 청사", from +word, AND,
 * fields or KS_MATCH_ALL), what ranks it, what it must not hold, then
 * Xapian's query. Since 1.1. */
KS_API ks_status ks_explain_search(ks_db *db, const char *query,
                                   const ks_search_options *options, char **out);
/* Frees a string this library handed to the caller; NULL is ignored. */
KS_API void ks_string_free(char *string);

#ifdef __cplusplus
}
#endif
#endif /* KOSEARCH_H */
