/* Puts one text file into a database under a given id and origin, as an
 * older kosearch did when it kept a path as it was written (`dir/a.txt`):
 * the tests use it to check that such databases converge.
 * Usage: put_article DB ID FILE */
#include "kosearch.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

int main(int argc, char **argv)
{
    if (argc != 4) {
        fputs("usage: put_article DB ID FILE\n", stderr);
        return 2;
    }
    FILE *file = fopen(argv[3], "rb");
    struct stat info;
    if (!file || fstat(fileno(file), &info) != 0) {
        perror(argv[3]);
        return 2;
    }
    char *body = malloc((size_t)info.st_size + 1);
    size_t len = body ? fread(body, 1, (size_t)info.st_size, file) : 0;
    fclose(file);
    if (!body)
        return 2;
    body[len] = '\0';
    ks_article article = {.id = argv[2], .body = body, .body_len = len,
                          .source_size = (uint64_t)info.st_size,
                          .source_mtime = (int64_t)info.st_mtim.tv_sec * 1000000000 +
                                          info.st_mtim.tv_nsec,
                          .origin = argv[2]};
    ks_db *db = NULL;
    ks_status st = ks_db_open(&db, argv[1], KS_OPEN_WRITE);
    if (st == KS_OK)
        st = ks_db_put_article(db, &article, NULL, NULL);
    if (st == KS_OK)
        st = ks_db_commit(db);
    if (db && ks_db_close(db) != KS_OK && st == KS_OK)
        st = KS_ERR_IO;
    free(body);
    if (st != KS_OK) {
        fprintf(stderr, "put_article: %s\n", ks_status_string(st));
        return 2;
    }
    return 0;
}
