/* Korean input the way people type it, through the public API: 초성,
 * the wrong keyboard mode, typos, synonyms, Hanja and prefixes, on the seed
 * article in corpus/ and on the Wikinews articles of ../shared/data. */
#include "test_support.h"

typedef struct fixture {
    char path[64];
    ks_db *db;
} fixture;

static ks_status put_article(void *context, const ks_source_article *source)
{
    return ks_db_put_article(context, &source->article, NULL, NULL);
}

static void no_problem(void *context, const char *origin, long line, long byte_offset,
                       const char *message)
{
    (void)context; (void)line; (void)byte_offset;
    fail_msg("unexpected problem reading %s: %s", origin, message);
}

static bool fixture_open(fixture *f)
{
    snprintf(f->path, sizeof f->path, "/tmp/kosearch-input-XXXXXX");
    if (!mkdtemp(f->path))
        return false;
    strcat(f->path, "/db");
    return ks_db_open(&f->db, f->path, KS_OPEN_WRITE) == KS_OK;
}

static int setup_corpus(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f || !fixture_open(f))
        return -1;
    ks_reader_callbacks callbacks = {.on_article = put_article, .on_problem = no_problem, .context = f->db};
    if (ks_read_path(test_source_path("corpus"), &callbacks) != KS_OK ||
        ks_db_commit(f->db) != KS_OK)
        return -1;
    *state = f;
    return 0;
}

/* Wikinews rows: date,url,title,"body"; quoted fields hold newlines and "". */
static size_t csv_field(const char *text, size_t at, size_t len, ks_buf *out)
{
    ks_buf_clear(out);
    ks_buf_append(out, "", 0);
    if (at < len && text[at] == '"') {
        at++;
        while (at < len) {
            if (text[at] == '"' && at + 1 < len && text[at + 1] == '"') {
                ks_buf_append(out, "\"", 1);
                at += 2;
            } else if (text[at] == '"') {
                at++;
                break;
            } else {
                ks_buf_append(out, text + at++, 1);
            }
        }
    } else {
        size_t start = at;
        while (at < len && text[at] != ',' && text[at] != '\n')
            at++;
        ks_buf_append(out, text + start, at - start);
    }
    return at;
}

static bool index_wikinews(ks_db *db, const char *csv_path)
{
    FILE *file = fopen(csv_path, "rb");
    if (!file)
        return false;
    ks_buf csv = {0};
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, file)) > 0)
        ks_buf_append(&csv, chunk, n);
    fclose(file);
    ks_buf fields[4] = {{0}};
    size_t at = strcspn(csv.data, "\n") + 1, row = 0;
    bool ok = true;
    while (ok && at < csv.len) {
        for (int i = 0; i < 4; i++) {
            at = csv_field(csv.data, at, csv.len, &fields[i]);
            if (at < csv.len && (csv.data[at] == ',' || (i == 3 && csv.data[at] == '\r')))
                at++;
        }
        while (at < csv.len && (csv.data[at] == '\n' || csv.data[at] == '\r'))
            at++;
        char id[32];
        snprintf(id, sizeof id, "wikinews-%zu", ++row);
        ks_article article = {.id = id, .date = fields[0].data, .url = fields[1].data,
                              .title = fields[2].data, .body = fields[3].data,
                              .body_len = fields[3].len};
        if (fields[3].len)
            ok = ks_db_put_article(db, &article, NULL, NULL) == KS_OK;
    }
    for (int i = 0; i < 4; i++)
        ks_buf_free(&fields[i]);
    ks_buf_free(&csv);
    return ok && row > 600 && ks_db_commit(db) == KS_OK;
}

static int setup_wikinews(void **state)
{
    *state = NULL;
    const char *csv = test_shared_data_path("news/wikinews.csv");
    if (!csv)
        return 0; /* each test skips */
    fixture *f = calloc(1, sizeof *f);
    if (!f || !fixture_open(f) || !index_wikinews(f->db, csv))
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    if (!f)
        return 0;
    ks_db_close(f->db);
    *strrchr(f->path, '/') = '\0';
    ks_remove_tree(f->path);
    free(f);
    return 0;
}

static ks_results *search_with(fixture *f, const char *query, unsigned flags)
{
    ks_results *results = NULL;
    ks_search_options options = {.limit = 50, .flags = flags};
    if (ks_search(f->db, query, &options, &results) != KS_OK)
        fail_msg("search %s failed: %s", query, ks_db_error(f->db));
    return results;
}

static ks_results *search(fixture *f, const char *query)
{
    return search_with(f, query, 0);
}

/* Whether the first hit's text holds `word`. */
static bool top_hit_holds(const ks_results *results, const char *word)
{
    return ks_results_count(results) > 0 && strstr(ks_results_hit(results, 0)->text, word);
}

static bool some_hit_holds(const ks_results *results, const char *word, const char *but_not)
{
    for (size_t i = 0; i < ks_results_count(results); i++) {
        const char *text = ks_results_hit(results, i)->text;
        if (strstr(text, word) && !(but_not && strstr(text, but_not)))
            return true;
    }
    return false;
}

/* ------------------------------------------------------------------------ */
/* corpus/                                                                  */

static void test_initials_find_words(void **state)
{
    fixture *f = *state;
    ks_results *r = search(f, "ㄲㄲㅇㅂㅅㄷ");
    assert_true(top_hit_holds(r, "깔끔이봉사단"));
    assert_null(ks_results_corrected_query(r));
    ks_results_free(r);
    /* The title (구로구, ...) names every passage; those with 구로구 in the
     * text come first. */
    r = search(f, "ㄱㄹㄱ");
    assert_true(ks_results_count(r) >= 3);
    for (size_t i = 0; i < 3; i++)
        assert_non_null(strstr(ks_results_hit(r, i)->text, "구로구"));
    ks_results_free(r);
    /* Initials of no indexed word find nothing; they are no syntax error. */
    r = search(f, "ㅋㅋㅋㅋ");
    assert_int_equal(ks_results_count(r), 0);
    ks_results_free(r);
    /* Mixed with an ordinary word: the passage with both comes first. */
    r = search(f, "ㄱㄹㄱ 청소");
    assert_true(top_hit_holds(r, "구로구") && top_hit_holds(r, "청소"));
    ks_results_free(r);
}

static void test_wrong_keyboard_mode(void **state)
{
    fixture *f = *state;
    ks_results *r = search(f, "rnfhrn");
    assert_non_null(ks_results_corrected_query(r));
    assert_string_equal(ks_results_corrected_query(r), "구로구");
    assert_true(top_hit_holds(r, "구로구"));
    ks_results_free(r);
    r = search(f, "qhdtkeks");
    assert_string_equal(ks_results_corrected_query(r), "봉사단");
    assert_true(top_hit_holds(r, "봉사단"));
    ks_results_free(r);
    /* Hangul typed in Korean mode for a Latin word: ㅣㄷㅇ is LED. */
    r = search(f, "ㅣㄷㅇ");
    assert_non_null(ks_results_corrected_query(r));
    assert_string_equal(ks_results_corrected_query(r), "led");
    ks_results_free(r);
    /* Queries that find plenty are never rewritten. */
    r = search(f, "구로구");
    assert_null(ks_results_corrected_query(r));
    assert_null(ks_results_suggestion(r));
    ks_results_free(r);
}

/* Searching `typed` searches `meant` instead and finds `hits` passages,
 * the first of article `first_id` (unless NULL). */
static void expect_retyped(fixture *f, const char *typed, const char *meant, size_t hits,
                           const char *first_id)
{
    ks_results *r = search(f, typed);
    assert_non_null(ks_results_corrected_query(r));
    assert_string_equal(ks_results_corrected_query(r), meant);
    assert_int_equal(ks_results_count(r), hits);
    if (first_id)
        assert_string_equal(ks_results_hit(r, 0)->id, first_id);
    ks_results_free(r);
}

/* The keyboard fix retypes the query's words wherever they stand: quoted,
 * excluded, either side of OR; the syntax around them stays as typed. */
static void test_wrong_keyboard_mode_in_query_syntax(void **state)
{
    (void)state;
    fixture *f = calloc(1, sizeof *f);
    assert_true(f && fixture_open(f));
    const ks_article articles[] = {
        {.id = "both", .title = "첫째 기사", .body = "구로구 주민들이 청소 봉사를 했다."},
        {.id = "cleaning", .title = "둘째 기사", .body = "동네 청소 봉사 활동이 열렸다."},
        {.id = "festival", .title = "셋째 기사", .body = "구로구 축제가 열렸다."},
    };
    for (size_t i = 0; i < COUNT_OF(articles); i++) {
        ks_article article = articles[i];
        article.body_len = strlen(article.body);
        assert_int_equal(ks_db_put_article(f->db, &article, NULL, NULL), KS_OK);
    }
    assert_int_equal(ks_db_commit(f->db), KS_OK);

    /* The word in quotes. */
    expect_retyped(f, "\"rnfhrn\"", "\"구로구\"", 2, NULL);
    /* The excluded word is retyped too, so it excludes what was meant. */
    expect_retyped(f, "cjdth -rnfhrn", "청소 -구로구", 1, "cleaning");
    /* OR is syntax, not a word typed in the wrong mode. */
    expect_retyped(f, "rnfhrn OR cjdth", "구로구 OR 청소", 3, NULL);
    /* Required words and spacing are kept as typed. */
    expect_retyped(f, "+rnfhrn   cnrwp", "+구로구   축제", 2, "festival");
    teardown((void **)&f);
}

static void test_typo_suggestions(void **state)
{
    fixture *f = *state;
    ks_results *r = search(f, "깔끔이봉사댠");
    assert_int_equal(ks_results_count(r), 0);
    assert_non_null(ks_results_suggestion(r));
    assert_string_equal(ks_results_suggestion(r), "깔끔이봉사단");
    ks_results_free(r);
    r = search(f, "구로고");
    assert_non_null(ks_results_suggestion(r));
    assert_string_equal(ks_results_suggestion(r), "구로구");
    assert_null(ks_results_corrected_query(r));
    ks_results_free(r);
    /* A quoted or excluded word is corrected in place too. */
    r = search(f, "청소 -\"깔끔이봉사댠\"");
    assert_non_null(ks_results_suggestion(r));
    assert_string_equal(ks_results_suggestion(r), "청소 -\"깔끔이봉사단\"");
    ks_results_free(r);
    /* --fuzzy searches with the suggestion directly. */
    r = search_with(f, "깔끔이봉사댠", KS_SEARCH_FUZZY);
    assert_string_equal(ks_results_corrected_query(r), "깔끔이봉사단");
    assert_true(top_hit_holds(r, "깔끔이봉사단"));
    ks_results_free(r);
}

static void test_synonyms_without_reindexing(void **state)
{
    fixture *f = *state;
    ks_results *r = search(f, "청결봉사");
    size_t before = ks_results_count(r);
    ks_results_free(r);
    const char *groups[] = {"청결봉사 깔끔이봉사단 청소봉사"};
    assert_int_equal(ks_db_set_synonyms(f->db, groups, 1), KS_OK);
    assert_int_equal(ks_db_commit(f->db), KS_OK);
    r = search(f, "청결봉사");
    assert_true(ks_results_count(r) > before);
    assert_true(some_hit_holds(r, "깔끔이봉사단", NULL));
    ks_results_free(r);
    /* Ranked a little below the word itself. */
    r = search(f, "깔끔이봉사단");
    ks_results *via = search(f, "청소봉사");
    assert_true(ks_results_hit(via, 0)->score < ks_results_hit(r, 0)->score);
    ks_results_free(via);
    ks_results_free(r);
    char *explained = NULL;
    assert_int_equal(ks_explain(f->db, "청결봉사", &explained), KS_OK);
    assert_non_null(strstr(explained, "깔끔이봉사단"));
    ks_string_free(explained);
    /* A word in two groups has the others of both; a new set replaces the
     * old, before it is committed too. */
    const char *two[] = {"청결봉사 깔끔이봉사단", "청결봉사 청소봉사"};
    assert_int_equal(ks_db_set_synonyms(f->db, two, 2), KS_OK);
    ks_buf others = {0};
    assert_int_equal(ks_synonyms_of(f->db->shim, "청결봉사", &others), KS_OK);
    assert_string_equal(others.data, "깔끔이봉사단 청소봉사");
    assert_int_equal(ks_db_set_synonyms(f->db, two + 1, 1), KS_OK);
    assert_int_equal(ks_db_commit(f->db), KS_OK);
    assert_int_equal(ks_synonyms_of(f->db->shim, "청결봉사", &others), KS_OK);
    assert_string_equal(others.data, "청소봉사");
    assert_int_equal(ks_synonyms_of(f->db->shim, "깔끔이봉사단", &others), KS_OK);
    assert_int_equal(others.len, 0);
    ks_buf_free(&others);
    /* A group of one word is refused. */
    const char *bad[] = {"외톨이"};
    assert_int_equal(ks_db_set_synonyms(f->db, bad, 1), KS_ERR_BAD_INPUT);
    assert_int_equal(ks_db_set_synonyms(f->db, NULL, 0), KS_OK);
    assert_int_equal(ks_db_commit(f->db), KS_OK);
    r = search(f, "청결봉사");
    assert_int_equal(ks_results_count(r), before);
    ks_results_free(r);
}

static void test_prefix_and_completion(void **state)
{
    fixture *f = *state;
    ks_results *r = search(f, "청소*");
    assert_true(some_hit_holds(r, "청소분야", NULL));
    assert_true(some_hit_holds(r, "청소활동", NULL));
    ks_results_free(r);
    ks_completions *words = NULL;
    assert_int_equal(ks_db_complete(f->db, "깔끔", 10, &words), KS_OK);
    assert_true(ks_completions_count(words) >= 1);
    assert_string_equal(ks_completions_get(words, 0)->word, "깔끔이봉사단");
    ks_completions_free(words);
    assert_int_equal(ks_db_complete(f->db, "청소", 3, &words), KS_OK);
    assert_int_equal(ks_completions_count(words), 3);
    for (size_t i = 1; i < ks_completions_count(words); i++)
        assert_true(ks_completions_get(words, i - 1)->passages >=
                    ks_completions_get(words, i)->passages);
    ks_completions_free(words);
    /* Prefixed index terms (bigrams, 초성) are never offered. */
    assert_int_equal(ks_db_complete(f->db, "B", 10, &words), KS_OK);
    assert_int_equal(ks_completions_count(words), 0);
    ks_completions_free(words);
}

static void test_hanja_both_ways(void **state)
{
    fixture *f = *state;
    ks_article article = {.id = "hanja", .title = "九老區 소식",
                          .body = "九老區는 行政 구역이다.\n\n행정 절차가 바뀌었다.\n"};
    article.body_len = strlen(article.body);
    assert_int_equal(ks_db_put_article(f->db, &article, NULL, NULL), KS_OK);
    assert_int_equal(ks_db_commit(f->db), KS_OK);
    ks_results *r = search(f, "구로구");
    assert_true(some_hit_holds(r, "九老區", "구로구"));
    ks_results_free(r);
    r = search(f, "九老區");
    assert_true(some_hit_holds(r, "구로구", "九老區"));
    ks_results_free(r);
    r = search(f, "行政");
    assert_true(some_hit_holds(r, "행정 절차", NULL));
    ks_results_free(r);
    assert_int_equal(ks_db_remove_article(f->db, "hanja"), KS_OK);
    assert_int_equal(ks_db_commit(f->db), KS_OK);
}

/* ------------------------------------------------------------------------ */
/* Wikinews                                                                 */

#define NEED_WIKINEWS(f)                                                        \
    do {                                                                        \
        if (!(f)) {                                                             \
            print_message("skipped: no ../shared/data/news/wikinews.csv\n");    \
            skip();                                                             \
        }                                                                       \
    } while (0)

static void test_news_initials_and_layout(void **state)
{
    fixture *f = *state;
    NEED_WIKINEWS(f);
    ks_results *r = search(f, "ㅇㅂㅁ");
    assert_true(some_hit_holds(r, "오바마", NULL));
    ks_results_free(r);
    r = search(f, "dhqkak");
    assert_non_null(ks_results_corrected_query(r));
    assert_string_equal(ks_results_corrected_query(r), "오바마");
    assert_true(top_hit_holds(r, "오바마"));
    ks_results_free(r);
}

static void test_news_typos_and_prefix(void **state)
{
    fixture *f = *state;
    NEED_WIKINEWS(f);
    ks_results *r = search(f, "대한밍국");
    assert_non_null(ks_results_suggestion(r));
    assert_string_equal(ks_results_suggestion(r), "대한민국");
    ks_results_free(r);
    r = search_with(f, "대한밍국", KS_SEARCH_FUZZY);
    assert_string_equal(ks_results_corrected_query(r), "대한민국");
    assert_true(top_hit_holds(r, "대한민국"));
    ks_results_free(r);
    r = search(f, "대한*");
    assert_true(some_hit_holds(r, "대한민국", NULL));
    ks_results_free(r);
    ks_completions *words = NULL;
    assert_int_equal(ks_db_complete(f->db, "대한", 5, &words), KS_OK);
    assert_string_equal(ks_completions_get(words, 0)->word, "대한민국");
    ks_completions_free(words);
}

static void test_news_hanja_and_synonyms(void **state)
{
    fixture *f = *state;
    NEED_WIKINEWS(f);
    /* 高永根 is written in Hanja on the relics and in Hangul elsewhere. */
    ks_results *r = search(f, "高永根");
    assert_true(some_hit_holds(r, "고영근", "高永根"));
    ks_results_free(r);
    r = search(f, "국제연합");
    assert_false(some_hit_holds(r, "유엔", NULL));
    ks_results_free(r);
    const char *groups[] = {"국제연합 유엔 UN"};
    assert_int_equal(ks_db_set_synonyms(f->db, groups, 1), KS_OK);
    assert_int_equal(ks_db_commit(f->db), KS_OK);
    r = search(f, "국제연합");
    assert_true(some_hit_holds(r, "유엔", NULL));
    ks_results_free(r);
}

int main(void)
{
    const struct CMUnitTest corpus[] = {
        cmocka_unit_test(test_initials_find_words),
        cmocka_unit_test(test_wrong_keyboard_mode),
        cmocka_unit_test(test_wrong_keyboard_mode_in_query_syntax),
        cmocka_unit_test(test_typo_suggestions),
        cmocka_unit_test(test_synonyms_without_reindexing),
        cmocka_unit_test(test_prefix_and_completion),
        cmocka_unit_test(test_hanja_both_ways),
    };
    const struct CMUnitTest news[] = {
        cmocka_unit_test(test_news_initials_and_layout),
        cmocka_unit_test(test_news_typos_and_prefix),
        cmocka_unit_test(test_news_hanja_and_synonyms),
    };
    int failed = cmocka_run_group_tests_name("corpus", corpus, setup_corpus, teardown);
    failed += cmocka_run_group_tests_name("wikinews", news, setup_wikinews, teardown);
    return failed;
}
