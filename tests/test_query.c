/* The query stage: syntax into a tree, and the tree into a Xapian query
 * built from the same analyzer as the documents. */
#include "test_support.h"
#include "xapian_shim.h"

static ks_query_node *parse_ok(const char *text)
{
    ks_query_node *root = NULL;
    ks_buf error = {0};
    ks_status st = ks_query_parse(text, &root, &error);
    if (st != KS_OK)
        fail_msg("'%s' did not parse: %s", text, error.data);
    ks_buf_free(&error);
    return root;
}

static void expect_error(const char *text, const char *message_part, size_t byte)
{
    ks_query_node *root = NULL;
    ks_buf error = {0};
    assert_int_equal(ks_query_parse(text, &root, &error), KS_ERR_BAD_QUERY);
    assert_null(root);
    if (!strstr(error.data, message_part))
        fail_msg("error for '%s' was '%s', expected it to say '%s'", text, error.data, message_part);
    char at[32];
    snprintf(at, sizeof at, "byte %zu", byte);
    assert_non_null(strstr(error.data, at));
    ks_buf_free(&error);
}

static void test_words_phrases_exclusions(void **state)
{
    (void)state;
    ks_query_node *root = parse_ok("구로구  \"희망일자리 만들기\" -청소");
    assert_int_equal(root->kind, KS_QUERY_AND);
    assert_int_equal(root->child_count, 3);
    assert_int_equal(root->children[0]->kind, KS_QUERY_WORD);
    assert_string_equal(root->children[0]->text, "구로구");
    assert_int_equal(root->children[1]->kind, KS_QUERY_PHRASE);
    assert_string_equal(root->children[1]->text, "희망일자리 만들기");
    assert_int_equal(root->children[2]->kind, KS_QUERY_NOT);
    assert_string_equal(root->children[2]->children[0]->text, "청소");
    ks_query_node_free(root);
}

static void test_or_groups_neighbours(void **state)
{
    (void)state;
    ks_query_node *root = parse_ok("구로구 청소 OR 위생 OR \"희망 구매\"");
    assert_int_equal(root->child_count, 2);
    ks_query_node *alternatives = root->children[1];
    assert_int_equal(alternatives->kind, KS_QUERY_OR);
    assert_int_equal(alternatives->child_count, 3);
    assert_string_equal(alternatives->children[2]->text, "희망 구매");
    ks_query_node_free(root);
    /* Lower-case "or" and a hyphen inside a word are plain text. */
    root = parse_ok("a or b 서울-경기");
    assert_int_equal(root->child_count, 4);
    assert_string_equal(root->children[3]->text, "서울-경기");
    ks_query_node_free(root);
}

static void test_syntax_errors_name_the_byte(void **state)
{
    (void)state;
    expect_error("구로구 \"청소", "unbalanced quote", 10);
    expect_error("OR 청소", "OR needs a word", 0);
    expect_error("청소 OR", "OR needs a word", 7);
    expect_error("청소 OR OR 위생", "OR needs a word", 10);
    expect_error("", "empty query", 0);
    expect_error("   ", "empty query", 0);
}

static char *describe(const char *text)
{
    ks_analyzer *analyzer;
    assert_int_equal(ks_analyzer_new(&analyzer), KS_OK);
    ks_query_node *root = parse_ok(text);
    shim_query *query = NULL;
    ks_match_terms match = {0};
    ks_buf error = {0};
    assert_int_equal(ks_query_build(analyzer, root, &query, &match, &error), KS_OK);
    char *description = shim_query_describe(query);
    shim_query_free(query);
    ks_match_terms_free(&match);
    ks_buf_free(&error);
    ks_query_node_free(root);
    ks_analyzer_free(analyzer);
    return description;
}

static void test_word_matches_whole_or_inside_compounds(void **state)
{
    (void)state;
    char *d = describe("봉사단");
    /* The whole word, and all its bigrams for compounds, inner ones too
     * (a three-syllable word is itself wherever it is written). */
    assert_non_null(strstr(d, "봉사단"));
    assert_non_null(strstr(d, "(B봉사 OR BI봉사) AND (B사단 OR BI사단)"));
    free(d);
    /* A two-syllable word never matches inside a longer dictionary noun
     * that goes on past it (청소 in 청소년): not its inner bigram. */
    d = describe("청소");
    assert_non_null(strstr(d, "B청소"));
    assert_null(strstr(d, "BI청소"));
    free(d);
    /* Particles come off the query too, and the bigrams stop at the stem. */
    d = describe("깔끔이봉사단도");
    assert_non_null(strstr(d, "깔끔이봉사단"));
    assert_null(strstr(d, "B단도"));
    free(d);
}

static void test_queries_without_words_are_refused(void **state)
{
    (void)state;
    const char *texts[] = {"?!", "-청소", "- ."};
    for (size_t i = 0; i < 3; i++) {
        ks_analyzer *analyzer;
        assert_int_equal(ks_analyzer_new(&analyzer), KS_OK);
        ks_query_node *root = parse_ok(texts[i]);
        shim_query *query = NULL;
        ks_match_terms match = {0};
        ks_buf error = {0};
        assert_int_equal(ks_query_build(analyzer, root, &query, &match, &error), KS_ERR_BAD_QUERY);
        assert_null(query);
        assert_true(error.len > 0);
        ks_match_terms_free(&match);
        ks_buf_free(&error);
        ks_query_node_free(root);
        ks_analyzer_free(analyzer);
    }
}

/* Xapian's matcher takes most of a minute over 10,000 words: such a query
 * is refused at once, while a long pasted paragraph still builds. */
static void test_overlong_queries_are_refused(void **state)
{
    (void)state;
    ks_buf text = {0};
    for (int i = 0; i < 1000; i++)
        ks_buf_append_str(&text, i % 2 ? "청소 " : "구로구는 ");
    char *d = describe(text.data);
    assert_non_null(d);
    free(d);
    for (int i = 1000; i < 10000; i++)
        ks_buf_append_str(&text, i % 2 ? "청소 " : "구로구는 ");
    ks_analyzer *analyzer;
    assert_int_equal(ks_analyzer_new(&analyzer), KS_OK);
    ks_query_node *root = parse_ok(text.data);
    shim_query *query = NULL;
    ks_match_terms match = {0};
    ks_buf error = {0};
    assert_int_equal(ks_query_build(analyzer, root, &query, &match, &error), KS_ERR_BAD_QUERY);
    assert_null(query);
    assert_non_null(strstr(error.data, "the query is too long"));
    ks_match_terms_free(&match);
    ks_buf_free(&error);
    ks_query_node_free(root);
    ks_analyzer_free(analyzer);
    ks_buf_free(&text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_words_phrases_exclusions),
        cmocka_unit_test(test_or_groups_neighbours),
        cmocka_unit_test(test_syntax_errors_name_the_byte),
        cmocka_unit_test(test_word_matches_whole_or_inside_compounds),
        cmocka_unit_test(test_queries_without_words_are_refused),
        cmocka_unit_test(test_overlong_queries_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
