/* kosearch stats: what the database holds and how it was built. */
#include "cli.h"

#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <time.h>

static const cli_help help = {
    .command = "stats",
    .before =
        "Usage: kosearch stats [--db PATH] [--format text|json]\n"
        "\n"
        "Show the number of articles, passages and terms, the size on disk, the\n"
        "index format and analyzer versions, and when the database last changed.\n"
        "With --format json, one object: database, articles, passages, terms, bytes,\n"
        "index_format, analyzer, last_update (Unix time, 0 if never).\n",
};

static void print_json(const char *path, const ks_db_stats *stats)
{
    json_t *object = json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "database", path,
                               "articles", (json_int_t)stats->articles, "passages",
                               (json_int_t)stats->passages, "terms", (json_int_t)stats->terms,
                               "bytes", (json_int_t)stats->bytes_on_disk, "index_format",
                               (json_int_t)stats->index_format, "analyzer",
                               (json_int_t)stats->analyzer, "last_update",
                               (json_int_t)stats->last_update);
    if (object)
        json_dumpf(object, stdout, JSON_COMPACT);
    fputc('\n', stdout);
    json_decref(object);
}

static void print_text(const char *path, const ks_db_stats *stats)
{
    char when[64] = "never";
    time_t updated = (time_t)stats->last_update;
    if (updated)
        strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S %z", localtime(&updated));
    printf("database:      %s\n", path);
    printf("articles:      %llu\n", (unsigned long long)stats->articles);
    printf("passages:      %llu\n", (unsigned long long)stats->passages);
    printf("terms:         %llu\n", (unsigned long long)stats->terms);
    printf("size on disk:  %.1f MiB\n", (double)stats->bytes_on_disk / (1024.0 * 1024.0));
    printf("index format:  %u\n", stats->index_format);
    printf("analyzer:      %u\n", stats->analyzer);
    printf("last update:   %s\n", when);
}

int cmd_stats(int argc, char **argv)
{
    const char *db_option;
    bool json;
    int done = cli_parse_db_format_options(argc, argv, &help, &db_option, &json);
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
    } else if (json) {
        print_json(path, &stats);
    } else {
        print_text(path, &stats);
    }
    if (fflush(stdout) != 0)
        status = EXIT_TROUBLE;
    ks_db_close(db);
    free(path);
    return status;
}
