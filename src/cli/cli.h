/* The kosearch command: shared helpers for the subcommands, which sit on
 * top of the public API (kosearch.h) only. */
#ifndef KOSEARCH_CLI_H
#define KOSEARCH_CLI_H

#include "kosearch.h"

#include <getopt.h>
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

/* ------------------------------------------------------------------------ */
/* The options of every command, in one table (options.c).                  */

/* The commands, as bits of cli_option.commands. */
enum {
    CLI_INDEX = 1 << 0,
    CLI_SEARCH = 1 << 1,
    CLI_BATCH = 1 << 2,
    CLI_SHOW = 1 << 3,
    CLI_REMOVE = 1 << 4,
    CLI_ANALYZE = 1 << 5,
    CLI_STATS = 1 << 6,
    CLI_EXPORT = 1 << 7,
    CLI_SYNONYMS = 1 << 8,
    CLI_SUGGEST = 1 << 9,
    CLI_SERVE = 1 << 10,
    CLI_HTTP = 1 << 11,
    CLI_ALL_COMMANDS = (1 << 12) - 1
};

/* What getopt_long returns for each option: its short name, if it has one. */
enum {
    CLI_OPT_COUNT = 'c',
    CLI_OPT_HELP = 'h',
    CLI_OPT_JOBS = 'j',
    CLI_OPT_LIMIT = 'n',
    CLI_OPT_QUIET = 'q',
    CLI_OPT_DB = 256,
    CLI_OPT_FORMAT,
    CLI_OPT_OFFSET,
    CLI_OPT_SINCE,
    CLI_OPT_UNTIL,
    CLI_OPT_SORT,
    CLI_OPT_FUZZY,
    CLI_OPT_MATCH,
    CLI_OPT_COLOR,
    CLI_OPT_EXPLAIN,
    CLI_OPT_ALLOW_PARTIAL,
    CLI_OPT_REBUILD,
    CLI_OPT_PRUNE,
    CLI_OPT_FOLLOW,
    CLI_OPT_WAIT,
    CLI_OPT_SHARDS,
    CLI_OPT_HOST,
    CLI_OPT_PORT,
    CLI_OPT_CORS,
    CLI_OPT_THREADS
};

typedef struct cli_option {
    const char *name;     /* the long name, without its -- */
    char short_name;      /* 0: none */
    const char *argument; /* the value's name in --help (PATH, N); NULL: takes none */
    int key;              /* what getopt_long returns for it */
    unsigned commands;    /* the commands (CLI_INDEX | ...) that take it */
    const char *help;     /* lines of its --help text; NULL: a spelling left out of it */
} cli_option;

/* getopt_long's view of one command's options. */
#define CLI_MAX_OPTIONS 24
typedef struct cli_getopt {
    struct option long_options[CLI_MAX_OPTIONS + 1];
    char short_options[2 * CLI_MAX_OPTIONS + 1];
} cli_getopt;
void cli_options_of(const char *command, cli_getopt *out);

/* A command's --help: `before`, an Options section from the table, `after`
 * (may be NULL). */
typedef struct cli_help {
    const char *command;
    const char *before;
    const char *after;
} cli_help;
void cli_print_help(const cli_help *help);

/* The table for bash completion, one line per command and spelling:
 * COMMAND<TAB>-n<TAB>N (the last field empty for an option without a value).
 * `kosearch --list-options` prints it; the build and the tests read it. */
void cli_list_options(FILE *out);

/* Parses the options of a command whose only options are --db and --help.
 * Returns -1 when the command should go on (positional arguments start at
 * optind), else the exit status to return. */
int cli_parse_db_options(int argc, char **argv, const cli_help *help, const char **out_db_option);

/* The same for commands whose only other option is --format text|json;
 * *out_json tells which. */
int cli_parse_db_format_options(int argc, char **argv, const cli_help *help,
                                const char **out_db_option, bool *out_json);

/* Parses a whole non-negative number, digits only; false on junk, a sign,
 * or a number too large for size_t. */
bool cli_parse_size(const char *text, size_t *out);

/* Takes one of the options search and batch share (--limit ... --match)
 * into `out`. Returns -1 when `option` is none of them, 0 when taken, or the
 * usage error's exit status. The dates are checked by the search itself,
 * which names a bad one. */
int cli_search_option(const char *command, int option, const char *value,
                      ks_search_options *out);

/* Whether to colour output: --color=auto|always|never, NO_COLOR, a terminal. */
typedef enum cli_color { CLI_COLOR_AUTO, CLI_COLOR_ALWAYS, CLI_COLOR_NEVER } cli_color;
bool cli_parse_color(const char *text, cli_color *out);
bool cli_use_color(cli_color choice, FILE *stream);

/* Query words such as "-깔끔이봉사단" look like options to getopt. Hide
 * them from it (pointing past their '-') before parsing options, and show
 * them again after. */
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
