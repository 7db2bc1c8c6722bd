/* Passages -> Xapian documents, and the database handle that holds them.
 *
 * INDEX FORMAT (version KS_INDEX_FORMAT_VERSION; bump it on any change here)
 *
 * One Xapian document per passage.
 *   Terms, all produced by the analyzer (analyze.c) from the passage text:
 *     <text>           SURFACE, STEM and COMPOUND terms, unprefixed. The one
 *                      term a phrase or proximity query uses for a word
 *                      (query.c's base_term: the stem, or the surface of a
 *                      word without one) is positioned at the word ordinal;
 *                      the others carry no positions (phrase_position).
 *     B<text>          syllable BIGRAM terms of each word's stem, without
 *                      positions: the part 봉사단 of 깔끔이봉사단 is found as
 *                      AND(B봉사, B사단) (query.c says why no phrase).
 *     BI<text>         instead of B<text>, a bigram inside a longer
 *                      hunspell-ko noun that goes on past it (lexicon.c):
 *                      청소 in 청소년. A query word of two syllables does
 *                      not match it (청소 finds 대청소 and 청소활동, not
 *                      청소년); a longer one does (구로구 finds 구로구청장).
 *   Terms made from the analyzer's by hangul.c (ks_input_index_terms):
 *     H<reading>       the Hangul reading of each run of adjacent Hanja words
 *                      (libhangul's dictionary), at the position of the run's
 *                      first word, unless the text gives the reading as a
 *                      word too (행정(行政)). Within-document frequency 0: it
 *                      finds 九老區 for 구로구 without changing any passage's
 *                      length or any other term's statistics.
 *     T<text>, TB<text> the title's SURFACE, STEM and COMPOUND terms, and its
 *                      BIGRAM terms, without positions: for title:WORD,
 *                      and as context that ranks (query.c: a passage under
 *                      a title that names the query ranks higher), but a
 *                      passage is found by its own text only, and a word
 *                      it writes counts before one its title gives it.
 *     S<text>, SB<text> the same for the section heading, for section:WORD
 *                      and as context. Query words look for their context
 *                      as one synonym group of the T and S terms.
 *   Boolean terms:
 *     A<key>           the article the passage belongs to (delete by this term
 *                      to remove an article's passages together).
 *   <key> is the article id, or "#" and the 64 hex digits of its SHA-256
 *   when the id is longer than KS_MAX_ID_KEY bytes (Xapian limits term
 *   length) or itself starts with "#": the two kinds of key never meet, and
 *   no chosen id can take another's key.
 *   Value slot 0 (KS_SLOT_DATE): the article's day, "YYYY-MM-DD", for
 *   date filters and sorting (string order is date order); no value when
 *   the date is unknown.
 *   Value slot 1 (KS_SLOT_ORDER): the article id, a NUL byte and the passage
 *   number as 4 bytes big-endian: equal scores rank in this order, so a
 *   ranking never depends on how the index was built (incrementally, in
 *   parallel, in shards).
 *   Data: the fields id, passage number, title, section, date, url and text,
 *   separated by NUL bytes, in BOCU-1 (ks_passage_data_write); the text is
 *   the passage as written, so highlights are byte offsets into its UTF-8.
 *   The date is ISO 8601 as ks_date_normalize() writes it, or "" when the
 *   article's date was missing or unreadable (then the date found in the
 *   body's furniture, "승인 2015.01.09 20:39", when there is one).
 *
 * Metadata:
 *   kosearch.format     index format version (decimal)
 *   kosearch.analyzer   analyzer version (decimal)
 *   kosearch.updated    Unix time of the last commit
 *   synonym:<word>      the other words of the synonym groups holding <word>
 *                       (normalized, space-separated), from 'kosearch
 *                       synonyms'; read at query time, so no reindexing.
 *   kosearch.shards     in a shard: the number of shards (decimal)
 *   A:<key>             "<hash> <size> <mtime> <passages> <n> " (numbers in
 *                       base 36, hash 64-bit), then n bytes naming
 *                       the file the article came from (origin_field: the id
 *                       itself, an origin:<hash> entry, or the path), then its
 *                       id when <key> is a hash of it: what the source looked
 *                       like when indexed, for cheap change detection and
 *                       pruning on reindexing. One per article: kept short.
 *   origin:<hash>       the path of a file articles came from (a JSONL file),
 *                       stored once for all of them; <hash> is ks_hash64 of
 *                       the path in base 36. Kept when its articles go.
 *   F:<hash>            "<size> <mtime> <articles> <c|u> <path>" (numbers in
 *                       base 36, <hash> as for origin:; c when complete, u
 *                       when other articles from the file may remain; an
 *                       entry without the letter reads as u): a JSONL file's facts
 *                       (ks_db_set_file_facts), deleted when any article
 *                       from that file changes or leaves it. Not in shards.
 *
 * Shards (kosearch index --shards N): PATH holds the databases PATH/shard-0
 * ... PATH/shard-(N-1), each laid out as above with its own metadata, and
 * the Xapian stub file PATH/XAPIANDB with the lines "auto shard-0" ...
 * "auto shard-(N-1)", so any Xapian reader opens PATH as one database.
 * An article and its record live in shard ks_hash64(id) % N (FNV-1a over
 * the id's bytes), so reindexing finds it again; N is fixed at creation.
 * Each shard commits atomically on its own.
 *
 * Beside the tables (folder.c): while a new database is created, the empty
 * file kosearch.creating, so that a creation cut short is told apart from a
 * damaged database; writers hold flock() on the folder itself.
 *
 * Atomicity: nothing is visible before a commit, and Xapian commits are
 * atomic, so an article's passages appear and disappear together as long as
 * commits happen only between articles. */
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

/* Format 9 added the date and order value slots, the context terms and the
 * title and section terms (a passage is found by its own text alone), and
 * keys long ids (and ids starting with "#") by SHA-256 instead of "#" and 16
 * hex digits of FNV-1a, under which a crafted id could take a long id's key.
 * Older indexes (8, and 7 without file facts) lack the slot and the terms,
 * so date filters and fields would silently find nothing there; they are
 * refused with the rebuild message instead. */
/* Format 10 dropped the C and CB context terms, which repeated the T and S
 * terms of every passage (a tenth of all postings): the T and S terms rank
 * instead, with within-document frequency 1 as the C terms had. */
#define KS_INDEX_FORMAT_VERSION 10
#define KEY_HASHED '#'
#define KS_MAX_ID_KEY 180

#define META_FORMAT "kosearch.format"
#define META_ANALYZER "kosearch.analyzer"
#define META_UPDATED "kosearch.updated"
#define META_SHARDS "kosearch.shards"
#define META_ARTICLE_PREFIX "A:" /* short: one per article */
#define META_ORIGIN_PREFIX "origin:"
#define META_FILE_PREFIX "F:"

/* Every flag of ks_open_flags: anything else is refused rather than ignored,
 * since an unknown bit may mean something to a newer kosearch. */
#define KS_OPEN_PUBLIC_FLAGS                                                              \
    (KS_OPEN_WRITE | KS_OPEN_WAIT | KS_OPEN_REBUILD | KS_OPEN_ALLOW_PARTIAL | KS_OPEN_BUILD_NEW | \
     KS_OPEN_EXISTING)

/* File facts recorded during a build (ks_db.build_facts). */
struct pending_file_facts {
    char *path;
    ks_file_facts facts;
};
static ks_status write_file_facts(ks_db *db, struct shim_db *shim, const char *path,
                                  const ks_file_facts *facts);
static void drop_build_facts(ks_db *db);

KS_API const char *ks_version(void)
{
    return KS_VERSION_STRING;
}

KS_API unsigned ks_index_format_version(void)
{
    return KS_INDEX_FORMAT_VERSION;
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

KS_API const char *ks_status_string(ks_status status)
{
    switch (status) {
    case KS_OK: return "success";
    case KS_ERR_NOMEM: return "out of memory";
    case KS_ERR_INVALID_ARGUMENT: return "invalid argument";
    case KS_ERR_IO: return "input/output error";
    case KS_ERR_NOT_FOUND: return "not found";
    case KS_ERR_LOCKED: return "database is locked";
    case KS_ERR_CORRUPT: return "database is damaged";
    case KS_ERR_VERSION: return "database needs rebuilding";
    case KS_ERR_READ_ONLY: return "database is read-only";
    case KS_ERR_BAD_QUERY: return "query syntax error";
    case KS_ERR_BAD_INPUT: return "malformed input";
    case KS_ERR_ENCODING: return "unsupported text encoding";
    case KS_ERR_INTERRUPTED: return "interrupted";
    case KS_ERR_BACKEND: return "Xapian error";
    case KS_ERR_UNAVAILABLE: return "shard unavailable";
    case KS_ERR_INTERNAL: return "internal error";
    case KS_STATUS_LAST: break;
    }
    return "unknown status";
}

ks_status ks_db_fail(ks_db *db, ks_status status, const char *format, ...)
{
    va_list args;
    char message[1024];
    va_start(args, format);
    vsnprintf(message, sizeof message, format, args);
    va_end(args);
    ks_buf_clear(&db->error);
    ks_buf_append_str(&db->error, message);
    return status;
}

ks_status ks_db_fail_shim(ks_db *db, ks_status status)
{
    return ks_db_fail(db, status, "%s", shim_db_error(db->shim));
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

static ks_status write_versions(ks_db *db)
{
    char number[32];
    snprintf(number, sizeof number, "%u", KS_INDEX_FORMAT_VERSION);
    ks_status st = shim_db_set_metadata(db->shim, META_FORMAT, number);
    if (st == KS_OK) {
        snprintf(number, sizeof number, "%u", ks_analyzer_version());
        st = shim_db_set_metadata(db->shim, META_ANALYZER, number);
    }
    return st == KS_OK ? KS_OK : ks_db_fail_shim(db, st);
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
    if (format != KS_INDEX_FORMAT_VERSION || analyzer != ks_analyzer_version())
        return ks_db_fail(db, KS_ERR_VERSION,
                          "%s was built with index format %u and analyzer %u, this kosearch "
                          "uses format %u and analyzer %u; rebuild it with "
                          "'kosearch index --rebuild PATH...'",
                          db->path, format, analyzer, KS_INDEX_FORMAT_VERSION,
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
    if (flags & KS_OPEN_BUILD_PART)
        return SHIM_SCRATCH;
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
 * facts of the files read during a build are written now, as the workers'
 * parts hold articles only. */
static ks_status complete_rebuilt(ks_db *db)
{
    shim_db *rebuilt;
    ks_buf error = {0};
    ks_status st = shim_db_open(&rebuilt, db->rebuild_path, SHIM_WRITE, &error);
    if (st == KS_OK) {
        st = ks_synonyms_copy(db->rebuild_lock, rebuilt);
        if (st != KS_OK)
            ks_buf_printf(&error, "%s", shim_db_error(rebuilt));
        for (size_t i = 0; i < db->build_fact_count && st == KS_OK; i++)
            st = write_file_facts(db, rebuilt, db->build_facts[i].path, &db->build_facts[i].facts);
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

KS_API ks_status ks_db_open_shards(ks_db **out, const char *path, unsigned flags,
                                   unsigned shards)
{
    if (!out)
        return KS_ERR_INVALID_ARGUMENT;
    *out = NULL;
    if (flags & ~(unsigned)KS_OPEN_PUBLIC_FLAGS)
        return KS_ERR_INVALID_ARGUMENT;
    if (!path || !*path)
        return KS_ERR_INVALID_ARGUMENT;
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
        ks_status st = ks_shard_layout_create(path, shards, &error);
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

static ks_status open_with_flags(ks_db **out, const char *path, unsigned flags);

KS_API ks_status ks_db_open(ks_db **out, const char *path, unsigned flags)
{
    if (!out)
        return KS_ERR_INVALID_ARGUMENT;
    *out = NULL;
    if (flags & ~(unsigned)KS_OPEN_PUBLIC_FLAGS)
        return KS_ERR_INVALID_ARGUMENT;
    return open_with_flags(out, path, flags);
}

ks_status ks_db_open_build_part(ks_db **out, const char *path)
{
    if (!out)
        return KS_ERR_INVALID_ARGUMENT;
    *out = NULL;
    return open_with_flags(out, path, KS_OPEN_WRITE | KS_OPEN_BUILD_PART);
}

static ks_status open_with_flags(ks_db **out, const char *path, unsigned flags)
{
    if (!path || !*path)
        return KS_ERR_INVALID_ARGUMENT;
    ks_db *db = new_handle(out, path);
    if (!db)
        return KS_ERR_NOMEM;
    db->writable = (flags & KS_OPEN_WRITE) != 0;
    if (!db->path || !db->folder)
        return KS_ERR_NOMEM;
    ks_status st = ks_analyzer_new(&db->analyzer);
    if (st != KS_OK)
        return ks_db_fail(db, st, "cannot start the analyzer: %s", ks_status_string(st));
    unsigned shards;
    if (ks_shard_layout_read(db->path, &shards) == KS_OK) {
        if (db->writable && (st = lock_folder(db, flags)) != KS_OK)
            return st;
        return open_sharded(db, flags, shards);
    }
    /* A build's own parts are fresh folders of its own. */
    bool own_folder = strcmp(db->path, SHIM_MEMORY_PATH) != 0 && !(flags & KS_OPEN_BUILD_PART);
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
    ks_status st = KS_OK;
    if (db->rebuild_lock) {
        st = close_rebuild(db, keep_rebuild);
    } else if (db->shim) {
        ks_buf ignored = {0};
        st = shim_db_close(db->shim, &ignored);
        ks_buf_free(&ignored);
    }
    ks_analyzer_free(db->analyzer);
    ks_passage_list_free(&db->passages);
    ks_buf_free(&db->scratch);
    ks_buf_free(&db->passage_record);
    ks_buf_free(&db->error);
    drop_build_facts(db);
    if (db->lock_fd >= 0)
        close(db->lock_fd); /* after Xapian's lock, released above */
    free(db->rebuild_path);
    free(db->folder);
    free(db->path);
    free(db);
    return st;
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

KS_API const char *ks_db_error(const ks_db *db)
{
    return db && db->error.data ? db->error.data : "";
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
    char now[32];
    snprintf(now, sizeof now, "%lld", (long long)time(NULL));
    ks_status st = shim_db_set_metadata(db->shim, META_UPDATED, now);
    if (st == KS_OK)
        st = shim_db_commit(db->shim);
    return st == KS_OK ? KS_OK : ks_db_fail_shim(db, st);
}

/* ------------------------------------------------------------------------ */
/* Article records.                                                         */

/* The key naming an article in terms and metadata: the id itself, or "#"
 * and its SHA-256 when too long for a Xapian term or starting with "#" (so
 * that no id can be mistaken for another's hash). */
static ks_status article_key(const char *id, ks_buf *out)
{
    ks_buf_clear(out);
    size_t len = strlen(id);
    if (len <= KS_MAX_ID_KEY && id[0] != KEY_HASHED)
        return ks_buf_append(out, id, len);
    char digest[KS_SHA256_HEX_SIZE];
    ks_sha256_hex(id, len, digest);
    return ks_buf_printf(out, "%c%s", KEY_HASHED, digest);
}

ks_status ks_article_term(const char *id, ks_buf *out)
{
    ks_buf key = {0};
    ks_status st = article_key(id, &key);
    ks_buf_clear(out);
    if (st == KS_OK)
        st = ks_buf_printf(out, KS_PREFIX_ARTICLE "%s", key.data);
    ks_buf_free(&key);
    return st;
}

static ks_status article_metadata_key(const char *id, ks_buf *out)
{
    ks_buf key = {0};
    ks_status st = article_key(id, &key);
    if (st == KS_OK) {
        ks_buf_clear(out);
        st = ks_buf_printf(out, META_ARTICLE_PREFIX "%s", key.data);
    }
    ks_buf_free(&key);
    return st;
}

/* A record's numbers are written in base 36 (a Unix time takes 6 digits
 * instead of 10): there is one record per article. */
static const char *base36(uint64_t value, char out[14])
{
    char *at = out + 13;
    *at = '\0';
    do {
        *--at = "0123456789abcdefghijklmnopqrstuvwxyz"[value % 36];
        value /= 36;
    } while (value);
    return at;
}

/* Reads a base-36 number and the space after it. */
static bool read_base36(const char **at, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long value = strtoull(*at, &end, 36);
    if (end == *at || *end != ' ' || errno)
        return false;
    *out = value;
    *at = end + 1;
    return true;
}

/* The file an article came from, as its record holds it: nothing; "i" when
 * it is the article's id (a text file); "r" and the base-36 hash naming the
 * metadata origin:<hash> that holds the path once for every article of a JSONL
 * file; or "p" and the path itself when that entry holds another path. */
#define ORIGIN_IS_ID 'i'
#define ORIGIN_REFERENCE 'r'
#define ORIGIN_PATH 'p'

/* A path's ks_hash64 in base 36: it names the path's origin: and F: entries. */
static const char *path_reference(const char *path, char digits[14])
{
    return base36(ks_hash64(path, strlen(path)), digits);
}

/* The metadata key origin:<reference> of a base-36 path hash. */
static ks_status origin_key(const char *reference, size_t len, ks_buf *out)
{
    return ks_buf_printf(out, META_ORIGIN_PREFIX "%.*s", (int)len, reference);
}

static ks_status origin_field(ks_db *db, const char *origin, const char *id, ks_buf *out)
{
    if (!*origin)
        return KS_OK;
    if (strcmp(origin, id) == 0)
        return ks_buf_append(out, (char[]){ORIGIN_IS_ID}, 1);
    char digits[14];
    const char *reference = path_reference(origin, digits);
    ks_buf key = {0}, held = {0};
    ks_status st = origin_key(reference, strlen(reference), &key);
    if (st == KS_OK && (st = shim_db_get_metadata(db->shim, key.data, &held)) != KS_OK)
        ks_db_fail_shim(db, st);
    bool stored = st == KS_OK && held.len > 0 && strcmp(held.data, origin) == 0;
    if (st == KS_OK && held.len == 0) {
        if ((st = shim_db_set_metadata(db->shim, key.data, origin)) != KS_OK)
            ks_db_fail_shim(db, st);
        stored = st == KS_OK;
    }
    if (st == KS_OK)
        st = stored ? ks_buf_printf(out, "%c%s", ORIGIN_REFERENCE, reference)
                    : ks_buf_printf(out, "%c%s", ORIGIN_PATH, origin);
    ks_buf_free(&key);
    ks_buf_free(&held);
    return st;
}

/* The path an origin field names, "" for none; false when the field is not
 * one of the forms above or memory runs out. A reference whose entry is
 * missing reads as no origin, so --prune leaves that article alone. */
static bool resolve_origin(ks_db *db, const char *field, size_t len, const char *id, char **out)
{
    const char *path = "";
    size_t path_len = 0;
    ks_buf key = {0}, stored = {0};
    if (len > 0 && field[0] == ORIGIN_IS_ID && len == 1) {
        path = id;
        path_len = strlen(id);
    } else if (len > 0 && field[0] == ORIGIN_PATH) {
        path = field + 1;
        path_len = len - 1;
    } else if (len > 0 && field[0] == ORIGIN_REFERENCE && len >= 2 && len <= 14) {
        if (origin_key(field + 1, len - 1, &key) == KS_OK &&
            shim_db_get_metadata(db->shim, key.data, &stored) == KS_OK && stored.len > 0) {
            path = stored.data;
            path_len = stored.len;
        }
    } else if (len > 0) {
        return false;
    }
    *out = ks_strndup(path, path_len);
    ks_buf_free(&key);
    ks_buf_free(&stored);
    return *out != NULL;
}

/* Reads a record (format at the top of this file); `key` is the article's
 * key, its id unless the record carries the id. *out_id and *out_origin,
 * when asked for, are malloc'd. */
static bool parse_record(ks_db *db, const char *value, const char *key, ks_article_record *out,
                         char **out_id, char **out_origin)
{
    uint64_t hash, size, mtime, passages, origin_len;
    const char *at = value;
    if (!read_base36(&at, &hash) || !read_base36(&at, &size) || !read_base36(&at, &mtime) ||
        !read_base36(&at, &passages) || !read_base36(&at, &origin_len) ||
        strnlen(at, origin_len) < origin_len)
        return false;
    *out = (ks_article_record){.source_size = size, .source_mtime = (int64_t)mtime,
                               .content_hash = hash, .passages = (uint32_t)passages};
    const char *origin = at, *stored_id = origin + origin_len;
    const char *id = *stored_id ? stored_id : key;
    if (out_origin && !resolve_origin(db, origin, origin_len, id, out_origin))
        return false;
    if (out_id && !(*out_id = ks_strndup(id, strlen(id)))) {
        if (out_origin)
            free(*out_origin);
        return false;
    }
    return true;
}

/* Reads an article's record; *out_origin (when asked) is malloc'd. */
static ks_status read_record(ks_db *db, const char *id, ks_article_record *out, char **out_origin)
{
    ks_buf key = {0};
    ks_status st = article_metadata_key(id, &key);
    if (st == KS_OK) {
        st = shim_db_get_metadata(db->shim, key.data, &db->scratch);
        if (st != KS_OK)
            st = ks_db_fail_shim(db, st);
        else if (db->scratch.len == 0 ||
                 !parse_record(db, db->scratch.data, key.data, out, NULL, out_origin))
            st = KS_ERR_NOT_FOUND;
    }
    ks_buf_free(&key);
    return st;
}

/* Points metadata and document changes at the shard holding article `id`;
 * nothing to do for one database. */
static void focus_article(ks_db *db, const char *id)
{
    if (db->shards > 1)
        shim_db_focus(db->shim, (int)ks_shard_of(id, db->shards));
}

static void unfocus(ks_db *db)
{
    shim_db_focus(db->shim, -1);
}

/* An article's record wherever it is: in a build's part, a shard, or one
 * of the databases a stub lists. */
static ks_status find_record(ks_db *db, const char *id, ks_article_record *out,
                             char **out_origin)
{
    if (db->build) {
        /* Most lookups during a rebuild are for articles not yet put: answer
         * those without waiting for the workers. */
        if (!ks_build_has(db->build, id))
            return KS_ERR_NOT_FOUND;
        ks_db *part = ks_build_settled_part(db->build, id, 0);
        return part ? find_record(part, id, out, out_origin) : ks_build_status(db->build, db);
    }
    size_t parts = shim_db_part_count(db->shim);
    if (db->shards > 1 || parts <= 1) {
        focus_article(db, id);
        ks_status st = read_record(db, id, out, out_origin);
        unfocus(db);
        return st;
    }
    /* A stub of other shards: the article may be in any of them. */
    ks_status st = KS_ERR_NOT_FOUND;
    for (size_t i = 0; i < parts && st == KS_ERR_NOT_FOUND; i++) {
        shim_db_focus(db->shim, (int)i);
        st = read_record(db, id, out, out_origin);
    }
    unfocus(db);
    return st;
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

static ks_status write_record(ks_db *db, const char *meta_key, const ks_article *article,
                              uint64_t hash, size_t passages)
{
    /* The key holds the id itself unless the id is too long for it. */
    const char *id = strcmp(meta_key + strlen(META_ARTICLE_PREFIX), article->id) ? article->id : "";
    ks_buf origin = {0}, record = {0};
    ks_status st = origin_field(db, article->origin ? article->origin : "", article->id, &origin);
    if (st != KS_OK) {
        ks_buf_free(&origin);
        return st;
    }
    char digits[5][14];
    st = ks_buf_printf(&record, "%s %s %s %s %s %s%s", base36(hash, digits[0]),
                       base36(article->source_size, digits[1]),
                       base36((uint64_t)article->source_mtime, digits[2]),
                       base36(passages, digits[3]), base36(origin.len, digits[4]),
                       origin.data ? origin.data : "", id);
    if (st == KS_OK && (st = shim_db_set_metadata(db->shim, meta_key, record.data)) != KS_OK)
        ks_db_fail_shim(db, st);
    else if (st != KS_OK)
        ks_db_fail(db, st, "out of memory");
    ks_buf_free(&origin);
    ks_buf_free(&record);
    return st;
}

/* ------------------------------------------------------------------------ */
/* File facts: when a JSONL file may be skipped as unchanged.               */

/* A sharded database keeps no facts: each shard commits on its own, so the
 * facts of a file could be committed before some of its articles. */
static bool keeps_file_facts(ks_db *db)
{
    return db->building || (db->shards == 0 && shim_db_part_count(db->shim) <= 1);
}

static ks_status file_facts_key(const char *path, ks_buf *out)
{
    char digits[14];
    ks_buf_clear(out);
    return ks_buf_printf(out, META_FILE_PREFIX "%s", path_reference(path, digits));
}

static ks_status write_file_facts(ks_db *db, struct shim_db *shim, const char *path,
                                  const ks_file_facts *facts)
{
    ks_buf key = {0}, value = {0};
    char digits[3][14];
    ks_status st = file_facts_key(path, &key);
    if (st == KS_OK)
        st = ks_buf_printf(&value, "%s %s %s %c %s", base36(facts->size, digits[0]),
                           base36((uint64_t)facts->mtime, digits[1]),
                           base36(facts->articles, digits[2]), facts->complete ? 'c' : 'u',
                           path);
    if (st != KS_OK)
        ks_db_fail(db, st, "out of memory");
    else if ((st = shim_db_set_metadata(shim, key.data, value.data)) != KS_OK)
        ks_db_fail(db, st, "cannot record the facts of %s: %s", path, shim_db_error(shim));
    ks_buf_free(&key);
    ks_buf_free(&value);
    return st;
}

static struct pending_file_facts *find_build_facts(ks_db *db, const char *path)
{
    for (size_t i = 0; i < db->build_fact_count; i++)
        if (strcmp(db->build_facts[i].path, path) == 0)
            return &db->build_facts[i];
    return NULL;
}

static void drop_build_facts(ks_db *db)
{
    for (size_t i = 0; i < db->build_fact_count; i++)
        free(db->build_facts[i].path);
    free(db->build_facts);
    db->build_facts = NULL;
    db->build_fact_count = 0;
}

KS_API ks_status ks_db_set_file_facts(ks_db *db, const char *path, const ks_file_facts *facts)
{
    if (!db || !path || !*path || !facts)
        return KS_ERR_INVALID_ARGUMENT;
    if (!db->writable)
        return ks_db_fail(db, KS_ERR_READ_ONLY, "%s is open for reading only", db->path);
    if (!keeps_file_facts(db))
        return KS_OK;
    if (!db->building) {
        uint64_t hash = ks_hash64(path, strlen(path));
        for (size_t i = 0; i < COUNT_OF(db->forgotten_files); i++)
            if (db->forgotten_files[i] == hash)
                db->forgotten_files[i] = 0;
        return write_file_facts(db, db->shim, path, facts);
    }
    struct pending_file_facts *held = find_build_facts(db, path);
    if (!held) {
        struct pending_file_facts *grown =
            realloc(db->build_facts, (db->build_fact_count + 1) * sizeof *grown);
        char *copy = grown ? strdup(path) : NULL;
        if (grown)
            db->build_facts = grown;
        if (!copy)
            return ks_db_fail(db, KS_ERR_NOMEM, "out of memory");
        held = &db->build_facts[db->build_fact_count++];
        held->path = copy;
    }
    held->facts = *facts;
    return KS_OK;
}

KS_API ks_status ks_db_file_facts(ks_db *db, const char *path, ks_file_facts *out)
{
    if (!db || !path || !out)
        return KS_ERR_INVALID_ARGUMENT;
    if (db->building) {
        const struct pending_file_facts *held = find_build_facts(db, path);
        if (held)
            *out = held->facts;
        return held ? KS_OK : KS_ERR_NOT_FOUND;
    }
    if (!keeps_file_facts(db))
        return KS_ERR_NOT_FOUND;
    ks_buf key = {0};
    ks_status st = file_facts_key(path, &key);
    if (st == KS_OK && (st = shim_db_get_metadata(db->shim, key.data, &db->scratch)) != KS_OK)
        ks_db_fail_shim(db, st);
    ks_buf_free(&key);
    if (st != KS_OK)
        return st;
    /* The path is stored too: two paths may share a hash. */
    const char *at = db->scratch.data ? db->scratch.data : "";
    uint64_t size, mtime, articles;
    if (!read_base36(&at, &size) || !read_base36(&at, &mtime) || !read_base36(&at, &articles))
        return KS_ERR_NOT_FOUND;
    /* Entries written before the letter existed may be incomplete. */
    bool lettered = (at[0] == 'c' || at[0] == 'u') && at[1] == ' ';
    bool complete = lettered && at[0] == 'c';
    if (strcmp(lettered ? at + 2 : at, path) != 0)
        return KS_ERR_NOT_FOUND;
    *out = (ks_file_facts){.size = size, .mtime = (int64_t)mtime, .articles = articles,
                           .complete = complete};
    return KS_OK;
}

/* Forgets the facts of the file at `path` (NULL or "": none) after a change
 * to its articles; during a build, a NULL `path` forgets every file's, for
 * a change whose file is not known. */
static ks_status forget_file_facts(ks_db *db, const char *path)
{
    if (db->building) {
        struct pending_file_facts *held = path ? find_build_facts(db, path) : NULL;
        if (!path) {
            drop_build_facts(db);
        } else if (held) {
            free(held->path);
            *held = db->build_facts[--db->build_fact_count];
        }
        return KS_OK;
    }
    if (!path || !*path || !keeps_file_facts(db))
        return KS_OK;
    uint64_t hash = ks_hash64(path, strlen(path));
    for (size_t i = 0; i < COUNT_OF(db->forgotten_files); i++)
        if (db->forgotten_files[i] == hash)
            return KS_OK;
    ks_buf key = {0};
    ks_status st = file_facts_key(path, &key);
    if (st == KS_OK && (st = shim_db_set_metadata(db->shim, key.data, "")) != KS_OK)
        ks_db_fail_shim(db, st);
    else if (st != KS_OK)
        ks_db_fail(db, st, "out of memory");
    ks_buf_free(&key);
    if (st == KS_OK) {
        db->forgotten_files[db->forgotten_next] = hash;
        db->forgotten_next = (db->forgotten_next + 1) % COUNT_OF(db->forgotten_files);
    }
    return st;
}

/* ------------------------------------------------------------------------ */
/* Passage documents.                                                       */

typedef struct term_target {
    shim_doc *doc;
    bool positional;
} term_target;

/* Hanja readings count nothing toward a passage's length or any word's
 * statistics (wdf 0), so passages without Hanja rank exactly as before. */
static ks_status add_input_term(void *context, const char *reading, uint32_t position)
{
    term_target *target = context;
    char term[KS_MAX_TERM_BYTES + sizeof KS_PREFIX_READING];
    snprintf(term, sizeof term, KS_PREFIX_READING "%s", reading);
    return target->positional ? shim_doc_add_posting(target->doc, term, position, 0)
                              : shim_doc_add_term(target->doc, term, 0);
}

/* Whether terms[i] is the term phrases and proximity match its word by
 * (query.c's base_term): the stem, or the surface of a word without a stem.
 * The analyzer puts a word's stem right after its surface, and the same
 * word always gets the same stem, so a query never looks for the position
 * of a surface that has one. Leaving those out, and compounds', keeps a
 * third of the position entries out of the index. */
static bool phrase_position(const ks_term *terms, size_t count, size_t i)
{
    switch (terms[i].kind) {
    case KS_TERM_STEM:
        return true;
    case KS_TERM_SURFACE:
        return !(i + 1 < count && terms[i + 1].word == terms[i].word &&
                 terms[i + 1].kind == KS_TERM_STEM);
    default:
        return false;
    }
}

/* Adds the analyzer's terms, and the Hangul readings of Hanja made from them
 * (hangul.c); positions only when `positional`, and then only where a phrase
 * looks for them. */
static ks_status add_terms(ks_db *db, shim_doc *doc, const char *text, size_t len,
                           bool positional)
{
    const ks_term *terms;
    size_t count;
    ks_status st = ks_analyzer_run(db->analyzer, text, len, &terms, &count);
    if (st != KS_OK)
        return ks_db_fail(db, st, "analysis failed: %s", ks_status_string(st));
    char term[KS_MAX_TERM_BYTES + 8];
    const char *stem = NULL; /* of the word the next bigrams come from */
    size_t bigram_index = 0;
    for (size_t i = 0; i < count && st == KS_OK; i++) {
        const ks_term *t = &terms[i];
        if (i == 0 || t->word != terms[i - 1].word) {
            stem = NULL;
            bigram_index = 0;
        }
        if (t->kind == KS_TERM_STEM || (t->kind == KS_TERM_SURFACE && !stem))
            stem = t->text;
        /* Built by hand: this runs for every term of every passage. */
        const char *prefix = "";
        if (t->kind == KS_TERM_BIGRAM)
            prefix = stem && ks_lexicon_bigram_is_inner(stem, bigram_index++, t->text)
                         ? KS_PREFIX_INNER_BIGRAM
                         : KS_PREFIX_BIGRAM;
        size_t prefix_len = strlen(prefix);
        size_t text_len = strlen(t->text);
        if (prefix_len + text_len >= sizeof term)
            continue; /* the analyzer keeps terms shorter than this */
        memcpy(term, prefix, prefix_len);
        memcpy(term + prefix_len, t->text, text_len + 1);
        st = positional && phrase_position(terms, count, i)
                 ? shim_doc_add_posting(doc, term, t->position, 1)
                 : shim_doc_add_term(doc, term, 1);
    }
    term_target target = {doc, positional};
    if (st == KS_OK)
        st = ks_input_index_terms(terms, count, add_input_term, &target);
    return st == KS_OK ? KS_OK : ks_db_fail(db, st, "cannot build a document: %s",
                                            ks_status_string(st));
}

/* Passage data is stored in BOCU-1, Unicode's binary-ordered compression:
 * a Hangul syllable takes 2 bytes instead of UTF-8's 3, and Xapian's zlib
 * still finds repeats in it. Stored text is 10% smaller than as UTF-8 after
 * zlib (measured on the benchmark corpus), which is also less to deflate. */
#define STORED_CHARSET "BOCU-1"

ks_status ks_passage_data_write(const ks_article *article, const ks_passage *passage,
                                const char *date, ks_buf *record, ks_buf *out)
{
    if (memchr(passage->text, '\0', passage->len))
        return KS_ERR_BAD_INPUT;
    char number[16];
    snprintf(number, sizeof number, "%u", passage->number);
    const char *fields[] = {article->id, number, article->title, passage->section, date,
                            article->url};
    ks_buf_clear(record);
    ks_status st = KS_OK;
    for (size_t i = 0; i < sizeof fields / sizeof *fields && st == KS_OK; i++) {
        st = ks_buf_append_str(record, fields[i] ? fields[i] : "");
        if (st == KS_OK)
            st = ks_buf_append(record, "", 1);
    }
    if (st == KS_OK)
        st = ks_buf_append(record, passage->text, passage->len);
    ks_buf_clear(out);
    return st == KS_OK ? ks_convert_from_utf8(STORED_CHARSET, record->data, record->len, out) : st;
}

ks_status ks_passage_data_read(const char *stored, size_t len, ks_buf *record,
                               ks_passage_info *out, size_t *out_text_len)
{
    long bad_offset;
    ks_buf_clear(record);
    ks_status st = ks_convert_to_utf8(STORED_CHARSET, false, stored, len, record, &bad_offset);
    if (st == KS_OK && !record->data)
        st = ks_buf_append(record, "", 0);
    if (st != KS_OK)
        return st == KS_ERR_ENCODING ? KS_ERR_CORRUPT : st;
    const char *fields[7];
    const char *at = record->data, *end = record->data + record->len;
    for (size_t i = 0; i < 6; i++) {
        const char *nul = memchr(at, '\0', (size_t)(end - at));
        if (!nul)
            return KS_ERR_CORRUPT;
        fields[i] = at;
        at = nul + 1;
    }
    fields[6] = at;
    char *number_end;
    unsigned long number = strtoul(fields[1], &number_end, 10);
    if (*number_end || number > UINT32_MAX || memchr(at, '\0', (size_t)(end - at)))
        return KS_ERR_CORRUPT;
    *out = (ks_passage_info){.id = fields[0], .passage = (uint32_t)number, .title = fields[2],
                             .section = fields[3], .date = fields[4], .url = fields[5],
                             .text = fields[6]};
    if (out_text_len)
        *out_text_len = (size_t)(end - at);
    return KS_OK;
}

/* The KS_SLOT_ORDER value (see the top comment). */
static ks_status set_order_value(shim_doc *doc, const char *id, uint32_t number)
{
    size_t len = strlen(id);
    char *key = malloc(len + 5);
    if (!key)
        return KS_ERR_NOMEM;
    memcpy(key, id, len + 1);
    for (int i = 0; i < 4; i++)
        key[len + 1 + i] = (char)(number >> (24 - 8 * i));
    ks_status st = shim_doc_set_value(doc, KS_SLOT_ORDER, key, len + 5);
    free(key);
    return st;
}

/* A title's or heading's terms under the `field` prefix (T or S), which
 * title: and section: look for and which rank as context (see the top
 * comment). */
static ks_status add_context_terms(ks_db *db, shim_doc *doc, const char *text, const char *field)
{
    const ks_term *terms;
    size_t count;
    ks_status st = ks_analyzer_run(db->analyzer, text, strlen(text), &terms, &count);
    if (st != KS_OK)
        return ks_db_fail(db, st, "analysis failed: %s", ks_status_string(st));
    char term[KS_MAX_TERM_BYTES + 8];
    for (size_t i = 0; i < count && st == KS_OK; i++)
        /* The analyzer keeps terms shorter than the buffer. */
        if (snprintf(term, sizeof term, "%s%s%s", field,
                     terms[i].kind == KS_TERM_BIGRAM ? KS_PREFIX_BIGRAM : "",
                     terms[i].text) < (int)sizeof term)
            st = shim_doc_add_term(doc, term, 1);
    return st == KS_OK ? KS_OK : ks_db_fail(db, st, "cannot build a document: %s",
                                            ks_status_string(st));
}

static ks_status add_passage(ks_db *db, const ks_article *article, const char *article_term,
                             const ks_passage *passage, const char *date)
{
    shim_doc *doc;
    ks_status st = shim_doc_new(&doc);
    if (st != KS_OK)
        return ks_db_fail(db, st, "out of memory");
    st = add_terms(db, doc, passage->text, passage->len, true);
    if (st == KS_OK && article->title)
        st = add_context_terms(db, doc, article->title, KS_PREFIX_TITLE);
    if (st == KS_OK && passage->section && *passage->section)
        st = add_context_terms(db, doc, passage->section, KS_PREFIX_SECTION);
    if (st == KS_OK)
        st = shim_doc_add_boolean_term(doc, article_term);
    if (st == KS_OK && strlen(date) >= KS_SLOT_DATE_BYTES)
        st = shim_doc_set_value(doc, KS_SLOT_DATE, date, KS_SLOT_DATE_BYTES);
    if (st == KS_OK)
        st = set_order_value(doc, article->id, passage->number);
    if (st == KS_OK && (st = ks_passage_data_write(article, passage, date, &db->passage_record,
                                                   &db->scratch)) != KS_OK)
        ks_db_fail(db, st, "cannot store a passage of %s: %s", article->id, ks_status_string(st));
    if (st == KS_OK)
        st = shim_doc_set_data(doc, db->scratch.data, db->scratch.len);
    if (st == KS_OK) {
        st = shim_db_add_document(db->shim, doc);
        if (st != KS_OK)
            ks_db_fail_shim(db, st);
    }
    shim_doc_free(doc);
    return st;
}

uint64_t ks_article_hash(const ks_article *article)
{
    /* Hashed piece by piece, as if joined: title, date and url each followed
     * by a unit separator, then the body. */
    uint64_t hash = KS_HASH64_START;
    const char *fields[] = {article->title, article->date, article->url};
    for (size_t i = 0; i < 3; i++) {
        if (fields[i])
            hash = ks_hash64_more(hash, fields[i], strlen(fields[i]));
        hash = ks_hash64_more(hash, "\x1f", 1);
    }
    return ks_hash64_more(hash, article->body, article->body_len);
}

ks_status ks_db_store_article(ks_db *db, const ks_article *article, uint64_t hash,
                              const ks_passage_list *passages, bool replace)
{
    /* Checked before anything is written: an article goes in whole or not at all. */
    for (size_t i = 0; i < passages->count; i++)
        if (memchr(passages->items[i].text, '\0', passages->items[i].len))
            return ks_db_fail(db, KS_ERR_BAD_INPUT, "the text of %s holds a NUL byte",
                              article->id);
    ks_buf meta_key = {0}, term = {0};
    ks_status st = ks_article_term(article->id, &term);
    if (st == KS_OK)
        st = article_metadata_key(article->id, &meta_key);
    if (st != KS_OK)
        st = ks_db_fail(db, st, "out of memory");
    if (st == KS_OK && replace && (st = shim_db_delete_documents(db->shim, term.data)) != KS_OK)
        ks_db_fail_shim(db, st);
    /* An unreadable date is never stored as given (the indexer names it). */
    char normalized[KS_DATE_BYTES];
    const char *date = article->date && *article->date &&
                               ks_date_normalize(article->date, normalized) == KS_OK
                           ? normalized
                           : passages->date ? passages->date : "";
    for (size_t i = 0; i < passages->count && st == KS_OK; i++)
        st = add_passage(db, article, term.data, &passages->items[i], date);
    if (st == KS_OK)
        st = write_record(db, meta_key.data, article, hash, passages->count);
    ks_buf_free(&meta_key);
    ks_buf_free(&term);
    return st;
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
        forget_file_facts(db, change == KS_CHANGE_ADDED ? (article->origin ? article->origin : "")
                                                        : NULL);
        if (out_change)
            *out_change = change;
        return KS_OK;
    }
    focus_article(db, article->id);
    uint64_t hash = ks_article_hash(article);
    ks_article_record old;
    char *old_origin = NULL;
    ks_status st = read_record(db, article->id, &old, &old_origin);
    bool existed = st == KS_OK;
    if (st == KS_ERR_NOT_FOUND)
        st = KS_OK;
    ks_change change = existed ? KS_CHANGE_UPDATED : KS_CHANGE_ADDED;
    const char *origin = article->origin ? article->origin : "";
    bool moved = existed && strcmp(old_origin ? old_origin : "", origin) != 0;
    bool unchanged = existed && old.content_hash == hash;
    /* First: a failure halfway must not leave them standing. */
    if (st == KS_OK && (!unchanged || moved))
        st = forget_file_facts(db, origin);
    if (st == KS_OK && moved)
        st = forget_file_facts(db, old_origin);
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
    unfocus(db);
    free(old_origin);
    if (st == KS_OK) {
        if (out_change)
            *out_change = change;
        if (out_passages)
            *out_passages = passages;
    }
    return st;
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
    st = ks_db_remove_article(part, id);
    if (st != KS_OK)
        return ks_db_fail(db, st, "%s", ks_db_error(part));
    return forget_file_facts(db, NULL);
}

KS_API ks_status ks_db_remove_article(ks_db *db, const char *id)
{
    if (!db || !id)
        return KS_ERR_INVALID_ARGUMENT;
    if (!db->writable)
        return ks_db_fail(db, KS_ERR_READ_ONLY, "%s is open for reading only", db->path);
    if (db->build)
        return remove_during_build(db, id);
    ks_buf term = {0}, meta_key = {0};
    ks_status st = ks_article_term(id, &term);
    if (st == KS_OK)
        st = article_metadata_key(id, &meta_key);
    if (st == KS_OK) {
        focus_article(db, id);
        ks_article_record record;
        char *origin = NULL;
        st = read_record(db, id, &record, &origin);
        if (st == KS_ERR_NOT_FOUND)
            no_article(db, id);
        /* First: a failure halfway must not leave them standing. */
        if (st == KS_OK)
            st = forget_file_facts(db, origin);
        if (st == KS_OK && ((st = shim_db_delete_documents(db->shim, term.data)) != KS_OK ||
                            (st = shim_db_set_metadata(db->shim, meta_key.data, "")) != KS_OK))
            ks_db_fail_shim(db, st);
        free(origin);
        unfocus(db);
    }
    ks_buf_free(&term);
    ks_buf_free(&meta_key);
    return st;
}

/* ------------------------------------------------------------------------ */
/* Walking articles and statistics.                                         */

struct article_walk {
    ks_db *db;
    ks_article_visitor visit;
    void *context;
    ks_buf value;
    ks_status status;
};

static int visit_article_key(void *context, const char *key)
{
    struct article_walk *walk = context;
    ks_status st = shim_db_get_metadata(walk->db->shim, key, &walk->value);
    if (st != KS_OK) {
        walk->status = ks_db_fail_shim(walk->db, st);
        return -1;
    }
    ks_article_record record;
    char *id = NULL, *origin = NULL;
    int result = 0;
    if (walk->value.len &&
        parse_record(walk->db, walk->value.data, key + strlen(META_ARTICLE_PREFIX), &record, &id,
                     &origin))
        result = walk->visit(walk->context, id, origin);
    free(id);
    free(origin);
    return result;
}

KS_API ks_status ks_db_each_article(ks_db *db, ks_article_visitor visit, void *context,
                                    int *out_visit_result)
{
    if (!db || !visit)
        return KS_ERR_INVALID_ARGUMENT;
    if (db->build) {
        int result = 0;
        ks_status st = KS_OK;
        for (size_t i = 0; i < ks_build_part_count(db->build) && st == KS_OK && !result; i++) {
            ks_db *part = ks_build_settled_part(db->build, NULL, i);
            st = part ? ks_db_each_article(part, visit, context, &result)
                      : ks_build_status(db->build, db);
            if (st != KS_OK && part)
                ks_db_fail(db, st, "%s", ks_db_error(part));
        }
        if (st == KS_OK && out_visit_result)
            *out_visit_result = result;
        return st;
    }
    struct article_walk walk = {db, visit, context, {0}, KS_OK};
    int result = 0;
    ks_status st = shim_db_each_metadata_key(db->shim, META_ARTICLE_PREFIX, visit_article_key,
                                             &walk, &result);
    ks_buf_free(&walk.value);
    if (st != KS_OK)
        return ks_db_fail_shim(db, st);
    if (walk.status != KS_OK)
        return walk.status;
    if (out_visit_result)
        *out_visit_result = result;
    return KS_OK;
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
