/* kosearch: index Korean articles by passage and search them.
 * Dispatches to one subcommand per file (cmd_*.c). */
#include "cli.h"

#include <getopt.h>
#include <locale.h>
#include <string.h>

static const char usage[] =
    "Usage: kosearch COMMAND [OPTIONS] [ARGS]\n"
    "\n"
    "Korean full-text search over passages of news articles.\n"
    "\n"
    "Commands:\n"
    "  index PATH...     index .txt/.md/.jsonl files or folders (- for JSONL on stdin)\n"
    "  search QUERY...   ranked passages with highlighted matches\n"
    "  batch [FILE|-]    run many queries, one per line\n"
    "  analyze TEXT...   show the terms the analyzer makes of a text\n"
    "  show ID           the passages of one article, in order\n"
    "  remove ID...      remove articles by id\n"
    "  stats             what the database holds\n"
    "  export            every stored passage as JSON Lines\n"
    "  synonyms FILE     load synonym groups (one per line) into the database\n"
    "  suggest PREFIX    indexed words starting with PREFIX, most frequent first\n"
    "  serve --port P    serve the database to remote searches (xapian-tcpsrv)\n"
    "  http              a search page and a JSON API over HTTP\n"
    "\n"
    "Options common to commands that use a database:\n"
    "  --db PATH         the database (default: $KOSEARCH_DB, else\n"
    "                    $XDG_DATA_HOME/kosearch/default.db)\n"
    "\n"
    "  -h, --help        show this help (or 'kosearch COMMAND --help')\n"
    "  -V, --version     show versions\n"
    "\n"
    "Exit status: 0 hits (or success), 1 no hits (or some inputs skipped), 2 error.\n";

static void print_version(void)
{
    printf("kosearch %s (index format %u, analyzer %u; %s)\n", ks_version(),
           ks_index_format_version(), ks_analyzer_version(), ks_backend_versions());
}

typedef struct subcommand {
    const char *name;
    int (*run)(int argc, char **argv);
} subcommand;

static const subcommand subcommands[] = {
    {"index", cmd_index},     {"search", cmd_search}, {"batch", cmd_batch},
    {"analyze", cmd_analyze}, {"stats", cmd_stats},   {"export", cmd_export},
    {"serve", cmd_serve},     {"synonyms", cmd_synonyms}, {"suggest", cmd_suggest},
    {"http", cmd_http},
    {"show", cmd_show},       {"remove", cmd_remove},
};

int main(int argc, char **argv)
{
    setlocale(LC_ALL, "");
    opterr = 0; /* option errors are reported once, by cli_bad_option() */
    if (argc < 2)
        return cli_usage_error("", "no command given");
    const char *name = argv[1];
    if (strcmp(name, "-h") == 0 || strcmp(name, "--help") == 0 || strcmp(name, "help") == 0) {
        fputs(usage, stdout);
        return 0;
    }
    if (strcmp(name, "--list-options") == 0) { /* for completion and tests; not in --help */
        cli_list_options(stdout);
        return 0;
    }
    if (strcmp(name, "-V") == 0 || strcmp(name, "--version") == 0) {
        print_version();
        return 0;
    }
    for (size_t i = 0; i < sizeof subcommands / sizeof subcommands[0]; i++)
        if (strcmp(name, subcommands[i].name) == 0)
            return subcommands[i].run(argc - 1, argv + 1);
    return cli_usage_error("", "unknown command '%s'", name);
}
