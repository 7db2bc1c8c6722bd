/* Korean input handling (hangul.c) without a database: initials, the
 * two-set keyboard, jamo edit distance, Hanja readings and the extra index
 * terms. */
#include "test_support.h"

static void expect_initials(const char *word, const char *initials)
{
    ks_buf out = {0};
    assert_true(ks_initials_of(word, strlen(word), &out));
    assert_string_equal(out.data, initials);
    ks_buf_free(&out);
}

static void test_initials_of_words(void **state)
{
    (void)state;
    expect_initials("깔끔이봉사단", "ㄲㄲㅇㅂㅅㄷ");
    expect_initials("구로구", "ㄱㄹㄱ");
    expect_initials("힣", "ㅎ");
    ks_buf out = {0};
    assert_false(ks_initials_of("LED조명", strlen("LED조명"), &out));
    assert_false(ks_initials_of("", 0, &out));
    ks_buf_free(&out);
}

static void expect_kind(const char *word, ks_input_kind kind, const char *form)
{
    ks_buf out = {0};
    assert_int_equal(ks_input_classify(word, &out), kind);
    if (form)
        assert_string_equal(out.data, form);
    ks_buf_free(&out);
}

static void test_classify_query_words(void **state)
{
    (void)state;
    expect_kind("ㄱㄹㄱ", KS_INPUT_INITIALS, "ㄱㄹㄱ");
    /* NFKC turns compatibility jamo into conjoining ones: both are initials. */
    expect_kind("\xe1\x84\x80\xe1\x84\x85", KS_INPUT_INITIALS, "ㄱㄹ");
    expect_kind("ㄱㅏ", KS_INPUT_PLAIN, NULL);
    expect_kind("청소*", KS_INPUT_PREFIX, "청소");
    expect_kind("LED*", KS_INPUT_PREFIX, "led");
    expect_kind("*", KS_INPUT_PLAIN, NULL);
    expect_kind("九老區", KS_INPUT_HANJA, "구로구");
    expect_kind("九老區는", KS_INPUT_HANJA, "구로구는");
    expect_kind("구로구", KS_INPUT_PLAIN, NULL);
}

/* `meant` NULL: the word is not one typed in the wrong mode. */
static void expect_retyped(const char *typed, bool to_hangul, const char *meant)
{
    ks_buf out = {0};
    ks_buf_append_str(&out, "앞:");
    bool changed = ks_layout_retype_word(typed, strlen(typed), to_hangul, &out);
    if (!meant) {
        assert_false(changed);
        assert_string_equal(out.data, "앞:");
    } else {
        assert_true(changed);
        assert_string_equal(out.data + strlen("앞:"), meant);
    }
    ks_buf_free(&out);
}

static void test_two_set_keyboard(void **state)
{
    (void)state;
    expect_retyped("rnfhrn", true, "구로구");
    expect_retyped("qhdtkeks", true, "봉사단");
    expect_retyped("dkssud", true, "안녕");
    expect_retyped("RkfRmadlqhdtkeks", true, "깔끔이봉사단");
    /* Keys that leave a lone jamo are English, not Korean typed in English. */
    expect_retyped("LED", true, NULL);
    expect_retyped("hello", true, NULL);
    expect_retyped("OR", true, NULL);
    expect_retyped("rnfhrn,", true, NULL);
    expect_retyped("청소", true, NULL);
    /* The other way: Korean mode while typing English. */
    expect_retyped("ㅣㄷㅇ", false, "led");
    expect_retyped("ㅏㅐㄱㄷㅁ", false, "korea");
    expect_retyped("LED", false, NULL);
    /* Hangul then something else: nothing half-typed is left behind. */
    expect_retyped("청소!", false, NULL);
}

static void test_jamo_distance(void **state)
{
    (void)state;
    assert_int_equal(ks_jamo_distance("구로구", "구로구"), 0);
    assert_int_equal(ks_jamo_distance("구로고", "구로구"), 1);
    assert_int_equal(ks_jamo_distance("깔끔이봉사댠", "깔끔이봉사단"), 1);
    /* A missing final consonant is one jamo, not a whole syllable. */
    assert_int_equal(ks_jamo_distance("봉사다", "봉사단"), 1);
    assert_int_equal(ks_jamo_distance("구로", "구로구"), 2);
    assert_int_equal(ks_jamo_distance("", "구"), 2);
}

static void expect_reading(const char *hanja, const char *hangul)
{
    ks_buf out = {0};
    assert_true(ks_hanja_reading(hanja, strlen(hanja), &out));
    assert_string_equal(out.data, hangul);
    ks_buf_free(&out);
}

static void test_hanja_readings(void **state)
{
    (void)state;
    expect_reading("九老區", "구로구");
    expect_reading("行政", "행정");
    /* Not in the dictionary as a word: each character's common reading. */
    expect_reading("高永根", "고영근");
    ks_buf out = {0};
    assert_false(ks_hanja_reading("구로구", strlen("구로구"), &out));
    ks_buf_free(&out);
}

typedef struct collected {
    char terms[16][64];
    uint32_t positions[16];
    size_t count;
} collected;

static ks_status collect(void *context, const char *term, uint32_t position)
{
    collected *c = context;
    assert_true(c->count < 16);
    snprintf(c->terms[c->count], sizeof c->terms[0], "%s", term);
    c->positions[c->count++] = position;
    return KS_OK;
}

static bool has_term(const collected *c, const char *term, uint32_t position)
{
    for (size_t i = 0; i < c->count; i++)
        if (strcmp(c->terms[i], term) == 0 && c->positions[i] == position)
            return true;
    return false;
}

static void test_index_terms(void **state)
{
    (void)state;
    ks_analyzer *analyzer;
    assert_int_equal(ks_analyzer_new(&analyzer), KS_OK);
    const char *text = "서울 九老區의 行政 구역";
    const ks_term *terms;
    size_t count;
    assert_int_equal(ks_analyzer_run(analyzer, text, strlen(text), &terms, &count), KS_OK);
    collected c = {0};
    assert_int_equal(ks_input_index_terms(terms, count, collect, &c), KS_OK);
    /* Three Hanja words read as one, at the first one's position. */
    assert_true(has_term(&c, "구로구", 2));
    assert_true(has_term(&c, "행정", 6));
    assert_int_equal(c.count, 2);
    /* Not when the text gives the reading itself. */
    text = "행정(行政) 구역";
    assert_int_equal(ks_analyzer_run(analyzer, text, strlen(text), &terms, &count), KS_OK);
    c.count = 0;
    assert_int_equal(ks_input_index_terms(terms, count, collect, &c), KS_OK);
    assert_int_equal(c.count, 0);
    ks_analyzer_free(analyzer);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_initials_of_words),
        cmocka_unit_test(test_classify_query_words),
        cmocka_unit_test(test_two_set_keyboard),
        cmocka_unit_test(test_jamo_distance),
        cmocka_unit_test(test_hanja_readings),
        cmocka_unit_test(test_index_terms),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
