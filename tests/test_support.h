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

#endif /* KOSEARCH_TEST_SUPPORT_H */
