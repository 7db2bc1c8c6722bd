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

/* A quote never closed is punctuation: the words after it stay words. */
static void test_unclosed_quote_is_punctuation(void **state)
{
    (void)state;
    ks_query_node *root = parse_ok("구로구 \"청소 분야");
    assert_int_equal(root->child_count, 3);
    assert_int_equal(root->children[1]->kind, KS_QUERY_WORD);
    assert_string_equal(root->children[1]->text, "청소");
    assert_string_equal(root->children[2]->text, "분야");
    ks_query_node_free(root);
    /* A closed pair is still a phrase, with a stray quote after it. */
    root = parse_ok("\"구로구 청소\" 5\" 화면");
    assert_int_equal(root->children[0]->kind, KS_QUERY_PHRASE);
    assert_string_equal(root->children[0]->text, "구로구 청소");
    assert_string_equal(root->children[root->child_count - 1]->text, "화면");
    ks_query_node_free(root);
}

static void test_syntax_errors_name_the_byte(void **state)
{
    (void)state;
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
    assert_int_equal(
        ks_query_build_with_db(analyzer, NULL, root, &query, &match, NULL, &error), KS_OK);
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
        assert_int_equal(
            ks_query_build_with_db(analyzer, NULL, root, &query, &match, NULL, &error),
            KS_ERR_BAD_QUERY);
        assert_null(query);
        assert_true(error.len > 0);
        ks_match_terms_free(&match);
        ks_buf_free(&error);
        ks_query_node_free(root);
        ks_analyzer_free(analyzer);
    }
}

/* Builds `text` and expects it refused by the cost cap with `message_part`. */
static void expect_too_costly(const char *text, const char *message_part)
{
    ks_analyzer *analyzer;
    assert_int_equal(ks_analyzer_new(&analyzer), KS_OK);
    ks_query_node *root = parse_ok(text);
    shim_query *query = NULL;
    ks_match_terms match = {0};
    ks_buf error = {0};
    if (ks_query_build_with_db(analyzer, NULL, root, &query, &match, NULL, &error) !=
        KS_ERR_BAD_QUERY)
        fail_msg("'%.40s...' was not refused", text);
    assert_null(query);
    if (!strstr(error.data, message_part))
        fail_msg("error was '%s', expected it to say '%s'", error.data, message_part);
    ks_match_terms_free(&match);
    ks_buf_free(&error);
    ks_query_node_free(root);
    ks_analyzer_free(analyzer);
}

/* A 40,000-syllable word took a minute and 1 GB, 999 초성 words 15 s: the
 * cost cap refuses such queries at once, while a long pasted sentence still
 * builds. */
static void test_overlong_queries_are_refused(void **state)
{
    (void)state;
    ks_buf text = {0};
    for (int i = 0; i < 60; i++) /* a long pasted sentence */
        ks_buf_append_str(&text, i % 2 ? "청소 " : "구로구는 ");
    char *d = describe(text.data);
    assert_non_null(d);
    free(d);

    ks_buf_clear(&text);
    for (int i = 0; i < 3000; i++)
        ks_buf_append_str(&text, "청소 ");
    ks_query_node *root = NULL;
    ks_buf error = {0};
    assert_int_equal(ks_query_parse(text.data, &root, &error), KS_ERR_BAD_QUERY);
    assert_null(root);
    assert_string_equal(error.data, "the query is too long: 21000 bytes (at most 8192)");
    ks_buf_free(&error);

    ks_buf_clear(&text);
    for (int i = 0; i < 700; i++)
        ks_buf_append_str(&text, i % 2 ? "가" : "나");
    expect_too_costly(text.data, "the query is too long: it expands to more than 1000 terms");

    ks_buf_clear(&text);
    for (int i = 0; i < 21; i++)
        ks_buf_append_str(&text, "ㄱㄹㄱ ");
    expect_too_costly(text.data, "more than 1000 terms");
    ks_buf_clear(&text);
    for (int i = 0; i < 11; i++)
        ks_buf_append_str(&text, "청소* ");
    expect_too_costly(text.data, "more than 1000 terms");
    ks_buf_free(&text);

    /* Right at the cap: 18 초성 words and a prefix count as 1,000 terms
     * whatever they find (here, with no database, nothing). */
    d = describe("ㄱㄹㄱ ㄱㄹㄱ ㄱㄹㄱ ㄱㄹㄱ ㄱㄹㄱ ㄱㄹㄱ ㄱㄹㄱ ㄱㄹㄱ ㄱㄹㄱ ㄱㄹㄱ ㄱㄹㄱ ㄱㄹㄱ ㄱㄹㄱ "
                 "ㄱㄹㄱ ㄱㄹㄱ ㄱㄹㄱ ㄱㄹㄱ ㄱㄹㄱ 청소*");
    assert_non_null(d);
    free(d);
}

/* Fields: title:, section:, id: and date: before a word or a phrase, maybe
 * negated; anything else with a colon stays a word. */
static void test_fields_are_parsed(void **state)
{
    (void)state;
    ks_query_node *root =
        parse_ok("title:구로구 -section:\"청소 분야\" id:a/b.txt date:2015..2016-02 10:30 title:");
    assert_int_equal(root->child_count, 6);
    ks_query_node *const *c = root->children;
    assert_int_equal(c[0]->kind, KS_QUERY_FIELD);
    assert_int_equal(c[0]->field, KS_FIELD_TITLE);
    assert_string_equal(c[0]->text, "구로구");
    assert_int_equal(c[1]->kind, KS_QUERY_NOT);
    assert_int_equal(c[1]->children[0]->field, KS_FIELD_SECTION);
    assert_string_equal(c[1]->children[0]->text, "청소 분야");
    assert_int_equal(c[2]->field, KS_FIELD_ID);
    assert_string_equal(c[2]->text, "a/b.txt");
    assert_int_equal(c[3]->field, KS_FIELD_DATE);
    assert_string_equal(c[3]->text, "2015..2016-02");
    assert_int_equal(c[3]->at, strlen("title:구로구 -section:\"청소 분야\" id:a/b.txt "));
    assert_int_equal(c[4]->kind, KS_QUERY_WORD);
    assert_int_equal(c[5]->kind, KS_QUERY_WORD); /* a field name alone is a word */
    ks_query_node_free(root);
}

static ks_status build(const char *text, ks_buf *error)
{
    ks_analyzer *analyzer;
    assert_int_equal(ks_analyzer_new(&analyzer), KS_OK);
    ks_query_node *root = parse_ok(text);
    shim_query *query = NULL;
    ks_match_terms match = {0};
    ks_status st = ks_query_build_with_db(analyzer, NULL, root, &query, &match, NULL, error);
    assert_true(st == KS_OK ? query != NULL : query == NULL);
    shim_query_free(query);
    ks_match_terms_free(&match);
    ks_query_node_free(root);
    ks_analyzer_free(analyzer);
    return st;
}

static void test_field_errors_are_named(void **state)
{
    (void)state;
    ks_buf error = {0};
    assert_int_equal(build("title:구로구", &error), KS_OK);
    assert_int_equal(build("id:a date:2015..", &error), KS_OK); /* fields alone */
    assert_int_equal(build("id:a OR id:b 청소", &error), KS_OK);
    assert_int_equal(build("청소 date:2015-13", &error), KS_ERR_BAD_QUERY);
    assert_non_null(strstr(error.data, "date:2015-13"));
    assert_non_null(strstr(error.data, "byte 7"));
    assert_int_equal(build("청소 date:..", &error), KS_ERR_BAD_QUERY);
    assert_int_equal(build("title:구로구 OR 청소", &error), KS_ERR_BAD_QUERY);
    assert_non_null(strstr(error.data, "OR joins a field"));
    assert_int_equal(build("title:?!", &error), KS_ERR_BAD_QUERY);
    assert_non_null(strstr(error.data, "title:?! has no searchable words"));
    ks_buf_free(&error);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_words_phrases_exclusions),
        cmocka_unit_test(test_or_groups_neighbours),
        cmocka_unit_test(test_unclosed_quote_is_punctuation),
        cmocka_unit_test(test_syntax_errors_name_the_byte),
        cmocka_unit_test(test_word_matches_whole_or_inside_compounds),
        cmocka_unit_test(test_queries_without_words_are_refused),
        cmocka_unit_test(test_overlong_queries_are_refused),
        cmocka_unit_test(test_fields_are_parsed),
        cmocka_unit_test(test_field_errors_are_named),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
