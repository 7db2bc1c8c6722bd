/* kosearch index: read files, folders or JSONL and put their articles into
 * the database, committing in batches so an interruption keeps every
 * complete article and never leaves half of one. */
#include "cli.h"
#include "progress.h"

#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Passages per commit: Xapian writes its batched changes at each commit, so
 * fewer commits index faster; an interruption loses at most this much work. */
#define PASSAGES_PER_COMMIT 20000

/* Each shard is a database with its own files and lock. */
#define MAX_SHARDS 256
#define MAX_JOBS 16

static const cli_help help = {
    .command = "index",
    .before =
        "Usage: kosearch index [OPTIONS] PATH...\n"
        "\n"
        "Index .txt, .md and .jsonl files, folders (recursively), or - for JSONL on\n"
        "stdin. Text files: the id is the absolute path, the title the first line.\n"
        "JSONL: one {\"id\", \"title\", \"date\", \"url\", \"body\"} object per line (id\n"
        "and body required); an id already read is skipped, the first line keeps it.\n"
        "Rerunning adds new articles, replaces changed ones and skips unchanged ones.\n",
    .after =
        "\n"
        "Prints a summary line at the end. Exit status: 0 all read, 1 some inputs\n"
        "skipped (each named on stderr), 2 error, 130 interrupted (complete articles kept).\n",
};

static volatile sig_atomic_t interrupted;

static void on_interrupt(int signal_number)
{
    (void)signal_number;
    interrupted = 1;
}

/* A list of strings the run owns. */
typedef struct text_list {
    char **items;
    size_t count, cap;
} text_list;

typedef struct index_run {
    ks_db *db;
    size_t added, updated, unchanged, skipped, removed, passages, since_commit;
    /* The counts as of the last commit that succeeded: what a failed final
     * commit leaves in the database. */
    size_t saved_added, saved_updated, saved_removed, saved_passages;
    ks_status failure;
    json_t *seen;            /* other ids read in this run, with --prune (a set) */
    json_t *skipped_files;   /* JSONL files skipped as unchanged (a set) */
    /* Where each JSONL id was first read in this run: an index into
     * jsonl_files times 2^32, plus the line. */
    json_t *jsonl_ids;
    text_list jsonl_files;   /* the JSONL files read, in order */
    bool conflict_in_file;   /* the last of them repeats an id of another */
    char **prune_roots;      /* paths whose vanished articles are removed (as
                                ks_article_path() spells them) */
    size_t prune_root_count;
    text_list troubled;      /* inputs named as problems in this run: never pruned */
    size_t kept;
    progress *progress;      /* NULL unless stderr is a terminal and not --quiet */
    bool built_new;          /* a new database: nothing is saved until it closes */
    bool rebuilding;         /* --rebuild: the database holds only what is read now */
    const char *input;       /* the PATH being read, as written */
    char *input_path;        /* and as ks_article_path() spells it */
} index_run;

static ks_status commit(index_run *run)
{
    ks_status st = ks_db_commit(run->db);
    if (st != KS_OK) {
        progress_clear(run->progress);
        cli_error("cannot commit to %s: %s", ks_db_path(run->db), ks_db_error(run->db));
    } else {
        run->saved_added = run->added;
        run->saved_updated = run->updated;
        run->saved_removed = run->removed;
        run->saved_passages = run->passages;
    }
    run->since_commit = 0;
    return st;
}

/* Counts articles and passages as done once written: a build on several
 * threads accepts them ahead of its writers. */
static void count_done(index_run *run, size_t *articles, size_t *passages)
{
    size_t pending_articles, pending_passages;
    ks_db_pending(run->db, &pending_articles, &pending_passages);
    size_t accepted = run->added + run->updated + run->unchanged;
    *articles = accepted - (pending_articles < accepted ? pending_articles : accepted);
    *passages = run->passages - (pending_passages < run->passages ? pending_passages : run->passages);
}

/* Asking a build what is pending takes each writer's lock, so the counts
 * are gathered only when the line will be redrawn. */
static void show_progress(index_run *run)
{
    if (!progress_due(run->progress))
        return;
    size_t articles, passages;
    count_done(run, &articles, &passages);
    progress_update(run->progress, articles, passages);
}

/* Waits, showing progress, while a build's threads write what they were
 * given; an interrupt stops the wait, so giving up a rebuild is quick. */
static void wait_for_writers(index_run *run)
{
    const struct timespec redraw_interval = {0, 50 * 1000 * 1000};
    for (;;) {
        size_t pending;
        ks_db_pending(run->db, &pending, NULL);
        if (pending == 0 || interrupted)
            return;
        show_progress(run);
        nanosleep(&redraw_interval, NULL);
    }
}

/* Adds `key` to a set. File names need not be UTF-8 (jansson's checked
 * setters refuse them), and these sets are never written out as JSON. */
static void add_to_set(index_run *run, json_t *set, const char *key)
{
    if (set && json_object_set_new_nocheck(set, key, json_true()) != 0)
        run->failure = KS_ERR_NOMEM; /* pruning with a set missing an id would remove it */
}

/* Appends a copy of `text`; false when memory ran out. */
static bool add_copy(text_list *list, const char *text)
{
    if (list->count == list->cap) {
        size_t cap = list->cap ? list->cap * 2 : 16;
        char **grown = realloc(list->items, cap * sizeof *grown);
        if (!grown)
            return false;
        list->items = grown;
        list->cap = cap;
    }
    if (!(list->items[list->count] = strdup(text)))
        return false;
    list->count++;
    return true;
}

static void free_list(text_list *list)
{
    for (size_t i = 0; i < list->count; i++)
        free(list->items[i]);
    free(list->items);
}

static void remember(index_run *run, const char *id)
{
    add_to_set(run, run->seen, id);
}

static void on_problem(void *context, const char *origin, long line, long byte_offset,
                       const char *message);

/* Skips a file unread when its size and time match what was indexed: a
 * text file's article record, or the facts of a JSONL file, which the
 * database keeps only while every article from it is as it was read. */
static bool wants_file(void *context, const ks_source_file *file)
{
    index_run *run = context;
    if (file->jsonl) {
        ks_file_facts facts;
        if (ks_db_file_facts(run->db, file->path, &facts) != KS_OK ||
            facts.size != file->size || facts.mtime != file->mtime)
            return true;
        /* Lines deleted before a run without --prune left their articles
         * behind: only a pruning read of the file finds them. */
        if (run->prune_roots && !facts.complete)
            return true;
        /* --prune: every article from it was seen */
        add_to_set(run, run->skipped_files, file->path);
        run->unchanged += facts.articles;
    } else {
        ks_article_record record;
        if (ks_db_article_record(run->db, file->path, &record) != KS_OK ||
            record.source_size != file->size || record.source_mtime != file->mtime)
            return true;
        remember(run, file->path);
        run->unchanged++;
    }
    show_progress(run);
    return false;
}

/* A JSONL file read whole, each line an article: while it stays unchanged,
 * the next run may skip it. */
static void file_read(void *context, const ks_source_file *file, size_t articles, size_t problems)
{
    index_run *run = context;
    bool conflict = run->conflict_in_file;
    run->conflict_in_file = false;
    /* A line skipped for its id must be named again by the next run. */
    if (problems || conflict || run->failure != KS_OK)
        return;
    ks_file_facts facts = {.size = file->size, .mtime = file->mtime, .articles = articles,
                           .complete = run->prune_roots || run->rebuilding};
    ks_status st = ks_db_set_file_facts(run->db, file->path, &facts);
    if (st != KS_OK) {
        progress_clear(run->progress);
        cli_error("%s: %s", file->path, ks_db_error(run->db));
        run->failure = st;
    }
}

/* A path the reader spelled with ks_article_path(), as it reads under the
 * PATH being read as the user wrote it (`in/a.txt` for `/abs/in/a.txt`);
 * NULL when it is not under it. Malloc'd. */
static char *spelled_as_given(const index_run *run, const char *path)
{
    if (!run->input_path)
        return NULL;
    size_t root_len = strlen(run->input_path);
    const char *rest = path + root_len;
    bool under = strncmp(path, run->input_path, root_len) == 0 &&
                 (*rest == '\0' || *rest == '/' || strcmp(run->input_path, "/") == 0);
    if (!under)
        return NULL;
    size_t given_len = strlen(run->input);
    while (given_len > 1 && run->input[given_len - 1] == '/')
        given_len--;
    bool slash = *rest && *rest != '/' && run->input[given_len - 1] != '/';
    char *spelled = malloc(given_len + slash + strlen(rest) + 1);
    if (spelled) {
        memcpy(spelled, run->input, given_len);
        strcpy(spelled + given_len, slash ? "/" : "");
        strcat(spelled, rest);
    }
    return spelled;
}

/* A database written before every path was spelled one way holds a text
 * file under the spelling it was named with: `dir/a.txt` where the id is
 * now `/abs/dir/a.txt`. Rerunning the same command finds that spelling, and
 * the article is replaced rather than kept twice. */
static ks_status drop_former_spelling(index_run *run, const ks_source_article *source,
                                      ks_change *change)
{
    const char *id = source->article.id;
    if (source->line != 0 || run->built_new || run->rebuilding)
        return KS_OK;
    char *former = spelled_as_given(run, id);
    ks_status st = KS_OK;
    ks_article_record record;
    if (former && strcmp(former, id) != 0 &&
        ks_db_article_record(run->db, former, &record) == KS_OK) {
        st = ks_db_remove_article(run->db, former);
        if (st == KS_OK && *change == KS_CHANGE_ADDED)
            *change = KS_CHANGE_UPDATED;
    }
    free(former);
    return st;
}

/* The index in jsonl_files of `path`, added when it is not the last one. */
static size_t jsonl_file_index(index_run *run, const char *path)
{
    text_list *files = &run->jsonl_files;
    if (files->count && strcmp(files->items[files->count - 1], path) == 0)
        return files->count - 1;
    return add_copy(files, path) ? files->count - 1 : SIZE_MAX;
}

/* Records where a JSONL id was first read; false when memory ran out. */
static bool note_jsonl_id(index_run *run, const char *id, const char *path, long line)
{
    size_t file = jsonl_file_index(run, path);
    return file != SIZE_MAX && run->jsonl_ids &&
           json_object_set_new_nocheck(run->jsonl_ids, id,
                                       json_integer((json_int_t)file << 32 | line)) == 0;
}

static ks_status learn_line(void *context, const ks_source_article *source)
{
    index_run *run = context;
    if (!json_object_get(run->jsonl_ids, source->article.id) &&
        !note_jsonl_id(run, source->article.id, source->origin, source->line))
        return KS_ERR_NOMEM;
    return KS_OK;
}

/* Where a JSONL file skipped as unchanged has each of its ids: read again
 * only when another file repeats one of them, to name its line. */
static ks_status learn_skipped_file(index_run *run, const char *path)
{
    ks_reader_callbacks learn = {.on_article = learn_line, .context = run};
    return ks_read_path(path, &learn);
}

/* Where else this run holds a JSONL article's id: an earlier line of
 * another file read now, or a file skipped as unchanged that the database
 * says it came from. Malloc'd "FILE:LINE"; NULL when nowhere (an article
 * that moved from a file not read now moves). */
static char *held_elsewhere(index_run *run, const ks_source_article *source, ks_status *st)
{
    const char *id = source->article.id;
    json_t *first = json_object_get(run->jsonl_ids, id);
    if (!first && json_object_size(run->skipped_files) > 0) {
        char *origin = NULL;
        if (ks_db_article_origin(run->db, id, &origin) == KS_OK && *origin &&
            strcmp(origin, source->origin) != 0 && json_object_get(run->skipped_files, origin)) {
            *st = learn_skipped_file(run, origin);
            first = json_object_get(run->jsonl_ids, id);
        }
        free(origin);
    }
    if (!first || *st != KS_OK)
        return NULL;
    json_int_t where = json_integer_value(first);
    size_t file = (size_t)(where >> 32);
    const text_list *files = &run->jsonl_files;
    if (file >= files->count || strcmp(files->items[file], source->origin) == 0)
        return NULL;
    size_t size = strlen(files->items[file]) + 24;
    char *place = malloc(size);
    if (place)
        snprintf(place, size, "%s:%ld", files->items[file], (long)(where & 0xFFFFFFFF));
    else
        *st = KS_ERR_NOMEM;
    return place;
}

/* The same id in two JSONL files: the first one read is kept, run after
 * run, and the other line is named as skipped. Without this, each run
 * would move the article to the other file ("updated" forever). */
static ks_status claim_jsonl_id(index_run *run, const ks_source_article *source, bool *claimed)
{
    *claimed = true;
    if (source->line == 0 || !source->article.origin)
        return KS_OK; /* a text file, or stdin */
    ks_status st = KS_OK;
    char *place = held_elsewhere(run, source, &st);
    if (st != KS_OK)
        return st;
    if (place) {
        char *spelled = spelled_as_given(run, place);
        size_t size = strlen(source->article.id) + strlen(spelled ? spelled : place) + 64;
        char *message = malloc(size);
        if (!message) {
            st = KS_ERR_NOMEM;
        } else {
            snprintf(message, size, "duplicate id \"%s\" (first at %s); skipped",
                     source->article.id, spelled ? spelled : place);
            on_problem(run, source->origin, source->line, -1, message);
            run->conflict_in_file = true;
            *claimed = false;
        }
        free(message);
        free(spelled);
        free(place);
        return st;
    }
    return note_jsonl_id(run, source->article.id, source->origin, source->line) ? KS_OK
                                                                                : KS_ERR_NOMEM;
}

static ks_status on_article(void *context, const ks_source_article *source)
{
    index_run *run = context;
    if (interrupted)
        return KS_ERR_INTERRUPTED;
    bool claimed;
    ks_status claim = claim_jsonl_id(run, source, &claimed);
    if (claim != KS_OK) {
        run->failure = claim;
        return claim;
    }
    if (!claimed)
        return KS_OK;
    ks_change change;
    size_t passages;
    ks_article article = source->article;
    article.origin = source->origin;
    if (source->line == 0 || !source->article.origin) /* the others are in jsonl_ids */
        remember(run, article.id);
    char date[KS_DATE_BYTES];
    if (article.date && *article.date && ks_date_normalize(article.date, date) != KS_OK) {
        progress_clear(run->progress);
        char *spelled = spelled_as_given(run, source->origin);
        fprintf(stderr, "kosearch: %s:%ld: unreadable date \"%s\" of %s; stored as unknown\n",
                spelled ? spelled : source->origin, source->line, article.date, article.id);
        free(spelled);
    }
    ks_status st = ks_db_put_article(run->db, &article, &change, &passages);
    if (st == KS_OK)
        st = drop_former_spelling(run, source, &change);
    if (st != KS_OK) {
        progress_clear(run->progress);
        cli_error("%s: %s", source->origin, ks_db_error(run->db));
        run->failure = st;
        return st;
    }
    run->passages += change == KS_CHANGE_UNCHANGED ? 0 : passages;
    if (change == KS_CHANGE_ADDED)
        run->added++;
    else if (change == KS_CHANGE_UPDATED)
        run->updated++;
    else
        run->unchanged++;
    show_progress(run);
    run->since_commit += passages + 1;
    if (run->since_commit >= PASSAGES_PER_COMMIT)
        return commit(run);
    return KS_OK;
}

/* Remembers an input named as a problem: what it held may come back once
 * it is readable again, so --prune must not take it as gone. The reader
 * names each problem file or folder once or a few times in a row. */
static void remember_trouble(index_run *run, const char *origin)
{
    if (!run->prune_roots || strcmp(origin, "-") == 0)
        return;
    text_list *troubled = &run->troubled;
    if (troubled->count && strcmp(troubled->items[troubled->count - 1], origin) == 0)
        return;
    if (!add_copy(troubled, origin))
        run->failure = KS_ERR_NOMEM; /* pruning without the list could lose articles */
}

static void on_problem(void *context, const char *origin, long line, long byte_offset,
                       const char *message)
{
    index_run *run = context;
    run->skipped++;
    remember_trouble(run, origin);
    progress_clear(run->progress);
    /* Named as the user wrote the PATH, like grep does. */
    char *spelled = spelled_as_given(run, origin);
    const char *shown = spelled ? spelled : origin;
    if (line > 0)
        fprintf(stderr, "kosearch: %s:%ld: %s\n", shown, line, message);
    else if (byte_offset >= 0)
        fprintf(stderr, "kosearch: %s: byte %ld: %s\n", shown, byte_offset, message);
    else
        fprintf(stderr, "kosearch: %s: %s\n", shown, message);
    free(spelled);
}

/* Whether `origin` is the path `root` or lies inside it. */
static bool lies_under(const char *origin, const char *root)
{
    size_t len = strlen(root);
    while (len > 1 && root[len - 1] == '/')
        len--;
    return strncmp(origin, root, len) == 0 && (origin[len] == '\0' || origin[len] == '/');
}

/* Whether a path is written the way ks_article_path() writes it, as far
 * as the letters tell: absolute, with no empty, `.` or `..` part. */
static bool is_plain_absolute(const char *path)
{
    if (path[0] != '/')
        return false;
    for (const char *part = path + 1; *part;) {
        size_t len = strcspn(part, "/");
        if (len == 0 || (len == 1 && part[0] == '.') ||
            (len == 2 && part[0] == '.' && part[1] == '.'))
            return false;
        part += len + (part[len] == '/');
    }
    return true;
}

/* An origin as a database written before paths were spelled one way may
 * hold it (`./dir/a.txt`, `dir//a.txt`): taken from the current folder and
 * tidied letter by letter, so that --prune sees it under its PATH. */
static char *absolute_spelling(const char *origin, const char *cwd)
{
    size_t size = strlen(cwd) + strlen(origin) + 2;
    char *path = malloc(size);
    if (!path)
        return NULL;
    snprintf(path, size, "%s/%s", origin[0] == '/' ? "" : cwd, origin);
    /* In place: each part is written after one slash, and was read after
     * at least one. */
    size_t len = 0;
    for (const char *part = path; *part;) {
        size_t part_len = strcspn(part, "/");
        if (part_len == 2 && part[0] == '.' && part[1] == '.') {
            while (len > 0 && path[len - 1] != '/')
                len--;
            len -= len > 0; /* and the slash before the dropped part */
        } else if (part_len && !(part_len == 1 && part[0] == '.')) {
            path[len++] = '/';
            memmove(path + len, part, part_len);
            len += part_len;
        }
        part += part_len + (part[part_len] == '/');
    }
    if (len == 0)
        path[len++] = '/';
    path[len] = '\0';
    return path;
}

typedef struct prune_list {
    index_run *run;
    text_list ids;
    char *cwd; /* for origins written before paths were spelled one way */
} prune_list;

static bool vanished(index_run *run, const char *id, const char *origin)
{
    if (json_object_get(run->seen, id) || json_object_get(run->jsonl_ids, id) ||
        json_object_get(run->skipped_files, origin))
        return false;
    bool under = false;
    for (size_t i = 0; i < run->prune_root_count && !under; i++)
        under = lies_under(origin, run->prune_roots[i]);
    if (!under)
        return false;
    for (size_t i = 0; i < run->troubled.count; i++)
        if (lies_under(origin, run->troubled.items[i])) {
            run->kept++;
            return false;
        }
    return true;
}

static int collect_vanished(void *context, const char *id, const char *origin)
{
    prune_list *list = context;
    bool gone;
    if (!*origin || is_plain_absolute(origin) || !list->cwd) {
        gone = vanished(list->run, id, origin);
    } else {
        char *absolute = absolute_spelling(origin, list->cwd);
        if (!absolute)
            return 1;
        gone = vanished(list->run, id, absolute);
        free(absolute);
    }
    return gone && !add_copy(&list->ids, id);
}

/* Removes articles that came from the given paths but were not read now. */
static ks_status prune(index_run *run)
{
    prune_list list = {run, {0}, getcwd(NULL, 0)};
    int stopped = 0;
    /* Without the sets of what was read, everything would look vanished. */
    ks_status st = run->seen && run->jsonl_ids && run->skipped_files ? KS_OK : KS_ERR_NOMEM;
    if (st == KS_OK)
        st = ks_db_each_article(run->db, collect_vanished, &list, &stopped);
    if (st == KS_OK && stopped)
        st = KS_ERR_NOMEM;
    for (size_t i = 0; i < list.ids.count && st == KS_OK; i++) {
        st = ks_db_remove_article(run->db, list.ids.items[i]);
        run->removed += st == KS_OK;
    }
    if (st != KS_OK) {
        progress_clear(run->progress);
        cli_error("cannot prune: %s",
                  *ks_db_error(run->db) ? ks_db_error(run->db) : ks_status_string(st));
    }
    free_list(&list.ids);
    free(list.cwd);
    if (st == KS_OK && run->kept)
        fprintf(stderr, "kosearch: --prune kept %zu article%s of the inputs named above: "
                        "they could not be read whole\n",
                run->kept, run->kept == 1 ? "" : "s");
    return st;
}

int cmd_index(int argc, char **argv)
{
    const char *db_option = NULL;
    unsigned flags = KS_OPEN_WRITE;
    bool quiet = false, pruning = false, follow_links = false;
    size_t shards = 0, jobs = 0;
    cli_getopt options;
    cli_options_of("index", &options);
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, options.short_options, options.long_options, NULL)) != -1) {
        switch (c) {
        case CLI_OPT_DB: db_option = optarg; break;
        case CLI_OPT_REBUILD: flags |= KS_OPEN_REBUILD; break;
        case CLI_OPT_PRUNE: pruning = true; break;
        case CLI_OPT_FOLLOW: follow_links = true; break;
        case CLI_OPT_WAIT: flags |= KS_OPEN_WAIT; break;
        case CLI_OPT_SHARDS:
            if (!cli_parse_size(optarg, &shards) || shards == 0 || shards > MAX_SHARDS)
                return cli_usage_error("index", "--shards needs a number from 1 to %d, not '%s'",
                                       MAX_SHARDS, optarg);
            break;
        case CLI_OPT_JOBS:
            if (!cli_parse_size(optarg, &jobs) || jobs == 0 || jobs > MAX_JOBS)
                return cli_usage_error("index", "--jobs needs a number from 1 to %d, not '%s'",
                                       MAX_JOBS, optarg);
            break;
        case CLI_OPT_QUIET: quiet = true; break;
        case CLI_OPT_HELP: cli_print_help(&help); return 0;
        default: return cli_bad_option("index", argv);
        }
    }
    if (optind >= argc)
        return cli_usage_error("index", "no PATH to index");

    char *path = cli_database_path(db_option);
    bool built_new = path && access(path, F_OK) != 0;
    if (!path || !cli_make_parent_folders(path)) {
        free(path);
        return EXIT_TROUBLE;
    }
    /* A new database is built like a rebuild, on every core, and appears
     * when complete; unlike an asked-for rebuild, an interruption keeps the
     * articles completed so far. */
    bool asked_rebuild = flags & KS_OPEN_REBUILD;
    flags |= KS_OPEN_BUILD_NEW;
    index_run run = {.built_new = built_new, .rebuilding = asked_rebuild};
    run.db = cli_open_sharded_database(path, flags, (unsigned)shards);
    free(path);
    if (!run.db)
        return EXIT_TROUBLE;
    if (jobs)
        ks_db_set_build_threads(run.db, (unsigned)jobs);

    struct sigaction action = {0};
    action.sa_handler = on_interrupt;
    sigaction(SIGINT, &action, NULL);
    sigaction(SIGTERM, &action, NULL);
    run.progress = progress_start(stderr, quiet, argc - optind, argv + optind, follow_links);

    run.jsonl_ids = json_object();
    run.skipped_files = json_object();
    if (pruning) {
        run.seen = json_object();
        run.prune_roots = calloc((size_t)(argc - optind), sizeof *run.prune_roots);
    }
    ks_reader_callbacks callbacks = {.on_article = on_article, .on_problem = on_problem,
                                     .context = &run, .wants_file = wants_file,
                                     .file_read = file_read, .follow_links = follow_links};
    ks_status st = KS_OK;
    for (int i = optind; i < argc && st == KS_OK; i++) {
        run.input = argv[i];
        run.input_path = strcmp(argv[i], "-") == 0 ? NULL : ks_article_path(argv[i]);
        st = ks_read_path(argv[i], &callbacks);
        /* A path that could not be read at all is never pruned: a typo or an
         * unmounted folder must not empty the index. */
        if (st == KS_OK && run.prune_roots && run.input_path) {
            run.prune_roots[run.prune_root_count++] = run.input_path;
            run.input_path = NULL;
        }
        free(run.input_path);
        run.input_path = NULL;
        /* A path that cannot be read at all was already named on stderr by
         * the reader; go on with the others. */
        if (st != KS_OK && st != KS_ERR_INTERRUPTED && run.failure == KS_OK)
            st = KS_OK;
    }
    if (st == KS_OK && run.failure == KS_OK)
        wait_for_writers(&run);
    size_t articles_done, passages_done;
    count_done(&run, &articles_done, &passages_done);
    progress_finishing(run.progress, articles_done, passages_done);
    if (interrupted)
        st = KS_ERR_INTERRUPTED;
    if (pruning && st == KS_OK && run.failure == KS_OK)
        st = prune(&run);
    /* Commit what is complete, even when interrupted: every article in it is
     * whole. An interrupted or failed rebuild is given up instead, keeping
     * the database as it was. */
    bool give_up = asked_rebuild && (st != KS_OK || run.failure != KS_OK);
    if (asked_rebuild && !give_up) {
        /* What is left is merging the rebuilt parts, seconds on a large
         * corpus and not stoppable halfway. The old database stays as it was
         * until the swap that ends it, and the next run clears what a stop
         * leaves beside it: an interrupt may now simply end the process. */
        struct sigaction default_action = {0};
        default_action.sa_handler = SIG_DFL;
        sigaction(SIGINT, &default_action, NULL);
        sigaction(SIGTERM, &default_action, NULL);
        if (interrupted) {
            st = KS_ERR_INTERRUPTED;
            give_up = true;
        }
    }
    ks_status committed = give_up ? KS_OK : commit(&run);
    ks_status closed = give_up ? ks_db_abandon(run.db) : ks_db_close(run.db);
    progress_finish(run.progress);
    run.progress = NULL;
    if (closed != KS_OK && !give_up)
        cli_error("cannot finish writing the database: %s", ks_status_string(closed));
    json_decref(run.seen);
    json_decref(run.skipped_files);
    json_decref(run.jsonl_ids);
    free_list(&run.jsonl_files);
    for (size_t i = 0; i < run.prune_root_count; i++)
        free(run.prune_roots[i]);
    free(run.prune_roots);
    free_list(&run.troubled);
    bool saved = committed == KS_OK && closed == KS_OK;
    if (!saved && !give_up) {
        /* Only what earlier commits wrote is in the database (nothing, for a
         * build, which appears whole at the end or not at all). */
        bool built = asked_rebuild || run.built_new;
        run.added = built ? 0 : run.saved_added;
        run.updated = built ? 0 : run.saved_updated;
        run.removed = built ? 0 : run.saved_removed;
        run.passages = built ? 0 : run.saved_passages;
        fprintf(stderr, "kosearch: the changes since the last commit were not saved\n");
    }
    if (!quiet || st != KS_OK || !saved)
        fprintf(stderr,
                "kosearch: %zu added, %zu updated, %zu unchanged, %zu removed, %zu skipped; "
                "%zu passages written%s\n",
                run.added, run.updated, run.unchanged, run.removed, run.skipped, run.passages,
                st == KS_ERR_INTERRUPTED ? " (interrupted)" : "");
    if (st == KS_ERR_INTERRUPTED)
        return EXIT_INTERRUPTED;
    if (st != KS_OK || committed != KS_OK || closed != KS_OK || run.failure != KS_OK)
        return EXIT_TROUBLE;
    return run.skipped ? 1 : 0;
}
