/*
 * DSVK_STATS_FILE: a core thread that appends one JSON line per queue every second
 * (requests, bytes, GB/s and latency percentiles over that second, totals, decode path),
 * and a last line ("final": true) for each queue when it closes or the sampler stops, so
 * nothing a queue did is lost and runs shorter than a second still leave a line.
 */
#ifndef DSVK_STATS_FILE_H
#define DSVK_STATS_FILE_H

#include "internal.h"

/* Opens `path` for appending and starts the sampling thread. On failure (the file cannot be
 * opened, no thread) it logs a warning and the runtime runs without the stats file. */
void dsvk_stats_file_start(dsvk_runtime *rt, const char *path);

/* Writes the final sample and joins the thread; call while the queues are still open.
 * A no-op when the stats file was not started. */
void dsvk_stats_file_stop(dsvk_runtime *rt);

/* Writes the queue's final line; called by dsvk_queue_close before the queue leaves the
 * runtime's list. A no-op without a stats file. */
void dsvk_stats_file_queue_closing(dsvk_queue *q);

#endif
