/* How hits are written: text for people; JSON Lines, TSV and TREC run files
 * for scripts. Shared by search and batch. */
#ifndef KOSEARCH_CLI_OUTPUT_H
#define KOSEARCH_CLI_OUTPUT_H

#include "kosearch.h"

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
/* A stored passage as one JSON line: id, passage, title, section, date,
 * url, text (export and show). False when it could not be written. */
bool output_passage_json(FILE *out, const ks_passage_info *passage);

#endif /* KOSEARCH_CLI_OUTPUT_H */
