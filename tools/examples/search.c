/* Searching a kosearch database from C, through the public API only.
 *
 * Build against an installed kosearch:
 *     cc search.c $(pkg-config --cflags --libs kosearch) -o search
 * Run:
 *     ./search DATABASE QUERY...
 * Prints the five best passages, the matched words in [brackets]. */
#include <kosearch.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The words of the command line, joined with spaces; the caller frees it. */
static char *join_words(int count, char **words)
{
    size_t size = 1;
    for (int i = 0; i < count; i++)
        size += strlen(words[i]) + 1;
    char *query = malloc(size);
    if (!query)
        return NULL;
    query[0] = '\0';
    for (int i = 0; i < count; i++) {
        if (i > 0)
            strcat(query, " ");
        strcat(query, words[i]);
    }
    return query;
}

/* Highlights are byte ranges into the passage text, in order. */
static void print_highlighted(const char *text, size_t len, const ks_span *spans, size_t count)
{
    size_t at = 0;
    for (size_t i = 0; i < count; i++) {
        if (spans[i].start < at || spans[i].end > len)
            continue;
        printf("%.*s[%.*s]", (int)(spans[i].start - at), text + at,
               (int)(spans[i].end - spans[i].start), text + spans[i].start);
        at = spans[i].end;
    }
    printf("%.*s\n", (int)(len - at), text + at);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s DATABASE QUERY...\n", argv[0]);
        return 2;
    }
    ks_db *db = NULL;
    ks_status status = ks_db_open(&db, argv[1], KS_OPEN_READ);
    if (status != KS_OK) {
        /* The handle, when there is one, says more than the status alone. */
        fprintf(stderr, "%s: %s\n", argv[1],
                db && *ks_db_error(db) ? ks_db_error(db) : ks_status_string(status));
        ks_db_close(db);
        return 2;
    }

    char *query = join_words(argc - 2, argv + 2);
    ks_search_options options = {.limit = 5};
    ks_results *results = NULL;
    status = query ? ks_search(db, query, &options, &results) : KS_ERR_NOMEM;
    if (status != KS_OK) {
        fprintf(stderr, "search failed: %s\n",
                status == KS_ERR_NOMEM ? ks_status_string(status) : ks_db_error(db));
        free(query);
        ks_db_close(db);
        return 2;
    }

    size_t count = ks_results_count(results);
    for (size_t i = 0; i < count; i++) {
        const ks_hit *hit = ks_results_hit(results, i);
        printf("%zu. %s", hit->rank, hit->title);
        if (*hit->section)
            printf(" > %s", hit->section);
        printf("  (%s#%u, score %.3f)\n", hit->id, (unsigned)hit->passage, hit->score);
        print_highlighted(hit->text, hit->text_len, hit->highlights, hit->highlight_count);
        putchar('\n');
    }
    printf("%zu of about %zu matching passages\n", count, ks_results_estimated_total(results));

    ks_results_free(results);
    free(query);
    ks_db_close(db);
    return count > 0 ? 0 : 1;
}
