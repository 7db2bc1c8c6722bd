/* Query syntax -> query tree (ks_query_node), knowing nothing of Xapian:
 * query.c builds the Xapian query from the tree, and search.c's fallbacks
 * (keyboard layout, typos) rewrite the tree's words.
 *
 * Syntax: words; "quoted phrases"; -word or -"phrase" to exclude; +word or
 * +"phrase" to require; a OR b between alternatives, a AND b to require
 * both; fields title:, section:, id: and date: in front of a word or
 * "phrase". Every other character is text for the analyzer, so punctuation
 * inside words never causes a syntax error; nor does a quote never closed. */
#include "kosearch_internal.h"

#include <stdlib.h>
#include <string.h>

/* The text cap, the first half of the query cost cap (query.c has the
 * other): longer text is refused before it is read. */
#define MAX_QUERY_BYTES 8192

static ks_query_node *node_new(ks_query_node_kind kind, const char *text, size_t len)
{
    ks_query_node *node = calloc(1, sizeof *node);
    if (!node)
        return NULL;
    node->kind = kind;
    if (text) {
        node->text = ks_strndup(text, len);
        if (!node->text) {
            free(node);
            return NULL;
        }
    }
    return node;
}

static ks_status node_add_child(ks_query_node *parent, ks_query_node *child)
{
    size_t cap = parent->child_count;
    /* Children arrays are sized exactly; grow by one each time (queries are short). */
    ks_query_node **grown = realloc(parent->children, (cap + 1) * sizeof *grown);
    if (!grown)
        return KS_ERR_NOMEM;
    parent->children = grown;
    parent->children[parent->child_count++] = child;
    return KS_OK;
}

void ks_query_node_free(ks_query_node *node)
{
    if (!node)
        return;
    for (size_t i = 0; i < node->child_count; i++)
        ks_query_node_free(node->children[i]);
    free(node->children);
    free(node->text);
    free(node);
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

typedef struct parser {
    const char *text;
    size_t len, at;
    ks_buf *error;
} parser;

static ks_status parse_fail(parser *p, size_t byte, const char *message)
{
    ks_buf_clear(p->error);
    ks_buf_printf(p->error, "%s (at byte %zu)", message, byte);
    return KS_ERR_BAD_QUERY;
}

static ks_query_node *wrap_node(ks_query_node_kind kind, ks_query_node *child)
{
    ks_query_node *wrapper = node_new(kind, NULL, 0);
    if (!wrapper || node_add_child(wrapper, child) != KS_OK) {
        ks_query_node_free(child);
        ks_query_node_free(wrapper);
        return NULL;
    }
    return wrapper;
}


static const struct {
    const char *name;
    ks_query_field field;
} field_names[] = {
    {"title:", KS_FIELD_TITLE},
    {"section:", KS_FIELD_SECTION},
    {"id:", KS_FIELD_ID},
    {"date:", KS_FIELD_DATE},
};

/* The field named at p->at ("title:" right before a word or a quote), and
 * the length of its name; KS_FIELD_NONE when there is none, so 10:30 or
 * http://... stay words. */
static ks_query_field field_at(const parser *p, size_t *name_len)
{
    for (size_t k = 0; k < COUNT_OF(field_names); k++) {
        size_t len = strlen(field_names[k].name);
        if (p->len - p->at > len && memcmp(p->text + p->at, field_names[k].name, len) == 0 &&
            !is_space(p->text[p->at + len])) {
            *name_len = len;
            return field_names[k].field;
        }
    }
    return KS_FIELD_NONE;
}

/* Reads one clause: a word or a "phrase", maybe preceded by a field name,
 * and all that maybe preceded by '-' or '+'. */
static ks_status parse_clause(parser *p, ks_query_node **out)
{
    *out = NULL;
    ks_query_node_kind wrapper = KS_QUERY_WORD; /* none */
    char sign = p->text[p->at];
    if ((sign == '-' || sign == '+') && p->at + 1 < p->len && !is_space(p->text[p->at + 1]) &&
        p->text[p->at + 1] != sign) {
        wrapper = sign == '-' ? KS_QUERY_NOT : KS_QUERY_REQUIRED;
        p->at++;
    }
    size_t field_start = p->at, name_len = 0;
    ks_query_field field = field_at(p, &name_len);
    p->at += name_len;
    ks_query_node *node;
    const char *close = p->text[p->at] == '"'
                            ? memchr(p->text + p->at + 1, '"', p->len - p->at - 1)
                            : NULL;
    if (close) {
        p->at++;
        size_t end = (size_t)(close - p->text);
        node = node_new(KS_QUERY_PHRASE, p->text + p->at, end - p->at);
        if (node)
            node->text_at = p->at;
        p->at = end + 1;
    } else {
        /* A quote that is never closed is punctuation, not a phrase: pasted
         * sentences carry stray ones (5" 화면, a quotation cut off), and
         * their words are still worth searching. */
        if (p->text[p->at] == '"')
            p->at++;
        size_t end = p->at;
        while (end < p->len && !is_space(p->text[end]) && p->text[end] != '"')
            end++;
        node = node_new(KS_QUERY_WORD, p->text + p->at, end - p->at);
        if (node)
            node->text_at = p->at;
        p->at = end;
    }
    if (!node)
        return KS_ERR_NOMEM;
    if (field != KS_FIELD_NONE) {
        node->kind = KS_QUERY_FIELD;
        node->field = field;
        node->at = field_start;
    }
    if (wrapper != KS_QUERY_WORD && !(node = wrap_node(wrapper, node)))
        return KS_ERR_NOMEM;
    *out = node;
    return KS_OK;
}

static bool at_keyword(const parser *p, const char *keyword)
{
    size_t len = strlen(keyword);
    return p->at + len <= p->len && memcmp(p->text + p->at, keyword, len) == 0 &&
           (p->at + len == p->len || is_space(p->text[p->at + len]));
}

/* A clause on either side of AND is required (once). */
static ks_status require_clause(ks_query_node **slot)
{
    if ((*slot)->kind == KS_QUERY_REQUIRED || (*slot)->kind == KS_QUERY_NOT)
        return KS_OK;
    ks_query_node *required = wrap_node(KS_QUERY_REQUIRED, *slot);
    *slot = required;
    return required ? KS_OK : KS_ERR_NOMEM;
}

ks_status ks_query_require_all(ks_query_node *root)
{
    for (size_t i = 0; i < root->child_count; i++)
        if (require_clause(&root->children[i]) != KS_OK)
            return KS_ERR_NOMEM;
    return KS_OK;
}

static void skip_spaces(parser *p)
{
    while (p->at < p->len && is_space(p->text[p->at]))
        p->at++;
}

ks_status ks_query_parse(const char *query, ks_query_node **out, ks_buf *error)
{
    *out = NULL;
    parser p = {query, strlen(query), 0, error};
    if (p.len > MAX_QUERY_BYTES) {
        ks_buf_clear(error);
        ks_buf_printf(error, "the query is too long: %zu bytes (at most %d)", p.len,
                      MAX_QUERY_BYTES);
        return KS_ERR_BAD_QUERY;
    }
    ks_query_node *root = node_new(KS_QUERY_AND, NULL, 0);
    if (!root)
        return KS_ERR_NOMEM;
    ks_status st = KS_OK;
    bool pending_or = false, pending_and = false;
    size_t or_at = 0, and_at = 0;
    skip_spaces(&p);
    while (st == KS_OK && p.at < p.len) {
        if (at_keyword(&p, "OR")) {
            if (root->child_count == 0 || pending_or || pending_and)
                st = parse_fail(&p, p.at, "OR needs a word on both sides");
            pending_or = true;
            or_at = p.at;
            p.at += 2;
        } else if (at_keyword(&p, "AND")) {
            if (root->child_count == 0 || pending_or || pending_and)
                st = parse_fail(&p, p.at, "AND needs a word on both sides");
            else
                st = require_clause(&root->children[root->child_count - 1]);
            pending_and = true;
            and_at = p.at;
            p.at += 3;
        } else {
            ks_query_node *clause;
            st = parse_clause(&p, &clause);
            if (st == KS_OK && pending_or) {
                ks_query_node *left = root->children[root->child_count - 1];
                if (left->kind != KS_QUERY_OR) {
                    ks_query_node *alternatives = node_new(KS_QUERY_OR, NULL, 0);
                    if (!alternatives || node_add_child(alternatives, left) != KS_OK) {
                        ks_query_node_free(alternatives);
                        ks_query_node_free(clause);
                        st = KS_ERR_NOMEM;
                        break;
                    }
                    root->children[root->child_count - 1] = alternatives;
                    left = alternatives;
                }
                st = node_add_child(left, clause);
                pending_or = false;
            } else if (st == KS_OK) {
                if (pending_and)
                    st = require_clause(&clause);
                if (st == KS_OK)
                    st = node_add_child(root, clause);
                pending_and = false;
            }
            if (st != KS_OK && st != KS_ERR_BAD_QUERY)
                ks_query_node_free(clause);
        }
        skip_spaces(&p);
    }
    if (st == KS_OK && pending_or)
        st = parse_fail(&p, or_at, "OR needs a word on both sides");
    if (st == KS_OK && pending_and)
        st = parse_fail(&p, and_at, "AND needs a word on both sides");
    if (st == KS_OK && root->child_count == 0)
        st = parse_fail(&p, 0, "empty query");
    if (st != KS_OK) {
        ks_query_node_free(root);
        return st;
    }
    *out = root;
    return KS_OK;
}
