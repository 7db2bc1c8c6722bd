/* Xapian behind a pure C interface (see xapian_shim.h).
 *
 * The only C++ file. Every entry point is try { ... } catch (...) { return
 * shim_fail(...); } and shim_fail() rethrows to map Xapian's exception
 * classes to distinct ks_status values a caller can act on. */
#include "xapian_shim.h"

#include <xapian.h>

#include <cerrno>
#include <cstring>
#include <new>
#include <string>
#include <vector>

struct shim_db {
    Xapian::Database *reader = nullptr; /* == writer when writable */
    Xapian::WritableDatabase *writer = nullptr;
    std::string error;
};

struct shim_doc {
    Xapian::Document doc;
};

struct shim_query {
    Xapian::Query query;
};

struct shim_mset {
    Xapian::MSet mset;
    std::vector<std::string> data;
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

ks_status shim_db_open(shim_db **out, const char *path, shim_open_mode mode, ks_buf *error)
{
    *out = nullptr;
    shim_db *db = nullptr;
    try {
        db = new shim_db;
        bool memory = std::strcmp(path, SHIM_MEMORY_PATH) == 0;
        if (mode == SHIM_READ) {
            db->reader = memory ? new Xapian::Database(std::string(), Xapian::DB_BACKEND_INMEMORY)
                                : new Xapian::Database(path);
        } else {
            if (memory) {
                db->writer = new Xapian::WritableDatabase(std::string(), Xapian::DB_BACKEND_INMEMORY);
            } else {
                int flags = mode == SHIM_OVERWRITE ? Xapian::DB_CREATE_OR_OVERWRITE
                                                   : Xapian::DB_CREATE_OR_OPEN;
                if (mode == SHIM_WRITE_WAIT)
                    flags |= Xapian::DB_RETRY_LOCK;
                db->writer = new Xapian::WritableDatabase(path, flags | Xapian::DB_BACKEND_GLASS);
            }
            db->reader = db->writer;
        }
        *out = db;
        return KS_OK;
    } catch (...) {
        ks_status status = shim_fail_into(error);
        delete db;
        return status;
    }
}

ks_status shim_db_close(shim_db *db, ks_buf *error)
{
    if (!db)
        return KS_OK;
    ks_status status = KS_OK;
    try {
        if (db->writer) {
            db->writer->commit();
            db->writer->close();
        }
    } catch (...) {
        status = shim_fail_into(error);
    }
    /* Destructors of a closed database do not throw. */
    try {
        if (db->writer)
            delete db->writer;
        else
            delete db->reader;
    } catch (...) {
    }
    delete db;
    return status;
}

const char *shim_db_error(const shim_db *db)
{
    return db ? db->error.c_str() : "";
}

bool shim_db_writable(const shim_db *db)
{
    return db && db->writer;
}

ks_status shim_db_commit(shim_db *db)
{
    try {
        if (!db->writer) {
            db->error = "database is open for reading only";
            return KS_ERR_READ_ONLY;
        }
        db->writer->commit();
        return KS_OK;
    } catch (...) {
        return shim_fail(db);
    }
}

ks_status shim_db_reopen(shim_db *db)
{
    try {
        db->reader->reopen();
        return KS_OK;
    } catch (...) {
        return shim_fail(db);
    }
}

ks_status shim_db_get_metadata(shim_db *db, const char *key, ks_buf *out)
{
    try {
        std::string value = db->reader->get_metadata(key);
        ks_buf_clear(out);
        return ks_buf_append(out, value.data(), value.size());
    } catch (...) {
        return shim_fail(db);
    }
}

ks_status shim_db_set_metadata(shim_db *db, const char *key, const char *value)
{
    try {
        if (!db->writer) {
            db->error = "database is open for reading only";
            return KS_ERR_READ_ONLY;
        }
        db->writer->set_metadata(key, value);
        return KS_OK;
    } catch (...) {
        return shim_fail(db);
    }
}

ks_status shim_db_each_metadata_key(shim_db *db, const char *prefix,
                                    int (*visit)(void *context, const char *key),
                                    void *context, int *out_visit_result)
{
    try {
        int result = 0;
        for (auto it = db->reader->metadata_keys_begin(prefix);
             it != db->reader->metadata_keys_end(prefix); ++it) {
            std::string key = *it;
            result = visit(context, key.c_str());
            if (result)
                break;
        }
        if (out_visit_result)
            *out_visit_result = result;
        return KS_OK;
    } catch (...) {
        return shim_fail(db);
    }
}

ks_status shim_db_doc_count(shim_db *db, uint64_t *out)
{
    try {
        *out = db->reader->get_doccount();
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

ks_status shim_db_each_document(shim_db *db,
                                int (*visit)(void *context, const char *data, size_t len),
                                void *context)
{
    try {
        for (auto it = db->reader->postlist_begin(""); it != db->reader->postlist_end(""); ++it) {
            std::string data = db->reader->get_document(*it).get_data();
            if (visit(context, data.data(), data.size()))
                break;
        }
        return KS_OK;
    } catch (...) {
        return shim_fail(db);
    }
}

ks_status shim_db_add_document(shim_db *db, shim_doc *doc)
{
    try {
        if (!db->writer) {
            db->error = "database is open for reading only";
            return KS_ERR_READ_ONLY;
        }
        db->writer->add_document(doc->doc);
        return KS_OK;
    } catch (...) {
        return shim_fail(db);
    }
}

ks_status shim_db_delete_documents(shim_db *db, const char *term)
{
    try {
        if (!db->writer) {
            db->error = "database is open for reading only";
            return KS_ERR_READ_ONLY;
        }
        db->writer->delete_document(term);
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

ks_status shim_doc_set_data(shim_doc *doc, const char *bytes, size_t len)
{
    try {
        doc->doc.set_data(std::string(bytes, len));
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

ks_status shim_search(shim_db *db, const shim_query *query, size_t offset, size_t limit,
                      const shim_bm25 *bm25, shim_mset **out)
{
    *out = nullptr;
    if (!query) {
        db->error = "no query";
        return KS_ERR_INVALID_ARGUMENT;
    }
    shim_mset *result = nullptr;
    try {
        result = new shim_mset;
        Xapian::Enquire enquire(*db->reader);
        enquire.set_query(query->query);
        if (bm25)
            enquire.set_weighting_scheme(
                Xapian::BM25Weight(bm25->k1, bm25->k2, bm25->k3, bm25->b, bm25->min_normlen));
        /* A reader may see the database change under it (a writer committed
         * twice): reopen and retry once, as Xapian documents. */
        for (int attempt = 0;; attempt++) {
            try {
                result->mset = enquire.get_mset(offset, limit);
                result->data.clear();
                for (auto it = result->mset.begin(); it != result->mset.end(); ++it)
                    result->data.push_back(it.get_document().get_data());
                break;
            } catch (const Xapian::DatabaseModifiedError &) {
                if (attempt >= 2)
                    throw;
                db->reader->reopen();
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
    return mset->mset.get_matches_estimated();
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
