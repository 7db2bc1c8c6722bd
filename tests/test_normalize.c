/* Tests of the normalize stage: whatever way a word was typed or encoded, it
 * must come out in one spelling, or searches miss. */
#include "test_support.h"

/* NFKC_Casefold(text), as a string the test frees. */
static char *normalized(const char *text, size_t len)
{
    ks_buf out = {0};
    assert_int_equal(ks_normalize_append(&out, text, len), KS_OK);
    assert_non_null(out.data);
    assert_int_equal(strlen(out.data), out.len);
    return out.data;
}

static void assert_normalizes_to(const char *text, const char *expected)
{
    char *got = normalized(text, strlen(text));
    assert_string_equal(got, expected);
    free(got);
}

static void decomposed_hangul_comes_out_composed(void **state)
{
    (void)state;
    /* ᄀ ᅡ ᆨ ᄀ ᅮ ᆨ: 각국 as macOS file names spell it. */
    assert_normalizes_to("\xE1\x84\x80\xE1\x85\xA1\xE1\x86\xA8\xE1\x84\x80\xE1\x85\xAE\xE1\x86\xA8",
                         "각국");
    /* A composed syllable followed by a trailing consonant jamo: 가 + ᆨ = 각. */
    assert_normalizes_to("가\xE1\x86\xA8", "각");
}

static void precomposed_hangul_and_lowercase_are_unchanged(void **state)
{
    (void)state;
    assert_normalizes_to("구로구는 2014년 평가에서 1위를 차지했다.",
                         "구로구는 2014년 평가에서 1위를 차지했다.");
    assert_normalizes_to("led", "led");
}

static void case_is_folded(void **state)
{
    (void)state;
    assert_normalizes_to("LED", "led");
    assert_normalizes_to("KorQuAD", "korquad");
    assert_normalizes_to("Straße", "strasse");
}

static void full_width_and_compatibility_forms_fold(void **state)
{
    (void)state;
    assert_normalizes_to("ＬＥＤ로", "led로");
    assert_normalizes_to("２０１４년", "2014년");
    assert_normalizes_to("㎏", "kg");
    assert_normalizes_to("①", "1");
    /* Compatibility jamo (what a keyboard types alone) become conjoining
     * jamo, and a consonant + vowel pair composes into a syllable. */
    assert_normalizes_to("ㄱㅏ", "가");
    assert_normalizes_to("ㅋ", "\xE1\x84\x8F");
}

static void invalid_utf8_becomes_replacement_characters(void **state)
{
    (void)state;
    const char bad[] = "a\xFF" "b\xC3" "c\xE1\x84";
    char *got = normalized(bad, sizeof bad - 1);
    assert_string_equal(got, "a\xEF\xBF\xBD" "b\xEF\xBF\xBD" "c\xEF\xBF\xBD");
    free(got);
}

static void output_is_appended_after_what_the_buffer_holds(void **state)
{
    (void)state;
    ks_buf out = {0};
    assert_int_equal(ks_buf_append_str(&out, "앞 "), KS_OK);
    assert_int_equal(ks_normalize_append(&out, "LED", 3), KS_OK);
    assert_int_equal(ks_normalize_append(&out, " 구로", strlen(" 구로")), KS_OK);
    assert_string_equal(out.data, "앞 led 구로");
    ks_buf_free(&out);
}

static void empty_input_gives_an_empty_string(void **state)
{
    (void)state;
    char *got = normalized("", 0);
    assert_string_equal(got, "");
    free(got);
    got = normalized(NULL, 0);
    assert_string_equal(got, "");
    free(got);
}

static void long_and_expanding_input_is_complete(void **state)
{
    (void)state;
    /* Longer than any stack buffer, and every character changes. */
    enum { COUNT = 5000 };
    ks_buf input = {0}, expected = {0};
    for (int i = 0; i < COUNT; i++) {
        assert_int_equal(ks_buf_append_str(&input, "Ａ가㎏"), KS_OK);
        assert_int_equal(ks_buf_append_str(&expected, "a가kg"), KS_OK);
    }
    char *got = normalized(input.data, input.len);
    assert_string_equal(got, expected.data);
    free(got);
    /* U+FDFA expands to 18 characters. */
    got = normalized("\xEF\xB7\xBA", 3);
    assert_true(strlen(got) > 30);
    free(got);
    ks_buf_free(&input);
    ks_buf_free(&expected);
}

static void a_null_buffer_is_refused(void **state)
{
    (void)state;
    assert_int_equal(ks_normalize_append(NULL, "a", 1), KS_ERR_INVALID_ARGUMENT);
    ks_buf out = {0};
    assert_int_equal(ks_normalize_append(&out, NULL, 3), KS_ERR_INVALID_ARGUMENT);
    ks_buf_free(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(decomposed_hangul_comes_out_composed),
        cmocka_unit_test(precomposed_hangul_and_lowercase_are_unchanged),
        cmocka_unit_test(case_is_folded),
        cmocka_unit_test(full_width_and_compatibility_forms_fold),
        cmocka_unit_test(invalid_utf8_becomes_replacement_characters),
        cmocka_unit_test(output_is_appended_after_what_the_buffer_holds),
        cmocka_unit_test(empty_input_gives_an_empty_string),
        cmocka_unit_test(long_and_expanding_input_is_complete),
        cmocka_unit_test(a_null_buffer_is_refused),
    };
    return cmocka_run_group_tests_name("normalize", tests, NULL, NULL);
}
