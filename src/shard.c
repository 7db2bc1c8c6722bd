/* Sharded databases: which shard an article belongs to, and the folder
 * layout (PATH/shard-K plus the Xapian stub PATH/XAPIANDB) that lets any
 * Xapian reader open PATH as one index. db.c routes through these. */
#include "kosearch_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define STUB_NAME "XAPIANDB"

unsigned ks_shard_of(const char *id, unsigned shards)
{
    if (shards <= 1)
        return 0;
    return (unsigned)(ks_hash64(id, strlen(id)) % shards);
}

ks_status ks_shard_path(const char *path, unsigned shard, ks_buf *out)
{
    ks_buf_clear(out);
    return ks_buf_printf(out, "%s/shard-%u", path, shard);
}

ks_status ks_shard_layout_read(const char *path, unsigned *out_count)
{
    *out_count = 0;
    ks_buf stub = {0};
    if (ks_buf_printf(&stub, "%s/" STUB_NAME, path) != KS_OK)
        return KS_ERR_NOMEM;
    FILE *in = fopen(stub.data, "r");
    ks_buf_free(&stub);
    if (!in)
        return KS_ERR_NOT_FOUND;
    /* Only the exact lines kosearch writes: any other stub is a cluster
     * description, read through Xapian but never written to. */
    char line[64], expected[64];
    unsigned count = 0;
    ks_status st = KS_OK;
    while (st == KS_OK && fgets(line, sizeof line, in)) {
        snprintf(expected, sizeof expected, "auto shard-%u\n", count);
        if (strcmp(line, expected) == 0)
            count++;
        else
            st = KS_ERR_BAD_INPUT;
    }
    fclose(in);
    if (st == KS_OK && count == 0)
        st = KS_ERR_BAD_INPUT;
    if (st == KS_OK)
        *out_count = count;
    return st;
}

ks_status ks_shard_layout_create(const char *path, unsigned count, ks_buf *error)
{
    ks_buf stub = {0}, temporary = {0};
    ks_status st = KS_OK;
    if (mkdir(path, 0777) != 0 && errno != EEXIST) {
        ks_buf_clear(error);
        ks_buf_printf(error, "cannot create folder %s: %s", path, strerror(errno));
        return KS_ERR_IO;
    }
    if (ks_buf_printf(&stub, "%s/" STUB_NAME, path) != KS_OK ||
        ks_buf_printf(&temporary, "%s/" STUB_NAME ".new", path) != KS_OK) {
        st = KS_ERR_NOMEM;
        goto done;
    }
    /* Written whole then renamed, so a reader never sees half a shard list. */
    FILE *out = fopen(temporary.data, "w");
    bool written = out != NULL;
    for (unsigned i = 0; written && i < count; i++)
        written = fprintf(out, "auto shard-%u\n", i) > 0;
    if (out && fclose(out) != 0)
        written = false;
    if (!written || rename(temporary.data, stub.data) != 0) {
        ks_buf_clear(error);
        ks_buf_printf(error, "cannot write %s: %s", stub.data, strerror(errno));
        remove(temporary.data);
        st = KS_ERR_IO;
    }
done:
    ks_buf_free(&stub);
    ks_buf_free(&temporary);
    return st;
}
