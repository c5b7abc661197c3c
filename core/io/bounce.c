/* The bounce buffer pool: a short first-fit cache under a byte cap. */
#include "bounce.h"

#include <stdlib.h>

void dsvk_bounce_pool_init(dsvk_bounce_pool *pool, size_t cap)
{
    *pool = (dsvk_bounce_pool){.cap = cap};
}

static void release(dsvk_bounce *b)
{
    free(b->mem);
    free(b);
}

void dsvk_bounce_pool_fini(dsvk_bounce_pool *pool)
{
    while (pool->cached) {
        dsvk_bounce *b = pool->cached;
        pool->cached = b->next;
        release(b);
    }
    pool->cached_bytes = 0;
}

dsvk_bounce *dsvk_bounce_get(dsvk_bounce_pool *pool, size_t size)
{
    size = (size + DSVK_BOUNCE_GRAIN - 1) / DSVK_BOUNCE_GRAIN * DSVK_BOUNCE_GRAIN;
    if (size > pool->cap)
        return NULL;
    /* A cached buffer that fits, not wastefully larger than twice the need. */
    for (dsvk_bounce **link = &pool->cached; *link; link = &(*link)->next) {
        dsvk_bounce *b = *link;
        if (b->size >= size && b->size <= 2 * size) {
            *link = b->next;
            pool->cached_bytes -= b->size;
            pool->in_use += b->size;
            return b;
        }
    }
    /* Make room under the cap by dropping cached buffers that did not fit. */
    while (pool->in_use + pool->cached_bytes + size > pool->cap && pool->cached) {
        dsvk_bounce *b = pool->cached;
        pool->cached = b->next;
        pool->cached_bytes -= b->size;
        release(b);
    }
    if (pool->in_use + pool->cached_bytes + size > pool->cap)
        return NULL;
    dsvk_bounce *b = malloc(sizeof(*b));
    if (!b)
        return NULL;
    if (posix_memalign(&b->mem, DSVK_BOUNCE_ALIGN, size) != 0) {
        free(b);
        return NULL;
    }
    b->size = size;
    b->next = NULL;
    pool->in_use += size;
    return b;
}

void dsvk_bounce_put(dsvk_bounce_pool *pool, dsvk_bounce *b)
{
    pool->in_use -= b->size;
    b->next = pool->cached;
    pool->cached = b;
    pool->cached_bytes += b->size;
}
