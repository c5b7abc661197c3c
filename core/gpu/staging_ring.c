/* The staging ring's allocator (staging_ring.h). */
#include "gpu/staging_ring.h"

#include <stdlib.h>
#include <string.h>

#define RING_INITIAL_RECORDS 64u

bool dsvk_ring_init(dsvk_ring *r, uint64_t size, uint64_t align)
{
    memset(r, 0, sizeof(*r));
    if (size == 0 || align == 0 || (align & (align - 1)) || size % align)
        return false;
    r->records = calloc(RING_INITIAL_RECORDS, sizeof(*r->records));
    if (!r->records)
        return false;
    r->size = size;
    r->align = align;
    r->cap = RING_INITIAL_RECORDS;
    return true;
}

void dsvk_ring_destroy(dsvk_ring *r)
{
    free(r->records);
    memset(r, 0, sizeof(*r));
}

static dsvk_ring_record *record_at(const dsvk_ring *r, uint64_t id)
{
    return &r->records[id % r->cap];
}

/* Doubles the record FIFO; a record's index stays its id modulo the capacity. */
static bool grow(dsvk_ring *r)
{
    uint32_t cap = r->cap * 2;
    dsvk_ring_record *n = calloc(cap, sizeof(*n));
    if (!n)
        return false;
    for (uint32_t i = 0; i < r->count; i++)
        n[(r->first_id + i) % cap] = *record_at(r, r->first_id + i);
    free(r->records);
    r->records = n;
    r->cap = cap;
    return true;
}

uint64_t dsvk_ring_used(const dsvk_ring *r)
{
    return r->head - r->tail;
}

bool dsvk_ring_empty(const dsvk_ring *r)
{
    return r->count == 0;
}

/* Where an allocation of `size` bytes would start and end (virtual positions). */
static void place(const dsvk_ring *r, uint64_t size, uint64_t *start, uint64_t *end)
{
    uint64_t need = (size + r->align - 1) & ~(r->align - 1);
    uint64_t at = r->head % r->size;
    *start = r->head;
    if (at + need > r->size)
        *start += r->size - at; /* wrap: the tail end of the ring is skipped */
    *end = *start + need;
}

bool dsvk_ring_fits(const dsvk_ring *r, uint64_t size)
{
    if (size == 0 || size > r->size)
        return false;
    if (r->count == 0)
        return true; /* an empty ring takes anything up to its size, wrapping if needed */
    uint64_t start, end;
    place(r, size, &start, &end);
    return end - r->tail <= r->size;
}

bool dsvk_ring_try_alloc(dsvk_ring *r, uint64_t size, dsvk_ring_alloc *out)
{
    if (!dsvk_ring_fits(r, size))
        return false;
    uint64_t start, end;
    place(r, size, &start, &end);
    if (r->count == r->cap && !grow(r))
        return false;
    if (r->count == 0)
        r->tail = start; /* skipped bytes of an empty ring are free, not owned */
    uint64_t id = r->first_id + r->count;
    r->count++;
    *record_at(r, id) = (dsvk_ring_record){.end = end, .freed = false};
    if (start != r->head)
        r->wraps++;
    r->head = end;
    *out = (dsvk_ring_alloc){.offset = start % r->size, .size = size, .id = id};
    return true;
}

bool dsvk_ring_free(dsvk_ring *r, uint64_t id)
{
    if (id < r->first_id || id - r->first_id >= r->count)
        return false;
    record_at(r, id)->freed = true;
    bool moved = false;
    while (r->count && record_at(r, r->first_id)->freed) {
        r->tail = record_at(r, r->first_id)->end;
        r->first_id++;
        r->count--;
        moved = true;
    }
    if (r->count == 0)
        r->tail = r->head;
    return moved;
}
