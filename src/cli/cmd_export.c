/* kosearch export: every stored passage as JSON Lines, for backups and for
 * checking that two databases hold the same passages. */
#include "cli.h"
#include "output.h"

#include <getopt.h>
#include <stdlib.h>

static const cli_help help = {
    .command = "export",
    .before =
        "Usage: kosearch export [--db PATH]\n"
        "\n"
        "Write every passage as one JSON object per line: id, passage, title, section,\n"
        "date, url, text (the fields of search --format json without scores).\n",
};

static int print_passage(void *context, const ks_passage_info *p)
{
    (void)context;
    return output_passage_json(stdout, p) ? 0 : 1;
}

int cmd_export(int argc, char **argv)
{
    const char *db_option;
    int done = cli_parse_db_options(argc, argv, &help, &db_option);
    if (done >= 0)
        return done;
    if (optind < argc)
        return cli_usage_error("export", "unexpected argument '%s'", argv[optind]);
    ks_db *db = cli_open_named_database(db_option, KS_OPEN_READ);
    if (!db)
        return EXIT_TROUBLE;
    int status = 0;
    if (ks_db_each_passage(db, print_passage, NULL) != KS_OK) {
        cli_error("%s", ks_db_error(db));
        status = EXIT_TROUBLE;
    }
    if (fflush(stdout) != 0)
        status = EXIT_TROUBLE;
    ks_db_close(db);
    return status;
}
