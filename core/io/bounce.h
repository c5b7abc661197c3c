/*
 * Aligned bounce buffers for O_DIRECT reads whose offset, length or destination is not
 * aligned. A pool is owned by one engine thread (no lock) and bounded: it never holds more
 * than `cap` bytes, counting buffers in use and cached ones.
 */
#ifndef DSVK_IO_BOUNCE_H
#define DSVK_IO_BOUNCE_H

#include <stddef.h>

typedef struct dsvk_bounce {
    struct dsvk_bounce *next;
    size_t size;
    void *mem; /* aligned to DSVK_BOUNCE_ALIGN */
} dsvk_bounce;

/* Covers every logical block size in use (512 .. 4096), and 64 KiB large-block devices. */
#define DSVK_BOUNCE_ALIGN 65536u
#define DSVK_BOUNCE_GRAIN 65536u /* buffer sizes are rounded up to this */

typedef struct dsvk_bounce_pool {
    dsvk_bounce *cached;
    size_t cap;
    size_t in_use; /* bytes handed out */
    size_t cached_bytes;
} dsvk_bounce_pool;

void dsvk_bounce_pool_init(dsvk_bounce_pool *pool, size_t cap);
void dsvk_bounce_pool_fini(dsvk_bounce_pool *pool); /* every buffer must be back */

/* True when a buffer of `size` bytes can never come from this pool. */
static inline int dsvk_bounce_too_big(const dsvk_bounce_pool *pool, size_t size)
{
    return size > pool->cap;
}

/* A buffer of at least `size` bytes, or NULL when the pool is exhausted for now (buffers
 * in use) or memory ran out. */
dsvk_bounce *dsvk_bounce_get(dsvk_bounce_pool *pool, size_t size);
void dsvk_bounce_put(dsvk_bounce_pool *pool, dsvk_bounce *b);

#endif
