/* Fuzzes the analyzer on arbitrary bytes: any text must analyze without
 * crashing, and every term must be something the index can store and the
 * snippet code can highlight (a real span, valid UTF-8, short enough). */
#include "fuzz_check.h"

#include <stdint.h>

static void check_terms(const ks_term *terms, size_t count, size_t len)
{
    uint32_t last_word = 0;
    for (size_t i = 0; i < count; i++) {
        const ks_term *t = &terms[i];
        FUZZ_CHECK(t->text != NULL);
        size_t text_len = strlen(t->text);
        FUZZ_CHECK(text_len > 0);
        FUZZ_CHECK(text_len <= KS_MAX_TERM_BYTES);
        FUZZ_CHECK(fuzz_is_utf8(t->text, text_len));
        FUZZ_CHECK(t->start < t->end && t->end <= len);
        FUZZ_CHECK(t->kind <= KS_TERM_BIGRAM);
        FUZZ_CHECK(t->word >= 1 && t->word >= last_word);
        last_word = t->word;
        if (t->kind != KS_TERM_BIGRAM)
            FUZZ_CHECK(t->position == t->word);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ks_analyzer *analyzer = fuzz_analyzer();
    const char *text = (const char *)data;
    const ks_term *terms;
    size_t count;
    FUZZ_CHECK(ks_analyzer_run(analyzer, text, size, &terms, &count) == KS_OK);
    check_terms(terms, count, size);

    /* The public one-shot call must agree with a reused analyzer: state left
     * over from earlier runs must not change the terms. */
    ks_analysis *analysis;
    FUZZ_CHECK(ks_analyze(&analysis, text, size) == KS_OK);
    FUZZ_CHECK(ks_analysis_count(analysis) == count);
    for (size_t i = 0; i < count; i++) {
        const ks_term *t = ks_analysis_term(analysis, i);
        FUZZ_CHECK(strcmp(t->text, terms[i].text) == 0);
        FUZZ_CHECK(t->kind == terms[i].kind && t->start == terms[i].start &&
                   t->end == terms[i].end && t->position == terms[i].position);
    }
    ks_analysis_free(analysis);
    return 0;
}
