/* Database.batch(): the queries are spread over threads without the GIL,
 * each thread with a ks_db of its own (a handle serves one thread), and
 * the results turned into Python values in the queries' order once all
 * have run. */
#include "kosearch_python.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#define MAX_THREADS 64

typedef struct batch_query {
    const char *text;   /* borrowed from the caller's str */
    ks_results *results;
    ks_status status;
    char *error;        /* why the query failed, or NULL */
} batch_query;

typedef struct batch {
    const char *path;
    unsigned open_flags;
    const ks_search_options *options;
    batch_query *queries;
    size_t count;
    atomic_size_t next;
    pthread_mutex_t lock;
    ks_status open_status; /* the first thread that could not open the database */
    char *open_error;
} batch;

static void *batch_worker(void *context)
{
    batch *run = context;
    ks_db *db = NULL;
    ks_status st = ks_db_open(&db, run->path, run->open_flags);
    if (st != KS_OK) {
        pthread_mutex_lock(&run->lock);
        if (run->open_status == KS_OK) {
            run->open_status = st;
            run->open_error = strdup(db ? ks_db_error(db) : "");
        }
        pthread_mutex_unlock(&run->lock);
        ks_db_close(db);
        return NULL;
    }
    size_t i;
    while ((i = atomic_fetch_add(&run->next, 1)) < run->count) {
        batch_query *q = &run->queries[i];
        q->status = ks_search(db, q->text, run->options, &q->results);
        if (q->status != KS_OK)
            q->error = strdup(ks_db_error(db));
    }
    ks_db_close(db);
    return NULL;
}

/* Runs the batch on `threads` threads, the calling one among them. */
static void batch_run_threads(batch *run, size_t threads)
{
    pthread_t started[MAX_THREADS];
    size_t count = 0;
    while (count + 1 < threads && pthread_create(&started[count], NULL, batch_worker, run) == 0)
        count++;
    batch_worker(run);
    for (size_t i = 0; i < count; i++)
        pthread_join(started[i], NULL);
}

static size_t default_threads(void)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    return cores > 0 ? (size_t)cores : 1;
}

/* The Python value of one query's outcome; NULL with an exception set when
 * it failed and failures raise. */
static PyObject *query_outcome(const batch_query *q, size_t index, bool return_exceptions)
{
    if (q->status == KS_OK)
        return results_to_python(q->results);
    PyObject *where = PyUnicode_FromFormat("query %zu: %s", index,
                                           q->error && *q->error ? q->error
                                                                 : ks_status_string(q->status));
    const char *message = where ? PyUnicode_AsUTF8(where) : NULL;
    PyObject *outcome = NULL;
    if (message && return_exceptions)
        outcome = error_object(q->status, message);
    else if (message)
        raise_status(q->status, message);
    Py_XDECREF(where);
    return outcome;
}

static PyObject *batch_outcomes(const batch *run, bool return_exceptions)
{
    if (run->open_status != KS_OK)
        return raise_status(run->open_status, run->open_error);
    PyObject *list = PyList_New((Py_ssize_t)run->count);
    for (size_t i = 0; list && i < run->count; i++) {
        PyObject *outcome = query_outcome(&run->queries[i], i, return_exceptions);
        if (!outcome)
            Py_CLEAR(list);
        else
            PyList_SET_ITEM(list, (Py_ssize_t)i, outcome);
    }
    return list;
}

static void batch_free(batch *run)
{
    for (size_t i = 0; i < run->count; i++) {
        ks_results_free(run->queries[i].results);
        free(run->queries[i].error);
    }
    PyMem_Free(run->queries);
    free(run->open_error);
}

PyObject *batch_run_queries(const char *path, unsigned open_flags, PyObject *queries,
                            const ks_search_options *options, size_t threads,
                            bool return_exceptions)
{
    /* A list of our own holds every query's str alive while the threads
     * read their bytes without the GIL. */
    PyObject *held = PySequence_List(queries);
    if (!held)
        return NULL;
    batch run = {.path = path, .open_flags = open_flags, .options = options};
    run.count = (size_t)PyList_GET_SIZE(held);
    run.queries = PyMem_Calloc(run.count ? run.count : 1, sizeof *run.queries);
    if (!run.queries) {
        Py_DECREF(held);
        return PyErr_NoMemory();
    }
    PyObject *outcomes = NULL;
    bool ok = true;
    for (size_t i = 0; ok && i < run.count; i++) {
        char what[48];
        snprintf(what, sizeof what, "query %zu", i);
        ok = utf8_argument(PyList_GET_ITEM(held, (Py_ssize_t)i), what, &run.queries[i].text,
                           NULL);
    }
    if (ok) {
        if (threads == 0)
            threads = default_threads();
        if (threads > run.count)
            threads = run.count ? run.count : 1;
        if (threads > MAX_THREADS)
            threads = MAX_THREADS;
        pthread_mutex_init(&run.lock, NULL);
        Py_BEGIN_ALLOW_THREADS
        batch_run_threads(&run, threads);
        Py_END_ALLOW_THREADS
        pthread_mutex_destroy(&run.lock);
        outcomes = batch_outcomes(&run, return_exceptions);
    }
    batch_free(&run);
    Py_DECREF(held);
    return outcomes;
}
