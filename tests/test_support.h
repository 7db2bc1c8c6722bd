/* What the test programs share: cmocka, the private interfaces, and paths
 * to the repository and to ../shared/data. */
#ifndef KOSEARCH_TEST_SUPPORT_H
#define KOSEARCH_TEST_SUPPORT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kosearch_internal.h"

#include <unistd.h>

/* A file in the repository, e.g. "corpus". Static buffer. */
static inline const char *test_source_path(const char *relative)
{
    static char path[4096];
    const char *root = getenv("KOSEARCH_SOURCE_ROOT");
    snprintf(path, sizeof path, "%s/%s", root ? root : ".", relative);
    return path;
}

/* A file under ../shared/data, or NULL when that folder is absent (a user's
 * clone); tests that need it skip then. Static buffer. */
static inline const char *test_shared_data_path(const char *relative)
{
    static char path[4096];
    const char *root = getenv("KOSEARCH_SHARED_DATA");
    if (!root)
        return NULL;
    snprintf(path, sizeof path, "%s/%s", root, relative);
    return access(path, R_OK) == 0 ? path : NULL;
}

/* Reads a repository file whole, NUL-terminated; the caller frees it. */
static inline char *test_read_source_file(const char *relative, size_t *out_len)
{
    const char *path = test_source_path(relative);
    FILE *file = fopen(path, "rb");
    if (!file)
        fail_msg("cannot open %s (set KOSEARCH_SOURCE_ROOT)", path);
    ks_buf buf = {0};
    char chunk[65536];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, file)) > 0)
        assert_int_equal(ks_buf_append(&buf, chunk, got), KS_OK);
    fclose(file);
    assert_int_equal(ks_buf_append(&buf, "", 0), KS_OK);
    *out_len = buf.len;
    return buf.data;
}

#endif /* KOSEARCH_TEST_SUPPORT_H */
