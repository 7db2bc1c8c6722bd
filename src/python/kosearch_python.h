/* The kosearch Python module: CPython objects over the public C API
 * (kosearch.h), nothing more. One section per file of src/python/. */
#ifndef KOSEARCH_PYTHON_H
#define KOSEARCH_PYTHON_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "kosearch.h"

#include <stdbool.h>

/* ------------------------------------------------------------------------ */
/* errors.c: kosearch.Error and one subclass per ks_status.                 */

/* Creates the exception classes and adds them to the module. */
bool errors_init(PyObject *module);
/* Raises the exception for `status` with `message` ("" or NULL: the
 * status's own words); returns NULL, for `return raise_status(...)`. */
PyObject *raise_status(ks_status status, const char *message);
/* The same with kosearch.ArticleNotFound for KS_ERR_NOT_FOUND (removing an
 * article that is not there, rather than opening a missing database). */
PyObject *raise_article_status(ks_status status, const char *message);
/* A new, unraised exception object for `status`; for batch(return_exceptions=True). */
PyObject *error_object(ks_status status, const char *message);

/* ------------------------------------------------------------------------ */
/* records.c: hits, terms and results as Python values.                     */

bool records_init(PyObject *module);
/* A str from UTF-8 bytes; invalid bytes become lone surrogates
 * (surrogateescape), so one byte never hides another. */
PyObject *text_from_utf8(const char *text, size_t len);
/* A kosearch.Results list of kosearch.Hit from search results. */
PyObject *results_to_python(const ks_results *results);
/* A list of kosearch.Term from an analysis of `text`. */
PyObject *analysis_to_python(const ks_analysis *analysis, const char *text, size_t len);
/* A kosearch.Problem (a file or record skipped while indexing). */
PyObject *problem_to_python(const char *origin, long line, long byte_offset, const char *message);
/* A kosearch.IndexSummary. */
PyObject *index_summary_to_python(size_t added, size_t updated, size_t unchanged,
                                  size_t passages, PyObject *problems);

/* ------------------------------------------------------------------------ */
/* options.c: the keyword arguments of search() and batch().                */

/* Reads the search keywords in `kwargs` (may be NULL) into `out`; false
 * with an exception set on a bad or unknown keyword. */
bool search_options_parse(PyObject *kwargs, ks_search_options *out);
/* A UTF-8 view of a str argument; false (TypeError or ValueError naming
 * `what`) when it is not a str or holds a NUL character. The bytes belong
 * to the str object. */
bool utf8_argument(PyObject *value, const char *what, const char **out, Py_ssize_t *out_len);

/* ------------------------------------------------------------------------ */
/* database.c: kosearch.Database, the handle open() returns.                */

extern PyTypeObject DatabaseType;
/* kosearch.open(path=None, writable=False, *, wait=False, allow_partial=False) */
PyObject *database_open(PyObject *module, PyObject *args, PyObject *kwargs);

/* ------------------------------------------------------------------------ */
/* batch.c: many queries on threads, one ks_db each.                        */

/* Runs every query of `queries` (a sequence of str) against the database
 * at `path` with `threads` threads (0: one per core); a list of results
 * lists in the order of the queries. */
PyObject *batch_run_queries(const char *path, unsigned open_flags, PyObject *queries,
                            const ks_search_options *options, size_t threads,
                            bool return_exceptions);

/* ------------------------------------------------------------------------ */
/* module.c                                                                 */

/* kosearch.analyze(text): also Database.analyze. */
PyObject *module_analyze(PyObject *module, PyObject *text);

#endif /* KOSEARCH_PYTHON_H */
