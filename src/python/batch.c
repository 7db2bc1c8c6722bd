/* Database.batch(): the queries are spread over threads without the GIL,
 * each thread with a ks_db of its own (a handle serves one thread), while
 * the calling thread turns each query's results into Python values in the
 * queries' order as they complete, as `kosearch batch` prints them. */
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
    bool done;
} batch_query;

typedef struct batch {
    const char *path;
    unsigned open_flags;
    const ks_search_options *options;
    batch_query *queries;
    size_t count;
    atomic_size_t next;
    atomic_bool stop;      /* the caller gave up: take no more queries */
    pthread_mutex_t lock;
    pthread_cond_t finished;
    size_t running;        /* threads still taking queries */
    size_t opened;         /* threads that opened the database */
    ks_status open_status; /* the first thread that could not open the database */
    char *open_error;
} batch;

static void batch_worker_done(batch *run)
{
    pthread_mutex_lock(&run->lock);
    run->running--;
    pthread_cond_broadcast(&run->finished);
    pthread_mutex_unlock(&run->lock);
}

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
        batch_worker_done(run);
        return NULL;
    }
    pthread_mutex_lock(&run->lock);
    run->opened++;
    pthread_mutex_unlock(&run->lock);
    size_t i;
    while (!atomic_load(&run->stop) && (i = atomic_fetch_add(&run->next, 1)) < run->count) {
        batch_query *q = &run->queries[i];
        ks_results *results = NULL;
        ks_status status = ks_search(db, q->text, run->options, &results);
        char *error = status == KS_OK ? NULL : strdup(ks_db_error(db));
        pthread_mutex_lock(&run->lock);
        q->results = results;
        q->status = status;
        q->error = error;
        q->done = true;
        pthread_cond_broadcast(&run->finished);
        pthread_mutex_unlock(&run->lock);
    }
    ks_db_close(db);
    batch_worker_done(run);
    return NULL;
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

/* Waits without the GIL until query i is done; false when no thread is
 * left to do it (they could not open the database). */
static bool batch_wait(batch *run, size_t i)
{
    bool done;
    Py_BEGIN_ALLOW_THREADS
    pthread_mutex_lock(&run->lock);
    while (!run->queries[i].done && run->running > 0)
        pthread_cond_wait(&run->finished, &run->lock);
    done = run->queries[i].done;
    pthread_mutex_unlock(&run->lock);
    Py_END_ALLOW_THREADS
    return done;
}

/* The outcomes in the queries' order, each converted (and its library
 * results freed) as soon as it is done. */
static PyObject *batch_collect(batch *run, bool return_exceptions)
{
    PyObject *list = PyList_New((Py_ssize_t)run->count);
    for (size_t i = 0; list && i < run->count; i++) {
        /* Ctrl-C stops a long batch (the threads finish their query). */
        if (PyErr_CheckSignals() < 0 || !batch_wait(run, i)) {
            Py_CLEAR(list);
            break;
        }
        batch_query *q = &run->queries[i];
        PyObject *outcome = query_outcome(q, i, return_exceptions);
        ks_results_free(q->results);
        q->results = NULL;
        if (!outcome)
            Py_CLEAR(list);
        else
            PyList_SET_ITEM(list, (Py_ssize_t)i, outcome);
    }
    return list;
}

/* Starts the threads, collects, and stops and joins them (early, when
 * collecting failed). */
static PyObject *batch_run(batch *run, size_t threads, bool return_exceptions)
{
    pthread_t started[MAX_THREADS];
    size_t count = 0;
    pthread_mutex_lock(&run->lock);
    for (; count < threads; count++) {
        if (pthread_create(&started[count], NULL, batch_worker, run) != 0)
            break;
        run->running++;
    }
    pthread_mutex_unlock(&run->lock);
    PyObject *outcomes = NULL;
    if (count == 0)
        PyErr_SetString(PyExc_OSError, "cannot start a thread");
    else
        outcomes = batch_collect(run, return_exceptions);
    atomic_store(&run->stop, true);
    Py_BEGIN_ALLOW_THREADS
    for (size_t i = 0; i < count; i++)
        pthread_join(started[i], NULL);
    Py_END_ALLOW_THREADS
    /* No thread could open the database: that is the error, even with no
     * query to wait for. */
    if (count > 0 && run->opened == 0 && !PyErr_Occurred()) {
        Py_CLEAR(outcomes);
        raise_status(run->open_status, run->open_error);
    }
    return outcomes;
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
    /* A str is a sequence too, of one-letter queries: surely a mistake. */
    if (PyUnicode_Check(queries) || PyBytes_Check(queries))
        return PyErr_Format(PyExc_TypeError, "queries must be a list of str, not %.100s",
                            Py_TYPE(queries)->tp_name);
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
        pthread_cond_init(&run.finished, NULL);
        outcomes = batch_run(&run, threads, return_exceptions);
        pthread_mutex_destroy(&run.lock);
        pthread_cond_destroy(&run.finished);
    }
    batch_free(&run);
    Py_DECREF(held);
    return outcomes;
}
