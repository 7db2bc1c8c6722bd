/* Tests of the segment stage: which words ICU finds, and that their byte
 * offsets point at the text as written, whatever its encoding quirks. */
#include "test_support.h"

#define NFD_GAK "\xE1\x84\x80\xE1\x85\xA1\xE1\x86\xA8" /* 각 as ᄀ ᅡ ᆨ */
#define NFD_NYEON "\xE1\x84\x82\xE1\x85\xA7\xE1\x86\xAB" /* 년 as ᄂ ᅧ ᆫ */
#define NFD_RO "\xE1\x84\x85\xE1\x85\xA9"                 /* 로 as ᄅ ᅩ */
#define TRAILING_G "\xE1\x86\xA8"                         /* ᆨ */

typedef struct fixture {
    ks_segmenter *segmenter;
    const ks_segment *segments;
    size_t count;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f || ks_segmenter_new(&f->segmenter) != KS_OK)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    ks_segmenter_free(f->segmenter);
    free(f);
    return 0;
}

static void segment(fixture *f, const char *text, size_t len)
{
    assert_int_equal(ks_segmenter_run(f->segmenter, text, len, &f->segments, &f->count), KS_OK);
}

static void segment_str(fixture *f, const char *text)
{
    segment(f, text, strlen(text));
}

static void assert_segment(const fixture *f, size_t index, const char *text, const char *expected,
                           ks_segment_kind kind)
{
    assert_true(index < f->count);
    const ks_segment *s = &f->segments[index];
    size_t len = strlen(expected);
    if (s->end - s->start != len || memcmp(text + s->start, expected, len) != 0)
        fail_msg("segment %zu is \"%.*s\" [%zu, %zu), expected \"%s\"", index,
                 (int)(s->end - s->start), text + s->start, s->start, s->end, expected);
    assert_int_equal(s->kind, kind);
}

static void words_keep_their_particles_and_byte_offsets(void **state)
{
    fixture *f = *state;
    const char *text = "구로구는 깔끔이봉사단 중심으로";
    segment_str(f, text);
    assert_int_equal(f->count, 3);
    assert_segment(f, 0, text, "구로구는", KS_SEGMENT_LETTER);
    assert_segment(f, 1, text, "깔끔이봉사단", KS_SEGMENT_LETTER);
    assert_segment(f, 2, text, "중심으로", KS_SEGMENT_LETTER);
    assert_int_equal(f->segments[1].start, 13);
    assert_int_equal(f->segments[1].end, 31);
}

static void numbers_letters_and_ideographs_are_told_apart(void **state)
{
    fixture *f = *state;
    const char *text = "2014년 LED로 行政自治部";
    segment_str(f, text);
    assert_int_equal(f->count, 7);
    assert_segment(f, 0, text, "2014", KS_SEGMENT_NUMBER);
    assert_segment(f, 1, text, "년", KS_SEGMENT_LETTER);
    assert_segment(f, 2, text, "LED", KS_SEGMENT_LETTER);
    assert_segment(f, 3, text, "로", KS_SEGMENT_LETTER);
    assert_segment(f, 4, text, "行政", KS_SEGMENT_IDEOGRAPH);
    assert_segment(f, 5, text, "自治", KS_SEGMENT_IDEOGRAPH);
    assert_segment(f, 6, text, "部", KS_SEGMENT_IDEOGRAPH);
}

static void spaces_and_punctuation_are_not_words(void **state)
{
    fixture *f = *state;
    segment_str(f, " ○ △ ▲ “‘…’”, (!?) \n\t");
    assert_int_equal(f->count, 0);
    segment(f, "", 0);
    assert_int_equal(f->count, 0);
    segment(f, NULL, 0);
    assert_int_equal(f->count, 0);
}

static void decomposed_hangul_breaks_like_composed_hangul(void **state)
{
    fixture *f = *state;
    /* A decomposed word is one word. */
    const char *word = NFD_GAK NFD_GAK "은";
    segment_str(f, word);
    assert_int_equal(f->count, 1);
    assert_segment(f, 0, word, word, KS_SEGMENT_LETTER);

    /* ICU alone would glue conjoining jamo to digits and Latin letters. */
    const char *year = "2014" NFD_NYEON " LED" NFD_RO;
    segment_str(f, year);
    assert_int_equal(f->count, 4);
    assert_segment(f, 0, year, "2014", KS_SEGMENT_NUMBER);
    assert_segment(f, 1, year, NFD_NYEON, KS_SEGMENT_LETTER);
    assert_segment(f, 2, year, "LED", KS_SEGMENT_LETTER);
    assert_segment(f, 3, year, NFD_RO, KS_SEGMENT_LETTER);

    /* ... and cut a syllable followed by a trailing jamo, and mixed words. */
    const char *mixed = "가" TRAILING_G "국" NFD_GAK "가";
    segment_str(f, mixed);
    assert_int_equal(f->count, 1);
    assert_segment(f, 0, mixed, mixed, KS_SEGMENT_LETTER);
}

/* Every segment lies inside the text, in order, without overlaps. */
static void assert_segments_well_formed(const fixture *f, size_t len)
{
    size_t previous_end = 0;
    for (size_t i = 0; i < f->count; i++) {
        assert_true(f->segments[i].start >= previous_end);
        assert_true(f->segments[i].start < f->segments[i].end);
        assert_true(f->segments[i].end <= len);
        previous_end = f->segments[i].end;
    }
}

static void invalid_utf8_never_gives_offsets_outside_the_text(void **state)
{
    fixture *f = *state;
    const char bad[] = "구\xFF로\xC3구 a\x80" "b \xE1\x84";
    segment(f, bad, sizeof bad - 1);
    assert_segments_well_formed(f, sizeof bad - 1);
    assert_segment(f, 0, bad, "구", KS_SEGMENT_LETTER);

    /* Random bytes, biased towards Hangul and jamo lead bytes. */
    static const unsigned char alphabet[] = {0xE1, 0x84, 0x85, 0x86, 0xEA, 0xB0, 0x80, 0xED, 0x9E,
                                             0xA3, 0xC3, 0xFF, 0x80, ' ', 'a', 'Z', '1', '.'};
    unsigned seed = 12345;
    char text[64];
    for (int round = 0; round < 20000; round++) {
        size_t len = (size_t)(round % (int)sizeof text);
        for (size_t i = 0; i < len; i++) {
            seed = seed * 1103515245u + 12345u;
            text[i] = (char)alphabet[(seed >> 16) % sizeof alphabet];
        }
        segment(f, text, len);
        assert_segments_well_formed(f, len);
    }
}

static void the_segmenter_is_reusable(void **state)
{
    fixture *f = *state;
    segment_str(f, "행정자치부의 민원서비스 우수기관으로 재인증을 받았다");
    assert_int_equal(f->count, 5);
    const char *text = "희망일자리";
    segment_str(f, text);
    assert_int_equal(f->count, 1);
    assert_segment(f, 0, text, "희망일자리", KS_SEGMENT_LETTER);
}

static void a_whole_article_segments_into_words(void **state)
{
    fixture *f = *state;
    FILE *file = fopen(test_source_path("corpus/000_7c3d8639bd71687d.txt"), "rb");
    assert_non_null(file);
    ks_buf text = {0};
    char chunk[4096];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, file)) > 0)
        assert_int_equal(ks_buf_append(&text, chunk, got), KS_OK);
    fclose(file);
    segment(f, text.data, text.len);
    assert_true(f->count > 800);
    assert_segments_well_formed(f, text.len);
    ks_buf_free(&text);
}

static void bad_arguments_are_refused(void **state)
{
    fixture *f = *state;
    const ks_segment *segments;
    size_t count;
    assert_int_equal(ks_segmenter_run(NULL, "a", 1, &segments, &count), KS_ERR_INVALID_ARGUMENT);
    assert_int_equal(ks_segmenter_run(f->segmenter, NULL, 1, &segments, &count),
                     KS_ERR_INVALID_ARGUMENT);
    assert_int_equal(ks_segmenter_new(NULL), KS_ERR_INVALID_ARGUMENT);
    ks_segmenter_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(words_keep_their_particles_and_byte_offsets),
        cmocka_unit_test(numbers_letters_and_ideographs_are_told_apart),
        cmocka_unit_test(spaces_and_punctuation_are_not_words),
        cmocka_unit_test(decomposed_hangul_breaks_like_composed_hangul),
        cmocka_unit_test(invalid_utf8_never_gives_offsets_outside_the_text),
        cmocka_unit_test(the_segmenter_is_reusable),
        cmocka_unit_test(a_whole_article_segments_into_words),
        cmocka_unit_test(bad_arguments_are_refused),
    };
    return cmocka_run_group_tests_name("segment", tests, setup, teardown);
}
