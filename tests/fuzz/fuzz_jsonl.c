/* Fuzzes the JSONL reader through the same line handling as .jsonl files and
 * stdin. Every article handed over must have what the indexer relies on (a
 * non-empty id, a non-blank body, valid UTF-8, no id twice), and every
 * skipped line must be reported with its line number. */
#include "fuzz_check.h"

#include <jansson.h>
#include <stdint.h>

#define ORIGIN "fuzz.jsonl"

typedef struct tally {
    json_t *ids;
    long lines; /* lines in the input, the most a report may name */
} tally;

static ks_status on_article(void *context, const ks_source_article *source)
{
    tally *t = context;
    const ks_article *a = &source->article;
    FUZZ_CHECK(strcmp(source->origin, ORIGIN) == 0);
    FUZZ_CHECK(source->line >= 1 && source->line <= t->lines);
    FUZZ_CHECK(a->id && *a->id && fuzz_is_utf8(a->id, strlen(a->id)));
    FUZZ_CHECK(a->body && a->body_len == strlen(a->body));
    FUZZ_CHECK(fuzz_is_utf8(a->body, a->body_len));
    FUZZ_CHECK(strspn(a->body, " \t\n\r\v\f") < a->body_len);
    if (a->title)
        FUZZ_CHECK(fuzz_is_utf8(a->title, strlen(a->title)));
    FUZZ_CHECK(json_object_get(t->ids, a->id) == NULL);
    FUZZ_CHECK(json_object_set_new(t->ids, a->id, json_true()) == 0);
    return KS_OK;
}

static void on_problem(void *context, const char *origin, long line, long byte_offset,
                       const char *message)
{
    tally *t = context;
    FUZZ_CHECK(strcmp(origin, ORIGIN) == 0);
    FUZZ_CHECK(line >= 1 && line <= t->lines);
    FUZZ_CHECK(byte_offset >= -1);
    FUZZ_CHECK(message && *message && !strchr(message, '\n'));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    tally t = {json_object(), 0};
    FUZZ_CHECK(t.ids != NULL);
    for (size_t i = 0; i < size; i++)
        t.lines += data[i] == '\n';
    if (size && data[size - 1] != '\n')
        t.lines++;
    ks_reader_callbacks callbacks = {.on_article = on_article, .on_problem = on_problem, .context = &t};
    FUZZ_CHECK(ks_read_jsonl_buffer((const char *)data, size, ORIGIN, &callbacks) == KS_OK);
    json_decref(t.ids);
    return 0;
}
