/* Hits, terms and indexing reports as Python values: named tuples (so
 * pandas.DataFrame(hits) names its columns) and a list of hits that also
 * says what was searched. Byte ranges are as in the JSON output; the
 * char_ variants index the str. */
#include "kosearch_python.h"

static PyObject *hit_type, *term_type, *problem_type, *summary_type, *results_type;

static PyObject *make_named_tuple(PyObject *module, const char *name, const char *fields,
                                  const char *doc)
{
    PyObject *collections = PyImport_ImportModule("collections");
    if (!collections)
        return NULL;
    PyObject *factory = PyObject_GetAttrString(collections, "namedtuple");
    Py_DECREF(collections);
    PyObject *args = Py_BuildValue("(ss)", name, fields);
    PyObject *kwargs = Py_BuildValue("{s:s}", "module", "kosearch");
    PyObject *type = factory && args && kwargs ? PyObject_Call(factory, args, kwargs) : NULL;
    Py_XDECREF(factory);
    Py_XDECREF(args);
    Py_XDECREF(kwargs);
    PyObject *text = type ? PyUnicode_FromString(doc) : NULL;
    bool ok = text && PyObject_SetAttrString(type, "__doc__", text) == 0 &&
              PyModule_AddObjectRef(module, name, type) == 0;
    Py_XDECREF(text);
    if (!ok)
        Py_CLEAR(type);
    return type;
}

/* kosearch.Results: a list of hits with three attributes more. */
static PyObject *make_results_type(PyObject *module)
{
    PyObject *type = PyObject_CallFunction(
        (PyObject *)&PyType_Type, "s(O){s:(sss),s:s,s:s}", "Results", (PyObject *)&PyList_Type,
        "__slots__", "estimated_total", "corrected_query", "suggestion", "__module__",
        "kosearch", "__doc__",
        "The hits of one search, best first, as a list of kosearch.Hit.\n\n"
        "estimated_total: about how many passages match in the whole database.\n"
        "corrected_query: the query searched instead of the one typed (a word typed in the\n"
        "    wrong keyboard mode, or with fuzzy=True the closest indexed words), or None.\n"
        "suggestion: indexed words close to the query, offered when it found few hits\n"
        "    and was not corrected, or None.");
    if (type && PyModule_AddObjectRef(module, "Results", type) < 0)
        Py_CLEAR(type);
    return type;
}

bool records_init(PyObject *module)
{
    hit_type = make_named_tuple(
        module, "Hit",
        "rank score id passage title section date url text highlights snippet "
        "snippet_highlights char_highlights snippet_char_highlights",
        "One passage found by a search.\n\n"
        "rank (1-based), score, id (the article's), passage (1-based number within the\n"
        "article), title, section ('' under no heading), date and url ('' when unknown),\n"
        "text (the passage as written), highlights (matched words as (start, end) byte\n"
        "ranges into the UTF-8 text, as in the JSON output), snippet (a window of text\n"
        "around the best matches, '' with snippets=False), snippet_highlights (byte\n"
        "ranges into the snippet), and char_highlights and snippet_char_highlights:\n"
        "the same ranges as str indexes, so hit.text[start:end] is a matched word.");
    term_type = make_named_tuple(
        module, "Term", "text kind word position start end char_start char_end",
        "One term of kosearch.analyze().\n\n"
        "text (normalized), kind ('surface', 'stem', 'compound' or 'bigram'), word (1-based\n"
        "ordinal of its word), position (its index position), start and end (byte range in\n"
        "the analyzed text's UTF-8), char_start and char_end (the same as str indexes).");
    problem_type = make_named_tuple(
        module, "Problem", "origin line byte message",
        "A file or record that Database.index() skipped: origin (file path), line\n"
        "(JSONL line, or None), byte (offset in the file, or None) and message.");
    summary_type = make_named_tuple(
        module, "IndexSummary", "added updated unchanged passages problems",
        "What Database.index() did: articles added, updated and unchanged, passages\n"
        "written, and the list of kosearch.Problem for what it skipped.");
    results_type = make_results_type(module);
    return hit_type && term_type && problem_type && summary_type && results_type;
}

/* A named tuple is a tuple of its own type: allocate it as one and fill
 * the slots (a slot left NULL means failure, and the tuple frees the rest). */
static PyObject *record_new(PyObject *type, Py_ssize_t size)
{
    return ((PyTypeObject *)type)->tp_alloc((PyTypeObject *)type, size);
}

static PyObject *record_done(PyObject *record)
{
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(record); i++) {
        if (!PyTuple_GET_ITEM(record, i)) {
            Py_DECREF(record);
            return NULL;
        }
    }
    return record;
}

PyObject *text_from_utf8(const char *text, size_t len)
{
    return PyUnicode_DecodeUTF8(text ? text : "", text ? (Py_ssize_t)len : 0, "surrogateescape");
}

static PyObject *string(const char *text)
{
    return text_from_utf8(text, text ? strlen(text) : 0);
}

/* Characters in text[0, byte): every byte that does not continue a UTF-8
 * sequence starts one. */
static size_t char_index(const char *text, size_t len, size_t byte)
{
    size_t chars = 0;
    for (size_t i = 0; i < byte && i < len; i++)
        chars += ((unsigned char)text[i] & 0xC0) != 0x80;
    return chars;
}

static PyObject *span_list(const ks_span *spans, size_t count, const char *text, size_t len,
                           bool in_chars)
{
    PyObject *list = PyList_New((Py_ssize_t)count);
    for (size_t i = 0; list && i < count; i++) {
        size_t start = spans[i].start, end = spans[i].end;
        if (in_chars) {
            start = char_index(text, len, start);
            end = char_index(text, len, end);
        }
        PyObject *span = Py_BuildValue("(nn)", (Py_ssize_t)start, (Py_ssize_t)end);
        if (!span)
            Py_CLEAR(list);
        else
            PyList_SET_ITEM(list, (Py_ssize_t)i, span);
    }
    return list;
}

static PyObject *hit_to_python(const ks_hit *hit)
{
    PyObject *record = record_new(hit_type, 14);
    if (!record)
        return NULL;
    PyObject *items[14] = {
        PyLong_FromSize_t(hit->rank),
        PyFloat_FromDouble(hit->score),
        string(hit->id),
        PyLong_FromUnsignedLong(hit->passage),
        string(hit->title),
        string(hit->section),
        string(hit->date),
        string(hit->url),
        text_from_utf8(hit->text, hit->text_len),
        span_list(hit->highlights, hit->highlight_count, hit->text, hit->text_len, false),
        text_from_utf8(hit->snippet, hit->snippet_len),
        span_list(hit->snippet_highlights, hit->snippet_highlight_count, hit->snippet,
                  hit->snippet_len, false),
        span_list(hit->highlights, hit->highlight_count, hit->text, hit->text_len, true),
        span_list(hit->snippet_highlights, hit->snippet_highlight_count, hit->snippet,
                  hit->snippet_len, true),
    };
    for (Py_ssize_t i = 0; i < 14; i++)
        PyTuple_SET_ITEM(record, i, items[i]);
    return record_done(record);
}

static bool set_optional_text(PyObject *object, const char *name, const char *text)
{
    PyObject *value = text ? string(text) : Py_NewRef(Py_None);
    bool ok = value && PyObject_SetAttrString(object, name, value) == 0;
    Py_XDECREF(value);
    return ok;
}

PyObject *results_to_python(const ks_results *results)
{
    PyObject *list = PyObject_CallNoArgs(results_type);
    if (!list)
        return NULL;
    PyObject *total = PyLong_FromSize_t(ks_results_estimated_total(results));
    bool ok = total && PyObject_SetAttrString(list, "estimated_total", total) == 0 &&
              set_optional_text(list, "corrected_query", ks_results_corrected_query(results)) &&
              set_optional_text(list, "suggestion", ks_results_suggestion(results));
    Py_XDECREF(total);
    for (size_t i = 0; ok && i < ks_results_count(results); i++) {
        PyObject *hit = hit_to_python(ks_results_hit(results, i));
        ok = hit && PyList_Append(list, hit) == 0;
        Py_XDECREF(hit);
    }
    if (!ok)
        Py_CLEAR(list);
    return list;
}

static PyObject *term_to_python(const ks_term *term, const char *text, size_t len)
{
    PyObject *record = record_new(term_type, 8);
    if (!record)
        return NULL;
    PyObject *items[8] = {
        string(term->text),
        PyUnicode_FromString(ks_term_kind_name(term->kind)),
        PyLong_FromUnsignedLong(term->word),
        PyLong_FromUnsignedLong(term->position),
        PyLong_FromSize_t(term->start),
        PyLong_FromSize_t(term->end),
        PyLong_FromSize_t(char_index(text, len, term->start)),
        PyLong_FromSize_t(char_index(text, len, term->end)),
    };
    for (Py_ssize_t i = 0; i < 8; i++)
        PyTuple_SET_ITEM(record, i, items[i]);
    return record_done(record);
}

PyObject *analysis_to_python(const ks_analysis *analysis, const char *text, size_t len)
{
    size_t count = ks_analysis_count(analysis);
    PyObject *list = PyList_New((Py_ssize_t)count);
    for (size_t i = 0; list && i < count; i++) {
        PyObject *term = term_to_python(ks_analysis_term(analysis, i), text, len);
        if (!term)
            Py_CLEAR(list);
        else
            PyList_SET_ITEM(list, (Py_ssize_t)i, term);
    }
    return list;
}

PyObject *problem_to_python(const char *origin, long line, long byte_offset, const char *message)
{
    PyObject *record = record_new(problem_type, 4);
    if (!record)
        return NULL;
    PyTuple_SET_ITEM(record, 0, string(origin));
    PyTuple_SET_ITEM(record, 1, line > 0 ? PyLong_FromLong(line) : Py_NewRef(Py_None));
    PyTuple_SET_ITEM(record, 2,
                     byte_offset >= 0 ? PyLong_FromLong(byte_offset) : Py_NewRef(Py_None));
    PyTuple_SET_ITEM(record, 3, string(message));
    return record_done(record);
}

PyObject *index_summary_to_python(size_t added, size_t updated, size_t unchanged,
                                  size_t passages, PyObject *problems)
{
    PyObject *record = record_new(summary_type, 5);
    if (!record)
        return NULL;
    PyTuple_SET_ITEM(record, 0, PyLong_FromSize_t(added));
    PyTuple_SET_ITEM(record, 1, PyLong_FromSize_t(updated));
    PyTuple_SET_ITEM(record, 2, PyLong_FromSize_t(unchanged));
    PyTuple_SET_ITEM(record, 3, PyLong_FromSize_t(passages));
    PyTuple_SET_ITEM(record, 4, Py_NewRef(problems));
    return record_done(record);
}
