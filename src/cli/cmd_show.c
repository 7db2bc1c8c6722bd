/* kosearch show: one article as it was indexed, passage by passage. */
#include "cli.h"
#include "output.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const cli_help help = {
    .command = "show",
    .before =
        "Usage: kosearch show [OPTIONS] ID\n"
        "\n"
        "Print the passages of the article with this id (as search shows it before\n"
        "the #), in order, each with its number and section.\n",
    .after =
        "\n"
        "Exit status: 0 shown, 1 no such article, 2 error.\n",
};

typedef struct show_run {
    bool json;
    bool failed;
} show_run;

static int print_passage(void *context, const ks_passage_info *p)
{
    show_run *run = context;
    if (run->json) {
        run->failed = !output_passage_json(stdout, p);
        return run->failed;
    }
    output_passage_text(stdout, p);
    return 0;
}

int cmd_show(int argc, char **argv)
{
    const char *db_option;
    bool json;
    int done = cli_parse_db_format_options(argc, argv, &help, &db_option, &json);
    if (done >= 0)
        return done;
    show_run run = {json, false};
    if (optind >= argc)
        return cli_usage_error("show", "no ID given");
    if (argc - optind > 1)
        return cli_usage_error("show", "give one ID");
    ks_db *db = cli_open_named_database(db_option, KS_OPEN_READ);
    if (!db)
        return EXIT_TROUBLE;
    ks_status st = ks_db_each_article_passage(db, argv[optind], print_passage, &run);
    int status = st == KS_OK ? 0 : st == KS_ERR_NOT_FOUND ? EXIT_NO_HITS : EXIT_TROUBLE;
    if (st != KS_OK)
        cli_error("%s", ks_db_error(db));
    if (run.failed || fflush(stdout) != 0)
        status = EXIT_TROUBLE;
    ks_db_close(db);
    return status;
}
