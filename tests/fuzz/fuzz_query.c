/* Fuzzes query parsing and building: any string either parses into a
 * well-formed tree or is refused with a one-line message; a parsed query
 * either builds into a Xapian query or is refused with a message; and the
 * terms it highlights give sane spans in a passage. */
#include "fuzz_check.h"
#include "xapian_shim.h"

#include <stdint.h>

static const char passage[] =
    "구로구는 서울시 자치구 평가에서 청소 분야 10년째 1위를 차지했다. 깔끔이봉사단이 "
    "골목을 누비며 \"희망일자리 만들기\" 사업에 참여했고, 2014년 8억3600만원을 LED 교체에 썼다.";

static void check_tree(const ks_query_node *node, int depth)
{
    FUZZ_CHECK(depth <= 3);
    switch (node->kind) {
    case KS_QUERY_WORD:
    case KS_QUERY_PHRASE:
        FUZZ_CHECK(node->text != NULL && node->child_count == 0);
        break;
    case KS_QUERY_FIELD:
        FUZZ_CHECK(node->text != NULL && node->child_count == 0 && node->field != KS_FIELD_NONE);
        break;
    case KS_QUERY_NOT:
    case KS_QUERY_REQUIRED:
        FUZZ_CHECK(node->child_count == 1);
        break;
    case KS_QUERY_OR:
        FUZZ_CHECK(node->child_count >= 2);
        break;
    case KS_QUERY_AND:
        FUZZ_CHECK(depth == 0 && node->child_count >= 1);
        break;
    }
    for (size_t i = 0; i < node->child_count; i++)
        check_tree(node->children[i], depth + 1);
}

static void check_message(const ks_buf *error)
{
    FUZZ_CHECK(error->data && error->len > 0 && !strchr(error->data, '\n'));
}

static void check_snippet(ks_analyzer *analyzer, const ks_match_terms *match)
{
    ks_snippet snippet = {0};
    size_t len = sizeof passage - 1;
    FUZZ_CHECK(ks_snippet_make(analyzer, passage, len, match, 80, &snippet) == KS_OK);
    for (size_t i = 0; i < snippet.highlight_count; i++)
        FUZZ_CHECK(snippet.highlights[i].start < snippet.highlights[i].end &&
                   snippet.highlights[i].end <= len);
    FUZZ_CHECK(fuzz_is_utf8(snippet.text, snippet.len));
    for (size_t i = 0; i < snippet.snippet_highlight_count; i++)
        FUZZ_CHECK(snippet.snippet_highlights[i].start < snippet.snippet_highlights[i].end &&
                   snippet.snippet_highlights[i].end <= snippet.len);
    ks_snippet_free(&snippet);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ks_analyzer *analyzer = fuzz_analyzer();
    char *query = fuzz_string(data, size);
    ks_buf error = {0};
    ks_query_node *root = NULL;
    ks_status st = ks_query_parse(query, &root, &error);
    FUZZ_CHECK(st == KS_OK || st == KS_ERR_BAD_QUERY);
    if (st == KS_ERR_BAD_QUERY) {
        FUZZ_CHECK(root == NULL);
        check_message(&error);
    } else {
        check_tree(root, 0);
        shim_query *built = NULL;
        ks_match_terms match = {0};
        ks_buf_clear(&error);
        st = ks_query_build_with_db(analyzer, NULL, root, &built, &match, NULL, &error);
        FUZZ_CHECK(st == KS_OK || st == KS_ERR_BAD_QUERY);
        if (st == KS_OK) {
            FUZZ_CHECK(built != NULL);
            char *description = shim_query_describe(built);
            FUZZ_CHECK(description != NULL);
            free(description);
            check_snippet(analyzer, &match);
        } else {
            check_message(&error);
        }
        shim_query_free(built);
        ks_match_terms_free(&match);
        ks_query_node_free(root);
    }
    ks_buf_free(&error);
    free(query);
    return 0;
}
