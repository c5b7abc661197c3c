/*
 * dsvk-bench subcommands. Each is int dsvk_bench_NAME(int argc, char **argv), argv[0] being
 * the subcommand's name, defined in bench_NAME.c. A subcommand that is not linked in is a
 * weak NULL symbol and reported as not built.
 */
#ifndef DSVK_BENCH_H
#define DSVK_BENCH_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define DSVK_BENCH_SUBCOMMANDS(X)                                                                 \
    X(read, "file reads through the core (io_uring / thread pool), beside fio")                   \
    X(gdeflate_cpu, "GDeflate CPU decoding, beside libdeflate (gdeflate-cpu)")                    \
    X(gdeflate_enc, "GDeflate compression: sizes vs the reference encoder, MB/s (gdeflate-enc)")  \
    X(gdeflate_gpu, "GDeflate GPU decoding: dsvk shader vs driver vs CPU (gdeflate-gpu)")         \
    X(gpu_upload, "file -> VkBuffer uploads (gpu-upload)")                                        \
    X(wine, "the same load through the PE API under Wine and the native API")

#define DSVK_BENCH_DECLARE(name, help) int dsvk_bench_##name(int argc, char **argv);
DSVK_BENCH_SUBCOMMANDS(DSVK_BENCH_DECLARE)
#undef DSVK_BENCH_DECLARE

/* Helpers shared by subcommands (bench_util.c). */
double bench_now(void);               /* monotonic seconds */
double bench_cpu_seconds(void);       /* user + system CPU time of the process */
uint64_t bench_parse_size(const char *s); /* "64k", "1M", "2G" -> bytes; 0 on error */
/* Writes a JSON string literal (quoted, escaped). */
void bench_json_string(FILE *f, const char *s);
/* Percentile (0..100) of n sorted doubles. */
double bench_percentile(const double *sorted, size_t n, double p);
int bench_cmp_double(const void *a, const void *b);

#endif
