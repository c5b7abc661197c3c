/*
 * Whole-stream decoding: tiles are independent, so threads claim them in index order from a
 * shared counter. Every tile is decoded even after a failure, so good tiles always land in
 * the output and the lowest failing tile is reported whatever the thread timing.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

#include "decode_internal.h"
#include "log.h"

/* Up to 64 threads: beyond that, memory bandwidth is the limit for 64 KiB tiles. */
#define GD_MAX_THREADS 64u

typedef struct gd_stream_job {
    const uint8_t *in;
    uint8_t *out;
    const dsvk_gdeflate_info *info;
    atomic_uint next_tile;
    atomic_uint first_failure; /* lowest failing tile, UINT32_MAX if none */
} gd_stream_job;

static void decode_one(gd_stream_job *job, uint32_t t)
{
    uint64_t offset;
    uint32_t size;
    dsvk_gdeflate_tile_range(job->in, job->info, t, &offset, &size);
    const size_t out_size =
        t + 1 == job->info->num_tiles ? job->info->last_tile_size : DSVK_GDEFLATE_TILE_SIZE;
    gd_error err = {NULL, 0, 0};
    if (gd_decode_tile(job->in + offset, size, job->out + (size_t)t * DSVK_GDEFLATE_TILE_SIZE,
                       out_size, &err) == DSVK_OK)
        return;
    DSVK_DEBUG("gdeflate: tile %u of %u (stream offset %llu, %u bytes): %s at tile byte %u", t,
               job->info->num_tiles, (unsigned long long)offset, size, err.what, err.in_offset);
    unsigned cur = atomic_load(&job->first_failure);
    while (t < cur && !atomic_compare_exchange_weak(&job->first_failure, &cur, t)) {
    }
}

static void *decode_worker(void *arg)
{
    gd_stream_job *job = arg;
    for (;;) {
        unsigned t = atomic_fetch_add_explicit(&job->next_tile, 1, memory_order_relaxed);
        if (t >= job->info->num_tiles)
            return NULL;
        decode_one(job, t);
    }
}

static uint32_t default_threads(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (uint32_t)n : 1u;
}

DSVK_API dsvk_result dsvk_gdeflate_decompress(const void *in, size_t in_size, void *out,
                                              size_t out_size, uint32_t threads,
                                              uint32_t *failed_tile)
{
    if (failed_tile)
        *failed_tile = UINT32_MAX;
    if (!in || !out)
        return DSVK_E_INVALID_ARGUMENT;
    dsvk_gdeflate_info info;
    dsvk_result r = dsvk_gdeflate_parse(in, in_size, &info);
    if (r != DSVK_OK)
        return r;
    if (info.uncompressed_size != out_size)
        return DSVK_E_INVALID_DESTINATION_SIZE;

    gd_stream_job job = {.in = in, .out = out, .info = &info};
    atomic_init(&job.next_tile, 0);
    atomic_init(&job.first_failure, UINT32_MAX);

    if (threads == 0)
        threads = default_threads();
    if (threads > info.num_tiles)
        threads = info.num_tiles;
    if (threads > GD_MAX_THREADS)
        threads = GD_MAX_THREADS;
    pthread_t helpers[GD_MAX_THREADS];
    uint32_t started = 0;
    for (uint32_t i = 1; i < threads; i++) {
        if (pthread_create(&helpers[started], NULL, decode_worker, &job) != 0)
            break; /* fewer threads only cost time */
        started++;
    }
    decode_worker(&job);
    for (uint32_t i = 0; i < started; i++)
        pthread_join(helpers[i], NULL);

    unsigned failed = atomic_load(&job.first_failure);
    if (failed == UINT32_MAX)
        return DSVK_OK;
    DSVK_DEBUG("gdeflate: stream of %u tiles: tile %u is the first corrupt one", info.num_tiles,
               failed);
    if (failed_tile)
        *failed_tile = failed;
    return DSVK_E_DECOMPRESSION;
}
