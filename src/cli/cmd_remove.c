/* kosearch remove: takes articles out of the database by id, all their
 * passages at once. */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>

static const cli_help help = {
    .command = "remove",
    .before =
        "Usage: kosearch remove [--db PATH] ID...\n"
        "\n"
        "Remove the articles with these ids (as search shows them before the #) and\n"
        "all their passages. The change is committed once, after the last id.\n",
    .after =
        "\n"
        "Exit status: 0 every id was removed, 1 some ids were not in the database\n"
        "(each named; the others are removed), 2 error.\n",
};

int cmd_remove(int argc, char **argv)
{
    const char *db_option;
    int done = cli_parse_db_options(argc, argv, &help, &db_option);
    if (done >= 0)
        return done;
    if (optind >= argc)
        return cli_usage_error("remove", "no ID given");
    ks_db *db = cli_open_named_database(db_option, KS_OPEN_WRITE);
    if (!db)
        return EXIT_TROUBLE;
    size_t removed = 0, missing = 0;
    for (int i = optind; i < argc; i++) {
        ks_status st = ks_db_remove_article(db, argv[i]);
        if (st == KS_ERR_NOT_FOUND) {
            cli_error("%s", ks_db_error(db));
            missing++;
        } else if (st != KS_OK) {
            cli_error("%s", ks_db_error(db));
            ks_db_close(db);
            return EXIT_TROUBLE;
        } else {
            removed++;
        }
    }
    ks_status st = ks_db_close(db);
    if (st != KS_OK) {
        cli_error("cannot save the removal: %s", ks_status_string(st));
        return EXIT_TROUBLE;
    }
    fprintf(stderr, "kosearch: %zu removed, %zu not found\n", removed, missing);
    return missing ? EXIT_NO_HITS : 0;
}
