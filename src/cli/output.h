/* How hits are written: text for people; JSON Lines, TSV and TREC run files
 * for scripts. Shared by search and batch. */
#ifndef KOSEARCH_CLI_OUTPUT_H
#define KOSEARCH_CLI_OUTPUT_H

#include "kosearch.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

typedef enum output_format {
    OUTPUT_TEXT,
    OUTPUT_JSON, /* JSON Lines; "jsonl" is accepted as a synonym */
    OUTPUT_TSV,
    OUTPUT_TREC
} output_format;

typedef struct output_style {
    output_format format;
    bool color;
    const char *query_id; /* batch: the query's id, written with each hit */
} output_style;

bool output_parse_format(const char *text, output_format *out);
void output_hit(FILE *out, const output_style *style, const ks_hit *hit);
/* A hit as the JSON object `search --format json` writes (with "qid" when
 * query_id is not NULL); the caller owns the reference. */
json_t *output_hit_json(const ks_hit *hit, const char *query_id);
/* A stored passage as one JSON line: id, passage, title, section, date,
 * url, text (export and show). False when it could not be written. */
bool output_passage_json(FILE *out, const ks_passage_info *passage);
/* A stored passage for a reader (show): the article's title, date and url
 * before its first passage, then [N] section and the text, control
 * characters replaced as in every text output. */
void output_passage_text(FILE *out, const ks_passage_info *passage);

#endif /* KOSEARCH_CLI_OUTPUT_H */
