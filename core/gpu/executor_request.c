/*
 * A GPU request's way through the executor:
 *
 *   start ─▶ ring space (now, or FIFO wait) ─▶ fill: reads into the ring / memcpy / CPU decode
 *         ─▶ data_ready ─▶ ready list ─▶ submit thread records it ─▶ GPU ─▶ completion thread
 *         ─▶ dsvk_exec_job_done ─▶ finished: ring space and the device's work count back
 *
 * GDeflate decoded on the CPU first reads the stream into host memory through the runtime's
 * staging budget (reading the ring back would cross the bus on a GPU), then takes ring space
 * for the decoded bytes.
 *
 * Pending counts (core/src/exec.c): waiting for ring space and sitting in the ready list
 * each hold one count, which a cancel takes back with dsvk_gpu_exec_withdraw; everything else
 * runs inside a count its caller holds.
 */
#include <stdlib.h>
#include <string.h>

#include "gpu/executor_internal.h"

bool dsvk_gpu_destination(dsvk_destination_type type)
{
    return type == DSVK_DEST_BUFFER || type == DSVK_DEST_IMAGE_REGION ||
           type == DSVK_DEST_SUBRESOURCES || type == DSVK_DEST_TILES;
}

uint8_t *dsvk_gpu_exec_staging_ptr(const dsvk_gpu_req *g)
{
    return g->x->staging_mem.map + g->staging.offset;
}

static const char *file_name(const dsvk_exec *e)
{
    if (e->req.source.type == DSVK_SOURCE_FILE && e->req.source.u.file.file)
        return e->req.source.u.file.file->name;
    return "memory";
}

static unsigned long long file_offset(const dsvk_exec *e)
{
    return e->req.source.type == DSVK_SOURCE_FILE ? e->req.source.u.file.offset : 0;
}

static uint64_t source_size(const dsvk_request *r)
{
    return r->source.type == DSVK_SOURCE_FILE ? r->source.u.file.size : r->source.u.memory.size;
}

void dsvk_gpu_exec_note_decoder(dsvk_gpu_req *g)
{
    static const dsvk_decoder of_path[] = {
        [DSVK_GPU_PATH_COPY] = DSVK_DECODER_AUTO,
        [DSVK_GPU_PATH_DECODE_CPU] = DSVK_DECODER_CPU,
        [DSVK_GPU_PATH_DECODE_SHADER] = DSVK_DECODER_GPU,
        [DSVK_GPU_PATH_DECODE_NATIVE] = DSVK_DECODER_GPU_NATIVE,
    };
    if (g->path == DSVK_GPU_PATH_COPY)
        return;
    dsvk_queue *q = g->e->queue;
    pthread_mutex_lock(&q->lock);
    q->stats.decode_path = of_path[g->path];
    pthread_mutex_unlock(&q->lock);
}

/* --- ring space ------------------------------------------------------------------------ */

static uint64_t staging_need(const dsvk_gpu_req *g)
{
    return g->path == DSVK_GPU_PATH_COPY || g->path == DSVK_GPU_PATH_DECODE_CPU ? g->data_size
                                                                                : g->source_size;
}

static bool scratch_need(const dsvk_gpu_req *g)
{
    return g->path == DSVK_GPU_PATH_DECODE_SHADER || g->path == DSVK_GPU_PATH_DECODE_NATIVE;
}

/* Takes both ranges g needs, or none. Lock held. */
static bool take_space_locked(dsvk_gpu_executor *x, dsvk_gpu_req *g)
{
    uint64_t s = staging_need(g);
    bool d = scratch_need(g);
    if (!dsvk_ring_fits(&x->staging, s) || (d && !dsvk_ring_fits(&x->scratch, g->data_size)))
        return false;
    if (!dsvk_ring_try_alloc(&x->staging, s, &g->staging))
        return false;
    g->has_staging = true;
    if (d) {
        if (!dsvk_ring_try_alloc(&x->scratch, g->data_size, &g->scratch)) {
            dsvk_ring_free(&x->staging, g->staging.id);
            g->has_staging = false;
            return false;
        }
        g->has_scratch = true;
    }
    return true;
}

/* Moves the waiters that fit now, in FIFO order, to the returned list. Lock held. */
static dsvk_gpu_req *grant_locked(dsvk_gpu_executor *x)
{
    dsvk_gpu_req *granted = NULL, **link = &granted;
    while (x->wait_head && take_space_locked(x, x->wait_head)) {
        dsvk_gpu_req *g = x->wait_head;
        x->wait_head = g->next;
        if (!x->wait_head)
            x->wait_tail = NULL;
        g->state = DSVK_GPU_FILLING;
        g->next = NULL;
        *link = g;
        link = &g->next;
    }
    return granted;
}

static void fill(dsvk_gpu_req *g);

/*
 * Runs the next stage of the waiters that fit now. One thread at a time does it for an
 * executor (another one only leaves a note), so a chain of requests finishing while being
 * granted — cancelled ones give their space straight back — loops here instead of
 * recursing through dsvk_exec_job_done.
 */
static void run_grants(dsvk_gpu_executor *x)
{
    pthread_mutex_lock(&x->lock);
    if (x->granting) {
        x->grant_again = true;
        pthread_mutex_unlock(&x->lock);
        return;
    }
    x->granting = true;
    for (;;) {
        x->grant_again = false;
        dsvk_gpu_req *granted = grant_locked(x);
        if (!granted && !x->grant_again)
            break;
        pthread_mutex_unlock(&x->lock);
        while (granted) {
            dsvk_gpu_req *g = granted;
            granted = g->next;
            g->next = NULL;
            dsvk_exec *e = g->e;
            if (dsvk_exec_live(e))
                fill(g);
            dsvk_exec_job_done(e); /* the wait hold */
        }
        pthread_mutex_lock(&x->lock);
    }
    x->granting = false;
    pthread_mutex_unlock(&x->lock);
}

/* Takes the executor's lock when g may go on: false, with the lock released, when the
 * executor is going away (g fails as DEVICE_LOST) or g was cancelled or has failed. The loads
 * are sequentially consistent against dsvk_queue_cancel's store and our withdraw's load of
 * e->gpu: a cancel either sees g waiting, or we see the cancel here. */
static bool lock_if_live(dsvk_gpu_req *g)
{
    dsvk_gpu_executor *x = g->x;
    dsvk_exec *e = g->e;
    pthread_mutex_lock(&x->lock);
    if (x->draining || x->lost) {
        pthread_mutex_unlock(&x->lock);
        dsvk_exec_fail(e, DSVK_E_DEVICE_LOST, 0);
        return false;
    }
    if (atomic_load(&e->cancelled) || atomic_load(&e->result) != DSVK_OK) {
        pthread_mutex_unlock(&x->lock);
        return false;
    }
    return true;
}

/* Takes ring space for g and fills it, or queues g until space frees. */
static void reserve(dsvk_gpu_req *g)
{
    dsvk_gpu_executor *x = g->x;
    dsvk_exec *e = g->e;
    if (!lock_if_live(g))
        return;
    if (!x->wait_head && take_space_locked(x, g)) {
        g->state = DSVK_GPU_FILLING;
        pthread_mutex_unlock(&x->lock);
        fill(g);
        return;
    }
    atomic_fetch_add(&e->pending, 1); /* the wait hold */
    g->state = DSVK_GPU_WAIT_SPACE;
    g->next = NULL;
    if (x->wait_tail)
        x->wait_tail->next = g;
    else
        x->wait_head = g;
    x->wait_tail = g;
    if (!g->waited) {
        g->waited = true;
        x->stat_waits++;
    }
    pthread_mutex_unlock(&x->lock);
    DSVK_TRACE("gpu executor: request '%s' waits for %llu bytes of staging ring", e->name,
               (unsigned long long)staging_need(g));
}

/* g has its ring space: bring its bytes there. Runs inside a pending count. */
static void fill(dsvk_gpu_req *g)
{
    dsvk_exec *e = g->e;
    const dsvk_request *r = &e->req;
    if (g->path == DSVK_GPU_PATH_DECODE_CPU) {
        dsvk_gpu_exec_cpu_decode(g);
        return;
    }
    uint8_t *dst = dsvk_gpu_exec_staging_ptr(g);
    if (r->source.type == DSVK_SOURCE_FILE) {
        dsvk_exec_issue_reads(e, dst); /* the reads land in mapped memory; then data_ready */
        return;
    }
    memcpy(dst, r->source.u.memory.data, g->source_size);
    dsvk_gpu_exec_data_ready(e, dst, g->source_size);
}

/* --- the queue engine's hooks ------------------------------------------------------------ */

static dsvk_gpu_path path_for(const dsvk_gpu_executor *x, const dsvk_request *r)
{
    if (r->compression == DSVK_COMPRESSION_NONE)
        return DSVK_GPU_PATH_COPY;
    switch (x->decoder) {
    case DSVK_DECODER_GPU:
        return atomic_load(&x->shader_unusable) ? DSVK_GPU_PATH_DECODE_CPU
                                                : DSVK_GPU_PATH_DECODE_SHADER;
    case DSVK_DECODER_GPU_NATIVE: return DSVK_GPU_PATH_DECODE_NATIVE;
    default: return DSVK_GPU_PATH_DECODE_CPU;
    }
}

void dsvk_gpu_exec_start(dsvk_exec *e)
{
    const dsvk_request *r = &e->req;
    dsvk_device *dev = e->queue->desc.device;
    if (r->source.type == DSVK_SOURCE_FILE && atomic_load(&r->source.u.file.file->closed)) {
        dsvk_exec_fail(e, DSVK_E_FILE_NOT_OPEN, 0);
        return;
    }
    if (!dsvk_device_begin_work(dev)) {
        DSVK_DEBUG("gpu executor: request '%s': device %s is unregistered", e->name,
                   dev->desc.properties.deviceName);
        dsvk_exec_fail(e, DSVK_E_DEVICE_LOST, 0);
        return;
    }
    dsvk_result err;
    dsvk_gpu_executor *x = dsvk_gpu_exec_get(dev, &err);
    dsvk_gpu_req *g = x ? calloc(1, sizeof(*g)) : NULL;
    if (!g) {
        dsvk_device_end_work(dev);
        dsvk_exec_fail(e, x ? DSVK_E_NO_MEMORY : err, 0);
        return;
    }
    g->e = e;
    g->x = x;
    g->path = path_for(x, r);
    g->source_size = source_size(r);
    g->data_size = r->compression == DSVK_COMPRESSION_NONE ? g->source_size : r->uncompressed_size;
    g->state = DSVK_GPU_NEW;
    atomic_store(&e->gpu, g); /* from here on dsvk_gpu_exec_finished ends the work count */

    pthread_mutex_lock(&x->lock);
    bool lost = x->lost;
    pthread_mutex_unlock(&x->lock);
    if (lost) {
        dsvk_exec_fail(e, DSVK_E_DEVICE_LOST, 0);
        return;
    }
    dsvk_gpu_exec_note_decoder(g);
    if (g->path != DSVK_GPU_PATH_DECODE_CPU)
        reserve(g);
    else if (r->source.type == DSVK_SOURCE_FILE)
        dsvk_staging_acquire(e); /* host memory for the stream, then data_ready */
    else
        dsvk_gpu_exec_data_ready(e, r->source.u.memory.data, g->source_size);
}

/* Header and tile table of a GDeflate stream, against the request's uncompressed size. */
static bool parse_stream(dsvk_gpu_req *g, const void *src, uint64_t size)
{
    dsvk_exec *e = g->e;
    const char *why = NULL;
    if (dsvk_gdeflate_parse_ex(src, size, &g->gd, &why) != DSVK_OK) {
        DSVK_WARN("request '%s' (%s, offset %llu): invalid GDeflate stream header: %s", e->name,
                  file_name(e), file_offset(e), why ? why : "?");
        dsvk_exec_fail(e, DSVK_E_DECOMPRESSION, 0);
        return false;
    }
    if (g->gd.uncompressed_size != g->data_size) {
        DSVK_WARN("request '%s' (%s, offset %llu): GDeflate stream holds %llu bytes, the request "
                  "says %llu",
                  e->name, file_name(e), file_offset(e),
                  (unsigned long long)g->gd.uncompressed_size, (unsigned long long)g->data_size);
        dsvk_exec_fail(e, DSVK_E_DECOMPRESSION, 0);
        return false;
    }
    return true;
}

/* VK_NV_memory_decompression takes 4-byte aligned addresses; the reference encoder's tiles
 * are (multiples of 4 after an 8 + 4n byte header), others need not be. */
static bool tiles_aligned(dsvk_gpu_req *g)
{
    for (uint32_t i = 0; i < g->gd.num_tiles; i++) {
        if (g->tiles[i].src_offset % 4) {
            DSVK_WARN("request '%s' (%s, offset %llu): GDeflate tile %u starts at stream offset "
                      "%llu, not a multiple of 4, which VK_NV_memory_decompression needs; "
                      "DSVK_DECODER=cpu decodes such streams",
                      g->e->name, file_name(g->e), file_offset(g->e), i,
                      (unsigned long long)(g->tiles[i].src_offset - g->staging.offset));
            return false;
        }
    }
    return true;
}

/*
 * A stream decoded on the GPU: its header and tile table are copied out of the ring once (one
 * burst: ring memory may be uncached, or across the bus with ReBAR), checked, and turned into
 * the tile descriptors the batch records, so recording never reads the ring.
 */
static bool load_tiles(dsvk_gpu_req *g, const uint8_t *ring, uint64_t size)
{
    uint8_t head[8] = {0};
    memcpy(head, ring, size < 8 ? size : 8);
    uint64_t table = 8 + 4ull * (head[2] | (uint32_t)head[3] << 8); /* GDEFLATE.md header */
    if (table > size)
        table = size;
    uint8_t *copy = malloc(table ? table : 1);
    if (!copy) {
        dsvk_exec_fail(g->e, DSVK_E_NO_MEMORY, 0);
        return false;
    }
    memcpy(copy, ring, table);
    /* The parser reads the header and the table only, checking them against the whole
     * stream's size. */
    bool ok = parse_stream(g, copy, size);
    if (ok) {
        g->tiles = malloc(g->gd.num_tiles * sizeof(*g->tiles));
        uint32_t n = 0;
        ok = g->tiles &&
             dsvk_gdgpu_tiles_from_stream(copy, size, g->staging.offset, g->scratch.offset, 0,
                                          false, g->tiles, g->gd.num_tiles, &n) == DSVK_OK;
        if (!ok)
            dsvk_exec_fail(g->e, g->tiles ? DSVK_E_DECOMPRESSION : DSVK_E_NO_MEMORY, 0);
    }
    free(copy);
    return ok;
}

void dsvk_gpu_exec_data_ready(dsvk_exec *e, const void *src, uint64_t size)
{
    dsvk_gpu_req *g = atomic_load(&e->gpu);
    switch (g->path) {
    case DSVK_GPU_PATH_COPY: dsvk_gpu_exec_make_ready(g); return;
    case DSVK_GPU_PATH_DECODE_SHADER:
        if (load_tiles(g, src, size))
            dsvk_gpu_exec_make_ready(g);
        return;
    case DSVK_GPU_PATH_DECODE_NATIVE:
        if (!load_tiles(g, src, size))
            return;
        if (!tiles_aligned(g)) {
            dsvk_exec_fail(e, DSVK_E_UNSUPPORTED, 0);
            return;
        }
        dsvk_gpu_exec_make_ready(g);
        return;
    case DSVK_GPU_PATH_DECODE_CPU:
        if (!parse_stream(g, src, size))
            return;
        g->cpu_src = src;
        reserve(g); /* space for the decoded bytes, then the tile jobs */
        return;
    }
}

void dsvk_gpu_exec_make_ready(dsvk_gpu_req *g)
{
    dsvk_gpu_executor *x = g->x;
    dsvk_exec *e = g->e;
    if (!lock_if_live(g))
        return;
    atomic_fetch_add(&e->pending, 1); /* the ready hold, dropped when its batch completes */
    g->state = DSVK_GPU_READY;
    g->next = NULL;
    if (x->ready_tail)
        x->ready_tail->next = g;
    else
        x->ready_head = g;
    x->ready_tail = g;
    pthread_cond_signal(&x->submit_wake);
    pthread_mutex_unlock(&x->lock);
}

/* Unlinks g from a singly linked list with a tail pointer. */
static bool unlink_req(dsvk_gpu_req **head, dsvk_gpu_req **tail, dsvk_gpu_req *g)
{
    dsvk_gpu_req *prev = NULL;
    for (dsvk_gpu_req **p = head; *p; prev = *p, p = &(*p)->next) {
        if (*p != g)
            continue;
        *p = g->next;
        if (*tail == g)
            *tail = prev;
        g->next = NULL;
        return true;
    }
    return false;
}

bool dsvk_gpu_exec_withdraw(dsvk_exec *e)
{
    dsvk_gpu_req *g = atomic_load(&e->gpu);
    if (!g)
        return false;
    dsvk_gpu_executor *x = g->x;
    bool taken = false, was_waiting = false;
    pthread_mutex_lock(&x->lock);
    if (g->state == DSVK_GPU_WAIT_SPACE) {
        was_waiting = x->wait_head == g;
        taken = unlink_req(&x->wait_head, &x->wait_tail, g);
    } else if (g->state == DSVK_GPU_READY) {
        taken = unlink_req(&x->ready_head, &x->ready_tail, g);
    }
    if (taken) {
        g->state = DSVK_GPU_NEW;
        x->stat_dropped++;
    }
    pthread_mutex_unlock(&x->lock);
    if (was_waiting)
        run_grants(x); /* the next waiter may fit where this one did not */
    return taken;
}

void dsvk_gpu_exec_fail_req(dsvk_gpu_req *g, dsvk_result r)
{
    if (r != DSVK_OK)
        dsvk_exec_fail(g->e, r, 0);
    dsvk_exec_job_done(g->e);
}

void dsvk_gpu_exec_drain_lists(dsvk_gpu_executor *x, dsvk_result r)
{
    pthread_mutex_lock(&x->lock);
    x->draining = true; /* from here on nothing new is queued or recorded */
    dsvk_gpu_req *lists[2] = {x->wait_head, x->ready_head};
    x->wait_head = x->wait_tail = NULL;
    x->ready_head = x->ready_tail = NULL;
    for (int i = 0; i < 2; i++) {
        for (dsvk_gpu_req *g = lists[i]; g; g = g->next) {
            g->state = DSVK_GPU_NEW;
            x->stat_dropped++;
        }
    }
    pthread_cond_broadcast(&x->submit_wake);
    pthread_mutex_unlock(&x->lock);
    for (int i = 0; i < 2; i++) {
        while (lists[i]) {
            dsvk_gpu_req *g = lists[i];
            lists[i] = g->next;
            g->next = NULL;
            dsvk_gpu_exec_fail_req(g, r);
        }
    }
}

void dsvk_gpu_exec_finished(dsvk_exec *e)
{
    dsvk_gpu_req *g = atomic_load(&e->gpu);
    dsvk_gpu_executor *x = g->x;
    dsvk_device *dev = x->dev;
    pthread_mutex_lock(&x->lock);
    bool freed = false;
    if (g->has_staging)
        freed |= dsvk_ring_free(&x->staging, g->staging.id);
    if (g->has_scratch)
        freed |= dsvk_ring_free(&x->scratch, g->scratch.id);
    bool waiters = x->wait_head != NULL;
    pthread_mutex_unlock(&x->lock);
    atomic_store(&e->gpu, NULL);
    free(g->tile_jobs);
    free(g->tiles);
    free(g);
    if (freed && waiters)
        run_grants(x);
    dsvk_device_end_work(dev); /* after this the executor may be released */
}
