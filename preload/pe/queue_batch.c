/*
 * Batching: Enqueue* calls only translate and append; the batch crosses the channel once, on
 * Submit, on an operation that needs the core's view (Query, Cancel, Close), or when the
 * entries not yet submitted reach half the queue's capacity, which is exactly when
 * DirectStorage auto-submits. So a game's frame of requests costs one channel call, and a
 * full queue still blocks the enqueuing thread (inside the crossing, in the core).
 */
#include <string.h>

#include "queue.h"

bool pe_batch_reserve(pe_batch *b, uint32_t n)
{
    if (b->count + n <= b->cap)
        return true;
    uint32_t cap = b->cap ? b->cap : 64;
    while (cap < b->count + n)
        cap *= 2;
    HANDLE heap = GetProcessHeap();
    void *e = b->entries ? HeapReAlloc(heap, 0, b->entries, cap * sizeof(*b->entries))
                         : HeapAlloc(heap, 0, cap * sizeof(*b->entries));
    if (!e)
        return false;
    b->entries = e;
    void *nm = b->names ? HeapReAlloc(heap, 0, b->names, cap * sizeof(*b->names))
                        : HeapAlloc(heap, 0, cap * sizeof(*b->names));
    if (!nm)
        return false;
    b->names = nm;
    void *fp = b->footprints ? HeapReAlloc(heap, 0, b->footprints, cap * sizeof(*b->footprints))
                             : HeapAlloc(heap, 0, cap * sizeof(*b->footprints));
    if (!fp)
        return false;
    b->footprints = fp;
    b->cap = cap;
    return true;
}

void pe_batch_free(pe_batch *b)
{
    HANDLE heap = GetProcessHeap();
    for (uint32_t i = 0; i < b->count; i++)
        pe_entry_discard(&b->entries[i], b->footprints[i]);
    if (b->entries)
        HeapFree(heap, 0, b->entries);
    if (b->names)
        HeapFree(heap, 0, b->names);
    if (b->footprints)
        HeapFree(heap, 0, b->footprints);
    memset(b, 0, sizeof(*b));
}

void pe_entry_discard(const dsvk_wire_entry *e, dsvk_wire_footprint *footprints)
{
    if (e->kind == DSVK_WIRE_ENTRY_SIGNAL || e->kind == PE_ENTRY_GATE) {
        ID3D12Fence *f = (ID3D12Fence *)(uintptr_t)e->u.signal.target;
        if (f)
            f->lpVtbl->Release(f);
    }
    if (footprints)
        HeapFree(GetProcessHeap(), 0, footprints);
}

static void push(pe_batch *b, const dsvk_wire_entry *e, const char *name,
                 dsvk_wire_footprint *footprints)
{
    uint32_t i = b->count++;
    b->entries[i] = *e;
    b->footprints[i] = footprints;
    b->names[i].text[0] = 0;
    if (name)
        lstrcpynA(b->names[i].text, name, sizeof(b->names[i].text));
}

void pe_queue_append(pe_queue *q, const dsvk_wire_entry *e, const char *name,
                     dsvk_wire_footprint *footprints)
{
    if (q->gated) {
        pe_queue_wait_held_room(q);
        if (q->gated) {
            if (!pe_batch_reserve(&q->held, 1)) {
                pe_log_error("out of memory: an entry is dropped");
                pe_entry_discard(e, footprints);
                return;
            }
            push(&q->held, e, name, footprints);
            return;
        }
        /* The gate opened while we waited: fall through to the batch. */
    }
    if (!pe_batch_reserve(&q->batch, 1)) {
        pe_log_error("out of memory: an entry is dropped");
        pe_entry_discard(e, footprints);
        return;
    }
    push(&q->batch, e, name, footprints);
    if (q->unsubmitted + q->batch.count >= q->desc.Capacity / 2u)
        pe_queue_send(q, true); /* DirectStorage's auto-submit */
}

void pe_queue_send(pe_queue *q, bool submit)
{
    pe_batch *b = &q->batch;
    if (b->count == 0 && !submit)
        return;
    /* Names and footprints live in arrays that may move while the batch grows: the entries
     * point at them only now, right before the crossing. */
    for (uint32_t i = 0; i < b->count; i++) {
        dsvk_wire_entry *e = &b->entries[i];
        if (e->kind != DSVK_WIRE_ENTRY_REQUEST)
            continue;
        e->u.request.name = b->names[i].text[0] ? (uint64_t)(uintptr_t)b->names[i].text : 0;
        if (b->footprints[i])
            e->u.request.destination.u.subresources.footprints =
                (uint64_t)(uintptr_t)b->footprints[i];
    }
    dsvk_wire_queue_batch a = {
        .queue = q->handle,
        .entries = (uint64_t)(uintptr_t)b->entries,
        .count = b->count,
        .flags = submit ? DSVK_WIRE_BATCH_SUBMIT : 0,
    };
    int32_t st = q->handle ? pe_call(DSVK_WIRE_OP_QUEUE_BATCH, &a, sizeof(a)) : DSVK_WIRE_E_HANDLE;
    if (a.accepted > b->count)
        a.accepted = 0;
    if (st != DSVK_WIRE_R_OK && b->count)
        pe_log_warn("queue '%s': %u of %u entries not accepted (status %d)", q->name,
                    b->count - a.accepted, b->count, (int)st);
    for (uint32_t i = 0; i < b->count; i++) {
        /* Accepted signals keep their fence reference until the completion thread signals;
         * the rest will never complete. */
        if (i >= a.accepted)
            pe_entry_discard(&b->entries[i], b->footprints[i]);
        else if (b->footprints[i])
            HeapFree(GetProcessHeap(), 0, b->footprints[i]);
    }
    if (submit)
        q->unsubmitted = 0;
    else
        q->unsubmitted += a.accepted;
    b->count = 0;
}

static uint32_t wire_destination_type(UINT64 t)
{
    switch (t) {
    case DSTORAGE_REQUEST_DESTINATION_MEMORY: return DSVK_WIRE_DST_MEMORY;
    case DSTORAGE_REQUEST_DESTINATION_BUFFER: return DSVK_WIRE_DST_BUFFER;
    case DSTORAGE_REQUEST_DESTINATION_TEXTURE_REGION: return DSVK_WIRE_DST_IMAGE_REGION;
    case DSTORAGE_REQUEST_DESTINATION_MULTIPLE_SUBRESOURCES:
    case DSTORAGE_REQUEST_DESTINATION_MULTIPLE_SUBRESOURCES_RANGE:
        return DSVK_WIRE_DST_SUBRESOURCES;
    case DSTORAGE_REQUEST_DESTINATION_TILES: return DSVK_WIRE_DST_TILES;
    default: return 0x7f; /* the core rejects it: E_DSTORAGE_INVALID_DESTINATION_TYPE */
    }
}

bool pe_queue_translate(pe_queue *q, const DSTORAGE_REQUEST *r, dsvk_wire_entry *e,
                        dsvk_wire_footprint **footprints)
{
    memset(e, 0, sizeof(*e));
    *footprints = NULL;
    e->kind = DSVK_WIRE_ENTRY_REQUEST;
    dsvk_wire_request *w = &e->u.request;
    w->source_type = (uint32_t)r->Options.SourceType;
    w->compression = r->Options.CompressionFormat;
    w->uncompressed_size = r->UncompressedSize;
    w->cancel_tag = r->CancellationTag;
    if (r->Options.SourceType == DSTORAGE_REQUEST_SOURCE_FILE) {
        w->source = pe_file_handle(r->Source.File.Source);
        w->offset = r->Source.File.Offset;
        w->size = r->Source.File.Size;
    } else {
        w->source = (uint64_t)(uintptr_t)r->Source.Memory.Source;
        w->size = r->Source.Memory.Size;
    }
    w->destination.type = wire_destination_type(r->Options.DestinationType);
    if (r->Options.DestinationType == DSTORAGE_REQUEST_DESTINATION_MEMORY) {
        w->destination.u.memory.address = (uint64_t)(uintptr_t)r->Destination.Memory.Buffer;
        w->destination.u.memory.size = r->Destination.Memory.Size;
        return true;
    }
    /* GPU destinations are resolved only on a queue the core bound to a Vulkan device;
     * otherwise the core fails the request with INVALID_DESTINATION_TYPE (error record). */
    if (q->bound_device && w->destination.type != 0x7f)
        pe_translate_gpu_destination(&q->device, r, &w->destination, footprints);
    return true;
}
