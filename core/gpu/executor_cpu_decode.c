/*
 * GDeflate for GPU destinations on the CPU: one worker job per 64 KiB tile, from the stream in
 * host memory into the request's staging-ring range, which the GPU then copies like
 * uncompressed data.
 *
 * A tile is decoded into ordinary memory and then copied into the ring: the decoder reads its
 * own output (LZ77 matches), and ring memory may be write-combined or across the bus
 * (ReBAR), where reads are very slow.
 */
#include <stdlib.h>
#include <string.h>

#include "gpu/executor_internal.h"

static void tile_run(dsvk_job *job)
{
    dsvk_gpu_tile_job *t = (dsvk_gpu_tile_job *)job;
    dsvk_gpu_req *g = t->g;
    dsvk_exec *e = g->e;
    if (dsvk_exec_live(e)) {
        uint64_t off;
        uint32_t size;
        dsvk_gdeflate_tile_range(g->cpu_src, &g->gd, t->tile, &off, &size);
        size_t out_size =
            t->tile + 1 == g->gd.num_tiles ? g->gd.last_tile_size : DSVK_GDEFLATE_TILE_SIZE;
        uint8_t *buf = malloc(out_size);
        dsvk_result r = buf ? dsvk_gdeflate_decompress_tile(g->cpu_src + off, size, buf, out_size)
                            : DSVK_E_NO_MEMORY;
        if (r == DSVK_OK) {
            memcpy(dsvk_gpu_exec_staging_ptr(g) + (size_t)t->tile * DSVK_GDEFLATE_TILE_SIZE, buf,
                   out_size);
        } else {
            if (r == DSVK_E_DECOMPRESSION)
                DSVK_WARN("request '%s': GDeflate tile %u of %u (stream offset %llu, %u bytes) "
                          "is corrupt",
                          e->name, t->tile, g->gd.num_tiles, (unsigned long long)off, size);
            dsvk_exec_fail(e, r, 0);
        }
        free(buf);
    }
    if (atomic_fetch_sub(&g->tiles_left, 1) == 1) {
        /* Every tile is in the ring: the stream's host memory can serve other requests. */
        if (e->staging_bytes)
            dsvk_staging_release(e->queue->rt, e);
        if (dsvk_exec_live(e))
            dsvk_gpu_exec_make_ready(g);
    }
    dsvk_exec_job_done(e);
}

void dsvk_gpu_exec_cpu_decode(dsvk_gpu_req *g)
{
    dsvk_exec *e = g->e;
    uint32_t n = g->gd.num_tiles;
    g->tile_jobs = calloc(n, sizeof(*g->tile_jobs));
    dsvk_job **jobs = malloc(n * sizeof(*jobs));
    if (!g->tile_jobs || !jobs) {
        free(jobs);
        dsvk_exec_fail(e, DSVK_E_NO_MEMORY, 0);
        return;
    }
    uint8_t prio = e->queue->io_priority;
    for (uint32_t i = 0; i < n; i++) {
        g->tile_jobs[i] = (dsvk_gpu_tile_job){
            .job = {.fn = tile_run, .priority = prio},
            .g = g,
            .tile = i,
        };
        jobs[i] = &g->tile_jobs[i].job;
    }
    atomic_store(&g->tiles_left, n);
    atomic_fetch_add(&e->pending, (int)n);
    dsvk_workers_push(&e->queue->rt->workers, jobs, n);
    free(jobs);
}
