/* kosearch.Error and its subclasses: one per ks_status a caller can act
 * on, each carrying the status number and the library's message. */
#include "kosearch_python.h"

typedef struct error_class {
    ks_status status;
    const char *name;     /* "kosearch.Name" */
    const char *parent;   /* another entry's name, or NULL for Error */
    PyObject **python_base; /* a built-in exception to derive from too, or NULL */
    const char *doc;
    PyObject *type;
} error_class;

static PyObject *base_error;

/* Order matters: a parent comes before its children. */
static error_class classes[] = {
    {KS_ERR_NOMEM, "kosearch.OutOfMemory", NULL, &PyExc_MemoryError, "Out of memory.", NULL},
    {KS_ERR_INVALID_ARGUMENT, "kosearch.InvalidArgument", NULL, &PyExc_ValueError,
     "A bad argument value, or an operation on a closed database.", NULL},
    {KS_ERR_IO, "kosearch.FileError", NULL, NULL, "A file could not be read or written.", NULL},
    {KS_ERR_NOT_FOUND, "kosearch.NotFound", NULL, NULL, "No database or article there.", NULL},
    {KS_ERR_NOT_FOUND, "kosearch.DatabaseNotFound", "kosearch.NotFound", NULL,
     "No database at that path.", NULL},
    {KS_ERR_NOT_FOUND, "kosearch.ArticleNotFound", "kosearch.NotFound", NULL,
     "No article with that id.", NULL},
    {KS_ERR_LOCKED, "kosearch.DatabaseLocked", NULL, NULL,
     "Another writer holds the database (open with wait=True to wait).", NULL},
    {KS_ERR_CORRUPT, "kosearch.DatabaseCorrupt", NULL, NULL, "The database is damaged.", NULL},
    {KS_ERR_VERSION, "kosearch.VersionMismatch", NULL, NULL,
     "The database was made by an incompatible kosearch: rebuild it.", NULL},
    {KS_ERR_READ_ONLY, "kosearch.ReadOnly", NULL, NULL,
     "The database was opened for reading (open with writable=True).", NULL},
    {KS_ERR_BAD_QUERY, "kosearch.BadQuery", NULL, &PyExc_ValueError,
     "The query has a syntax error.", NULL},
    {KS_ERR_BAD_INPUT, "kosearch.BadInput", NULL, &PyExc_ValueError,
     "An article or its text is malformed.", NULL},
    {KS_ERR_ENCODING, "kosearch.BadEncoding", NULL, &PyExc_ValueError,
     "Text in an encoding kosearch cannot read.", NULL},
    {KS_ERR_INTERRUPTED, "kosearch.Interrupted", NULL, NULL, "Stopped on request.", NULL},
    {KS_ERR_BACKEND, "kosearch.BackendError", NULL, NULL, "An error reported by Xapian.", NULL},
    {KS_ERR_UNAVAILABLE, "kosearch.Unavailable", NULL, NULL,
     "A remote shard cannot be reached.", NULL},
    {KS_ERR_INTERNAL, "kosearch.InternalError", NULL, NULL, "A bug in kosearch: please report it.",
     NULL},
};
#define CLASS_COUNT (sizeof classes / sizeof classes[0])

static PyObject *class_named(const char *name)
{
    for (size_t i = 0; i < CLASS_COUNT; i++)
        if (strcmp(classes[i].name, name) == 0)
            return classes[i].type;
    return NULL;
}

/* The class `refined` names, else the one for the status: for
 * KS_ERR_NOT_FOUND, DatabaseNotFound (only remove() looks up articles). */
static PyObject *class_for(ks_status status, const char *refined)
{
    if (refined)
        return class_named(refined);
    for (size_t i = 0; i < CLASS_COUNT; i++)
        if (classes[i].status == status)
            return status == KS_ERR_NOT_FOUND ? class_named("kosearch.DatabaseNotFound")
                                              : classes[i].type;
    return base_error;
}

static PyObject *new_error(PyObject *type, ks_status status, const char *message)
{
    if (!message || !*message)
        message = ks_status_string(status);
    PyObject *text = PyUnicode_DecodeUTF8(message, (Py_ssize_t)strlen(message), "replace");
    if (!text)
        return NULL;
    PyObject *error = PyObject_CallOneArg(type, text);
    PyObject *number = PyLong_FromLong((long)status);
    if (error && number && PyObject_SetAttrString(error, "status", number) == 0 &&
        PyObject_SetAttrString(error, "message", text) == 0) {
        Py_DECREF(number);
        Py_DECREF(text);
        return error;
    }
    Py_XDECREF(error);
    Py_XDECREF(number);
    Py_DECREF(text);
    return NULL;
}

static PyObject *raise_class(PyObject *type, ks_status status, const char *message)
{
    PyObject *error = new_error(type, status, message);
    if (error) {
        PyErr_SetObject(type, error);
        Py_DECREF(error);
    }
    return NULL;
}

PyObject *raise_status(ks_status status, const char *message)
{
    return raise_class(class_for(status, NULL), status, message);
}

PyObject *raise_article_status(ks_status status, const char *message)
{
    const char *refined = status == KS_ERR_NOT_FOUND ? "kosearch.ArticleNotFound" : NULL;
    return raise_class(class_for(status, refined), status, message);
}

PyObject *error_object(ks_status status, const char *message)
{
    return new_error(class_for(status, NULL), status, message);
}

/* A class with `status` as a class attribute, so handlers can compare
 * without an instance. */
static PyObject *make_class(const char *name, const char *doc, PyObject *bases, long status)
{
    PyObject *dict = Py_BuildValue("{s:l}", "status", status);
    if (!dict)
        return NULL;
    PyObject *type = PyErr_NewExceptionWithDoc(name, doc, bases, dict);
    Py_DECREF(dict);
    return type;
}

bool errors_init(PyObject *module)
{
    base_error = make_class("kosearch.Error",
                            "A kosearch failure: `status` is the library's ks_status number "
                            "and `message` says what went wrong and where.",
                            NULL, -1);
    if (!base_error || PyModule_AddObjectRef(module, "Error", base_error) < 0)
        return false;
    for (size_t i = 0; i < CLASS_COUNT; i++) {
        error_class *c = &classes[i];
        PyObject *parent = c->parent ? class_named(c->parent) : base_error;
        PyObject *bases = c->python_base ? PyTuple_Pack(2, parent, *c->python_base)
                                         : PyTuple_Pack(1, parent);
        if (!bases)
            return false;
        c->type = make_class(c->name, c->doc, bases, (long)c->status);
        Py_DECREF(bases);
        if (!c->type || PyModule_AddObjectRef(module, strchr(c->name, '.') + 1, c->type) < 0)
            return false;
    }
    return true;
}
