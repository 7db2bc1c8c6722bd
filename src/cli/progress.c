/* The progress line of kosearch index: redrawn in place with \r, at most
 * ten times a second, so a terminal shows how far indexing has got without
 * the output scrolling, and cleared before the summary line. */
#include "progress.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define SECONDS_BETWEEN_DRAWS 0.1
/* A rate measured over less time than this swings too much to show. */
#define SECONDS_BEFORE_RATE 0.25

struct progress {
    FILE *stream;
    bool plain;          /* a terminal without clear-to-end-of-line (TERM=dumb) */
    size_t total;        /* articles expected; 0 when unknown */
    size_t articles, passages;
    double started, last_draw; /* last_draw is 0 before the first draw */
    bool drawn;          /* the line is on screen */
    size_t drawn_len;
    bool finishing;      /* everything read; the index is being completed */
};

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ------------------------------------------------------------------------ */
/* Counting the inputs the way kosearch index reads them.                   */

/* One article per line; a last line without a newline counts too. */
static void count_lines(const char *path, size_t *count)
{
    FILE *file = fopen(path, "rb");
    if (!file)
        return; /* the reader will name it as skipped */
    char buffer[1 << 16];
    size_t got;
    char last = '\n';
    while ((got = fread(buffer, 1, sizeof buffer, file)) > 0) {
        for (const char *at = buffer; (at = memchr(at, '\n', (size_t)(buffer + got - at)));
             at++)
            (*count)++;
        last = buffer[got - 1];
    }
    if (last != '\n')
        (*count)++;
    fclose(file);
}

/* The reader asks before it reads each file: count it, and decline. */
static bool count_file(void *context, const ks_source_file *file)
{
    size_t *count = context;
    if (file->jsonl)
        count_lines(file->path, count);
    else
        (*count)++;
    return false;
}

static ks_status no_article(void *context, const ks_source_article *article)
{
    (void)context;
    (void)article;
    return KS_OK; /* never called: count_file declines every file */
}

size_t progress_count_articles(int path_count, char **paths, bool follow_links)
{
    size_t count = 0;
    /* The reader's own walk, so hidden files, links out of the folder and
     * extensions are left out exactly as indexing leaves them out; its
     * problems are reported when the files are read for real. */
    ks_reader_callbacks counting = {.on_article = no_article, .context = &count,
                                    .wants_file = count_file, .follow_links = follow_links};
    for (int i = 0; i < path_count; i++) {
        struct stat info;
        if (strcmp(paths[i], "-") == 0)
            return 0;
        if (stat(paths[i], &info) != 0)
            continue;
        if (!S_ISDIR(info.st_mode) && !S_ISREG(info.st_mode))
            return 0; /* a pipe can be read only once: by the indexer */
        if (ks_read_path(paths[i], &counting) != KS_OK)
            return 0;
    }
    return count;
}

/* ------------------------------------------------------------------------ */
/* Drawing.                                                                 */

progress *progress_start(FILE *stream, bool quiet, int path_count, char **paths,
                         bool follow_links)
{
    if (quiet || !isatty(fileno(stream)))
        return NULL;
    progress *display = calloc(1, sizeof *display);
    if (!display)
        return NULL; /* indexing goes on without a display */
    display->stream = stream;
    const char *term = getenv("TERM");
    display->plain = term && strcmp(term, "dumb") == 0;
    display->total = progress_count_articles(path_count, paths, follow_links);
    display->started = now_seconds();
    return display;
}

static size_t terminal_width(FILE *stream)
{
    struct winsize size;
    if (ioctl(fileno(stream), TIOCGWINSZ, &size) == 0 && size.ws_col > 0)
        return size.ws_col;
    return 80;
}

static void format_duration(double seconds, char *out, size_t size)
{
    unsigned long whole = (unsigned long)(seconds + 0.5);
    if (whole >= 3600)
        snprintf(out, size, "%lu:%02lu:%02lu", whole / 3600, whole / 60 % 60, whole % 60);
    else
        snprintf(out, size, "%lu:%02lu", whole / 60, whole % 60);
}

static void append(char *line, size_t size, size_t *len, const char *format, ...)
    __attribute__((format(printf, 4, 5)));

static void append(char *line, size_t size, size_t *len, const char *format, ...)
{
    if (*len >= size)
        return;
    va_list args;
    va_start(args, format);
    int wrote = vsnprintf(line + *len, size - *len, format, args);
    va_end(args);
    if (wrote > 0)
        *len = *len + (size_t)wrote < size ? *len + (size_t)wrote : size - 1;
}

static void draw(progress *display, double now)
{
    char line[256];
    size_t len = 0;
    double elapsed = now - display->started;
    /* The total is an estimate: past it, say only what is done. */
    bool total_known = display->total > 0 && display->articles <= display->total;
    append(line, sizeof line, &len, "kosearch: %zu", display->articles);
    if (total_known)
        append(line, sizeof line, &len, "/%zu", display->total);
    append(line, sizeof line, &len, " articles, %zu passages", display->passages);
    if (display->finishing)
        append(line, sizeof line, &len, "; finishing the index");
    else if (elapsed >= SECONDS_BEFORE_RATE) {
        double rate = (double)display->articles / elapsed;
        append(line, sizeof line, &len, ", %.0f articles/s", rate);
        if (total_known && rate > 0) {
            char left[32];
            format_duration((double)(display->total - display->articles) / rate, left,
                            sizeof left);
            append(line, sizeof line, &len, ", %s left", left);
        }
    }
    /* A line that wraps could no longer be redrawn in place. */
    size_t width = terminal_width(display->stream);
    if (len > width - 1)
        len = width - 1;
    line[len] = '\0';

    fprintf(display->stream, "\r%s", line);
    if (display->plain) {
        for (size_t i = len; i < display->drawn_len; i++)
            fputc(' ', display->stream);
    } else {
        fputs("\033[K", display->stream);
    }
    fflush(display->stream);
    display->drawn = true;
    display->drawn_len = len;
    display->last_draw = now;
}

bool progress_due(const progress *display)
{
    /* Also after a clear: a stream of problem messages must not make the
     * line flicker. */
    return display &&
           (display->last_draw <= 0 || now_seconds() - display->last_draw >= SECONDS_BETWEEN_DRAWS);
}

void progress_update(progress *display, size_t articles, size_t passages)
{
    if (!display)
        return;
    display->articles = articles;
    display->passages = passages;
    if (progress_due(display))
        draw(display, now_seconds());
}

void progress_finishing(progress *display, size_t articles, size_t passages)
{
    if (!display)
        return;
    display->articles = articles;
    display->passages = passages;
    display->finishing = true;
    draw(display, now_seconds());
}

void progress_clear(progress *display)
{
    if (!display || !display->drawn)
        return;
    if (display->plain) {
        fputc('\r', display->stream);
        for (size_t i = 0; i < display->drawn_len; i++)
            fputc(' ', display->stream);
        fputc('\r', display->stream);
    } else {
        fputs("\r\033[K", display->stream);
    }
    fflush(display->stream);
    display->drawn = false;
    display->drawn_len = 0;
}

void progress_finish(progress *display)
{
    progress_clear(display);
    free(display);
}
