/* Per-queue statistics: latency histogram and the DSVK_STATS summary. */
#ifndef DSVK_STATS_H
#define DSVK_STATS_H

#include "internal.h"

void dsvk_stats_add_latency(dsvk_queue_stats *st, uint64_t ns);
/* One line per queue (DSVK_STATS=1), printed when the queue closes. */
void dsvk_stats_print_queue(dsvk_queue *q);
void dsvk_stats_print_totals(dsvk_runtime *rt);
/* "gpu-shader", "gpu-native", "cpu" or "none" for a dsvk_queue_stats.decode_path. */
const char *dsvk_stats_decode_path_name(uint32_t decode_path);

#endif
