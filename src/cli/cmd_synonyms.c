/* kosearch synonyms: loads synonym groups into the database, replacing the
 * previous set; searches use them at once, without reindexing. */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const cli_help help = {
    .command = "synonyms",
    .before =
        "Usage: kosearch synonyms [--db PATH] FILE\n"
        "\n"
        "Load synonym groups from FILE (- for stdin): one group per line, two or\n"
        "more words separated by spaces (행정자치부 행자부 행안부); empty lines and\n"
        "lines starting with # are ignored. A search for one word of a group also\n"
        "finds the others, ranked a little below the word searched. The groups\n"
        "replace those loaded before; an empty file removes them all.\n",
    .after =
        "\n"
        "Exit status: 0 every line loaded, 1 some lines skipped (each named on\n"
        "stderr), 2 error.\n",
};

typedef struct group_list {
    char **lines;
    size_t count, cap;
} group_list;

static void group_list_free(group_list *groups)
{
    for (size_t i = 0; i < groups->count; i++)
        free(groups->lines[i]);
    free(groups->lines);
}

/* The longest word the index keeps as a term (KS_MAX_TERM_BYTES): the
 * library refuses a longer synonym, and with it the whole load. */
#define MAX_SYNONYM_BYTES 240

/* Why a line is not a synonym group, or NULL when it is one. */
static const char *group_problem(const char *line)
{
    size_t words = 0;
    for (const char *p = line; *p;) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p)
            break;
        if (*p == '-' || *p == '"')
            return "a synonym cannot start with - or \"";
        words++;
        const char *start = p;
        while (*p && *p != ' ' && *p != '\t') {
            if (*p == '"' || *p == '*')
                return "a synonym cannot hold \" or *";
            p++;
        }
        if ((size_t)(p - start) > MAX_SYNONYM_BYTES)
            return "a synonym is longer than 240 bytes";
    }
    return words < 2 ? "a synonym group needs two words or more" : NULL;
}

static bool add_group(group_list *groups, const char *line)
{
    if (groups->count == groups->cap) {
        size_t cap = groups->cap ? groups->cap * 2 : 16;
        char **grown = realloc(groups->lines, cap * sizeof *grown);
        if (!grown)
            return false;
        groups->lines = grown;
        groups->cap = cap;
    }
    return (groups->lines[groups->count++] = strdup(line)) != NULL;
}

/* Reads the groups; returns the number of lines skipped, or -1 on error. */
static long read_groups(const char *name, group_list *groups)
{
    FILE *file = strcmp(name, "-") == 0 ? stdin : fopen(name, "r");
    if (!file) {
        cli_error("cannot read %s: %s", name, strerror(errno));
        return -1;
    }
    char *line = NULL;
    size_t cap = 0;
    long number = 0, skipped = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, file)) >= 0) {
        number++;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        const char *start = line + strspn(line, " \t");
        if (!*start || *start == '#')
            continue;
        const char *problem = group_problem(start);
        if (problem) {
            cli_error("%s:%ld: %s", name, number, problem);
            skipped++;
        } else if (!add_group(groups, start)) {
            cli_error("out of memory");
            skipped = -1;
            break;
        }
    }
    free(line);
    if (file != stdin)
        fclose(file);
    return skipped;
}

int cmd_synonyms(int argc, char **argv)
{
    const char *db_option;
    int done = cli_parse_db_options(argc, argv, &help, &db_option);
    if (done >= 0)
        return done;
    if (optind >= argc)
        return cli_usage_error("synonyms", "no FILE given");
    if (optind + 1 < argc)
        return cli_usage_error("synonyms", "unexpected argument '%s'", argv[optind + 1]);
    group_list groups = {0};
    long skipped = read_groups(argv[optind], &groups);
    if (skipped < 0) {
        group_list_free(&groups);
        return EXIT_TROUBLE;
    }
    /* Only 'kosearch index' creates a database: a mistyped --db is an error. */
    ks_db *db = cli_open_named_database(db_option, KS_OPEN_WRITE | KS_OPEN_EXISTING);
    int status = EXIT_TROUBLE;
    if (db) {
        if (ks_db_set_synonyms(db, (const char *const *)groups.lines, groups.count) != KS_OK ||
            ks_db_commit(db) != KS_OK) {
            cli_error("%s", ks_db_error(db));
        } else {
            printf("%zu synonym group%s loaded\n", groups.count, groups.count == 1 ? "" : "s");
            status = skipped ? 1 : 0;
        }
        if (ks_db_close(db) != KS_OK)
            status = EXIT_TROUBLE;
    }
    group_list_free(&groups);
    return status;
}
