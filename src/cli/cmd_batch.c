/* kosearch batch: many queries against one database, one per line
 * ("query" or "qid<TAB>query"), optionally spread over threads with one
 * database handle each. Output keeps the input order. */
#include "cli.h"
#include "output.h"

#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_JOBS 64

static const cli_help help = {
    .command = "batch",
    .before =
        "Usage: kosearch batch [OPTIONS] [FILE|-]\n"
        "\n"
        "Run one query per line of FILE (default: stdin). A line is either a query or\n"
        "qid<TAB>query; without a qid the line number is used. Lines that are empty or\n"
        "start with # are ignored.\n",
    .after =
        "\n"
        "A bad line is reported on stderr with its line number and skipped. A\n"
        "database or shard that fails stops the batch, naming the shard.\n"
        "Exit status: 0 every line ran, 1 some lines were skipped, 2 error (the\n"
        "database could not be opened or stopped answering).\n",
};

typedef struct batch_query {
    char *qid;
    char *text;
    long line;
    char *output;       /* rendered hits, or NULL */
    size_t output_len;
    char *error;        /* why the line was skipped, or NULL */
    bool done;
    bool unanswered;    /* the database failed this search: the run stops */
} batch_query;

typedef struct batch_run {
    const char *db_path;
    ks_search_options search;
    output_style style;
    batch_query *queries;
    size_t count;
    atomic_size_t next;
    pthread_mutex_t lock;
    pthread_cond_t finished;
    unsigned open_flags; /* KS_OPEN_READ, maybe KS_OPEN_ALLOW_PARTIAL */
    atomic_bool warned;  /* skipped shards were reported (by the first thread) */
    bool failed;        /* a database could not be opened, or failed a search */
    char *failure;
    long failed_line;   /* the line whose search failed, or 0 */
    ks_status failed_status;
} batch_run;

/* Splits "qid<TAB>query" lines; trailing CR and LF are removed. */
static bool read_queries(FILE *in, const char *name, batch_run *run, size_t *cap)
{
    char *line = NULL;
    size_t line_cap = 0;
    ssize_t len;
    long number = 0;
    while ((len = getline(&line, &line_cap, in)) != -1) {
        number++;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (len == 0 || line[0] == '#')
            continue;
        if (run->count == *cap) {
            *cap = *cap ? *cap * 2 : 64;
            batch_query *grown = realloc(run->queries, *cap * sizeof *grown);
            if (!grown) {
                free(line);
                return false;
            }
            run->queries = grown;
        }
        batch_query *q = &run->queries[run->count++];
        memset(q, 0, sizeof *q);
        q->line = number;
        char *tab = strchr(line, '\t');
        char number_text[32];
        snprintf(number_text, sizeof number_text, "%ld", number);
        q->qid = tab ? strndup(line, (size_t)(tab - line)) : strdup(number_text);
        q->text = strdup(tab ? tab + 1 : line);
        if (!q->qid || !q->text) {
            free(line);
            return false;
        }
    }
    free(line);
    if (ferror(in)) {
        cli_error("cannot read %s", name);
        return false;
    }
    return true;
}

/* Stops the run: no thread takes another query, and the output ends at the
 * first query not answered. Keeps the first reason. */
static void fail_run(batch_run *run, const char *reason, long line, ks_status status)
{
    pthread_mutex_lock(&run->lock);
    if (!run->failed) {
        run->failure = strdup(reason);
        run->failed_line = line;
        run->failed_status = status;
    }
    run->failed = true;
    pthread_cond_broadcast(&run->finished);
    pthread_mutex_unlock(&run->lock);
}

static void render(batch_run *run, ks_db *db, batch_query *q)
{
    ks_results *results = NULL;
    ks_status st = ks_search(db, q->text, &run->search, &results);
    if (st == KS_ERR_BAD_QUERY) { /* this line's fault: skip it */
        q->error = strdup(ks_db_error(db));
        return;
    }
    if (st != KS_OK) { /* an option's or the database's fault: every line after would fail too */
        q->unanswered = true;
        fail_run(run, ks_db_error(db), st == KS_ERR_INVALID_ARGUMENT ? 0 : q->line, st);
        return;
    }
    FILE *out = open_memstream(&q->output, &q->output_len);
    if (out) {
        output_style style = run->style;
        style.query_id = q->qid;
        for (size_t i = 0; i < ks_results_count(results); i++)
            output_hit(out, &style, ks_results_hit(results, i));
        fclose(out);
    } else {
        q->error = strdup("out of memory");
    }
    ks_results_free(results);
}

static void *worker(void *context)
{
    batch_run *run = context;
    ks_db *db = NULL;
    ks_status opened = ks_db_open(&db, run->db_path, run->open_flags);
    if (opened != KS_OK) {
        fail_run(run, db ? ks_db_error(db) : "cannot open the database", 0, opened);
        ks_db_close(db);
        return NULL;
    }
    size_t i;
    while ((i = atomic_fetch_add(&run->next, 1)) < run->count) {
        pthread_mutex_lock(&run->lock);
        bool stop = run->failed;
        pthread_mutex_unlock(&run->lock);
        if (stop)
            break;
        render(run, db, &run->queries[i]);
        pthread_mutex_lock(&run->lock);
        run->queries[i].done = true;
        pthread_cond_broadcast(&run->finished);
        pthread_mutex_unlock(&run->lock);
    }
    /* Every thread sees the same shards fail: name them once. */
    if (*ks_db_warnings(db) && !atomic_exchange(&run->warned, true))
        cli_print_warnings(db);
    ks_db_close(db);
    return NULL;
}

/* Prints results in input order as they complete; returns skipped lines.
 * *answered counts the queries printed before a failure stopped the run. */
static size_t print_in_order(batch_run *run, const char *name, size_t *answered)
{
    size_t skipped = 0;
    *answered = 0;
    for (size_t i = 0; i < run->count; i++) {
        batch_query *q = &run->queries[i];
        pthread_mutex_lock(&run->lock);
        while (!q->done && !run->failed)
            pthread_cond_wait(&run->finished, &run->lock);
        bool failed = (run->failed && !q->done) || q->unanswered;
        pthread_mutex_unlock(&run->lock);
        if (failed)
            break;
        ++*answered;
        if (q->error) {
            fprintf(stderr, "kosearch: %s:%ld: %s; skipped\n", name, q->line, q->error);
            skipped++;
        } else if (q->output) {
            fwrite(q->output, 1, q->output_len, stdout);
        }
        free(q->output);
        q->output = NULL;
    }
    return skipped;
}

static void free_queries(batch_run *run)
{
    for (size_t i = 0; i < run->count; i++) {
        free(run->queries[i].qid);
        free(run->queries[i].text);
        free(run->queries[i].output);
        free(run->queries[i].error);
    }
    free(run->queries);
}

/* A shard that stops answering fails the search with Xapian's message,
 * which may name another shard or none: open the database again, skipping
 * what does not answer, to learn which shards failed. */
static void report_failed_search(batch_run *run, const char *name, size_t answered)
{
    ks_db *probe = NULL;
    const char *warnings = "";
    if (run->failed_status == KS_ERR_UNAVAILABLE &&
        ks_db_open(&probe, run->db_path, KS_OPEN_READ | KS_OPEN_ALLOW_PARTIAL) == KS_OK)
        warnings = ks_db_warnings(probe);
    if (*warnings) {
        for (const char *line = warnings; *line;) {
            size_t len = strcspn(line, "\n");
            static const char skipped[] = "skipped shard ";
            size_t skip = strncmp(line, skipped, sizeof skipped - 1) == 0 ? sizeof skipped - 1 : 0;
            cli_error("%s:%ld: a shard stopped answering: %.*s", name, run->failed_line,
                      (int)(len - skip), line + skip);
            line += len + (line[len] == '\n');
        }
    } else {
        cli_error("%s:%ld: %s", name, run->failed_line, run->failure ? run->failure : "search failed");
    }
    cli_error("the batch stopped: %zu of %zu queries answered%s", answered, run->count,
              run->failed_status == KS_ERR_UNAVAILABLE
                  ? "; --allow-partial searches the shards that answer"
                  : "");
    ks_db_close(probe);
}

static int run_batch(batch_run *run, size_t jobs, const char *name)
{
    pthread_t threads[MAX_JOBS];
    size_t started = 0;
    for (; started < jobs; started++)
        if (pthread_create(&threads[started], NULL, worker, run) != 0)
            break;
    if (started == 0) {
        cli_error("cannot start a thread");
        return EXIT_TROUBLE;
    }
    size_t answered;
    size_t skipped = print_in_order(run, name, &answered);
    for (size_t i = 0; i < started; i++)
        pthread_join(threads[i], NULL);
    if (run->failed && !run->failed_line) {
        cli_error("%s", run->failure ? run->failure : "cannot open the database");
        return EXIT_TROUBLE;
    }
    if (run->failed) {
        report_failed_search(run, name, answered);
        return EXIT_TROUBLE;
    }
    if (fflush(stdout) != 0)
        return EXIT_TROUBLE;
    return skipped ? 1 : 0;
}

int cmd_batch(int argc, char **argv)
{
    const char *db_option = NULL;
    batch_run run = {0};
    run.style.format = OUTPUT_TSV;
    size_t jobs = 0; /* one per core */
    cli_getopt options;
    cli_options_of("batch", &options);
    int c, taken;
    optind = 1;
    while ((c = getopt_long(argc, argv, options.short_options, options.long_options, NULL)) != -1) {
        if ((taken = cli_search_option("batch", c, optarg, &run.search)) >= 0) {
            if (taken)
                return taken;
            continue;
        }
        switch (c) {
        case CLI_OPT_DB: db_option = optarg; break;
        case CLI_OPT_FORMAT:
            if (!output_parse_format(optarg, &run.style.format) || run.style.format == OUTPUT_TEXT)
                return cli_usage_error("batch", "--format must be tsv, jsonl or trec, not '%s'", optarg);
            break;
        case CLI_OPT_JOBS:
            if (!cli_parse_size(optarg, &jobs) || jobs == 0 || jobs > MAX_JOBS)
                return cli_usage_error("batch", "--jobs needs a number from 1 to %d, not '%s'", MAX_JOBS, optarg);
            break;
        case CLI_OPT_ALLOW_PARTIAL: run.open_flags |= KS_OPEN_ALLOW_PARTIAL; break;
        case CLI_OPT_HELP: cli_print_help(&help); return 0;
        default: return cli_bad_option("batch", argv);
        }
    }
    if (argc - optind > 1)
        return cli_usage_error("batch", "give at most one FILE");
    const char *name = optind < argc ? argv[optind] : "-";
    FILE *in = strcmp(name, "-") == 0 ? stdin : fopen(name, "r");
    if (!in) {
        cli_error("cannot open %s: %m", name);
        return EXIT_TROUBLE;
    }
    /* Batch output has no place for "did you mean". */
    run.search.flags |= KS_SEARCH_NO_SUGGESTIONS;
    /* A run file carries no text: spare the snippets. */
    if (run.style.format == OUTPUT_TREC)
        run.search.flags |= KS_SEARCH_NO_SNIPPETS;
    size_t cap = 0;
    bool read_ok = read_queries(in, strcmp(name, "-") == 0 ? "stdin" : name, &run, &cap);
    if (in != stdin)
        fclose(in);
    char *path = cli_database_path(db_option);
    int status = EXIT_TROUBLE;
    if (jobs == 0) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        jobs = cores < 1 ? 1 : cores > MAX_JOBS ? MAX_JOBS : (size_t)cores;
    }
    if (jobs > run.count) /* a thread without a query would only open the database */
        jobs = run.count ? run.count : 1;
    if (read_ok && path) {
        run.db_path = path;
        pthread_mutex_init(&run.lock, NULL);
        pthread_cond_init(&run.finished, NULL);
        status = run_batch(&run, jobs, strcmp(name, "-") == 0 ? "stdin" : name);
        pthread_mutex_destroy(&run.lock);
        pthread_cond_destroy(&run.finished);
    }
    free(run.failure);
    free_queries(&run);
    free(path);
    return status;
}
