/*
 * The staging ring's allocator: byte ranges of a fixed-size ring, handed out in order and
 * given back in any order.
 *
 * Ranges are taken at the head and wrap to offset 0 when one would cross the end (the
 * skipped tail bytes belong to that allocation). They come back when a request finishes,
 * which is not the order they were taken in (a request's reads may be slower than a later
 * one's, a cancelled request gives its range back early): every allocation has a record in
 * a FIFO, a free marks its record, and the ring's tail moves past the freed records at the
 * front. Space is therefore reusable once every older allocation is free too; the GPU work
 * that uses the ranges completes in submission order, so the front frees first in the
 * steady state.
 *
 * Pure logic, no locking: the executor holds its lock around every call.
 */
#ifndef DSVK_GPU_STAGING_RING_H
#define DSVK_GPU_STAGING_RING_H

#include <stdbool.h>
#include <stdint.h>

typedef struct dsvk_ring_record {
    uint64_t end; /* virtual position just after the allocation (and its alignment padding) */
    bool freed;
} dsvk_ring_record;

typedef struct dsvk_ring {
    uint64_t size;  /* bytes */
    uint64_t align; /* every offset is a multiple of it (a power of two) */
    uint64_t head;  /* virtual position of the next allocation; offset = position % size */
    uint64_t tail;  /* virtual position of the oldest live allocation (== head when empty) */
    dsvk_ring_record *records; /* FIFO of live allocations, capacity cap */
    uint64_t first_id;         /* id of records' front */
    uint32_t count, cap;
    uint64_t wraps; /* allocations that skipped the end and started at offset 0 */
} dsvk_ring;

typedef struct dsvk_ring_alloc {
    uint64_t offset; /* byte offset in the ring */
    uint64_t size;   /* as asked */
    uint64_t id;     /* for dsvk_ring_free */
} dsvk_ring_alloc;

/* size must be a multiple of align; align a power of two. false when out of memory. */
bool dsvk_ring_init(dsvk_ring *r, uint64_t size, uint64_t align);
void dsvk_ring_destroy(dsvk_ring *r);

/*
 * Takes `size` bytes (1..r->size). false when they do not fit now (or the record FIFO cannot
 * grow); a request of at most r->size bytes always fits into an empty ring.
 */
bool dsvk_ring_try_alloc(dsvk_ring *r, uint64_t size, dsvk_ring_alloc *out);
/* Whether try_alloc of `size` bytes would succeed now (it may still fail to grow the FIFO). */
bool dsvk_ring_fits(const dsvk_ring *r, uint64_t size);
/* Gives an allocation back. Returns true when the tail moved (space became free). */
bool dsvk_ring_free(dsvk_ring *r, uint64_t id);

/* Bytes between tail and head (including wrap padding). */
uint64_t dsvk_ring_used(const dsvk_ring *r);
bool dsvk_ring_empty(const dsvk_ring *r);

#endif
