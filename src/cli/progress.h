/* A one-line progress display for kosearch index: articles and passages
 * done, the rate, and the time left when the inputs could be counted.
 * Shown only on a terminal, so scripts and logs see nothing but results. */
#ifndef KOSEARCH_PROGRESS_H
#define KOSEARCH_PROGRESS_H

#include "kosearch.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef struct progress progress;

/* Starts a display on `stream` when it is a terminal and `quiet` is false;
 * otherwise returns NULL, which every other function accepts and ignores.
 * The `path_count` inputs in `paths` (as kosearch index takes them, with
 * --follow as `follow_links`) are counted up front for an estimate of the
 * time left; stdin and pipes leave the total unknown and the estimate out. */
progress *progress_start(FILE *stream, bool quiet, int path_count, char **paths,
                         bool follow_links);

/* Whether an update now would redraw, which is at most ten times a second;
 * false without a display. Callers whose counts cost something to gather
 * ask first. */
bool progress_due(const progress *display);

/* Records the articles and passages done so far and redraws when due. */
void progress_update(progress *display, size_t articles, size_t passages);

/* Draws the final counts with a note that the index is being completed
 * (the last commit; after a build, merging its parts): what follows the
 * reading may take seconds. */
void progress_finishing(progress *display, size_t articles, size_t passages);

/* Clears the line, so a message can be printed on a clean line; the next
 * update draws it again. */
void progress_clear(progress *display);

/* Clears the line and frees the display. */
void progress_finish(progress *display);

/* Articles the inputs hold: one per text file the reader would read, one
 * per line of its JSONL files; 0 when that cannot be known without reading
 * stdin or a pipe. */
size_t progress_count_articles(int path_count, char **paths, bool follow_links);

#endif /* KOSEARCH_PROGRESS_H */
