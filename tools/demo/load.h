/* The two ways the demo loads its assets, and what it measures of each. */
#ifndef DSVK_DEMO_LOAD_H
#define DSVK_DEMO_LOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "assets.h"

typedef struct load_result {
    bool ran;
    char error[512];        /* why the load could not run at all */
    double seconds;         /* wall time from the first open to the last byte */
    double cpu_seconds;     /* user + system time of the process then; < 0: not measured */
    uint64_t bytes_out;     /* uncompressed bytes delivered */
    uint64_t bytes_in;      /* bytes read from files */
    size_t assets_ok;       /* delivered and CRC32 matches */
    size_t requests_failed; /* reported failed by the loader */
    size_t checksum_mismatches;
    char problems[2048]; /* "path: what", for the report */
    /* dsvk only */
    uint64_t requests;
    char io_backend[16];
    uint32_t io_threads, workers;
    const char *decode; /* "cpu", "gpu-shader", "gpu-native", "none" */
    uint64_t p50_us, p99_us;
    /* Wine path only */
    char dll[260]; /* where Wine loaded dstorage.dll from */
} load_result;

/* Through the core's native API: a file queue, GDeflate requests to host memory, a status
 * entry after every request and an eventfd signal at the end. */
void load_native(const char *dir, const asset_set *set, bool evict, load_result *r);

/* The plain way: open + read() each file, decode GDeflate with dsvk's decoder on the calling
 * thread only. */
void load_baseline(const char *dir, const asset_set *set, bool evict, load_result *r);

/* Shared by both (load_common.c). */
double load_now(void);
double load_cpu_seconds(void);
/* Drops the assets' pages from the page cache (posix_fadvise DONTNEED), so a load reads
 * from the disk. */
void load_evict(const char *dir, const asset_set *set);
/* One page-touched destination buffer per asset; NULL on failure. */
uint8_t **load_alloc_destinations(const asset_set *set);
void load_free_destinations(const asset_set *set, uint8_t **bufs);
/* Checks each delivered asset's CRC32; `failed[i]` marks assets the loader reported lost. */
void load_verify(const asset_set *set, uint8_t **bufs, const bool *failed, load_result *r);
void load_note_problem(load_result *r, const char *path, const char *what);

#endif
