/* The public API end to end on the seed article in corpus/: what a user of
 * kosearch must see, and every documented error path. */
#include "test_support.h"
#include "xapian_shim.h"

#include <time.h>

typedef struct fixture {
    char path[64];
    ks_db *db;
} fixture;

static ks_status put_article(void *context, const ks_source_article *source)
{
    ks_db *db = context;
    return ks_db_put_article(db, &source->article, NULL, NULL);
}

static void count_problem(void *context, const char *origin, long line, long byte_offset,
                          const char *message)
{
    (void)context; (void)origin; (void)line; (void)byte_offset; (void)message;
    fail_msg("unexpected problem reading the corpus: %s: %s", origin, message);
}

static int setup_corpus(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    snprintf(f->path, sizeof f->path, "/tmp/kosearch-api-XXXXXX");
    if (!mkdtemp(f->path))
        return -1;
    strcat(f->path, "/db");
    if (ks_db_open(&f->db, f->path, KS_OPEN_WRITE) != KS_OK)
        return -1;
    ks_reader_callbacks callbacks = {.on_article = put_article, .on_problem = count_problem, .context = f->db};
    if (ks_read_path(test_source_path("corpus"), &callbacks) != KS_OK)
        return -1;
    if (ks_db_commit(f->db) != KS_OK)
        return -1;
    *state = f;
    return 0;
}

static int teardown_corpus(void **state)
{
    fixture *f = *state;
    ks_db_close(f->db);
    char *slash = strrchr(f->path, '/');
    *slash = '\0';
    ks_remove_tree(f->path);
    free(f);
    return 0;
}

static ks_results *search(fixture *f, const char *query, size_t limit)
{
    ks_results *results = NULL;
    ks_search_options options = {.limit = limit};
    ks_status st = ks_search(f->db, query, &options, &results);
    if (st != KS_OK)
        fail_msg("search %s failed: %s", query, ks_db_error(f->db));
    return results;
}

/* 1-based rank of the first hit whose section contains `section`, or 0. */
static size_t rank_of_section(fixture *f, const char *query, const char *section)
{
    ks_results *results = search(f, query, 20);
    size_t rank = 0;
    for (size_t i = 0; i < ks_results_count(results) && !rank; i++)
        if (strstr(ks_results_hit(results, i)->section, section))
            rank = i + 1;
    ks_results_free(results);
    return rank;
}

#define CLEANING "청소 분야 10년째 1위"
#define NUCLEAR "원전 하나 줄이기"

static void test_compound_finds_cleaning_section_first(void **state)
{
    assert_int_equal(rank_of_section(*state, "깔끔이봉사단", CLEANING), 1);
}

static void test_compound_parts_find_cleaning_section(void **state)
{
    const char *queries[] = {"봉사단", "깔끔이", "청소 봉사"};
    for (size_t i = 0; i < 3; i++) {
        size_t rank = rank_of_section(*state, queries[i], CLEANING);
        if (rank < 1 || rank > 3)
            fail_msg("%s ranks the cleaning section at %zu, not in the top 3", queries[i], rank);
    }
}

static void test_led_and_nuclear_rank_their_section_first(void **state)
{
    assert_int_equal(rank_of_section(*state, "원전 하나 줄이기", NUCLEAR), 1);
    assert_int_equal(rank_of_section(*state, "LED", NUCLEAR), 1);
    assert_int_equal(rank_of_section(*state, "희망구매", "희망구매"), 1);
}

static void test_quoted_phrase_finds_its_section(void **state)
{
    size_t rank = rank_of_section(*state, "\"희망일자리 만들기\"", "희망일자리 만들기");
    assert_true(rank >= 1 && rank <= 3);
}

/* KS_MATCH_ALL keeps only the passages holding every word; KS_MATCH_ANY
 * finds the others too, after them. */
static void test_match_all_keeps_passages_holding_every_word(void **state)
{
    fixture *f = *state;
    ks_search_options options = {.limit = 50, .match = KS_MATCH_ALL};
    ks_results *all = NULL;
    assert_int_equal(ks_search(f->db, "구로구 LED", &options, &all), KS_OK);
    assert_true(ks_results_count(all) > 0);
    for (size_t i = 0; i < ks_results_count(all); i++) {
        const char *text = ks_results_hit(all, i)->text;
        assert_true(strstr(text, "구로구") && strstr(text, "LED"));
    }
    ks_results *any = search(f, "구로구 LED", 50);
    assert_true(ks_results_count(any) > ks_results_count(all));
    for (size_t i = 0; i < ks_results_count(all); i++)
        assert_string_equal(ks_results_hit(any, i)->text, ks_results_hit(all, i)->text);
    ks_results_free(all);
    ks_results_free(any);
}

/* --explain says what a passage must hold: every word with KS_MATCH_ALL,
 * the +word, both sides of AND; nothing by default. */
static void test_explain_shows_what_is_required(void **state)
{
    fixture *f = *state;
    const struct {
        const char *query;
        ks_match match;
        const char *starts;
    } cases[] = {
        {"구로구 청사", KS_MATCH_ANY, "holds any of: 구로구, 청사; order: passages holding more"},
        {"구로구 청사", KS_MATCH_ALL, "must hold: 구로구 AND 청사; Xapian: "},
        {"+구로구 청사", KS_MATCH_ANY, "must hold: 구로구; ranked by: 청사; Xapian: "},
        {"구로구 AND 청사 -LED", KS_MATCH_ANY, "must hold: 구로구 AND 청사; must not hold: LED; "},
        {"구로구 LED OR \"청소 봉사\"", KS_MATCH_ALL, "must hold: 구로구 AND (LED OR \"청소 봉사\"); "},
    };
    for (size_t i = 0; i < COUNT_OF(cases); i++) {
        ks_search_options options = {.match = cases[i].match};
        char *text = NULL;
        assert_int_equal(ks_explain_search(f->db, cases[i].query, &options, &text), KS_OK);
        if (strncmp(text, cases[i].starts, strlen(cases[i].starts)) != 0)
            fail_msg("%s explains as %s", cases[i].query, text);
        ks_string_free(text);
    }
    /* The default options; a question, a statement and a headline rank
     * with their own BM25 (search.c). */
    const struct {
        const char *query, *holds;
    } styles[] = {
        {"구로구 청사", "holds any of: 구로구, 청사"},
        {"구로구 청사는 어디에 있나?", "a repeated word counting little (a question)"},
        {"구로구 청사는 시청 옆에 있다", "(a statement)"},
        {"구로구 새 청사 시청 옆 이전", "(a headline)"},
    };
    for (size_t i = 0; i < COUNT_OF(styles); i++) {
        char *text = NULL;
        assert_int_equal(ks_explain(f->db, styles[i].query, &text), KS_OK);
        if (!strstr(text, styles[i].holds))
            fail_msg("%s explains as %s", styles[i].query, text);
        ks_string_free(text);
    }
}

/* A passage that holds 구로구 only with a particle attached. */
static bool has_hit_containing(fixture *f, const char *query, const char *needle)
{
    ks_results *results = search(f, query, 100);
    bool found = false;
    for (size_t i = 0; i < ks_results_count(results) && !found; i++)
        found = strstr(ks_results_hit(results, i)->text, needle) != NULL;
    ks_results_free(results);
    return found;
}

static void test_particles_do_not_hide_words(void **state)
{
    assert_true(has_hit_containing(*state, "구로구", "구로구는 행정자치부의 민원서비스"));
    assert_true(has_hit_containing(*state, "행정자치부", "행정자치부의"));
}

/* Phrases match words by their stems, with or without the particles. */
static void test_phrases_match_through_particles(void **state)
{
    const char *passage = "구로구는 행정자치부의 민원서비스";
    assert_true(has_hit_containing(*state, "\"구로구는 행정자치부의\"", passage));
    assert_true(has_hit_containing(*state, "\"구로구 행정자치부 민원서비스\"", passage));
    assert_true(has_hit_containing(*state, "\"행정자치부의 민원서비스\"", passage));
    assert_false(has_hit_containing(*state, "\"행정자치부 구로구\"", passage));
}

static void test_highlights_cover_whole_words(void **state)
{
    fixture *f = *state;
    ks_results *results = search(f, "깔끔이봉사단", 1);
    const ks_hit *hit = ks_results_hit(results, 0);
    assert_non_null(hit);
    assert_true(hit->highlight_count >= 1);
    for (size_t i = 0; i < hit->highlight_count; i++) {
        const ks_span *s = &hit->highlights[i];
        assert_true(s->end <= hit->text_len);
        /* Every highlight starts with the whole compound, not a syllable. */
        assert_memory_equal(hit->text + s->start, "깔끔이봉사단", strlen("깔끔이봉사단"));
    }
    for (size_t i = 0; i < hit->snippet_highlight_count; i++) {
        const ks_span *s = &hit->snippet_highlights[i];
        assert_memory_equal(hit->snippet + s->start, "깔끔이봉사단", strlen("깔끔이봉사단"));
    }
    assert_string_equal(hit->date, "2015-01-09T20:39");
    ks_results_free(results);
}

static void test_furniture_is_not_searchable(void **state)
{
    fixture *f = *state;
    const char *furniture[] = {"댓글삭제", "공유합니다", "계정을 선택하시면", "상태바"};
    for (size_t i = 0; i < 4; i++) {
        ks_results *results = search(f, furniture[i], 10);
        for (size_t k = 0; k < ks_results_count(results); k++)
            if (strstr(ks_results_hit(results, k)->text, furniture[i]))
                fail_msg("a passage holds page furniture: %s", furniture[i]);
        ks_results_free(results);
    }
}

static void test_exclusion_and_or(void **state)
{
    fixture *f = *state;
    ks_results *results = search(f, "청소 -깔끔이봉사단", 50);
    for (size_t i = 0; i < ks_results_count(results); i++)
        assert_null(strstr(ks_results_hit(results, i)->text, "깔끔이봉사단"));
    ks_results_free(results);
    assert_true(has_hit_containing(f, "깔끔이봉사단 OR 희망구매", "희망구매"));
    assert_true(has_hit_containing(f, "깔끔이봉사단 OR 희망구매", "깔끔이봉사단"));
}

static void test_bad_queries_are_reported(void **state)
{
    fixture *f = *state;
    const char *bad[] = {"", "   ", "\"", "OR", "청소 OR", "-청소", "?!.,"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ks_results *results = NULL;
        assert_int_equal(ks_search(f->db, bad[i], NULL, &results), KS_ERR_BAD_QUERY);
        assert_null(results);
        assert_true(strlen(ks_db_error(f->db)) > 0);
    }
}

static void test_reindexing_unchanged_article_changes_nothing(void **state)
{
    fixture *f = *state;
    ks_db_stats before, after;
    assert_int_equal(ks_db_stats_get(f->db, &before), KS_OK);
    ks_article article = {.id = "same", .title = "제목", .body = "구로구는 청소를 했다.", .body_len = 0};
    article.body_len = strlen(article.body);
    ks_change change;
    assert_int_equal(ks_db_put_article(f->db, &article, &change, NULL), KS_OK);
    assert_int_equal(change, KS_CHANGE_ADDED);
    assert_int_equal(ks_db_put_article(f->db, &article, &change, NULL), KS_OK);
    assert_int_equal(change, KS_CHANGE_UNCHANGED);
    article.body = "구로구는 희망구매를 했다.";
    article.body_len = strlen(article.body);
    size_t passages;
    assert_int_equal(ks_db_put_article(f->db, &article, &change, &passages), KS_OK);
    assert_int_equal(change, KS_CHANGE_UPDATED);
    assert_int_equal(passages, 1);
    assert_int_equal(ks_db_stats_get(f->db, &after), KS_OK);
    assert_int_equal(after.articles, before.articles + 1);
    assert_int_equal(after.passages, before.passages + 1);
    assert_int_equal(ks_db_remove_article(f->db, "same"), KS_OK);
    assert_int_equal(ks_db_remove_article(f->db, "same"), KS_ERR_NOT_FOUND);
    assert_int_equal(ks_db_stats_get(f->db, &after), KS_OK);
    assert_int_equal(after.passages, before.passages);
}

static void test_text_with_nul_is_refused_whole(void **state)
{
    fixture *f = *state;
    static const char body[] = "구로구는 청소를 했다.\n\n깔끔이\0봉사단";
    ks_article article = {.id = "nul", .body = body, .body_len = sizeof body - 1};
    assert_int_equal(ks_db_put_article(f->db, &article, NULL, NULL), KS_ERR_BAD_INPUT);
    assert_non_null(strstr(ks_db_error(f->db), "NUL"));
    ks_article_record record;
    assert_int_equal(ks_db_article_record(f->db, "nul", &record), KS_ERR_NOT_FOUND);
}

typedef struct found_article {
    const char *wanted;
    char origin[64];
    int seen;
} found_article;

static int find_article(void *context, const char *id, const char *origin)
{
    found_article *found = context;
    if (strcmp(id, found->wanted) == 0) {
        found->seen++;
        snprintf(found->origin, sizeof found->origin, "%s", origin);
    }
    return 0;
}

/* Ids longer than a Xapian term are keyed by a hash; their record keeps the
 * whole id, and origins may hold spaces. */
static void test_long_ids_and_origins_are_kept_whole(void **state)
{
    fixture *f = *state;
    char id[301];
    memset(id, 'x', sizeof id - 1);
    id[sizeof id - 1] = '\0';
    ks_article article = {.id = id, .body = "구로구 소식", .body_len = strlen("구로구 소식"),
                          .source_size = 12345, .source_mtime = 1700000000,
                          .origin = "/news/보도 자료/a b.jsonl"};
    assert_int_equal(ks_db_put_article(f->db, &article, NULL, NULL), KS_OK);
    ks_article_record record;
    assert_int_equal(ks_db_article_record(f->db, id, &record), KS_OK);
    assert_int_equal(record.source_size, 12345);
    assert_int_equal(record.source_mtime, 1700000000);
    assert_int_equal(record.passages, 1);
    found_article found = {.wanted = id};
    assert_int_equal(ks_db_each_article(f->db, find_article, &found, NULL), KS_OK);
    assert_int_equal(found.seen, 1);
    assert_string_equal(found.origin, "/news/보도 자료/a b.jsonl");
    char *origin = NULL;
    assert_int_equal(ks_db_article_origin(f->db, id, &origin), KS_OK);
    assert_string_equal(origin, "/news/보도 자료/a b.jsonl");
    free(origin);
    assert_int_equal(ks_db_remove_article(f->db, id), KS_OK);
    assert_int_equal(ks_db_article_origin(f->db, id, &origin), KS_ERR_NOT_FOUND);
    assert_int_equal(ks_db_article_record(f->db, id, &record), KS_ERR_NOT_FOUND);
}

static int count_key(void *context, const char *key)
{
    (void)key;
    (*(int *)context)++;
    return 0;
}

/* The articles of one JSONL file share one stored copy of its path; a text
 * file's path is its id and is not stored again. Each still reports its own,
 * and an article read from stdin reports none (""). */
static void test_origins_are_stored_once(void **state)
{
    fixture *f = *state;
    const char *ids[] = {"line-1", "line-2", "notes/today.txt", "from-stdin"};
    const char *origins[] = {"/news/2026-11.jsonl", "/news/2026-11.jsonl", "notes/today.txt", ""};
    int stored_before = 0;
    assert_int_equal(
        shim_db_each_metadata_key(f->db->shim, "origin:", count_key, &stored_before, NULL), KS_OK);
    for (size_t i = 0; i < 4; i++) {
        ks_article article = {.id = ids[i], .body = "구로구 소식", .body_len = strlen("구로구 소식"),
                              .origin = *origins[i] ? origins[i] : NULL};
        assert_int_equal(ks_db_put_article(f->db, &article, NULL, NULL), KS_OK);
    }
    int stored = 0;
    assert_int_equal(shim_db_each_metadata_key(f->db->shim, "origin:", count_key, &stored, NULL),
                     KS_OK);
    assert_int_equal(stored, stored_before + 1);
    for (size_t i = 0; i < 4; i++) {
        found_article found = {.wanted = ids[i]};
        assert_int_equal(ks_db_each_article(f->db, find_article, &found, NULL), KS_OK);
        assert_int_equal(found.seen, 1);
        assert_string_equal(found.origin, origins[i]);
        assert_int_equal(ks_db_remove_article(f->db, ids[i]), KS_OK);
    }
}

static void put_from(ks_db *db, const char *id, const char *body, const char *origin)
{
    ks_article article = {.id = id, .body = body, .body_len = strlen(body), .origin = origin};
    assert_int_equal(ks_db_put_article(db, &article, NULL, NULL), KS_OK);
}

static void put_text(ks_db *db, const char *id, const char *body)
{
    put_from(db, id, body, NULL);
}

static bool holds_facts(ks_db *db, const char *path, const ks_file_facts *expected)
{
    ks_file_facts held;
    ks_status st = ks_db_file_facts(db, path, &held);
    assert_true(st == KS_OK || st == KS_ERR_NOT_FOUND);
    if (st == KS_OK && expected) {
        assert_int_equal(held.size, expected->size);
        assert_int_equal(held.mtime, expected->mtime);
        assert_int_equal(held.articles, expected->articles);
        assert_int_equal(held.complete, expected->complete);
    }
    return st == KS_OK;
}

/* A JSONL file may be skipped while its facts stand, so they must go with
 * any change that rereading the file would undo. */
static void test_file_facts_last_while_the_file_is_as_read(void **state)
{
    fixture *f = *state;
    const char *feed = "/news/feed.jsonl", *other = "/news/other.jsonl";
    const ks_file_facts facts = {.size = 120, .mtime = 1764233100123456789, .articles = 2};
    put_from(f->db, "feed-1", "구로구 소식", feed);
    put_from(f->db, "feed-2", "희망구매 추진", feed);
    assert_int_equal(ks_db_set_file_facts(f->db, feed, &facts), KS_OK);
    assert_true(holds_facts(f->db, feed, &facts));
    assert_false(holds_facts(f->db, other, NULL));
    const ks_file_facts complete = {.size = 120, .mtime = 1764233100123456789, .articles = 2,
                                    .complete = true};
    assert_int_equal(ks_db_set_file_facts(f->db, feed, &complete), KS_OK);
    assert_true(holds_facts(f->db, feed, &complete));
    assert_int_equal(ks_db_set_file_facts(f->db, feed, &facts), KS_OK);

    /* Reading it again unchanged, or articles from nowhere, keep them;
     * readers see them once committed. */
    put_from(f->db, "feed-1", "구로구 소식", feed);
    put_text(f->db, "typed-in", "서초구 소식");
    assert_int_equal(ks_db_commit(f->db), KS_OK);
    ks_db *reader = NULL;
    assert_int_equal(ks_db_open(&reader, f->path, KS_OPEN_READ), KS_OK);
    assert_true(holds_facts(reader, feed, &facts));
    ks_db_close(reader);

    /* A changed article from the file forgets them, and a second change
     * after they are set again forgets them again. */
    put_from(f->db, "feed-2", "희망구매 추진 계획", feed);
    assert_false(holds_facts(f->db, feed, NULL));
    assert_int_equal(ks_db_set_file_facts(f->db, feed, &facts), KS_OK);
    put_from(f->db, "feed-2", "희망구매 추진", feed);
    assert_false(holds_facts(f->db, feed, NULL));

    /* An article that moves to another file, even unchanged, forgets both. */
    assert_int_equal(ks_db_set_file_facts(f->db, feed, &facts), KS_OK);
    assert_int_equal(ks_db_set_file_facts(f->db, other, &facts), KS_OK);
    put_from(f->db, "feed-1", "구로구 소식", other);
    assert_false(holds_facts(f->db, feed, NULL));
    assert_false(holds_facts(f->db, other, NULL));

    /* So do a new article from the file and a removed one. */
    assert_int_equal(ks_db_set_file_facts(f->db, other, &facts), KS_OK);
    put_from(f->db, "other-2", "강남구 소식", other);
    assert_false(holds_facts(f->db, other, NULL));
    assert_int_equal(ks_db_set_file_facts(f->db, other, &facts), KS_OK);
    assert_int_equal(ks_db_remove_article(f->db, "feed-1"), KS_OK);
    assert_false(holds_facts(f->db, other, NULL));

    const char *ids[] = {"feed-2", "other-2", "typed-in"};
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(ks_db_remove_article(f->db, ids[i]), KS_OK);
    assert_int_equal(ks_db_commit(f->db), KS_OK);
}

static void test_missing_database_says_so(void **state)
{
    (void)state;
    ks_db *db = NULL;
    assert_int_equal(ks_db_open(&db, "/nonexistent/kosearch.db", KS_OPEN_READ), KS_ERR_NOT_FOUND);
    assert_non_null(db);
    assert_non_null(strstr(ks_db_error(db), "/nonexistent/kosearch.db"));
    ks_db_close(db);
}

static void test_read_only_handle_refuses_articles(void **state)
{
    fixture *f = *state;
    ks_db *reader = NULL;
    assert_int_equal(ks_db_open(&reader, f->path, KS_OPEN_READ), KS_OK);
    ks_article article = {.id = "x", .body = "본문", .body_len = strlen("본문")};
    assert_int_equal(ks_db_put_article(reader, &article, NULL, NULL), KS_ERR_READ_ONLY);
    ks_db_close(reader);
}

static void test_second_writer_is_locked(void **state)
{
    fixture *f = *state;
    ks_db *second = NULL;
    assert_int_equal(ks_db_open(&second, f->path, KS_OPEN_WRITE), KS_ERR_LOCKED);
    assert_non_null(strstr(ks_db_error(second), "locked by another kosearch index"));
    ks_db_close(second);
}

/* Xapian's lock file can be deleted; kosearch's lock on the folder holds. */
static void test_second_writer_is_locked_without_the_lock_file(void **state)
{
    fixture *f = *state;
    char lock_file[sizeof f->path + 16];
    snprintf(lock_file, sizeof lock_file, "%s/flintlock", f->path);
    assert_int_equal(unlink(lock_file), 0);
    ks_db *second = NULL;
    assert_int_equal(ks_db_open(&second, f->path, KS_OPEN_WRITE), KS_ERR_LOCKED);
    assert_non_null(strstr(ks_db_error(second), "locked by another kosearch index"));
    ks_db_close(second);
}

static void test_existing_flag_never_creates(void **state)
{
    (void)state;
    char folder[] = "/tmp/kosearch-api-XXXXXX";
    assert_non_null(mkdtemp(folder));
    char path[sizeof folder + 8];
    snprintf(path, sizeof path, "%s/typo", folder);
    ks_db *db = NULL;
    assert_int_equal(ks_db_open(&db, path, KS_OPEN_WRITE | KS_OPEN_EXISTING), KS_ERR_NOT_FOUND);
    assert_non_null(strstr(ks_db_error(db), "no database at"));
    ks_db_close(db);
    assert_int_equal(access(path, F_OK), -1);
    ks_remove_tree(folder);
}

static void test_other_analyzer_version_asks_for_rebuild(void **state)
{
    (void)state;
    char path[] = "/tmp/kosearch-version-XXXXXX";
    assert_non_null(mkdtemp(path));
    ks_db *db = NULL;
    assert_int_equal(ks_db_open(&db, path, KS_OPEN_WRITE), KS_OK);
    assert_int_equal(shim_db_set_metadata(db->shim, "kosearch.analyzer", "999"), KS_OK);
    assert_int_equal(ks_db_close(db), KS_OK);
    assert_int_equal(ks_db_open(&db, path, KS_OPEN_READ), KS_ERR_VERSION);
    assert_non_null(strstr(ks_db_error(db), "--rebuild"));
    ks_db_close(db);
    assert_int_equal(ks_db_open(&db, path, KS_OPEN_WRITE | KS_OPEN_REBUILD), KS_OK);
    ks_db_close(db);
    ks_remove_tree(path);
}

static size_t passages_in(const char *path)
{
    ks_db *db = NULL;
    assert_int_equal(ks_db_open(&db, path, KS_OPEN_READ), KS_OK);
    ks_db_stats stats;
    assert_int_equal(ks_db_stats_get(db, &stats), KS_OK);
    ks_db_close(db);
    return (size_t)stats.passages;
}

static void test_rebuild_replaces_only_when_complete(void **state)
{
    (void)state;
    char folder[] = "/tmp/kosearch-rebuild-XXXXXX";
    assert_non_null(mkdtemp(folder));
    char path[64], leftover[80];
    snprintf(path, sizeof path, "%s/db", folder);
    snprintf(leftover, sizeof leftover, "%s.rebuild", path);
    ks_db *db = NULL;
    assert_int_equal(ks_db_open(&db, path, KS_OPEN_WRITE), KS_OK);
    put_text(db, "old", "구로구는 청소를 했다.\n\n깔끔이봉사단이 도왔다.");
    assert_int_equal(ks_db_close(db), KS_OK);
    assert_int_equal(passages_in(path), 2);

    /* While a rebuild runs, and after it is given up, readers see the old index. */
    assert_int_equal(ks_db_open(&db, path, KS_OPEN_WRITE | KS_OPEN_REBUILD), KS_OK);
    put_text(db, "new", "희망구매 추진 평가");
    assert_int_equal(ks_db_commit(db), KS_OK);
    assert_int_equal(passages_in(path), 2);
    ks_db *second = NULL;
    assert_int_equal(ks_db_open(&second, path, KS_OPEN_WRITE), KS_ERR_LOCKED);
    ks_db_close(second);
    assert_int_equal(ks_db_abandon(db), KS_OK);
    assert_int_equal(passages_in(path), 2);
    assert_int_not_equal(access(leftover, F_OK), 0);

    /* A completed rebuild replaces the old contents whole. */
    assert_int_equal(ks_db_open(&db, path, KS_OPEN_WRITE | KS_OPEN_REBUILD), KS_OK);
    put_text(db, "new", "희망구매 추진 평가");
    assert_int_equal(ks_db_close(db), KS_OK);
    assert_int_equal(passages_in(path), 1);
    assert_int_not_equal(access(leftover, F_OK), 0);
    ks_remove_tree(folder);
}

typedef struct passage_set {
    char **lines;
    size_t count, cap;
} passage_set;

static int collect_passage(void *context, const ks_passage_info *info)
{
    passage_set *set = context;
    if (set->count == set->cap) {
        set->cap = set->cap ? set->cap * 2 : 64;
        set->lines = realloc(set->lines, set->cap * sizeof *set->lines);
        assert_non_null(set->lines);
    }
    ks_buf line = {0};
    assert_int_equal(ks_buf_printf(&line, "%s#%u %s | %s", info->id, info->passage,
                                   info->section, info->text), KS_OK);
    set->lines[set->count++] = line.data;
    return 0;
}

static int compare_lines(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Builds a new database at `path` on `threads` threads from the corpus and
 * generated articles, exercising what a build must handle on the way; with
 * `part_bytes`, each worker starts a new part after that much text. */
static void build_with_threads(const char *path, unsigned threads, size_t part_bytes)
{
    ks_db *db = NULL;
    assert_int_equal(ks_db_open(&db, path, KS_OPEN_WRITE | KS_OPEN_REBUILD), KS_OK);
    assert_int_equal(ks_db_set_build_threads(db, threads), KS_OK);
    assert_int_equal(ks_db_set_build_part_bytes(db, part_bytes), KS_OK);
    ks_reader_callbacks callbacks = {.on_article = put_article, .on_problem = count_problem, .context = db};
    assert_int_equal(ks_read_path(test_source_path("corpus"), &callbacks), KS_OK);
    char id[32], body[160];
    for (int i = 0; i < 60; i++) {
        snprintf(id, sizeof id, "gen-%02d", i);
        snprintf(body, sizeof body, "구로구 %d번째 소식.\n\n깔끔이봉사단이 %d개 동을 청소했다.", i, i);
        put_text(db, id, body);
    }
    /* Nothing is visible before the build ends: readers see an empty index. */
    assert_int_equal(passages_in(path), 0);
    ks_article_record record;
    assert_int_equal(ks_db_article_record(db, "gen-07", &record), KS_OK);
    assert_int_equal(record.passages, 2);
    assert_int_equal(ks_db_article_record(db, "never-put", &record), KS_ERR_NOT_FOUND);
    /* A repeated id replaces its earlier version; a removed one is gone. */
    ks_article again = {.id = "gen-03", .body = "희망구매 추진", .body_len = strlen("희망구매 추진")};
    ks_change change;
    size_t passages;
    assert_int_equal(ks_db_put_article(db, &again, &change, &passages), KS_OK);
    assert_int_equal(change, KS_CHANGE_UPDATED);
    assert_int_equal(passages, 1);
    assert_int_equal(ks_db_remove_article(db, "gen-04"), KS_OK);
    assert_int_equal(ks_db_remove_article(db, "gen-04"), KS_ERR_NOT_FOUND);
    /* The threads write what they were given without waiting for the close,
     * and say how much is left. */
    size_t pending_articles, pending_passages;
    ks_db_pending(db, &pending_articles, &pending_passages);
    assert_true(pending_articles <= 62);
    const struct timespec pause = {0, 10 * 1000 * 1000};
    for (int waited = 0; pending_articles > 0 && waited < 3000; waited++) {
        nanosleep(&pause, NULL);
        ks_db_pending(db, &pending_articles, &pending_passages);
    }
    assert_int_equal(pending_articles, 0);
    assert_int_equal(pending_passages, 0);
    if (part_bytes) {
        /* A part per article on gen-03's worker, which has at least six
         * (gen-NN articles and the repeat): gen-03's first version, among
         * the worker's first five articles, went to an older part than its
         * second. Only the gen-NN ids pick the same worker in every
         * checkout; the corpus file's id is its path. */
        char part[256];
        snprintf(part, sizeof part, "%s.rebuild.part-%u.5", path, ks_shard_of("gen-03", threads));
        assert_int_equal(access(part, F_OK), 0);
    }
    assert_int_equal(ks_db_commit(db), KS_OK);
    assert_int_equal(ks_db_close(db), KS_OK);
}

static passage_set passages_of(const char *path)
{
    ks_db *db = NULL;
    passage_set set = {0};
    assert_int_equal(ks_db_open(&db, path, KS_OPEN_READ), KS_OK);
    assert_int_equal(ks_db_each_passage(db, collect_passage, &set), KS_OK);
    ks_db_close(db);
    qsort(set.lines, set.count, sizeof *set.lines, compare_lines);
    return set;
}

static void test_build_on_threads_matches_one_writer(void **state)
{
    (void)state;
    char folder[] = "/tmp/kosearch-build-XXXXXX";
    assert_non_null(mkdtemp(folder));
    char one[64], three[64], small[64], part[96];
    snprintf(one, sizeof one, "%s/one", folder);
    snprintf(three, sizeof three, "%s/three", folder);
    snprintf(small, sizeof small, "%s/small", folder);
    build_with_threads(one, 1, 0);
    build_with_threads(three, 3, 0);
    build_with_threads(small, 2, 1); /* a part per article */
    snprintf(part, sizeof part, "%s.rebuild.part-0.0", three);
    assert_int_not_equal(access(part, F_OK), 0);
    /* The parts are gone after the merge. */
    snprintf(part, sizeof part, "%s.rebuild.part-%u.5", small, ks_shard_of("gen-03", 2));
    assert_int_not_equal(access(part, F_OK), 0);

    /* Only the second version of gen-03 is left, its record with it. */
    ks_db *db = NULL;
    ks_article_record record;
    assert_int_equal(ks_db_open(&db, small, KS_OPEN_READ), KS_OK);
    assert_int_equal(ks_db_article_record(db, "gen-03", &record), KS_OK);
    assert_int_equal(record.passages, 1);
    ks_db_close(db);

    passage_set a = passages_of(one), b = passages_of(three), c = passages_of(small);
    assert_int_equal(a.count, c.count);
    for (size_t i = 0; i < a.count; i++)
        assert_string_equal(a.lines[i], c.lines[i]);
    assert_true(a.count > 100);
    assert_int_equal(a.count, b.count);
    for (size_t i = 0; i < a.count; i++)
        assert_string_equal(a.lines[i], b.lines[i]);
    bool replaced = false, removed = true;
    for (size_t i = 0; i < b.count; i++) {
        replaced = replaced || strcmp(b.lines[i], "gen-03#1  | 희망구매 추진") == 0;
        removed = removed && strncmp(b.lines[i], "gen-04#", 7) != 0;
    }
    assert_true(replaced);
    assert_true(removed);

    assert_int_equal(ks_db_open(&db, three, KS_OPEN_READ), KS_OK);
    ks_db_stats stats;
    assert_int_equal(ks_db_stats_get(db, &stats), KS_OK);
    assert_int_equal(stats.passages, b.count);
    assert_int_equal(stats.articles, 1 + 59); /* the corpus article and gen-00..59 less gen-04 */
    ks_db_close(db);
    for (size_t i = 0; i < a.count; i++) {
        free(a.lines[i]);
        free(b.lines[i]);
        free(c.lines[i]);
    }
    free(a.lines);
    free(b.lines);
    free(c.lines);
    ks_remove_tree(folder);
}

static void test_build_new_only_builds_what_is_new(void **state)
{
    (void)state;
    char folder[] = "/tmp/kosearch-new-XXXXXX";
    assert_non_null(mkdtemp(folder));
    /* An empty folder is a new database: built, visible when closed. */
    ks_db *db = NULL;
    assert_int_equal(ks_db_open(&db, folder, KS_OPEN_WRITE | KS_OPEN_BUILD_NEW), KS_OK);
    put_text(db, "a", "구로구는 청소를 했다.");
    assert_int_equal(ks_db_commit(db), KS_OK);
    assert_int_equal(passages_in(folder), 0);
    assert_int_equal(ks_db_close(db), KS_OK);
    assert_int_equal(passages_in(folder), 1);
    /* An existing database is updated in place: visible at each commit. */
    assert_int_equal(ks_db_open(&db, folder, KS_OPEN_WRITE | KS_OPEN_BUILD_NEW), KS_OK);
    put_text(db, "b", "깔끔이봉사단이 도왔다.");
    assert_int_equal(ks_db_commit(db), KS_OK);
    assert_int_equal(passages_in(folder), 2);
    assert_int_equal(ks_db_close(db), KS_OK);
    ks_remove_tree(folder);
}

/* A build keeps the facts of the files it read until the merge, and a
 * repeated id, whose earlier file only a worker knows, forgets them all. */
static void test_build_keeps_file_facts(void **state)
{
    (void)state;
    char folder[] = "/tmp/kosearch-facts-XXXXXX";
    assert_non_null(mkdtemp(folder));
    const char *feed = "/news/feed.jsonl", *other = "/news/other.jsonl", *third = "/news/third.jsonl";
    const ks_file_facts facts = {.size = 80, .mtime = 1764233100000000000, .articles = 1};
    ks_db *db = NULL;
    assert_int_equal(ks_db_open(&db, folder, KS_OPEN_WRITE | KS_OPEN_BUILD_NEW), KS_OK);
    assert_int_equal(ks_db_set_build_threads(db, 2), KS_OK);
    put_from(db, "a", "구로구 소식", feed);
    assert_int_equal(ks_db_set_file_facts(db, feed, &facts), KS_OK);
    put_from(db, "b", "서초구 소식", other);
    assert_int_equal(ks_db_set_file_facts(db, other, &facts), KS_OK);
    assert_true(holds_facts(db, feed, &facts));
    put_from(db, "c", "강남구 소식", other);
    assert_false(holds_facts(db, other, NULL));
    assert_true(holds_facts(db, feed, &facts));
    assert_int_equal(ks_db_set_file_facts(db, other, &facts), KS_OK);
    put_from(db, "a", "구로구 새 소식", third);
    assert_false(holds_facts(db, feed, NULL));
    assert_false(holds_facts(db, other, NULL));
    assert_int_equal(ks_db_set_file_facts(db, third, &facts), KS_OK);
    assert_int_equal(ks_db_close(db), KS_OK);

    assert_int_equal(ks_db_open(&db, folder, KS_OPEN_READ), KS_OK);
    assert_true(holds_facts(db, third, &facts));
    assert_false(holds_facts(db, feed, NULL));
    assert_false(holds_facts(db, other, NULL));
    ks_db_close(db);
    ks_remove_tree(folder);
}

/* The first hit's article id for `query` on db, or "" without hits. */
static const char *first_hit(ks_db *db, const char *query, char *id, size_t cap)
{
    ks_results *results = NULL;
    ks_search_options options = {.limit = 10};
    assert_int_equal(ks_search(db, query, &options, &results), KS_OK);
    snprintf(id, cap, "%s", ks_results_count(results) ? ks_results_hit(results, 0)->id : "");
    ks_results_free(results);
    return id;
}

/* A hit shows every field of its passage as indexed: the id and number
 * come from the order value, the rest from the stored data (index.c), also
 * for an id too long to be a term and for a passage under a heading. */
static void test_hit_shows_every_stored_field(void **state)
{
    (void)state;
    char folder[] = "/tmp/kosearch-fields-XXXXXX";
    assert_non_null(mkdtemp(folder));
    char long_id[400];
    memset(long_id, 'x', sizeof long_id - 1);
    long_id[sizeof long_id - 1] = '\0';
    const char *ids[] = {"기사-7", long_id};
    ks_db *db = NULL;
    assert_int_equal(ks_db_open(&db, folder, KS_OPEN_WRITE), KS_OK);
    const char *body = "첫 문단은 날씨 이야기다.\n\n## 복구 계획\n\n구청은 태풍 피해 복구를 서둘렀다.\n";
    for (size_t i = 0; i < COUNT_OF(ids); i++) {
        ks_article article = {.id = ids[i], .title = "태풍 피해 복구", .date = "2015.01.09 20:39",
                              .url = "https://example.kr/news/7", .body = body,
                              .body_len = strlen(body)};
        assert_int_equal(ks_db_put_article(db, &article, NULL, NULL), KS_OK);
    }
    assert_int_equal(ks_db_commit(db), KS_OK);
    ks_results *results = NULL;
    ks_search_options options = {.limit = 10};
    assert_int_equal(ks_search(db, "서둘렀다", &options, &results), KS_OK);
    assert_int_equal(ks_results_count(results), 2);
    for (size_t i = 0; i < 2; i++) {
        const ks_hit *hit = ks_results_hit(results, i);
        assert_true(strcmp(hit->id, ids[0]) == 0 || strcmp(hit->id, ids[1]) == 0);
        assert_int_equal(hit->passage, 2);
        assert_string_equal(hit->title, "태풍 피해 복구");
        assert_string_equal(hit->section, "복구 계획");
        assert_string_equal(hit->date, "2015-01-09T20:39");
        assert_string_equal(hit->url, "https://example.kr/news/7");
        const char *text = "## 복구 계획\n구청은 태풍 피해 복구를 서둘렀다.";
        assert_int_equal(hit->text_len, strlen(text));
        assert_memory_equal(hit->text, text, hit->text_len);
    }
    ks_results_free(results);
    ks_db_close(db);
    ks_remove_tree(folder);
}

/* A title's words rank the passages under it (as keywords and in a
 * question), but never find a passage that does not write them. */
static void test_title_words_rank_but_do_not_find(void **state)
{
    (void)state;
    char folder[] = "/tmp/kosearch-context-XXXXXX", id[64];
    assert_non_null(mkdtemp(folder));
    ks_db *db = NULL;
    assert_int_equal(ks_db_open(&db, folder, KS_OPEN_WRITE), KS_OK);
    const ks_article articles[] = {
        {.id = "a-plain", .title = "다른 이야기", .body = "한글 교육 자료를 모았다."},
        {.id = "b-named", .title = "세종대왕 기념관", .body = "한글 교육 자료를 모았다."},
        {.id = "title-only", .title = "세종대왕 동상", .body = "광장에 비가 내렸다."},
    };
    for (size_t i = 0; i < sizeof articles / sizeof articles[0]; i++) {
        ks_article article = articles[i];
        article.body_len = strlen(article.body);
        assert_int_equal(ks_db_put_article(db, &article, NULL, NULL), KS_OK);
    }
    assert_int_equal(ks_db_commit(db), KS_OK);
    /* Written, then read back: a reader asks the database which title terms
     * it holds before putting them in the query. */
    for (int pass = 0; pass < 2; pass++) {
        assert_string_equal(first_hit(db, "세종대왕 한글", id, sizeof id), "b-named");
        assert_string_equal(first_hit(db, "세종대왕이 만든 한글 교육 자료는?", id, sizeof id),
                            "b-named");
        assert_string_equal(first_hit(db, "세종대왕", id, sizeof id), "");
        assert_int_equal(ks_db_close(db), KS_OK);
        assert_int_equal(ks_db_open(&db, folder, KS_OPEN_READ), KS_OK);
    }
    ks_db_close(db);
    ks_remove_tree(folder);
}

/* A word of three syllables or more is found inside a longer noun (구로구
 * in 구로구청장), through the inner bigrams a reader asks the database for. */
static void test_long_word_found_inside_a_noun(void **state)
{
    (void)state;
    char folder[] = "/tmp/kosearch-inner-XXXXXX", id[64];
    assert_non_null(mkdtemp(folder));
    ks_db *db = NULL;
    assert_int_equal(ks_db_open(&db, folder, KS_OPEN_WRITE), KS_OK);
    put_text(db, "inside", "구로구청장이 주민을 만났다");
    put_text(db, "other", "주민이 광장에 모였다");
    assert_int_equal(ks_db_close(db), KS_OK);
    assert_int_equal(ks_db_open(&db, folder, KS_OPEN_READ), KS_OK);
    assert_string_equal(first_hit(db, "구로구", id, sizeof id), "inside");
    assert_string_equal(first_hit(db, "구로구에서 누가 주민을 만났나?", id, sizeof id), "inside");
    ks_db_close(db);
    ks_remove_tree(folder);
}

/* Format 10 keeps passage text where this format no longer reads it, 9 has
 * context terms it no longer reads (C, CB), and 8 no date values or field
 * terms: all are refused until rebuilt. */
static void test_older_format_asks_for_rebuild(void **state)
{
    (void)state;
    char folder[] = "/tmp/kosearch-format-XXXXXX";
    assert_non_null(mkdtemp(folder));
    ks_db *db = NULL;
    assert_int_equal(ks_db_open(&db, folder, KS_OPEN_WRITE), KS_OK);
    put_text(db, "a", "구로구 소식");
    assert_int_equal(shim_db_set_metadata(db->shim, "kosearch.format", "10"), KS_OK);
    assert_int_equal(ks_db_close(db), KS_OK);
    assert_int_equal(ks_db_open(&db, folder, KS_OPEN_READ), KS_ERR_VERSION);
    assert_non_null(strstr(ks_db_error(db), "format 10"));
    assert_non_null(strstr(ks_db_error(db), "--rebuild"));
    ks_db_close(db);
    assert_int_equal(ks_db_open(&db, folder, KS_OPEN_WRITE), KS_ERR_VERSION);
    ks_db_close(db);
    assert_int_equal(ks_db_open(&db, folder, KS_OPEN_WRITE | KS_OPEN_REBUILD), KS_OK);
    put_text(db, "a", "구로구 소식");
    assert_int_equal(ks_db_close(db), KS_OK);
    ks_db_stats stats;
    assert_int_equal(ks_db_open(&db, folder, KS_OPEN_READ), KS_OK);
    assert_int_equal(ks_db_stats_get(db, &stats), KS_OK);
    assert_int_equal(stats.index_format, 11);
    ks_db_close(db);
    ks_remove_tree(folder);
}

/* ------------------------------------------------------------------------ */
/* Dates, fields, paging and one article's passages.                       */

static const struct {
    const char *id, *title, *date, *body;
} dated_articles[] = {
    {"a", "태풍 피해 복구", "2015.01.09 20:39",
     "## 피해 현황\n\n태풍으로 주택 피해가 컸다.\n\n## 복구 계획\n\n구청은 복구를 서둘렀다.\n"},
    {"b", "구청장 신년 인사", "승인 2015-03-02 09:00", "태풍 대비 계획을 밝혔다."},
    {"c", "예산 편성", "yesterday", "태풍 예산을 늘렸다."},
    {"d", "태풍 경보", "2014-12-31T23:59:00+09:00", "태풍 경보가 내려졌다."},
};

static int setup_dated(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    snprintf(f->path, sizeof f->path, "/tmp/kosearch-dates-XXXXXX");
    if (!f || !mkdtemp(f->path) || ks_db_open(&f->db, f->path, KS_OPEN_WRITE) != KS_OK)
        return -1;
    for (size_t i = 0; i < COUNT_OF(dated_articles); i++) {
        ks_article article = {.id = dated_articles[i].id, .title = dated_articles[i].title,
                              .date = dated_articles[i].date, .body = dated_articles[i].body,
                              .body_len = strlen(dated_articles[i].body)};
        if (ks_db_put_article(f->db, &article, NULL, NULL) != KS_OK)
            return -1;
    }
    *state = f;
    return ks_db_commit(f->db) == KS_OK ? 0 : -1;
}

static int teardown_dated(void **state)
{
    fixture *f = *state;
    ks_db_close(f->db);
    ks_remove_tree(f->path);
    free(f);
    return 0;
}

/* The ids of the hits, each once, in hit order: "ba". */
static char *hit_ids(fixture *f, const char *query, const ks_search_options *options)
{
    ks_results *results = NULL;
    if (ks_search(f->db, query, options, &results) != KS_OK)
        fail_msg("search %s failed: %s", query, ks_db_error(f->db));
    static char ids[64];
    size_t n = 0;
    for (size_t i = 0; i < ks_results_count(results) && n + 1 < sizeof ids; i++) {
        const char *id = ks_results_hit(results, i)->id;
        if (!n || ids[n - 1] != id[0])
            ids[n++] = id[0];
    }
    ids[n] = '\0';
    ks_results_free(results);
    return ids;
}

static void test_date_filters_keep_only_their_window(void **state)
{
    fixture *f = *state;
    ks_search_options options = {.since = "2015", .sort = KS_SORT_DATE};
    assert_string_equal(hit_ids(f, "태풍", &options), "ba");
    options = (ks_search_options){.until = "2014-12", .sort = KS_SORT_DATE};
    assert_string_equal(hit_ids(f, "태풍", &options), "d");
    options = (ks_search_options){.since = "2015-01-09", .until = "2015-01-09"};
    assert_string_equal(hit_ids(f, "태풍", &options), "a");
    assert_string_equal(hit_ids(f, "태풍 date:2015-01..2015-02", NULL), "a");
    assert_string_equal(hit_ids(f, "태풍 date:..2015-01-08", NULL), "d");
    /* A date alone lists its articles; with other clauses, the windows meet. */
    options = (ks_search_options){.sort = KS_SORT_DATE};
    assert_string_equal(hit_ids(f, "date:2015", &options), "ba");
    assert_string_equal(hit_ids(f, "id:d date:2015", NULL), "");
    options = (ks_search_options){.until = "2015-01"};
    assert_string_equal(hit_ids(f, "태풍 date:2015", &options), "a");
    assert_string_equal(hit_ids(f, "태풍 date:2015-02.. date:..2015-12", &options), "");
    /* Excluding a window keeps the articles without a date. */
    options = (ks_search_options){.sort = KS_SORT_DATE};
    assert_string_equal(hit_ids(f, "태풍 -date:2015", &options), "dc");
    options = (ks_search_options){.since = "2015-13"};
    ks_results *results = NULL;
    assert_int_equal(ks_search(f->db, "태풍", &options, &results), KS_ERR_INVALID_ARGUMENT);
    assert_null(results);
    assert_non_null(strstr(ks_db_error(f->db), "'2015-13'"));
}

static void test_date_sort_is_newest_first_unknown_last(void **state)
{
    fixture *f = *state;
    ks_search_options options = {.sort = KS_SORT_DATE, .limit = 20};
    assert_string_equal(hit_ids(f, "태풍", &options), "badc");
    ks_results *results = NULL;
    assert_int_equal(ks_search(f->db, "태풍", &options, &results), KS_OK);
    assert_string_equal(ks_results_hit(results, 0)->date, "2015-03-02T09:00");
    /* a's second passage has 태풍 only in its title: a passage is found by
     * its own text, so four passages. */
    assert_int_equal(ks_results_count(results), 4);
    assert_string_equal(ks_results_hit(results, 3)->id, "c");
    assert_string_equal(ks_results_hit(results, 3)->date, ""); /* never "yesterday" */
    ks_results_free(results);
    options.sort = (ks_sort)7;
    assert_int_equal(ks_search(f->db, "태풍", &options, &results), KS_ERR_INVALID_ARGUMENT);
}

static void test_fields_narrow_the_passages(void **state)
{
    fixture *f = *state;
    ks_search_options by_date = {.sort = KS_SORT_DATE};
    assert_string_equal(hit_ids(f, "title:태풍", &by_date), "ad");
    assert_string_equal(hit_ids(f, "태풍 -title:태풍", &by_date), "bc");
    assert_string_equal(hit_ids(f, "section:복구", NULL), "a");
    assert_string_equal(hit_ids(f, "id:c", NULL), "c");
    assert_string_equal(hit_ids(f, "id:b OR id:c", &by_date), "bc");
    assert_string_equal(hit_ids(f, "title:\"피해 복구\"", NULL), "a");
    ks_results *results = NULL;
    assert_int_equal(ks_search(f->db, "section:복구", NULL, &results), KS_OK);
    assert_int_equal(ks_results_count(results), 1);
    assert_string_equal(ks_results_hit(results, 0)->section, "복구 계획");
    ks_results_free(results);
}

static void test_paging_and_exact_totals(void **state)
{
    fixture *f = *state;
    ks_results *all = NULL, *page = NULL;
    ks_search_options options = {.limit = SIZE_MAX, .flags = KS_SEARCH_EXACT_TOTAL};
    assert_int_equal(ks_search(f->db, "태풍", &options, &all), KS_OK);
    assert_int_equal(ks_results_count(all), 4);
    assert_int_equal(ks_results_estimated_total(all), 4);
    options = (ks_search_options){.limit = 2, .offset = 1};
    assert_int_equal(ks_search(f->db, "태풍", &options, &page), KS_OK);
    assert_int_equal(ks_results_count(page), 2);
    for (size_t i = 0; i < 2; i++) {
        assert_string_equal(ks_results_hit(page, i)->id, ks_results_hit(all, i + 1)->id);
        assert_int_equal(ks_results_hit(page, i)->rank, i + 2);
    }
    ks_results_free(page);
    options = (ks_search_options){.limit = 3, .offset = SIZE_MAX};
    assert_int_equal(ks_search(f->db, "태풍", &options, &page), KS_OK);
    assert_int_equal(ks_results_count(page), 0);
    ks_results_free(page);
    ks_results_free(all);
}

typedef struct passages_seen {
    uint32_t numbers[8];
    char sections[8][32];
    size_t count;
} passages_seen;

static int see_passage(void *context, const ks_passage_info *passage)
{
    passages_seen *seen = context;
    assert_string_equal(passage->id, "a");
    assert_string_equal(passage->date, "2015-01-09T20:39");
    snprintf(seen->sections[seen->count], sizeof seen->sections[0], "%s", passage->section);
    seen->numbers[seen->count++] = passage->passage;
    return 0;
}

static void test_one_article_passages_in_order_and_removal(void **state)
{
    fixture *f = *state;
    passages_seen seen = {0};
    assert_int_equal(ks_db_each_article_passage(f->db, "a", see_passage, &seen), KS_OK);
    assert_int_equal(seen.count, 2);
    assert_int_equal(seen.numbers[0], 1);
    assert_int_equal(seen.numbers[1], 2);
    assert_string_equal(seen.sections[0], "피해 현황");
    assert_int_equal(ks_db_each_article_passage(f->db, "zz", see_passage, &seen), KS_ERR_NOT_FOUND);
    assert_non_null(strstr(ks_db_error(f->db), "zz"));
    assert_int_equal(ks_db_remove_article(f->db, "c"), KS_OK);
    assert_int_equal(ks_db_commit(f->db), KS_OK);
    assert_string_equal(hit_ids(f, "id:c", NULL), "");
    assert_string_equal(hit_ids(f, "예산", NULL), "");
    assert_int_equal(ks_db_each_article_passage(f->db, "c", see_passage, &seen), KS_ERR_NOT_FOUND);
}

/* Before format 9 an id over 180 bytes was keyed "#" and 16 hex digits of
 * FNV-1a, and an id spelled that way took its place. */
static void test_crafted_id_cannot_take_a_long_ids_key(void **state)
{
    fixture *f = *state;
    char long_id[256];
    memset(long_id, 'u', 200);
    memcpy(long_id, "https://news.example/", 21);
    long_id[200] = '\0';
    char crafted[64], sha_like[80];
    snprintf(crafted, sizeof crafted, "#%016llx",
             (unsigned long long)ks_hash64(long_id, strlen(long_id)));
    char digest[KS_SHA256_HEX_SIZE];
    ks_sha256_hex(long_id, strlen(long_id), digest);
    snprintf(sha_like, sizeof sha_like, "#%s", digest);
    ks_db_stats before, stats;
    assert_int_equal(ks_db_commit(f->db), KS_OK);
    assert_int_equal(ks_db_stats_get(f->db, &before), KS_OK);
    put_text(f->db, long_id, "긴주소기사 본문");
    put_text(f->db, crafted, "가로챈기사 본문");
    put_text(f->db, sha_like, "흉내낸기사 본문");
    ks_article_record record;
    assert_int_equal(ks_db_article_record(f->db, long_id, &record), KS_OK);
    assert_int_equal(record.passages, 1);
    assert_int_equal(ks_db_commit(f->db), KS_OK);
    assert_int_equal(ks_db_stats_get(f->db, &stats), KS_OK);
    assert_int_equal(stats.articles, before.articles + 3);
    assert_int_equal(ks_db_remove_article(f->db, crafted), KS_OK);
    assert_int_equal(ks_db_remove_article(f->db, sha_like), KS_OK);
    assert_int_equal(ks_db_article_record(f->db, long_id, &record), KS_OK);
    assert_int_equal(ks_db_remove_article(f->db, long_id), KS_OK);
    assert_int_equal(ks_db_commit(f->db), KS_OK);
}

/* ------------------------------------------------------------------------ */
/* Hanja: a passage writing the words in Hanja ranks like a synonym.        */

/* The hits' article ids, space-separated, in rank order. */
static char *ranked_ids(ks_db *db, const char *query)
{
    ks_results *results = NULL;
    ks_search_options options = {.limit = 20};
    if (ks_search(db, query, &options, &results) != KS_OK)
        fail_msg("search %s failed: %s", query, ks_db_error(db));
    static char ids[256];
    ids[0] = '\0';
    for (size_t i = 0; i < ks_results_count(results); i++) {
        const char *id = ks_results_hit(results, i)->id;
        if (strlen(ids) + strlen(id) + 2 < sizeof ids)
            strcat(strcat(ids, ids[0] ? " " : ""), id);
    }
    ks_results_free(results);
    return ids;
}

/* A new database in `folder` (a mkdtemp template), open for writing. */
static ks_db *open_new_database(char *folder)
{
    assert_non_null(mkdtemp(folder));
    ks_db *db = NULL;
    assert_int_equal(ks_db_open(&db, folder, KS_OPEN_WRITE), KS_OK);
    return db;
}

static void test_hanja_ranks_below_hangul_above_missing_words(void **state)
{
    (void)state;
    char folder[] = "/tmp/kosearch-hanja-XXXXXX";
    ks_db *db = open_new_database(folder);
    put_text(db, "hangul", "구로구 청사 앞에서 주민 행사가 열렸다.");
    put_text(db, "hanja", "九老區 廳舍 앞에서 주민 행사가 열렸다.");
    put_text(db, "partial", "구로구 앞에서 주민 행사가 열렸다.");
    /* Passages as long as those three, so that length does not rank. */
    const char *others[] = {"서울 시청 앞에서 시민 축제가 열렸다.", "부산 항구 근처에서 어민 집회가 열렸다.",
                            "학교 운동장 옆에서 체육 대회가 열렸다.", "인천 공항 안에서 사진 전시가 열렸다.",
                            "대구 시장 뒤에서 상인 모임이 열렸다.", "광주 공원 안에서 가을 음악회가 열렸다."};
    for (size_t i = 0; i < COUNT_OF(others); i++) {
        char id[16];
        snprintf(id, sizeof id, "other%zu", i);
        put_text(db, id, others[i]);
    }
    assert_int_equal(ks_db_commit(db), KS_OK);
    /* Keywords and a question: the Hanja spelling right after the Hangul
     * one, and before the passage that lacks 청사. */
    assert_string_equal(ranked_ids(db, "구로구 청사"), "hangul hanja partial");
    const char *question = ranked_ids(db, "구로구 청사 앞에서 주민 행사가 열렸나?");
    if (strncmp(question, "hangul hanja partial", strlen("hangul hanja partial")) != 0)
        fail_msg("the question ranks %s", question);
    ks_db_close(db);
    ks_remove_tree(folder);
}

/* Words written together or apart meet: a long query word is found where
 * its nouns are written apart, and two query words where they are written
 * as one word, which ranks above a long passage holding them far apart. */
static void test_words_written_together_or_apart_meet(void **state)
{
    (void)state;
    char folder[] = "/tmp/kosearch-joined-XXXXXX";
    ks_db *db = open_new_database(folder);
    put_text(db, "together", "주민들이 대청소활동을 했다.");
    put_text(db, "apart", "주민들이 아침부터 동네 골목과 공원 곳곳에서 대청소를 마치고 오후에는 "
                          "도서관에서 책을 읽으며 쉬었고 저녁에는 봉사 활동도 했다.");
    put_text(db, "center", "어린이 급식 관리 지원 센터가 문을 열었다.");
    put_text(db, "library", "도서관이 문을 열었다.");
    put_text(db, "volunteers", "학생들이 봉사 활동을 했다.");
    assert_int_equal(ks_db_commit(db), KS_OK);
    assert_string_equal(ranked_ids(db, "어린이급식관리지원센터"), "center");
    assert_string_equal(ranked_ids(db, "대청소 활동"), "together apart volunteers");
    ks_db_close(db);
    ks_remove_tree(folder);
}

/* A question counts a word about once however often a passage repeats it
 * (search.c, BM25 of questions): the passage holding both of its words
 * comes before the one repeating one of them. 공항 is in a third of the
 * passages, so that a passage's third 태풍 outweighs it at the k1 of
 * statements and keywords. */
static void test_question_prefers_more_words_over_repeats(void **state)
{
    (void)state;
    char folder[] = "/tmp/kosearch-question-XXXXXX";
    ks_db *db = open_new_database(folder);
    const char *texts[] = {"태풍 태풍 태풍 소식", "태풍 공항 오늘 소식", "서울 시청 축제 소식",
                           "부산 항구 집회 소식", "인천 공항 전시 소식",  "김포 공항 사진 소식",
                           "제주 공원 음악 소식"};
    const char *ids[] = {"repeat", "both", "o1", "o2", "o3", "o4", "o5"};
    for (size_t i = 0; i < COUNT_OF(texts); i++)
        put_text(db, ids[i], texts[i]);
    for (size_t i = 0; i < 10; i++) {
        char id[16];
        snprintf(id, sizeof id, "other%zu", i);
        put_text(db, id, i < 4 ? "공항 버스 노선 소식" : "가을 단풍 여행 소식");
    }
    assert_int_equal(ks_db_commit(db), KS_OK);
    const char *question = ranked_ids(db, "태풍과 공항은?");
    if (strncmp(question, "both repeat", strlen("both repeat")) != 0)
        fail_msg("the question ranks %s", question);
    ks_db_close(db);
    ks_remove_tree(folder);
}

/* ------------------------------------------------------------------------ */
/* Two-phase ranking (search.c, RESCORE_WINDOW): the clauses that only rank
 * are added to the best passages of the rest of the query. Six diaries say
 * 태풍 in texts of growing length (a shortest); t, the fourth shortest, is a
 * news article titled 태풍 경보, whose title words only rank and lift it
 * from fourth to first. */

static const char *const typhoon_ids = "abctde";

static void put_typhoon_articles(ks_db *db)
{
    for (size_t i = 0; typhoon_ids[i]; i++) {
        ks_buf body = {0};
        assert_int_equal(ks_buf_append_str(&body, "태풍 소식을 들었다."), KS_OK);
        for (size_t n = 0; n < i; n++)
            assert_int_equal(ks_buf_append_str(&body, " 오늘은 비가 많이 왔다."), KS_OK);
        char id[2] = {typhoon_ids[i], '\0'}, date[16];
        snprintf(date, sizeof date, "2015-03-%02zu", 10 - i);
        ks_article article = {.id = id, .title = id[0] == 't' ? "태풍 경보" : "일기",
                              .date = date, .body = body.data, .body_len = body.len};
        assert_int_equal(ks_db_put_article(db, &article, NULL, NULL), KS_OK);
        ks_buf_free(&body);
    }
    assert_int_equal(ks_db_commit(db), KS_OK);
}

/* The hits as "id score" lines, searched with a rescore window of `window`
 * passages (1 with a limit above it: one phase, the whole query at once). */
static char *ranking(ks_db *db, const char *query, ks_search_options options, size_t window)
{
    db->rescore_window = window;
    ks_results *results = NULL;
    if (ks_search(db, query, &options, &results) != KS_OK)
        fail_msg("search %s failed: %s", query, ks_db_error(db));
    db->rescore_window = 0;
    ks_buf lines = {0};
    for (size_t i = 0; i < ks_results_count(results); i++) {
        const ks_hit *hit = ks_results_hit(results, i);
        assert_int_equal(ks_buf_printf(&lines, "%s %.9f\n", hit->id, hit->score), KS_OK);
    }
    ks_results_free(results);
    return lines.data ? lines.data : strdup("");
}

/* The ids of `ranking`'s lines: "ta". */
static char *ranked_letters(const char *lines)
{
    static char ids[16];
    size_t n = 0;
    for (const char *line = lines; *line && n + 1 < sizeof ids; line = strchr(line, '\n') + 1)
        ids[n++] = line[0];
    ids[n] = '\0';
    return ids;
}

static void assert_rescored_as_one_phase(ks_db *db, const char *query, ks_search_options options,
                                         size_t window, const char *expected_ids)
{
    char *rescored = ranking(db, query, options, window);
    ks_search_options whole = options;
    whole.limit = options.limit ? options.limit : 10;
    char *one_phase = ranking(db, query, whole, 1);
    assert_string_equal(rescored, one_phase);
    assert_string_equal(ranked_letters(rescored), expected_ids);
    free(rescored);
    free(one_phase);
}

static void test_rescored_ranking_is_the_one_phase_ranking(void **state)
{
    (void)state;
    char folder[] = "/tmp/kosearch-rescore-XXXXXX";
    ks_db *db = open_new_database(folder);
    put_typhoon_articles(db);
    /* The window of four holds t: its title's bonus lifts it to the top, as
     * the whole query ranks it, with the same scores. */
    assert_rescored_as_one_phase(db, "태풍", (ks_search_options){.limit = 2}, 4, "ta");
    assert_rescored_as_one_phase(db, "태풍", (ks_search_options){.limit = 6}, 6, "tabcde");
    /* A window of three leaves t out: the second phase sees only the
     * passages of the first. */
    ks_search_options two = {.limit = 2};
    char *narrow = ranking(db, "태풍", two, 3);
    assert_string_equal(ranked_letters(narrow), "ab");
    free(narrow);
    /* Pages within the window and beyond it. */
    assert_rescored_as_one_phase(db, "태풍", (ks_search_options){.offset = 2, .limit = 2}, 4,
                                 "bc");
    assert_rescored_as_one_phase(db, "태풍", (ks_search_options){.offset = 4, .limit = 2}, 4,
                                 "de");
    /* The estimate counts the passages the query finds. */
    ks_results *results = NULL;
    db->rescore_window = 4;
    assert_int_equal(ks_search(db, "태풍", &two, &results), KS_OK);
    assert_int_equal(ks_results_estimated_total(results), 6);
    ks_results_free(results);
    /* Sorting by date and date windows: newest first, and within the days. */
    assert_rescored_as_one_phase(db, "태풍", (ks_search_options){.sort = KS_SORT_DATE}, 4,
                                 "abctde");
    assert_rescored_as_one_phase(db, "태풍",
                                 (ks_search_options){.limit = 2, .until = "2015-03-08"}, 4,
                                 "tc");
    assert_rescored_as_one_phase(db, "태풍 date:..2015-03-06", (ks_search_options){.limit = 2},
                                 2, "de");
    ks_db_close(db);
    ks_remove_tree(folder);
}

/* A sharded database ranks as one database: Xapian numbers its passages
 * apart from each shard's, so it takes the one-phase query. */
static void test_sharded_database_ranks_as_rescored_one(void **state)
{
    (void)state;
    char folder[] = "/tmp/kosearch-rescore-XXXXXX", single[] = "/tmp/kosearch-rescore-XXXXXX";
    assert_non_null(mkdtemp(folder));
    ks_buf path = {0};
    assert_int_equal(ks_buf_printf(&path, "%s/db", folder), KS_OK);
    ks_db *sharded = NULL, *db = open_new_database(single);
    assert_int_equal(ks_db_open_shards(&sharded, path.data, KS_OPEN_WRITE, 3), KS_OK);
    put_typhoon_articles(sharded);
    put_typhoon_articles(db);
    ks_search_options options = {.limit = 3};
    char *one = ranking(db, "태풍", options, 4), *shards = ranking(sharded, "태풍", options, 4);
    assert_string_equal(ranked_letters(one), "tab");
    assert_string_equal(shards, one);
    free(one);
    free(shards);
    ks_db_close(sharded);
    ks_db_close(db);
    ks_remove_tree(folder);
    ks_remove_tree(single);
    ks_buf_free(&path);
}

/* Passages for the proximity bonus, which weighs a pair of query words only
 * when one of them is rare: 400 others hold neither. n holds 마을 and 사찰
 * side by side; f, a little shorter, holds them apart, and no other word of
 * the question; x, added right after f, holds 사찰 and 스님 side by side
 * but not 마을. */
static void put_temple_articles(ks_db *db)
{
    static const struct {
        const char *id, *body;
    } temples[] = {
        {"n", "마을 사찰 이야기를 들었다. 오늘은 비가 많이 왔다. 내일은 눈이 온다고 한다. "
              "모두 집에서 쉬었다."},
        {"f", "마을 이야기를 들었다. 오늘은 비가 많이 왔다. 사찰 내일은 눈이 온다. "
              "모두 집에서 쉬었다."},
        {"x", "스님 이야기를 들었다. 오늘은 비가 많이 왔다. 사찰 스님 내일은 눈이 온다고 "
              "한다. 모두 집에서 푹 쉬었다."},
    };
    for (size_t i = 0; i < 400; i++) {
        char id[16], body[64];
        snprintf(id, sizeof id, "o%zu", i);
        snprintf(body, sizeof body, "오늘은 비가 많이 왔다. 기사 %zu.", i);
        ks_article article = {.id = id, .title = "일기", .body = body, .body_len = strlen(body)};
        assert_int_equal(ks_db_put_article(db, &article, NULL, NULL), KS_OK);
    }
    for (size_t i = 0; i < sizeof temples / sizeof temples[0]; i++) {
        ks_article article = {.id = temples[i].id, .title = "여행",
                              .body = temples[i].body, .body_len = strlen(temples[i].body)};
        assert_int_equal(ks_db_put_article(db, &article, NULL, NULL), KS_OK);
    }
    assert_int_equal(ks_db_commit(db), KS_OK);
}

/* The proximity bonus is added in the second phase: it lifts n, whose 마을
 * and 사찰 stand together, above f, which holds them apart, and x, the
 * passage after f, does not gain the weight of f's pair (on the right of an
 * AND_MAYBE, Xapian 1.4 added it). */
static void test_rescored_proximity_bonus_counts_only_near_words(void **state)
{
    (void)state;
    char folder[] = "/tmp/kosearch-rescore-XXXXXX";
    ks_db *db = open_new_database(folder);
    put_temple_articles(db);
    const char *question = "마을 사찰 스님은 어디에 있었나?";
    /* Without the bonus x ranks first, then f, then n: a window of two
     * leaves n out. */
    char *narrow = ranking(db, question, (ks_search_options){.limit = 2}, 2);
    assert_string_equal(ranked_letters(narrow), "xf");
    free(narrow);
    /* With it, n passes f; x, checked right after f, gains nothing from
     * f's far pair, and each page is the one-phase query's. */
    assert_rescored_as_one_phase(db, question, (ks_search_options){.limit = 3}, 3, "xnf");
    assert_rescored_as_one_phase(db, question, (ks_search_options){.limit = 2}, 3, "xn");
    assert_rescored_as_one_phase(db, question, (ks_search_options){.offset = 1, .limit = 2}, 3,
                                 "nf");
    ks_db_close(db);
    ks_remove_tree(folder);
}

static void test_status_strings_are_distinct(void **state)
{
    (void)state;
    for (int a = KS_OK; a <= KS_ERR_INTERNAL; a++)
        for (int b = a + 1; b <= KS_ERR_INTERNAL; b++)
            assert_string_not_equal(ks_status_string(a), ks_status_string(b));
}

/* A flag kosearch does not define is refused, and the database it named is
 * left as it was (an internal build flag once emptied it). */
static void test_unknown_open_flags_are_refused(void **state)
{
    fixture *f = *state;
    ks_db_stats before, after;
    assert_int_equal(ks_db_stats_get(f->db, &before), KS_OK);
    ks_db *other = NULL;
    const unsigned defined = KS_OPEN_WRITE | KS_OPEN_WAIT | KS_OPEN_REBUILD |
                             KS_OPEN_ALLOW_PARTIAL | KS_OPEN_BUILD_NEW | KS_OPEN_EXISTING;
    for (unsigned bit = 0; bit < 32; bit++) {
        if (defined & (1u << bit))
            continue;
        assert_int_equal(ks_db_open(&other, f->path, KS_OPEN_WRITE | (1u << bit)),
                         KS_ERR_INVALID_ARGUMENT);
        assert_null(other);
        assert_int_equal(ks_db_open_shards(&other, f->path, KS_OPEN_WRITE | (1u << bit), 0),
                         KS_ERR_INVALID_ARGUMENT);
        assert_null(other);
    }
    assert_int_equal(ks_db_stats_get(f->db, &after), KS_OK);
    assert_true(after.passages > 0);
    assert_int_equal(after.passages, before.passages);
}

/* Sets or (NULL) unsets an environment variable for the default path. */
static void set_env(const char *name, const char *value)
{
    if (value)
        setenv(name, value, 1);
    else
        unsetenv(name);
}

static void assert_default_db_path(const char *expected)
{
    char *path = NULL;
    assert_int_equal(ks_default_db_path(&path), KS_OK);
    assert_string_equal(path, expected);
    ks_string_free(path);
}

/* The kosearch command and the Python module open this database when none
 * is named: KOSEARCH_DB, else XDG_DATA_HOME's, else HOME's. */
static void test_default_db_path_follows_the_environment(void **state)
{
    (void)state;
    const char *names[] = {"KOSEARCH_DB", "XDG_DATA_HOME", "HOME"};
    char *saved[3];
    for (size_t i = 0; i < 3; i++)
        saved[i] = getenv(names[i]) ? strdup(getenv(names[i])) : NULL;
    set_env("KOSEARCH_DB", "/srv/news.db");
    set_env("XDG_DATA_HOME", "/data");
    set_env("HOME", "/home/kim");
    assert_default_db_path("/srv/news.db");
    set_env("KOSEARCH_DB", "");
    assert_default_db_path("/data/kosearch/default.db");
    set_env("XDG_DATA_HOME", NULL);
    assert_default_db_path("/home/kim/.local/share/kosearch/default.db");
    set_env("HOME", NULL);
    assert_default_db_path("./.local/share/kosearch/default.db");
    assert_int_equal(ks_default_db_path(NULL), KS_ERR_INVALID_ARGUMENT);
    for (size_t i = 0; i < 3; i++) {
        set_env(names[i], saved[i]);
        free(saved[i]);
    }
}

/* The names `kosearch analyze` and the Python module print. */
static void test_term_kind_names(void **state)
{
    (void)state;
    assert_string_equal(ks_term_kind_name(KS_TERM_SURFACE), "surface");
    assert_string_equal(ks_term_kind_name(KS_TERM_STEM), "stem");
    assert_string_equal(ks_term_kind_name(KS_TERM_COMPOUND), "compound");
    assert_string_equal(ks_term_kind_name(KS_TERM_BIGRAM), "bigram");
    assert_string_equal(ks_term_kind_name((ks_term_kind)99), "unknown");
}

int main(void)
{
    const struct CMUnitTest corpus_tests[] = {
        cmocka_unit_test(test_compound_finds_cleaning_section_first),
        cmocka_unit_test(test_compound_parts_find_cleaning_section),
        cmocka_unit_test(test_led_and_nuclear_rank_their_section_first),
        cmocka_unit_test(test_quoted_phrase_finds_its_section),
        cmocka_unit_test(test_match_all_keeps_passages_holding_every_word),
        cmocka_unit_test(test_explain_shows_what_is_required),
        cmocka_unit_test(test_phrases_match_through_particles),
        cmocka_unit_test(test_particles_do_not_hide_words),
        cmocka_unit_test(test_highlights_cover_whole_words),
        cmocka_unit_test(test_furniture_is_not_searchable),
        cmocka_unit_test(test_exclusion_and_or),
        cmocka_unit_test(test_bad_queries_are_reported),
        cmocka_unit_test(test_reindexing_unchanged_article_changes_nothing),
        cmocka_unit_test(test_read_only_handle_refuses_articles),
        cmocka_unit_test(test_text_with_nul_is_refused_whole),
        cmocka_unit_test(test_long_ids_and_origins_are_kept_whole),
        cmocka_unit_test(test_origins_are_stored_once),
        cmocka_unit_test(test_file_facts_last_while_the_file_is_as_read),
        cmocka_unit_test(test_second_writer_is_locked),
        cmocka_unit_test(test_unknown_open_flags_are_refused),
        cmocka_unit_test(test_second_writer_is_locked_without_the_lock_file),
        cmocka_unit_test(test_existing_flag_never_creates),
        cmocka_unit_test(test_crafted_id_cannot_take_a_long_ids_key),
    };
    const struct CMUnitTest standalone_tests[] = {
        cmocka_unit_test(test_default_db_path_follows_the_environment),
        cmocka_unit_test(test_term_kind_names),
        cmocka_unit_test(test_missing_database_says_so),
        cmocka_unit_test(test_other_analyzer_version_asks_for_rebuild),
        cmocka_unit_test(test_rebuild_replaces_only_when_complete),
        cmocka_unit_test(test_build_on_threads_matches_one_writer),
        cmocka_unit_test(test_build_new_only_builds_what_is_new),
        cmocka_unit_test(test_build_keeps_file_facts),
        cmocka_unit_test(test_older_format_asks_for_rebuild),
        cmocka_unit_test(test_hit_shows_every_stored_field),
        cmocka_unit_test(test_title_words_rank_but_do_not_find),
        cmocka_unit_test(test_long_word_found_inside_a_noun),
        cmocka_unit_test(test_status_strings_are_distinct),
        cmocka_unit_test(test_hanja_ranks_below_hangul_above_missing_words),
        cmocka_unit_test(test_words_written_together_or_apart_meet),
        cmocka_unit_test(test_question_prefers_more_words_over_repeats),
        cmocka_unit_test(test_rescored_ranking_is_the_one_phase_ranking),
        cmocka_unit_test(test_sharded_database_ranks_as_rescored_one),
        cmocka_unit_test(test_rescored_proximity_bonus_counts_only_near_words),
    };
    const struct CMUnitTest dated_tests[] = {
        cmocka_unit_test(test_date_filters_keep_only_their_window),
        cmocka_unit_test(test_date_sort_is_newest_first_unknown_last),
        cmocka_unit_test(test_fields_narrow_the_passages),
        cmocka_unit_test(test_paging_and_exact_totals),
        cmocka_unit_test(test_one_article_passages_in_order_and_removal),
    };
    int failed = cmocka_run_group_tests(corpus_tests, setup_corpus, teardown_corpus);
    failed += cmocka_run_group_tests(dated_tests, setup_dated, teardown_dated);
    return failed + cmocka_run_group_tests(standalone_tests, NULL, NULL);
}
