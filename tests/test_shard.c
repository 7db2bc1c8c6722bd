/* Sharded databases: routing is stable (it is part of the index format),
 * the folder layout round-trips, and a sharded database reads, updates and
 * prunes as one. */
#include "test_support.h"

#include <sys/stat.h>

/* Independent of the implementation: FNV-1a 64 of the id, modulo the count,
 * computed once by hand (Python). A change here strands indexed articles. */
static void test_routing_is_stable(void **state)
{
    (void)state;
    assert_int_equal(ks_shard_of("korquad-0", 3), 0);
    assert_int_equal(ks_shard_of("korquad-1", 3), 2);
    assert_int_equal(ks_shard_of("korquad-2", 3), 1);
    assert_int_equal(ks_shard_of("기사-7", 3), 2);
    assert_int_equal(ks_shard_of("korquad-0", 4), 1);
    assert_int_equal(ks_shard_of("korquad-2", 7), 0);
    assert_int_equal(ks_shard_of("corpus/000_7c3d8639bd71687d.txt", 7), 5);
    assert_int_equal(ks_shard_of("anything", 1), 0);
    assert_int_equal(ks_shard_of("anything", 0), 0);
}

static void test_routing_spreads_articles(void **state)
{
    (void)state;
    unsigned counts[4] = {0};
    char id[32];
    for (int i = 0; i < 4000; i++) {
        snprintf(id, sizeof id, "article-%d", i);
        counts[ks_shard_of(id, 4)]++;
    }
    for (int shard = 0; shard < 4; shard++)
        assert_in_range(counts[shard], 800, 1200);
}

static char *temporary_folder(void)
{
    char *path = strdup("/tmp/kosearch-shard-XXXXXX");
    assert_non_null(mkdtemp(path));
    return path;
}

static void test_layout_round_trip(void **state)
{
    (void)state;
    char *folder = temporary_folder();
    ks_buf db = {0}, error = {0};
    assert_int_equal(ks_buf_printf(&db, "%s/db", folder), KS_OK);
    unsigned count = 99;
    assert_int_equal(ks_shard_layout_read(db.data, &count), KS_ERR_NOT_FOUND);
    assert_int_equal(ks_shard_layout_create(db.data, 3, &error), KS_OK);
    assert_int_equal(ks_shard_layout_read(db.data, &count), KS_OK);
    assert_int_equal(count, 3);
    /* Any other stub is a cluster description, not a layout to write to. */
    ks_buf stub = {0};
    ks_buf_printf(&stub, "%s/XAPIANDB", db.data);
    FILE *out = fopen(stub.data, "w");
    fputs("remote 127.0.0.1:1\n", out);
    fclose(out);
    assert_int_equal(ks_shard_layout_read(db.data, &count), KS_ERR_BAD_INPUT);
    ks_buf_free(&stub);
    ks_buf_free(&db);
    ks_buf_free(&error);
    ks_remove_tree(folder);
    free(folder);
}

static void put(ks_db *db, const char *id, const char *body, ks_change expected)
{
    ks_article article = {.id = id, .title = id, .body = body, .body_len = strlen(body)};
    ks_change change;
    ks_status st = ks_db_put_article(db, &article, &change, NULL);
    if (st != KS_OK)
        fail_msg("put %s: %s", id, ks_db_error(db));
    assert_int_equal(change, expected);
}

static size_t hits(ks_db *db, const char *query)
{
    ks_results *results = NULL;
    ks_status st = ks_search(db, query, NULL, &results);
    if (st != KS_OK)
        fail_msg("search %s: %s", query, ks_db_error(db));
    size_t count = ks_results_count(results);
    ks_results_free(results);
    return count;
}

static void test_sharded_database_is_one_index(void **state)
{
    (void)state;
    char *folder = temporary_folder();
    ks_buf path = {0};
    ks_buf_printf(&path, "%s/db", folder);
    ks_db *db = NULL;
    assert_int_equal(ks_db_open_shards(&db, path.data, KS_OPEN_WRITE, 3), KS_OK);
    put(db, "korquad-0", "구로구 깔끔이봉사단은 청소를 했다.", KS_CHANGE_ADDED);
    put(db, "korquad-1", "구로구 희망일자리 사업.", KS_CHANGE_ADDED);
    put(db, "korquad-2", "서초구 도서관 개관.", KS_CHANGE_ADDED);
    /* Shards commit one by one, so a file's facts could get ahead of its
     * articles: none are kept, and every file is read. */
    ks_file_facts facts = {.size = 10, .mtime = 20, .articles = 3};
    assert_int_equal(ks_db_set_file_facts(db, "/news/feed.jsonl", &facts), KS_OK);
    assert_int_equal(ks_db_file_facts(db, "/news/feed.jsonl", &facts), KS_ERR_NOT_FOUND);
    assert_int_equal(ks_db_close(db), KS_OK);

    /* Each article sits in its routed shard alone. */
    ks_buf shard = {0};
    ks_buf_printf(&shard, "%s/shard-2", path.data);
    assert_int_equal(ks_db_open(&db, shard.data, KS_OPEN_READ), KS_OK);
    ks_article_record record;
    assert_int_equal(ks_db_article_record(db, "korquad-1", &record), KS_OK);
    assert_int_equal(ks_db_article_record(db, "korquad-0", &record), KS_ERR_NOT_FOUND);
    ks_db_close(db);
    ks_buf_free(&shard);

    /* A reader sees all of them as one. */
    assert_int_equal(ks_db_open(&db, path.data, KS_OPEN_READ), KS_OK);
    assert_int_equal(hits(db, "구로구"), 2);
    assert_int_equal(hits(db, "도서관"), 1);
    assert_int_equal(ks_db_article_record(db, "korquad-2", &record), KS_OK);
    ks_db_stats stats;
    assert_int_equal(ks_db_stats_get(db, &stats), KS_OK);
    assert_int_equal(stats.articles, 3);
    assert_int_equal(stats.passages, 3);
    assert_int_equal(stats.index_format, ks_index_format_version());
    ks_db_close(db);

    /* Reopened without a count, updates and removals find the same shard. */
    assert_int_equal(ks_db_open(&db, path.data, KS_OPEN_WRITE), KS_OK);
    put(db, "korquad-0", "구로구 깔끔이봉사단은 청소를 했다.", KS_CHANGE_UNCHANGED);
    put(db, "korquad-1", "강남구 희망일자리 사업.", KS_CHANGE_UPDATED);
    assert_int_equal(ks_db_remove_article(db, "korquad-2"), KS_OK);
    assert_int_equal(ks_db_close(db), KS_OK);
    assert_int_equal(ks_db_open(&db, path.data, KS_OPEN_READ), KS_OK);
    assert_int_equal(hits(db, "구로구"), 1);
    assert_int_equal(hits(db, "강남구"), 1);
    ks_db_close(db);

    /* The count is fixed at creation. */
    assert_int_equal(ks_db_open_shards(&db, path.data, KS_OPEN_WRITE, 4),
                     KS_ERR_INVALID_ARGUMENT);
    assert_non_null(strstr(ks_db_error(db), "has 3 shards, not 4"));
    ks_db_close(db);
    assert_int_equal(ks_db_open_shards(&db, path.data, KS_OPEN_WRITE, 3), KS_OK);
    ks_db_close(db);

    ks_buf_free(&path);
    ks_remove_tree(folder);
    free(folder);
}

static void test_single_database_is_not_split(void **state)
{
    (void)state;
    char *folder = temporary_folder();
    ks_buf path = {0};
    ks_buf_printf(&path, "%s/db", folder);
    ks_db *db = NULL;
    assert_int_equal(ks_db_open(&db, path.data, KS_OPEN_WRITE), KS_OK);
    put(db, "a", "본문", KS_CHANGE_ADDED);
    assert_int_equal(ks_db_close(db), KS_OK);
    assert_int_equal(ks_db_open_shards(&db, path.data, KS_OPEN_WRITE, 2),
                     KS_ERR_INVALID_ARGUMENT);
    assert_non_null(strstr(ks_db_error(db), "cannot be split"));
    ks_db_close(db);
    ks_buf_free(&path);
    ks_remove_tree(folder);
    free(folder);
}

static void test_unreachable_shard_is_named(void **state)
{
    (void)state;
    char *folder = temporary_folder();
    ks_buf path = {0}, stub = {0};
    ks_buf_printf(&path, "%s/db", folder);
    ks_db *db = NULL;
    assert_int_equal(ks_db_open_shards(&db, path.data, KS_OPEN_WRITE, 2), KS_OK);
    put(db, "korquad-0", "구로구 청소.", KS_CHANGE_ADDED);
    put(db, "korquad-1", "구로구 일자리.", KS_CHANGE_ADDED);
    assert_int_equal(ks_db_close(db), KS_OK);
    /* Port 1 on loopback: nothing listens there, so the connection is refused. */
    ks_buf_printf(&stub, "%s/cluster.stub", folder);
    FILE *out = fopen(stub.data, "w");
    fprintf(out, "auto db/shard-0\nremote 127.0.0.1:1\nauto db/shard-1\n");
    fclose(out);
    assert_int_equal(ks_db_open(&db, stub.data, KS_OPEN_READ), KS_ERR_UNAVAILABLE);
    assert_non_null(strstr(ks_db_error(db), "127.0.0.1:1"));
    ks_db_close(db);
    assert_int_equal(ks_db_open(&db, stub.data, KS_OPEN_READ | KS_OPEN_ALLOW_PARTIAL), KS_OK);
    assert_non_null(strstr(ks_db_warnings(db), "127.0.0.1:1"));
    assert_int_equal(hits(db, "구로구"), 2);
    ks_db_close(db);
    ks_buf_free(&path);
    ks_buf_free(&stub);
    ks_remove_tree(folder);
    free(folder);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_routing_is_stable),
        cmocka_unit_test(test_routing_spreads_articles),
        cmocka_unit_test(test_layout_round_trip),
        cmocka_unit_test(test_sharded_database_is_one_index),
        cmocka_unit_test(test_single_database_is_not_split),
        cmocka_unit_test(test_unreachable_shard_is_named),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
