#include "stats.h"

#include <stdio.h>

void dsvk_stats_add_latency(dsvk_queue_stats *st, uint64_t ns)
{
    uint64_t us = ns / 1000;
    unsigned b = 0;
    while (us > 1 && b < DSVK_LATENCY_BUCKETS - 1) {
        us >>= 1;
        b++;
    }
    st->latency_hist[b]++;
}

uint64_t dsvk_stats_latency_percentile(const dsvk_queue_stats *st, double percentile)
{
    uint64_t total = 0;
    for (unsigned i = 0; i < DSVK_LATENCY_BUCKETS; i++)
        total += st->latency_hist[i];
    if (!total)
        return 0;
    double want = percentile / 100.0 * (double)total;
    uint64_t seen = 0;
    for (unsigned i = 0; i < DSVK_LATENCY_BUCKETS; i++) {
        seen += st->latency_hist[i];
        if ((double)seen >= want && st->latency_hist[i])
            return 2ull << i;
    }
    return 2ull << (DSVK_LATENCY_BUCKETS - 1);
}

const char *dsvk_stats_decode_path_name(uint32_t d)
{
    switch (d) {
    case DSVK_DECODER_GPU: return "gpu-shader";
    case DSVK_DECODER_GPU_NATIVE: return "gpu-native";
    case DSVK_DECODER_CPU: return "cpu";
    default: return "none";
    }
}

void dsvk_stats_print_queue(dsvk_queue *q)
{
    dsvk_queue_stats st;
    dsvk_queue_get_stats(q, &st);
    double secs = (double)st.busy_ns * 1e-9;
    double gbs = secs > 0 ? (double)st.bytes_written / secs / 1e9 : 0;
    fprintf(stderr,
            "dsvk stats: queue '%s': %llu requests (%llu failed, %llu cancelled), %.1f MiB read, "
            "%.1f MiB written, %.2f GB/s while busy, decode %s, latency p50 %llu us p99 %llu us\n",
            q->name, (unsigned long long)st.requests_completed,
            (unsigned long long)st.requests_failed, (unsigned long long)st.requests_cancelled,
            (double)st.bytes_read / 1048576.0, (double)st.bytes_written / 1048576.0, gbs,
            dsvk_stats_decode_path_name(st.decode_path),
            (unsigned long long)dsvk_stats_latency_percentile(&st, 50),
            (unsigned long long)dsvk_stats_latency_percentile(&st, 99));
}

void dsvk_stats_print_totals(dsvk_runtime *rt)
{
    fprintf(stderr, "dsvk stats: I/O %s with %u threads, %u workers\n",
            rt->io_info.backend == DSVK_IO_URING ? "io_uring" : "thread pool",
            rt->io_info.threads, rt->cfg.worker_threads);
}
