/* Helpers every subcommand shares: messages, the database path, options. */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
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

static char *concat(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    char *out = malloc(la + lb + 1);
    if (!out)
        return NULL;
    memcpy(out, a, la);
    memcpy(out + la, b, lb + 1);
    return out;
}

char *cli_database_path(const char *option)
{
    if (option && *option)
        return strdup(option);
    const char *env = getenv("KOSEARCH_DB");
    if (env && *env)
        return strdup(env);
    const char *data_home = getenv("XDG_DATA_HOME");
    if (data_home && *data_home)
        return concat(data_home, "/kosearch/default.db");
    const char *home = getenv("HOME");
    return concat(home && *home ? home : ".", "/.local/share/kosearch/default.db");
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

ks_db *cli_open_database(const char *path, unsigned flags)
{
    ks_db *db = NULL;
    ks_status st = ks_db_open(&db, path, flags);
    if (st == KS_OK)
        return db;
    const char *message = db ? ks_db_error(db) : "";
    cli_error("%s", *message ? message : ks_status_string(st));
    ks_db_close(db);
    return NULL;
}

bool cli_parse_size(const char *text, size_t *out)
{
    if (!text || !*text || *text == '-')
        return false;
    char *end;
    errno = 0;
    unsigned long long value = strtoull(text, &end, 10);
    if (errno || *end)
        return false;
    *out = (size_t)value;
    return true;
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
