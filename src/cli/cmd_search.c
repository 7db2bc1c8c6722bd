/* kosearch search: ranked passages for one query, as text for people or
 * JSON Lines for scripts. */
#include "cli.h"
#include "output.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const cli_help help = {
    .command = "search",
    .before =
        "Usage: kosearch search [OPTIONS] QUERY...\n"
        "\n"
        "Find passages. Words match with or without particles (구로구 finds 구로구는)\n"
        "and inside compounds (봉사단 finds 깔끔이봉사단), but not inside a longer word\n"
        "of their own (청소 does not find 청소년). Passages holding every word come\n"
        "first, then those holding fewer (in queries of up to three words).\n"
        "\"Quoted words\" must appear together, -word excludes, +word requires,\n"
        "a AND b requires both, a OR b accepts either. After the first query word,\n"
        "-word is a word to exclude, not an option (kosearch search 청소 -LED).\n"
        "Fields narrow the search: title:WORD, section:WORD (the heading over the\n"
        "passage), id:ID and date:2015-01..2015-03, each also with a \"phrase\" or a\n"
        "leading -.\n",
    .after =
        "\n"
        "On a terminal, text output ends with \"10 of about 212 passages\".\n"
        "Exit status: 0 hits, 1 no hits, 2 error.\n",
};

/* What kosearch searched instead of the query typed, or would suggest; on
 * stderr so that JSON output stays clean. */
static void report_corrections(ks_db *db, const ks_results *results, bool explain)
{
    const char *corrected = ks_results_corrected_query(results);
    const char *suggestion = ks_results_suggestion(results);
    if (corrected) {
        fprintf(stderr, "kosearch: showing results for %s\n", corrected);
        char *description = NULL;
        if (explain && ks_explain(db, corrected, &description) == KS_OK)
            fprintf(stderr, "kosearch: query became: %s\n", description);
        ks_string_free(description);
    }
    if (suggestion)
        fprintf(stderr, "kosearch: did you mean: %s\n", suggestion);
}

/* --count: the number alone, as grep -c prints it, or {"total": N}. */
static void print_count(const ks_results *results, output_format format)
{
    size_t total = ks_results_estimated_total(results);
    if (format == OUTPUT_JSON)
        printf("{\"total\":%zu}\n", total);
    else
        printf("%zu\n", total);
}

/* How many of how many, for a person at a terminal (never in a pipe). */
static void print_tally(const ks_results *results, const ks_search_options *search)
{
    size_t shown = ks_results_count(results), total = ks_results_estimated_total(results);
    if (!shown)
        return;
    if (search->offset)
        printf("\n%zu-%zu of about %zu passages\n", search->offset + 1, search->offset + shown,
               total);
    else
        printf("\n%zu of about %zu passage%s\n", shown, total, total == 1 ? "" : "s");
}

int cmd_search(int argc, char **argv)
{
    const char *db_option = NULL;
    ks_search_options search = {0};
    output_format format = OUTPUT_TEXT;
    cli_color color = CLI_COLOR_AUTO;
    bool explain = false, count = false;
    unsigned open_flags = KS_OPEN_READ;
    cli_getopt options;
    cli_options_of("search", &options);
    int c, taken;
    optind = 1;
    cli_hide_excluded_words(argc, argv, options.short_options, options.long_options);
    while ((c = getopt_long(argc, argv, options.short_options, options.long_options, NULL)) != -1) {
        if ((taken = cli_search_option("search", c, optarg, &search)) >= 0) {
            if (taken)
                return taken;
            continue;
        }
        switch (c) {
        case CLI_OPT_DB: db_option = optarg; break;
        case CLI_OPT_COUNT: count = true; break;
        case CLI_OPT_FORMAT:
            if (!output_parse_format(optarg, &format) || format == OUTPUT_TSV || format == OUTPUT_TREC)
                return cli_usage_error("search", "--format must be text or json, not '%s'", optarg);
            break;
        case CLI_OPT_COLOR:
            if (!cli_parse_color(optarg, &color))
                return cli_usage_error("search", "--color must be auto, always or never, not '%s'", optarg);
            break;
        case CLI_OPT_EXPLAIN: explain = true; break;
        case CLI_OPT_ALLOW_PARTIAL: open_flags |= KS_OPEN_ALLOW_PARTIAL; break;
        case CLI_OPT_HELP: cli_print_help(&help); return 0;
        default: return cli_bad_option("search", argv);
        }
    }
    cli_show_excluded_words(argc, argv);
    if (optind >= argc)
        return cli_usage_error("search", "no QUERY given");
    char *query = cli_join_words(argc - optind, argv + optind);
    char *path = cli_database_path(db_option);
    ks_db *db = query && path ? cli_open_database(path, open_flags) : NULL;
    free(path);
    if (!db) {
        free(query);
        return EXIT_TROUBLE;
    }
    int status = EXIT_TROUBLE;
    if (explain) {
        char *description = NULL;
        if (ks_explain_search(db, query, &search, &description) == KS_OK)
            fprintf(stderr, "kosearch: query: %s\n", description);
        ks_string_free(description);
    }
    if (count) /* every match counted; no hit is shown */
        search = (ks_search_options){.limit = 1, .flags = search.flags | KS_SEARCH_EXACT_TOTAL |
                                                       KS_SEARCH_NO_SNIPPETS | KS_SEARCH_NO_SUGGESTIONS,
                                     .since = search.since, .until = search.until};
    ks_results *results = NULL;
    size_t warned = strlen(ks_db_warnings(db));
    ks_status searched = ks_search(db, query, &search, &results);
    /* Shards that stopped answering during the search. */
    if (strlen(ks_db_warnings(db)) > warned)
        fprintf(stderr, "kosearch: warning: %s", ks_db_warnings(db) + warned);
    if (searched != KS_OK) {
        cli_error("%s", ks_db_error(db));
    } else if (count) {
        report_corrections(db, results, explain);
        print_count(results, format);
        status = ks_results_estimated_total(results) ? EXIT_HITS : EXIT_NO_HITS;
    } else {
        report_corrections(db, results, explain);
        output_style style = {format, cli_use_color(color, stdout), NULL};
        for (size_t i = 0; i < ks_results_count(results); i++)
            output_hit(stdout, &style, ks_results_hit(results, i));
        if (format == OUTPUT_TEXT && isatty(fileno(stdout)))
            print_tally(results, &search);
        status = ks_results_count(results) ? EXIT_HITS : EXIT_NO_HITS;
    }
    if (fflush(stdout) != 0)
        status = EXIT_TROUBLE;
    ks_results_free(results);
    ks_db_close(db);
    free(query);
    return status;
}
