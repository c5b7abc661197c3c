/*
 * The IDStorageQueue object, shared by queue.c (COM methods, lifetime), queue_batch.c
 * (collecting entries and sending them in one crossing) and queue_gate.c (EnqueueRequests'
 * fence waits).
 */
#ifndef DSVK_PE_QUEUE_H
#define DSVK_PE_QUEUE_H

#include "pe.h"

/* PE-only entry kinds in the held list of a gated queue. */
enum {
    PE_ENTRY_GATE = 0x100,   /* wait for u.signal.target (ID3D12Fence*) >= u.signal.value */
    PE_ENTRY_SUBMIT = 0x101, /* Submit() was called here */
};

typedef struct pe_name {
    char text[DSVK_WIRE_NAME_MAX];
} pe_name;

/* Entries collected since the last crossing, with what they point to. */
typedef struct pe_batch {
    dsvk_wire_entry *entries;
    pe_name *names;                   /* request names, copied at enqueue */
    dsvk_wire_footprint **footprints; /* per entry, NULL unless SUBRESOURCES */
    uint32_t count, cap;
} pe_batch;

typedef struct pe_queue {
    IDStorageQueue3 iface;
    LONG refs;
    CRITICAL_SECTION lock;
    uint64_t handle; /* the shim's handle; 0 once closed */
    uint64_t id;     /* registry id: ERROR completions name the queue by it */
    bool closed;
    DSTORAGE_QUEUE_DESC desc;
    char name[DSVK_WIRE_NAME_MAX];
    pe_device device;
    bool bound_device; /* the core bound the queue to the Vulkan device of desc.Device */
    HANDLE error_event;

    pe_batch batch;
    uint32_t unsubmitted; /* entries sent without SUBMIT since the last submit */

    /* Fence gates: while held, entries wait here (in order) instead of crossing. */
    pe_batch held;
    bool gated;
    HANDLE gate_event; /* SetEventOnCompletion target of the current gate */
    HANDLE gate_wait;  /* RegisterWaitForSingleObject handle */
    bool gate_armed;   /* a wait is registered and holds a queue reference */
    HANDLE ungated;    /* manual-reset: set while nothing is held */
} pe_queue;

static inline pe_queue *pe_queue_impl(IDStorageQueue3 *q)
{
    return (pe_queue *)q;
}

/* queue_batch.c (queue lock held) */
bool pe_batch_reserve(pe_batch *b, uint32_t n);
void pe_batch_free(pe_batch *b);
/* Appends to the held list when gated, else to the batch (auto-submitting at half
 * capacity). name may be NULL; footprints are owned by the batch from here on. */
void pe_queue_append(pe_queue *q, const dsvk_wire_entry *e, const char *name,
                     dsvk_wire_footprint *footprints);
/* Sends the batch in one crossing; submit also starts everything the core holds. */
void pe_queue_send(pe_queue *q, bool submit);
/* Translates a request; false only when out of memory. */
bool pe_queue_translate(pe_queue *q, const DSTORAGE_REQUEST *r, dsvk_wire_entry *e,
                        dsvk_wire_footprint **footprints);
/* Drops an entry that will never cross (releases its fence reference). */
void pe_entry_discard(const dsvk_wire_entry *e, dsvk_wire_footprint *footprints);

/* queue_gate.c (queue lock held unless said otherwise) */
void pe_queue_gate(pe_queue *q, ID3D12Fence *fence, UINT64 value);
/* Releases what the open gates allow; called when a gate's fence reached its value. */
void pe_queue_release_held(pe_queue *q);
/* Cancel: drops held requests whose tag matches. */
void pe_queue_cancel_held(pe_queue *q, UINT64 mask, UINT64 value);
/* Close: held requests dropped, held barriers forwarded, gates released. Lock NOT held:
 * it waits for a running gate callback. */
void pe_queue_ungate_for_close(pe_queue *q);
/* Blocks the caller while the held list is as full as the queue (lock held; released while
 * waiting). */
void pe_queue_wait_held_room(pe_queue *q);

#endif
