/*
 * The compute stage for host destinations: GDeflate tiles decoded in parallel on the worker
 * threads, or a plain copy split into chunks. Each job checks for cancellation before it
 * writes, so once a cancel has waited for running jobs nothing else writes.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define COPY_CHUNK (256u << 10)

static void tile_job_run(dsvk_job *job)
{
    dsvk_tile_job *t = (dsvk_tile_job *)job;
    dsvk_exec *e = t->exec;
    if (dsvk_exec_live(e)) {
        uint64_t off;
        uint32_t size;
        dsvk_gdeflate_tile_range(e->gd_src, &e->gd, t->tile, &off, &size);
        size_t out_size = t->tile + 1 == e->gd.num_tiles ? e->gd.last_tile_size
                                                          : DSVK_GDEFLATE_TILE_SIZE;
        uint8_t *dst = (uint8_t *)e->req.destination.u.memory.data +
                       (size_t)t->tile * DSVK_GDEFLATE_TILE_SIZE;
        dsvk_result r = dsvk_gdeflate_decompress_tile(e->gd_src + off, size, dst, out_size);
        if (r != DSVK_OK) {
            DSVK_WARN("request '%s': GDeflate tile %u of %u (stream offset %llu, %u bytes) is "
                      "corrupt",
                      e->name, t->tile, e->gd.num_tiles, (unsigned long long)off, size);
            dsvk_exec_fail(e, r, 0);
        }
    }
    dsvk_exec_job_done(e);
}

static void copy_job_run(dsvk_job *job)
{
    dsvk_tile_job *t = (dsvk_tile_job *)job;
    dsvk_exec *e = t->exec;
    if (dsvk_exec_live(e)) {
        uint64_t size = e->req.destination.u.memory.size;
        uint64_t at = (uint64_t)t->tile * COPY_CHUNK;
        uint64_t len = size - at < COPY_CHUNK ? size - at : COPY_CHUNK;
        memcpy((uint8_t *)e->req.destination.u.memory.data + at, e->gd_src + at, len);
    }
    dsvk_exec_job_done(e);
}

void dsvk_decode_start(dsvk_exec *e, const void *src, uint64_t size)
{
    uint32_t n;
    void (*run)(dsvk_job *);
    e->gd_src = src;
    if (e->req.compression == DSVK_COMPRESSION_GDEFLATE) {
        dsvk_result r = dsvk_gdeflate_parse(src, size, &e->gd);
        if (r != DSVK_OK) {
            DSVK_WARN("request '%s': invalid GDeflate stream header (%llu bytes)", e->name,
                      (unsigned long long)size);
            dsvk_exec_fail(e, DSVK_E_DECOMPRESSION, 0);
            return;
        }
        if (e->gd.uncompressed_size != e->req.destination.u.memory.size) {
            DSVK_WARN("request '%s': GDeflate stream holds %llu bytes, destination has %u",
                      e->name, (unsigned long long)e->gd.uncompressed_size,
                      e->req.destination.u.memory.size);
            dsvk_exec_fail(e, DSVK_E_DECOMPRESSION, 0);
            return;
        }
        n = e->gd.num_tiles;
        run = tile_job_run;
        pthread_mutex_lock(&e->queue->lock);
        e->queue->stats.decode_path = DSVK_DECODER_CPU;
        pthread_mutex_unlock(&e->queue->lock);
    } else {
        n = (uint32_t)((size + COPY_CHUNK - 1) / COPY_CHUNK);
        run = copy_job_run;
    }
    if (n == 0)
        return;
    e->tiles = calloc(n, sizeof(*e->tiles));
    dsvk_job **jobs = malloc(n * sizeof(*jobs));
    if (!e->tiles || !jobs) {
        free(jobs);
        dsvk_exec_fail(e, DSVK_E_NO_MEMORY, 0);
        return;
    }
    uint8_t prio = e->queue->io_priority;
    for (uint32_t i = 0; i < n; i++) {
        e->tiles[i] = (dsvk_tile_job){.job = {.fn = run, .priority = prio}, .exec = e, .tile = i};
        jobs[i] = &e->tiles[i].job;
    }
    atomic_fetch_add(&e->pending, (int)n);
    dsvk_workers_push(&e->queue->rt->workers, jobs, n);
    free(jobs);
}
