/* The Xapian shim: documents, queries and every error path, mostly on
 * Xapian's in-memory backend; locking and damage need a real folder. */
#include "test_support.h"
#include "xapian_shim.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

static shim_db *memory_db(void)
{
    shim_db *db = NULL;
    ks_buf error = {0};
    assert_int_equal(shim_db_open(&db, SHIM_MEMORY_PATH, SHIM_WRITE, &error), KS_OK);
    ks_buf_free(&error);
    return db;
}

/* Adds a document whose words sit at consecutive positions. */
static void add_words(shim_db *db, const char *data, const char *const *words, size_t count)
{
    shim_doc *doc;
    assert_int_equal(shim_doc_new(&doc), KS_OK);
    for (size_t i = 0; i < count; i++)
        assert_int_equal(shim_doc_add_posting(doc, words[i], (uint32_t)i + 1, 1), KS_OK);
    assert_int_equal(shim_doc_set_value(doc, KS_SLOT_DATA, data, strlen(data)), KS_OK);
    assert_int_equal(shim_db_add_document(db, doc), KS_OK);
    shim_doc_free(doc);
}

static size_t count_matches(shim_db *db, shim_query *query, char *first_data, size_t cap)
{
    shim_mset *mset = NULL;
    assert_int_equal(shim_search(db, query, &(shim_search_spec){.limit = 10, .sort_slot = -1}, &mset), KS_OK);
    size_t n = shim_mset_size(mset);
    if (first_data && n) {
        size_t len;
        const char *data = shim_mset_data(mset, 0, &len);
        snprintf(first_data, cap, "%.*s", (int)len, data);
    }
    shim_mset_free(mset);
    return n;
}

static void test_phrase_and_near(void **state)
{
    (void)state;
    shim_db *db = memory_db();
    const char *a[] = {"희망일자리", "만들기", "평가"};
    const char *b[] = {"만들기", "희망일자리"};
    add_words(db, "in-order", a, 3);
    add_words(db, "reversed", b, 2);
    shim_query *words[2] = {shim_query_term("희망일자리", 1, 0), shim_query_term("만들기", 1, 0)};
    shim_query *phrase = shim_query_combine(SHIM_OP_PHRASE, words, 2, 0);
    char first[64] = "";
    assert_int_equal(count_matches(db, phrase, first, sizeof first), 1);
    assert_string_equal(first, "in-order");
    shim_query *near = shim_query_combine(SHIM_OP_NEAR, words, 2, 4);
    assert_int_equal(count_matches(db, near, NULL, 0), 2);
    /* Xapian 1.4 allows only terms inside a phrase: the shim reports that
     * as no query rather than crashing. */
    shim_query *group = shim_query_combine(SHIM_OP_SYNONYM, words, 2, 0);
    shim_query *nested[2] = {group, words[0]};
    assert_null(shim_query_combine(SHIM_OP_PHRASE, nested, 2, 0));
    shim_mset *mset = NULL;
    assert_int_equal(shim_search(db, NULL, &(shim_search_spec){.limit = 10, .sort_slot = -1}, &mset), KS_ERR_INVALID_ARGUMENT);
    for (int i = 0; i < 2; i++)
        shim_query_free(words[i]);
    shim_query_free(group);
    shim_query_free(phrase);
    shim_query_free(near);
    ks_buf error = {0};
    assert_int_equal(shim_db_close(db, &error), KS_OK);
    ks_buf_free(&error);
}

static void test_delete_by_term_and_metadata(void **state)
{
    (void)state;
    shim_db *db = memory_db();
    for (int i = 0; i < 3; i++) {
        shim_doc *doc;
        assert_int_equal(shim_doc_new(&doc), KS_OK);
        assert_int_equal(shim_doc_add_boolean_term(doc, i < 2 ? "Aone" : "Atwo"), KS_OK);
        assert_int_equal(shim_doc_add_term(doc, "청소", 1), KS_OK);
        assert_int_equal(shim_db_add_document(db, doc), KS_OK);
        shim_doc_free(doc);
    }
    uint64_t count = 0;
    assert_int_equal(shim_db_delete_documents(db, "Aone"), KS_OK);
    assert_int_equal(shim_db_doc_count(db, &count), KS_OK);
    assert_int_equal(count, 1);
    ks_buf value = {0};
    assert_int_equal(shim_db_set_metadata(db, "article:x", "{\"id\":\"x\"}"), KS_OK);
    assert_int_equal(shim_db_get_metadata(db, "article:x", &value), KS_OK);
    assert_string_equal(value.data, "{\"id\":\"x\"}");
    assert_int_equal(shim_db_get_metadata(db, "article:missing", &value), KS_OK);
    assert_int_equal(value.len, 0);
    ks_buf_free(&value);
    ks_buf error = {0};
    assert_int_equal(shim_db_close(db, &error), KS_OK);
    ks_buf_free(&error);
}

static void test_missing_database_is_not_found(void **state)
{
    (void)state;
    shim_db *db = NULL;
    ks_buf error = {0};
    assert_int_equal(shim_db_open(&db, "/nonexistent/kosearch/db", SHIM_READ, &error),
                     KS_ERR_NOT_FOUND);
    assert_null(db);
    assert_non_null(error.data);
    ks_buf_free(&error);
}

static void test_second_writer_is_locked(void **state)
{
    (void)state;
    char path[] = "/tmp/kosearch-shim-XXXXXX";
    assert_non_null(mkdtemp(path));
    shim_db *first = NULL, *second = NULL;
    ks_buf error = {0};
    assert_int_equal(shim_db_open(&first, path, SHIM_WRITE, &error), KS_OK);
    assert_int_equal(shim_db_open(&second, path, SHIM_WRITE, &error), KS_ERR_LOCKED);
    assert_non_null(strstr(error.data, "locked"));
    /* Readers are not blocked by a writer. */
    shim_db *reader = NULL;
    assert_int_equal(shim_db_open(&reader, path, SHIM_READ, &error), KS_OK);
    assert_int_equal(shim_db_close(reader, &error), KS_OK);
    assert_int_equal(shim_db_close(first, &error), KS_OK);
    ks_buf_free(&error);
    ks_remove_tree(path);
}

static void test_damaged_database_is_reported(void **state)
{
    (void)state;
    char path[] = "/tmp/kosearch-shim-XXXXXX";
    assert_non_null(mkdtemp(path));
    shim_db *db = NULL;
    ks_buf error = {0};
    assert_int_equal(shim_db_open(&db, path, SHIM_WRITE, &error), KS_OK);
    const char *w[] = {"구로구"};
    add_words(db, "x", w, 1);
    assert_int_equal(shim_db_close(db, &error), KS_OK);
    /* Overwrite the version file with garbage. */
    char file[512];
    snprintf(file, sizeof file, "%s/iamglass", path);
    int fd = open(file, O_WRONLY | O_TRUNC);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "garbage!", 8), 8);
    close(fd);
    ks_status st = shim_db_open(&db, path, SHIM_READ, &error);
    assert_true(st == KS_ERR_CORRUPT || st == KS_ERR_VERSION);
    assert_true(error.len > 0);
    ks_buf_free(&error);
    ks_remove_tree(path);
}

static void test_read_only_handle_refuses_writes(void **state)
{
    (void)state;
    shim_db *db = NULL;
    ks_buf error = {0};
    assert_int_equal(shim_db_open(&db, SHIM_MEMORY_PATH, SHIM_READ, &error), KS_OK);
    assert_int_equal(shim_db_set_metadata(db, "k", "v"), KS_ERR_READ_ONLY);
    assert_int_equal(shim_db_commit(db), KS_ERR_READ_ONLY);
    assert_non_null(strstr(shim_db_error(db), "reading only"));
    assert_int_equal(shim_db_close(db, &error), KS_OK);
    ks_buf_free(&error);
}

static void test_overlong_term_is_an_error_not_a_crash(void **state)
{
    (void)state;
    char path[] = "/tmp/kosearch-shim-XXXXXX";
    assert_non_null(mkdtemp(path));
    shim_db *db = NULL;
    ks_buf error = {0};
    assert_int_equal(shim_db_open(&db, path, SHIM_WRITE, &error), KS_OK);
    shim_doc *doc;
    assert_int_equal(shim_doc_new(&doc), KS_OK);
    char term[400];
    memset(term, 'x', sizeof term - 1);
    term[sizeof term - 1] = '\0';
    assert_int_equal(shim_doc_add_term(doc, term, 1), KS_OK);
    /* Glass checks the length when the document is written. */
    ks_status st = shim_db_add_document(db, doc);
    if (st == KS_OK)
        st = shim_db_commit(db);
    assert_int_not_equal(st, KS_OK);
    assert_true(strlen(shim_db_error(db)) > 0);
    shim_doc_free(doc);
    shim_db_close(db, &error);
    ks_buf_free(&error);
    ks_remove_tree(path);
}

/* Writes `text` to folder/name. */
static void write_file(const char *folder, const char *name, const char *text)
{
    char file[512];
    snprintf(file, sizeof file, "%s/%s", folder, name);
    FILE *out = fopen(file, "w");
    assert_non_null(out);
    fputs(text, out);
    fclose(out);
}

/* Xapian runs the program of a "remote PROGRAM ARGS" stub line. */
static void test_stub_program_line_is_refused_not_run(void **state)
{
    (void)state;
    char folder[] = "/tmp/kosearch-shim-XXXXXX";
    assert_non_null(mkdtemp(folder));
    char stub_text[600], ran[512], stub[512];
    snprintf(ran, sizeof ran, "%s/ran", folder);
    snprintf(stub_text, sizeof stub_text, "# a cluster\nremote /usr/bin/touch %s\n", ran);
    write_file(folder, "evil.stub", stub_text);
    snprintf(stub, sizeof stub, "%s/evil.stub", folder);
    shim_db *db = NULL;
    ks_buf error = {0};
    assert_int_equal(shim_db_open(&db, stub, SHIM_READ_PARTIAL, &error), KS_ERR_BAD_INPUT);
    assert_non_null(strstr(error.data, "evil.stub line 2: unsupported stub line"));
    assert_int_equal(access(ran, F_OK), -1);
    ks_buf_free(&error);
    ks_remove_tree(folder);
}

static void test_stub_loop_is_refused_not_a_crash(void **state)
{
    (void)state;
    char folder[] = "/tmp/kosearch-shim-XXXXXX";
    assert_non_null(mkdtemp(folder));
    write_file(folder, "a.stub", "auto b.stub\n");
    write_file(folder, "b.stub", "auto a.stub\n");
    char stub[512];
    snprintf(stub, sizeof stub, "%s/a.stub", folder);
    shim_db *db = NULL;
    ks_buf error = {0};
    assert_int_equal(shim_db_open(&db, stub, SHIM_READ, &error), KS_ERR_BAD_INPUT);
    assert_non_null(strstr(error.data, "b.stub line 1: stub loop: "));
    assert_non_null(strstr(error.data, "a.stub includes "));
    ks_buf_free(&error);
    ks_remove_tree(folder);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_phrase_and_near),
        cmocka_unit_test(test_delete_by_term_and_metadata),
        cmocka_unit_test(test_missing_database_is_not_found),
        cmocka_unit_test(test_second_writer_is_locked),
        cmocka_unit_test(test_damaged_database_is_reported),
        cmocka_unit_test(test_read_only_handle_refuses_writes),
        cmocka_unit_test(test_overlong_term_is_an_error_not_a_crash),
        cmocka_unit_test(test_stub_program_line_is_refused_not_run),
        cmocka_unit_test(test_stub_loop_is_refused_not_a_crash),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
