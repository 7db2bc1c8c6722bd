/* The search keywords that search() and batch() share, read in one place:
 * a new ks_search_options field is one more keyword here. */
#include "kosearch_python.h"

bool utf8_argument(PyObject *value, const char *what, const char **out, Py_ssize_t *out_len)
{
    if (!PyUnicode_Check(value)) {
        PyErr_Format(PyExc_TypeError, "%s must be a str, not %.100s", what,
                     Py_TYPE(value)->tp_name);
        return false;
    }
    Py_ssize_t len;
    const char *text = PyUnicode_AsUTF8AndSize(value, &len);
    if (!text)
        return false;
    if (strlen(text) != (size_t)len) {
        PyErr_Format(PyExc_ValueError, "%s holds a NUL character", what);
        return false;
    }
    *out = text;
    if (out_len)
        *out_len = len;
    return true;
}

bool search_options_parse(PyObject *kwargs, ks_search_options *out)
{
    static char *keywords[] = {"limit", "offset", "fuzzy", "snippets", "suggestions",
                               "snippet_bytes", "since", "until", "sort", NULL};
    Py_ssize_t limit = 10, offset = 0, snippet_bytes = 240;
    int fuzzy = 0, snippets = 1, suggestions = 1;
    /* The dates stay owned by the keyword dict, which outlives the search. */
    const char *since = NULL, *until = NULL, *sort = "relevance";
    PyObject *no_args = PyTuple_New(0);
    if (!no_args)
        return false;
    int parsed = PyArg_ParseTupleAndKeywords(no_args, kwargs, "|$nnpppnzzs", keywords, &limit,
                                             &offset, &fuzzy, &snippets, &suggestions,
                                             &snippet_bytes, &since, &until, &sort);
    Py_DECREF(no_args);
    if (!parsed)
        return false;
    if (limit < 1 || offset < 0 || snippet_bytes < 1) {
        raise_status(KS_ERR_INVALID_ARGUMENT,
                     limit < 1    ? "limit must be 1 or more"
                     : offset < 0 ? "offset must be 0 or more"
                                  : "snippet_bytes must be 1 or more");
        return false;
    }
    bool by_date = strcmp(sort, "date") == 0;
    if (!by_date && strcmp(sort, "relevance") != 0) {
        raise_status(KS_ERR_INVALID_ARGUMENT, "sort must be 'relevance' or 'date'");
        return false;
    }
    *out = (ks_search_options){
        .limit = (size_t)limit,
        .offset = (size_t)offset,
        .snippet_bytes = (size_t)snippet_bytes,
        .flags = (fuzzy ? KS_SEARCH_FUZZY : 0u) | (snippets ? 0u : KS_SEARCH_NO_SNIPPETS) |
                 (suggestions ? 0u : KS_SEARCH_NO_SUGGESTIONS),
        .since = since,
        .until = until,
        .sort = by_date ? KS_SORT_DATE : KS_SORT_RELEVANCE,
    };
    return true;
}
