/* Xapian behind a pure C interface (see xapian_shim.h).
 *
 * The only C++ file. Every entry point is try { ... } catch (...) { return
 * shim_fail(...); } and shim_fail() rethrows to map Xapian's exception
 * classes to distinct ks_status values a caller can act on.
 *
 * One file although it is over 800 lines: it is the whole C++ side, so that
 * exceptions, Xapian's headers and the C++ runtime stay behind one boundary
 * (the build links one C++ object); splitting it would repeat that boundary. */
#include "xapian_shim.h"

#include <xapian.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <new>
#include <sstream>
#include <string>
#include <string_view>
#include <sys/stat.h>
#include <unordered_set>
#include <vector>

/* A database is one or more parts: a plain database has one, a sharded
 * folder or a stub file one per shard (local or remote). Searches use all
 * parts as one; metadata and document counts go to the focused part, because
 * Xapian 1.4 reads metadata of a combined database from its first part only. */
/* A prefix's terms, read once (shim_db_may_have_term). Looked up by views,
 * so that asking costs no allocation: queries ask for every word. */
struct prefix_memo {
    std::vector<std::string> terms;
    std::unordered_set<std::string_view> index; /* views into `terms` */
    bool too_many = false;
};

struct shim_db {
    Xapian::Database *reader = nullptr; /* every part as one; == writer when one writable part */
    Xapian::WritableDatabase *writer = nullptr; /* the single writable part, else NULL */
    std::vector<Xapian::WritableDatabase *> writers; /* one per shard when writable */
    std::vector<Xapian::Database> parts;
    std::vector<std::string> part_names; /* how messages name each part */
    int focus = -1; /* the part metadata and writes go to; -1: the first (writes: all) */
    bool remote = false; /* a part is a remote server (shim_search cannot rescore there) */
    bool allow_partial = false;
    std::string error;
    std::string warnings;
    /* What queries on a read-only handle keep asking, read once; forgotten
     * on reopen (see shim_db_may_have_metadata, shim_db_may_have_term). */
    std::map<std::string, bool> metadata_prefixes;
    std::map<std::string, prefix_memo> prefix_terms;
};

static void forget_memos(shim_db *db)
{
    db->metadata_prefixes.clear();
    db->prefix_terms.clear();
}

struct shim_doc {
    Xapian::Document doc;
};

/* A passage's stored record: its order value (id and number), then its data
 * (index.c, ks_passage_data_read). */
static std::string stored_record(const Xapian::Document &doc)
{
    return doc.get_value(KS_SLOT_ORDER) + doc.get_value(KS_SLOT_DATA);
}

struct shim_query {
    explicit shim_query(Xapian::Query whole) : query(std::move(whole)) {}
    Xapian::Query query;
    /* Empty, or the query without its proximity bonus and the bonus, for
     * two-phase ranking (shim_query_set_phases). */
    Xapian::Query first_phase, bonus;
};

struct shim_mset {
    Xapian::MSet mset;
    std::vector<std::string> data;
    size_t estimated; /* of the selecting query's matches */
};

/* A stub kosearch will not read (a refused line, a loop): never skipped as
 * an unreachable shard, since the stub itself is wrong. `located` once the
 * message names the stub file and line. */
struct stub_refusal : Xapian::DatabaseOpeningError {
    bool located;
    stub_refusal(const std::string &message, bool located_)
        : Xapian::DatabaseOpeningError(message), located(located_) {}
};

/* Maps the exception being handled to a status and a message. Must be called
 * from inside a catch block. */
static ks_status shim_status_of_current_exception(std::string &message)
{
    try {
        throw;
    } catch (const Xapian::DatabaseLockError &e) {
        message = "database is locked by another kosearch index (" + e.get_msg() + ")";
        return KS_ERR_LOCKED;
    } catch (const Xapian::DatabaseVersionError &e) {
        message = "database format is not supported by this Xapian: " + e.get_msg();
        return KS_ERR_VERSION;
    } catch (const Xapian::DatabaseCorruptError &e) {
        message = "database is damaged: " + e.get_msg();
        return KS_ERR_CORRUPT;
    } catch (const Xapian::DatabaseNotFoundError &e) {
        message = "no database: " + e.get_msg();
        return KS_ERR_NOT_FOUND;
    } catch (const Xapian::DatabaseCreateError &e) {
        message = "cannot create database: " + e.get_msg();
        if (!e.get_error_string() || !*e.get_error_string())
            return KS_ERR_IO;
        message += std::string(" (") + e.get_error_string() + ")";
        return KS_ERR_IO;
    } catch (const stub_refusal &e) {
        message = e.get_msg();
        return KS_ERR_BAD_INPUT;
    } catch (const Xapian::DatabaseOpeningError &e) {
        message = "cannot open database: " + e.get_msg();
        if (e.get_error_string() && *e.get_error_string())
            message += std::string(" (") + e.get_error_string() + ")";
        return KS_ERR_NOT_FOUND;
    } catch (const Xapian::DatabaseModifiedError &e) {
        message = "database changed while reading; try again: " + e.get_msg();
        return KS_ERR_BACKEND;
    } catch (const Xapian::DatabaseError &e) {
        message = "database error: " + e.get_msg();
        if (e.get_error_string() && *e.get_error_string())
            message += std::string(" (") + e.get_error_string() + ")";
        return KS_ERR_IO;
    } catch (const Xapian::NetworkError &e) {
        message = "shard " + e.get_context() + " is unavailable: " + e.get_msg();
        if (e.get_error_string() && *e.get_error_string())
            message += std::string(" (") + e.get_error_string() + ")";
        return KS_ERR_UNAVAILABLE;
    } catch (const Xapian::InvalidArgumentError &e) {
        message = "invalid argument: " + e.get_msg();
        return KS_ERR_INVALID_ARGUMENT;
    } catch (const Xapian::Error &e) {
        message = e.get_type() + std::string(": ") + e.get_msg();
        return KS_ERR_BACKEND;
    } catch (const std::bad_alloc &) {
        message = "out of memory";
        return KS_ERR_NOMEM;
    } catch (const std::exception &e) {
        message = std::string("internal error: ") + e.what();
        return KS_ERR_INTERNAL;
    } catch (...) {
        message = "internal error: unknown exception";
        return KS_ERR_INTERNAL;
    }
}

static ks_status shim_fail(shim_db *db)
{
    std::string message;
    ks_status status = shim_status_of_current_exception(message);
    try {
        db->error = message;
    } catch (...) {
    }
    return status;
}

static ks_status shim_fail_into(ks_buf *error)
{
    std::string message;
    ks_status status = shim_status_of_current_exception(message);
    if (error) {
        ks_buf_clear(error);
        ks_buf_append(error, message.data(), message.size());
    }
    return status;
}

extern "C" {

/* The stub file of `path`: the path itself when it is a file, PATH/XAPIANDB
 * when a folder holds one (Xapian opens both as stub databases); "" when
 * `path` is an ordinary database. */
static std::string stub_file_of(const std::string &path)
{
    struct stat info;
    if (stat(path.c_str(), &info) != 0)
        return "";
    if (S_ISREG(info.st_mode))
        return path;
    std::string inside = path + "/XAPIANDB";
    if (S_ISDIR(info.st_mode) && stat(inside.c_str(), &info) == 0 && S_ISREG(info.st_mode))
        return inside;
    return "";
}

static void open_stub(shim_db *db, const std::string &stub_file, std::vector<std::string> &chain);

/* The stub files being opened, outermost first, as a message names a loop. */
static std::string describe_chain(const std::vector<std::string> &chain, const std::string &again)
{
    std::string text;
    for (const auto &file : chain)
        text += file + " includes ";
    return text + again;
}

/* Whether two paths name the same file. */
static bool same_file(const std::string &a, const std::string &b)
{
    struct stat first, second;
    return stat(a.c_str(), &first) == 0 && stat(b.c_str(), &second) == 0 &&
           first.st_dev == second.st_dev && first.st_ino == second.st_ino;
}

/* Opens one line of a stub: "auto PATH" (or "glass PATH", "chert PATH"),
 * with PATH relative to the stub's folder as Xapian reads it, or "remote
 * HOST:PORT". Xapian also reads "remote PROGRAM ARGS", which runs PROGRAM:
 * a database folder someone hands over must never run anything, so that
 * line and every other is refused. A PATH that is itself a stub is read
 * here too, line by line, refusing one that includes itself. Appends the
 * parts opened to db. */
static void open_stub_line(shim_db *db, const std::string &folder, const std::string &type,
                           const std::string &argument, const std::string &name,
                           std::vector<std::string> &chain)
{
    if ((type == "auto" || type == "glass" || type == "chert") && !argument.empty()) {
        std::string path = argument[0] == '/' ? argument : folder + "/" + argument;
        std::string nested = stub_file_of(path);
        if (!nested.empty()) {
            for (const auto &open : chain)
                if (same_file(open, nested))
                    throw stub_refusal("stub loop: " + describe_chain(chain, nested), false);
            open_stub(db, nested, chain);
            return;
        }
        db->parts.push_back(Xapian::Database(path));
        db->part_names.push_back(name);
        return;
    }
    std::string::size_type colon = argument.rfind(':');
    if (type != "remote" || argument.find_first_of(" \t") != std::string::npos ||
        colon == std::string::npos || colon == 0)
        throw stub_refusal("unsupported stub line: kosearch reads only 'auto PATH' and "
                           "'remote HOST:PORT'", false);
    std::string port = argument.substr(colon + 1);
    if (port.empty() || port.find_first_not_of("0123456789") != std::string::npos ||
        port.size() > 5)
        throw Xapian::DatabaseOpeningError("bad port '" + port + "'");
    db->remote = true;
    db->parts.push_back(Xapian::Remote::open(argument.substr(0, colon), (unsigned)std::stoul(port)));
    db->part_names.push_back(name);
}

static void combine_parts(shim_db *db)
{
    auto *combined = new Xapian::Database;
    for (auto &part : db->parts)
        combined->add_database(part);
    delete db->reader;
    db->reader = combined;
}

/* Opens every line of a stub file as its own part, so each shard can be
 * named in messages, skipped when unreachable (allow_partial), and asked for
 * its own metadata. */
static void open_stub(shim_db *db, const std::string &stub_file, std::vector<std::string> &chain)
{
    std::ifstream in(stub_file);
    if (!in)
        throw Xapian::DatabaseOpeningError("cannot read stub file " + stub_file);
    chain.push_back(stub_file);
    std::string::size_type slash = stub_file.rfind('/');
    std::string folder = slash == std::string::npos ? "." : stub_file.substr(0, slash);
    std::string line, failures;
    size_t parts_before = db->parts.size();
    for (int number = 1; std::getline(in, line); number++) {
        std::string::size_type first = line.find_first_not_of(" \t\r");
        if (first == std::string::npos || line[first] == '#')
            continue;
        line = line.substr(first, line.find_last_not_of(" \t\r") + 1 - first);
        std::string::size_type space = line.find_first_of(" \t");
        std::string type = line.substr(0, space);
        std::string argument =
            space == std::string::npos ? "" : line.substr(line.find_first_not_of(" \t", space));
        std::string where = stub_file + " line " + std::to_string(number);
        std::string name = "'" + line + "' (" + where + ")";
        try {
            open_stub_line(db, folder, type, argument, name, chain);
        } catch (const stub_refusal &e) {
            if (e.located)
                throw;
            throw stub_refusal(where + ": " + e.get_msg(), true);
        } catch (const Xapian::Error &e) {
            std::string reason = e.get_msg();
            if (e.get_error_string() && *e.get_error_string())
                reason += std::string(" (") + e.get_error_string() + ")";
            bool unreachable = std::string(e.get_type()) == "NetworkError" ||
                               std::string(e.get_type()) == "NetworkTimeoutError";
            if (!db->allow_partial) {
                /* Name the stub line; NetworkError is rethrown as such so it
                 * keeps its status. */
                if (unreachable)
                    throw Xapian::NetworkError(reason, name);
                throw Xapian::DatabaseOpeningError("shard " + name + ": " + reason);
            }
            db->warnings += "skipped shard " + name + ": " + reason + "\n";
            failures += (failures.empty() ? "" : "; ") + name + ": " + reason;
            continue;
        }
    }
    chain.pop_back();
    if (db->parts.size() == parts_before)
        throw Xapian::NetworkError(failures.empty() ? stub_file + " lists no database"
                                                    : "no shard is available: " + failures,
                                   stub_file);
}

static Xapian::WritableDatabase *open_writer(const char *path, shim_open_mode mode)
{
    if (std::strcmp(path, SHIM_MEMORY_PATH) == 0)
        return new Xapian::WritableDatabase(std::string(), Xapian::DB_BACKEND_INMEMORY);
    int flags = mode == SHIM_OVERWRITE || mode == SHIM_SCRATCH ? Xapian::DB_CREATE_OR_OVERWRITE
                                                               : Xapian::DB_CREATE_OR_OPEN;
    if (mode == SHIM_SCRATCH)
        flags |= Xapian::DB_NO_SYNC;
    if (mode == SHIM_WRITE_WAIT)
        flags |= Xapian::DB_RETRY_LOCK;
    return new Xapian::WritableDatabase(path, flags | Xapian::DB_BACKEND_GLASS);
}

static void close_and_delete(shim_db *db)
{
    /* Destructors of a closed database do not throw. */
    try {
        if (db->reader != db->writer)
            delete db->reader;
        for (auto *writer : db->writers)
            delete writer;
    } catch (...) {
    }
    delete db;
}

ks_status shim_db_open(shim_db **out, const char *path, shim_open_mode mode, ks_buf *error)
{
    *out = nullptr;
    shim_db *db = nullptr;
    try {
        db = new shim_db;
        bool memory = std::strcmp(path, SHIM_MEMORY_PATH) == 0;
        if (mode == SHIM_READ || mode == SHIM_READ_PARTIAL) {
            db->allow_partial = mode == SHIM_READ_PARTIAL;
            std::string stub = memory ? "" : stub_file_of(path);
            if (!stub.empty()) {
                std::vector<std::string> chain;
                open_stub(db, stub, chain);
                combine_parts(db);
            } else {
                db->reader = memory ? new Xapian::Database(std::string(), Xapian::DB_BACKEND_INMEMORY)
                                    : new Xapian::Database(path);
                db->parts.push_back(*db->reader);
                db->part_names.push_back(path);
            }
        } else {
            db->writer = open_writer(path, mode);
            db->writers.push_back(db->writer);
            db->reader = db->writer;
            db->parts.push_back(*db->writer);
            db->part_names.push_back(path);
        }
        *out = db;
        return KS_OK;
    } catch (...) {
        ks_status status = shim_fail_into(error);
        if (db)
            close_and_delete(db);
        return status;
    }
}

ks_status shim_db_merge(const char *const *sources, size_t count, const char *dest,
                        ks_buf *error)
{
    try {
        Xapian::Database all;
        for (size_t i = 0; i < count; i++)
            all.add_database(Xapian::Database(sources[i]));
        /* FULL packs every block; later updates split blocks as they would
         * in any database, so the index stays fit for incremental updates. */
        all.compact(dest, Xapian::Compactor::FULL);
        return KS_OK;
    } catch (...) {
        return shim_fail_into(error);
    }
}

ks_status shim_db_open_shards(shim_db **out, const char *const *paths, size_t count,
                              shim_open_mode mode, ks_buf *error)
{
    *out = nullptr;
    shim_db *db = nullptr;
    size_t at = 0;
    try {
        db = new shim_db;
        for (; at < count; at++) {
            db->writers.push_back(open_writer(paths[at], mode));
            db->parts.push_back(*db->writers.back());
            db->part_names.push_back(paths[at]);
        }
        combine_parts(db);
        *out = db;
        return KS_OK;
    } catch (...) {
        ks_status status = shim_fail_into(error);
        if (error && at < count) {
            std::string prefix = std::string(paths[at]) + ": ";
            ks_buf named = {NULL, 0, 0};
            ks_buf_append_str(&named, prefix.c_str());
            ks_buf_append_str(&named, error->data ? error->data : "");
            ks_buf_clear(error);
            ks_buf_append_str(error, named.data ? named.data : "");
            ks_buf_free(&named);
        }
        if (db)
            close_and_delete(db);
        return status;
    }
}

ks_status shim_db_close(shim_db *db, ks_buf *error)
{
    if (!db)
        return KS_OK;
    ks_status status = KS_OK;
    try {
        for (auto *writer : db->writers) {
            writer->commit();
            writer->close();
        }
    } catch (...) {
        status = shim_fail_into(error);
    }
    close_and_delete(db);
    return status;
}

size_t shim_db_part_count(const shim_db *db)
{
    return db ? db->parts.size() : 0;
}

void shim_db_focus(shim_db *db, int part)
{
    if (db)
        db->focus = part >= 0 && (size_t)part < db->parts.size() ? part : -1;
}

const char *shim_db_warnings(const shim_db *db)
{
    return db ? db->warnings.c_str() : "";
}

const char *shim_db_error(const shim_db *db)
{
    return db ? db->error.c_str() : "";
}

/* The writer that changes go to: the focused shard's, or the only one. */
static Xapian::WritableDatabase *focused_writer(shim_db *db)
{
    if (db->writers.empty()) {
        db->error = "database is open for reading only";
        return nullptr;
    }
    if (db->focus >= 0)
        return db->writers[(size_t)db->focus];
    if (db->writers.size() == 1)
        return db->writers[0];
    db->error = "internal error: a change to a sharded database names no shard";
    return nullptr;
}

static Xapian::Database &focused_part(shim_db *db)
{
    return db->focus >= 0 ? db->parts[(size_t)db->focus] : *db->reader;
}

ks_status shim_db_commit(shim_db *db)
{
    try {
        if (db->writers.empty()) {
            db->error = "database is open for reading only";
            return KS_ERR_READ_ONLY;
        }
        /* Each shard commits atomically; a failure between shards leaves the
         * earlier ones committed, and rerunning the indexer converges. */
        for (auto *writer : db->writers)
            writer->commit();
        return KS_OK;
    } catch (...) {
        return shim_fail(db);
    }
}

ks_status shim_db_get_metadata(shim_db *db, const char *key, ks_buf *out)
{
    try {
        std::string value = focused_part(db).get_metadata(key);
        ks_buf_clear(out);
        return ks_buf_append(out, value.data(), value.size());
    } catch (...) {
        return shim_fail(db);
    }
}

ks_status shim_db_set_metadata(shim_db *db, const char *key, const char *value)
{
    try {
        if (db->writers.empty()) {
            db->error = "database is open for reading only";
            return KS_ERR_READ_ONLY;
        }
        /* Unfocused metadata (versions, the update time) goes to every shard. */
        if (db->focus < 0) {
            for (auto *writer : db->writers)
                writer->set_metadata(key, value);
        } else {
            db->writers[(size_t)db->focus]->set_metadata(key, value);
        }
        return KS_OK;
    } catch (...) {
        return shim_fail(db);
    }
}

ks_status shim_db_each_metadata_key(shim_db *db, const char *prefix,
                                    int (*visit)(void *context, const char *key),
                                    void *context, int *out_visit_result)
{
    int saved_focus = db->focus;
    try {
        int result = 0;
        for (size_t part = 0; part < db->parts.size() && !result; part++) {
            Xapian::Database &source = db->parts[part];
            db->focus = db->parts.size() > 1 ? (int)part : saved_focus;
            for (auto it = source.metadata_keys_begin(prefix);
                 it != source.metadata_keys_end(prefix); ++it) {
                std::string key = *it;
                result = visit(context, key.c_str());
                if (result)
                    break;
            }
        }
        db->focus = saved_focus;
        if (out_visit_result)
            *out_visit_result = result;
        return KS_OK;
    } catch (...) {
        db->focus = saved_focus;
        return shim_fail(db);
    }
}

bool shim_db_may_have_metadata(shim_db *db, const char *prefix)
{
    if (db->writer || !db->writers.empty())
        return true; /* a writer may add keys at any time */
    try {
        auto known = db->metadata_prefixes.find(prefix);
        if (known != db->metadata_prefixes.end())
            return known->second;
        bool any = false;
        for (size_t part = 0; part < db->parts.size() && !any; part++)
            any = db->parts[part].metadata_keys_begin(prefix) !=
                  db->parts[part].metadata_keys_end(prefix);
        db->metadata_prefixes[prefix] = any;
        return any;
    } catch (...) {
        return true;
    }
}

/* Above this many terms a prefix's terms are not kept in memory: reading
 * them all would cost a one-off search more than it saves (title terms:
 * 52,000 on the bulk corpus, 30 ms), so each term is looked up instead. */
static const size_t MAX_PREFIX_TERMS = 4096;

bool shim_db_may_have_term(shim_db *db, const char *prefix, const char *term)
{
    if (db->writer || !db->writers.empty())
        return true;
    try {
        auto known = db->prefix_terms.find(prefix);
        if (known == db->prefix_terms.end()) {
            prefix_memo read;
            for (auto it = db->reader->allterms_begin(prefix);
                 it != db->reader->allterms_end(prefix) && !read.too_many; ++it) {
                read.terms.push_back(*it);
                read.too_many = read.terms.size() > MAX_PREFIX_TERMS;
            }
            if (read.too_many)
                read.terms.clear();
            known = db->prefix_terms.emplace(prefix, std::move(read)).first;
            /* Views into the stored strings, which no longer move. */
            for (const std::string &held : known->second.terms)
                known->second.index.insert(held);
        }
        if (known->second.too_many)
            return db->reader->term_exists(term);
        return known->second.index.count(std::string_view(term)) > 0;
    } catch (...) {
        db->prefix_terms.erase(prefix); /* never a memo half read */
        return true;
    }
}

ks_status shim_db_doc_count(shim_db *db, uint64_t *out)
{
    try {
        *out = focused_part(db).get_doccount();
        return KS_OK;
    } catch (...) {
        return shim_fail(db);
    }
}

ks_status shim_db_term_count(shim_db *db, uint64_t *out)
{
    try {
        uint64_t count = 0;
        for (auto it = db->reader->allterms_begin(); it != db->reader->allterms_end(); ++it)
            count++;
        *out = count;
        return KS_OK;
    } catch (...) {
        return shim_fail(db);
    }
}

ks_status shim_db_term_freq(shim_db *db, const char *term, uint64_t *out)
{
    try {
        *out = db->reader->get_termfreq(term);
        return KS_OK;
    } catch (...) {
        return shim_fail(db);
    }
}

ks_status shim_db_each_term(shim_db *db, const char *prefix,
                            int (*visit)(void *context, const char *term, uint64_t frequency),
                            void *context)
{
    try {
        for (auto it = db->reader->allterms_begin(prefix); it != db->reader->allterms_end(prefix);
             ++it) {
            std::string term = *it;
            if (visit(context, term.c_str(), it.get_termfreq()))
                break;
        }
        return KS_OK;
    } catch (...) {
        return shim_fail(db);
    }
}

ks_status shim_db_each_posting_data(shim_db *db, const char *term,
                                    int (*visit)(void *context, const char *data, size_t len),
                                    void *context)
{
    try {
        for (auto it = db->reader->postlist_begin(term); it != db->reader->postlist_end(term);
             ++it) {
            std::string data = stored_record(db->reader->get_document(*it));
            if (visit(context, data.data(), data.size()))
                break;
        }
        return KS_OK;
    } catch (...) {
        return shim_fail(db);
    }
}

ks_status shim_db_each_document(shim_db *db,
                                int (*visit)(void *context, const char *data, size_t len),
                                void *context)
{
    return shim_db_each_posting_data(db, "", visit, context); /* "": every document */
}

ks_status shim_db_add_document(shim_db *db, shim_doc *doc)
{
    try {
        Xapian::WritableDatabase *writer = focused_writer(db);
        if (!writer)
            return db->writers.empty() ? KS_ERR_READ_ONLY : KS_ERR_INTERNAL;
        writer->add_document(doc->doc);
        return KS_OK;
    } catch (...) {
        return shim_fail(db);
    }
}

ks_status shim_db_delete_documents(shim_db *db, const char *term)
{
    try {
        Xapian::WritableDatabase *writer = focused_writer(db);
        if (!writer)
            return db->writers.empty() ? KS_ERR_READ_ONLY : KS_ERR_INTERNAL;
        writer->delete_document(term);
        return KS_OK;
    } catch (...) {
        return shim_fail(db);
    }
}

ks_status shim_doc_new(shim_doc **out)
{
    try {
        *out = new shim_doc;
        return KS_OK;
    } catch (...) {
        *out = nullptr;
        return KS_ERR_NOMEM;
    }
}

void shim_doc_free(shim_doc *doc)
{
    delete doc;
}

ks_status shim_doc_add_posting(shim_doc *doc, const char *term, uint32_t position, uint32_t wdf_inc)
{
    try {
        doc->doc.add_posting(term, position, wdf_inc);
        return KS_OK;
    } catch (...) {
        return shim_fail_into(nullptr);
    }
}

ks_status shim_doc_add_term(shim_doc *doc, const char *term, uint32_t wdf_inc)
{
    try {
        doc->doc.add_term(term, wdf_inc);
        return KS_OK;
    } catch (...) {
        return shim_fail_into(nullptr);
    }
}

ks_status shim_doc_add_boolean_term(shim_doc *doc, const char *term)
{
    try {
        doc->doc.add_boolean_term(term);
        return KS_OK;
    } catch (...) {
        return shim_fail_into(nullptr);
    }
}

ks_status shim_doc_set_value(shim_doc *doc, unsigned slot, const char *bytes, size_t len)
{
    try {
        doc->doc.add_value(slot, std::string(bytes, len));
        return KS_OK;
    } catch (...) {
        return shim_fail_into(nullptr);
    }
}

shim_query *shim_query_term(const char *term, uint32_t query_freq, uint32_t position)
{
    try {
        return new shim_query{Xapian::Query(term, query_freq ? query_freq : 1, position)};
    } catch (...) {
        return nullptr;
    }
}

shim_query *shim_query_wildcard(const char *prefix, uint32_t max_expansion)
{
    try {
        return new shim_query{Xapian::Query(Xapian::Query::OP_WILDCARD, prefix, max_expansion,
                                            Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT)};
    } catch (...) {
        return nullptr;
    }
}

static Xapian::Query::op xapian_op(shim_op op)
{
    switch (op) {
    case SHIM_OP_AND: return Xapian::Query::OP_AND;
    case SHIM_OP_OR: return Xapian::Query::OP_OR;
    case SHIM_OP_AND_NOT: return Xapian::Query::OP_AND_NOT;
    case SHIM_OP_SYNONYM: return Xapian::Query::OP_SYNONYM;
    case SHIM_OP_PHRASE: return Xapian::Query::OP_PHRASE;
    case SHIM_OP_NEAR: return Xapian::Query::OP_NEAR;
    case SHIM_OP_AND_MAYBE: return Xapian::Query::OP_AND_MAYBE;
    case SHIM_OP_FILTER: return Xapian::Query::OP_FILTER;
    }
    return Xapian::Query::OP_OR;
}

shim_query *shim_query_combine(shim_op op, shim_query *const *children, size_t count, uint32_t window)
{
    try {
        std::vector<Xapian::Query> subqueries;
        for (size_t i = 0; i < count; i++)
            if (children[i])
                subqueries.push_back(children[i]->query);
        if (subqueries.empty())
            return new shim_query{Xapian::Query()};
        if (subqueries.size() == 1 && op != SHIM_OP_AND_NOT)
            return new shim_query{subqueries[0]};
        return new shim_query{
            Xapian::Query(xapian_op(op), subqueries.begin(), subqueries.end(), window)};
    } catch (...) {
        return nullptr;
    }
}

void shim_query_set_phases(shim_query *query, const shim_query *first_phase,
                           const shim_query *bonus)
{
    query->first_phase = first_phase->query;
    query->bonus = bonus->query;
}

shim_query *shim_query_scale(const shim_query *query, double factor)
{
    try {
        if (query->query.empty())
            return new shim_query{query->query};
        return new shim_query{Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, query->query, factor)};
    } catch (...) {
        return nullptr;
    }
}

shim_query *shim_query_value_range(unsigned slot, const char *low, const char *high)
{
    try {
        if (low && high)
            return new shim_query{Xapian::Query(Xapian::Query::OP_VALUE_RANGE, slot, low, high)};
        if (low)
            return new shim_query{Xapian::Query(Xapian::Query::OP_VALUE_GE, slot, low)};
        if (high)
            return new shim_query{Xapian::Query(Xapian::Query::OP_VALUE_LE, slot, high)};
        return new shim_query{Xapian::Query::MatchAll};
    } catch (...) {
        return nullptr;
    }
}

shim_query *shim_query_constant(const shim_query *query, double weight)
{
    try {
        if (query->query.empty())
            return new shim_query{query->query};
        Xapian::Query fixed((new Xapian::FixedWeightPostingSource(weight))->release());
        return new shim_query{Xapian::Query(Xapian::Query::OP_FILTER, fixed, query->query)};
    } catch (...) {
        return nullptr;
    }
}

bool shim_query_is_empty(const shim_query *query)
{
    return !query || query->query.empty();
}

char *shim_query_describe(const shim_query *query)
{
    try {
        std::string text = query->query.get_description();
        return ks_strndup(text.data(), text.size());
    } catch (...) {
        return nullptr;
    }
}

void shim_query_free(shim_query *query)
{
    delete query;
}

/* After a shard stopped answering: keeps the parts that still answer (with
 * a warning naming each one left out). False when none was dropped. */
static bool drop_unreachable_parts(shim_db *db)
{
    std::vector<Xapian::Database> alive;
    std::vector<std::string> alive_names;
    for (size_t i = 0; i < db->parts.size(); i++) {
        try {
            db->parts[i].reopen();
            alive.push_back(db->parts[i]);
            alive_names.push_back(db->part_names[i]);
        } catch (const Xapian::Error &e) {
            db->warnings += "skipped shard " + db->part_names[i] + ": " + e.get_msg() + "\n";
        }
    }
    if (alive.size() == db->parts.size() || alive.empty())
        return false;
    forget_memos(db);
    db->parts = alive;
    db->part_names = alive_names;
    db->focus = -1;
    combine_parts(db);
    return true;
}

/* A value range checked on each document the query finds: Xapian's value
 * range subquery may instead walk every document in the range (when it
 * estimates fewer of those than of the query's) and check the query on
 * each, ten times slower for a window of a few years. */
class ValueWindow : public Xapian::MatchDecider {
  public:
    ValueWindow(const shim_search_spec *spec)
        : slot(spec->range_slot), low(spec->range_low ? spec->range_low : ""),
          high(spec->range_high ? spec->range_high : ""), has_high(spec->range_high != nullptr)
    {
    }
    bool operator()(const Xapian::Document &doc) const override
    {
        std::string value = doc.get_value(slot);
        return !value.empty() && value >= low && (!has_high || value <= high);
    }

  private:
    Xapian::valueno slot;
    std::string low, high;
    bool has_high;
};

/* With `range_in_query`, the spec's value range becomes part of the query:
 * remote shards take no match decider. */
static void prepare_enquire(Xapian::Enquire &enquire, const Xapian::Query &query,
                            const shim_search_spec *spec, bool range_in_query)
{
    if (range_in_query) {
        Xapian::Query range =
            spec->range_high
                ? Xapian::Query(Xapian::Query::OP_VALUE_RANGE, spec->range_slot,
                                spec->range_low ? spec->range_low : "", spec->range_high)
                : Xapian::Query(Xapian::Query::OP_VALUE_GE, spec->range_slot, spec->range_low);
        enquire.set_query(Xapian::Query(Xapian::Query::OP_FILTER, query, range));
    } else {
        enquire.set_query(query);
    }
    const shim_bm25 *bm25 = spec->bm25;
    if (bm25)
        enquire.set_weighting_scheme(
            Xapian::BM25Weight(bm25->k1, bm25->k2, bm25->k3, bm25->b, bm25->min_normlen));
    if (spec->sort_slot >= 0)
        enquire.set_sort_by_value_then_relevance((Xapian::valueno)spec->sort_slot, true);
    else
        enquire.set_sort_by_relevance_then_value(KS_SLOT_ORDER, false);
}

/* The first phase's passages with their weights, in docid order. On the
 * left of an AND_MAYBE it drives the match: each postlist of the rank-only
 * part is moved only to these passages, and a passage weighs its first
 * weight plus the rank-only part's, the sum the one-phase query adds up.
 * Its docids are those of one local database (can_rescore). */
class RescoreWindow : public Xapian::PostingSource {
  public:
    explicit RescoreWindow(const Xapian::MSet &first)
    {
        for (auto it = first.begin(); it != first.end(); ++it) {
            hits.emplace_back(*it, it.get_weight());
            most = std::max(most, it.get_weight());
        }
        std::sort(hits.begin(), hits.end());
    }
    Xapian::doccount get_termfreq_min() const override { return hits.size(); }
    Xapian::doccount get_termfreq_est() const override { return hits.size(); }
    Xapian::doccount get_termfreq_max() const override { return hits.size(); }
    void init(const Xapian::Database &) override
    {
        at = 0;
        started = false;
        set_maxweight(most);
    }
    void next(double) override
    {
        at += started;
        started = true;
    }
    void skip_to(Xapian::docid did, double) override
    {
        started = true;
        while (at < hits.size() && hits[at].first < did)
            at++;
    }
    bool at_end() const override { return started && at >= hits.size(); }
    Xapian::docid get_docid() const override { return hits[at].first; }
    double get_weight() const override { return hits[at].second; }

  private:
    std::vector<std::pair<Xapian::docid, double>> hits;
    double most = 0;
    size_t at = 0;
    bool started = false;
};

/* Docids of a combined database interleave its parts' own, and a remote
 * part cannot take a posting source: there, and when sorting by a value
 * or paging beyond the window, the rank-only part is matched with the rest. */
static bool can_rescore(const shim_db *db, const shim_query *query, const shim_search_spec *spec)
{
    return (spec->rank_only || !query->bonus.empty()) && spec->sort_slot < 0 && !db->remote &&
           db->reader->size() == 1 && spec->offset + spec->limit <= spec->rescore_window;
}

/* Two phases: the selecting query without its proximity bonus (`enquire`)
 * for its top rescore_window passages (which the date window, if any,
 * already narrowed), then the rank-only part and the bonus added to their
 * weights and the page taken from them, sorted as Xapian sorts.
 * The bonus is not on the right of the AND_MAYBE: Xapian 1.4's AND_MAYBE
 * trusts where a check() of its right side stopped, and an OR of NEARs may
 * stop on the next passage with the weight of a NEAR that failed on this
 * one (a pair farther apart than its window counted for another passage).
 * Under an AND with the window, a postlist that stops beyond the passage
 * sends the AND there to check it again, so the NEARs weigh only passages
 * whose pairs they hold; the OR adds that to the window's weights. */
static Xapian::MSet rescored(shim_db *db, Xapian::Enquire &enquire, const shim_query *query,
                             const shim_search_spec *spec, const Xapian::MatchDecider *decider,
                             size_t *out_estimated)
{
    Xapian::MSet first = enquire.get_mset(0, spec->rescore_window, spec->check_at_least,
                                          nullptr, decider);
    *out_estimated = first.get_matches_estimated();
    if (first.empty())
        return first;
    Xapian::Query second((new RescoreWindow(first))->release());
    if (spec->rank_only)
        second = Xapian::Query(Xapian::Query::OP_AND_MAYBE, second, spec->rank_only->query);
    if (!query->bonus.empty()) {
        Xapian::Query within((new RescoreWindow(first))->release());
        second = Xapian::Query(Xapian::Query::OP_OR, second,
                               Xapian::Query(Xapian::Query::OP_FILTER, query->bonus, within));
    }
    Xapian::Enquire rescoring(*db->reader);
    prepare_enquire(rescoring, second, spec, false);
    return rescoring.get_mset(spec->offset, spec->limit);
}

ks_status shim_search(shim_db *db, const shim_query *query, const shim_search_spec *spec,
                      shim_mset **out)
{
    *out = nullptr;
    if (!query) {
        db->error = "no query";
        return KS_ERR_INVALID_ARGUMENT;
    }
    shim_mset *result = nullptr;
    try {
        result = new shim_mset;
        bool rescore = can_rescore(db, query, spec);
        Xapian::Query whole =
            rescore ? (query->first_phase.empty() ? query->query : query->first_phase)
            : spec->rank_only
                ? Xapian::Query(Xapian::Query::OP_AND_MAYBE, query->query, spec->rank_only->query)
                : query->query;
        Xapian::Enquire enquire(*db->reader);
        bool windowed = spec->range_low || spec->range_high;
        prepare_enquire(enquire, whole, spec, false);
        ValueWindow window(spec);
        /* A reader may see the database change under it (a writer committed
         * twice): reopen and retry once, as Xapian documents. */
        for (int attempt = 0;; attempt++) {
            try {
                const Xapian::MatchDecider *decider = windowed ? &window : nullptr;
                if (rescore) {
                    result->mset = rescored(db, enquire, query, spec, decider, &result->estimated);
                } else {
                    result->mset = enquire.get_mset(spec->offset, spec->limit,
                                                    spec->check_at_least, nullptr, decider);
                    result->estimated = result->mset.get_matches_estimated();
                }
                result->data.clear();
                for (auto it = result->mset.begin(); it != result->mset.end(); ++it)
                    result->data.push_back(stored_record(it.get_document()));
                break;
            } catch (const Xapian::DatabaseModifiedError &) {
                if (attempt >= 2)
                    throw;
                forget_memos(db);
                db->reader->reopen();
            } catch (const Xapian::UnimplementedError &) {
                if (!windowed)
                    throw;
                windowed = false; /* a remote shard: the range goes into the query */
                prepare_enquire(enquire, whole, spec, true);
            } catch (const Xapian::NetworkError &) {
                if (!db->allow_partial || attempt >= 2 || !drop_unreachable_parts(db))
                    throw;
                enquire = Xapian::Enquire(*db->reader);
                prepare_enquire(enquire, whole, spec, !windowed && (spec->range_low ||
                                                                    spec->range_high));
            }
        }
        *out = result;
        return KS_OK;
    } catch (...) {
        delete result;
        return shim_fail(db);
    }
}

size_t shim_mset_size(const shim_mset *mset)
{
    return mset->mset.size();
}

size_t shim_mset_estimated(const shim_mset *mset)
{
    return mset->estimated;
}

double shim_mset_weight(const shim_mset *mset, size_t index)
{
    return mset->mset[(Xapian::doccount)index].get_weight();
}

const char *shim_mset_data(const shim_mset *mset, size_t index, size_t *out_len)
{
    const std::string &data = mset->data[index];
    *out_len = data.size();
    return data.c_str();
}

void shim_mset_free(shim_mset *mset)
{
    delete mset;
}

const char *shim_xapian_version(void)
{
    static std::string version = std::string("Xapian ") + Xapian::version_string();
    return version.c_str();
}

} /* extern "C" */
