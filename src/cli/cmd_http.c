/* kosearch http: a small read-only HTTP/1.1 server over the public API, on
 * libmicrohttpd: a JSON API (/search, /suggest, /stats, /health) and a
 * search page built into the binary (/). A pool of threads answers, each
 * with a database handle of its own (http_database.c). */
#include "cli.h"
#include "http.h"
#include "output.h"

#include <arpa/inet.h>
#include <getopt.h>
#include <jansson.h>
#include <microhttpd.h>
#include <netdb.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* The request line and headers must fit here (a query of HTTP_MAX_QUERY_BYTES
 * of Korean is three times as long percent-encoded); a longer request line
 * is refused by libmicrohttpd itself with 414. */
#define CONNECTION_MEMORY (32 * 1024)
#define IDLE_TIMEOUT_SECONDS 30
#define MAX_CONNECTIONS 1024
#define MAX_THREADS 256

static const cli_help help = {
    .command = "http",
    .before =
        "Usage: kosearch http [OPTIONS]\n"
        "\n"
        "Serve a search page and a JSON API over HTTP, read-only. Open\n"
        "http://127.0.0.1:8080/ in a browser, or ask the API:\n"
        "  GET /search?q=WORDS[&limit=N][&offset=N][&fuzzy=1]\n"
        "             [&since=DATE][&until=DATE][&sort=date]   (DATE: YYYY[-MM[-DD]])\n"
        "  GET /suggest?q=PREFIX[&limit=N]   GET /stats   GET /health\n"
        "Searches see what an indexer commits without a restart. Stop it with\n"
        "Ctrl-C (SIGINT) or SIGTERM.\n",
    .after =
        "\n"
        "Exit status: 0 stopped by a signal, 2 when the database cannot be opened or\n"
        "the address not listened on.\n",
};

typedef struct http_server {
    http_databases *databases;
    const char *cors; /* allowed origin, or NULL */
    bool quiet;
} http_server;

/* One request, from its request line to the end of its response. */
typedef struct http_request {
    char *target; /* the request target as sent (still percent-encoded), for the log */
    struct timespec started;
    bool headers_read; /* the handler has been called once */
    bool answered;
} http_request;

static double seconds_since(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

/* ---- access log --------------------------------------------------------- */

static void client_address(struct MHD_Connection *connection, char *out, size_t size)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    snprintf(out, size, "-");
    if (!info || !info->client_addr)
        return;
    const struct sockaddr *address = info->client_addr;
    if (address->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)address)->sin_addr, out, (socklen_t)size);
    else if (address->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)address)->sin6_addr, out,
                  (socklen_t)size);
}

/* Copies at most `size - 1` bytes of the target, control bytes as \xNN so
 * that a request cannot forge log lines. */
static void loggable_target(const char *target, char *out, size_t size)
{
    size_t at = 0;
    for (const unsigned char *c = (const unsigned char *)target; *c && at + 5 < size; c++) {
        if (*c < 0x20 || *c == 0x7f || *c == '"' || *c == '\\')
            at += (size_t)snprintf(out + at, size - at, "\\x%02x", *c);
        else
            out[at++] = (char)*c;
    }
    out[at] = '\0';
}

/* One line per request, in the Common Log Format with the time taken. */
static void log_request(const http_server *server, struct MHD_Connection *connection,
                        const http_request *request, const char *method, unsigned status,
                        size_t bytes)
{
    if (server->quiet)
        return;
    char address[INET6_ADDRSTRLEN] = "-", when[64], target[512], line[800];
    client_address(connection, address, sizeof address);
    time_t now = time(NULL);
    struct tm local;
    strftime(when, sizeof when, "%d/%b/%Y:%H:%M:%S %z", localtime_r(&now, &local));
    loggable_target(request->target ? request->target : "-", target, sizeof target);
    snprintf(line, sizeof line, "%s - - [%s] \"%s %s\" %u %zu %.1fms\n", address, when, method,
             target, status, bytes, seconds_since(&request->started) * 1000.0);
    fputs(line, stderr);
}

static void *begin_request(void *context, const char *target, struct MHD_Connection *connection)
{
    (void)context;
    (void)connection;
    http_request *request = calloc(1, sizeof *request);
    if (request) {
        request->target = strdup(target);
        clock_gettime(CLOCK_MONOTONIC, &request->started);
    }
    return request;
}

static void end_request(void *context, struct MHD_Connection *connection, void **state,
                        enum MHD_RequestTerminationCode why)
{
    (void)context;
    (void)connection;
    (void)why;
    http_request *request = *state;
    if (request) {
        free(request->target);
        free(request);
    }
    *state = NULL;
}

static void log_library_error(void *context, const char *format, va_list args)
{
    (void)context;
    char message[512];
    vsnprintf(message, sizeof message, format, args);
    message[strcspn(message, "\n")] = '\0';
    fprintf(stderr, "kosearch: http: %s\n", message);
}

/* ---- responses ---------------------------------------------------------- */

typedef struct http_reply {
    const http_server *server;
    struct MHD_Connection *connection;
    http_request *request;
    const char *method;
} http_reply;

/* The page runs its own inline script and styles, and talks to this server only. */
static const char page_policy[] =
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
    "connect-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'";

static enum MHD_Result send_response(const http_reply *reply, unsigned status, const char *type,
                                     void *body, size_t len, enum MHD_ResponseMemoryMode mode,
                                     const char *allow)
{
    struct MHD_Response *response = MHD_create_response_from_buffer(len, body, mode);
    if (!response) {
        if (mode == MHD_RESPMEM_MUST_FREE)
            free(body);
        return MHD_NO;
    }
    if (type)
        MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    MHD_add_response_header(response, "X-Content-Type-Options", "nosniff");
    if (allow)
        MHD_add_response_header(response, MHD_HTTP_HEADER_ALLOW, allow);
    if (type && strncmp(type, "text/html", 9) == 0)
        MHD_add_response_header(response, "Content-Security-Policy", page_policy);
    else
        MHD_add_response_header(response, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    if (reply->server->cors) {
        MHD_add_response_header(response, "Access-Control-Allow-Origin", reply->server->cors);
        MHD_add_response_header(response, MHD_HTTP_HEADER_VARY, "Origin");
    }
    enum MHD_Result queued = MHD_queue_response(reply->connection, status, response);
    MHD_destroy_response(response);
    if (reply->request)
        reply->request->answered = true;
    log_request(reply->server, reply->connection, reply->request, reply->method, status, len);
    return queued;
}

/* Sends `body` (whose reference this takes) as JSON. */
static enum MHD_Result send_json(const http_reply *reply, unsigned status, json_t *body,
                                 const char *allow)
{
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    json_decref(body);
    if (!text)
        return MHD_NO;
    return send_response(reply, status, "application/json; charset=utf-8", text, strlen(text),
                         MHD_RESPMEM_MUST_FREE, allow);
}

static enum MHD_Result send_error_allowing(const http_reply *reply, unsigned status,
                                           const char *allow, const char *format, ...)
    __attribute__((format(printf, 4, 5)));
static enum MHD_Result send_error_allowing(const http_reply *reply, unsigned status,
                                           const char *allow, const char *format, ...)
{
    char message[1024];
    va_list args;
    va_start(args, format);
    vsnprintf(message, sizeof message, format, args);
    va_end(args);
    /* A message cut in the middle of a character would not be a JSON string. */
    while (!http_valid_text(message, strlen(message)))
        message[strlen(message) - 1] = '\0';
    return send_json(reply, status, json_pack("{s:I,s:s}", "status", (json_int_t)status, "error",
                                              message), allow);
}
#define send_error(reply, status, ...) send_error_allowing(reply, status, NULL, __VA_ARGS__)

/* ---- request parameters ------------------------------------------------- */

static http_param lookup_param(void *context, const char *name)
{
    http_param param = {NULL, 0};
    if (MHD_lookup_connection_value_n(context, MHD_GET_ARGUMENT_KIND, name, strlen(name),
                                      &param.value, &param.len) != MHD_YES)
        param.value = NULL; /* "q" without "=" has no value either */
    return param;
}

/* The first parameter that is not well-formed UTF-8, or not one `allowed`
 * (NULL: any name is allowed). */
typedef struct param_check {
    const char *const *allowed;
    char problem[256];
} param_check;

static enum MHD_Result check_param(void *context, enum MHD_ValueKind kind, const char *key,
                                   size_t key_len, const char *value, size_t value_len)
{
    (void)kind;
    param_check *check = context;
    if (!http_valid_text(key, key_len)) {
        snprintf(check->problem, sizeof check->problem, "a parameter name is not valid UTF-8");
        return MHD_NO;
    }
    if (value && !http_valid_text(value, value_len)) {
        snprintf(check->problem, sizeof check->problem,
                 "parameter '%.100s' is not valid UTF-8 (or holds a NUL byte)", key);
        return MHD_NO;
    }
    if (!check->allowed)
        return MHD_YES;
    for (const char *const *name = check->allowed; *name; name++)
        if (strcmp(*name, key) == 0)
            return MHD_YES;
    snprintf(check->problem, sizeof check->problem, "unknown parameter '%.100s'", key);
    return MHD_NO;
}

/* ---- the API ------------------------------------------------------------ */

/* What ks_search is asked from a checked request. */
static ks_search_options search_options(const http_search_request *search)
{
    ks_search_options options = search->options;
    options.since = search->since;
    options.until = search->until;
    options.sort = search->sort == HTTP_SORT_DATE ? KS_SORT_DATE : KS_SORT_RELEVANCE;
    return options;
}

static json_t *results_json(const char *query, const ks_results *results)
{
    json_t *hits = json_array();
    for (size_t i = 0; i < ks_results_count(results); i++)
        json_array_append_new(hits, output_hit_json(ks_results_hit(results, i), NULL));
    json_t *body = json_pack("{s:s,s:I,s:o}", "query", query, "total",
                             (json_int_t)ks_results_estimated_total(results), "hits", hits);
    const char *corrected = ks_results_corrected_query(results);
    const char *suggestion = ks_results_suggestion(results);
    if (body && corrected)
        json_object_set_new(body, "corrected", json_string(corrected));
    if (body && suggestion)
        json_object_set_new(body, "suggestion", json_string(suggestion));
    return body;
}

/* Failures that a fresh handle may not have: the files changed under a
 * snapshot, or a shard came back. */
static bool worth_reopening(ks_status status)
{
    return status != KS_ERR_BAD_QUERY && status != KS_ERR_NOMEM &&
           status != KS_ERR_INVALID_ARGUMENT && status != KS_ERR_INTERRUPTED;
}

static unsigned status_for_failure(ks_status status)
{
    switch (status) {
    case KS_ERR_BAD_QUERY: return 400;
    case KS_ERR_NOMEM:
    case KS_ERR_INTERNAL:
    case KS_ERR_INVALID_ARGUMENT: return 500;
    default: return 503;
    }
}

/* Runs a checked search on the thread's handle, opening it again once if
 * it fails in a way a fresh handle may not. Returns 0 with *out set, or the
 * HTTP status with the reason in `error`. */
static unsigned run_search(http_databases *databases, const http_search_request *search,
                           ks_results **out, char *error, size_t error_size)
{
    ks_search_options options = search_options(search);
    ks_status status = KS_ERR_UNAVAILABLE;
    for (int attempt = 0; attempt < 2; attempt++) {
        char reason[400];
        ks_db *db = http_database_for_thread(databases, reason, sizeof reason);
        if (!db) {
            snprintf(error, error_size, "database unavailable: %s", reason);
            return 503;
        }
        status = ks_search(db, search->query, &options, out);
        if (status == KS_OK)
            return 0;
        snprintf(error, error_size, "%s", ks_db_error(db));
        if (!worth_reopening(status))
            break;
        http_database_forget(databases);
    }
    return status_for_failure(status);
}

static enum MHD_Result answer_search(const http_reply *reply, http_databases *databases)
{
    http_search_request search;
    char error[512];
    unsigned failed = http_parse_search(lookup_param, reply->connection, &search, error, sizeof error);
    ks_results *results = NULL;
    if (!failed)
        failed = run_search(databases, &search, &results, error, sizeof error);
    if (failed)
        return send_error(reply, failed, "%s", error);
    json_t *body = results_json(search.query, results);
    ks_results_free(results);
    return send_json(reply, 200, body, NULL);
}

static enum MHD_Result answer_suggest(const http_reply *reply, http_databases *databases)
{
    const char *prefix;
    size_t limit;
    char error[512];
    unsigned bad = http_parse_suggest(lookup_param, reply->connection, &prefix, &limit, error,
                                      sizeof error);
    if (bad)
        return send_error(reply, bad, "%s", error);
    ks_db *db = http_database_for_thread(databases, error, sizeof error);
    if (!db)
        return send_error(reply, 503, "database unavailable: %s", error);
    ks_completions *words = NULL;
    ks_status status = ks_db_complete(db, prefix, limit, &words);
    if (status != KS_OK) {
        if (worth_reopening(status))
            http_database_forget(databases);
        return send_error(reply, status_for_failure(status), "%s", ks_db_error(db));
    }
    json_t *list = json_array();
    for (size_t i = 0; i < ks_completions_count(words); i++) {
        const ks_completion *word = ks_completions_get(words, i);
        json_array_append_new(list, json_pack("{s:s,s:I}", "word", word->word, "passages",
                                              (json_int_t)word->passages));
    }
    ks_completions_free(words);
    return send_json(reply, 200, json_pack("{s:s,s:o}", "query", prefix, "completions", list),
                     NULL);
}

static json_t *stats_json(const ks_db_stats *stats)
{
    char when[32];
    time_t updated = (time_t)stats->last_update;
    struct tm utc;
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&updated, &utc));
    return json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:o}", "articles", (json_int_t)stats->articles,
                     "passages", (json_int_t)stats->passages, "terms", (json_int_t)stats->terms,
                     "bytes_on_disk", (json_int_t)stats->bytes_on_disk, "index_format",
                     (json_int_t)stats->index_format, "analyzer", (json_int_t)stats->analyzer,
                     "last_update", stats->last_update ? json_string(when) : json_null());
}

/* /stats, and /health (which says less but fails the same way). */
static enum MHD_Result answer_stats(const http_reply *reply, http_databases *databases,
                                    bool health)
{
    char error[512];
    ks_db *db = http_database_for_thread(databases, error, sizeof error);
    if (!db)
        return send_error(reply, 503, "database unavailable: %s", error);
    ks_db_stats stats;
    ks_status status = ks_db_stats_get(db, &stats);
    if (status != KS_OK) {
        http_database_forget(databases);
        return send_error(reply, 503, "database unavailable: %s", ks_db_error(db));
    }
    if (health)
        return send_json(reply, 200, json_pack("{s:s,s:s,s:I}", "status", "ok", "version",
                                               ks_version(), "passages",
                                               (json_int_t)stats.passages), NULL);
    return send_json(reply, 200, stats_json(&stats), NULL);
}

/* The page, with the results of its query when it has one. A refused
 * query is shown on the page, with the status the API would answer. */
static enum MHD_Result answer_page(const http_reply *reply, http_databases *databases)
{
    http_search_request search;
    char error[512];
    http_param query = lookup_param(reply->connection, "q");
    bool asked = query.value && strspn(query.value, " \t\r\n") < query.len;
    unsigned status = asked ? http_parse_search(lookup_param, reply->connection, &search, error,
                                                sizeof error)
                            : 0;
    ks_results *results = NULL;
    if (asked && !status)
        status = run_search(databases, &search, &results, error, sizeof error);
    http_page_view view = {asked ? &search : NULL, results, status ? error : NULL};
    size_t len = 0;
    char *page = http_page_render(&view, &len);
    ks_results_free(results);
    if (!page)
        return MHD_NO;
    return send_response(reply, status ? status : 200, "text/html; charset=utf-8", page, len,
                         MHD_RESPMEM_MUST_FREE, NULL);
}

/* ---- routing ------------------------------------------------------------ */

static bool has_body(struct MHD_Connection *connection)
{
    const char *length = MHD_lookup_connection_value(connection, MHD_HEADER_KIND,
                                                     MHD_HTTP_HEADER_CONTENT_LENGTH);
    const char *chunked = MHD_lookup_connection_value(connection, MHD_HEADER_KIND,
                                                      MHD_HTTP_HEADER_TRANSFER_ENCODING);
    return chunked || (length && strspn(length, "0") != strlen(length));
}

static enum MHD_Result answer_preflight(const http_reply *reply)
{
    struct MHD_Response *response = MHD_create_response_from_buffer(0, "", MHD_RESPMEM_PERSISTENT);
    if (!response)
        return MHD_NO;
    MHD_add_response_header(response, "Access-Control-Allow-Origin", reply->server->cors);
    MHD_add_response_header(response, "Access-Control-Allow-Methods", "GET, HEAD");
    MHD_add_response_header(response, "Access-Control-Max-Age", "86400");
    MHD_add_response_header(response, MHD_HTTP_HEADER_VARY, "Origin");
    enum MHD_Result queued = MHD_queue_response(reply->connection, 204, response);
    MHD_destroy_response(response);
    if (reply->request)
        reply->request->answered = true;
    log_request(reply->server, reply->connection, reply->request, reply->method, 204, 0);
    return queued;
}

static enum MHD_Result handle_request(void *context, struct MHD_Connection *connection,
                                      const char *path, const char *method, const char *version,
                                      const char *upload_data, size_t *upload_data_size,
                                      void **state)
{
    (void)version;
    (void)upload_data;
    http_server *server = context;
    http_request *request = *state;
    http_reply reply = {server, connection, request, method};
    if (request && request->answered) { /* a body arriving after an early refusal */
        *upload_data_size = 0;
        return MHD_YES;
    }
    bool get = strcmp(method, MHD_HTTP_METHOD_GET) == 0 || strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;
    if (strcmp(method, MHD_HTTP_METHOD_OPTIONS) == 0 && server->cors)
        return answer_preflight(&reply);
    if (!get)
        return send_error_allowing(&reply, 405, "GET, HEAD",
                                   "method %s is not allowed: this server only reads", method);
    if (has_body(connection))
        return send_error(&reply, 413, "a GET request takes no body");
    /* Answered on the second call, once libmicrohttpd has read the whole
     * request: an answer queued on the first would close the connection. */
    if (request && !request->headers_read) {
        request->headers_read = true;
        return MHD_YES;
    }
    bool search = strcmp(path, "/search") == 0, suggest = strcmp(path, "/suggest") == 0;
    param_check check = {search ? http_search_params : suggest ? http_suggest_params : NULL, ""};
    MHD_get_connection_values_n(connection, MHD_GET_ARGUMENT_KIND, check_param, &check);
    if (*check.problem)
        return send_error(&reply, 400, "%s", check.problem);
    if (search)
        return answer_search(&reply, server->databases);
    if (suggest)
        return answer_suggest(&reply, server->databases);
    if (strcmp(path, "/stats") == 0)
        return answer_stats(&reply, server->databases, false);
    if (strcmp(path, "/health") == 0)
        return answer_stats(&reply, server->databases, true);
    if (strcmp(path, "/") == 0 || strcmp(path, "/index.html") == 0)
        return answer_page(&reply, server->databases);
    if (!http_valid_text(path, strlen(path)))
        return send_error(&reply, 404, "no such path");
    return send_error(&reply, 404, "no such path: %.200s (try /search?q=WORDS)", path);
}

/* ---- starting and stopping ---------------------------------------------- */

static bool is_loopback(const struct sockaddr *address)
{
    if (address->sa_family == AF_INET)
        return (ntohl(((const struct sockaddr_in *)address)->sin_addr.s_addr) >> 24) == 127;
    if (address->sa_family == AF_INET6)
        return memcmp(&((const struct sockaddr_in6 *)address)->sin6_addr, &in6addr_loopback,
                      sizeof in6addr_loopback) == 0;
    return false;
}

static struct addrinfo *resolve_listen_address(const char *host, const char *port)
{
    struct addrinfo hints = {0}, *found = NULL;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    int failed = getaddrinfo(host, port, &hints, &found);
    if (failed) {
        cli_error("cannot listen on %s: %s", host, gai_strerror(failed));
        return NULL;
    }
    return found;
}

/* Serves until SIGINT or SIGTERM; the signals are blocked in every thread
 * and taken here, so the server stops between requests. */
static int serve(http_server *server, const struct addrinfo *address, const char *host,
                 const char *port, unsigned threads)
{
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    sigset_t blocked = stop;
    sigaddset(&blocked, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &blocked, NULL);
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ERROR_LOG |
                     (address->ai_family == AF_INET6 ? MHD_USE_IPv6 : 0);
    struct MHD_Daemon *daemon = MHD_start_daemon(
        flags, 0, NULL, NULL, handle_request, server,
        MHD_OPTION_EXTERNAL_LOGGER, log_library_error, server,
        MHD_OPTION_SOCK_ADDR, address->ai_addr,
        MHD_OPTION_THREAD_POOL_SIZE, threads,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONNECTION_MEMORY,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)IDLE_TIMEOUT_SECONDS,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)MAX_CONNECTIONS,
        MHD_OPTION_URI_LOG_CALLBACK, begin_request, server,
        MHD_OPTION_NOTIFY_COMPLETED, end_request, server,
        MHD_OPTION_END);
    if (!daemon) {
        cli_error("cannot listen on %s port %s (the reason is above)", host, port);
        return EXIT_TROUBLE;
    }
    const union MHD_DaemonInfo *bound = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
    bool v6 = address->ai_family == AF_INET6;
    fprintf(stderr, "kosearch http: listening on http://%s%s%s:%u/ (%u threads)\n", v6 ? "[" : "",
            host, v6 ? "]" : "", bound ? bound->port : 0, threads);
    int signal_number = 0;
    sigwait(&stop, &signal_number);
    MHD_stop_daemon(daemon);
    if (!server->quiet)
        fprintf(stderr, "kosearch http: stopped (%s)\n", strsignal(signal_number));
    return 0;
}

int cmd_http(int argc, char **argv)
{
    const char *db_option = NULL, *host = "127.0.0.1", *port = "8080";
    http_server server = {NULL, NULL, false};
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    size_t number, threads = cores < 1 ? 1 : cores > 64 ? 64 : (size_t)cores;
    cli_getopt options;
    cli_options_of("http", &options);
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, options.short_options, options.long_options, NULL)) != -1) {
        switch (c) {
        case CLI_OPT_DB: db_option = optarg; break;
        case CLI_OPT_HOST: host = optarg; break;
        case CLI_OPT_PORT:
            if (!cli_parse_size(optarg, &number) || number > 65535)
                return cli_usage_error("http", "--port needs a number from 0 to 65535, not '%s'", optarg);
            port = optarg;
            break;
        case CLI_OPT_CORS:
            if (!*optarg || strpbrk(optarg, "\r\n"))
                return cli_usage_error("http", "--cors needs an origin such as https://news.example");
            server.cors = optarg;
            break;
        case CLI_OPT_THREADS:
            if (!cli_parse_size(optarg, &threads) || threads == 0 || threads > MAX_THREADS)
                return cli_usage_error("http", "--threads needs a number from 1 to %d, not '%s'",
                                       MAX_THREADS, optarg);
            break;
        case CLI_OPT_QUIET: server.quiet = true; break;
        case CLI_OPT_HELP: cli_print_help(&help); return 0;
        default: return cli_bad_option("http", argv);
        }
    }
    if (optind < argc)
        return cli_usage_error("http", "unexpected argument '%s'", argv[optind]);
    char *path = cli_database_path(db_option);
    /* A missing or outdated database is refused now, with its reason,
     * rather than by every request. */
    ks_db *db = path ? cli_open_database(path, KS_OPEN_READ) : NULL;
    if (db)
        ks_db_close(db);
    struct addrinfo *address = db ? resolve_listen_address(host, port) : NULL;
    int status = EXIT_TROUBLE;
    if (address && !(server.databases = http_databases_new(path)))
        cli_error("out of memory");
    if (server.databases) {
        if (!is_loopback(address->ai_addr))
            fprintf(stderr, "kosearch: warning: listening on %s: anyone who can reach this "
                            "machine can search the database\n", host);
        status = serve(&server, address, host, port, (unsigned)threads);
    }
    http_databases_free(server.databases);
    if (address)
        freeaddrinfo(address);
    free(path);
    return status;
}
