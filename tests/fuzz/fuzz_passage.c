/* Fuzzes the passage splitter. The first line of the input is the title
 * when the input starts with '#'. Passages must be non-empty, numbered in
 * order, no longer than the splitter's limit, and valid UTF-8 whenever the
 * body is (they are stored as JSON strings). The title is also read as a
 * date (ks_date_normalize). */
#include "fuzz_check.h"

#include <stdint.h>

/* passage.c: "no passage is ever longer than PASSAGE_MAX_BYTES". */
#define PASSAGE_MAX_BYTES 1200

static void check_date(const char *date)
{
    /* "2015-01-09" or "2015-01-09T20:39" */
    size_t len = strlen(date);
    FUZZ_CHECK(len == 10 || len == 16);
    for (size_t i = 0; i < len; i++) {
        char c = date[i];
        if (i == 4 || i == 7)
            FUZZ_CHECK(c == '-');
        else if (i == 10)
            FUZZ_CHECK(c == 'T');
        else if (i == 13)
            FUZZ_CHECK(c == ':');
        else
            FUZZ_CHECK(c >= '0' && c <= '9');
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *body = (const char *)data;
    size_t len = size;
    char *title = NULL;
    if (size && data[0] == '#') {
        const uint8_t *newline = memchr(data, '\n', size);
        size_t title_len = newline ? (size_t)(newline - data) : size;
        title = fuzz_string(data + 1, title_len ? title_len - 1 : 0);
        body += title_len;
        len -= title_len;
    }
    ks_passage_list list;
    FUZZ_CHECK(ks_passage_split(body, len, title, &list) == KS_OK);
    bool utf8 = fuzz_is_utf8(body, len) && (!title || fuzz_is_utf8(title, strlen(title)));
    for (size_t i = 0; i < list.count; i++) {
        const ks_passage *p = &list.items[i];
        FUZZ_CHECK(p->number == i + 1);
        FUZZ_CHECK(p->text && p->len > 0 && p->len <= PASSAGE_MAX_BYTES);
        FUZZ_CHECK(p->section != NULL);
        if (utf8) {
            FUZZ_CHECK(fuzz_is_utf8(p->text, p->len));
            FUZZ_CHECK(fuzz_is_utf8(p->section, strlen(p->section)));
        }
    }
    if (list.date)
        check_date(list.date);
    /* The title line read as a feed's date: well formed, or refused. */
    char date[KS_DATE_BYTES];
    ks_status st = title ? ks_date_normalize(title, date) : KS_ERR_BAD_INPUT;
    FUZZ_CHECK(st == KS_OK || st == KS_ERR_BAD_INPUT);
    if (st == KS_OK)
        check_date(date);
    ks_passage_list_free(&list);
    free(title);
    return 0;
}
