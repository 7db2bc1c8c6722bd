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

/* Levenshtein distance between two words spelled out in jamo, as the typo
 * fallback measures it. */
static size_t jamo_distance(const char *a, const char *b)
{
    uint32_t ja[KS_MAX_JAMO], jb[KS_MAX_JAMO];
    size_t na = ks_jamo_spell(a, ja), nb = ks_jamo_spell(b, jb);
    return ks_jamo_levenshtein(ja, na, jb, nb);
}

static void test_jamo_distance(void **state)
{
    (void)state;
    assert_int_equal(jamo_distance("구로구", "구로구"), 0);
    assert_int_equal(jamo_distance("구로고", "구로구"), 1);
    assert_int_equal(jamo_distance("깔끔이봉사댠", "깔끔이봉사단"), 1);
    /* A missing final consonant is one jamo, not a whole syllable. */
    assert_int_equal(jamo_distance("봉사다", "봉사단"), 1);
    assert_int_equal(jamo_distance("구로", "구로구"), 2);
    assert_int_equal(jamo_distance("", "구"), 2);
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

/* One definition of Hanja for the analyzer and the Hanja reader: every CJK
 * ideograph, including 〇, the compatibility supplement and extension H,
 * which the reader's own list of blocks once missed. */
static void test_hanja_is_every_cjk_ideograph(void **state)
{
    (void)state;
    static const char *const hanja[] = {"九", "〇", "\U0002F800", "\U00031350", "\U00020000"};
    for (size_t i = 0; i < sizeof hanja / sizeof hanja[0]; i++) {
        size_t at = 0, len = strlen(hanja[i]);
        assert_true(ks_is_hanja(ks_utf8_next(hanja[i], len, &at)));
        assert_true(ks_is_hanja_word(hanja[i], len));
    }
    static const uint32_t not_hanja[] = {0xAC00, 0x3131, 'A', 0x3000, 0x2F00, 0x30A2};
    for (size_t i = 0; i < sizeof not_hanja / sizeof not_hanja[0]; i++)
        assert_false(ks_is_hanja(not_hanja[i]));
}

static void test_hangul_parts(void **state)
{
    (void)state;
    ks_hangul_parts gak = ks_hangul_decompose(0xAC01); /* 각 */
    assert_int_equal(gak.initial, 0);
    assert_int_equal(gak.medial, 0);
    assert_int_equal(gak.final, 1);
    ks_hangul_parts hih = ks_hangul_decompose(0xD7A3); /* 힣, the last */
    assert_int_equal(hih.initial, KS_HANGUL_INITIALS - 1);
    assert_int_equal(hih.medial, KS_HANGUL_MEDIALS - 1);
    assert_int_equal(hih.final, KS_HANGUL_FINALS - 1);
    for (uint32_t c = KS_HANGUL_FIRST; c < KS_HANGUL_FIRST + KS_HANGUL_COUNT; c++)
        assert_int_equal(ks_hangul_compose(ks_hangul_decompose(c)), c);
    assert_true(ks_is_hangul_syllable(0xD7A3));
    assert_false(ks_is_hangul_syllable(0xD7A4));
    assert_false(ks_is_hangul_syllable(0xABFF));
}

/* Invalid UTF-8 decodes as one U+FFFD per byte, so offsets stay in step. */
static void test_utf8_decoding(void **state)
{
    (void)state;
    static const char text[] = "가\xFF\xC0\xAF\xED\xA0\x80\xF0\x9F나\U00020000";
    static const uint32_t expected[] = {0xAC00, 0xFFFD, 0xFFFD, 0xFFFD, 0xFFFD, 0xFFFD, 0xFFFD,
                                        0xFFFD, 0xFFFD, 0xB098, 0x20000};
    size_t at = 0, len = sizeof text - 1, n = 0;
    while (at < len) {
        assert_true(n < sizeof expected / sizeof expected[0]);
        assert_int_equal(ks_utf8_next(text, len, &at), expected[n++]);
    }
    assert_int_equal(n, sizeof expected / sizeof expected[0]);
    assert_int_equal(ks_utf8_valid_prefix(text, len), 3);
    assert_int_equal(ks_utf8_count("가a\U00020000", strlen("가a\U00020000")), 3);
    ks_buf out = {0};
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++)
        assert_int_equal(ks_append_code_point(&out, expected[i] == 0xFFFD ? 'x' : expected[i]),
                         KS_OK);
    assert_string_equal(out.data, "가xxxxxxxx나\U00020000");
    ks_buf_free(&out);
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
        cmocka_unit_test(test_hanja_is_every_cjk_ideograph),
        cmocka_unit_test(test_hangul_parts),
        cmocka_unit_test(test_utf8_decoding),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
