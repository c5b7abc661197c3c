/*
 * dsvk_gdeflate_compress: the tile-stream container (GDEFLATE.md §2) around independently
 * compressed 64 KiB tiles, which worker threads take from a shared counter. Each tile is
 * kept in its own buffer until all are done, because a tile's offset depends on the sizes of
 * those before it; then the header, tile table and tiles are written in one go.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <dsvk/gdeflate.h>

#include "enc_tile.h"
#include "log.h"

#define GDEFLATE_ID 4
#define HEADER_BYTES 8
#define MAX_THREADS 32 /* the reference uses up to 31 workers */

struct enc_tile_result {
    uint8_t *data;
    uint32_t size;
};

struct enc_job {
    const uint8_t *in;
    size_t in_size;
    uint32_t num_tiles;
    int level;
    struct enc_tile_result *tiles;
    atomic_uint next;
    atomic_int error; /* a dsvk_result, DSVK_OK while all is well */
};

size_t dsvk_gdeflate_compress_bound(size_t n)
{
    size_t tiles = (n + DSVK_GDEFLATE_TILE_SIZE - 1) / DSVK_GDEFLATE_TILE_SIZE;
    if (tiles < 1)
        tiles = 1;
    if (tiles > DSVK_GDEFLATE_MAX_TILES)
        tiles = DSVK_GDEFLATE_MAX_TILES;
    return tiles * (DSVK_GDEFLATE_TILE_SIZE + 4 + 4 * 208 + 4 * 8) + 8 + 8;
}

static void *compress_tiles(void *arg)
{
    struct enc_job *job = arg;
    struct enc_tile_ctx *ctx = enc_tile_ctx_new(job->level);
    uint8_t *scratch = malloc(ENC_TILE_OUT_CAP);
    if (!ctx || !scratch) {
        atomic_store(&job->error, DSVK_E_NO_MEMORY);
        goto out;
    }
    for (;;) {
        unsigned t = atomic_fetch_add(&job->next, 1);
        if (t >= job->num_tiles || atomic_load(&job->error) != DSVK_OK)
            break;
        size_t start = (size_t)t * DSVK_GDEFLATE_TILE_SIZE;
        size_t n = job->in_size - start;
        if (n > DSVK_GDEFLATE_TILE_SIZE)
            n = DSVK_GDEFLATE_TILE_SIZE;
        size_t size = enc_compress_tile(ctx, job->in + start, (uint32_t)n, scratch);
        uint8_t *copy = malloc(size);
        if (!copy) {
            atomic_store(&job->error, DSVK_E_NO_MEMORY);
            break;
        }
        memcpy(copy, scratch, size);
        job->tiles[t].data = copy;
        job->tiles[t].size = (uint32_t)size;
    }
out:
    free(scratch);
    enc_tile_ctx_free(ctx);
    return NULL;
}

static uint32_t worker_count(uint32_t threads, uint32_t num_tiles)
{
    if (threads == 0) {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        threads = cpus > 0 ? (uint32_t)cpus : 1;
    }
    if (threads > MAX_THREADS)
        threads = MAX_THREADS;
    return threads < num_tiles ? threads : num_tiles;
}

static void run_workers(struct enc_job *job, uint32_t workers)
{
    pthread_t tids[MAX_THREADS];
    uint32_t started = 0;
    for (uint32_t i = 1; i < workers; i++) {
        if (pthread_create(&tids[started], NULL, compress_tiles, job) != 0) {
            DSVK_WARN("gdeflate: could not start compression thread %u; continuing with %u", i,
                      started + 1);
            break;
        }
        started++;
    }
    compress_tiles(job); /* the calling thread works too */
    for (uint32_t i = 0; i < started; i++)
        pthread_join(tids[i], NULL);
}

static void put_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

/* Header, tile table (entry 0 = size of the last tile, entry i = offset of tile i), tiles. */
static dsvk_result assemble(const struct enc_job *job, uint8_t *out, size_t out_cap,
                            size_t *out_size)
{
    uint32_t n = job->num_tiles;
    uint64_t total = HEADER_BYTES + 4 * (uint64_t)n;
    for (uint32_t t = 0; t < n; t++)
        total += job->tiles[t].size;
    if (total > out_cap)
        return DSVK_E_COMPRESSED_DATA_TOO_LARGE;

    uint32_t last_size = (uint32_t)(job->in_size % DSVK_GDEFLATE_TILE_SIZE);
    out[0] = GDEFLATE_ID;
    out[1] = GDEFLATE_ID ^ 0xFF;
    out[2] = (uint8_t)n;
    out[3] = (uint8_t)(n >> 8);
    put_le32(out + 4, 1u | (last_size << 2)); /* tileSizeIdx 1 = 64 KiB */
    uint8_t *table = out + HEADER_BYTES, *data = table + 4 * (size_t)n;
    uint32_t offset = 0;
    for (uint32_t t = 0; t < n; t++) {
        if (t > 0)
            put_le32(table + 4 * (size_t)t, offset);
        memcpy(data + offset, job->tiles[t].data, job->tiles[t].size);
        offset += job->tiles[t].size;
    }
    put_le32(table, job->tiles[n - 1].size);
    *out_size = (size_t)total;
    return DSVK_OK;
}

dsvk_result dsvk_gdeflate_compress(const void *in, size_t in_size, void *out, size_t out_cap,
                                   size_t *out_size, int level, uint32_t threads)
{
    if (!in || !out_size || in_size == 0 || (uint64_t)in_size > DSVK_GDEFLATE_MAX_INPUT ||
        level < DSVK_GDEFLATE_LEVEL_FASTEST || level > DSVK_GDEFLATE_LEVEL_BEST ||
        (!out && out_cap > 0))
        return DSVK_E_INVALID_ARGUMENT;
    *out_size = 0;

    struct enc_job job = {.in = in, .in_size = in_size, .level = level};
    job.num_tiles = (uint32_t)((in_size + DSVK_GDEFLATE_TILE_SIZE - 1) / DSVK_GDEFLATE_TILE_SIZE);
    if (out_cap < HEADER_BYTES + 4 * (size_t)job.num_tiles)
        return DSVK_E_COMPRESSED_DATA_TOO_LARGE;
    job.tiles = calloc(job.num_tiles, sizeof(job.tiles[0]));
    if (!job.tiles)
        return DSVK_E_NO_MEMORY;
    atomic_init(&job.next, 0);
    atomic_init(&job.error, DSVK_OK);

    run_workers(&job, worker_count(threads, job.num_tiles));

    dsvk_result r = (dsvk_result)atomic_load(&job.error);
    if (r == DSVK_OK)
        r = assemble(&job, out, out_cap, out_size);
    for (uint32_t t = 0; t < job.num_tiles; t++)
        free(job.tiles[t].data);
    free(job.tiles);
    return r;
}
