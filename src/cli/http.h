/* kosearch http: the pieces of the HTTP server (cmd_http.c) that stand on
 * their own: request parameters (http_params.c), the database handle each
 * server thread keeps (http_database.c) and the search page (http_page.c). */
#ifndef KOSEARCH_CLI_HTTP_H
#define KOSEARCH_CLI_HTTP_H

#include "kosearch.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- http_params.c: what a request asks for ---------------------------- */

/* The longest query or prefix accepted, in bytes; longer ones are 414. */
#define HTTP_MAX_QUERY_BYTES 4096
/* Hits per page when the request does not say; the most one may ask for,
 * and the deepest page. */
#define HTTP_DEFAULT_LIMIT 10
#define HTTP_MAX_LIMIT 100
#define HTTP_MAX_OFFSET 10000

/* A request parameter as sent: percent-decoded bytes, not NUL-terminated
 * in general (value may hold a NUL), NULL when absent. */
typedef struct http_param {
    const char *value;
    size_t len;
} http_param;

typedef enum http_sort { HTTP_SORT_RELEVANCE, HTTP_SORT_DATE } http_sort;

/* GET /search, checked. since and until are "YYYY", "YYYY-MM" or
 * "YYYY-MM-DD" (NULL when not given), borrowed from the request. */
typedef struct http_search_request {
    const char *query;
    ks_search_options options;
    const char *since, *until;
    http_sort sort;
} http_search_request;

/* Whether `len` bytes are well-formed UTF-8 without NUL bytes. */
bool http_valid_text(const char *text, size_t len);
/* The parameter names each path accepts, NULL-terminated. */
extern const char *const http_search_params[];
extern const char *const http_suggest_params[];

/* Fills `out` from the parameters of GET /search; on a bad one returns the
 * HTTP status (400, 414) and writes the reason into `error`; 0 when good. */
typedef http_param (*http_param_lookup)(void *context, const char *name);
unsigned http_parse_search(http_param_lookup lookup, void *context, http_search_request *out,
                           char *error, size_t error_size);
/* The same for GET /suggest: q (a prefix) and limit. */
unsigned http_parse_suggest(http_param_lookup lookup, void *context, const char **out_prefix,
                            size_t *out_limit, char *error, size_t error_size);

/* ---- http_database.c: one read-only handle per server thread ----------- */

typedef struct http_databases http_databases;

/* `path` is borrowed for the life of the set. */
http_databases *http_databases_new(const char *path);
/* Closes every thread's handle; call after the server threads stopped. */
void http_databases_free(http_databases *set);
/* The calling thread's handle, opened on first use and opened again when
 * an indexer has committed since (or the database was rebuilt or moved).
 * NULL when the database cannot be opened; `error` then says why. */
ks_db *http_database_for_thread(http_databases *set, char *error, size_t error_size);
/* Drops the calling thread's handle after a failure that may come from a
 * stale snapshot, so the next request opens the database afresh. */
void http_database_forget(http_databases *set);

/* ---- http_page.c: the search page -------------------------------------- */

/* What the page shows: the form as filled in, and the results or why there
 * are none. search is NULL (or its query NULL) before anything is asked. */
typedef struct http_page_view {
    const http_search_request *search;
    const ks_results *results;
    const char *error;
} http_page_view;

/* The page as malloc'd HTML (its length in *out_len); NULL when out of memory. */
char *http_page_render(const http_page_view *view, size_t *out_len);

/* ---- search_page.c (generated from search_page.html) ------------------- */

extern const unsigned char search_page_html[];
extern const size_t search_page_html_len;

#endif /* KOSEARCH_CLI_HTTP_H */
