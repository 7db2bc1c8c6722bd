/* Helpers every subcommand shares: messages, the database path, options. */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void cli_error(const char *format, ...)
{
    va_list args;
    fputs("kosearch: ", stderr);
    va_start(args, format);
    vfprintf(stderr, format, args);
    va_end(args);
    fputc('\n', stderr);
}

int cli_usage_error(const char *command, const char *format, ...)
{
    va_list args;
    fputs("kosearch: ", stderr);
    va_start(args, format);
    vfprintf(stderr, format, args);
    va_end(args);
    fprintf(stderr, "\nTry 'kosearch %s%s--help' for more information.\n",
            command ? command : "", command && *command ? " " : "");
    return EXIT_TROUBLE;
}

char *cli_database_path(const char *option)
{
    if (option && *option)
        return strdup(option);
    char *path = NULL;
    if (ks_default_db_path(&path) != KS_OK)
        return NULL;
    char *copy = strdup(path); /* the caller frees it with free() */
    ks_string_free(path);
    return copy;
}

bool cli_make_parent_folders(const char *path)
{
    char *copy = strdup(path);
    if (!copy)
        return false;
    bool ok = true;
    for (char *slash = strchr(copy + 1, '/'); slash && ok; slash = strchr(slash + 1, '/')) {
        *slash = '\0';
        if (mkdir(copy, 0777) != 0 && errno != EEXIST) {
            cli_error("cannot create folder %s: %s", copy, strerror(errno));
            ok = false;
        }
        *slash = '/';
    }
    free(copy);
    return ok;
}

void cli_print_warnings(const ks_db *db)
{
    const char *warnings = ks_db_warnings(db);
    while (*warnings) {
        size_t len = strcspn(warnings, "\n");
        fprintf(stderr, "kosearch: warning: %.*s\n", (int)len, warnings);
        warnings += len + (warnings[len] == '\n');
    }
}

ks_db *cli_open_named_database(const char *db_option, unsigned flags)
{
    char *path = cli_database_path(db_option);
    ks_db *db = path ? cli_open_database(path, flags) : NULL;
    free(path);
    return db;
}

ks_db *cli_open_database(const char *path, unsigned flags)
{
    return cli_open_sharded_database(path, flags, 0);
}

ks_db *cli_open_sharded_database(const char *path, unsigned flags, unsigned shards)
{
    ks_db *db = NULL;
    ks_status st = ks_db_open_shards(&db, path, flags, shards);
    if (st == KS_OK) {
        cli_print_warnings(db);
        return db;
    }
    const char *message = db ? ks_db_error(db) : "";
    if (!*message)
        message = ks_status_string(st);
    /* Xapian's own messages do not always say which database they mean. */
    const char *which = strstr(message, path) ? "" : path;
    cli_error("%s%s%s%s", which, *which ? ": " : "", message,
              st == KS_ERR_CORRUPT && !strstr(message, "kosearch index --rebuild")
                  ? "; rebuild it with 'kosearch index --rebuild PATH...'"
                  : "");
    ks_db_close(db);
    return NULL;
}

bool cli_parse_size(const char *text, size_t *out)
{
    if (!text || *text < '0' || *text > '9') /* strtoull would take " 1", "+1" and "-1" */
        return false;
    char *end;
    errno = 0;
    unsigned long long value = strtoull(text, &end, 10);
    if (errno || *end)
        return false;
    *out = (size_t)value;
    return true;
}

int cli_search_option(const char *command, int option, const char *value,
                      ks_search_options *out)
{
    switch (option) {
    case CLI_OPT_LIMIT:
        if (value && *value >= '1' && *value <= '9' && strspn(value, "0123456789") == strlen(value)) {
            /* Beyond what a size holds is still "all of them". */
            if (!cli_parse_size(value, &out->limit))
                out->limit = SIZE_MAX;
            return 0;
        }
        return cli_usage_error(command, "--limit needs a whole number above 0, not '%s'", value);
    case CLI_OPT_OFFSET:
        if (!cli_parse_size(value, &out->offset))
            return cli_usage_error(command, "--offset needs a whole number, not '%s'", value);
        return 0;
    case CLI_OPT_SINCE: out->since = value; return 0;
    case CLI_OPT_UNTIL: out->until = value; return 0;
    case CLI_OPT_SORT:
        if (strcmp(value, "relevance") == 0)
            out->sort = KS_SORT_RELEVANCE;
        else if (strcmp(value, "date") == 0)
            out->sort = KS_SORT_DATE;
        else
            return cli_usage_error(command, "--sort must be relevance or date, not '%s'", value);
        return 0;
    case CLI_OPT_FUZZY: out->flags |= KS_SEARCH_FUZZY; return 0;
    case CLI_OPT_MATCH:
        if (strcmp(value, "any") == 0)
            out->match = KS_MATCH_ANY;
        else if (strcmp(value, "all") == 0)
            out->match = KS_MATCH_ALL;
        else
            return cli_usage_error(command, "--match must be any or all, not '%s'", value);
        return 0;
    }
    return -1;
}

bool cli_parse_color(const char *text, cli_color *out)
{
    if (strcmp(text, "auto") == 0)
        *out = CLI_COLOR_AUTO;
    else if (strcmp(text, "always") == 0)
        *out = CLI_COLOR_ALWAYS;
    else if (strcmp(text, "never") == 0)
        *out = CLI_COLOR_NEVER;
    else
        return false;
    return true;
}

bool cli_use_color(cli_color choice, FILE *stream)
{
    if (choice != CLI_COLOR_AUTO)
        return choice == CLI_COLOR_ALWAYS;
    const char *no_color = getenv("NO_COLOR");
    if (no_color && *no_color)
        return false;
    const char *term = getenv("TERM");
    if (term && strcmp(term, "dumb") == 0)
        return false;
    return isatty(fileno(stream));
}

char *cli_join_words(int argc, char **argv)
{
    size_t total = 1;
    for (int i = 0; i < argc; i++)
        total += strlen(argv[i]) + 1;
    char *out = malloc(total);
    if (!out)
        return NULL;
    char *at = out;
    for (int i = 0; i < argc; i++) {
        size_t len = strlen(argv[i]);
        if (i)
            *at++ = ' ';
        memcpy(at, argv[i], len);
        at += len;
    }
    *at = '\0';
    return out;
}

/* Whether getopt would take a query word for a bundle of short options:
 * "-깔끔이봉사단" and -"a phrase" exclude words, and no option starts so. */
static bool is_excluded_word(const char *arg)
{
    return arg[0] == '-' && ((unsigned char)arg[1] >= 0x80 || arg[1] == '"');
}

/* The words hidden by cli_hide_excluded_words(), as getopt sees them. */
static char **hidden_words;

/* Whether the option argument `arg` takes the next argument as its value
 * (--db PATH, -n 5; not --db=PATH or -n5). */
static bool takes_next_value(const char *arg, const char *short_options,
                             const struct option *long_options)
{
    if (arg[1] == '-') {
        const char *name = arg + 2;
        size_t len = strcspn(name, "=");
        for (const struct option *o = long_options; o->name && !name[len]; o++)
            if (strlen(o->name) == len && strncmp(o->name, name, len) == 0)
                return o->has_arg == required_argument;
        return false;
    }
    for (const char *c = arg + 1; *c; c++) {
        const char *spec = strchr(short_options, *c);
        if (spec && spec[1] == ':')
            return c[1] == '\0';
    }
    return false;
}

void cli_hide_excluded_words(int argc, char **argv, const char *short_options,
                             const struct option *long_options)
{
    free(hidden_words);
    hidden_words = calloc((size_t)argc + 1, sizeof *hidden_words);
    size_t count = 0;
    bool query_started = false;
    for (int i = 1; i < argc && hidden_words && strcmp(argv[i], "--") != 0; i++) {
        const char *arg = argv[i];
        bool dash_word = arg[0] == '-' && arg[1] && arg[1] != '-';
        if (is_excluded_word(arg) || (query_started && dash_word)) {
            hidden_words[count++] = argv[i] = argv[i] + 1;
        } else if (arg[0] == '-' && arg[1]) {
            i += takes_next_value(arg, short_options, long_options);
        } else {
            query_started = true;
        }
    }
}

void cli_show_excluded_words(int argc, char **argv)
{
    for (int i = 1; i < argc && hidden_words; i++)
        for (size_t k = 0; hidden_words[k]; k++)
            if (argv[i] == hidden_words[k]) {
                argv[i]--;
                break;
            }
    free(hidden_words);
    hidden_words = NULL;
}

int cli_parse_db_options(int argc, char **argv, const cli_help *help, const char **out_db_option)
{
    return cli_parse_db_format_options(argc, argv, help, out_db_option, NULL);
}

int cli_parse_db_format_options(int argc, char **argv, const cli_help *help,
                                const char **out_db_option, bool *out_json)
{
    const char *command = help->command;
    cli_getopt options;
    cli_options_of(command, &options);
    *out_db_option = NULL;
    if (out_json)
        *out_json = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, options.short_options, options.long_options, NULL)) != -1) {
        switch (c) {
        case CLI_OPT_DB: *out_db_option = optarg; break;
        case CLI_OPT_FORMAT:
            if (strcmp(optarg, "text") != 0 && strcmp(optarg, "json") != 0 &&
                strcmp(optarg, "jsonl") != 0)
                return cli_usage_error(command, "--format must be text or json, not '%s'", optarg);
            *out_json = strcmp(optarg, "text") != 0;
            break;
        case CLI_OPT_HELP: cli_print_help(help); return 0;
        default: return cli_bad_option(command, argv);
        }
    }
    return -1;
}

int cli_bad_option(const char *command, char **argv)
{
    const char *option = optind > 0 ? argv[optind - 1] : "?";
    return cli_usage_error(command, "unknown option, or an option without its value: '%s'", option);
}
