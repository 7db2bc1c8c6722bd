/* Files, folders and JSON Lines -> articles: the first stage of the pipeline.
 * Raw bytes become clean UTF-8 through normalize.c's ks_decode_text (BOMs,
 * CRLF, CP949 and UTF-16 handled), and every input that cannot be read is
 * reported and skipped, never fatal. */
#include "kosearch_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/utf8.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* A title longer than this is a first paragraph, not a title. */
#define TITLE_MAX_BYTES 300

/* ------------------------------------------------------------------------ */
/* The reader and its problem reports.                                      */

typedef struct folder_id {
    dev_t device;
    ino_t inode;
} folder_id;

typedef struct reader {
    const ks_reader_callbacks *callbacks;
    size_t articles, problems; /* delivered and reported so far */
    folder_id *open_folders; /* the folders on the path being walked */
    size_t open_count, open_cap;
    ks_buf raw, text;        /* reused for every text file */
    char *named;             /* the named path as ks_article_path() spells it */
    const char *root;        /* `named` when it is a folder, else NULL */
} reader;

/* byte_offset counts from the start of the file (text files) or of the line
 * (JSONL records), from 0; -1 when no byte is to blame. Messages about a
 * JSONL line name the byte themselves, since a line number is what a user
 * is shown first. */
__attribute__((format(printf, 5, 6)))
static void report(reader *rd, const char *origin, long line, long byte_offset,
                   const char *format, ...)
{
    rd->problems++;
    if (!rd->callbacks->on_problem)
        return;
    ks_buf message = {0};
    va_list args;
    va_start(args, format);
    int need = vsnprintf(NULL, 0, format, args);
    va_end(args);
    if (need >= 0 && ks_grow((void **)&message.data, &message.cap, (size_t)need + 1, 1) == KS_OK) {
        va_start(args, format);
        vsnprintf(message.data, (size_t)need + 1, format, args);
        va_end(args);
    }
    rd->callbacks->on_problem(rd->callbacks->context, origin, line, byte_offset,
                              message.data ? message.data : format);
    ks_buf_free(&message);
}

/* ------------------------------------------------------------------------ */
/* Text files: one article each.                                            */

static bool is_blank_byte(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* The first non-empty line, trimmed and cut to TITLE_MAX_BYTES at a
 * character boundary. */
static char *first_line_title(const char *text, size_t len)
{
    size_t start = 0;
    while (start < len && is_blank_byte(text[start]))
        start++;
    size_t end = start;
    while (end < len && text[end] != '\n')
        end++;
    while (end > start && is_blank_byte(text[end - 1]))
        end--;
    if (end - start > TITLE_MAX_BYTES) {
        end = start + TITLE_MAX_BYTES;
        while (end > start && U8_IS_TRAIL(text[end]))
            end--;
    }
    return ks_strndup(text + start, end - start);
}

static bool is_blank_text(const char *text, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!is_blank_byte(text[i]))
            return false;
    return true;
}

/* Reads all of fd into buf; false with errno set on a read error. */
static bool read_all(int fd, ks_buf *buf, ks_status *st)
{
    ks_buf_clear(buf);
    for (;;) {
        *st = ks_grow((void **)&buf->data, &buf->cap, buf->len + 65536 + 1, 1);
        if (*st != KS_OK)
            return true;
        ssize_t got = read(fd, buf->data + buf->len, buf->cap - buf->len - 1);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            return false;
        if (got == 0)
            break;
        buf->len += (size_t)got;
    }
    buf->data[buf->len] = '\0';
    return true;
}

/* A file's modification time in nanoseconds: a file rewritten within the
 * same second, at the same size, must still count as changed. */
static int64_t modification_time(const struct stat *info)
{
    return (int64_t)info->st_mtim.tv_sec * 1000000000 + info->st_mtim.tv_nsec;
}

static bool has_extension(const char *name, const char *extension);

/* Names the bytes a decoding replaced: the file is indexed, but not as
 * written, so the run must say so (and --prune keeps what it held). */
static void report_invalid_bytes(reader *rd, const char *path, const ks_invalid_bytes *invalid)
{
    char where[KS_INVALID_BYTES_SHOWN * 24] = "";
    size_t shown = invalid->count < KS_INVALID_BYTES_SHOWN ? invalid->count
                                                           : KS_INVALID_BYTES_SHOWN;
    for (size_t i = 0, used = 0; i < shown && used < sizeof where; i++)
        used += (size_t)snprintf(where + used, sizeof where - used, "%s%ld", i ? ", " : "",
                                 invalid->first[i]);
    report(rd, path, 0, invalid->first[0],
           "invalid UTF-8: %zu byte%s (at %s%s) replaced with U+FFFD; the rest is indexed",
           invalid->count, invalid->count == 1 ? "" : "s", where,
           invalid->count > shown ? ", ..." : "");
}

static ks_status deliver_text(reader *rd, const char *path, const struct stat *info)
{
    long offset = -1;
    const char *reason = NULL;
    ks_invalid_bytes invalid;
    ks_status st = ks_decode_text(rd->raw.data, rd->raw.len, &rd->text, &offset, &reason,
                                  &invalid);
    if (st == KS_ERR_NOMEM || st == KS_ERR_INTERNAL)
        return st;
    if (st != KS_OK) {
        report(rd, path, 0, offset, "%s", reason ? reason : "cannot decode");
        return KS_OK;
    }
    if (invalid.count)
        report_invalid_bytes(rd, path, &invalid);
    if (is_blank_text(rd->text.data, rd->text.len)) {
        report(rd, path, 0, -1, "empty file");
        return KS_OK;
    }
    char *title = first_line_title(rd->text.data, rd->text.len);
    if (!title)
        return KS_ERR_NOMEM;
    if (has_extension(path, ".md") && strncmp(title, "# ", 2) == 0) /* Markdown's title */
        memmove(title, title + 2, strlen(title + 2) + 1);
    ks_source_article source = {
        .article = {.id = path, .title = title, .body = rd->text.data,
                    .body_len = rd->text.len, .source_size = (uint64_t)info->st_size,
                    .source_mtime = modification_time(info), .origin = path},
        .origin = path,
        .line = 0,
    };
    rd->articles++;
    st = rd->callbacks->on_article(rd->callbacks->context, &source);
    free(title);
    return st;
}

static ks_source_file source_file(const char *path, const struct stat *info, bool jsonl)
{
    return (ks_source_file){.path = path, .size = (uint64_t)info->st_size,
                            .mtime = modification_time(info), .jsonl = jsonl};
}

/* An unchanged file need not be read again: the caller knows it. Pipes and
 * devices have no size or time to compare, so they are always read. */
static bool wanted(reader *rd, const char *path, const struct stat *info, bool jsonl)
{
    const ks_reader_callbacks *cb = rd->callbacks;
    if (!cb->wants_file || !S_ISREG(info->st_mode))
        return true;
    ks_source_file file = source_file(path, info, jsonl);
    return cb->wants_file(cb->context, &file);
}

static ks_status read_text_file(reader *rd, const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        report(rd, path, 0, -1, "cannot read: %s", strerror(errno));
        return KS_OK;
    }
    struct stat info;
    ks_status st = KS_OK;
    bool ok = fstat(fd, &info) == 0;
    if (ok && !wanted(rd, path, &info, false)) {
        close(fd);
        return KS_OK;
    }
    if (!ok || !read_all(fd, &rd->raw, &st)) {
        report(rd, path, 0, -1, "cannot read: %s", strerror(errno));
        close(fd);
        return KS_OK;
    }
    close(fd);
    return st == KS_OK ? deliver_text(rd, path, &info) : st;
}

/* ------------------------------------------------------------------------ */
/* JSON Lines: one article per line.                                        */

typedef struct jsonl_input {
    const char *origin;
    const char *file;  /* the file's path; NULL for stdin */
    int64_t mtime;
    json_t *seen_ids; /* id -> first line number, used as a set */
    long line;
} jsonl_input;

/* Reads an optional string field; false (reported) when it has another type. */
static bool optional_string(reader *rd, jsonl_input *in, json_t *record, const char *key,
                            const char **out)
{
    json_t *value = json_object_get(record, key);
    *out = NULL;
    if (!value || json_is_null(value))
        return true;
    if (!json_is_string(value)) {
        report(rd, in->origin, in->line, -1, "\"%s\" must be a string", key);
        return false;
    }
    *out = json_string_value(value);
    return true;
}

/* The record's id as text in idbuf; false (reported) when missing or bad. */
static bool record_id(reader *rd, jsonl_input *in, json_t *record, char *idbuf, size_t size,
                      const char **out)
{
    json_t *id = json_object_get(record, "id");
    if (!id) {
        report(rd, in->origin, in->line, -1, "missing \"id\"");
        return false;
    }
    if (json_is_integer(id)) {
        snprintf(idbuf, size, "%" JSON_INTEGER_FORMAT, json_integer_value(id));
        *out = idbuf;
        return true;
    }
    if (!json_is_string(id)) {
        report(rd, in->origin, in->line, -1, "\"id\" must be a string or an integer");
        return false;
    }
    *out = json_string_value(id);
    if (!**out) {
        report(rd, in->origin, in->line, -1, "\"id\" is empty");
        return false;
    }
    return true;
}

static bool record_body(reader *rd, jsonl_input *in, json_t *record, const char **out,
                        size_t *out_len)
{
    json_t *body = json_object_get(record, "body");
    if (!body) {
        report(rd, in->origin, in->line, -1, "missing \"body\"");
        return false;
    }
    if (!json_is_string(body)) {
        report(rd, in->origin, in->line, -1, "\"body\" must be a string");
        return false;
    }
    *out = json_string_value(body);
    *out_len = json_string_length(body);
    if (is_blank_text(*out, *out_len)) {
        report(rd, in->origin, in->line, -1, "\"body\" is empty");
        return false;
    }
    return true;
}

/* Remembers id; *fresh is false (and reported) when an earlier line had it. */
static ks_status claim_id(reader *rd, jsonl_input *in, const char *id, bool *fresh)
{
    json_t *first = json_object_get(in->seen_ids, id);
    *fresh = first == NULL;
    if (first) {
        report(rd, in->origin, in->line, -1,
               "duplicate id \"%s\" (first at line %" JSON_INTEGER_FORMAT "); skipped", id,
               json_integer_value(first));
        return KS_OK;
    }
    return json_object_set_new(in->seen_ids, id, json_integer(in->line)) == 0 ? KS_OK
                                                                           : KS_ERR_NOMEM;
}

static ks_status deliver_record(reader *rd, jsonl_input *in, json_t *record, size_t line_len)
{
    char idbuf[32];
    ks_source_article source = {.origin = in->origin, .line = in->line};
    ks_article *article = &source.article;
    if (!json_is_object(record)) {
        report(rd, in->origin, in->line, -1, "not a JSON object");
        return KS_OK;
    }
    if (!record_id(rd, in, record, idbuf, sizeof idbuf, &article->id) ||
        !record_body(rd, in, record, &article->body, &article->body_len) ||
        !optional_string(rd, in, record, "title", &article->title) ||
        !optional_string(rd, in, record, "date", &article->date) ||
        !optional_string(rd, in, record, "url", &article->url))
        return KS_OK;
    bool fresh;
    ks_status st = claim_id(rd, in, article->id, &fresh);
    if (st != KS_OK || !fresh)
        return st;
    /* A record has no size or time of its own: the line's length and the
     * file's time stand in, and the indexer's content hash decides. */
    article->source_size = line_len;
    article->source_mtime = in->mtime;
    article->origin = in->file;
    rd->articles++;
    return rd->callbacks->on_article(rd->callbacks->context, &source);
}

/* One line of JSONL, as the file, stdin and buffer readers all hand it over
 * (with or without its line end). */
static ks_status read_record(reader *rd, jsonl_input *in, const char *line, size_t len)
{
    in->line++;
    while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
        len--;
    if (in->line == 1 && len >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0) {
        line += 3;
        len -= 3;
    }
    if (is_blank_text(line, len))
        return KS_OK;
    size_t valid = ks_utf8_valid_prefix(line, len);
    if (valid != len) {
        report(rd, in->origin, in->line, (long)valid, "invalid UTF-8 at byte %zu", valid);
        return KS_OK;
    }
    json_error_t error;
    json_t *record = json_loadb(line, len, JSON_REJECT_DUPLICATES, &error);
    if (!record) {
        long at = error.position > 0 ? error.position - 1 : 0;
        report(rd, in->origin, in->line, at, "invalid JSON at byte %ld: %s", at, error.text);
        return KS_OK;
    }
    ks_status st = deliver_record(rd, in, record, len);
    json_decref(record);
    return st;
}

static ks_status jsonl_begin(jsonl_input *in, const char *origin, const char *file,
                             int64_t mtime)
{
    *in = (jsonl_input){.origin = origin, .file = file, .mtime = mtime,
                        .seen_ids = json_object()};
    return in->seen_ids ? KS_OK : KS_ERR_NOMEM;
}

static void jsonl_end(jsonl_input *in)
{
    json_decref(in->seen_ids);
}

/* `info` describes the open file; NULL when it could not be told. */
static ks_status read_jsonl_stream(reader *rd, FILE *file, const char *origin,
                                   const struct stat *info)
{
    bool regular = info && S_ISREG(info->st_mode);
    jsonl_input in;
    ks_status st = jsonl_begin(&in, origin, strcmp(origin, "-") == 0 ? NULL : origin,
                               regular ? modification_time(info) : 0);
    char *line = NULL;
    size_t cap = 0;
    ssize_t got;
    while (st == KS_OK && (got = getline(&line, &cap, file)) >= 0)
        st = read_record(rd, &in, line, (size_t)got);
    if (st == KS_OK && ferror(file))
        report(rd, origin, in.line + 1, -1, "cannot read: %s", strerror(errno));
    free(line);
    jsonl_end(&in);
    return st;
}

static ks_status read_jsonl_bytes(reader *rd, const char *bytes, size_t len, const char *origin)
{
    jsonl_input in;
    ks_status st = jsonl_begin(&in, origin, NULL, 0);
    size_t start = 0;
    while (st == KS_OK && start < len) {
        const char *newline = memchr(bytes + start, '\n', len - start);
        size_t end = newline ? (size_t)(newline - bytes) + 1 : len;
        st = read_record(rd, &in, bytes + start, end - start);
        start = end;
    }
    jsonl_end(&in);
    return st;
}

static ks_status read_jsonl_file(reader *rd, const char *path)
{
    FILE *file = fopen(path, "rb");
    if (!file) {
        report(rd, path, 0, -1, "cannot read: %s", strerror(errno));
        return KS_OK;
    }
    struct stat info;
    bool known = fstat(fileno(file), &info) == 0;
    if (known && !wanted(rd, path, &info, true)) {
        fclose(file);
        return KS_OK;
    }
    size_t articles_before = rd->articles, problems_before = rd->problems;
    ks_status st = read_jsonl_stream(rd, file, path, known ? &info : NULL);
    fclose(file);
    const ks_reader_callbacks *cb = rd->callbacks;
    if (st == KS_OK && known && S_ISREG(info.st_mode) && cb->file_read) {
        ks_source_file whole = source_file(path, &info, true);
        cb->file_read(cb->context, &whole, rd->articles - articles_before,
                      rd->problems - problems_before);
    }
    return st;
}

/* ------------------------------------------------------------------------ */
/* Folders.                                                                 */

static bool has_extension(const char *name, const char *extension)
{
    size_t n = strlen(name), e = strlen(extension);
    return n > e && strcasecmp(name + n - e, extension) == 0;
}

static bool is_jsonl_name(const char *name)
{
    return has_extension(name, ".jsonl");
}

/* Files a folder walk reads; others are silently left alone. */
static bool is_article_name(const char *name)
{
    return has_extension(name, ".txt") || has_extension(name, ".md") || is_jsonl_name(name);
}

static ks_status read_file(reader *rd, const char *path)
{
    return is_jsonl_name(path) ? read_jsonl_file(rd, path) : read_text_file(rd, path);
}

/* Byte order, not the locale's collation: the same walk on every machine. */
static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

static int is_visible(const struct dirent *entry)
{
    return entry->d_name[0] != '.';
}

static ks_status walk_folder(reader *rd, const char *path, const struct stat *info);

/* Whether the symbolic link at `path` leads out of the folder being read.
 * A broken link does not: it is named as broken below. */
static bool leaves_root(const reader *rd, const char *path)
{
    char *target = realpath(path, NULL);
    if (!target)
        return false;
    size_t len = strlen(rd->root);
    bool inside = strncmp(target, rd->root, len) == 0 &&
                  (target[len] == '\0' || target[len] == '/' || strcmp(rd->root, "/") == 0);
    free(target);
    return !inside;
}

static ks_status read_entry(reader *rd, const char *path, const char *name, unsigned char type)
{
    struct stat info;
    if ((type == DT_LNK || type == DT_UNKNOWN) && !rd->callbacks->follow_links && rd->root &&
        lstat(path, &info) == 0 && S_ISLNK(info.st_mode) && leaves_root(rd, path))
        return KS_OK;
    if (stat(path, &info) != 0) {
        struct stat link;
        if (errno == ENOENT && lstat(path, &link) == 0 && S_ISLNK(link.st_mode))
            report(rd, path, 0, -1, "broken symbolic link");
        else
            report(rd, path, 0, -1, "cannot read: %s", strerror(errno));
        return KS_OK;
    }
    if (S_ISDIR(info.st_mode))
        return walk_folder(rd, path, &info);
    if (S_ISREG(info.st_mode) && is_article_name(name))
        return read_file(rd, path);
    return KS_OK;
}

/* Pushes the folder on the walked path, unless it is there already: a
 * symbolic link back to a folder being read would make the walk endless. */
static ks_status enter_folder(reader *rd, const char *path, const struct stat *info,
                              bool *entered)
{
    *entered = false;
    for (size_t i = 0; i < rd->open_count; i++)
        if (rd->open_folders[i].device == info->st_dev &&
            rd->open_folders[i].inode == info->st_ino) {
            report(rd, path, 0, -1, "symbolic link loop: folder already being read; skipped");
            return KS_OK;
        }
    ks_status st = ks_grow((void **)&rd->open_folders, &rd->open_cap, rd->open_count + 1,
                           sizeof(folder_id));
    if (st != KS_OK)
        return st;
    rd->open_folders[rd->open_count++] = (folder_id){info->st_dev, info->st_ino};
    *entered = true;
    return KS_OK;
}

static ks_status walk_entries(reader *rd, const char *path, struct dirent **entries, int count)
{
    ks_buf child = {0};
    size_t base = strlen(path);
    while (base > 1 && path[base - 1] == '/')
        base--;
    ks_status st = KS_OK;
    for (int i = 0; i < count && st == KS_OK; i++) {
        ks_buf_clear(&child);
        st = ks_buf_append(&child, path, base);
        if (st == KS_OK && !(base == 1 && path[0] == '/'))
            st = ks_buf_append(&child, "/", 1);
        if (st == KS_OK)
            st = ks_buf_append_str(&child, entries[i]->d_name);
        if (st == KS_OK)
            st = read_entry(rd, child.data, entries[i]->d_name, entries[i]->d_type);
    }
    ks_buf_free(&child);
    return st;
}

static ks_status walk_folder(reader *rd, const char *path, const struct stat *info)
{
    bool entered;
    ks_status st = enter_folder(rd, path, info, &entered);
    if (st != KS_OK || !entered)
        return st;
    struct dirent **entries = NULL;
    int count = scandir(path, &entries, is_visible, by_name);
    if (count < 0) {
        if (errno == ENOMEM)
            st = KS_ERR_NOMEM;
        else
            report(rd, path, 0, -1, "cannot read folder: %s", strerror(errno));
    } else {
        st = walk_entries(rd, path, entries, count);
        for (int i = 0; i < count; i++)
            free(entries[i]);
        free(entries);
    }
    rd->open_count--;
    return st;
}

/* ------------------------------------------------------------------------ */

KS_API char *ks_article_path(const char *path)
{
    if (!path || !*path) {
        errno = EINVAL;
        return NULL;
    }
    struct stat info;
    if (stat(path, &info) == 0 && S_ISDIR(info.st_mode))
        return realpath(path, NULL);
    /* A file keeps its own name, link or not, as it has in a folder walk. */
    const char *slash = strrchr(path, '/');
    const char *name = slash ? slash + 1 : path;
    char *folder_given = slash ? ks_strndup(path, slash == path ? 1 : (size_t)(slash - path))
                               : ks_strndup(".", 1);
    if (!folder_given) {
        errno = ENOMEM;
        return NULL;
    }
    char *folder = realpath(folder_given, NULL);
    free(folder_given);
    if (!folder)
        return NULL;
    ks_buf joined = {0};
    bool at_root = strcmp(folder, "/") == 0;
    ks_status st = ks_buf_printf(&joined, "%s%s%s", folder, at_root ? "" : "/", name);
    free(folder);
    if (st != KS_OK) {
        ks_buf_free(&joined);
        errno = ENOMEM;
        return NULL;
    }
    return joined.data;
}

static ks_status read_named_path(reader *rd, const char *path)
{
    if (strcmp(path, "-") == 0) {
        struct stat info;
        return read_jsonl_stream(rd, stdin, "-", fstat(fileno(stdin), &info) == 0 ? &info : NULL);
    }
    struct stat info;
    if (stat(path, &info) != 0) {
        int error = errno;
        report(rd, path, 0, -1, "%s", strerror(error));
        if (error == ENOMEM)
            return KS_ERR_NOMEM;
        return error == ENOENT || error == ENOTDIR ? KS_ERR_NOT_FOUND : KS_ERR_IO;
    }
    /* Every path read from here on is spelled from this one: however the
     * input was written, a file gets one id and one origin. */
    char *canonical = ks_article_path(path);
    if (!canonical) {
        int error = errno;
        report(rd, path, 0, -1, "%s", strerror(error));
        return error == ENOMEM ? KS_ERR_NOMEM : KS_ERR_IO;
    }
    rd->named = canonical;
    if (S_ISDIR(info.st_mode)) {
        rd->root = canonical;
        return walk_folder(rd, canonical, &info);
    }
    path = canonical;
    /* A CSV's columns could be named anything: kosearch reads the one form
     * that names them, and says how to get it. */
    if (has_extension(path, ".csv")) {
        report(rd, path, 0, -1,
               "CSV is not read; write the articles as JSON Lines instead (a .jsonl file, "
               "one {\"id\", \"title\", \"date\", \"url\", \"body\"} object per line)");
        return KS_OK;
    }
    /* Named on purpose: read whatever the extension, pipes included. */
    return read_file(rd, path);
}

KS_API ks_status ks_read_path(const char *path, const ks_reader_callbacks *callbacks)
{
    if (!path || !callbacks || !callbacks->on_article)
        return KS_ERR_INVALID_ARGUMENT;
    reader rd = {.callbacks = callbacks};
    ks_status st = read_named_path(&rd, path);
    free(rd.named);
    free(rd.open_folders);
    ks_buf_free(&rd.raw);
    ks_buf_free(&rd.text);
    return st;
}

ks_status ks_read_jsonl_buffer(const char *bytes, size_t len, const char *origin,
                               const ks_reader_callbacks *callbacks)
{
    if ((!bytes && len) || !origin || !callbacks || !callbacks->on_article)
        return KS_ERR_INVALID_ARGUMENT;
    reader rd = {.callbacks = callbacks};
    return read_jsonl_bytes(&rd, bytes, len, origin);
}
