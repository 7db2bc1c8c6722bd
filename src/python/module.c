/* The kosearch module: open(), analyze(), versions() and the types and
 * exceptions of the other files. */
#include "kosearch_python.h"

PyObject *module_analyze(PyObject *module, PyObject *text_object)
{
    (void)module;
    if (!PyUnicode_Check(text_object))
        return PyErr_Format(PyExc_TypeError, "text must be a str, not %.100s",
                            Py_TYPE(text_object)->tp_name);
    Py_ssize_t len;
    const char *text = PyUnicode_AsUTF8AndSize(text_object, &len);
    if (!text)
        return NULL;
    ks_analysis *analysis = NULL;
    ks_status st;
    Py_BEGIN_ALLOW_THREADS
    st = ks_analyze(&analysis, text, (size_t)len);
    Py_END_ALLOW_THREADS
    PyObject *terms = st == KS_OK ? analysis_to_python(analysis, text, (size_t)len)
                                  : raise_status(st, NULL);
    ks_analysis_free(analysis);
    return terms;
}

/* Adds "icu" and "xapian" from ks_backend_versions(), "ICU 72.1, Xapian 1.4.22". */
static bool add_backend_versions(PyObject *dict)
{
    const char *item = ks_backend_versions();
    while (item && *item) {
        const char *end = strchr(item, ',');
        size_t len = end ? (size_t)(end - item) : strlen(item);
        const char *space = memchr(item, ' ', len);
        if (space) {
            PyObject *name = PyUnicode_FromStringAndSize(item, space - item);
            PyObject *key = name ? PyObject_CallMethod(name, "lower", NULL) : NULL;
            PyObject *value = PyUnicode_FromStringAndSize(space + 1, item + len - space - 1);
            bool ok = key && value && PyDict_SetItem(dict, key, value) == 0;
            Py_XDECREF(name);
            Py_XDECREF(key);
            Py_XDECREF(value);
            if (!ok)
                return false;
        }
        item = end ? end + 1 + (end[1] == ' ') : NULL;
    }
    return true;
}

static PyObject *module_versions(PyObject *module, PyObject *unused)
{
    (void)module;
    (void)unused;
    PyObject *dict = Py_BuildValue("{s:s,s:I,s:I}", "kosearch", ks_version(), "analyzer",
                                   ks_analyzer_version(), "index_format",
                                   ks_index_format_version());
    if (dict && !add_backend_versions(dict))
        Py_CLEAR(dict);
    return dict;
}

static PyMethodDef module_methods[] = {
    {"open", (PyCFunction)(void (*)(void))database_open, METH_VARARGS | METH_KEYWORDS,
     "open(path=None, writable=False, *, wait=False, allow_partial=False) -> Database\n\n"
     "Opens the database at `path` (str, bytes or os.PathLike). None means the default\n"
     "database of the kosearch command: $KOSEARCH_DB, else\n"
     "$XDG_DATA_HOME/kosearch/default.db (~/.local/share when unset). writable=True\n"
     "creates it when missing and takes the single writer's lock (DatabaseLocked when\n"
     "another writer holds it, unless wait=True). allow_partial=True searches the\n"
     "shards of a sharded database that answer. A missing database raises\n"
     "DatabaseNotFound."},
    {"analyze", (PyCFunction)module_analyze, METH_O,
     "analyze(text) -> list[Term]\n\n"
     "The terms kosearch indexes and searches for `text`: each with its kind, word\n"
     "ordinal, index position and span (bytes and str indexes)."},
    {"versions", (PyCFunction)module_versions, METH_NOARGS,
     "versions() -> dict\n\n"
     "Versions of the kosearch library, its analyzer and index format (an index built\n"
     "with others must be rebuilt), and of the ICU and Xapian it runs with."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef kosearch_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "kosearch",
    .m_doc = "Korean full-text search over passages of news articles.\n\n"
             "    db = kosearch.open(\"news.db\")\n"
             "    for hit in db.search(\"구로구 청소\", limit=10):\n"
             "        print(hit.rank, hit.id, hit.title, hit.snippet)\n\n"
             "The module wraps libkosearch, the library of the kosearch command.",
    .m_size = -1,
    .m_methods = module_methods,
};

PyMODINIT_FUNC PyInit_kosearch(void)
{
    if (PyType_Ready(&DatabaseType) < 0)
        return NULL;
    PyObject *module = PyModule_Create(&kosearch_module);
    if (!module)
        return NULL;
    if (PyModule_AddObjectRef(module, "Database", (PyObject *)&DatabaseType) < 0 ||
        PyModule_AddStringConstant(module, "__version__", ks_version()) < 0 ||
        !errors_init(module) || !records_init(module)) {
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
