/* The kosearch command: shared helpers for the subcommands, which sit on
 * top of the public API (kosearch.h) only. */
#ifndef KOSEARCH_CLI_H
#define KOSEARCH_CLI_H

#include "kosearch.h"

#include <stdbool.h>
#include <stdio.h>

/* Exit statuses, as grep and ripgrep use them. */
enum {
    EXIT_HITS = 0,
    EXIT_NO_HITS = 1,
    EXIT_TROUBLE = 2,
    EXIT_INTERRUPTED = 130
};

/* Prints "kosearch: message" to stderr. */
void cli_error(const char *format, ...) __attribute__((format(printf, 1, 2)));
/* Prints the usage error and a pointer to --help; returns EXIT_TROUBLE. */
int cli_usage_error(const char *command, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

/* The database path: --db, else $KOSEARCH_DB, else
 * $XDG_DATA_HOME/kosearch/default.db (~/.local/share when unset).
 * Returns a malloc'd string. */
char *cli_database_path(const char *option);
/* Creates the folders above `path` so a new database can be made there. */
bool cli_make_parent_folders(const char *path);

/* Opens the database, printing the reason on failure (NULL then) and a
 * warning for each shard skipped under KS_OPEN_ALLOW_PARTIAL. */
ks_db *cli_open_database(const char *path, unsigned flags);
/* The database --db names (NULL: the default, as cli_database_path()),
 * opened with cli_open_database(); NULL after saying why. */
ks_db *cli_open_named_database(const char *db_option, unsigned flags);
/* The same for kosearch index --shards N (0: whatever the database is). */
ks_db *cli_open_sharded_database(const char *path, unsigned flags, unsigned shards);
/* Prints ks_db_warnings() as "kosearch: warning: ..." lines. */
void cli_print_warnings(const ks_db *db);

/* The usage error for an option getopt refused (unknown, or missing its
 * value); returns EXIT_TROUBLE. */
int cli_bad_option(const char *command, char **argv);

/* Parses the options of a command whose only options are --db and --help.
 * Returns -1 when the command should go on (positional arguments start at
 * optind), else the exit status to return. */
int cli_parse_db_options(int argc, char **argv, const char *command, const char *usage,
                         const char **out_db_option);

/* The same for commands whose only other option is --format text|json;
 * *out_json tells which (with out_json NULL, --format is refused). */
int cli_parse_db_format_options(int argc, char **argv, const char *command, const char *usage,
                                const char **out_db_option, bool *out_json);

/* Parses a whole non-negative number, digits only; false on junk, a sign,
 * or a number too large for size_t. */
bool cli_parse_size(const char *text, size_t *out);

/* Options search and batch share, each defined once here. */
enum {
    CLI_OPT_LIMIT = 'n',
    CLI_OPT_OFFSET = 256,
    CLI_OPT_SINCE,
    CLI_OPT_UNTIL,
    CLI_OPT_SORT,
    CLI_OPT_FUZZY,
    CLI_OPT_MATCH
};
#define CLI_SEARCH_OPTIONS                                                     \
    {"limit", required_argument, NULL, CLI_OPT_LIMIT},                         \
    {"offset", required_argument, NULL, CLI_OPT_OFFSET},                       \
    {"since", required_argument, NULL, CLI_OPT_SINCE},                         \
    {"until", required_argument, NULL, CLI_OPT_UNTIL},                         \
    {"sort", required_argument, NULL, CLI_OPT_SORT},                           \
    {"fuzzy", no_argument, NULL, CLI_OPT_FUZZY},                               \
    {"match", required_argument, NULL, CLI_OPT_MATCH}
#define CLI_SEARCH_OPTIONS_HELP                                                         \
    "  -n, --limit N        at most N hits (default 10; more than there are: all)\n"    \
    "  --offset N           skip the first N hits (the next page: --offset 10)\n"       \
    "  --since DATE         only articles dated DATE or later (YYYY, YYYY-MM or\n"      \
    "                       YYYY-MM-DD); articles without a date are left out\n"        \
    "  --until DATE         only articles dated DATE or earlier (2015-03: to its end)\n" \
    "  --sort ORDER         relevance (default) or date (newest first)\n"               \
    "  --fuzzy              when the query finds few hits, search the closest\n"        \
    "                       indexed words instead (구로고 -> 구로구)\n"              \
    "  --match MODE         any (default): passages holding any word, those holding\n"  \
    "                       every word first; all: only passages holding every word\n"
/* Takes one of CLI_SEARCH_OPTIONS into `out`. Returns -1 when `option` is
 * none of them, 0 when taken, or the usage error's exit status. The dates
 * are checked by the search itself, which names a bad one. */
int cli_search_option(const char *command, int option, const char *value,
                      ks_search_options *out);

/* Whether to colour output: --color=auto|always|never, NO_COLOR, a terminal. */
typedef enum cli_color { CLI_COLOR_AUTO, CLI_COLOR_ALWAYS, CLI_COLOR_NEVER } cli_color;
bool cli_parse_color(const char *text, cli_color *out);
bool cli_use_color(cli_color choice, FILE *stream);

/* Query words such as "-깔끔이봉사단" look like options to getopt. Hide
 * them from it (pointing past their '-') before parsing options, and show
 * them again after. */
struct option;
/* After the first query word every -word is query syntax (청소 -LED), not
 * an option; `short_options` and `long_options` are getopt's, to tell an
 * option's value (--db PATH) from the first query word. */
void cli_hide_excluded_words(int argc, char **argv, const char *short_options,
                             const struct option *long_options);
void cli_show_excluded_words(int argc, char **argv);

/* Joins argv[0..argc) with single spaces; malloc'd. */
char *cli_join_words(int argc, char **argv);

/* Subcommands: each takes its own argv (argv[0] is the subcommand name). */
int cmd_index(int argc, char **argv);
int cmd_search(int argc, char **argv);
int cmd_analyze(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_batch(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_synonyms(int argc, char **argv);
int cmd_suggest(int argc, char **argv);
int cmd_http(int argc, char **argv);
int cmd_remove(int argc, char **argv);
int cmd_show(int argc, char **argv);

#endif /* KOSEARCH_CLI_H */
