/* What the fuzz targets share: an assertion that stays on in release builds
 * (a broken promise must stop the fuzzer, not scroll by), and UTF-8 checks. */
#ifndef KOSEARCH_FUZZ_CHECK_H
#define KOSEARCH_FUZZ_CHECK_H

#include "kosearch_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_CHECK(condition)                                                        \
    do {                                                                             \
        if (!(condition)) {                                                          \
            fprintf(stderr, "%s:%d: broken promise: %s\n", __FILE__, __LINE__,       \
                    #condition);                                                     \
            abort();                                                                 \
        }                                                                            \
    } while (0)

static inline int fuzz_is_utf8(const char *s, size_t len)
{
    return ks_utf8_valid_prefix(s, len) == len;
}

/* The input as a NUL-terminated string (cut at its first NUL); malloc'd. */
static inline char *fuzz_string(const uint8_t *data, size_t size)
{
    const void *nul = memchr(data, '\0', size);
    size_t len = nul ? (size_t)((const uint8_t *)nul - data) : size;
    char *s = malloc(len + 1);
    FUZZ_CHECK(s != NULL);
    memcpy(s, data, len);
    s[len] = '\0';
    return s;
}

static ks_analyzer *fuzz_shared_analyzer;

static inline void fuzz_free_analyzer(void)
{
    ks_analyzer_free(fuzz_shared_analyzer);
    fuzz_shared_analyzer = NULL;
}

/* One analyzer for every input, as a database keeps one; freed at exit so
 * that leak checkers see ICU's objects released. */
static inline ks_analyzer *fuzz_analyzer(void)
{
    if (!fuzz_shared_analyzer) {
        FUZZ_CHECK(ks_analyzer_new(&fuzz_shared_analyzer) == KS_OK);
        atexit(fuzz_free_analyzer);
    }
    return fuzz_shared_analyzer;
}

#endif /* KOSEARCH_FUZZ_CHECK_H */
