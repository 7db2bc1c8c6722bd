/* Tests of the read stage: which articles come out of files, folders and
 * JSON Lines, in what order, and what is reported for inputs that are skipped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "kosearch_internal.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CP949_SENTENCE "구로구는 서울시 평가에서 1위를 차지했다. 똠방각하\n"

/* ------------------------------------------------------------------------ */
/* What a reader delivers, kept for assertions.                             */

typedef struct seen_article {
    char *id, *title, *body, *date, *url, *origin, *article_origin;
    long line;
    uint64_t source_size;
    int64_t source_mtime;
} seen_article;

typedef struct seen_problem {
    char *origin, *message;
    long line, byte_offset;
} seen_problem;

typedef struct collector {
    seen_article articles[64];
    size_t article_count;
    seen_problem problems[64];
    size_t problem_count;
    size_t stop_after; /* answer KS_ERR_INTERRUPTED after this many; 0: never */
    const char *unchanged_id; /* the file filter says this one is known */
    size_t filter_calls, jsonl_filter_calls;
    /* JSONL files reported read to their end, with their counts */
    size_t files_read, file_articles, file_problems;
} collector;

static char *copy_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

static ks_status collect_article(void *context, const ks_source_article *source)
{
    collector *c = context;
    assert_true(c->article_count < 64);
    const ks_article *a = &source->article;
    assert_int_equal(strlen(a->body), a->body_len);
    c->articles[c->article_count++] = (seen_article){
        .id = strdup(a->id), .title = copy_or_null(a->title), .body = strdup(a->body),
        .date = copy_or_null(a->date), .url = copy_or_null(a->url),
        .origin = strdup(source->origin), .article_origin = copy_or_null(a->origin),
        .line = source->line,
        .source_size = a->source_size, .source_mtime = a->source_mtime,
    };
    return c->stop_after && c->article_count >= c->stop_after ? KS_ERR_INTERRUPTED : KS_OK;
}

static void collect_problem(void *context, const char *origin, long line, long byte_offset,
                            const char *message)
{
    collector *c = context;
    assert_true(c->problem_count < 64);
    c->problems[c->problem_count++] = (seen_problem){
        .origin = strdup(origin), .message = strdup(message), .line = line,
        .byte_offset = byte_offset,
    };
}

static void assert_file_as_on_disk(const ks_source_file *file)
{
    struct stat info;
    assert_int_equal(stat(file->path, &info), 0);
    assert_int_equal(file->size, (uint64_t)info.st_size);
    assert_int_equal(file->mtime, (int64_t)info.st_mtim.tv_sec * 1000000000 + info.st_mtim.tv_nsec);
}

static bool filter_file(void *context, const ks_source_file *file)
{
    collector *c = context;
    assert_file_as_on_disk(file);
    c->filter_calls++;
    c->jsonl_filter_calls += file->jsonl;
    return !c->unchanged_id || strcmp(file->path, c->unchanged_id) != 0;
}

static void collect_file_read(void *context, const ks_source_file *file, size_t articles,
                              size_t problems)
{
    collector *c = context;
    assert_file_as_on_disk(file);
    assert_true(file->jsonl);
    c->files_read++;
    c->file_articles += articles;
    c->file_problems += problems;
}

static ks_status read_into(const char *path, collector *c)
{
    ks_reader_callbacks callbacks = {.on_article = collect_article, .on_problem = collect_problem,
                                     .context = c, .wants_file = filter_file,
                                     .file_read = collect_file_read};
    return ks_read_path(path, &callbacks);
}

static void collector_free(collector *c)
{
    for (size_t i = 0; i < c->article_count; i++) {
        seen_article *a = &c->articles[i];
        free(a->id), free(a->title), free(a->body), free(a->date), free(a->url), free(a->origin);
        free(a->article_origin);
    }
    for (size_t i = 0; i < c->problem_count; i++)
        free(c->problems[i].origin), free(c->problems[i].message);
    memset(c, 0, sizeof *c);
}

static void assert_problem(const collector *c, size_t index, long line, const char *message)
{
    assert_true(index < c->problem_count);
    assert_int_equal(c->problems[index].line, line);
    assert_string_equal(c->problems[index].message, message);
}

/* ------------------------------------------------------------------------ */
/* Scratch folders.                                                         */

static char *source_path(const char *relative)
{
    const char *root = getenv("KOSEARCH_SOURCE_ROOT");
    size_t n = strlen(root ? root : ".") + strlen(relative) + 2;
    char *path = malloc(n);
    snprintf(path, n, "%s/%s", root ? root : ".", relative);
    return path;
}

static int make_scratch(void **state)
{
    char *dir = strdup("/tmp/kosearch-read-test-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    *state = dir;
    return 0;
}

static void remove_tree(const char *path)
{
    struct stat info;
    if (lstat(path, &info) != 0)
        return;
    if (S_ISDIR(info.st_mode)) {
        chmod(path, 0700);
        DIR *dir = opendir(path);
        struct dirent *entry;
        while (dir && (entry = readdir(dir))) {
            if (!strcmp(entry->d_name, ".") || !strcmp(entry->d_name, ".."))
                continue;
            char child[4096];
            snprintf(child, sizeof child, "%s/%s", path, entry->d_name);
            remove_tree(child);
        }
        if (dir)
            closedir(dir);
        rmdir(path);
    } else {
        unlink(path);
    }
}

static int remove_scratch(void **state)
{
    remove_tree(*state);
    free(*state);
    return 0;
}

/* path is relative to the scratch folder; returns the full path (static). */
static const char *scratch_path(void **state, const char *relative)
{
    static char path[4096];
    snprintf(path, sizeof path, "%s/%s", (char *)*state, relative);
    return path;
}

static void write_file(void **state, const char *relative, const char *bytes, size_t len)
{
    FILE *file = fopen(scratch_path(state, relative), "wb");
    assert_non_null(file);
    assert_int_equal(fwrite(bytes, 1, len, file), len);
    fclose(file);
}

static void write_text(void **state, const char *relative, const char *text)
{
    write_file(state, relative, text, strlen(text));
}

static void make_folder(void **state, const char *relative)
{
    assert_int_equal(mkdir(scratch_path(state, relative), 0700), 0);
}

/* ------------------------------------------------------------------------ */
/* Decoding.                                                                */

static ks_status decode(const char *bytes, size_t len, ks_buf *out, long *offset,
                        const char **reason)
{
    return ks_decode_text(bytes, len, out, offset, reason, NULL);
}

static void decode_keeps_utf8_and_strips_bom(void **state)
{
    (void)state;
    ks_buf out = {0};
    long offset;
    const char *reason;
    const char text[] = "\xEF\xBB\xBF구로구\n깔끔이봉사단";
    assert_int_equal(decode(text, sizeof text - 1, &out, &offset, &reason), KS_OK);
    assert_string_equal(out.data, "구로구\n깔끔이봉사단");
    assert_null(reason);
    assert_int_equal(offset, -1);
    assert_int_equal(decode("", 0, &out, &offset, &reason), KS_OK);
    assert_non_null(out.data);
    assert_int_equal(out.len, 0);
    ks_buf_free(&out);
}

static void decode_turns_crlf_and_cr_into_lf(void **state)
{
    (void)state;
    ks_buf out = {0};
    const char text[] = "첫 줄\r\n둘째 줄\r셋째 줄\r\n\r\n넷째\r";
    assert_int_equal(decode(text, sizeof text - 1, &out, NULL, NULL), KS_OK);
    assert_string_equal(out.data, "첫 줄\n둘째 줄\n셋째 줄\n\n넷째\n");
    ks_buf_free(&out);
}

static void decode_converts_cp949(void **state)
{
    (void)state;
    char *path = source_path("tests/data/cp949.txt");
    FILE *file = fopen(path, "rb");
    assert_non_null(file);
    char bytes[256];
    size_t len = fread(bytes, 1, sizeof bytes, file);
    fclose(file);
    free(path);
    ks_buf out = {0};
    long offset;
    const char *reason = NULL;
    assert_int_equal(decode(bytes, len, &out, &offset, &reason), KS_OK);
    /* 똠 exists only in CP949, not in EUC-KR: the whole code page is used. */
    assert_string_equal(out.data, CP949_SENTENCE);
    assert_non_null(reason);
    assert_string_equal(reason, "converted from CP949/EUC-KR");
    ks_buf_free(&out);
}

static void decode_converts_utf16_with_bom(void **state)
{
    (void)state;
    /* "A\r\n가" in UTF-16, both byte orders. */
    const char little[] = "\xFF\xFE" "A\0\r\0\n\0\x00\xAC";
    const char big[] = "\xFE\xFF" "\0A\0\r\0\n\xAC\x00";
    const char *inputs[] = {little, big};
    for (size_t i = 0; i < 2; i++) {
        ks_buf out = {0};
        const char *reason = NULL;
        assert_int_equal(decode(inputs[i], 10, &out, NULL, &reason), KS_OK);
        assert_string_equal(out.data, "A\n가");
        assert_string_equal(reason, "converted from UTF-16");
        ks_buf_free(&out);
    }
}

static void decode_replaces_invalid_bytes(void **state)
{
    (void)state;
    ks_buf out = {0};
    long offset;
    const char *reason;
    ks_invalid_bytes invalid;
    /* 구로구 is 9 bytes; 0xFF follows. Too much good UTF-8 to be CP949. */
    const char text[] = "구로구\xFF깔끔이봉사단";
    assert_int_equal(ks_decode_text(text, sizeof text - 1, &out, &offset, &reason, &invalid),
                     KS_OK);
    assert_string_equal(out.data, "구로구\xEF\xBF\xBD깔끔이봉사단");
    assert_int_equal(offset, 9);
    assert_string_equal(reason, "invalid UTF-8 replaced with U+FFFD");
    assert_int_equal(invalid.count, 1);
    assert_int_equal(invalid.first[0], 9);
    /* Cut in the middle of 단 (EB 8B A8): its two bytes are replaced. */
    const char cut[] = "구로구 깔끔이봉사\xEB\x8B";
    assert_int_equal(ks_decode_text(cut, sizeof cut - 1, &out, &offset, &reason, &invalid),
                     KS_OK);
    assert_string_equal(out.data, "구로구 깔끔이봉사\xEF\xBF\xBD\xEF\xBF\xBD");
    assert_int_equal(invalid.count, 2);
    assert_int_equal(invalid.first[0], 25);
    assert_int_equal(invalid.first[1], 26);
    /* Bytes CP949 has no character for. */
    const char junk[] = "ab\xFF\xFF\xFF";
    assert_int_equal(ks_decode_text(junk, sizeof junk - 1, &out, &offset, &reason, &invalid),
                     KS_OK);
    assert_int_equal(invalid.count, 3);
    assert_int_equal(offset, 2);
    /* After a UTF-8 BOM, offsets still count from the file's first byte. */
    const char bom_then_cp949[] = "\xEF\xBB\xBF\xB1\xB8";
    assert_int_equal(ks_decode_text(bom_then_cp949, 5, &out, &offset, &reason, &invalid), KS_OK);
    assert_int_equal(invalid.first[0], 3);
    assert_int_equal(invalid.first[1], 4);
    assert_string_equal(out.data, "\xEF\xBF\xBD\xEF\xBF\xBD");
    ks_buf_free(&out);
}

static void decode_refuses_binary(void **state)
{
    (void)state;
    ks_buf out = {0};
    long offset;
    const char *reason;
    const char bytes[] = "text\0more";
    assert_int_equal(decode(bytes, sizeof bytes - 1, &out, &offset, &reason), KS_ERR_BAD_INPUT);
    assert_int_equal(offset, 4);
    assert_string_equal(reason, "binary file (NUL byte)");
    ks_buf_free(&out);
}

/* ------------------------------------------------------------------------ */
/* Text files.                                                              */

static void text_file_becomes_one_article(void **state)
{
    write_text(state, "seed.txt", "\n  구로구 수상 소식  \r\n\r\n구로구가 상을 받았다.\r\n");
    collector c = {0};
    const char *path = scratch_path(state, "seed.txt");
    char expected_id[4096];
    snprintf(expected_id, sizeof expected_id, "%s", path);
    struct stat info;
    assert_int_equal(stat(path, &info), 0);
    assert_int_equal(read_into(path, &c), KS_OK);
    assert_int_equal(c.problem_count, 0);
    assert_int_equal(c.article_count, 1);
    seen_article *a = &c.articles[0];
    assert_string_equal(a->id, expected_id);
    assert_string_equal(a->origin, expected_id);
    assert_string_equal(a->title, "구로구 수상 소식");
    assert_string_equal(a->body, "\n  구로구 수상 소식  \n\n구로구가 상을 받았다.\n");
    assert_null(a->date);
    assert_null(a->url);
    assert_string_equal(a->article_origin, expected_id);
    assert_int_equal(c.filter_calls, 1);
    assert_int_equal(a->line, 0);
    assert_int_equal(a->source_size, (uint64_t)info.st_size);
    assert_int_equal(a->source_mtime,
                     (int64_t)info.st_mtim.tv_sec * 1000000000 + info.st_mtim.tv_nsec);
    collector_free(&c);
}

static void seed_article_title_is_its_first_line(void **state)
{
    (void)state;
    char *path = source_path("corpus/000_7c3d8639bd71687d.txt");
    collector c = {0};
    assert_int_equal(read_into(path, &c), KS_OK);
    assert_int_equal(c.article_count, 1);
    assert_string_equal(c.articles[0].title, "구로구, 서울시 8개 부문 최우수상 수상");
    assert_non_null(strstr(c.articles[0].body, "깔끔이봉사단"));
    free(path);
    collector_free(&c);
}

static void cp949_file_is_read_as_utf8(void **state)
{
    (void)state;
    char *path = source_path("tests/data/cp949.txt");
    collector c = {0};
    assert_int_equal(read_into(path, &c), KS_OK);
    assert_int_equal(c.problem_count, 0);
    assert_int_equal(c.article_count, 1);
    assert_string_equal(c.articles[0].body, CP949_SENTENCE);
    free(path);
    collector_free(&c);
}

static void undecodable_files_are_reported(void **state)
{
    write_text(state, "a_empty.txt", "");
    write_text(state, "b_blank.txt", " \n\t\r\n");
    write_file(state, "c_binary.txt", "PK\x03\x04\0\0", 6);
    write_text(state, "d_broken.txt", "구로구\xFF깔끔이");
    write_text(state, "e_good.txt", "좋은 기사\n본문이다.\n");
    collector c = {0};
    assert_int_equal(read_into(*state, &c), KS_OK);
    assert_int_equal(c.problem_count, 4);
    assert_problem(&c, 0, 0, "empty file");
    assert_int_equal(c.problems[0].byte_offset, -1);
    assert_problem(&c, 1, 0, "empty file");
    assert_problem(&c, 2, 0, "binary file (NUL byte)");
    assert_int_equal(c.problems[2].byte_offset, 4);
    /* One stray byte: named, replaced, and the rest of the file kept. */
    assert_problem(&c, 3, 0,
                   "invalid UTF-8: 1 byte (at 9) replaced with U+FFFD; the rest is indexed");
    assert_int_equal(c.problems[3].byte_offset, 9);
    assert_string_equal(c.problems[3].origin, scratch_path(state, "d_broken.txt"));
    assert_int_equal(c.article_count, 2);
    assert_string_equal(c.articles[0].title, "구로구\xEF\xBF\xBD깔끔이");
    assert_string_equal(c.articles[1].title, "좋은 기사");
    collector_free(&c);
}

static void unreadable_file_is_reported_and_skipped(void **state)
{
    if (geteuid() == 0) {
        /* root reads files whatever their permissions: nothing to test. */
        skip();
    }
    write_text(state, "locked.txt", "비밀\n");
    write_text(state, "open.txt", "공개\n");
    assert_int_equal(chmod(scratch_path(state, "locked.txt"), 0), 0);
    collector c = {0};
    assert_int_equal(read_into(*state, &c), KS_OK);
    assert_int_equal(c.article_count, 1);
    assert_string_equal(c.articles[0].title, "공개");
    assert_int_equal(c.problem_count, 1);
    assert_problem(&c, 0, 0, "cannot read: Permission denied");
    collector_free(&c);
}

static void missing_path_is_not_found(void **state)
{
    collector c = {0};
    assert_int_equal(read_into(scratch_path(state, "nothing-here"), &c), KS_ERR_NOT_FOUND);
    assert_int_equal(c.article_count, 0);
    assert_int_equal(c.problem_count, 1);
    assert_string_equal(c.problems[0].message, "No such file or directory");
    collector_free(&c);
    ks_reader_callbacks none = {0};
    assert_int_equal(ks_read_path("x", &none), KS_ERR_INVALID_ARGUMENT);
    assert_int_equal(ks_read_path(NULL, &none), KS_ERR_INVALID_ARGUMENT);
}

/* ------------------------------------------------------------------------ */
/* Folders.                                                                 */

static void folder_walk_is_sorted_and_filtered(void **state)
{
    make_folder(state, "b_sub");
    make_folder(state, ".hidden_folder");
    write_text(state, "b_sub/inner.md", "안쪽\n");
    write_text(state, "c.TXT", "대문자 확장자\n");
    write_text(state, "a.txt", "첫째\n");
    write_text(state, "d.jsonl", "{\"id\": \"j1\", \"body\": \"줄 기사\"}\n");
    write_text(state, "e.csv", "무시된다\n");
    write_text(state, "notes", "확장자 없음\n");
    write_text(state, ".hidden.txt", "숨김\n");
    write_text(state, ".hidden_folder/x.txt", "숨김 폴더\n");
    collector c = {0};
    assert_int_equal(read_into(*state, &c), KS_OK);
    assert_int_equal(c.problem_count, 0);
    const char *expected[] = {"a.txt", "b_sub/inner.md", "c.TXT", "j1"};
    assert_int_equal(c.article_count, 4);
    for (size_t i = 0; i < 3; i++)
        assert_string_equal(c.articles[i].id, scratch_path(state, expected[i]));
    assert_string_equal(c.articles[3].id, "j1");
    assert_string_equal(c.articles[3].origin, scratch_path(state, "d.jsonl"));
    collector_free(&c);

    /* Named explicitly, a file is read whatever its name. */
    assert_int_equal(read_into(scratch_path(state, "notes"), &c), KS_OK);
    assert_int_equal(c.article_count, 1);
    assert_string_equal(c.articles[0].title, "확장자 없음");
    collector_free(&c);
}

static void trailing_slash_makes_no_double_slash(void **state)
{
    write_text(state, "a.txt", "첫째\n");
    char folder[4096];
    snprintf(folder, sizeof folder, "%s/", (char *)*state);
    collector c = {0};
    assert_int_equal(read_into(folder, &c), KS_OK);
    assert_int_equal(c.article_count, 1);
    assert_string_equal(c.articles[0].id, scratch_path(state, "a.txt"));
    collector_free(&c);
}

/* dir/, ./dir, dir//, dir/../dir and /abs/dir name one file one way: its id. */
static void one_file_has_one_path_however_written(void **state)
{
    make_folder(state, "dir");
    write_text(state, "dir/a.txt", "하나\n");
    char *here = getcwd(NULL, 0);
    assert_int_equal(chdir((char *)*state), 0);
    char *root = realpath(".", NULL);
    char expected[4096], folder[4096];
    snprintf(expected, sizeof expected, "%s/dir/a.txt", root);
    snprintf(folder, sizeof folder, "%s/dir", root);
    const char *spellings[] = {"dir/a.txt", "./dir/a.txt", "dir//a.txt", "dir/../dir/a.txt",
                               expected};
    for (size_t i = 0; i < sizeof spellings / sizeof *spellings; i++) {
        char *path = ks_article_path(spellings[i]);
        assert_non_null(path);
        assert_string_equal(path, expected);
        free(path);
    }
    char *named_folder = ks_article_path("./dir/");
    assert_string_equal(named_folder, folder);
    free(named_folder);
    collector c = {0};
    assert_int_equal(read_into("./dir/", &c), KS_OK);
    assert_int_equal(c.article_count, 1);
    assert_string_equal(c.articles[0].id, expected);
    assert_string_equal(c.articles[0].article_origin, expected);
    collector_free(&c);
    assert_int_equal(chdir(here), 0);
    free(root);
    free(here);
}

static void symlink_loop_is_reported_once(void **state)
{
    make_folder(state, "top");
    make_folder(state, "top/sub");
    write_text(state, "top/a.txt", "위\n");
    write_text(state, "top/sub/b.txt", "아래\n");
    assert_int_equal(symlink("..", scratch_path(state, "top/sub/loop")), 0);
    assert_int_equal(symlink("a.txt", scratch_path(state, "top/link.txt")), 0);
    assert_int_equal(symlink("missing.txt", scratch_path(state, "top/dangling.txt")), 0);
    collector c = {0};
    assert_int_equal(read_into(scratch_path(state, "top"), &c), KS_OK);
    assert_int_equal(c.article_count, 3); /* a.txt, link.txt, sub/b.txt */
    assert_string_equal(c.articles[0].id, scratch_path(state, "top/a.txt"));
    assert_string_equal(c.articles[1].id, scratch_path(state, "top/link.txt"));
    assert_string_equal(c.articles[2].id, scratch_path(state, "top/sub/b.txt"));
    assert_int_equal(c.problem_count, 2);
    assert_problem(&c, 0, 0, "broken symbolic link");
    assert_string_equal(c.problems[0].origin, scratch_path(state, "top/dangling.txt"));
    assert_problem(&c, 1, 0, "symbolic link loop: folder already being read; skipped");
    assert_string_equal(c.problems[1].origin, scratch_path(state, "top/sub/loop"));
    collector_free(&c);
}

static void unchanged_files_are_not_read(void **state)
{
    write_text(state, "a.txt", "바뀐 기사\n");
    write_text(state, "b.txt", "그대로인 기사\n");
    collector c = {0};
    char *unchanged = strdup(scratch_path(state, "b.txt"));
    c.unchanged_id = unchanged;
    assert_int_equal(read_into(*state, &c), KS_OK);
    assert_int_equal(c.filter_calls, 2);
    assert_int_equal(c.article_count, 1);
    assert_string_equal(c.articles[0].title, "바뀐 기사");
    assert_int_equal(c.problem_count, 0);
    free(unchanged);
    collector_free(&c);
}

static void unchanged_jsonl_files_are_not_read(void **state)
{
    write_text(state, "a.jsonl", "{\"id\": 1, \"body\": \"하나\"}\n{\"id\": 2, \"body\": \"둘\"}\n");
    write_text(state, "b.jsonl", "{\"id\": 3, \"body\": \"셋\"}\n");
    collector c = {0};
    char *unchanged = strdup(scratch_path(state, "b.jsonl"));
    c.unchanged_id = unchanged;
    assert_int_equal(read_into(*state, &c), KS_OK);
    assert_int_equal(c.jsonl_filter_calls, 2);
    assert_int_equal(c.article_count, 2);
    assert_string_equal(c.articles[1].body, "둘");
    /* only the file that was read is reported read, with all its lines */
    assert_int_equal(c.files_read, 1);
    assert_int_equal(c.file_articles, 2);
    assert_int_equal(c.file_problems, 0);
    free(unchanged);
    collector_free(&c);
}

static void stopped_jsonl_file_is_not_reported_read(void **state)
{
    write_text(state, "a.jsonl", "{\"id\": 1, \"body\": \"하나\"}\n{\"id\": 2, \"body\": \"둘\"}\n");
    collector c = {.stop_after = 1};
    assert_int_equal(read_into(*state, &c), KS_ERR_INTERRUPTED);
    assert_int_equal(c.files_read, 0);
    collector_free(&c);
}

static void article_callback_can_stop_the_walk(void **state)
{
    write_text(state, "a.txt", "하나\n");
    write_text(state, "b.txt", "둘\n");
    write_text(state, "c.jsonl", "{\"id\": 1, \"body\": \"셋\"}\n{\"id\": 2, \"body\": \"넷\"}\n");
    collector c = {.stop_after = 2};
    assert_int_equal(read_into(*state, &c), KS_ERR_INTERRUPTED);
    assert_int_equal(c.article_count, 2);
    collector_free(&c);
    c = (collector){.stop_after = 3};
    assert_int_equal(read_into(*state, &c), KS_ERR_INTERRUPTED);
    assert_int_equal(c.article_count, 3);
    collector_free(&c);
}

/* ------------------------------------------------------------------------ */
/* JSON Lines.                                                              */

static void jsonl_delivers_good_lines_and_reports_bad_ones(void **state)
{
    (void)state;
    char *path = source_path("tests/data/articles.jsonl");
    collector c = {0};
    assert_int_equal(read_into(path, &c), KS_OK);

    assert_int_equal(c.article_count, 3);
    assert_string_equal(c.articles[0].id, "a1");
    assert_string_equal(c.articles[0].title, "첫 기사");
    assert_string_equal(c.articles[0].body, "구로구는 서울시 평가에서 1위를 차지했다.");
    assert_int_equal(c.articles[0].line, 1);
    assert_string_equal(c.articles[0].origin, path);
    assert_string_equal(c.articles[0].article_origin, path);
    assert_int_equal(c.jsonl_filter_calls, 1);
    /* read to its end: its articles, and every problem on the way */
    assert_int_equal(c.files_read, 1);
    assert_int_equal(c.file_articles, 3);
    assert_int_equal(c.file_problems, c.problem_count);
    assert_true(c.problem_count > 0);
    assert_string_equal(c.articles[1].id, "a2");
    assert_null(c.articles[1].title);
    assert_string_equal(c.articles[1].date, "2015-01-09");
    assert_string_equal(c.articles[1].url, "http://example.com/a2");
    assert_int_equal(c.articles[1].line, 3);
    assert_string_equal(c.articles[2].id, "7");
    assert_int_equal(c.articles[2].line, 9);

    assert_int_equal(c.problem_count, 8);
    assert_int_equal(c.problems[0].line, 4);
    assert_non_null(strstr(c.problems[0].message, "invalid JSON at byte "));
    assert_true(c.problems[0].byte_offset > 0);
    assert_problem(&c, 1, 5, "missing \"id\"");
    assert_problem(&c, 2, 6, "missing \"body\"");
    assert_problem(&c, 3, 7, "\"body\" must be a string");
    assert_problem(&c, 4, 8, "duplicate id \"a1\" (first at line 1); skipped");
    assert_problem(&c, 5, 10, "not a JSON object");
    assert_problem(&c, 6, 11, "\"body\" is empty");
    assert_problem(&c, 7, 12, "\"title\" must be a string");
    for (size_t i = 0; i < c.problem_count; i++)
        assert_string_equal(c.problems[i].origin, path);
    free(path);
    collector_free(&c);
}

static void jsonl_tolerates_bom_and_crlf(void **state)
{
    const char text[] = "\xEF\xBB\xBF{\"id\": \"x\", \"body\": \"첫째\"}\r\n"
                        "\r\n"
                        "{\"id\": \"y\", \"body\": \"둘째\"}\r\n"
                        "{\"id\": \"z\", \"body\": \"깨진 \xFF 바이트\"}\r\n"
                        "{\"id\": \"w\", \"body\": \"마지막 줄에 줄바꿈 없음\"}";
    write_file(state, "in.jsonl", text, sizeof text - 1);
    collector c = {0};
    assert_int_equal(read_into(scratch_path(state, "in.jsonl"), &c), KS_OK);
    assert_int_equal(c.article_count, 3);
    assert_string_equal(c.articles[0].id, "x");
    assert_string_equal(c.articles[0].body, "첫째");
    assert_string_equal(c.articles[1].id, "y");
    assert_int_equal(c.articles[1].line, 3);
    assert_string_equal(c.articles[2].id, "w");
    assert_int_equal(c.problem_count, 1);
    assert_problem(&c, 0, 4, "invalid UTF-8 at byte 28");
    assert_int_equal(c.problems[0].byte_offset, 28);
    collector_free(&c);
}

static void jsonl_from_stdin(void **state)
{
    write_text(state, "stdin.jsonl", "{\"id\": \"s1\", \"body\": \"표준 입력\"}\n{\"id\": \"s1\", \"body\": \"x\"}\n");
    FILE *saved = freopen(scratch_path(state, "stdin.jsonl"), "r", stdin);
    assert_non_null(saved);
    collector c = {0};
    assert_int_equal(read_into("-", &c), KS_OK);
    assert_int_equal(c.article_count, 1);
    assert_string_equal(c.articles[0].id, "s1");
    assert_string_equal(c.articles[0].origin, "-");
    assert_null(c.articles[0].article_origin); /* no file to find it in again */
    assert_int_equal(c.problem_count, 1);
    assert_problem(&c, 0, 2, "duplicate id \"s1\" (first at line 1); skipped");
    assert_string_equal(c.problems[0].origin, "-");
    /* stdin may be a file, but never one to skip or remember */
    assert_int_equal(c.filter_calls, 0);
    assert_int_equal(c.files_read, 0);
    collector_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(decode_keeps_utf8_and_strips_bom),
        cmocka_unit_test(decode_turns_crlf_and_cr_into_lf),
        cmocka_unit_test(decode_converts_cp949),
        cmocka_unit_test(decode_converts_utf16_with_bom),
        cmocka_unit_test(decode_replaces_invalid_bytes),
        cmocka_unit_test(decode_refuses_binary),
        cmocka_unit_test_setup_teardown(text_file_becomes_one_article, make_scratch, remove_scratch),
        cmocka_unit_test(seed_article_title_is_its_first_line),
        cmocka_unit_test(cp949_file_is_read_as_utf8),
        cmocka_unit_test_setup_teardown(undecodable_files_are_reported, make_scratch,
                                        remove_scratch),
        cmocka_unit_test_setup_teardown(unreadable_file_is_reported_and_skipped, make_scratch,
                                        remove_scratch),
        cmocka_unit_test_setup_teardown(missing_path_is_not_found, make_scratch, remove_scratch),
        cmocka_unit_test_setup_teardown(folder_walk_is_sorted_and_filtered, make_scratch,
                                        remove_scratch),
        cmocka_unit_test_setup_teardown(trailing_slash_makes_no_double_slash, make_scratch,
                                        remove_scratch),
        cmocka_unit_test_setup_teardown(one_file_has_one_path_however_written, make_scratch,
                                        remove_scratch),
        cmocka_unit_test_setup_teardown(symlink_loop_is_reported_once, make_scratch,
                                        remove_scratch),
        cmocka_unit_test_setup_teardown(unchanged_files_are_not_read, make_scratch,
                                        remove_scratch),
        cmocka_unit_test_setup_teardown(unchanged_jsonl_files_are_not_read, make_scratch,
                                        remove_scratch),
        cmocka_unit_test_setup_teardown(stopped_jsonl_file_is_not_reported_read, make_scratch,
                                        remove_scratch),
        cmocka_unit_test_setup_teardown(article_callback_can_stop_the_walk, make_scratch,
                                        remove_scratch),
        cmocka_unit_test(jsonl_delivers_good_lines_and_reports_bad_ones),
        cmocka_unit_test_setup_teardown(jsonl_tolerates_bom_and_crlf, make_scratch, remove_scratch),
        cmocka_unit_test_setup_teardown(jsonl_from_stdin, make_scratch, remove_scratch),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
