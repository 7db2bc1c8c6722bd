/* bench_latency: how long each kosearch query takes, for tools/bench. Opens a
 * database read-only through the public API, runs one query per stdin line
 * (qid TAB query) and prints "qid TAB microseconds TAB hits", timing ks_search
 * alone (it returns hits with their text, highlights and snippet, unless
 * --no-snippets asks for ranking only). A query that fails prints hits -1 and
 * one stderr line, and the run goes on.
 *
 *   bench_latency [--no-snippets] DBDIR [LIMIT] < queries.tsv   (LIMIT default 10) */
#include <kosearch.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char program[] = "bench_latency";

static double now_microseconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* Removes the trailing newline; returns the query after the tab, or NULL. */
static char *split_query_line(char *line)
{
    line[strcspn(line, "\r\n")] = '\0';
    char *tab = strchr(line, '\t');
    if (!tab)
        return NULL;
    *tab = '\0';
    return tab + 1;
}

static void time_query(ks_db *db, const char *qid, const char *query,
                       const ks_search_options *options)
{
    ks_results *results = NULL;
    double started = now_microseconds();
    ks_status status = ks_search(db, query, options, &results);
    double took = now_microseconds() - started;
    if (status != KS_OK) {
        fprintf(stderr, "%s: query %s: %s: %s\n", program, qid, ks_status_string(status),
                ks_db_error(db));
        printf("%s\t%.1f\t-1\n", qid, took);
        return;
    }
    printf("%s\t%.1f\t%zu\n", qid, took, ks_results_count(results));
    ks_results_free(results);
}

static int usage(void)
{
    fprintf(stderr, "usage: %s [--no-snippets] DBDIR [LIMIT] < queries.tsv   (qid TAB query)\n",
            program);
    return 2;
}

int main(int argc, char **argv)
{
    ks_search_options options = {.limit = 10};
    if (argc > 1 && strcmp(argv[1], "--no-snippets") == 0) {
        options.flags |= KS_SEARCH_NO_SNIPPETS;
        argv++;
        argc--;
    }
    if (argc < 2 || argc > 3 || argv[1][0] == '-')
        return usage();
    if (argc == 3) {
        char *end = NULL;
        unsigned long limit = strtoul(argv[2], &end, 10);
        if (*argv[2] == '\0' || *end != '\0' || limit == 0)
            return usage();
        options.limit = limit;
    }
    const char *path = argv[1];

    ks_db *db = NULL;
    ks_status status = ks_db_open(&db, path, KS_OPEN_READ);
    if (status != KS_OK) {
        fprintf(stderr, "%s: cannot open %s: %s%s%s\n", program, path,
                ks_status_string(status), db ? ": " : "", db ? ks_db_error(db) : "");
        if (db)
            ks_db_close(db);
        return 1;
    }

    char *line = NULL;
    size_t capacity = 0;
    unsigned long asked = 0;
    while (getline(&line, &capacity, stdin) != -1) {
        const char *query = split_query_line(line);
        if (!query) {
            fprintf(stderr, "%s: skipped a line without qid TAB query\n", program);
            continue;
        }
        time_query(db, line, query, &options);
        asked++;
    }
    free(line);
    fflush(stdout);
    status = ks_db_close(db);
    if (status != KS_OK) {
        fprintf(stderr, "%s: closing the database: %s\n", program, ks_status_string(status));
        return 1;
    }
    fprintf(stderr, "%s: %lu queries\n", program, asked);
    return 0;
}
