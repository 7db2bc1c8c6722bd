/* kosearch serve: serves a database (one shard, or a sharded folder) to
 * remote searches by running Xapian's own server, xapian-tcpsrv, on it. */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
    "Usage: kosearch serve --port PORT [OPTIONS]\n"
    "\n"
    "Serve the database read-only to 'remote HOST:PORT' lines of a cluster stub\n"
    "file, by running xapian-tcpsrv (from xapian-tools) in its place. Stop it with\n"
    "a signal (Ctrl-C). Updates come from 'kosearch index' on this machine.\n"
    "\n"
    "Options:\n"
    "  --db PATH       the database or shard (default: $KOSEARCH_DB, else\n"
    "                  $XDG_DATA_HOME/kosearch/default.db)\n"
    "  --port PORT     the TCP port to listen on (required)\n"
    "  --host ADDRESS  the address to listen on (default 127.0.0.1; 0.0.0.0 for all)\n"
    "  -h, --help      show this help\n"
    "\n"
    "Exit status: 2 when the database cannot be opened or the server not started.\n";

int cmd_serve(int argc, char **argv)
{
    static const struct option options[] = {
        {"db", required_argument, NULL, 'd'},   {"port", required_argument, NULL, 'p'},
        {"host", required_argument, NULL, 'H'}, {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *db_option = NULL, *host = "127.0.0.1", *port = NULL;
    size_t port_number;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        switch (c) {
        case 'd': db_option = optarg; break;
        case 'p':
            if (!cli_parse_size(optarg, &port_number) || port_number == 0 || port_number > 65535)
                return cli_usage_error("serve", "--port needs a number from 1 to 65535, not '%s'", optarg);
            port = optarg;
            break;
        case 'H': host = optarg; break;
        case 'h': fputs(usage, stdout); return 0;
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
    fflush(stdout);
    /* xapian-tcpsrv ends its connection children by signalling its whole
     * process group when it is stopped: give it a group of its own, so a
     * script that started it in the background is not stopped with it. */
    if (getpgrp() != getpid())
        setpgid(0, 0);
    char *server_argv[] = {"xapian-tcpsrv", "--port", (char *)port, "--interface", (char *)host,
                           path, NULL};
    execvp(server_argv[0], server_argv);
    cli_error("cannot run xapian-tcpsrv (install xapian-tools): %s", strerror(errno));
    free(path);
    return EXIT_TROUBLE;
}
