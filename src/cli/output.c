/* Writing hits: text with highlighted snippets, JSON Lines (schema in
 * README.md), TSV, and TREC run files (qid Q0 docid rank score tag). */
#include "output.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define COLOR_MATCH "\033[1;31m"
#define COLOR_ID "\033[35m"
#define COLOR_TITLE "\033[1m"
#define COLOR_RESET "\033[0m"

bool output_parse_format(const char *text, output_format *out)
{
    static const struct {
        const char *name;
        output_format format;
    } names[] = {{"text", OUTPUT_TEXT}, {"json", OUTPUT_JSON}, {"jsonl", OUTPUT_JSON},
                 {"tsv", OUTPUT_TSV},   {"trec", OUTPUT_TREC}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(text, names[i].name) == 0) {
            *out = names[i].format;
            return true;
        }
    return false;
}

/* Writes text, wrapping highlighted byte ranges in colour when asked. */
static void write_highlighted(FILE *out, const char *text, size_t len, const ks_span *spans,
                              size_t count, bool color)
{
    size_t at = 0;
    for (size_t i = 0; i < count && color; i++) {
        if (spans[i].start < at || spans[i].end > len)
            continue;
        fwrite(text + at, 1, spans[i].start - at, out);
        fputs(COLOR_MATCH, out);
        fwrite(text + spans[i].start, 1, spans[i].end - spans[i].start, out);
        fputs(COLOR_RESET, out);
        at = spans[i].end;
    }
    fwrite(text + at, 1, len - at, out);
}

static void write_text(FILE *out, const output_style *style, const ks_hit *hit)
{
    const char *on = style->color ? COLOR_TITLE : "", *off = style->color ? COLOR_RESET : "";
    fprintf(out, "%zu. %.3f  %s%s%s", hit->rank, hit->score, on, hit->title, off);
    if (*hit->section)
        fprintf(out, " › %s", hit->section);
    fprintf(out, "  %s%s#%u%s\n   ", style->color ? COLOR_ID : "", hit->id, hit->passage, off);
    write_highlighted(out, hit->snippet, hit->snippet_len, hit->snippet_highlights,
                      hit->snippet_highlight_count, style->color);
    fputs("\n\n", out);
}

static json_t *span_array(const ks_span *spans, size_t count)
{
    json_t *array = json_array();
    for (size_t i = 0; i < count; i++)
        json_array_append_new(array, json_pack("[I,I]", (json_int_t)spans[i].start,
                                               (json_int_t)spans[i].end));
    return array;
}

static void write_json(FILE *out, const output_style *style, const ks_hit *hit)
{
    json_t *line = json_object();
    if (style->query_id)
        json_object_set_new(line, "qid", json_string(style->query_id));
    json_object_set_new(line, "rank", json_integer((json_int_t)hit->rank));
    json_object_set_new(line, "score", json_real(hit->score));
    json_object_set_new(line, "id", json_string(hit->id));
    json_object_set_new(line, "passage", json_integer(hit->passage));
    json_object_set_new(line, "title", json_string(hit->title));
    json_object_set_new(line, "section", json_string(hit->section));
    json_object_set_new(line, "date", json_string(hit->date));
    json_object_set_new(line, "url", json_string(hit->url));
    json_object_set_new(line, "text", json_stringn(hit->text, hit->text_len));
    json_object_set_new(line, "highlights", span_array(hit->highlights, hit->highlight_count));
    json_object_set_new(line, "snippet", json_stringn(hit->snippet, hit->snippet_len));
    json_object_set_new(line, "snippet_highlights",
                        span_array(hit->snippet_highlights, hit->snippet_highlight_count));
    json_dumpf(line, out, JSON_COMPACT);
    fputc('\n', out);
    json_decref(line);
}

/* Tabs and newlines would break a TSV row; the snippet is already one line. */
static void write_tsv_field(FILE *out, const char *text)
{
    for (; *text; text++)
        fputc(*text == '\t' || *text == '\n' ? ' ' : *text, out);
}

static void write_tsv(FILE *out, const output_style *style, const ks_hit *hit)
{
    if (style->query_id)
        fprintf(out, "%s\t", style->query_id);
    fprintf(out, "%zu\t%.4f\t%s#%u\t", hit->rank, hit->score, hit->id, hit->passage);
    write_tsv_field(out, hit->title);
    fputc('\t', out);
    write_tsv_field(out, hit->section);
    fputc('\t', out);
    write_tsv_field(out, hit->snippet);
    fputc('\n', out);
}

/* TREC ids may not contain spaces; ids with spaces are written with '_'. */
static void write_trec(FILE *out, const output_style *style, const ks_hit *hit)
{
    fprintf(out, "%s Q0 ", style->query_id ? style->query_id : "1");
    for (const char *c = hit->id; *c; c++)
        fputc(*c == ' ' || *c == '\t' ? '_' : *c, out);
    fprintf(out, "#%u %zu %.6f kosearch\n", hit->passage, hit->rank, hit->score);
}

void output_hit(FILE *out, const output_style *style, const ks_hit *hit)
{
    switch (style->format) {
    case OUTPUT_TEXT: write_text(out, style, hit); break;
    case OUTPUT_JSON: write_json(out, style, hit); break;
    case OUTPUT_TSV: write_tsv(out, style, hit); break;
    case OUTPUT_TREC: write_trec(out, style, hit); break;
    }
}

bool output_passage_json(FILE *out, const ks_passage_info *p)
{
    json_t *line = json_pack("{s:s, s:I, s:s, s:s, s:s, s:s, s:s}", "id", p->id, "passage",
                             (json_int_t)p->passage, "title", p->title, "section", p->section,
                             "date", p->date, "url", p->url, "text", p->text);
    if (!line)
        return false;
    json_dumpf(line, out, JSON_COMPACT);
    fputc('\n', out);
    json_decref(line);
    return true;
}
