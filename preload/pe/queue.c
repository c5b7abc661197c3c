/*
 * IDStorageQueue, …1, …2, …3: one object, one vtable (the interfaces extend each other).
 * Entries are translated here and batched (queue_batch.c); completions come back through
 * the completion thread: fences, events, and this queue's error event.
 */
#include <string.h>

#include "queue.h"

/* --- registry: ERROR completions name a queue by id; stale ids find nothing --- */

static SRWLOCK registry_lock = SRWLOCK_INIT;
static pe_queue **registry;
static uint32_t registry_cap;
static uint32_t registry_gen;

static uint64_t registry_add(pe_queue *q)
{
    AcquireSRWLockExclusive(&registry_lock);
    uint32_t i = 0;
    while (i < registry_cap && registry[i])
        i++;
    if (i == registry_cap) {
        uint32_t cap = registry_cap ? registry_cap * 2 : 16;
        pe_queue **r =
            registry ? HeapReAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, registry, cap * sizeof(*r))
                     : HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, cap * sizeof(*r));
        if (!r) {
            ReleaseSRWLockExclusive(&registry_lock);
            return 0;
        }
        registry = r;
        registry_cap = cap;
    }
    registry[i] = q;
    uint64_t id = ((uint64_t)++registry_gen << 32) | (i + 1);
    ReleaseSRWLockExclusive(&registry_lock);
    return id;
}

static void registry_remove(pe_queue *q)
{
    AcquireSRWLockExclusive(&registry_lock);
    uint32_t i = (uint32_t)q->id;
    if (i && i <= registry_cap && registry[i - 1] == q)
        registry[i - 1] = NULL;
    ReleaseSRWLockExclusive(&registry_lock);
}

void pe_queue_notify_error(uint64_t id)
{
    AcquireSRWLockShared(&registry_lock);
    uint32_t i = (uint32_t)id;
    pe_queue *q = i && i <= registry_cap ? registry[i - 1] : NULL;
    if (q && q->id == id)
        SetEvent(q->error_event); /* the handle lives until the queue leaves the registry */
    ReleaseSRWLockShared(&registry_lock);
}

/* --- IUnknown --- */

static HRESULT STDMETHODCALLTYPE queue_query_interface(IDStorageQueue3 *This, REFIID riid,
                                                       void **ppv)
{
    if (!ppv)
        return E_POINTER;
    *ppv = NULL;
    if (pe_iid_is(riid, &IID_IUnknown) || pe_iid_is(riid, &IID_IDStorageQueue) ||
        pe_iid_is(riid, &IID_IDStorageQueue1) || pe_iid_is(riid, &IID_IDStorageQueue2) ||
        pe_iid_is(riid, &IID_IDStorageQueue3)) {
        This->lpVtbl->AddRef(This);
        *ppv = This;
        return S_OK;
    }
    return E_NOINTERFACE;
}

static ULONG STDMETHODCALLTYPE queue_add_ref(IDStorageQueue3 *This)
{
    return (ULONG)InterlockedIncrement(&pe_queue_impl(This)->refs);
}

static void STDMETHODCALLTYPE queue_close(IDStorageQueue3 *This);

static ULONG STDMETHODCALLTYPE queue_release(IDStorageQueue3 *This)
{
    pe_queue *q = pe_queue_impl(This);
    LONG r = InterlockedDecrement(&q->refs);
    if (r != 0)
        return (ULONG)r;
    /* No gate is armed here: an armed gate holds a reference. */
    queue_close(This);
    registry_remove(q);
    pe_batch_free(&q->batch);
    pe_batch_free(&q->held);
    if (q->error_event)
        CloseHandle(q->error_event);
    if (q->gate_event)
        CloseHandle(q->gate_event);
    if (q->ungated)
        CloseHandle(q->ungated);
    pe_device_release(&q->device);
    DeleteCriticalSection(&q->lock);
    HeapFree(GetProcessHeap(), 0, q);
    return 0;
}

/* --- enqueueing --- */

static bool usable(pe_queue *q)
{
    if (q->closed) {
        pe_log_warn("queue '%s': enqueue after Close ignored", q->name);
        return false;
    }
    return true;
}

static void enqueue_request_locked(pe_queue *q, const DSTORAGE_REQUEST *r)
{
    dsvk_wire_entry e;
    dsvk_wire_footprint *fp;
    if (!pe_queue_translate(q, r, &e, &fp)) {
        pe_log_error("queue '%s': out of memory translating a request", q->name);
        return;
    }
    /* The name is copied now: games pass temporary strings. */
    pe_queue_append(q, &e, r->Name, fp);
}

static void STDMETHODCALLTYPE queue_enqueue_request(IDStorageQueue3 *This,
                                                    const DSTORAGE_REQUEST *r)
{
    pe_queue *q = pe_queue_impl(This);
    if (!r)
        return;
    EnterCriticalSection(&q->lock);
    if (usable(q))
        enqueue_request_locked(q, r);
    LeaveCriticalSection(&q->lock);
}

static void STDMETHODCALLTYPE queue_enqueue_status(IDStorageQueue3 *This,
                                                   IDStorageStatusArray *array, UINT32 index)
{
    pe_queue *q = pe_queue_impl(This);
    dsvk_wire_entry e = {.kind = DSVK_WIRE_ENTRY_STATUS};
    e.u.status.array = pe_status_array_handle(array); /* 0: E_DSTORAGE_INVALID_STATUS_ARRAY */
    e.u.status.index = index;
    EnterCriticalSection(&q->lock);
    if (usable(q)) {
        pe_status_array_mark_pending(array, index);
        pe_queue_append(q, &e, NULL, NULL);
    }
    LeaveCriticalSection(&q->lock);
}

static void STDMETHODCALLTYPE queue_enqueue_signal(IDStorageQueue3 *This, ID3D12Fence *fence,
                                                   UINT64 value)
{
    pe_queue *q = pe_queue_impl(This);
    dsvk_wire_entry e = {.kind = DSVK_WIRE_ENTRY_SIGNAL};
    e.u.signal.target = (uint64_t)(uintptr_t)fence; /* NULL: E_DSTORAGE_INVALID_FENCE */
    e.u.signal.value = value;
    EnterCriticalSection(&q->lock);
    if (usable(q)) {
        if (fence)
            fence->lpVtbl->AddRef(fence); /* released after Signal on the completion thread */
        pe_queue_append(q, &e, NULL, NULL);
    }
    LeaveCriticalSection(&q->lock);
}

static void STDMETHODCALLTYPE queue_enqueue_set_event(IDStorageQueue3 *This, HANDLE handle)
{
    pe_queue *q = pe_queue_impl(This);
    dsvk_wire_entry e = {.kind = DSVK_WIRE_ENTRY_EVENT};
    e.u.signal.target = (uint64_t)(uintptr_t)handle;
    EnterCriticalSection(&q->lock);
    if (usable(q))
        pe_queue_append(q, &e, NULL, NULL);
    LeaveCriticalSection(&q->lock);
}

static void STDMETHODCALLTYPE queue_submit(IDStorageQueue3 *This)
{
    pe_queue *q = pe_queue_impl(This);
    EnterCriticalSection(&q->lock);
    if (usable(q)) {
        if (q->gated) {
            /* What came before the gate is in the core already: it starts now. What is held
             * behind the gate is submitted when the gate releases it. */
            pe_queue_send(q, true);
            dsvk_wire_entry e = {.kind = PE_ENTRY_SUBMIT};
            pe_queue_append(q, &e, NULL, NULL);
        } else {
            pe_queue_send(q, true);
        }
    }
    LeaveCriticalSection(&q->lock);
}

static void STDMETHODCALLTYPE queue_enqueue_requests(IDStorageQueue3 *This,
                                                     const DSTORAGE_REQUEST *requests, UINT n,
                                                     ID3D12Fence *fence, UINT64 value,
                                                     DSTORAGE_ENQUEUE_REQUEST_FLAGS flags)
{
    pe_queue *q = pe_queue_impl(This);
    if (!requests && n)
        return;
    EnterCriticalSection(&q->lock);
    if (usable(q)) {
        if (fence && (flags & (DSTORAGE_ENQUEUE_REQUEST_FLAG_FENCE_WAIT_BEFORE_GPU_WORK |
                               DSTORAGE_ENQUEUE_REQUEST_FLAG_FENCE_WAIT_BEFORE_SOURCE_ACCESS)))
            pe_queue_gate(q, fence, value);
        for (UINT i = 0; i < n; i++)
            enqueue_request_locked(q, &requests[i]);
    }
    LeaveCriticalSection(&q->lock);
}

/* --- control --- */

static void STDMETHODCALLTYPE queue_cancel(IDStorageQueue3 *This, UINT64 mask, UINT64 value)
{
    pe_queue *q = pe_queue_impl(This);
    EnterCriticalSection(&q->lock);
    if (!q->closed) {
        pe_queue_cancel_held(q, mask, value);
        pe_queue_send(q, false); /* the core must see every entry it is to cancel */
        dsvk_wire_queue_cancel a = {.queue = q->handle, .mask = mask, .value = value};
        pe_call(DSVK_WIRE_OP_QUEUE_CANCEL, &a, sizeof(a));
    }
    LeaveCriticalSection(&q->lock);
}

static void STDMETHODCALLTYPE queue_close(IDStorageQueue3 *This)
{
    pe_queue *q = pe_queue_impl(This);
    EnterCriticalSection(&q->lock);
    if (q->closed) {
        LeaveCriticalSection(&q->lock);
        return;
    }
    q->closed = true;
    SetEvent(q->ungated); /* enqueuers blocked on held entries give up */
    LeaveCriticalSection(&q->lock);

    pe_queue_ungate_for_close(q);
    EnterCriticalSection(&q->lock);
    pe_queue_send(q, false); /* status/signal entries complete even when closed */
    uint64_t h = q->handle;
    q->handle = 0;
    LeaveCriticalSection(&q->lock);
    if (h) {
        /* Cancels what has not started, waits for what runs; afterwards no callback of
         * this queue runs in the core. */
        dsvk_wire_handle a = {h};
        pe_call(DSVK_WIRE_OP_QUEUE_CLOSE, &a, sizeof(a));
        pe_completion_release();
    }
}

static HANDLE STDMETHODCALLTYPE queue_get_error_event(IDStorageQueue3 *This)
{
    return pe_queue_impl(This)->error_event;
}

static DSTORAGE_COMMAND_TYPE command_type_of(int32_t kind)
{
    switch (kind) {
    case DSVK_WIRE_KIND_REQUEST: return DSTORAGE_COMMAND_TYPE_REQUEST;
    case DSVK_WIRE_KIND_STATUS: return DSTORAGE_COMMAND_TYPE_STATUS;
    case DSVK_WIRE_KIND_SIGNAL: return DSTORAGE_COMMAND_TYPE_SIGNAL;
    default: return DSTORAGE_COMMAND_TYPE_NONE;
    }
}

static UINT64 dstorage_destination_type(uint32_t t)
{
    switch (t) {
    case DSVK_WIRE_DST_MEMORY: return DSTORAGE_REQUEST_DESTINATION_MEMORY;
    case DSVK_WIRE_DST_BUFFER: return DSTORAGE_REQUEST_DESTINATION_BUFFER;
    case DSVK_WIRE_DST_IMAGE_REGION: return DSTORAGE_REQUEST_DESTINATION_TEXTURE_REGION;
    case DSVK_WIRE_DST_SUBRESOURCES: return DSTORAGE_REQUEST_DESTINATION_MULTIPLE_SUBRESOURCES;
    case DSVK_WIRE_DST_TILES: return DSTORAGE_REQUEST_DESTINATION_TILES;
    default: return t & 0x7f;
    }
}

/* The failed request as DirectStorage describes it. The IDStorageFile and D3D12 resource
 * pointers are not known any more (the core keeps no PE pointers); sizes, offsets, memory
 * addresses, the tag and the name are. */
static void fill_request(const dsvk_wire_error_record *w, DSTORAGE_REQUEST *r)
{
    memset(r, 0, sizeof(*r));
    r->Options.CompressionFormat = w->request.compression;
    r->Options.SourceType = w->request.source_type & 1;
    r->Options.DestinationType = dstorage_destination_type(w->request.destination.type);
    if (w->request.source_type == DSVK_WIRE_SRC_FILE) {
        r->Source.File.Offset = w->request.offset;
        r->Source.File.Size = w->request.size;
    } else {
        r->Source.Memory.Source = (const void *)(uintptr_t)w->request.source;
        r->Source.Memory.Size = w->request.size;
    }
    if (w->request.destination.type == DSVK_WIRE_DST_MEMORY) {
        r->Destination.Memory.Buffer = (void *)(uintptr_t)w->request.destination.u.memory.address;
        r->Destination.Memory.Size = w->request.destination.u.memory.size;
    } else if (w->request.destination.type == DSVK_WIRE_DST_BUFFER) {
        r->Destination.Buffer.Offset = w->request.destination.u.buffer.offset;
        r->Destination.Buffer.Size = w->request.destination.u.buffer.size;
    }
    r->UncompressedSize = w->request.uncompressed_size;
    r->CancellationTag = w->request.cancel_tag;
}

static void fill_filename(const char *unix_path, WCHAR *out)
{
    out[0] = 0;
    if (!unix_path[0])
        return;
    WCHAR *dos = pe_dos_path(unix_path);
    if (dos) {
        lstrcpynW(out, dos, MAX_PATH);
        HeapFree(GetProcessHeap(), 0, dos);
    } else {
        MultiByteToWideChar(CP_UTF8, 0, unix_path, -1, out, MAX_PATH);
        out[MAX_PATH - 1] = 0;
    }
}

static void STDMETHODCALLTYPE queue_retrieve_error_record(IDStorageQueue3 *This,
                                                          DSTORAGE_ERROR_RECORD *record)
{
    pe_queue *q = pe_queue_impl(This);
    if (!record)
        return;
    bool old_layout = pe_sdk_is_1_0();
    memset(record, 0, old_layout ? sizeof(DSTORAGE_ERROR_RECORD_1_0) : sizeof(*record));
    record->FirstFailure.CommandType = DSTORAGE_COMMAND_TYPE_NONE;
    dsvk_wire_error_record *w = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(*w));
    if (!w)
        return;
    /* Reset first: a failure recorded after the retrieval sets the event again. */
    ResetEvent(q->error_event);
    EnterCriticalSection(&q->lock);
    w->queue = q->handle;
    LeaveCriticalSection(&q->lock);
    if (w->queue && pe_call(DSVK_WIRE_OP_QUEUE_ERROR_RECORD, w, sizeof(*w)) == DSVK_WIRE_R_OK &&
        w->failure_count) {
        w->request_name[sizeof(w->request_name) - 1] = 0;
        w->file_name[sizeof(w->file_name) - 1] = 0;
        HRESULT hr = pe_hresult(w->result);
        DSTORAGE_COMMAND_TYPE type = command_type_of(w->kind);
        if (old_layout) {
            DSTORAGE_ERROR_RECORD_1_0 *r = (DSTORAGE_ERROR_RECORD_1_0 *)record;
            r->FailureCount = w->failure_count;
            r->FirstFailure.HResult = hr;
            r->FirstFailure.CommandType = type;
            if (type == DSTORAGE_COMMAND_TYPE_REQUEST) {
                fill_filename(w->file_name, r->FirstFailure.Request.Filename);
                lstrcpynA(r->FirstFailure.Request.RequestName, w->request_name, MAX_PATH);
                fill_request(w, &r->FirstFailure.Request.Request);
            } else if (type == DSTORAGE_COMMAND_TYPE_STATUS) {
                r->FirstFailure.Status.StatusArray =
                    (IDStorageStatusArray *)(uintptr_t)w->status_array;
                r->FirstFailure.Status.Index = w->status_index;
            } else if (type == DSTORAGE_COMMAND_TYPE_SIGNAL) {
                r->FirstFailure.Signal.Value = w->signal_value;
            }
        } else {
            DSTORAGE_ERROR_RECORD *r = record;
            r->FailureCount = w->failure_count;
            r->FirstFailure.HResult = hr;
            r->FirstFailure.CommandType = type;
            if (type == DSTORAGE_COMMAND_TYPE_REQUEST) {
                fill_filename(w->file_name, r->FirstFailure.Request.Filename);
                lstrcpynA(r->FirstFailure.Request.RequestName, w->request_name,
                          DSTORAGE_REQUEST_MAX_NAME);
                fill_request(w, &r->FirstFailure.Request.Request);
            } else if (type == DSTORAGE_COMMAND_TYPE_STATUS) {
                r->FirstFailure.Status.StatusArray =
                    (IDStorageStatusArray *)(uintptr_t)w->status_array;
                r->FirstFailure.Status.Index = w->status_index;
            } else if (type == DSTORAGE_COMMAND_TYPE_SIGNAL) {
                r->FirstFailure.Signal.Value = w->signal_value;
            }
        }
    }
    HeapFree(GetProcessHeap(), 0, w);
}

static void STDMETHODCALLTYPE queue_query(IDStorageQueue3 *This, DSTORAGE_QUEUE_INFO *info)
{
    pe_queue *q = pe_queue_impl(This);
    if (!info)
        return;
    memset(info, 0, sizeof(*info));
    EnterCriticalSection(&q->lock);
    info->Desc = q->desc;
    dsvk_wire_queue_query a = {.queue = q->handle};
    if (!q->closed) {
        pe_queue_send(q, false); /* the core counts every enqueued entry */
        if (pe_call(DSVK_WIRE_OP_QUEUE_QUERY, &a, sizeof(a)) == DSVK_WIRE_R_OK) {
            uint32_t held = q->held.count;
            info->EmptySlotCount = (UINT16)(a.empty_slots > held ? a.empty_slots - held : 0);
            info->RequestCountUntilAutoSubmit = a.requests_until_autosubmit;
        }
    }
    LeaveCriticalSection(&q->lock);
}

static DSTORAGE_COMPRESSION_SUPPORT STDMETHODCALLTYPE
queue_get_compression_support(IDStorageQueue3 *This, DSTORAGE_COMPRESSION_FORMAT format)
{
    pe_queue *q = pe_queue_impl(This);
    dsvk_wire_compression_support a = {.queue = q->handle, .format = format};
    if (!a.queue ||
        pe_call(DSVK_WIRE_OP_QUEUE_COMPRESSION_SUPPORT, &a, sizeof(a)) != DSVK_WIRE_R_OK)
        return DSTORAGE_COMPRESSION_SUPPORT_NONE;
    return a.support;
}

static const IDStorageQueue3Vtbl queue_vtbl = {
    queue_query_interface,
    queue_add_ref,
    queue_release,
    queue_enqueue_request,
    queue_enqueue_status,
    queue_enqueue_signal,
    queue_submit,
    queue_cancel,
    queue_close,
    queue_get_error_event,
    queue_retrieve_error_record,
    queue_query,
    queue_enqueue_set_event,
    queue_get_compression_support,
    queue_enqueue_requests,
};

HRESULT pe_queue_create(const DSTORAGE_QUEUE_DESC *desc, REFIID riid, void **ppv)
{
    pe_queue *q = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(*q));
    if (!q)
        return E_OUTOFMEMORY;
    q->iface.lpVtbl = &queue_vtbl;
    q->refs = 1;
    InitializeCriticalSection(&q->lock);
    q->desc = *desc;
    if (desc->Name)
        lstrcpynA(q->name, desc->Name, sizeof(q->name));
    q->desc.Name = q->name;
    q->error_event = CreateEventW(NULL, TRUE, FALSE, NULL);
    q->ungated = CreateEventW(NULL, TRUE, TRUE, NULL);
    q->id = registry_add(q);
    pe_device_init(&q->device, desc->Device);
    HRESULT hr = q->error_event && q->ungated && q->id ? S_OK : E_OUTOFMEMORY;

    dsvk_wire_queue_create c;
    memset(&c, 0, sizeof(c));
    c.source_type = (uint32_t)desc->SourceType;
    c.capacity = desc->Capacity;
    c.priority = desc->Priority;
    c.has_device = q->device.has_uuid;
    memcpy(c.device_uuid, q->device.uuid, sizeof(c.device_uuid));
    c.pe_queue = q->id;
    memcpy(c.name, q->name, sizeof(c.name));
    if (SUCCEEDED(hr) && desc->SourceType > DSTORAGE_REQUEST_SOURCE_MEMORY)
        hr = E_DSTORAGE_INVALID_SOURCE_TYPE;
    if (SUCCEEDED(hr)) {
        int32_t st = pe_call(DSVK_WIRE_OP_QUEUE_CREATE, &c, sizeof(c));
        hr = st == DSVK_WIRE_R_OK ? S_OK : pe_hresult(st);
    }
    if (SUCCEEDED(hr)) {
        q->handle = c.handle;
        q->bound_device = c.bound_device != 0;
        hr = pe_completion_retain();
        if (FAILED(hr)) {
            dsvk_wire_handle h = {q->handle};
            pe_call(DSVK_WIRE_OP_QUEUE_CLOSE, &h, sizeof(h));
            q->handle = 0;
        }
    }
    if (FAILED(hr)) {
        q->closed = true; /* nothing to close on the unix side */
        queue_release(&q->iface);
        return hr;
    }
    if (desc->Device && !q->bound_device)
        pe_log_info("queue '%s': no Vulkan device of the core matches this ID3D12Device; "
                    "GPU destinations fail with E_DSTORAGE_INVALID_DESTINATION_TYPE",
                    q->name);
    hr = queue_query_interface(&q->iface, riid, ppv);
    queue_release(&q->iface);
    return hr;
}
