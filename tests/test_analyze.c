/* Tests of the analyze stage: the terms a Korean word gives decide what a
 * search finds, so each test states a match a user expects (or must not
 * get), and tests/golden/analyze.tsv pins the exact terms of real text. */
#include "test_support.h"

#include <unicode/unorm2.h>
#include <unicode/ustring.h>

#define SEED_ARTICLE "corpus/000_7c3d8639bd71687d.txt"
#define GOLDEN_FILE "tests/golden/analyze.tsv"
#define VERB_LEMMAS_GOLDEN_FILE "tests/golden/analyze_verb_lemmas.tsv"

static const char term_kind_letters[] = "stcb"; /* surface, stem, compound, bigram */

static ks_analysis *analyze(const char *text, size_t len)
{
    ks_analysis *analysis = NULL;
    assert_int_equal(ks_analyze(&analysis, text, len), KS_OK);
    assert_non_null(analysis);
    return analysis;
}

static ks_analysis *analyze_str(const char *text)
{
    return analyze(text, strlen(text));
}

/* The terms as the golden file writes them: "s:구로구는@1 t:구로구@1 ...". */
static void format_terms(const ks_analysis *analysis, ks_buf *out)
{
    ks_buf_clear(out);
    assert_int_equal(ks_buf_append(out, "", 0), KS_OK);
    for (size_t i = 0; i < ks_analysis_count(analysis); i++) {
        const ks_term *term = ks_analysis_term(analysis, i);
        assert_int_equal(ks_buf_printf(out, "%s%c:%s@%u", i ? " " : "",
                                       term_kind_letters[term->kind], term->text, term->position),
                         KS_OK);
    }
}

static bool has_term(const ks_analysis *analysis, ks_term_kind kind, const char *text)
{
    for (size_t i = 0; i < ks_analysis_count(analysis); i++) {
        const ks_term *term = ks_analysis_term(analysis, i);
        if (term->kind == kind && strcmp(term->text, text) == 0)
            return true;
    }
    return false;
}

static size_t count_kind(const ks_analysis *analysis, ks_term_kind kind)
{
    size_t count = 0;
    for (size_t i = 0; i < ks_analysis_count(analysis); i++)
        count += ks_analysis_term(analysis, i)->kind == kind;
    return count;
}

/* ---- Golden file ---------------------------------------------------------- */

static bool token_in(const char *token, size_t token_len, const char *list)
{
    for (const char *p = list; *p;) {
        size_t len = strcspn(p, " ");
        if (len == token_len && memcmp(p, token, len) == 0)
            return true;
        p += len;
        p += *p == ' ';
    }
    return false;
}

/* Prints the terms of `from` missing in `other`, marked with `mark`. */
static void print_tokens_missing(const char *mark, const char *from, const char *other)
{
    for (const char *p = from; *p;) {
        size_t len = strcspn(p, " ");
        if (len && !token_in(p, len, other))
            print_message("      %s %.*s\n", mark, (int)len, p);
        p += len;
        p += *p == ' ';
    }
}

/* True when `golden` (a golden file's text) has a case for `input`. */
static bool golden_has_input(const char *golden, const char *input)
{
    size_t len = strlen(input);
    for (const char *line = golden; line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
        if (strncmp(line, input, len) == 0 && line[len] == '\t')
            return true;
    }
    return false;
}

/* Checks every case of the golden file `path` except those `overrides` (the
 * text of another golden file, or NULL) has: that file checks them. Adds the
 * cases checked to *cases and returns how many differ. */
static int check_golden_file(const char *path, const char *overrides, int *cases)
{
    size_t len;
    char *golden = test_read_source_file(path, &len);
    ks_buf actual = {0};
    int mismatches = 0, line_number = 0;
    for (char *line = golden, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        line_number++;
        if (*line == '#' || *line == '\0')
            continue;
        char *tab = strchr(line, '\t');
        if (!tab)
            fail_msg("%s:%d: no TAB between input and expected terms", path, line_number);
        *tab = '\0';
        const char *input = line, *expected = tab + 1;
        if (overrides && golden_has_input(overrides, input))
            continue;
        ks_analysis *analysis = analyze_str(input);
        format_terms(analysis, &actual);
        ks_analysis_free(analysis);
        (*cases)++;
        if (strcmp(actual.data, expected) == 0)
            continue;
        mismatches++;
        print_message("%s:%d: %s\n    expected: %s\n    actual:   %s\n", path, line_number,
                      input, expected, actual.data);
        print_tokens_missing("missing:", expected, actual.data);
        print_tokens_missing("extra:  ", actual.data, expected);
    }
    ks_buf_free(&actual);
    free(golden);
    return mismatches;
}

/* Verb lemmas (meson option verb_lemmas) gives native verbs their lemma: its
 * golden file holds those cases, and the other file's cases for the same
 * inputs give way to them. */
static void the_golden_file_matches(void **state)
{
    (void)state;
    int cases = 0, mismatches = 0;
    char *verb_lemmas = NULL;
    if (ks_analyzer_has_verb_lemmas()) {
        size_t len;
        verb_lemmas = test_read_source_file(VERB_LEMMAS_GOLDEN_FILE, &len);
        mismatches += check_golden_file(VERB_LEMMAS_GOLDEN_FILE, NULL, &cases);
    }
    mismatches += check_golden_file(GOLDEN_FILE, verb_lemmas, &cases);
    free(verb_lemmas);
    assert_true(cases >= 25);
    if (mismatches)
        fail_msg("%d of %d golden cases differ (see above)", mismatches, cases);
}

/* ---- Spans and encodings -------------------------------------------------- */

static char *normalized(const char *text, size_t len)
{
    ks_buf out = {0};
    assert_int_equal(ks_normalize_append(&out, text, len), KS_OK);
    return out.data;
}

/* Every term's span covers the original bytes it was made from: a highlight
 * copies exactly those bytes. */
static void assert_spans_match_text(const ks_analysis *analysis, const char *text, size_t len)
{
    const ks_term *surface = NULL;
    for (size_t i = 0; i < ks_analysis_count(analysis); i++) {
        const ks_term *term = ks_analysis_term(analysis, i);
        assert_true(term->start < term->end);
        assert_true(term->end <= len);
        assert_true(strlen(term->text) > 0);
        assert_true(strlen(term->text) <= KS_MAX_TERM_BYTES);
        if (term->kind == KS_TERM_SURFACE)
            surface = term;
        if (term->kind == KS_TERM_STEM) {
            /* A stem is its word without the ending, or a verb's lemma (먹었다
             * -> 먹다), over the same bytes. */
            assert_non_null(surface);
            assert_int_equal(term->word, surface->word);
            assert_int_equal(term->start, surface->start);
            assert_int_equal(term->end, surface->end);
            assert_string_not_equal(term->text, surface->text);
            size_t stem_len = strlen(term->text);
            bool is_prefix = stem_len < strlen(surface->text) &&
                             memcmp(term->text, surface->text, stem_len) == 0;
            bool is_lemma = stem_len >= 3 && strcmp(term->text + stem_len - 3, "다") == 0;
            assert_true(is_prefix || is_lemma);
            continue;
        }
        char *original = normalized(text + term->start, term->end - term->start);
        if (strcmp(original, term->text) != 0)
            fail_msg("term %zu \"%s\" has span [%zu, %zu) holding \"%s\"", i, term->text,
                     term->start, term->end, original);
        free(original);
    }
}

/* `text` converted by ICU to NFD, as a string the test frees. */
static char *to_nfd(const char *text, size_t len, size_t *out_len)
{
    UErrorCode error = U_ZERO_ERROR;
    const UNormalizer2 *nfd = unorm2_getNFDInstance(&error);
    assert_false(U_FAILURE(error));
    UChar *source = malloc((len + 1) * sizeof(UChar));
    UChar *decomposed = malloc((4 * len + 1) * sizeof(UChar));
    char *out = malloc(12 * len + 1);
    assert_true(source && decomposed && out);
    int32_t source_len = 0, out_len32 = 0;
    u_strFromUTF8(source, (int32_t)len + 1, &source_len, text, (int32_t)len, &error);
    int32_t decomposed_len = unorm2_normalize(nfd, source, source_len, decomposed,
                                              (int32_t)(4 * len + 1), &error);
    u_strToUTF8(out, (int32_t)(12 * len + 1), &out_len32, decomposed, decomposed_len, &error);
    assert_false(U_FAILURE(error));
    free(source);
    free(decomposed);
    *out_len = (size_t)out_len32;
    return out;
}

static void decomposed_text_gives_the_same_terms_as_composed(void **state)
{
    (void)state;
    size_t len, nfd_len;
    char *text = test_read_source_file(SEED_ARTICLE, &len);
    char *nfd = to_nfd(text, len, &nfd_len);
    assert_true(nfd_len > len); /* the conversion really decomposed it */

    ks_analysis *composed = analyze(text, len), *decomposed = analyze(nfd, nfd_len);
    assert_true(ks_analysis_count(composed) > 1000);
    assert_int_equal(ks_analysis_count(decomposed), ks_analysis_count(composed));
    for (size_t i = 0; i < ks_analysis_count(composed); i++) {
        const ks_term *a = ks_analysis_term(composed, i), *b = ks_analysis_term(decomposed, i);
        assert_string_equal(b->text, a->text);
        assert_int_equal(b->kind, a->kind);
        assert_int_equal(b->word, a->word);
        assert_int_equal(b->position, a->position);
    }
    assert_spans_match_text(composed, text, len);
    assert_spans_match_text(decomposed, nfd, nfd_len);
    ks_analysis_free(composed);
    ks_analysis_free(decomposed);
    free(nfd);
    free(text);
}

static void a_decomposed_word_keeps_its_own_bytes_as_spans(void **state)
{
    (void)state;
    /* 봉사단 as ᄇ ᅩ ᆼ ᄉ ᅡ ᄃ ᅡ ᆫ: 9 + 6 + 9 bytes. */
    const char *text = "\xE1\x84\x87\xE1\x85\xA9\xE1\x86\xBC\xE1\x84\x89\xE1\x85\xA1"
                       "\xE1\x84\x83\xE1\x85\xA1\xE1\x86\xAB";
    ks_analysis *analysis = analyze_str(text);
    assert_int_equal(ks_analysis_count(analysis), 3);
    const ks_term *bongsa = ks_analysis_term(analysis, 1), *sadan = ks_analysis_term(analysis, 2);
    assert_string_equal(ks_analysis_term(analysis, 0)->text, "봉사단");
    assert_string_equal(bongsa->text, "봉사");
    assert_int_equal(bongsa->start, 0);
    assert_int_equal(bongsa->end, 15);
    assert_string_equal(sadan->text, "사단");
    assert_int_equal(sadan->start, 9);
    assert_int_equal(sadan->end, 24);
    ks_analysis_free(analysis);
}

static void invalid_bytes_and_garbage_never_break_spans(void **state)
{
    (void)state;
    const char bad[] = "구로구는\xFF 깔끔이\xC3봉사단 \xE1\x84 LED\x80로 2014\xFE년";
    ks_analysis *analysis = analyze(bad, sizeof bad - 1);
    assert_true(has_term(analysis, KS_TERM_STEM, "구로구"));
    assert_true(has_term(analysis, KS_TERM_SURFACE, "봉사단"));
    assert_true(has_term(analysis, KS_TERM_SURFACE, "led"));
    assert_spans_match_text(analysis, bad, sizeof bad - 1);
    ks_analysis_free(analysis);

    /* Random NUL-free bytes, biased towards Hangul, jamo and digits. */
    static const unsigned char alphabet[] = {0xE1, 0x84, 0x85, 0x86, 0xEA, 0xB0, 0x80, 0xED,
                                             0x9E, 0xA3, 0xE3, 0x84, 0xB1, 0xC3, 0xFF, 0xE4,
                                             0xB8, ' ', 'a', 'Z', '1', '.', '9'};
    unsigned seed = 2024;
    char text[96];
    for (int round = 0; round < 5000; round++) {
        size_t len = (size_t)(round % (int)sizeof text);
        for (size_t i = 0; i < len; i++) {
            seed = seed * 1103515245u + 12345u;
            text[i] = (char)alphabet[(seed >> 16) % sizeof alphabet];
        }
        analysis = analyze(text, len);
        assert_spans_match_text(analysis, text, len);
        ks_analysis_free(analysis);
    }
}

/* ---- Korean words ----------------------------------------------------------- */

/* The stem `word` gives, or NULL when it should give none. */
static void assert_stem(const char *word, const char *expected)
{
    ks_analysis *analysis = analyze_str(word);
    const char *stem = NULL;
    for (size_t i = 0; i < ks_analysis_count(analysis); i++)
        if (ks_analysis_term(analysis, i)->kind == KS_TERM_STEM)
            stem = ks_analysis_term(analysis, i)->text;
    if (!expected && stem)
        fail_msg("%s should keep its whole form, not become %s", word, stem);
    if (expected && (!stem || strcmp(stem, expected) != 0))
        fail_msg("%s should give the stem %s, not %s", word, expected, stem ? stem : "(none)");
    ks_analysis_free(analysis);
}

static void particles_come_off_so_every_form_finds_the_noun(void **state)
{
    (void)state;
    assert_stem("구로구는", "구로구");
    assert_stem("구로구가", "구로구");
    assert_stem("구로구의", "구로구");
    assert_stem("구로구를", "구로구");
    assert_stem("종합평가에서도", "종합평가");
    assert_stem("행정자치부의", "행정자치부");
    assert_stem("분야에서는", "분야");
    assert_stem("깔끔이봉사단도", "깔끔이봉사단");
    assert_stem("최우수상을", "최우수상");
    assert_stem("중심으로", "중심");
    assert_stem("나이가", "나이");
    assert_stem("주민들은", "주민");
    assert_stem("주민들", "주민");
    assert_stem("회원들의", "회원");
}

static void nouns_that_end_like_particles_stay_whole(void **state)
{
    (void)state;
    assert_stem("국가", NULL);             /* 가 needs two syllables of stem */
    assert_stem("종합평가", NULL);         /* 가 never follows a consonant (평) */
    assert_stem("마을", NULL);             /* 을 never follows a vowel (마) */
    assert_stem("분야", NULL);
    assert_stem("도로", NULL);
    assert_stem("통합사례관리회의", NULL); /* 회의 is a noun */
    assert_stem("원전하나", NULL);
    assert_stem("지난해", NULL);
    assert_stem("어린이", NULL);
    assert_stem("깔끔이봉사단", NULL);
    assert_stem("희망일자리", NULL);
    assert_stem("아들", NULL);             /* 들 plural needs two syllables before it */
}

static void predicate_endings_come_off_so_verbs_find_nouns(void **state)
{
    (void)state;
    static const char *const to_susang[] = {"수상했다", "수상한", "수상하는", "수상하여",
                                            "수상해", "수상이라는", "수상으로"};
    for (size_t i = 0; i < sizeof to_susang / sizeof *to_susang; i++)
        assert_stem(to_susang[i], "수상");
    static const char *const to_seonjeong[] = {"선정됐다", "선정된", "선정되어", "선정돼",
                                               "선정되는", "선정되기도"};
    for (size_t i = 0; i < sizeof to_seonjeong / sizeof *to_seonjeong; i++)
        assert_stem(to_seonjeong[i], "선정");
    assert_stem("구성돼", "구성");
    assert_stem("평가다", "평가");
    assert_stem("평가이다", "평가");
    assert_stem("평가였다", "평가");
    assert_stem("힘이다", "힘");
    assert_stem("위해", NULL); /* one syllable is no Sino-Korean noun */
    assert_stem("대한", NULL);
}

static void native_verbs_and_adjectives_get_their_lemma(void **state)
{
    (void)state;
    if (!ks_analyzer_has_verb_lemmas())
        skip(); /* built without the meson option verb_lemmas */
    static const char *const to_meokda[] = {"먹었다", "먹어요", "먹는데", "먹고", "먹으면"};
    for (size_t i = 0; i < sizeof to_meokda / sizeof *to_meokda; i++)
        assert_stem(to_meokda[i], "먹다");
    assert_stem("예뻐요", "예쁘다"); /* an irregular stem: 예쁘 is written 예뻐 */
    assert_stem("예쁜", "예쁘다");
    assert_stem("예쁘다", NULL);      /* the lemma itself: the surface is the term */
    assert_stem("아름다운", "아름답다");
    assert_stem("갔다", "가다");
    /* Nouns that read as verb forms stay nouns: 사고 is no 사다 + 고. */
    assert_stem("사고", NULL);
    assert_stem("사고를", "사고");
    assert_stem("나라는", "나라");
    assert_stem("보고", NULL);
    /* Two lemmas fit 나는 (나다, 날다): none is guessed, and the word reads
     * as before, the pronoun and its particle. */
    assert_stem("나는", "나");
}

static void numbers_come_with_their_counters(void **state)
{
    (void)state;
    ks_analysis *analysis = analyze_str("2014년 1위를 8억3600만원 18개 5개월 구로3동 ２０１４년");
    static const char *const compounds[] = {"2014년", "1위", "8억", "3600만원", "18개",
                                            "5개월", "3동", "2014년"};
    size_t count = sizeof compounds / sizeof *compounds, found = 0;
    for (size_t i = 0; i < ks_analysis_count(analysis); i++) {
        const ks_term *term = ks_analysis_term(analysis, i);
        if (term->kind != KS_TERM_COMPOUND)
            continue;
        assert_true(found < count);
        assert_string_equal(term->text, compounds[found]);
        found++;
    }
    assert_int_equal(found, count);
    /* The numbers stay searchable on their own. */
    assert_true(has_term(analysis, KS_TERM_SURFACE, "2014"));
    assert_true(has_term(analysis, KS_TERM_SURFACE, "3600"));
    assert_true(has_term(analysis, KS_TERM_STEM, "위"));
    ks_analysis_free(analysis);

    /* A counter spans the number and its syllables, at the number's word. */
    analysis = analyze_str("총 3600만원");
    const ks_term *compound = ks_analysis_term(analysis, 2);
    assert_int_equal(compound->kind, KS_TERM_COMPOUND);
    assert_int_equal(compound->start, strlen("총 "));
    assert_int_equal(compound->end, strlen("총 3600만원"));
    assert_int_equal(compound->word, 2);
    assert_int_equal(compound->position, 2);
    ks_analysis_free(analysis);

    /* A number apart from the word after it has no counter. */
    analysis = analyze_str("2014 년");
    assert_int_equal(count_kind(analysis, KS_TERM_COMPOUND), 0);
    ks_analysis_free(analysis);
}

static void latin_is_folded_and_split_from_hangul(void **state)
{
    (void)state;
    /* The particle after it is no word of its own (no query looks for 로). */
    ks_analysis *analysis = analyze_str("LED로");
    assert_int_equal(ks_analysis_count(analysis), 1);
    assert_string_equal(ks_analysis_term(analysis, 0)->text, "led");
    assert_int_equal(ks_analysis_term(analysis, 0)->end, 3);
    ks_analysis_free(analysis);

    analysis = analyze_str("ＬＥＤ 보급");
    assert_true(has_term(analysis, KS_TERM_SURFACE, "led"));
    assert_int_equal(count_kind(analysis, KS_TERM_BIGRAM), 1); /* 보급 only */
    ks_analysis_free(analysis);
}

static void hanja_gets_words_and_bigrams(void **state)
{
    (void)state;
    ks_analysis *analysis = analyze_str("行政自治部");
    assert_true(has_term(analysis, KS_TERM_SURFACE, "行政"));
    assert_true(has_term(analysis, KS_TERM_SURFACE, "自治"));
    assert_true(has_term(analysis, KS_TERM_SURFACE, "部"));
    assert_true(has_term(analysis, KS_TERM_BIGRAM, "行政"));
    assert_true(has_term(analysis, KS_TERM_BIGRAM, "自治"));
    ks_analysis_free(analysis);
}

static void two_syllable_nouns_match_inside_compounds(void **state)
{
    (void)state;
    /* The query word 봉사 and the document word 깔끔이봉사단 share a bigram. */
    ks_analysis *query = analyze_str("봉사"), *document = analyze_str("깔끔이봉사단");
    assert_int_equal(count_kind(query, KS_TERM_BIGRAM), 1);
    assert_true(has_term(query, KS_TERM_BIGRAM, "봉사"));
    assert_true(has_term(document, KS_TERM_BIGRAM, "봉사"));
    ks_analysis_free(query);
    ks_analysis_free(document);

    /* One syllable makes no bigram; bigrams never pair syllables of two words. */
    ks_analysis *words = analyze_str("구 로");
    assert_int_equal(count_kind(words, KS_TERM_BIGRAM), 0);
    ks_analysis_free(words);
}

static void bigram_positions_leave_gaps_between_words(void **state)
{
    (void)state;
    ks_analysis *analysis = analyze_str("구로구는 깔끔이봉사단");
    uint32_t previous = 0, previous_word = 0;
    for (size_t i = 0; i < ks_analysis_count(analysis); i++) {
        const ks_term *term = ks_analysis_term(analysis, i);
        if (term->kind != KS_TERM_BIGRAM)
            continue;
        if (previous_word == term->word)
            assert_int_equal(term->position, previous + 1);
        else if (previous_word)
            assert_true(term->position > previous + 2);
        previous = term->position;
        previous_word = term->word;
    }
    ks_analysis_free(analysis);
}

static void a_thousand_syllable_word_gives_bigrams_and_no_oversized_term(void **state)
{
    (void)state;
    ks_buf word = {0};
    for (int i = 0; i < 1000; i++)
        assert_int_equal(ks_buf_append_str(&word, i % 2 ? "청" : "원"), KS_OK);
    ks_analysis *analysis = analyze(word.data, word.len);
    assert_int_equal(count_kind(analysis, KS_TERM_SURFACE), 0);
    assert_int_equal(count_kind(analysis, KS_TERM_STEM), 0);
    assert_int_equal(count_kind(analysis, KS_TERM_BIGRAM), 999);
    assert_spans_match_text(analysis, word.data, word.len);
    ks_analysis_free(analysis);
    ks_buf_free(&word);
}

static void empty_and_punctuation_only_text_has_no_terms(void **state)
{
    (void)state;
    ks_analysis *analysis = analyze("", 0);
    assert_int_equal(ks_analysis_count(analysis), 0);
    assert_null(ks_analysis_term(analysis, 0));
    ks_analysis_free(analysis);
    analysis = analyze(NULL, 0);
    assert_int_equal(ks_analysis_count(analysis), 0);
    ks_analysis_free(analysis);
    analysis = analyze_str("○ △ ▲ ※ … “‘’”, (!?) -- \n\t");
    assert_int_equal(ks_analysis_count(analysis), 0);
    ks_analysis_free(analysis);
}

/* ---- The analyzer handle and the public calls ------------------------------ */

static void an_analyzer_gives_the_same_terms_every_run(void **state)
{
    (void)state;
    size_t len;
    char *article = test_read_source_file(SEED_ARTICLE, &len);
    ks_analysis *expected = analyze(article, len);
    ks_analyzer *analyzer;
    assert_int_equal(ks_analyzer_new(&analyzer), KS_OK);
    for (int run = 0; run < 3; run++) {
        const ks_term *terms;
        size_t count;
        assert_int_equal(ks_analyzer_run(analyzer, "희망일자리", strlen("희망일자리"), &terms,
                                         &count), KS_OK);
        assert_int_equal(count, 5);
        assert_int_equal(ks_analyzer_run(analyzer, article, len, &terms, &count), KS_OK);
        assert_int_equal(count, ks_analysis_count(expected));
        for (size_t i = 0; i < count; i++) {
            assert_string_equal(terms[i].text, ks_analysis_term(expected, i)->text);
            assert_int_equal(terms[i].position, ks_analysis_term(expected, i)->position);
        }
    }
    ks_analyzer_free(analyzer);
    ks_analysis_free(expected);
    free(article);
}

static void bad_arguments_are_refused(void **state)
{
    (void)state;
    ks_analysis *analysis = (ks_analysis *)1;
    assert_int_equal(ks_analyze(NULL, "a", 1), KS_ERR_INVALID_ARGUMENT);
    assert_int_equal(ks_analyze(&analysis, NULL, 1), KS_ERR_INVALID_ARGUMENT);
    assert_null(analysis);
    assert_int_equal(ks_analysis_count(NULL), 0);
    assert_null(ks_analysis_term(NULL, 0));
    ks_analysis_free(NULL);
    ks_analyzer_free(NULL);
    assert_int_equal(ks_analyzer_new(NULL), KS_ERR_INVALID_ARGUMENT);
    assert_true(ks_analyzer_version() >= 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_golden_file_matches),
        cmocka_unit_test(decomposed_text_gives_the_same_terms_as_composed),
        cmocka_unit_test(a_decomposed_word_keeps_its_own_bytes_as_spans),
        cmocka_unit_test(invalid_bytes_and_garbage_never_break_spans),
        cmocka_unit_test(particles_come_off_so_every_form_finds_the_noun),
        cmocka_unit_test(nouns_that_end_like_particles_stay_whole),
        cmocka_unit_test(predicate_endings_come_off_so_verbs_find_nouns),
        cmocka_unit_test(native_verbs_and_adjectives_get_their_lemma),
        cmocka_unit_test(numbers_come_with_their_counters),
        cmocka_unit_test(latin_is_folded_and_split_from_hangul),
        cmocka_unit_test(hanja_gets_words_and_bigrams),
        cmocka_unit_test(two_syllable_nouns_match_inside_compounds),
        cmocka_unit_test(bigram_positions_leave_gaps_between_words),
        cmocka_unit_test(a_thousand_syllable_word_gives_bigrams_and_no_oversized_term),
        cmocka_unit_test(empty_and_punctuation_only_text_has_no_terms),
        cmocka_unit_test(an_analyzer_gives_the_same_terms_every_run),
        cmocka_unit_test(bad_arguments_are_refused),
    };
    return cmocka_run_group_tests_name("analyze", tests, NULL, NULL);
}
