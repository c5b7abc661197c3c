/*
 * IDStorageQueue3::EnqueueRequests with a fence wait. The requests must not start before the
 * fence reaches the value, and everything enqueued after them completes after them, so from
 * the gate on the queue's entries are held here, in order, instead of crossing. A thread-pool
 * wait (RegisterWaitForSingleObject on an event given to ID3D12Fence::SetEventOnCompletion)
 * releases them when the fence gets there; nothing blocks the caller, who may well signal
 * that fence itself later. Both wait flags (before source access, before GPU work) wait
 * before the requests start: that is the stricter reading, and correct for either. While
 * held entries fill the queue's capacity, enqueuing blocks, as it does on a full queue.
 */
#include <string.h>

#include "queue.h"

static void CALLBACK gate_reached(void *param, BOOLEAN timed_out);

/* Starts waiting for the gate at the head of the held list (lock held). */
static bool arm(pe_queue *q, ID3D12Fence *fence, UINT64 value)
{
    if (!q->gate_event)
        q->gate_event = CreateEventW(NULL, FALSE, FALSE, NULL);
    if (!q->gate_event)
        return false;
    ResetEvent(q->gate_event);
    if (FAILED(fence->lpVtbl->SetEventOnCompletion(fence, value, q->gate_event)))
        return false;
    q->iface.lpVtbl->AddRef(&q->iface); /* the armed gate's; dropped by whoever disarms */
    q->gate_armed = true;
    if (!RegisterWaitForSingleObject(&q->gate_wait, q->gate_event, gate_reached, q, INFINITE,
                                     WT_EXECUTEONLYONCE)) {
        q->gate_armed = false;
        q->gate_wait = NULL;
        q->iface.lpVtbl->Release(&q->iface);
        return false;
    }
    return true;
}

static bool fence_reached(ID3D12Fence *fence, UINT64 value)
{
    return fence->lpVtbl->GetCompletedValue(fence) >= value;
}

void pe_queue_gate(pe_queue *q, ID3D12Fence *fence, UINT64 value)
{
    dsvk_wire_entry g = {.kind = PE_ENTRY_GATE};
    if (!q->gated && fence_reached(fence, value))
        return; /* already there: nothing to wait for */
    fence->lpVtbl->AddRef(fence);
    g.u.signal.target = (uint64_t)(uintptr_t)fence;
    g.u.signal.value = value;
    if (!q->gated) {
        /* What was enqueued before the gate goes now; what comes after waits. */
        pe_queue_send(q, false);
        q->gated = true;
        ResetEvent(q->ungated);
        if (!pe_batch_reserve(&q->held, 1)) {
            pe_log_error("out of memory: the fence wait is ignored");
            q->gated = false;
            SetEvent(q->ungated);
            fence->lpVtbl->Release(fence);
            return;
        }
        q->held.entries[q->held.count] = g;
        q->held.footprints[q->held.count] = NULL;
        q->held.names[q->held.count].text[0] = 0;
        q->held.count++;
        if (!arm(q, fence, value)) {
            pe_log_error("cannot wait for the fence; releasing the gated requests now");
            pe_queue_release_held(q);
        }
        return;
    }
    /* A gate behind a gate: it waits in line. */
    pe_queue_append(q, &g, NULL, NULL);
}

/* Moves held entries to the batch until a gate is not reached yet (lock held). */
void pe_queue_release_held(pe_queue *q)
{
    pe_batch held = q->held;
    uint32_t i = 0;
    memset(&q->held, 0, sizeof(q->held));
    q->gated = false;
    for (; i < held.count; i++) {
        dsvk_wire_entry *e = &held.entries[i];
        if (e->kind == PE_ENTRY_GATE) {
            ID3D12Fence *f = (ID3D12Fence *)(uintptr_t)e->u.signal.target;
            if (!q->closed && !fence_reached(f, e->u.signal.value)) {
                if (arm(q, f, e->u.signal.value))
                    break; /* keep this gate and the rest held */
                pe_log_error("cannot wait for a fence; releasing the gated requests now");
            }
            f->lpVtbl->Release(f);
            continue;
        }
        if (e->kind == PE_ENTRY_SUBMIT) {
            pe_queue_send(q, true);
            continue;
        }
        pe_queue_append(q, e, held.names[i].text[0] ? held.names[i].text : NULL,
                        held.footprints[i]);
    }
    if (i < held.count) {
        /* A Submit enqueued after this gate covers what came before it too: what was just
         * released is submitted now, not when the gate opens. */
        for (uint32_t k = i; k < held.count; k++) {
            if (held.entries[k].kind == PE_ENTRY_SUBMIT) {
                pe_queue_send(q, true);
                break;
            }
        }
        /* Re-hold the rest, the armed gate first. */
        q->gated = true;
        uint32_t rest = held.count - i;
        memmove(held.entries, held.entries + i, rest * sizeof(*held.entries));
        memmove(held.names, held.names + i, rest * sizeof(*held.names));
        memmove(held.footprints, held.footprints + i, rest * sizeof(*held.footprints));
        held.count = rest;
        q->held = held;
    } else {
        held.count = 0;
        pe_batch_free(&held);
        SetEvent(q->ungated);
    }
}

static void CALLBACK gate_reached(void *param, BOOLEAN timed_out)
{
    (void)timed_out;
    pe_queue *q = param;
    EnterCriticalSection(&q->lock);
    if (!q->gate_armed) { /* Close disarmed it first */
        LeaveCriticalSection(&q->lock);
        return;
    }
    q->gate_armed = false;
    HANDLE wait = q->gate_wait;
    q->gate_wait = NULL;
    if (wait)
        UnregisterWait(wait); /* from inside the callback: does not wait for itself */
    if (q->gated)
        pe_queue_release_held(q); /* may arm the next gate */
    LeaveCriticalSection(&q->lock);
    q->iface.lpVtbl->Release(&q->iface);
}

void pe_queue_cancel_held(pe_queue *q, UINT64 mask, UINT64 value)
{
    uint32_t out = 0;
    for (uint32_t i = 0; i < q->held.count; i++) {
        dsvk_wire_entry *e = &q->held.entries[i];
        if (e->kind == DSVK_WIRE_ENTRY_REQUEST && (e->u.request.cancel_tag & mask) == value) {
            pe_entry_discard(e, q->held.footprints[i]); /* cancelled before it ever started */
            continue;
        }
        q->held.entries[out] = *e;
        q->held.names[out] = q->held.names[i];
        q->held.footprints[out] = q->held.footprints[i];
        out++;
    }
    q->held.count = out;
}

void pe_queue_ungate_for_close(pe_queue *q)
{
    EnterCriticalSection(&q->lock);
    HANDLE wait = q->gate_wait;
    q->gate_wait = NULL;
    LeaveCriticalSection(&q->lock);
    /* Waits for a callback that is running (it takes the queue lock). */
    if (wait)
        UnregisterWaitEx(wait, INVALID_HANDLE_VALUE);
    EnterCriticalSection(&q->lock);
    bool disarmed = q->gate_armed; /* the callback never ran: its reference is ours to drop */
    q->gate_armed = false;
    if (q->gated) {
        /* Requests never started are dropped; status, signal and event entries still go to
         * the core, whose close completes them. q->closed makes every gate count as open. */
        pe_queue_cancel_held(q, 0, 0);
        pe_queue_release_held(q);
    }
    LeaveCriticalSection(&q->lock);
    if (disarmed)
        q->iface.lpVtbl->Release(&q->iface);
}

void pe_queue_wait_held_room(pe_queue *q)
{
    /* `ungated` is set when the held list empties; a gate that releases only part of it
     * makes room too, so the condition is looked at again every 10 ms. */
    while (q->gated && !q->closed && q->held.count + 1 >= q->desc.Capacity) {
        LeaveCriticalSection(&q->lock);
        WaitForSingleObject(q->ungated, 10);
        EnterCriticalSection(&q->lock);
    }
}
