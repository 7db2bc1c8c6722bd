/* kosearch suggest: indexed words completing what has been typed so far,
 * most frequent first; quick enough to run on every keystroke. */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>

static const cli_help help = {
    .command = "suggest",
    .before =
        "Usage: kosearch suggest [OPTIONS] PREFIX\n"
        "\n"
        "List the indexed words that start with PREFIX (깔끔 -> 깔끔이봉사단), most\n"
        "frequent first, one per line: the word, a tab, the number of passages\n"
        "holding it.\n",
    .after =
        "\n"
        "Exit status: 0 some words, 1 none, 2 error.\n",
};

int cmd_suggest(int argc, char **argv)
{
    const char *db_option = NULL;
    size_t limit = 10;
    cli_getopt options;
    cli_options_of("suggest", &options);
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, options.short_options, options.long_options, NULL)) != -1) {
        switch (c) {
        case CLI_OPT_DB: db_option = optarg; break;
        case CLI_OPT_LIMIT:
            if (!cli_parse_size(optarg, &limit) || limit == 0)
                return cli_usage_error("suggest", "--limit needs a whole number above 0, not '%s'", optarg);
            break;
        case CLI_OPT_HELP: cli_print_help(&help); return 0;
        default: return cli_bad_option("suggest", argv);
        }
    }
    if (optind >= argc)
        return cli_usage_error("suggest", "no PREFIX given");
    if (optind + 1 < argc)
        return cli_usage_error("suggest", "unexpected argument '%s'", argv[optind + 1]);
    ks_db *db = cli_open_named_database(db_option, KS_OPEN_READ);
    if (!db)
        return EXIT_TROUBLE;
    ks_completions *words = NULL;
    int status = EXIT_TROUBLE;
    if (ks_db_complete(db, argv[optind], limit, &words) != KS_OK) {
        cli_error("%s", ks_db_error(db));
    } else {
        for (size_t i = 0; i < ks_completions_count(words); i++) {
            const ks_completion *word = ks_completions_get(words, i);
            printf("%s\t%llu\n", word->word, (unsigned long long)word->passages);
        }
        status = ks_completions_count(words) ? EXIT_HITS : EXIT_NO_HITS;
    }
    if (fflush(stdout) != 0)
        status = EXIT_TROUBLE;
    ks_completions_free(words);
    ks_db_close(db);
    return status;
}
