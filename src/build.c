/* A rebuild on several threads: articles -> worker parts -> one database.
 *
 * Nearly all the time of indexing goes into Xapian's add_document, which
 * one WritableDatabase does on one thread. A rebuild therefore gives each
 * worker thread part databases of its own (PATH.rebuild.part-K.J, its J-th
 * part, with its own analyzer), sends every article to the worker chosen by
 * a hash of its id (so a repeated id replaces its earlier version among
 * that worker's parts), and at the end merges all parts into one database
 * with Xapian's compaction, which also packs it: the merged index is
 * smaller than one written in place.
 *
 * The calling thread reads, splits articles into passages (so it can report
 * their number at once) and queues them; each queue holds a bounded amount of
 * text, so memory stays bounded whatever the corpus size. Nothing of a
 * rebuild is visible before the merge, so a failed worker gives the whole
 * build up rather than keep a part with half an article. */
#include "kosearch_internal.h"
#include "xapian_shim.h"

#include <dirent.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Queued articles per worker, by count and by passage text. Articles go to
 * a fixed worker by id, so the reader waits whenever one worker's queue is
 * full; the queue must hold enough work to keep the other worker busy
 * through that worker's longest commit. With 1,024 articles the workers sat
 * idle a quarter of the time (CPU/wall 1.73 on 2 cores, 30% of the
 * benchmark corpus); from 16,384 on it is 1.88. */
#define QUEUE_ARTICLES 16384
#define QUEUE_BYTES (4u << 20)
/* Each worker commits its part after this much passage text. Xapian holds
 * a writer's changes in memory until a commit, and that buffer is most of
 * indexing's memory; smaller batches cost no speed here (measured on the
 * benchmark corpus), as a part's commits do not wait for the disk. */
#define PART_COMMIT_BYTES (256u << 10)
/* A worker starts a new part once its current one holds this much passage
 * text, or a quarter of all it has written when that is more. Each commit
 * rewrites the postlist blocks of every term it touches, so in a part that
 * keeps growing every commit costs more: on the benchmark corpus, one part
 * per worker spent 17 s in the kernel against 9 s with 8 MiB parts, and the
 * build took 10% longer. A part adds about 1 MB to the merged index there
 * (compaction keeps each part's posting chunks as they are); the growing
 * bound keeps the number of parts logarithmic in the corpus size. */
#define PART_MIN_BYTES (8u << 20)
#define PART_SHARE_OF_TOTAL 4
/* Parts of all workers together: each holds five files open until the
 * merge. A worker with its share of them keeps writing to its last one. */
#define MAX_PARTS 64
/* More workers than this only add merge work and memory. */
#define MAX_WORKERS 16

typedef struct build_job {
    struct build_job *next;
    ks_article article;     /* strings owned by the job; body unused */
    char *strings[5];       /* id, title, date, url, origin */
    ks_passage_list passages;
    uint64_t hash;
    size_t bytes;
    bool replace;
} build_job;

typedef struct build_worker {
    pthread_t thread;
    bool started;
    unsigned number;         /* in its parts' names */
    const char *rebuild_path;
    size_t part_limit;       /* the smallest part it starts a new one after */
    size_t part_share;       /* a part may grow to this share of all written; 0: no */
    size_t max_parts;
    /* Its parts, oldest first; it writes to the last. The caller reads
     * `part_count` only while the worker is settled. */
    ks_db **parts;
    char **part_paths;
    size_t part_count;
    size_t part_bytes, total_bytes; /* passage text in the last part, in all */
    pthread_mutex_t lock;
    /* Hand-offs wake the other side only when it waits, and a full queue
     * is refilled only once it is half empty: waking a thread per article
     * would cost more than a short article takes to index. */
    pthread_cond_t work;     /* a job queued, or the worker told to stop */
    pthread_cond_t room;     /* the queue half empty, or the worker idle */
    bool worker_waits, caller_waits;
    build_job *head, *tail;
    size_t queued, queued_bytes, queued_passages; /* including the job being written */
    bool busy, stopping, discard;
    size_t uncommitted;      /* passage text written since the part's last commit */
    ks_status status;        /* first failure; the worker skips jobs after it */
    char *message;
} build_worker;

/* Ids put so far, as 64-bit hashes in an open-addressing table: enough to
 * tell a new article from a repeated one (a collision only miscounts one
 * article as updated). 0 marks a free slot. */
typedef struct id_set {
    uint64_t *slots;
    size_t cap, count;
} id_set;

struct ks_build {
    build_worker workers[MAX_WORKERS];
    unsigned count;
    id_set seen;
};

static uint64_t id_hash(const char *id)
{
    uint64_t hash = ks_hash64(id, strlen(id));
    return hash ? hash : 1;
}

static bool id_set_has(const id_set *set, uint64_t hash)
{
    if (!set->cap)
        return false;
    for (size_t i = hash & (set->cap - 1);; i = (i + 1) & (set->cap - 1)) {
        if (set->slots[i] == hash)
            return true;
        if (!set->slots[i])
            return false;
    }
}

static bool id_set_add(id_set *set, uint64_t hash)
{
    if ((set->count + 1) * 2 > set->cap) {
        size_t cap = set->cap ? set->cap * 2 : 1024;
        uint64_t *slots = calloc(cap, sizeof *slots);
        if (!slots)
            return false;
        for (size_t i = 0; i < set->cap; i++) {
            if (!set->slots[i])
                continue;
            size_t j = set->slots[i] & (cap - 1);
            while (slots[j])
                j = (j + 1) & (cap - 1);
            slots[j] = set->slots[i];
        }
        free(set->slots);
        set->slots = slots;
        set->cap = cap;
    }
    size_t i = hash & (set->cap - 1);
    while (set->slots[i] && set->slots[i] != hash)
        i = (i + 1) & (set->cap - 1);
    if (!set->slots[i]) {
        set->slots[i] = hash;
        set->count++;
    }
    return true;
}

static void job_free(build_job *job)
{
    if (!job)
        return;
    for (size_t i = 0; i < 5; i++)
        free(job->strings[i]);
    ks_passage_list_free(&job->passages);
    free(job);
}

static char *copy_or_null(const char *s)
{
    return s ? ks_strndup(s, strlen(s)) : NULL;
}

static void fail_worker(build_worker *worker, ks_status st, const char *message)
{
    pthread_mutex_lock(&worker->lock);
    if (worker->status == KS_OK) {
        worker->status = st;
        worker->message = copy_or_null(message);
    }
    pthread_mutex_unlock(&worker->lock);
}

static ks_db *current_part(const build_worker *worker)
{
    return worker->parts[worker->part_count - 1];
}

static ks_status part_path(const char *rebuild_path, unsigned worker, size_t part, ks_buf *out)
{
    return ks_buf_printf(out, "%s.part-%u.%zu", rebuild_path, worker, part);
}

/* Removes the folder at `path` if it holds a Xapian database (or nothing):
 * never a folder of someone else's that happens to bear the name. */
static void remove_database_folder(const char *path)
{
    ks_buf file = {0};
    struct stat info;
    bool database = ks_buf_printf(&file, "%s/postlist.glass", path) == KS_OK &&
                    stat(file.data, &info) == 0;
    ks_buf_free(&file);
    if (database)
        ks_remove_tree(path);
    else
        rmdir(path);
}

/* Creates the worker's next part; on failure, `message` says why. */
static ks_status start_part(build_worker *worker, ks_buf *message)
{
    size_t n = worker->part_count;
    ks_db **parts = realloc(worker->parts, (n + 1) * sizeof *parts);
    if (parts)
        worker->parts = parts;
    char **paths = parts ? realloc(worker->part_paths, (n + 1) * sizeof *paths) : NULL;
    if (paths)
        worker->part_paths = paths;
    ks_buf path = {0};
    if (!paths || part_path(worker->rebuild_path, worker->number, n, &path) != KS_OK) {
        ks_buf_free(&path);
        ks_buf_printf(message, "out of memory");
        return KS_ERR_NOMEM;
    }
    ks_db *part = NULL;
    ks_status st = ks_writer_open(&part, path.data);
    if (st != KS_OK) {
        ks_buf_printf(message, "cannot create %s: %s", path.data,
                      part ? ks_db_error(part) : ks_status_string(st));
        ks_writer_close(part);
        remove_database_folder(path.data);
        ks_buf_free(&path);
        return st;
    }
    worker->parts[n] = part;
    worker->part_paths[n] = path.data;
    worker->part_count = n + 1;
    worker->part_bytes = 0;
    return KS_OK;
}

/* After a written article: commits every PART_COMMIT_BYTES, and moves on to
 * a new part when the current one is full. */
static ks_status after_article(build_worker *worker, size_t bytes, ks_buf *message)
{
    worker->uncommitted += bytes;
    worker->part_bytes += bytes;
    worker->total_bytes += bytes;
    size_t limit = worker->part_share ? worker->total_bytes / worker->part_share : 0;
    bool full = worker->part_bytes >= (limit > worker->part_limit ? limit : worker->part_limit) &&
                worker->part_count < worker->max_parts;
    if (worker->uncommitted < PART_COMMIT_BYTES && !full)
        return KS_OK;
    ks_status st = ks_writer_commit(current_part(worker));
    worker->uncommitted = 0;
    if (st != KS_OK) {
        ks_buf_printf(message, "%s", ks_db_error(current_part(worker)));
        return st;
    }
    return full ? start_part(worker, message) : KS_OK;
}

/* An article lives in one part of its worker at most: a new version is
 * written to the current part, so an older part must let go of the old. */
static ks_status remove_from_older_parts(build_worker *worker, const char *id, ks_buf *message)
{
    for (size_t i = 0; i + 1 < worker->part_count; i++) {
        ks_db *part = worker->parts[i];
        ks_article_record record;
        ks_status st = ks_record_read(part, id, &record, NULL);
        if (st == KS_ERR_NOT_FOUND)
            continue;
        if (st == KS_OK)
            st = ks_db_delete_article(part, id);
        if (st == KS_OK)
            st = ks_writer_commit(part);
        if (st != KS_OK)
            ks_buf_printf(message, "%s", ks_db_error(part));
        return st;
    }
    return KS_OK;
}

static void *run_worker(void *context)
{
    build_worker *worker = context;
    for (;;) {
        pthread_mutex_lock(&worker->lock);
        while (!worker->head && !worker->stopping) {
            worker->worker_waits = true;
            pthread_cond_wait(&worker->work, &worker->lock);
        }
        worker->worker_waits = false;
        build_job *job = worker->head;
        if (!job) {
            bool commit = !worker->discard && worker->status == KS_OK;
            pthread_mutex_unlock(&worker->lock);
            /* The last flush of Xapian's buffers, on this thread so the
             * parts flush side by side. */
            ks_status st = commit ? ks_writer_commit(current_part(worker)) : KS_OK;
            if (st != KS_OK)
                fail_worker(worker, st, ks_db_error(current_part(worker)));
            return NULL;
        }
        worker->head = job->next;
        if (!worker->head)
            worker->tail = NULL;
        worker->busy = true;
        bool skip = worker->discard || worker->status != KS_OK;
        pthread_mutex_unlock(&worker->lock);

        ks_buf message = {0};
        ks_status st = KS_OK;
        if (!skip && job->replace)
            st = remove_from_older_parts(worker, job->article.id, &message);
        if (!skip && st == KS_OK) {
            st = ks_db_store_article(current_part(worker), &job->article, job->hash,
                                     &job->passages, job->replace);
            if (st != KS_OK)
                ks_buf_printf(&message, "%s", ks_db_error(current_part(worker)));
        }
        if (!skip && st == KS_OK)
            st = after_article(worker, job->bytes, &message);
        if (st != KS_OK)
            fail_worker(worker, st, message.data);
        ks_buf_free(&message);

        pthread_mutex_lock(&worker->lock);
        worker->queued--;
        worker->queued_bytes -= job->bytes;
        worker->queued_passages -= job->passages.count;
        worker->busy = false;
        if (worker->caller_waits && (!worker->head || (worker->queued <= QUEUE_ARTICLES / 2 &&
                                                       worker->queued_bytes <= QUEUE_BYTES / 2))) {
            worker->caller_waits = false;
            pthread_cond_broadcast(&worker->room);
        }
        pthread_mutex_unlock(&worker->lock);
        job_free(job);
    }
}

/* Blocks until the worker has written everything queued to it. */
static void settle(build_worker *worker)
{
    pthread_mutex_lock(&worker->lock);
    while (worker->head || worker->busy) {
        worker->caller_waits = true;
        pthread_cond_wait(&worker->room, &worker->lock);
    }
    pthread_mutex_unlock(&worker->lock);
}

/* Parts are found by listing the folder: a kill may have come while
 * they were being removed, leaving any of them. */
void ks_build_remove_leftovers(const char *rebuild_path)
{
    remove_database_folder(rebuild_path);
    const char *slash = strrchr(rebuild_path, '/');
    const char *name = slash ? slash + 1 : rebuild_path;
    ks_buf folder = {0}, prefix = {0}, path = {0};
    bool ready = (slash ? ks_buf_printf(&folder, "%.*s", (int)(slash - rebuild_path + 1),
                                        rebuild_path)
                        : ks_buf_printf(&folder, "./")) == KS_OK &&
                 ks_buf_printf(&prefix, "%s.part-", name) == KS_OK;
    DIR *dir = ready ? opendir(folder.data) : NULL;
    for (struct dirent *entry; dir && (entry = readdir(dir));) {
        if (strncmp(entry->d_name, prefix.data, prefix.len) != 0)
            continue;
        ks_buf_clear(&path);
        if (ks_buf_printf(&path, "%s%s", folder.data, entry->d_name) == KS_OK)
            remove_database_folder(path.data);
    }
    if (dir)
        closedir(dir);
    ks_buf_free(&folder);
    ks_buf_free(&prefix);
    ks_buf_free(&path);
}

ks_status ks_build_start(ks_db *db, unsigned threads, ks_build **out)
{
    *out = NULL;
    if (!threads) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        threads = cores > 0 ? (unsigned)cores : 1;
    }
    if (threads > MAX_WORKERS)
        threads = MAX_WORKERS;
    ks_build *build = calloc(1, sizeof *build);
    if (!build)
        return ks_db_fail(db, KS_ERR_NOMEM, "out of memory");
    ks_status st = KS_OK;
    for (unsigned i = 0; i < threads && st == KS_OK; i++) {
        build_worker *worker = &build->workers[i];
        pthread_mutex_init(&worker->lock, NULL);
        pthread_cond_init(&worker->work, NULL);
        pthread_cond_init(&worker->room, NULL);
        build->count = i + 1;
        worker->number = i;
        worker->rebuild_path = db->rebuild_path;
        /* A part size set for tests is a fixed bound, so that the parts
         * an article goes to do not depend on the others' sizes. */
        worker->part_limit = db->build_part_bytes ? db->build_part_bytes : PART_MIN_BYTES;
        worker->part_share = db->build_part_bytes ? 0 : PART_SHARE_OF_TOTAL;
        worker->max_parts = MAX_PARTS / threads;
        ks_buf message = {0};
        st = start_part(worker, &message);
        if (st != KS_OK)
            ks_db_fail(db, st, "%s", message.data ? message.data : ks_status_string(st));
        ks_buf_free(&message);
        if (st == KS_OK && pthread_create(&worker->thread, NULL, run_worker, worker) != 0)
            st = ks_db_fail(db, KS_ERR_NOMEM, "cannot start an indexing thread");
        worker->started = st == KS_OK;
    }
    if (st != KS_OK) {
        ks_build_finish(build, db, NULL, false);
        return st;
    }
    *out = build;
    return KS_OK;
}

ks_status ks_build_status(ks_build *build, ks_db *db)
{
    for (unsigned i = 0; i < build->count; i++) {
        build_worker *worker = &build->workers[i];
        pthread_mutex_lock(&worker->lock);
        ks_status st = worker->status;
        if (st != KS_OK)
            ks_db_fail(db, st, "%s", worker->message ? worker->message : ks_status_string(st));
        pthread_mutex_unlock(&worker->lock);
        if (st != KS_OK)
            return st;
    }
    return KS_OK;
}

static build_job *make_job(ks_db *db, const ks_article *article, ks_status *out_status)
{
    build_job *job = calloc(1, sizeof *job);
    if (!job) {
        *out_status = ks_db_fail(db, KS_ERR_NOMEM, "out of memory");
        return NULL;
    }
    const char *fields[5] = {article->id, article->title, article->date, article->url,
                             article->origin};
    bool copied = true;
    for (size_t i = 0; i < 5; i++) {
        job->strings[i] = copy_or_null(fields[i]);
        copied = copied && (!fields[i] || job->strings[i]);
    }
    job->article = *article;
    job->article.id = job->strings[0];
    job->article.title = job->strings[1];
    job->article.date = job->strings[2];
    job->article.url = job->strings[3];
    job->article.origin = job->strings[4];
    job->article.body = NULL;
    job->article.body_len = 0;
    job->hash = ks_article_hash(article);
    ks_status st = copied ? ks_passage_split(article->body, article->body_len, article->title,
                                             &job->passages)
                          : KS_ERR_NOMEM;
    if (st != KS_OK) {
        *out_status = ks_db_fail(db, st, "cannot split %s into passages: %s", article->id,
                                 ks_status_string(st));
        job_free(job);
        return NULL;
    }
    for (size_t i = 0; i < job->passages.count; i++)
        job->bytes += job->passages.items[i].len;
    *out_status = KS_OK;
    return job;
}

ks_status ks_build_put(ks_build *build, ks_db *db, const ks_article *article,
                       ks_change *out_change, size_t *out_passages)
{
    ks_status st = ks_build_status(build, db);
    if (st != KS_OK)
        return st;
    uint64_t hash = id_hash(article->id);
    bool repeated = id_set_has(&build->seen, hash);
    if (!repeated && !id_set_add(&build->seen, hash))
        return ks_db_fail(db, KS_ERR_NOMEM, "out of memory");
    build_job *job = make_job(db, article, &st);
    if (!job)
        return st;
    job->replace = repeated;
    size_t passages = job->passages.count;

    build_worker *worker = &build->workers[ks_shard_of(article->id, build->count)];
    pthread_mutex_lock(&worker->lock);
    /* An article larger than the whole bound still goes into an empty queue. */
    while (worker->head && (worker->queued >= QUEUE_ARTICLES ||
                            worker->queued_bytes + job->bytes > QUEUE_BYTES)) {
        worker->caller_waits = true;
        pthread_cond_wait(&worker->room, &worker->lock);
    }
    if (worker->tail)
        worker->tail->next = job;
    else
        worker->head = job;
    worker->tail = job;
    worker->queued++;
    worker->queued_bytes += job->bytes;
    worker->queued_passages += job->passages.count;
    if (worker->worker_waits)
        pthread_cond_signal(&worker->work);
    pthread_mutex_unlock(&worker->lock);

    if (out_change)
        *out_change = repeated ? KS_CHANGE_UPDATED : KS_CHANGE_ADDED;
    if (out_passages)
        *out_passages = passages;
    return KS_OK;
}

bool ks_build_has(const ks_build *build, const char *id)
{
    return id_set_has(&build->seen, id_hash(id));
}

void ks_build_pending(ks_build *build, size_t *articles, size_t *passages)
{
    size_t article_sum = 0, passage_sum = 0;
    for (unsigned i = 0; i < build->count; i++) {
        build_worker *worker = &build->workers[i];
        pthread_mutex_lock(&worker->lock);
        if (worker->status == KS_OK) {
            article_sum += worker->queued;
            passage_sum += worker->queued_passages;
        }
        pthread_mutex_unlock(&worker->lock);
    }
    *articles = article_sum;
    *passages = passage_sum;
}

size_t ks_build_part_count(ks_build *build)
{
    size_t count = 0;
    for (unsigned i = 0; i < build->count; i++) {
        settle(&build->workers[i]);
        count += build->workers[i].part_count;
    }
    return count;
}

ks_db *ks_build_settled_part(ks_build *build, const char *id, size_t index)
{
    if (id) {
        build_worker *worker = &build->workers[ks_shard_of(id, build->count)];
        settle(worker);
        if (worker->status != KS_OK)
            return NULL;
        for (size_t i = worker->part_count; i-- > 1;) {
            ks_article_record record;
            if (ks_record_read(worker->parts[i], id, &record, NULL) != KS_ERR_NOT_FOUND)
                return worker->parts[i];
        }
        return worker->parts[0];
    }
    for (unsigned i = 0; i < build->count; i++) {
        build_worker *worker = &build->workers[i];
        settle(worker);
        if (index < worker->part_count)
            return worker->status == KS_OK ? worker->parts[index] : NULL;
        index -= worker->part_count;
    }
    return NULL;
}

/* Stops every worker: after writing what is queued, or, with `discard`,
 * dropping it. */
static void stop_workers(ks_build *build, bool discard)
{
    for (unsigned i = 0; i < build->count; i++) {
        build_worker *worker = &build->workers[i];
        pthread_mutex_lock(&worker->lock);
        worker->stopping = true;
        worker->discard = discard;
        pthread_cond_signal(&worker->work);
        pthread_mutex_unlock(&worker->lock);
    }
    for (unsigned i = 0; i < build->count; i++)
        if (build->workers[i].started)
            pthread_join(build->workers[i].thread, NULL);
}

ks_status ks_build_finish(ks_build *build, ks_db *db, const char *dest, bool keep)
{
    if (!build)
        return KS_OK;
    stop_workers(build, !keep);
    /* after the workers' last commits */
    ks_status st = keep ? ks_build_status(build, db) : KS_OK;
    size_t source_count = 0;
    for (unsigned i = 0; i < build->count; i++)
        source_count += build->workers[i].part_count;
    const char **sources = calloc(source_count ? source_count : 1, sizeof *sources);
    if (!sources && keep && st == KS_OK)
        st = ks_db_fail(db, KS_ERR_NOMEM, "out of memory");
    source_count = 0;
    for (unsigned i = 0; i < build->count; i++) {
        build_worker *worker = &build->workers[i];
        for (size_t j = 0; j < worker->part_count; j++) {
            if (sources)
                sources[source_count++] = worker->part_paths[j];
            ks_status part_st = ks_writer_close(worker->parts[j]);
            if (part_st != KS_OK && st == KS_OK)
                st = ks_db_fail(db, part_st, "cannot finish %s: %s", worker->part_paths[j],
                                ks_status_string(part_st));
        }
    }
    if (keep && st == KS_OK) {
        ks_buf error = {0};
        st = shim_db_merge(sources, source_count, dest, &error);
        if (st != KS_OK)
            ks_db_fail(db, st, "cannot merge the rebuilt parts into %s: %s", dest,
                       error.data ? error.data : ks_status_string(st));
        ks_buf_free(&error);
    }
    free(sources);
    for (unsigned i = 0; i < build->count; i++) {
        build_worker *worker = &build->workers[i];
        for (size_t j = 0; j < worker->part_count; j++) {
            ks_remove_tree(worker->part_paths[j]);
            free(worker->part_paths[j]);
        }
        free(worker->parts);
        free(worker->part_paths);
        for (build_job *job = worker->head, *next; job; job = next) {
            next = job->next;
            job_free(job);
        }
        free(worker->message);
        pthread_mutex_destroy(&worker->lock);
        pthread_cond_destroy(&worker->work);
        pthread_cond_destroy(&worker->room);
    }
    free(build->seen.slots);
    free(build);
    return st;
}
