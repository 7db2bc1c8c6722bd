/* The database handle: opening a single, sharded or rebuilt database, its
 * versions, the rebuild swap, commit and close, statistics and walks, and
 * the dispatch of articles put and removed to the writer (index.c), the
 * records (records.c) or a build's workers (build.c).
 *
 * Why one file of about 1,000 lines: the ways of opening (one folder,
 * shards, a stub, a rebuild beside the old database, a new build) share the
 * folder lock, the version checks, the refusal of damaged tables and the
 * rebuild swap, and close undoes what each of them set up; split apart,
 * each piece would export its helpers to the others. What changes for
 * other reasons (records, documents, builds) is already elsewhere. */
/* renameat2(RENAME_EXCHANGE) swaps a rebuilt database in atomically. */
#define _GNU_SOURCE
#include "kosearch_internal.h"
#include "xapian_shim.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unicode/uversion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#define META_FORMAT "kosearch.format"
#define META_ANALYZER "kosearch.analyzer"
#define META_UPDATED "kosearch.updated"
#define META_SHARDS "kosearch.shards"

/* Every flag of ks_open_flags: anything else is refused rather than ignored,
 * since an unknown bit may mean something to a newer kosearch. */
#define KS_OPEN_PUBLIC_FLAGS                                                              \
    (KS_OPEN_WRITE | KS_OPEN_WAIT | KS_OPEN_REBUILD | KS_OPEN_ALLOW_PARTIAL | KS_OPEN_BUILD_NEW | \
     KS_OPEN_EXISTING)

KS_API const char *ks_version(void)
{
    return KS_VERSION_STRING;
}

static char backend_versions[96];

static void describe_backend_versions(void)
{
    /* The ICU loaded at run time, not the headers built against. */
    UVersionInfo icu;
    char icu_text[U_MAX_VERSION_STRING_LENGTH];
    u_getVersion(icu);
    u_versionToString(icu, icu_text);
    snprintf(backend_versions, sizeof backend_versions, "ICU %s, %s", icu_text,
             shim_xapian_version());
}

KS_API const char *ks_backend_versions(void)
{
    /* Written once, whichever thread asks first. */
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, describe_backend_versions);
    return backend_versions;
}

/* ------------------------------------------------------------------------ */
/* Opening, versions, closing.                                              */

static ks_status read_unsigned_metadata(ks_db *db, const char *key, unsigned *out, bool *found)
{
    ks_status st = shim_db_get_metadata(db->shim, key, &db->scratch);
    if (st != KS_OK)
        return ks_db_fail_shim(db, st);
    *found = db->scratch.len > 0;
    *out = *found ? (unsigned)strtoul(db->scratch.data, NULL, 10) : 0;
    return KS_OK;
}

static ks_status set_versions(shim_db *shim)
{
    char number[32];
    snprintf(number, sizeof number, "%u", ks_index_format_version());
    ks_status st = shim_db_set_metadata(shim, META_FORMAT, number);
    if (st == KS_OK) {
        snprintf(number, sizeof number, "%u", ks_analyzer_version());
        st = shim_db_set_metadata(shim, META_ANALYZER, number);
    }
    return st;
}

static ks_status write_versions(ks_db *db)
{
    ks_status st = set_versions(db->shim);
    return st == KS_OK ? KS_OK : ks_db_fail_shim(db, st);
}

/* The time of this commit (META_UPDATED). */
static ks_status set_updated(shim_db *shim)
{
    char now[32];
    snprintf(now, sizeof now, "%lld", (long long)time(NULL));
    return shim_db_set_metadata(shim, META_UPDATED, now);
}

/* Refuses an index made by another format or analyzer: its terms would not
 * match what this version produces for queries. */
static ks_status check_versions(ks_db *db)
{
    unsigned format, analyzer;
    bool has_format, has_analyzer;
    ks_status st = read_unsigned_metadata(db, META_FORMAT, &format, &has_format);
    if (st == KS_OK)
        st = read_unsigned_metadata(db, META_ANALYZER, &analyzer, &has_analyzer);
    if (st != KS_OK)
        return st;
    if (!has_format) {
        uint64_t docs = 0;
        st = shim_db_doc_count(db->shim, &docs);
        if (st != KS_OK)
            return ks_db_fail_shim(db, st);
        if (docs == 0)
            return db->writable ? write_versions(db) : KS_OK;
        return ks_db_fail(db, KS_ERR_VERSION,
                          "%s is a Xapian database but not a kosearch index; "
                          "rebuild it with 'kosearch index --rebuild'", db->path);
    }
    if (format != ks_index_format_version() || analyzer != ks_analyzer_version())
        return ks_db_fail(db, KS_ERR_VERSION,
                          "%s was built with index format %u and analyzer %u, this kosearch "
                          "uses format %u and analyzer %u; rebuild it with "
                          "'kosearch index --rebuild PATH...'",
                          db->path, format, analyzer, ks_index_format_version(),
                          ks_analyzer_version());
    return KS_OK;
}

/* Checks every shard of a sharded or stub database, not only the first
 * (which is all Xapian's metadata reads on a combined database look at). */
static ks_status check_every_part(ks_db *db)
{
    ks_status st = KS_OK;
    size_t parts = shim_db_part_count(db->shim);
    for (size_t i = 0; i < parts && st == KS_OK; i++) {
        shim_db_focus(db->shim, parts > 1 ? (int)i : -1);
        st = check_versions(db);
    }
    shim_db_focus(db->shim, -1);
    return st;
}

static shim_open_mode open_mode_of(unsigned flags)
{
    if (!(flags & KS_OPEN_WRITE))
        return (flags & KS_OPEN_ALLOW_PARTIAL) ? SHIM_READ_PARTIAL : SHIM_READ;
    if (flags & KS_OPEN_REBUILD)
        return SHIM_OVERWRITE;
    return (flags & KS_OPEN_WAIT) ? SHIM_WRITE_WAIT : SHIM_WRITE;
}

static ks_status no_database(ks_db *db)
{
    return ks_db_fail(db, KS_ERR_NOT_FOUND, "no database at %s (create it with 'kosearch index')",
                      db->path);
}

/* Xapian reports a reader opening a folder that is not there as a generic
 * opening error; say plainly what is missing. */
static ks_status explain_missing_database(ks_db *db, ks_status st)
{
    struct stat info;
    if (st == KS_ERR_NOT_FOUND && strcmp(db->path, SHIM_MEMORY_PATH) != 0 &&
        (stat(db->path, &info) != 0 ||
         /* a stub names its missing shard itself */
         (S_ISDIR(info.st_mode) && !ks_folder_has(db->path, "iamglass") &&
          !ks_folder_has(db->path, "XAPIANDB")) ||
         ks_folder_has(db->path, KS_FOLDER_CREATING)))
        return no_database(db);
    return st;
}

/* A folder with some of a database's tables but not all is a damaged
 * database, never a new one: Xapian would create a database over it (and
 * without position.glass would answer phrases as plain AND queries). */
static ks_status refuse_damaged(ks_db *db, const char *folder, bool has_documents)
{
    const char *missing = ks_folder_missing_table(folder, has_documents);
    if (!missing)
        return KS_OK;
    ks_buf message = {0};
    ks_status st = ks_folder_damaged(db->path, missing, &message);
    ks_db_fail(db, st, "%s", message.data ? message.data : ks_status_string(st));
    ks_buf_free(&message);
    return st;
}

/* The same, once open: a database with documents needs their tables too. */
static ks_status refuse_damaged_open(ks_db *db, const char *folder)
{
    uint64_t docs = 0;
    ks_status st = shim_db_doc_count(db->shim, &docs);
    if (st != KS_OK)
        return ks_db_fail_shim(db, st);
    return refuse_damaged(db, folder, docs > 0);
}

/* Where a rebuild of the database folder `folder` is written (its parts
 * beside it, build.c). */
static ks_status rebuild_path_of(const char *folder, ks_buf *out)
{
    return ks_buf_printf(out, "%s.rebuild", folder);
}

/* No folder at `path`, or an empty one: nothing there to keep. */
static bool is_new_folder(const char *path)
{
    DIR *dir = opendir(path);
    if (!dir)
        return errno == ENOENT;
    struct dirent *entry;
    bool empty = true;
    while (empty && (entry = readdir(dir)))
        empty = strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0;
    closedir(dir);
    return empty;
}

/* Takes the writer's lock on the folder, creating the folder when missing
 * (only `kosearch index` creates databases: not with KS_OPEN_EXISTING). */
static ks_status lock_folder(ks_db *db, unsigned flags)
{
    if ((flags & KS_OPEN_EXISTING) && is_new_folder(db->folder))
        return no_database(db);
    if (mkdir(db->folder, 0777) != 0 && errno != EEXIST)
        return ks_db_fail(db, errno == EACCES || errno == EROFS ? KS_ERR_READ_ONLY : KS_ERR_IO,
                          "cannot create the database folder %s: %s", db->path, strerror(errno));
    ks_buf message = {0};
    ks_status st = ks_folder_lock(db->folder, db->path, flags & KS_OPEN_WAIT, &db->lock_fd,
                                  &message);
    if (st == KS_OK)
        st = ks_folder_check_writable(db->folder, db->path, &message);
    if (st != KS_OK)
        ks_db_fail(db, st, "%s", message.data ? message.data : ks_status_string(st));
    ks_buf_free(&message);
    return st;
}

/* A rebuild keeps the old database whole (and locked against other
 * writers) until the new one is complete, so an interrupted rebuild loses
 * nothing and readers never see a half-built index. */
static ks_status open_rebuild(ks_db *db, unsigned flags)
{
    shim_open_mode lock_mode = (flags & KS_OPEN_WAIT) ? SHIM_WRITE_WAIT : SHIM_WRITE;
    ks_status st = shim_db_open(&db->rebuild_lock, db->path, lock_mode, &db->error);
    if (st != KS_OK)
        return st;
    ks_buf build = {0};
    if ((st = rebuild_path_of(db->folder, &build)) != KS_OK)
        return ks_db_fail(db, st, "out of memory");
    db->rebuild_path = build.data;
    ks_build_remove_leftovers(db->rebuild_path);
    st = shim_db_open(&db->shim, db->rebuild_path, SHIM_OVERWRITE, &db->error);
    return st == KS_OK ? write_versions(db) : st;
}

/* An empty database, committed, in the (locked) folder: what a reader sees
 * until the first articles are committed, and what a rebuild swaps with.
 * The marker kept meanwhile tells a creation cut short from damage. */
static ks_status create_empty_database(ks_db *db)
{
    ks_buf message = {0};
    ks_status st = ks_folder_mark_creation(db->folder, true, &message);
    if (st != KS_OK) {
        ks_db_fail(db, st, "%s", message.data ? message.data : ks_status_string(st));
        ks_buf_free(&message);
        return st;
    }
    st = shim_db_open(&db->shim, db->path, SHIM_OVERWRITE, &db->error);
    if (st != KS_OK)
        return st;
    st = write_versions(db);
    if (st == KS_OK && (st = shim_db_commit(db->shim)) != KS_OK)
        ks_db_fail_shim(db, st);
    ks_buf ignored = {0};
    shim_db_close(db->shim, &ignored);
    ks_buf_free(&ignored);
    db->shim = NULL;
    if (st == KS_OK && (st = ks_folder_mark_creation(db->folder, false, &message)) != KS_OK)
        ks_db_fail(db, st, "%s", message.data ? message.data : ks_status_string(st));
    ks_buf_free(&message);
    return st;
}

/* Puts the completed rebuild in place of the old database in one atomic
 * exchange, then removes the old one. */
static ks_status finish_rebuild(ks_db *db)
{
    if (renameat2(AT_FDCWD, db->rebuild_path, AT_FDCWD, db->folder, RENAME_EXCHANGE) != 0)
        return ks_db_fail(db, KS_ERR_IO, "cannot put the rebuilt %s in place of %s: %s",
                          db->rebuild_path, db->path, strerror(errno));
    return KS_OK;
}

/* Completes the rebuilt database before it takes the old one's place. The
 * synonyms are settings, not indexed text: it keeps the old one's. The
 * versions, the time and the facts of the files read during a build are
 * written now, as the workers' parts hold articles only. */
static ks_status complete_rebuilt(ks_db *db)
{
    shim_db *rebuilt;
    ks_buf error = {0};
    ks_status st = shim_db_open(&rebuilt, db->rebuild_path, SHIM_WRITE, &error);
    if (st == KS_OK) {
        st = ks_synonyms_copy(db->rebuild_lock, rebuilt);
        if (st == KS_OK)
            st = set_versions(rebuilt);
        if (st == KS_OK)
            st = set_updated(rebuilt);
        if (st != KS_OK)
            ks_buf_printf(&error, "%s", shim_db_error(rebuilt));
        if (st == KS_OK)
            st = ks_file_facts_write_pending(db, rebuilt);
        if (st != KS_OK && !error.len)
            ks_buf_printf(&error, "%s", ks_db_error(db));
        ks_status closed = shim_db_close(rebuilt, st == KS_OK ? &error : NULL);
        if (st == KS_OK)
            st = closed;
    }
    if (st != KS_OK)
        ks_db_fail(db, st, "cannot complete the rebuilt %s: %s", db->path,
                   error.data ? error.data : ks_status_string(st));
    ks_buf_free(&error);
    return st;
}

static ks_status close_rebuild(ks_db *db, bool keep_new)
{
    ks_buf ignored = {0};
    ks_status st = shim_db_close(db->shim, &ignored);
    db->shim = NULL;
    if (st != KS_OK)
        ks_db_fail(db, st, "cannot complete the rebuild: %s", ignored.data ? ignored.data : "");
    if (db->build) {
        /* The workers' parts, merged, take the place of the database the
         * handle held open (which got no articles). */
        bool merge = keep_new && st == KS_OK;
        if (merge)
            ks_remove_tree(db->rebuild_path);
        ks_status built = ks_build_finish(db->build, db, db->rebuild_path, merge);
        db->build = NULL;
        if (st == KS_OK)
            st = built;
    }
    if (st == KS_OK && keep_new)
        st = complete_rebuilt(db);
    if (st == KS_OK && keep_new)
        st = finish_rebuild(db);
    shim_db_close(db->rebuild_lock, &ignored);
    db->rebuild_lock = NULL;
    /* After a successful exchange this is the old database; otherwise the
     * abandoned new one. */
    ks_remove_tree(db->rebuild_path);
    ks_buf_free(&ignored);
    return st;
}

/* Each shard must carry this kosearch's versions and the shard count its
 * stub lists; a new shard gets them. */
static ks_status check_shard(ks_db *db, unsigned shard)
{
    shim_db_focus(db->shim, (int)shard);
    ks_status st = check_versions(db);
    unsigned recorded = 0;
    bool found = false;
    if (st == KS_OK)
        st = read_unsigned_metadata(db, META_SHARDS, &recorded, &found);
    if (st == KS_OK && found && recorded != db->shards)
        st = ks_db_fail(db, KS_ERR_CORRUPT,
                        "shard %u of %s was made for %u shards, but %s/XAPIANDB lists %u",
                        shard, db->path, recorded, db->path, db->shards);
    if (st == KS_OK && !found && db->writable) {
        char number[16];
        snprintf(number, sizeof number, "%u", db->shards);
        st = shim_db_set_metadata(db->shim, META_SHARDS, number);
        if (st != KS_OK)
            ks_db_fail_shim(db, st);
    }
    shim_db_focus(db->shim, -1);
    return st;
}

/* Refuses a shard of the kosearch layout that misses a table: before
 * opening (Xapian would create a writer's shard afresh), and once open,
 * counting documents. --rebuild overwrites a damaged shard like any other. */
static ks_status refuse_damaged_shards(ks_db *db, unsigned flags, bool open)
{
    ks_status st = KS_OK;
    ks_buf shard = {0};
    for (unsigned i = 0; i < db->shards && st == KS_OK && !(flags & KS_OPEN_REBUILD); i++) {
        uint64_t docs = 0;
        st = ks_shard_path(db->path, i, &shard);
        if (st == KS_OK && open) {
            shim_db_focus(db->shim, (int)i);
            if ((st = shim_db_doc_count(db->shim, &docs)) != KS_OK)
                ks_db_fail_shim(db, st);
            shim_db_focus(db->shim, -1);
        }
        if (st == KS_OK)
            st = refuse_damaged(db, shard.data, docs > 0);
    }
    ks_buf_free(&shard);
    return st;
}

/* A sharded folder: one writer per shard, since Xapian 1.4 cannot write
 * through a stub, or one reader over the stub. --rebuild overwrites each
 * shard in place (no side-by-side swap as for one database). */
static ks_status open_sharded(ks_db *db, unsigned flags, unsigned shards)
{
    db->shards = shards;
    ks_status st = refuse_damaged_shards(db, flags, false);
    if (st != KS_OK)
        return st;
    if (db->writable) {
        ks_buf *paths = calloc(shards, sizeof *paths);
        const char **names = calloc(shards, sizeof *names);
        for (unsigned i = 0; paths && names && i < shards && st == KS_OK; i++) {
            st = ks_shard_path(db->path, i, &paths[i]);
            names[i] = paths[i].data;
        }
        if (!paths || !names || st != KS_OK)
            st = ks_db_fail(db, KS_ERR_NOMEM, "out of memory");
        else
            st = shim_db_open_shards(&db->shim, names, shards, open_mode_of(flags), &db->error);
        for (unsigned i = 0; paths && i < shards; i++)
            ks_buf_free(&paths[i]);
        free(paths);
        free(names);
    } else {
        st = shim_db_open(&db->shim, db->path, open_mode_of(flags), &db->error);
    }
    if (st != KS_OK)
        return st;
    if (shim_db_part_count(db->shim) != shards) {
        /* Some shards were skipped (KS_OPEN_ALLOW_PARTIAL): articles can no
         * longer be found by routing, only by asking every shard. */
        db->shards = 0;
        return check_every_part(db);
    }
    for (unsigned i = 0; i < shards && st == KS_OK; i++)
        st = check_shard(db, i);
    return st == KS_OK ? refuse_damaged_shards(db, flags, true) : st;
}

/* A new handle for `path`, trimmed of trailing slashes. */
static ks_db *new_handle(ks_db **out, const char *path)
{
    ks_db *db = calloc(1, sizeof *db);
    *out = db;
    if (!db)
        return NULL;
    db->lock_fd = -1;
    db->path = ks_folder_path_trimmed(path);
    db->folder = db->path ? ks_folder_resolve(db->path) : NULL;
    return db;
}

KS_API ks_status ks_default_db_path(char **out_path)
{
    if (!out_path)
        return KS_ERR_INVALID_ARGUMENT;
    ks_buf path = {0};
    const char *env = getenv("KOSEARCH_DB");
    const char *data_home = getenv("XDG_DATA_HOME");
    const char *home = getenv("HOME");
    ks_status st;
    if (env && *env)
        st = ks_buf_append_str(&path, env);
    else if (data_home && *data_home)
        st = ks_buf_printf(&path, "%s/kosearch/default.db", data_home);
    else
        st = ks_buf_printf(&path, "%s/.local/share/kosearch/default.db",
                           home && *home ? home : ".");
    if (st != KS_OK)
        ks_buf_free(&path);
    *out_path = path.data;
    return st;
}

/* Clears *out, and refuses a missing path or an unknown flag (an unknown
 * bit may mean something to a newer kosearch). */
static ks_status check_open_arguments(ks_db **out, const char *path, unsigned flags)
{
    if (!out)
        return KS_ERR_INVALID_ARGUMENT;
    *out = NULL;
    if (flags & ~(unsigned)KS_OPEN_PUBLIC_FLAGS || !path || !*path)
        return KS_ERR_INVALID_ARGUMENT;
    return KS_OK;
}

KS_API ks_status ks_db_open_shards(ks_db **out, const char *path, unsigned flags,
                                   unsigned shards)
{
    ks_status st = check_open_arguments(out, path, flags);
    if (st != KS_OK)
        return st;
    unsigned existing = 0;
    ks_status layout = ks_shard_layout_read(path, &existing);
    ks_db *refused;
    if (layout == KS_OK && shards && shards != existing) {
        if (!(refused = new_handle(out, path)))
            return KS_ERR_NOMEM;
        return ks_db_fail(refused, KS_ERR_INVALID_ARGUMENT,
                          "%s has %u shards, not %u; to change the number of shards, index "
                          "into a new --db", path, existing, shards);
    }
    if (layout != KS_OK && shards > 1 && (flags & KS_OPEN_WRITE)) {
        if (ks_folder_has(path, "iamglass") || layout == KS_ERR_BAD_INPUT) {
            if (!(refused = new_handle(out, path)))
                return KS_ERR_NOMEM;
            return ks_db_fail(refused, KS_ERR_INVALID_ARGUMENT,
                              "%s is a database without kosearch shards and cannot be split "
                              "into %u; index into a new --db with --shards", path, shards);
        }
        ks_buf error = {0};
        st = ks_shard_layout_create(path, shards, &error);
        if (st != KS_OK && (refused = new_handle(out, path)))
            ks_db_fail(refused, st, "%s", error.data ? error.data : ks_status_string(st));
        ks_buf_free(&error);
        if (st != KS_OK)
            return st;
    }
    return ks_db_open(out, path, flags);
}

KS_API const char *ks_db_warnings(const ks_db *db)
{
    return db && db->shim ? shim_db_warnings(db->shim) : "";
}

/* Opens a database folder of one's own (not sharded, not in memory) for
 * writing: under kosearch's lock, refusing damage, creating it when new. */
static ks_status open_folder_writer(ks_db *db, unsigned flags)
{
    ks_status st = lock_folder(db, flags);
    if (st != KS_OK)
        return st;
    bool fresh = is_new_folder(db->folder) || ks_folder_has(db->folder, KS_FOLDER_CREATING);
    if (fresh && (st = create_empty_database(db)) != KS_OK)
        return st;
    if (fresh && (flags & KS_OPEN_BUILD_NEW))
        flags |= KS_OPEN_REBUILD;
    bool rebuild = flags & KS_OPEN_REBUILD;
    const char *missing = ks_folder_missing_table(db->folder, false);
    if (missing && !rebuild)
        return refuse_damaged(db, db->folder, false);
    if (rebuild && !missing) {
        st = open_rebuild(db, flags);
        db->building = st == KS_OK;
        /* A damaged database cannot be opened to hold its lock, and has
         * nothing worth keeping until the new one is complete: build over it. */
        if (st != KS_ERR_CORRUPT || db->rebuild_lock)
            return st;
    }
    st = shim_db_open(&db->shim, db->path, open_mode_of(flags), &db->error);
    if (st != KS_OK)
        return st;
    if (!rebuild && (st = refuse_damaged_open(db, db->folder)) != KS_OK)
        return st;
    /* Holding the lock, this writer knows no rebuild is running. */
    ks_buf leftover = {0};
    if (rebuild_path_of(db->folder, &leftover) == KS_OK)
        ks_build_remove_leftovers(leftover.data);
    ks_buf_free(&leftover);
    st = check_every_part(db);
    if (st == KS_OK && rebuild)
        st = write_versions(db);
    return st;
}

KS_API ks_status ks_db_open(ks_db **out, const char *path, unsigned flags)
{
    ks_status st = check_open_arguments(out, path, flags);
    if (st != KS_OK)
        return st;
    ks_db *db = new_handle(out, path);
    if (!db)
        return KS_ERR_NOMEM;
    db->writable = (flags & KS_OPEN_WRITE) != 0;
    if (!db->path || !db->folder)
        return KS_ERR_NOMEM;
    st = ks_analyzer_new(&db->analyzer);
    if (st != KS_OK)
        return ks_db_fail(db, st, "cannot start the analyzer: %s", ks_status_string(st));
    unsigned shards;
    if (ks_shard_layout_read(db->path, &shards) == KS_OK) {
        if (db->writable && (st = lock_folder(db, flags)) != KS_OK)
            return st;
        return open_sharded(db, flags, shards);
    }
    bool own_folder = strcmp(db->path, SHIM_MEMORY_PATH) != 0;
    if (db->writable && own_folder)
        return open_folder_writer(db, flags);
    if (own_folder && !ks_folder_has(db->folder, "XAPIANDB") &&
        (st = refuse_damaged(db, db->folder, false)) != KS_OK)
        return st;
    st = shim_db_open(&db->shim, db->path, open_mode_of(flags), &db->error);
    if (st != KS_OK)
        return explain_missing_database(db, st);
    if (own_folder && !ks_folder_has(db->folder, "XAPIANDB") && shim_db_part_count(db->shim) == 1 &&
        (st = refuse_damaged_open(db, db->folder)) != KS_OK)
        return st;
    st = check_every_part(db);
    if (st == KS_OK && db->writable && (flags & KS_OPEN_REBUILD))
        st = write_versions(db);
    return st;
}

static ks_status close_handle(ks_db *db, bool keep_rebuild)
{
    if (!db)
        return KS_OK;
    ks_status st = db->rebuild_lock ? close_rebuild(db, keep_rebuild) : KS_OK;
    ks_file_facts_drop_pending(db);
    free(db->rebuild_path);
    free(db->folder);
    int lock_fd = db->lock_fd;
    /* The writer's part: its database (unless the rebuild closed it) and
     * buffers. */
    ks_status closed = ks_writer_close(db);
    if (lock_fd >= 0)
        close(lock_fd); /* after Xapian's lock, released above */
    return st == KS_OK ? closed : st;
}

KS_API ks_status ks_db_close(ks_db *db)
{
    return close_handle(db, true);
}

KS_API ks_status ks_db_abandon(ks_db *db)
{
    return close_handle(db, false);
}

KS_API ks_status ks_db_set_build_threads(ks_db *db, unsigned threads)
{
    if (!db || db->build)
        return KS_ERR_INVALID_ARGUMENT;
    db->build_threads = threads;
    return KS_OK;
}

ks_status ks_db_set_build_part_bytes(ks_db *db, size_t bytes)
{
    if (!db || db->build)
        return KS_ERR_INVALID_ARGUMENT;
    db->build_part_bytes = bytes;
    return KS_OK;
}

KS_API void ks_db_pending(ks_db *db, size_t *articles, size_t *passages)
{
    size_t pending_articles = 0, pending_passages = 0;
    if (db && db->build)
        ks_build_pending(db->build, &pending_articles, &pending_passages);
    if (articles)
        *articles = pending_articles;
    if (passages)
        *passages = pending_passages;
}

KS_API const char *ks_db_path(const ks_db *db)
{
    return db ? db->path : "";
}

KS_API ks_status ks_db_commit(ks_db *db)
{
    if (!db || !db->shim)
        return KS_ERR_INVALID_ARGUMENT;
    if (!db->writable)
        return ks_db_fail(db, KS_ERR_READ_ONLY, "%s is open for reading only", db->path);
    /* A rebuild's workers commit their parts as Xapian's buffers fill; the
     * result becomes visible at ks_db_close() anyway. */
    if (db->build)
        return ks_build_status(db->build, db);
    ks_status st = set_updated(db->shim);
    return st == KS_OK ? ks_writer_commit(db) : ks_db_fail_shim(db, st);
}

KS_API ks_status ks_db_put_article(ks_db *db, const ks_article *article, ks_change *out_change,
                                   size_t *out_passages)
{
    if (!db || !article || !article->id || !*article->id || !article->body)
        return KS_ERR_INVALID_ARGUMENT;
    if (!db->writable)
        return ks_db_fail(db, KS_ERR_READ_ONLY, "%s is open for reading only", db->path);
    if (db->building) {
        ks_status st = db->build ? KS_OK : ks_build_start(db, db->build_threads, &db->build);
        ks_change change;
        if (st == KS_OK)
            st = ks_build_put(db->build, db, article, &change, out_passages);
        if (st != KS_OK)
            return st;
        /* A repeated id: which file its earlier version came from is in a
         * worker's part, so every file's facts go. */
        ks_file_facts_forget(db, change == KS_CHANGE_ADDED
                                     ? (article->origin ? article->origin : "")
                                     : NULL);
        if (out_change)
            *out_change = change;
        return KS_OK;
    }
    ks_db_focus_article(db, article->id);
    uint64_t hash = ks_article_hash(article);
    ks_article_record old;
    char *old_origin = NULL;
    ks_status st = ks_record_read(db, article->id, &old, &old_origin);
    bool existed = st == KS_OK;
    if (st == KS_ERR_NOT_FOUND)
        st = KS_OK;
    ks_change change = existed ? KS_CHANGE_UPDATED : KS_CHANGE_ADDED;
    const char *origin = article->origin ? article->origin : "";
    bool moved = existed && strcmp(old_origin ? old_origin : "", origin) != 0;
    bool unchanged = existed && old.content_hash == hash;
    /* First: a failure halfway must not leave them standing. */
    if (st == KS_OK && (!unchanged || moved))
        st = ks_file_facts_forget(db, origin);
    if (st == KS_OK && moved)
        st = ks_file_facts_forget(db, old_origin);
    size_t passages = 0;
    if (st == KS_OK && unchanged) {
        change = KS_CHANGE_UNCHANGED;
        passages = old.passages;
        /* Keep the cheap checks (and the origin, for --prune) current. */
        if (old.source_size != article->source_size || old.source_mtime != article->source_mtime ||
            moved) {
            ks_buf meta_key = {0};
            st = article_metadata_key(article->id, &meta_key);
            if (st == KS_OK)
                st = write_record(db, meta_key.data, article, hash, passages);
            ks_buf_free(&meta_key);
        }
    } else if (st == KS_OK) {
        ks_passage_list_free(&db->passages);
        st = ks_passage_split(article->body, article->body_len, article->title, &db->passages);
        if (st != KS_OK)
            st = ks_db_fail(db, st, "cannot split %s into passages: %s", article->id,
                            ks_status_string(st));
        else
            st = ks_db_store_article(db, article, hash, &db->passages, existed);
        passages = db->passages.count;
    }
    ks_db_unfocus(db);
    free(old_origin);
    if (st == KS_OK) {
        if (out_change)
            *out_change = change;
        if (out_passages)
            *out_passages = passages;
    }
    return st;
}

/* An article's record wherever it is: in a build's part, a shard, or one
 * of the databases a stub lists. */
static ks_status find_record(ks_db *db, const char *id, ks_article_record *out,
                             char **out_origin)
{
    if (!db->build)
        return ks_record_find(db, id, out, out_origin);
    /* Most lookups during a rebuild are for articles not yet put: answer
     * those without waiting for the workers. */
    if (!ks_build_has(db->build, id))
        return KS_ERR_NOT_FOUND;
    ks_db *part = ks_build_settled_part(db->build, id, 0);
    return part ? ks_record_find(part, id, out, out_origin) : ks_build_status(db->build, db);
}

KS_API ks_status ks_db_article_record(ks_db *db, const char *id, ks_article_record *out)
{
    if (!db || !id || !out)
        return KS_ERR_INVALID_ARGUMENT;
    return find_record(db, id, out, NULL);
}

KS_API ks_status ks_db_article_origin(ks_db *db, const char *id, char **out_origin)
{
    if (!db || !id || !out_origin)
        return KS_ERR_INVALID_ARGUMENT;
    *out_origin = NULL;
    ks_article_record record;
    return find_record(db, id, &record, out_origin);
}

static ks_status no_article(ks_db *db, const char *id)
{
    return ks_db_fail(db, KS_ERR_NOT_FOUND, "no article %s in %s", id, db->path);
}

/* During a build the article is in one of its worker's parts, and which
 * file it came from is only there: every file's facts go. */
static ks_status remove_during_build(ks_db *db, const char *id)
{
    ks_article_record record;
    ks_status st = ks_db_article_record(db, id, &record);
    if (st != KS_OK)
        return st == KS_ERR_NOT_FOUND ? no_article(db, id) : st;
    ks_db *part = ks_build_settled_part(db->build, id, 0);
    if (!part)
        return ks_build_status(db->build, db);
    st = ks_db_delete_article(part, id);
    if (st != KS_OK)
        return ks_db_fail(db, st, "%s", ks_db_error(part));
    return ks_file_facts_forget(db, NULL);
}

KS_API ks_status ks_db_remove_article(ks_db *db, const char *id)
{
    if (!db || !id)
        return KS_ERR_INVALID_ARGUMENT;
    if (!db->writable)
        return ks_db_fail(db, KS_ERR_READ_ONLY, "%s is open for reading only", db->path);
    if (db->build)
        return remove_during_build(db, id);
    ks_db_focus_article(db, id);
    ks_article_record record;
    char *origin = NULL;
    ks_status st = ks_record_read(db, id, &record, &origin);
    if (st == KS_ERR_NOT_FOUND)
        no_article(db, id);
    /* First: a failure halfway must not leave them standing. */
    if (st == KS_OK)
        st = ks_file_facts_forget(db, origin);
    if (st == KS_OK)
        st = ks_db_delete_article(db, id);
    free(origin);
    ks_db_unfocus(db);
    return st;
}

/* ------------------------------------------------------------------------ */
/* Walks and statistics.                                                    */

KS_API ks_status ks_db_each_article(ks_db *db, ks_article_visitor visit, void *context,
                                    int *out_visit_result)
{
    if (!db || !visit)
        return KS_ERR_INVALID_ARGUMENT;
    if (!db->build)
        return ks_record_each(db, visit, context, out_visit_result);
    int result = 0;
    ks_status st = KS_OK;
    for (size_t i = 0; i < ks_build_part_count(db->build) && st == KS_OK && !result; i++) {
        ks_db *part = ks_build_settled_part(db->build, NULL, i);
        st = part ? ks_record_each(part, visit, context, &result)
                  : ks_build_status(db->build, db);
        if (st != KS_OK && part)
            ks_db_fail(db, st, "%s", ks_db_error(part));
    }
    if (st == KS_OK && out_visit_result)
        *out_visit_result = result;
    return st;
}

static int count_article(void *context, const char *id, const char *origin)
{
    (void)id;
    (void)origin;
    (*(uint64_t *)context)++;
    return 0;
}

static uint64_t folder_bytes(const char *path)
{
    DIR *dir = opendir(path);
    if (!dir)
        return 0;
    uint64_t total = 0;
    struct dirent *entry;
    char file[4096];
    struct stat info;
    while ((entry = readdir(dir))) {
        snprintf(file, sizeof file, "%s/%s", path, entry->d_name);
        if (stat(file, &info) == 0 && S_ISREG(info.st_mode))
            total += (uint64_t)info.st_size;
    }
    closedir(dir);
    return total;
}

KS_API ks_status ks_db_stats_get(ks_db *db, ks_db_stats *out)
{
    if (!db || !out)
        return KS_ERR_INVALID_ARGUMENT;
    memset(out, 0, sizeof *out);
    ks_status st = ks_db_each_article(db, count_article, &out->articles, NULL);
    if (st != KS_OK)
        return st;
    st = shim_db_doc_count(db->shim, &out->passages);
    if (st == KS_OK)
        st = shim_db_term_count(db->shim, &out->terms);
    if (st != KS_OK)
        return ks_db_fail_shim(db, st);
    bool found;
    unsigned updated_low;
    if ((st = read_unsigned_metadata(db, META_FORMAT, &out->index_format, &found)) != KS_OK ||
        (st = read_unsigned_metadata(db, META_ANALYZER, &out->analyzer, &found)) != KS_OK ||
        (st = read_unsigned_metadata(db, META_UPDATED, &updated_low, &found)) != KS_OK)
        return st;
    out->last_update = found ? strtoll(db->scratch.data, NULL, 10) : 0;
    out->bytes_on_disk = folder_bytes(db->path);
    ks_buf shard = {0};
    for (unsigned i = 0; i < db->shards; i++)
        if (ks_shard_path(db->path, i, &shard) == KS_OK)
            out->bytes_on_disk += folder_bytes(shard.data);
    ks_buf_free(&shard);
    return KS_OK;
}

struct passage_walk {
    ks_passage_visitor visit;
    void *context;
    ks_buf record;
    bool damaged;
};

static int visit_passage_data(void *context, const char *data, size_t len)
{
    struct passage_walk *walk = context;
    ks_passage_info info;
    if (ks_passage_data_read(data, len, &walk->record, &info, NULL) != KS_OK) {
        walk->damaged = true;
        return 1;
    }
    return walk->visit(walk->context, &info);
}

KS_API ks_status ks_db_each_passage(ks_db *db, ks_passage_visitor visit, void *context)
{
    if (!db || !visit)
        return KS_ERR_INVALID_ARGUMENT;
    struct passage_walk walk = {visit, context, {0}, false};
    ks_status st = shim_db_each_document(db->shim, visit_passage_data, &walk);
    ks_buf_free(&walk.record);
    if (st != KS_OK)
        return ks_db_fail_shim(db, st);
    if (walk.damaged)
        return ks_db_fail(db, KS_ERR_CORRUPT, "a passage's stored data in %s is unreadable",
                          db->path);
    return KS_OK;
}

/* An article's passages, gathered to be handed over in passage order. */
struct stored_passage {
    ks_buf record; /* the stored data as a UTF-8 record, which info points into */
    ks_passage_info info;
};

struct article_passages {
    struct stored_passage *items;
    size_t count, cap;
    ks_status status;
};

static int collect_article_passage(void *context, const char *data, size_t len)
{
    struct article_passages *all = context;
    ks_status st = ks_grow((void **)&all->items, &all->cap, all->count + 1, sizeof *all->items);
    if (st == KS_OK) {
        struct stored_passage *item = &all->items[all->count++]; /* freed even when unreadable */
        *item = (struct stored_passage){0};
        st = ks_passage_data_read(data, len, &item->record, &item->info, NULL);
    }
    all->status = st;
    return st != KS_OK;
}

static int by_passage_number(const void *a, const void *b)
{
    const struct stored_passage *x = a, *y = b;
    return (x->info.passage > y->info.passage) - (x->info.passage < y->info.passage);
}

KS_API ks_status ks_db_each_article_passage(ks_db *db, const char *id, ks_passage_visitor visit,
                                            void *context)
{
    if (!db || !db->shim || !id || !visit)
        return KS_ERR_INVALID_ARGUMENT;
    ks_buf term = {0};
    struct article_passages all = {0};
    ks_status st = ks_article_term(id, &term);
    if (st == KS_OK && (st = shim_db_each_posting_data(db->shim, term.data,
                                                       collect_article_passage, &all)) != KS_OK)
        ks_db_fail_shim(db, st);
    else if (st == KS_OK && all.status != KS_OK)
        st = all.status == KS_ERR_NOMEM
                 ? ks_db_fail(db, KS_ERR_NOMEM, "out of memory")
                 : ks_db_fail(db, KS_ERR_CORRUPT, "a passage's stored data in %s is unreadable",
                              db->path);
    else if (st == KS_OK && all.count == 0)
        st = no_article(db, id);
    else if (st != KS_OK)
        ks_db_fail(db, st, "out of memory");
    /* A long id's key is a hash: keep only the article asked for. */
    if (st == KS_OK) {
        qsort(all.items, all.count, sizeof *all.items, by_passage_number);
        for (size_t i = 0; i < all.count; i++)
            if (strcmp(all.items[i].info.id, id) == 0 && visit(context, &all.items[i].info))
                break;
    }
    for (size_t i = 0; i < all.count; i++)
        ks_buf_free(&all.items[i].record);
    free(all.items);
    ks_buf_free(&term);
    return st;
}
