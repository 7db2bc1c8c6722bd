/* kosearch analyze: the terms the analyzer makes of a text, with positions
 * and byte spans, exactly as documents and queries are analyzed. */
#include "cli.h"
#include "output.h"

#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static const cli_help help = {
    .command = "analyze",
    .before =
        "Usage: kosearch analyze [OPTIONS] TEXT...\n"
        "       kosearch analyze [OPTIONS] -\n"
        "\n"
        "Show how kosearch analyzes TEXT (or, with -, all of stdin): one term per line\n"
        "with its kind (surface, stem, compound, bigram), position, byte span and text.\n",
};

static void print_term(const ks_term *term, output_format format)
{
    if (format == OUTPUT_JSON) {
        json_t *line = json_pack("{s:s, s:s, s:I, s:I, s:I, s:I}", "text", term->text, "kind",
                                 ks_term_kind_name(term->kind), "word", (json_int_t)term->word,
                                 "position", (json_int_t)term->position, "start",
                                 (json_int_t)term->start, "end", (json_int_t)term->end);
        json_dumpf(line, stdout, JSON_COMPACT);
        fputc('\n', stdout);
        json_decref(line);
    } else {
        printf("%u\t%u\t%s\t%zu-%zu\t%s\n", term->word, term->position,
               ks_term_kind_name(term->kind), term->start, term->end, term->text);
    }
}

/* All of stdin; NULL when it cannot be read. */
static char *read_stdin(size_t *out_len)
{
    char *text = NULL;
    size_t cap = 0;
    FILE *all = open_memstream(&text, &cap);
    char chunk[65536];
    size_t got;
    while (all && (got = fread(chunk, 1, sizeof chunk, stdin)) > 0)
        fwrite(chunk, 1, got, all);
    bool failed = !all || ferror(stdin);
    if (all && fclose(all) != 0)
        failed = true;
    if (failed) {
        free(text);
        return NULL;
    }
    *out_len = cap;
    return text;
}

int cmd_analyze(int argc, char **argv)
{
    output_format format = OUTPUT_TEXT;
    cli_getopt options;
    cli_options_of("analyze", &options);
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, options.short_options, options.long_options, NULL)) != -1) {
        switch (c) {
        case CLI_OPT_FORMAT:
            if (!output_parse_format(optarg, &format) || format == OUTPUT_TSV || format == OUTPUT_TREC)
                return cli_usage_error("analyze", "--format must be text or json, not '%s'", optarg);
            break;
        case CLI_OPT_HELP: cli_print_help(&help); return 0;
        default: return cli_bad_option("analyze", argv);
        }
    }
    if (optind >= argc)
        return cli_usage_error("analyze", "no TEXT given");
    bool from_stdin = argc - optind == 1 && strcmp(argv[optind], "-") == 0;
    size_t len = 0;
    char *text = from_stdin ? read_stdin(&len) : cli_join_words(argc - optind, argv + optind);
    if (from_stdin && !text) {
        cli_error("cannot read stdin: %m");
        return EXIT_TROUBLE;
    }
    if (text && !from_stdin)
        len = strlen(text);
    ks_analysis *analysis = NULL;
    ks_status st = text ? ks_analyze(&analysis, text, len) : KS_ERR_NOMEM;
    if (st != KS_OK) {
        cli_error("cannot analyze: %s", ks_status_string(st));
        free(text);
        return EXIT_TROUBLE;
    }
    if (format == OUTPUT_TEXT)
        printf("word\tpos\tkind\tbytes\tterm\n");
    for (size_t i = 0; i < ks_analysis_count(analysis); i++)
        print_term(ks_analysis_term(analysis, i), format);
    ks_analysis_free(analysis);
    free(text);
    return fflush(stdout) == 0 ? 0 : EXIT_TROUBLE;
}
