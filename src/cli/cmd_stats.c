/* kosearch stats: what the database holds and how it was built. */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <time.h>

static const char usage[] =
    "Usage: kosearch stats [--db PATH]\n"
    "\n"
    "Show the number of articles, passages and terms, the size on disk, the\n"
    "index format and analyzer versions, and when the database last changed.\n";

int cmd_stats(int argc, char **argv)
{
    const char *db_option;
    int done = cli_parse_db_options(argc, argv, "stats", usage, &db_option);
    if (done >= 0)
        return done;
    if (optind < argc)
        return cli_usage_error("stats", "unexpected argument '%s'", argv[optind]);
    char *path = cli_database_path(db_option);
    ks_db *db = path ? cli_open_database(path, KS_OPEN_READ) : NULL;
    if (!db) {
        free(path);
        return EXIT_TROUBLE;
    }
    ks_db_stats stats;
    int status = 0;
    if (ks_db_stats_get(db, &stats) != KS_OK) {
        cli_error("%s", ks_db_error(db));
        status = EXIT_TROUBLE;
    } else {
        char when[64] = "never";
        time_t updated = (time_t)stats.last_update;
        if (updated)
            strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S %z", localtime(&updated));
        printf("database:      %s\n", path);
        printf("articles:      %llu\n", (unsigned long long)stats.articles);
        printf("passages:      %llu\n", (unsigned long long)stats.passages);
        printf("terms:         %llu\n", (unsigned long long)stats.terms);
        printf("size on disk:  %.1f MiB\n", (double)stats.bytes_on_disk / (1024.0 * 1024.0));
        printf("index format:  %u\n", stats.index_format);
        printf("analyzer:      %u\n", stats.analyzer);
        printf("last update:   %s\n", when);
    }
    ks_db_close(db);
    free(path);
    return status;
}
