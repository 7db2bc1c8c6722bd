/* kosearch http: each server thread searches through a read-only handle of
 * its own (handles are not shared between threads). A handle sees the
 * database as it was when opened, so it is opened again once the files
 * say an indexer has committed: Xapian's glass backend writes its version
 * file "iamglass" anew on every commit, and a rebuild swaps in a whole new
 * folder, so their inode and time change. */
#include "http.h"

#include <glob.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct http_handle {
    ks_db *db;
    uint64_t fingerprint; /* of the files when db was opened */
    struct http_handle *next;
} http_handle;

struct http_databases {
    const char *path;
    pthread_key_t key; /* the calling thread's http_handle */
    pthread_mutex_t lock; /* guards the list */
    http_handle *handles;
};

http_databases *http_databases_new(const char *path)
{
    http_databases *set = calloc(1, sizeof *set);
    if (!set)
        return NULL;
    set->path = path;
    if (pthread_key_create(&set->key, NULL) != 0) {
        free(set);
        return NULL;
    }
    pthread_mutex_init(&set->lock, NULL);
    return set;
}

void http_databases_free(http_databases *set)
{
    if (!set)
        return;
    for (http_handle *handle = set->handles, *next; handle; handle = next) {
        next = handle->next;
        if (handle->db)
            ks_db_close(handle->db);
        free(handle);
    }
    pthread_key_delete(set->key);
    pthread_mutex_destroy(&set->lock);
    free(set);
}

static uint64_t mix(uint64_t hash, uint64_t value)
{
    hash ^= value + 0x9e3779b97f4a7c15u + (hash << 6) + (hash >> 2);
    return hash;
}

static uint64_t mix_file(uint64_t hash, const char *path)
{
    struct stat info;
    if (stat(path, &info) != 0)
        return mix(hash, 1);
    hash = mix(hash, (uint64_t)info.st_dev);
    hash = mix(hash, (uint64_t)info.st_ino);
    hash = mix(hash, (uint64_t)info.st_size);
    hash = mix(hash, (uint64_t)info.st_mtim.tv_sec);
    return mix(hash, (uint64_t)info.st_mtim.tv_nsec);
}

/* What the database's files look like: its folder and version file, or
 * for a sharded database its stub file and every shard's version file. */
static uint64_t database_fingerprint(const char *path)
{
    char pattern[4096];
    uint64_t hash = mix_file(0, path);
    snprintf(pattern, sizeof pattern, "%s/iamglass", path);
    hash = mix_file(hash, pattern);
    snprintf(pattern, sizeof pattern, "%s/XAPIANDB", path);
    if (access(pattern, F_OK) != 0)
        return hash;
    hash = mix_file(hash, pattern);
    snprintf(pattern, sizeof pattern, "%s/shard-*/iamglass", path);
    glob_t shards;
    if (glob(pattern, 0, NULL, &shards) == 0)
        for (size_t i = 0; i < shards.gl_pathc; i++)
            hash = mix_file(hash, shards.gl_pathv[i]);
    globfree(&shards);
    return hash;
}

static http_handle *thread_handle(http_databases *set)
{
    http_handle *handle = pthread_getspecific(set->key);
    if (handle)
        return handle;
    if (!(handle = calloc(1, sizeof *handle)))
        return NULL;
    pthread_setspecific(set->key, handle);
    pthread_mutex_lock(&set->lock);
    handle->next = set->handles;
    set->handles = handle;
    pthread_mutex_unlock(&set->lock);
    return handle;
}

ks_db *http_database_for_thread(http_databases *set, char *error, size_t error_size)
{
    http_handle *handle = thread_handle(set);
    if (!handle) {
        snprintf(error, error_size, "out of memory");
        return NULL;
    }
    uint64_t now = database_fingerprint(set->path);
    if (handle->db && handle->fingerprint == now)
        return handle->db;
    if (handle->db)
        ks_db_close(handle->db);
    handle->db = NULL;
    ks_db *db = NULL;
    ks_status status = ks_db_open(&db, set->path, KS_OPEN_READ);
    if (status != KS_OK) {
        snprintf(error, error_size, "%s", db && *ks_db_error(db) ? ks_db_error(db)
                                                                 : ks_status_string(status));
        if (db)
            ks_db_close(db);
        return NULL;
    }
    handle->db = db;
    handle->fingerprint = now;
    return db;
}

void http_database_forget(http_databases *set)
{
    http_handle *handle = pthread_getspecific(set->key);
    if (handle && handle->db) {
        ks_db_close(handle->db);
        handle->db = NULL;
    }
}
