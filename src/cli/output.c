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

/* Indexed text may hold terminal escapes (ESC, the C1 CSI, ...): written
 * raw they would recolour, retitle or rewrite the reader's terminal. Control
 * characters (C0, DEL, C1) become U+FFFD; tabs and line breaks become
 * `blank`, so a TSV or TREC row stays one row, or stay as they are when
 * `blank` is KEEP_LINES (a whole passage for a reader). JSON escapes them
 * itself. */
#define KEEP_LINES '\0'
#define REPLACEMENT_CHARACTER "\xEF\xBF\xBD"

static void write_printable(FILE *out, const char *text, size_t len, char blank)
{
    const unsigned char *bytes = (const unsigned char *)text;
    size_t clean_from = 0;
    for (size_t i = 0; i < len; i++) {
        if (blank == KEEP_LINES && (bytes[i] == '\t' || bytes[i] == '\n'))
            continue;
        bool c1 = bytes[i] == 0xC2 && i + 1 < len && bytes[i + 1] >= 0x80 && bytes[i + 1] <= 0x9F;
        bool whitespace = bytes[i] == '\t' || bytes[i] == '\n' || bytes[i] == '\r';
        if (!c1 && !whitespace && bytes[i] >= 0x20 && bytes[i] != 0x7F &&
            !(blank != ' ' && bytes[i] == ' '))
            continue;
        fwrite(text + clean_from, 1, i - clean_from, out);
        if (whitespace || bytes[i] == ' ')
            fputc(blank, out);
        else
            fputs(REPLACEMENT_CHARACTER, out);
        i += c1;
        clean_from = i + 1;
    }
    fwrite(text + clean_from, 1, len - clean_from, out);
}

static void write_printable_str(FILE *out, const char *text, char blank)
{
    write_printable(out, text, strlen(text), blank);
}

/* Writes text, wrapping highlighted byte ranges in colour when asked. */
static void write_highlighted(FILE *out, const char *text, size_t len, const ks_span *spans,
                              size_t count, bool color)
{
    size_t at = 0;
    for (size_t i = 0; i < count && color; i++) {
        if (spans[i].start < at || spans[i].end > len)
            continue;
        write_printable(out, text + at, spans[i].start - at, ' ');
        fputs(COLOR_MATCH, out);
        write_printable(out, text + spans[i].start, spans[i].end - spans[i].start, ' ');
        fputs(COLOR_RESET, out);
        at = spans[i].end;
    }
    write_printable(out, text + at, len - at, ' ');
}

static void write_text(FILE *out, const output_style *style, const ks_hit *hit)
{
    const char *on = style->color ? COLOR_TITLE : "", *off = style->color ? COLOR_RESET : "";
    fprintf(out, "%zu. %.3f  %s", hit->rank, hit->score, on);
    write_printable_str(out, hit->title, ' ');
    fputs(off, out);
    if (*hit->section) {
        fputs(" › ", out);
        write_printable_str(out, hit->section, ' ');
    }
    fprintf(out, "  %s", style->color ? COLOR_ID : "");
    write_printable_str(out, hit->id, ' ');
    fprintf(out, "#%u%s\n   ", hit->passage, off);
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

json_t *output_hit_json(const ks_hit *hit, const char *query_id)
{
    json_t *line = json_object();
    if (query_id)
        json_object_set_new(line, "qid", json_string(query_id));
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
    return line;
}

static void write_json(FILE *out, const output_style *style, const ks_hit *hit)
{
    json_t *line = output_hit_json(hit, style->query_id);
    json_dumpf(line, out, JSON_COMPACT);
    fputc('\n', out);
    json_decref(line);
}

static void write_tsv(FILE *out, const output_style *style, const ks_hit *hit)
{
    if (style->query_id) {
        write_printable_str(out, style->query_id, ' ');
        fputc('\t', out);
    }
    fprintf(out, "%zu\t%.4f\t", hit->rank, hit->score);
    write_printable_str(out, hit->id, ' ');
    fprintf(out, "#%u\t", hit->passage);
    write_printable_str(out, hit->title, ' ');
    fputc('\t', out);
    write_printable_str(out, hit->section, ' ');
    fputc('\t', out);
    write_printable(out, hit->snippet, hit->snippet_len, ' ');
    fputc('\n', out);
}

/* TREC fields are separated by spaces: spaces in qids and ids become '_'. */
static void write_trec(FILE *out, const output_style *style, const ks_hit *hit)
{
    write_printable_str(out, style->query_id ? style->query_id : "1", '_');
    fputs(" Q0 ", out);
    write_printable_str(out, hit->id, '_');
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

void output_passage_text(FILE *out, const ks_passage_info *passage)
{
    if (passage->passage == 1) { /* the article's own lines, once */
        write_printable_str(out, *passage->title ? passage->title : passage->id, ' ');
        fputc('\n', out);
        if (*passage->date || *passage->url) {
            write_printable_str(out, passage->date, ' ');
            fputs(*passage->date && *passage->url ? "  " : "", out);
            write_printable_str(out, passage->url, ' ');
            fputc('\n', out);
        }
    }
    fprintf(out, "\n[%u]%s", passage->passage, *passage->section ? " " : "");
    write_printable_str(out, passage->section, ' ');
    fputc('\n', out);
    write_printable_str(out, passage->text, KEEP_LINES);
    fputc('\n', out);
}
