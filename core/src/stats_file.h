/*
 * DSVK_STATS_FILE: a core thread that appends one JSON line per queue every second
 * (requests, bytes, GB/s and latency percentiles over that second, totals, decode path),
 * plus a last sample when it stops, so runs shorter than a second still leave a line.
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

#endif
