/* Every option of every command, in one table: getopt's option lists, the
 * Options section of each command's --help, bash completion (through
 * `kosearch --list-options`, read at build time) and the man page's
 * consistency test all come from here. */
#include "cli.h"

#include <getopt.h>
#include <string.h>

#define DB_HELP "the database (default: $KOSEARCH_DB, else\n$XDG_DATA_HOME/kosearch/default.db)"
#define PARTIAL_HELP                                                                   \
    "with shards: search the shards that answer, warning about\nthe others, instead " \
    "of failing"

/* Commands that read a database through --db like the rest. */
#define DB_COMMANDS                                                                 \
    (CLI_INDEX | CLI_SEARCH | CLI_BATCH | CLI_SHOW | CLI_REMOVE | CLI_STATS | CLI_EXPORT | \
     CLI_SYNONYMS | CLI_SUGGEST | CLI_HTTP)

/* In --help order: each command lists its rows in the order they come here.
 * A name may have several rows when commands give it different help. */
static const cli_option options[] = {
    {"db", 0, "PATH", CLI_OPT_DB, DB_COMMANDS, DB_HELP},
    {"db", 0, "PATH", CLI_OPT_DB, CLI_SERVE,
     "the database or shard (default: $KOSEARCH_DB, else\n$XDG_DATA_HOME/kosearch/default.db)"},

    /* kosearch index */
    {"prune", 0, NULL, CLI_OPT_PRUNE, CLI_INDEX,
     "remove articles whose files (or JSONL ids) are gone from PATHs"},
    {"follow", 0, NULL, CLI_OPT_FOLLOW, CLI_INDEX,
     "follow symbolic links that lead out of a folder PATH (by\ndefault they are left alone)"},
    {"rebuild", 0, NULL, CLI_OPT_REBUILD, CLI_INDEX,
     "build the database afresh; searches see the old one until\nthe new one is complete (an "
     "interrupted rebuild keeps the old)"},
    {"shards", 0, "N", CLI_OPT_SHARDS, CLI_INDEX,
     "spread articles over N databases PATH/shard-0 ... (by a hash\nof the id), opened as one "
     "index; fixed when PATH is created"},
    {"jobs", 'j', "N", CLI_OPT_JOBS, CLI_INDEX,
     "threads that write a new or rebuilt database (default: one\nper core); each writes a "
     "part, merged into one at the end"},
    {"wait", 0, NULL, CLI_OPT_WAIT, CLI_INDEX,
     "wait for another indexer to finish instead of failing"},
    {"quiet", 'q', NULL, CLI_OPT_QUIET, CLI_INDEX, "print nothing but errors"},

    /* kosearch search and batch (cli_search_option) */
    {"limit", 'n', "N", CLI_OPT_LIMIT, CLI_SEARCH | CLI_BATCH,
     "at most N hits (default 10; more than there are: all)"},
    {"offset", 0, "N", CLI_OPT_OFFSET, CLI_SEARCH | CLI_BATCH,
     "skip the first N hits (the next page: --offset 10)"},
    {"since", 0, "DATE", CLI_OPT_SINCE, CLI_SEARCH | CLI_BATCH,
     "only articles dated DATE or later (YYYY, YYYY-MM or\nYYYY-MM-DD); articles without a "
     "date are left out"},
    {"until", 0, "DATE", CLI_OPT_UNTIL, CLI_SEARCH | CLI_BATCH,
     "only articles dated DATE or earlier (2015-03: to its end)"},
    {"sort", 0, "ORDER", CLI_OPT_SORT, CLI_SEARCH | CLI_BATCH,
     "relevance (default) or date (newest first)"},
    {"fuzzy", 0, NULL, CLI_OPT_FUZZY, CLI_SEARCH | CLI_BATCH,
     "when the query finds few hits, search the closest\nindexed words instead "
     "(구로고 -> 구로구)"},
    {"match", 0, "MODE", CLI_OPT_MATCH, CLI_SEARCH | CLI_BATCH,
     "any (default): passages holding any word, those holding\nevery word first; all: only "
     "passages holding every word"},

    /* kosearch search */
    {"count", 'c', NULL, CLI_OPT_COUNT, CLI_SEARCH, "print only the number of matching passages"},
    {"format", 0, "FORMAT", CLI_OPT_FORMAT, CLI_SEARCH,
     "text (default) or json (JSON Lines, one hit per line;\nwith --count, {\"total\": N})"},
    {"color", 0, "WHEN", CLI_OPT_COLOR, CLI_SEARCH,
     "auto (default), always or never; NO_COLOR disables auto"},
    {"colour", 0, "WHEN", CLI_OPT_COLOR, CLI_SEARCH, NULL},
    {"explain", 0, NULL, CLI_OPT_EXPLAIN, CLI_SEARCH, "print how the query was read, then search"},

    /* kosearch batch */
    {"format", 0, "FORMAT", CLI_OPT_FORMAT, CLI_BATCH,
     "tsv (default: qid rank score id#passage title section\nsnippet), jsonl (search's JSON "
     "with a \"qid\" field), or\ntrec (qid Q0 id#passage rank score kosearch)"},
    {"jobs", 'j', "N", CLI_OPT_JOBS, CLI_BATCH, "run queries on N threads (default: one per core)"},
    {"allow-partial", 0, NULL, CLI_OPT_ALLOW_PARTIAL, CLI_SEARCH | CLI_BATCH, PARTIAL_HELP},

    /* kosearch show, analyze, stats */
    {"format", 0, "FORMAT", CLI_OPT_FORMAT, CLI_SHOW,
     "text (default) or json (one passage per line, as export)"},
    {"format", 0, "FORMAT", CLI_OPT_FORMAT, CLI_ANALYZE,
     "text (default) or json (JSON Lines, one term per line)"},
    {"format", 0, "FORMAT", CLI_OPT_FORMAT, CLI_STATS, "text (default) or json (one object)"},

    /* kosearch suggest */
    {"limit", 'n', "N", CLI_OPT_LIMIT, CLI_SUGGEST, "at most N words (default 10)"},

    /* kosearch serve */
    {"port", 0, "PORT", CLI_OPT_PORT, CLI_SERVE, "the TCP port to listen on (required)"},
    {"host", 0, "ADDRESS", CLI_OPT_HOST, CLI_SERVE,
     "the address to listen on (default 127.0.0.1; 0.0.0.0 for all)"},

    /* kosearch http */
    {"host", 0, "ADDRESS", CLI_OPT_HOST, CLI_HTTP,
     "the address to listen on (default 127.0.0.1; 0.0.0.0 for\nevery network: anyone who "
     "reaches it can search)"},
    {"port", 0, "PORT", CLI_OPT_PORT, CLI_HTTP, "the TCP port (default 8080; 0 picks a free one)"},
    {"cors", 0, "ORIGIN", CLI_OPT_CORS, CLI_HTTP,
     "let pages from ORIGIN (https://news.example) call the API"},
    {"threads", 0, "N", CLI_OPT_THREADS, CLI_HTTP,
     "threads answering requests (default: one per core)"},
    {"quiet", 0, NULL, CLI_OPT_QUIET, CLI_HTTP, "no access log line per request on stderr"},

    {"help", 'h', NULL, CLI_OPT_HELP, CLI_ALL_COMMANDS, "show this help"},
};

/* The column each command's help texts start at, as its --help has it. */
static const struct {
    const char *name;
    unsigned bit;
    int help_column;
} commands[] = {
    {"index", CLI_INDEX, 17},     {"search", CLI_SEARCH, 23},   {"batch", CLI_BATCH, 23},
    {"show", CLI_SHOW, 20},       {"remove", CLI_REMOVE, 20},   {"analyze", CLI_ANALYZE, 20},
    {"stats", CLI_STATS, 20},     {"export", CLI_EXPORT, 20},   {"synonyms", CLI_SYNONYMS, 16},
    {"suggest", CLI_SUGGEST, 19}, {"serve", CLI_SERVE, 18},     {"http", CLI_HTTP, 20},
};

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

static size_t command_index(const char *command)
{
    for (size_t i = 0; i < COUNT_OF(commands); i++)
        if (strcmp(commands[i].name, command) == 0)
            return i;
    return COUNT_OF(commands); /* a command missing here is a bug caught by every test */
}

static unsigned command_bit(const char *command)
{
    size_t i = command_index(command);
    return i < COUNT_OF(commands) ? commands[i].bit : 0;
}

void cli_options_of(const char *command, cli_getopt *out)
{
    unsigned bit = command_bit(command);
    size_t longs = 0, shorts = 0;
    for (size_t i = 0; i < COUNT_OF(options); i++) {
        const cli_option *o = &options[i];
        if (!(o->commands & bit))
            continue;
        out->long_options[longs++] = (struct option){
            o->name, o->argument ? required_argument : no_argument, NULL, o->key};
        if (o->short_name) {
            out->short_options[shorts++] = o->short_name;
            if (o->argument)
                out->short_options[shorts++] = ':';
        }
    }
    out->long_options[longs] = (struct option){NULL, 0, NULL, 0};
    out->short_options[shorts] = '\0';
}

void cli_print_help(const cli_help *help)
{
    size_t command = command_index(help->command);
    unsigned bit = command < COUNT_OF(commands) ? commands[command].bit : 0;
    int column = command < COUNT_OF(commands) ? commands[command].help_column : 20;
    fputs(help->before, stdout);
    fputs("\nOptions:\n", stdout);
    for (size_t i = 0; i < COUNT_OF(options); i++) {
        const cli_option *o = &options[i];
        if (!(o->commands & bit) || !o->help)
            continue;
        int width = printf("  ");
        if (o->short_name)
            width += printf("-%c, ", o->short_name);
        width += printf("--%s", o->name);
        if (o->argument)
            width += printf(" %s", o->argument);
        /* Each line of the help text starts at the command's column. */
        for (const char *line = o->help; *line;) {
            size_t len = strcspn(line, "\n");
            printf("%*s%.*s\n", column > width ? column - width : 1, "", (int)len, line);
            width = 0;
            line += len + (line[len] == '\n');
        }
    }
    if (help->after)
        fputs(help->after, stdout);
}

/* One line per option and command: COMMAND, TAB, the spelling (-n and
 * --limit each get a line), TAB, the value's name or nothing. */
void cli_list_options(FILE *out)
{
    for (size_t c = 0; c < COUNT_OF(commands); c++)
        for (size_t i = 0; i < COUNT_OF(options); i++) {
            const cli_option *o = &options[i];
            if (!(o->commands & commands[c].bit))
                continue;
            const char *argument = o->argument ? o->argument : "";
            if (o->short_name)
                fprintf(out, "%s\t-%c\t%s\n", commands[c].name, o->short_name, argument);
            fprintf(out, "%s\t--%s\t%s\n", commands[c].name, o->name, argument);
        }
}
