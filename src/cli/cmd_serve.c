/* kosearch serve: serves a database (one shard, or a sharded folder) to
 * remote searches by running Xapian's own server, xapian-tcpsrv, on it. */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* xapian-tcpsrv's exit status when it cannot listen (EX_UNAVAILABLE). */
#define TCPSRV_CANNOT_LISTEN 69

static const cli_help help = {
    .command = "serve",
    .before =
        "Usage: kosearch serve --port PORT [OPTIONS]\n"
        "\n"
        "Serve the database read-only to 'remote HOST:PORT' lines of a cluster stub\n"
        "file, by running xapian-tcpsrv (from xapian-tools). Stop it with Ctrl-C,\n"
        "SIGINT or SIGTERM: the server goes with it. Updates come from 'kosearch\n"
        "index' on this machine.\n",
    .after =
        "\n"
        "Exit status: 0 when stopped by a signal; 2 when the database cannot be\n"
        "opened, the port is taken, or the server cannot be started or dies.\n",
};

/* The running server, for the signal handler; 0 until it is started. */
static volatile sig_atomic_t server_pid;
static volatile sig_atomic_t stop_requested;

/* Passes the stop on to the server; the server then ends its own
 * connection children. */
static void stop_server(int signal_number)
{
    (void)signal_number;
    stop_requested = 1;
    if (server_pid > 0)
        kill((pid_t)server_pid, SIGTERM);
}

/* Runs xapian-tcpsrv as a child and waits for it. A shell starts background
 * jobs with SIGINT ignored, and xapian-tcpsrv keeps that: handled here, a
 * script can stop the server, and its exit status is mapped to kosearch's. */
static int run_server(char **server_argv, const char *host, const char *port)
{
    struct sigaction stop = {0};
    stop.sa_handler = stop_server;
    sigemptyset(&stop.sa_mask);
    sigaction(SIGINT, &stop, NULL);
    sigaction(SIGTERM, &stop, NULL);
    sigaction(SIGHUP, &stop, NULL);
    fflush(stdout);
    pid_t child = fork();
    if (child < 0) {
        cli_error("cannot start xapian-tcpsrv: %s", strerror(errno));
        return EXIT_TROUBLE;
    }
    if (child == 0) {
        /* xapian-tcpsrv ends its connection children by signalling its whole
         * process group when it is stopped: give it a group of its own. */
        setpgid(0, 0);
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        signal(SIGHUP, SIG_DFL);
        execvp(server_argv[0], server_argv);
        cli_error("cannot run xapian-tcpsrv (install xapian-tools): %s", strerror(errno));
        _exit(127);
    }
    server_pid = child;
    if (stop_requested) /* a signal came before the child was known */
        kill(child, SIGTERM);
    int status;
    while (waitpid(child, &status, 0) < 0)
        if (errno != EINTR) {
            cli_error("cannot wait for xapian-tcpsrv: %s", strerror(errno));
            return EXIT_TROUBLE;
        }
    if (stop_requested)
        return 0;
    if (WIFEXITED(status) && WEXITSTATUS(status) == TCPSRV_CANNOT_LISTEN)
        cli_error("cannot listen on %s port %s: the port is taken or the address is not this "
                  "machine's", host, port);
    else if (WIFEXITED(status) && WEXITSTATUS(status) != 127)
        cli_error("xapian-tcpsrv stopped with exit status %d", WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        cli_error("xapian-tcpsrv was stopped by signal %d", WTERMSIG(status));
    return EXIT_TROUBLE;
}

int cmd_serve(int argc, char **argv)
{
    const char *db_option = NULL, *host = "127.0.0.1", *port = NULL;
    size_t port_number;
    cli_getopt options;
    cli_options_of("serve", &options);
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, options.short_options, options.long_options, NULL)) != -1) {
        switch (c) {
        case CLI_OPT_DB: db_option = optarg; break;
        case CLI_OPT_PORT:
            if (!cli_parse_size(optarg, &port_number) || port_number == 0 || port_number > 65535)
                return cli_usage_error("serve", "--port needs a number from 1 to 65535, not '%s'", optarg);
            port = optarg;
            break;
        case CLI_OPT_HOST: host = optarg; break;
        case CLI_OPT_HELP: cli_print_help(&help); return 0;
        default: return cli_bad_option("serve", argv);
        }
    }
    if (optind < argc)
        return cli_usage_error("serve", "unexpected argument '%s'", argv[optind]);
    if (!port)
        return cli_usage_error("serve", "no --port given");
    char *path = cli_database_path(db_option);
    /* Refuse a missing or outdated database here, with kosearch's message,
     * rather than have every client fail later. */
    ks_db *db = path ? cli_open_database(path, KS_OPEN_READ) : NULL;
    if (!db) {
        free(path);
        return EXIT_TROUBLE;
    }
    ks_db_close(db);
    char *server_argv[] = {"xapian-tcpsrv", "--port", (char *)port, "--interface", (char *)host,
                           path, NULL};
    int status = run_server(server_argv, host, port);
    free(path);
    return status;
}
