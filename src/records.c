/* Article records, their origins, and file facts: what the index remembers
 * of each article and JSONL file it was given, for change detection and
 * pruning on reindexing (formats at the top of index.c). */
#include "kosearch_internal.h"
#include "xapian_shim.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define KEY_HASHED '#'
#define KS_MAX_ID_KEY 180

#define META_ARTICLE_PREFIX "A:" /* short: one per article */
#define META_ORIGIN_PREFIX "origin:"
#define META_FILE_PREFIX "F:"

/* File facts recorded during a build (ks_db.build_facts). */
struct pending_file_facts {
    char *path;
    ks_file_facts facts;
};

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

ks_status article_metadata_key(const char *id, ks_buf *out)
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
ks_status ks_record_read(ks_db *db, const char *id, ks_article_record *out, char **out_origin)
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
void ks_db_focus_article(ks_db *db, const char *id)
{
    if (db->shards > 1)
        shim_db_focus(db->shim, (int)ks_shard_of(id, db->shards));
}

void ks_db_unfocus(ks_db *db)
{
    shim_db_focus(db->shim, -1);
}

/* An article's record wherever it is: in its shard, or in any of the
 * databases a stub lists. */
ks_status ks_record_find(ks_db *db, const char *id, ks_article_record *out, char **out_origin)
{
    size_t parts = shim_db_part_count(db->shim);
    if (db->shards > 1 || parts <= 1) {
        ks_db_focus_article(db, id);
        ks_status st = ks_record_read(db, id, out, out_origin);
        ks_db_unfocus(db);
        return st;
    }
    /* A stub of other shards: the article may be in any of them. */
    ks_status st = KS_ERR_NOT_FOUND;
    for (size_t i = 0; i < parts && st == KS_ERR_NOT_FOUND; i++) {
        shim_db_focus(db->shim, (int)i);
        st = ks_record_read(db, id, out, out_origin);
    }
    ks_db_unfocus(db);
    return st;
}

ks_status write_record(ks_db *db, const char *meta_key, const ks_article *article,
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

static ks_status ks_file_facts_write(ks_db *db, struct shim_db *shim, const char *path,
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

ks_status ks_file_facts_write_pending(ks_db *db, struct shim_db *shim)
{
    ks_status st = KS_OK;
    for (size_t i = 0; i < db->build_fact_count && st == KS_OK; i++)
        st = ks_file_facts_write(db, shim, db->build_facts[i].path, &db->build_facts[i].facts);
    return st;
}

static struct pending_file_facts *find_build_facts(ks_db *db, const char *path)
{
    for (size_t i = 0; i < db->build_fact_count; i++)
        if (strcmp(db->build_facts[i].path, path) == 0)
            return &db->build_facts[i];
    return NULL;
}

void ks_file_facts_drop_pending(ks_db *db)
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
        return ks_file_facts_write(db, db->shim, path, facts);
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
ks_status ks_file_facts_forget(ks_db *db, const char *path)
{
    if (db->building) {
        struct pending_file_facts *held = path ? find_build_facts(db, path) : NULL;
        if (!path) {
            ks_file_facts_drop_pending(db);
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
/* Walking the records.                                                     */

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

ks_status ks_record_each(ks_db *db, ks_article_visitor visit, void *context,
                         int *out_visit_result)
{
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
