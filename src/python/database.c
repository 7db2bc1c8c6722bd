/* kosearch.Database: one ks_db behind a lock, so Python threads may share
 * it while the GIL is released for the library's work. */
#include "kosearch_python.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>

typedef struct database {
    PyObject_HEAD
    ks_db *db;              /* NULL once closed */
    PyThread_type_lock lock;
    PyObject *path;         /* str */
    char *path_bytes;       /* the path as the file system takes it */
    unsigned open_flags;
} database;

/* Takes the handle's lock (waiting without the GIL) and checks the handle
 * is open; false with InvalidArgument when it is closed. */
static bool database_enter(database *self)
{
    if (!PyThread_acquire_lock(self->lock, NOWAIT_LOCK)) {
        Py_BEGIN_ALLOW_THREADS
        PyThread_acquire_lock(self->lock, WAIT_LOCK);
        Py_END_ALLOW_THREADS
    }
    if (self->db)
        return true;
    PyThread_release_lock(self->lock);
    raise_status(KS_ERR_INVALID_ARGUMENT, "the database is closed");
    return false;
}

static void database_leave(database *self)
{
    PyThread_release_lock(self->lock);
}

/* Raises the handle's failure; call before database_leave(), as the
 * message lives in the handle. */
static PyObject *raise_database_error(database *self, ks_status status)
{
    return raise_status(status, ks_db_error(self->db));
}

/* ------------------------------------------------------------------------ */
/* Opening and closing.                                                     */

/* Creates the folders above a database about to be made, as `kosearch
 * index` does; errno is set when one cannot be made. */
static bool make_parent_folders(char *path)
{
    for (char *slash = strchr(path + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
        *slash = '\0';
        bool made = mkdir(path, 0777) == 0 || errno == EEXIST;
        *slash = '/';
        if (!made)
            return false;
    }
    return true;
}

/* The path argument (str, bytes or os.PathLike; None: the default) as a
 * malloc'd C string. */
static char *path_argument(PyObject *argument)
{
    if (argument == Py_None) {
        /* The kosearch command's default, copied to be freed as the rest. */
        char *library_path = NULL;
        char *path = ks_default_db_path(&library_path) == KS_OK ? strdup(library_path) : NULL;
        ks_string_free(library_path);
        if (!path)
            PyErr_NoMemory();
        return path;
    }
    PyObject *bytes = NULL;
    if (!PyUnicode_FSConverter(argument, &bytes))
        return NULL;
    char *path = strdup(PyBytes_AS_STRING(bytes));
    Py_DECREF(bytes);
    if (!path)
        PyErr_NoMemory();
    return path;
}

PyObject *database_open(PyObject *module, PyObject *args, PyObject *kwargs)
{
    (void)module;
    static char *keywords[] = {"path", "writable", "wait", "allow_partial", NULL};
    PyObject *path_object = Py_None;
    int writable = 0, wait = 0, allow_partial = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|Op$pp:open", keywords, &path_object,
                                     &writable, &wait, &allow_partial))
        return NULL;
    char *path = path_argument(path_object);
    if (!path)
        return NULL;
    if (*path == '\0') {
        free(path);
        return raise_status(KS_ERR_INVALID_ARGUMENT, "the database path is empty");
    }
    unsigned flags = (writable ? KS_OPEN_WRITE : KS_OPEN_READ) |
                     (writable && wait ? KS_OPEN_WAIT : 0u) |
                     (allow_partial ? KS_OPEN_ALLOW_PARTIAL : 0u);
    if (writable && !make_parent_folders(path)) {
        PyErr_SetFromErrnoWithFilename(PyExc_OSError, path);
        free(path);
        return NULL;
    }
    database *self = PyObject_New(database, &DatabaseType);
    if (!self) {
        free(path);
        return NULL;
    }
    self->db = NULL;
    self->path_bytes = path;
    self->open_flags = flags;
    self->lock = PyThread_allocate_lock();
    self->path = PyUnicode_DecodeFSDefault(path);
    if (!self->lock || !self->path) {
        if (!self->lock)
            PyErr_NoMemory();
        Py_DECREF(self);
        return NULL;
    }
    ks_db *db = NULL;
    ks_status st;
    Py_BEGIN_ALLOW_THREADS
    st = ks_db_open(&db, path, flags);
    Py_END_ALLOW_THREADS
    if (st != KS_OK) {
        raise_status(st, db ? ks_db_error(db) : NULL);
        ks_db_close(db);
        Py_DECREF(self);
        return NULL;
    }
    self->db = db;
    return (PyObject *)self;
}

/* Closes the handle under its lock; the failure of a final commit raises. */
static PyObject *database_close(database *self, PyObject *unused)
{
    (void)unused;
    if (!PyThread_acquire_lock(self->lock, NOWAIT_LOCK)) {
        Py_BEGIN_ALLOW_THREADS
        PyThread_acquire_lock(self->lock, WAIT_LOCK);
        Py_END_ALLOW_THREADS
    }
    ks_db *db = self->db;
    self->db = NULL;
    database_leave(self);
    if (!db)
        Py_RETURN_NONE;
    ks_status st;
    Py_BEGIN_ALLOW_THREADS
    st = ks_db_close(db);
    Py_END_ALLOW_THREADS
    /* The handle is gone with its message: say what failed. */
    if (st != KS_OK)
        return raise_status(st, "closing the database failed: the last changes were not saved");
    Py_RETURN_NONE;
}

static void database_dealloc(database *self)
{
    if (self->db && ks_db_close(self->db) != KS_OK &&
        PyErr_WarnFormat(PyExc_ResourceWarning, 1,
                         "kosearch database %s was not closed, and its last commit failed",
                         self->path_bytes) < 0)
        PyErr_WriteUnraisable((PyObject *)self);
    if (self->lock)
        PyThread_free_lock(self->lock);
    Py_XDECREF(self->path);
    free(self->path_bytes);
    PyObject_Free(self);
}

static PyObject *database_enter_context(database *self, PyObject *unused)
{
    (void)unused;
    if (!database_enter(self))
        return NULL;
    database_leave(self);
    return Py_NewRef(self);
}

static PyObject *database_exit_context(database *self, PyObject *args)
{
    (void)args;
    PyObject *closed = database_close(self, NULL);
    if (!closed)
        return NULL;
    Py_DECREF(closed);
    Py_RETURN_FALSE;
}

/* ------------------------------------------------------------------------ */
/* Searching.                                                               */

static PyObject *database_search(database *self, PyObject *args, PyObject *kwargs)
{
    PyObject *query_object;
    if (!PyArg_ParseTuple(args, "O:search", &query_object))
        return NULL;
    const char *query;
    ks_search_options options;
    if (!utf8_argument(query_object, "query", &query, NULL) ||
        !search_options_parse(kwargs, &options) || !database_enter(self))
        return NULL;
    ks_results *results = NULL;
    ks_status st;
    Py_BEGIN_ALLOW_THREADS
    st = ks_search(self->db, query, &options, &results);
    Py_END_ALLOW_THREADS
    PyObject *hits = st == KS_OK ? results_to_python(results) : raise_database_error(self, st);
    database_leave(self);
    ks_results_free(results);
    return hits;
}

/* batch(queries, *, threads=None, return_exceptions=False, **search keywords) */
static PyObject *database_batch(database *self, PyObject *args, PyObject *kwargs)
{
    PyObject *queries;
    if (!PyArg_ParseTuple(args, "O:batch", &queries))
        return NULL;
    PyObject *search_keywords = kwargs ? PyDict_Copy(kwargs) : PyDict_New();
    if (!search_keywords)
        return NULL;
    PyObject *threads_object = PyDict_GetItemString(search_keywords, "threads");
    PyObject *return_object = PyDict_GetItemString(search_keywords, "return_exceptions");
    Py_ssize_t threads = 0;
    int return_exceptions = 0;
    bool ok = true;
    if (threads_object && threads_object != Py_None) {
        threads = PyNumber_AsSsize_t(threads_object, PyExc_OverflowError);
        ok = !(threads == -1 && PyErr_Occurred());
        if (ok && threads < 1) {
            raise_status(KS_ERR_INVALID_ARGUMENT, "threads must be 1 or more");
            ok = false;
        }
    }
    if (ok && return_object) {
        return_exceptions = PyObject_IsTrue(return_object);
        ok = return_exceptions >= 0;
    }
    /* What is left are the keywords of search(). */
    if (ok && threads_object)
        ok = PyDict_DelItemString(search_keywords, "threads") == 0;
    if (ok && return_object)
        ok = PyDict_DelItemString(search_keywords, "return_exceptions") == 0;
    ks_search_options options;
    ok = ok && search_options_parse(search_keywords, &options);
    PyObject *outcomes = NULL;
    if (ok && database_enter(self)) {
        /* The threads open their own handles: this one is not used. */
        database_leave(self);
        outcomes = batch_run_queries(self->path_bytes, self->open_flags & KS_OPEN_ALLOW_PARTIAL,
                                     queries, &options, (size_t)threads, return_exceptions);
    }
    Py_DECREF(search_keywords);
    return outcomes;
}

static PyObject *database_analyze(database *self, PyObject *text)
{
    (void)self;
    return module_analyze(NULL, text);
}

/* ------------------------------------------------------------------------ */
/* Writing.                                                                 */

static PyObject *raise_bad_input(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    PyObject *message = PyUnicode_FromFormatV(format, args);
    va_end(args);
    if (message)
        raise_status(KS_ERR_BAD_INPUT, PyUnicode_AsUTF8(message));
    Py_XDECREF(message);
    return NULL;
}

/* An article dict read into a ks_article, with references that keep its
 * strings alive while the GIL is released. */
typedef struct article_input {
    ks_article article;
    PyObject *held[5];
    size_t held_count;
} article_input;

static void article_input_release(article_input *in)
{
    for (size_t i = 0; i < in->held_count; i++)
        Py_DECREF(in->held[i]);
    in->held_count = 0;
}

/* UTF-8 of a str value named `key`, held by `in`; false (BadInput) when
 * it has NUL characters. */
static bool held_text(article_input *in, PyObject *value, const char *key, const char **out,
                      size_t *out_len)
{
    Py_ssize_t len;
    const char *text = PyUnicode_AsUTF8AndSize(value, &len);
    if (!text)
        return false;
    const char *nul = memchr(text, '\0', (size_t)len);
    if (nul) {
        raise_bad_input("\"%s\" holds a NUL character at byte %zd", key, (Py_ssize_t)(nul - text));
        return false;
    }
    in->held[in->held_count++] = Py_NewRef(value);
    *out = text;
    if (out_len)
        *out_len = (size_t)len;
    return true;
}

/* An article id: a non-empty str, or an int as in JSONL. */
static bool article_id(article_input *in, PyObject *value, const char **out)
{
    if (PyLong_Check(value) && !PyBool_Check(value)) {
        PyObject *text = PyObject_Str(value);
        bool ok = text && held_text(in, text, "id", out, NULL);
        Py_XDECREF(text);
        return ok;
    }
    if (!PyUnicode_Check(value)) {
        raise_bad_input("\"id\" must be a string or an integer, not %s", Py_TYPE(value)->tp_name);
        return false;
    }
    if (PyUnicode_GET_LENGTH(value) == 0) {
        raise_bad_input("\"id\" is empty");
        return false;
    }
    return held_text(in, value, "id", out, NULL);
}

/* An optional field: absent or None leaves NULL. */
static bool optional_text(article_input *in, PyObject *article, const char *key, const char **out)
{
    PyObject *value = PyDict_GetItemString(article, key);
    if (!value || value == Py_None)
        return true;
    if (!PyUnicode_Check(value)) {
        raise_bad_input("\"%s\" must be a string, not %s", key, Py_TYPE(value)->tp_name);
        return false;
    }
    return held_text(in, value, key, out, NULL);
}

/* Reads the JSONL fields: "id" and "body" required; "title", "date" and
 * "url" optional; anything else is ignored, as in a JSONL file. */
static bool article_from_dict(article_input *in, PyObject *article)
{
    memset(in, 0, sizeof *in);
    if (!PyDict_Check(article)) {
        PyErr_Format(PyExc_TypeError, "an article is a dict, not %.100s",
                     Py_TYPE(article)->tp_name);
        return false;
    }
    PyObject *id = PyDict_GetItemString(article, "id");
    PyObject *body = PyDict_GetItemString(article, "body");
    if (!id || !body) {
        raise_bad_input("missing \"%s\"", !id ? "id" : "body");
        return false;
    }
    if (!PyUnicode_Check(body)) {
        raise_bad_input("\"body\" must be a string, not %s", Py_TYPE(body)->tp_name);
        return false;
    }
    ks_article *a = &in->article;
    bool ok = article_id(in, id, &a->id) &&
              held_text(in, body, "body", &a->body, &a->body_len) &&
              optional_text(in, article, "title", &a->title) &&
              optional_text(in, article, "date", &a->date) &&
              optional_text(in, article, "url", &a->url);
    if (!ok)
        article_input_release(in);
    return ok;
}

static const char *change_name(ks_change change)
{
    switch (change) {
    case KS_CHANGE_ADDED: return "added";
    case KS_CHANGE_UPDATED: return "updated";
    case KS_CHANGE_UNCHANGED: return "unchanged";
    }
    return "unknown";
}

static PyObject *database_add(database *self, PyObject *article)
{
    article_input in;
    if (!article_from_dict(&in, article))
        return NULL;
    if (!database_enter(self)) {
        article_input_release(&in);
        return NULL;
    }
    ks_change change = KS_CHANGE_ADDED;
    ks_status st;
    Py_BEGIN_ALLOW_THREADS
    st = ks_db_put_article(self->db, &in.article, &change, NULL);
    Py_END_ALLOW_THREADS
    PyObject *outcome = st == KS_OK ? PyUnicode_FromString(change_name(change))
                                    : raise_database_error(self, st);
    database_leave(self);
    article_input_release(&in);
    return outcome;
}

static PyObject *database_remove(database *self, PyObject *id_object)
{
    article_input in;
    memset(&in, 0, sizeof in);
    const char *id;
    if (!article_id(&in, id_object, &id))
        return NULL;
    if (!database_enter(self)) {
        article_input_release(&in);
        return NULL;
    }
    ks_status st;
    Py_BEGIN_ALLOW_THREADS
    st = ks_db_remove_article(self->db, id);
    Py_END_ALLOW_THREADS
    if (st == KS_ERR_NOT_FOUND)
        raise_article_status(st, ks_db_error(self->db));
    else if (st != KS_OK)
        raise_database_error(self, st);
    database_leave(self);
    article_input_release(&in);
    if (st != KS_OK)
        return NULL;
    Py_RETURN_NONE;
}

static PyObject *database_commit(database *self, PyObject *unused)
{
    (void)unused;
    if (!database_enter(self))
        return NULL;
    ks_status st;
    Py_BEGIN_ALLOW_THREADS
    st = ks_db_commit(self->db);
    Py_END_ALLOW_THREADS
    if (st != KS_OK)
        raise_database_error(self, st);
    database_leave(self);
    if (st != KS_OK)
        return NULL;
    Py_RETURN_NONE;
}

/* index(path): what ks_read_path() reads, put into the database without
 * the GIL; problems are kept in C until the GIL is back. */
typedef struct index_problem {
    char *origin, *message;
    long line, byte_offset;
} index_problem;

typedef struct index_run {
    ks_db *db;
    size_t added, updated, unchanged, passages;
    index_problem *problems;
    size_t problem_count, problem_cap;
    bool out_of_memory;
} index_run;

static ks_status index_article(void *context, const ks_source_article *source)
{
    index_run *run = context;
    ks_article article = source->article;
    article.origin = source->origin;
    ks_change change;
    size_t passages = 0;
    ks_status st = ks_db_put_article(run->db, &article, &change, &passages);
    if (st != KS_OK)
        return st;
    run->added += change == KS_CHANGE_ADDED;
    run->updated += change == KS_CHANGE_UPDATED;
    run->unchanged += change == KS_CHANGE_UNCHANGED;
    run->passages += change == KS_CHANGE_UNCHANGED ? 0 : passages;
    return KS_OK;
}

static void index_problem_found(void *context, const char *origin, long line, long byte_offset,
                                const char *message)
{
    index_run *run = context;
    if (run->problem_count == run->problem_cap) {
        size_t cap = run->problem_cap ? run->problem_cap * 2 : 16;
        index_problem *grown = realloc(run->problems, cap * sizeof *grown);
        if (!grown) {
            run->out_of_memory = true;
            return;
        }
        run->problems = grown;
        run->problem_cap = cap;
    }
    index_problem *p = &run->problems[run->problem_count++];
    *p = (index_problem){strdup(origin), strdup(message), line, byte_offset};
}

static PyObject *index_problems(const index_run *run)
{
    PyObject *list = PyList_New((Py_ssize_t)run->problem_count);
    for (size_t i = 0; list && i < run->problem_count; i++) {
        const index_problem *p = &run->problems[i];
        PyObject *problem = problem_to_python(p->origin ? p->origin : "", p->line,
                                              p->byte_offset, p->message ? p->message : "");
        if (!problem)
            Py_CLEAR(list);
        else
            PyList_SET_ITEM(list, (Py_ssize_t)i, problem);
    }
    return list;
}

static PyObject *database_index(database *self, PyObject *path_object)
{
    PyObject *path_bytes = NULL;
    if (!PyUnicode_FSConverter(path_object, &path_bytes))
        return NULL;
    if (!database_enter(self)) {
        Py_DECREF(path_bytes);
        return NULL;
    }
    index_run run = {.db = self->db};
    ks_reader_callbacks callbacks = {.on_article = index_article,
                                     .on_problem = index_problem_found,
                                     .context = &run};
    ks_status st;
    Py_BEGIN_ALLOW_THREADS
    st = ks_read_path(PyBytes_AS_STRING(path_bytes), &callbacks);
    if (st == KS_OK)
        st = ks_db_commit(self->db);
    Py_END_ALLOW_THREADS
    PyObject *summary = NULL;
    if (st != KS_OK) {
        raise_database_error(self, st);
    } else if (run.out_of_memory) {
        PyErr_NoMemory();
    } else {
        PyObject *problems = index_problems(&run);
        if (problems)
            summary = index_summary_to_python(run.added, run.updated, run.unchanged,
                                              run.passages, problems);
        Py_XDECREF(problems);
    }
    database_leave(self);
    for (size_t i = 0; i < run.problem_count; i++) {
        free(run.problems[i].origin);
        free(run.problems[i].message);
    }
    free(run.problems);
    Py_DECREF(path_bytes);
    return summary;
}

/* ------------------------------------------------------------------------ */
/* Facts about the database.                                                */

static PyObject *database_stats(database *self, PyObject *unused)
{
    (void)unused;
    if (!database_enter(self))
        return NULL;
    ks_db_stats stats;
    ks_status st;
    Py_BEGIN_ALLOW_THREADS
    st = ks_db_stats_get(self->db, &stats);
    Py_END_ALLOW_THREADS
    PyObject *dict = st != KS_OK
                         ? raise_database_error(self, st)
                         : Py_BuildValue("{s:K,s:K,s:K,s:K,s:I,s:I,s:L}", "articles",
                                         (unsigned long long)stats.articles, "passages",
                                         (unsigned long long)stats.passages, "terms",
                                         (unsigned long long)stats.terms, "bytes_on_disk",
                                         (unsigned long long)stats.bytes_on_disk, "index_format",
                                         stats.index_format, "analyzer", stats.analyzer,
                                         "last_update", (long long)stats.last_update);
    database_leave(self);
    return dict;
}

static PyObject *database_get_path(database *self, void *unused)
{
    (void)unused;
    return Py_NewRef(self->path);
}

static PyObject *database_get_writable(database *self, void *unused)
{
    (void)unused;
    return PyBool_FromLong((self->open_flags & KS_OPEN_WRITE) != 0);
}

static PyObject *database_get_closed(database *self, void *unused)
{
    (void)unused;
    return PyBool_FromLong(self->db == NULL);
}

static PyObject *database_repr(database *self)
{
    return PyUnicode_FromFormat("<kosearch.Database %R%s%s>", self->path,
                                (self->open_flags & KS_OPEN_WRITE) ? " writable" : "",
                                self->db ? "" : " closed");
}

static PyMethodDef database_methods[] = {
    {"search", (PyCFunction)(void (*)(void))database_search, METH_VARARGS | METH_KEYWORDS,
     "search(query, *, limit=10, offset=0, fuzzy=False, snippets=True, suggestions=True,\n"
     "       snippet_bytes=240, since=None, until=None, sort='relevance') -> Results\n\n"
     "Runs a query (the syntax of `kosearch search`: words, \"phrases\", -excluded, OR,\n"
     "initial consonants, prefix*, Hanja) and returns its hits, best first. fuzzy=True\n"
     "searches the closest indexed words when the query finds few hits; snippets=False\n"
     "skips snippets and highlights (ranking only); suggestions=False skips the\n"
     "\"did you mean\" lookup. since and until ('YYYY', 'YYYY-MM' or 'YYYY-MM-DD',\n"
     "inclusive) keep only dated articles in that window; sort='date' puts the newest\n"
     "first. A syntax error raises BadQuery. The GIL is released while\n"
     "the library searches."},
    {"batch", (PyCFunction)(void (*)(void))database_batch, METH_VARARGS | METH_KEYWORDS,
     "batch(queries, *, threads=None, return_exceptions=False, **search_options)\n"
     "      -> list[Results]\n\n"
     "Runs every query of `queries` (strs) and returns their Results in the same order.\n"
     "The queries run on `threads` threads (None: one per core) without the GIL, each\n"
     "with a read handle of its own on this database's path, so they see what is\n"
     "committed. Takes the keywords of search(). A failed query raises its error\n"
     "(\"query N: ...\"); with return_exceptions=True its place holds the exception."},
    {"analyze", (PyCFunction)database_analyze, METH_O,
     "analyze(text) -> list[Term]\n\nkosearch.analyze(): the same for any database."},
    {"add", (PyCFunction)database_add, METH_O,
     "add(article) -> str\n\n"
     "Adds an article given as a dict with the fields of a JSONL record: \"id\" (str or\n"
     "int) and \"body\" required, \"title\", \"date\" and \"url\" optional. An article with\n"
     "the same id is replaced. Returns 'added', 'updated' or 'unchanged'. Visible to\n"
     "readers after commit() or close()."},
    {"remove", (PyCFunction)database_remove, METH_O,
     "remove(id)\n\nRemoves an article and its passages; ArticleNotFound if absent."},
    {"commit", (PyCFunction)database_commit, METH_NOARGS,
     "commit()\n\nMakes every change so far durable and visible to readers, atomically."},
    {"index", (PyCFunction)database_index, METH_O,
     "index(path) -> IndexSummary\n\n"
     "Indexes a file or a folder (recursively: .txt .md .jsonl) as `kosearch index` does\n"
     "and commits. Files and records that cannot be read are skipped and listed in the\n"
     "summary's problems."},
    {"stats", (PyCFunction)database_stats, METH_NOARGS,
     "stats() -> dict\n\nArticles, passages, distinct terms, bytes on disk, index format and\n"
     "analyzer versions, and the Unix time of the last commit."},
    {"close", (PyCFunction)database_close, METH_NOARGS,
     "close()\n\nCommits pending changes (when writable) and closes the handle; a failed\n"
     "commit raises. Closing twice does nothing."},
    {"__enter__", (PyCFunction)database_enter_context, METH_NOARGS, NULL},
    {"__exit__", (PyCFunction)database_exit_context, METH_VARARGS,
     "Closes the handle, which commits what was added (also when the block raised)."},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef database_getset[] = {
    {"path", (getter)database_get_path, NULL, "The path the database was opened with.", NULL},
    {"writable", (getter)database_get_writable, NULL, "Whether it was opened for writing.",
     NULL},
    {"closed", (getter)database_get_closed, NULL, "Whether close() was called.", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

PyTypeObject DatabaseType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "kosearch.Database",
    .tp_basicsize = sizeof(database),
    .tp_dealloc = (destructor)database_dealloc,
    .tp_repr = (reprfunc)database_repr,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "A kosearch database, from kosearch.open(). One handle may be shared by\n"
              "threads (calls on it take turns); batch() runs threads of its own.",
    .tp_methods = database_methods,
    .tp_getset = database_getset,
};
