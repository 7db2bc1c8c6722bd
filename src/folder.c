/* The database folder on disk, beneath Xapian: where it really is, the write
 * lock kosearch holds on it, whether it holds a whole database, and how a
 * new one is created. db.c opens databases through these. */
#define _GNU_SOURCE
#include "kosearch_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

bool ks_folder_has(const char *folder, const char *name)
{
    ks_buf file = {0};
    struct stat info;
    bool found = ks_buf_printf(&file, "%s/%s", folder, name) == KS_OK &&
                 stat(file.data, &info) == 0;
    ks_buf_free(&file);
    return found;
}

char *ks_folder_path_trimmed(const char *path)
{
    size_t len = strlen(path);
    while (len > 1 && path[len - 1] == '/')
        len--;
    return ks_strndup(path, len);
}

char *ks_folder_resolve(const char *path)
{
    struct stat info;
    char resolved[PATH_MAX];
    if (lstat(path, &info) == 0 && S_ISLNK(info.st_mode) && realpath(path, resolved))
        return ks_strndup(resolved, strlen(resolved));
    return ks_strndup(path, strlen(path));
}

ks_status ks_folder_lock(const char *folder, const char *path, bool wait, int *out_fd,
                         ks_buf *error)
{
    *out_fd = -1;
    ks_buf_clear(error);
    for (;;) {
        int fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0) {
            ks_buf_printf(error, "cannot open the database folder %s: %s", path, strerror(errno));
            return errno == ENOENT ? KS_ERR_NOT_FOUND : KS_ERR_IO;
        }
        while (flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0) {
            int reason = errno;
            if (reason == EINTR && wait)
                continue;
            close(fd);
            if (reason == EWOULDBLOCK) {
                ks_buf_printf(error, "%s: database is locked by another kosearch index "
                              "(wait for it with --wait)", path);
                return KS_ERR_LOCKED;
            }
            ks_buf_printf(error, "cannot lock %s: %s", path, strerror(reason));
            return KS_ERR_IO;
        }
        /* A rebuild that held the lock put a new folder in place of the one
         * locked here: lock that one instead. */
        struct stat locked, now;
        if (fstat(fd, &locked) == 0 && stat(folder, &now) == 0 && locked.st_dev == now.st_dev &&
            locked.st_ino == now.st_ino) {
            *out_fd = fd;
            return KS_OK;
        }
        close(fd);
    }
}

ks_status ks_folder_check_writable(const char *folder, const char *path, ks_buf *error)
{
    if (access(folder, W_OK) == 0)
        return KS_OK;
    ks_buf_clear(error);
    ks_buf_printf(error, "cannot write to %s: %s", path, strerror(errno));
    return errno == EACCES || errno == EROFS || errno == EPERM ? KS_ERR_READ_ONLY : KS_ERR_IO;
}

/* Glass's tables: the first three exist from creation on, the others once
 * a document needs them (a kosearch document always has positions; its data
 * is a value, so there is no docdata table). */
static const char *const tables_from_creation[] = {"iamglass", "postlist.glass", "termlist.glass"};
static const char *const tables_of_documents[] = {"position.glass"};

bool ks_folder_holds_tables(const char *folder)
{
    for (size_t i = 0; i < COUNT_OF(tables_from_creation); i++)
        if (ks_folder_has(folder, tables_from_creation[i]))
            return true;
    for (size_t i = 0; i < COUNT_OF(tables_of_documents); i++)
        if (ks_folder_has(folder, tables_of_documents[i]))
            return true;
    return false;
}

const char *ks_folder_missing_table(const char *folder, bool has_documents)
{
    if (!ks_folder_holds_tables(folder) || ks_folder_has(folder, KS_FOLDER_CREATING))
        return NULL;
    for (size_t i = 0; i < COUNT_OF(tables_from_creation); i++)
        if (!ks_folder_has(folder, tables_from_creation[i]))
            return tables_from_creation[i];
    for (size_t i = 0; has_documents && i < COUNT_OF(tables_of_documents); i++)
        if (!ks_folder_has(folder, tables_of_documents[i]))
            return tables_of_documents[i];
    return NULL;
}

ks_status ks_folder_damaged(const char *path, const char *missing, ks_buf *error)
{
    ks_buf_clear(error);
    ks_buf_printf(error, "damaged database at %s: %s is missing; restore it or run "
                  "'kosearch index --rebuild'", path, missing);
    return KS_ERR_CORRUPT;
}

ks_status ks_folder_mark_creation(const char *folder, bool creating, ks_buf *error)
{
    ks_buf marker = {0};
    ks_status st = ks_buf_printf(&marker, "%s/" KS_FOLDER_CREATING, folder);
    if (st != KS_OK)
        return st;
    int fd = -1;
    bool done = creating ? (fd = open(marker.data, O_WRONLY | O_CREAT | O_CLOEXEC, 0666)) >= 0 &&
                               fsync(fd) == 0
                         : unlink(marker.data) == 0 || errno == ENOENT;
    if (!done) {
        ks_buf_clear(error);
        ks_buf_printf(error, "cannot %s %s: %s", creating ? "create" : "remove", marker.data,
                      strerror(errno));
        st = KS_ERR_IO;
    }
    if (fd >= 0)
        close(fd);
    /* The marker must be on disk before the tables, and gone only after. */
    int dir = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir >= 0) {
        fsync(dir);
        close(dir);
    }
    ks_buf_free(&marker);
    return st;
}
