/*
 * IDStorageCustomDecompressionQueue / …1: requests the application decompresses itself
 * (custom formats, and GDeflate when NumBuiltInCpuDecompressionThreads is -1). One per
 * process, reached through QueryInterface on the factory.
 *
 * The event: manual-reset. The completion thread sets it when the shim reports that
 * requests wait (reported once per GetRequests, so it does not spin on a level-triggered
 * eventfd); GetRequests resets it before asking and sets it again when the shim says that
 * requests still wait. A report the shim made before the latest GetRequests looked (its
 * arm sequence is older) is stale and ignored, so the event is not left set on an empty
 * queue.
 */
#include <string.h>

#include "pe.h"

typedef struct pe_custom_queue {
    IDStorageCustomDecompressionQueue1 iface;
    LONG refs;
    HANDLE event;
    bool completion_ref;
    CRITICAL_SECTION event_lock; /* orders event updates of GetRequests and notifications */
    uint64_t arm_seq;            /* of the latest GetRequests */
} pe_custom_queue;

static SRWLOCK lock = SRWLOCK_INIT;
static pe_custom_queue *instance;

static pe_custom_queue *impl(IDStorageCustomDecompressionQueue1 *q)
{
    return (pe_custom_queue *)q;
}

void pe_custom_queue_notify(uint64_t arm_seq)
{
    AcquireSRWLockShared(&lock);
    if (instance) {
        EnterCriticalSection(&instance->event_lock);
        if (arm_seq >= instance->arm_seq)
            SetEvent(instance->event);
        LeaveCriticalSection(&instance->event_lock);
    }
    ReleaseSRWLockShared(&lock);
}

static HRESULT STDMETHODCALLTYPE custom_query_interface(IDStorageCustomDecompressionQueue1 *This,
                                                        REFIID riid, void **ppv)
{
    if (!ppv)
        return E_POINTER;
    *ppv = NULL;
    if (pe_iid_is(riid, &IID_IUnknown) || pe_iid_is(riid, &IID_IDStorageCustomDecompressionQueue) ||
        pe_iid_is(riid, &IID_IDStorageCustomDecompressionQueue1)) {
        This->lpVtbl->AddRef(This);
        *ppv = This;
        return S_OK;
    }
    return E_NOINTERFACE;
}

static ULONG STDMETHODCALLTYPE custom_add_ref(IDStorageCustomDecompressionQueue1 *This)
{
    return (ULONG)InterlockedIncrement(&impl(This)->refs);
}

static ULONG STDMETHODCALLTYPE custom_release(IDStorageCustomDecompressionQueue1 *This)
{
    pe_custom_queue *q = impl(This);
    AcquireSRWLockExclusive(&lock);
    LONG r = InterlockedDecrement(&q->refs);
    if (r == 0 && instance == q)
        instance = NULL;
    ReleaseSRWLockExclusive(&lock);
    if (r == 0) {
        if (q->completion_ref)
            pe_completion_release();
        CloseHandle(q->event);
        DeleteCriticalSection(&q->event_lock);
        HeapFree(GetProcessHeap(), 0, q);
    }
    return (ULONG)r;
}

static HANDLE STDMETHODCALLTYPE custom_get_event(IDStorageCustomDecompressionQueue1 *This)
{
    return impl(This)->event;
}

static HRESULT get_requests(pe_custom_queue *q, uint32_t select, UINT32 max,
                            DSTORAGE_CUSTOM_DECOMPRESSION_REQUEST *out, UINT32 *count)
{
    if (!count || (max && !out))
        return E_INVALIDARG;
    *count = 0;
    if (select == 0 || select > DSTORAGE_GET_REQUEST_FLAG_SELECT_ALL)
        return E_INVALIDARG;
    /* Held across the call: a stale notification waits, then sees the new sequence. */
    EnterCriticalSection(&q->event_lock);
    ResetEvent(q->event);
    uint32_t chunk_max = max < DSVK_WIRE_MAX_CUSTOM ? max : DSVK_WIRE_MAX_CUSTOM;
    dsvk_wire_custom_request *w =
        chunk_max ? HeapAlloc(GetProcessHeap(), 0, chunk_max * sizeof(*w)) : NULL;
    if (chunk_max && !w) {
        LeaveCriticalSection(&q->event_lock);
        return E_OUTOFMEMORY;
    }
    HRESULT hr = S_OK;
    UINT32 total = 0;
    bool more = false;
    while (total < max) {
        uint32_t want = max - total < chunk_max ? max - total : chunk_max;
        dsvk_wire_custom_get a = {
            .select = select, .max = want, .requests = (uint64_t)(uintptr_t)w};
        int32_t st = pe_call(DSVK_WIRE_OP_CUSTOM_GET, &a, sizeof(a));
        if (st != DSVK_WIRE_R_OK) {
            hr = pe_hresult(st);
            break;
        }
        for (uint32_t i = 0; i < a.count && i < want; i++) {
            DSTORAGE_CUSTOM_DECOMPRESSION_REQUEST *r = &out[total + i];
            memset(r, 0, sizeof(*r));
            r->Id = w[i].id;
            r->CompressionFormat = w[i].compression;
            r->Flags = w[i].flags;
            r->SrcSize = w[i].src_size;
            r->SrcBuffer = (const void *)(uintptr_t)w[i].src;
            r->DstSize = w[i].dst_size;
            r->DstBuffer = (void *)(uintptr_t)w[i].dst;
        }
        total += a.count;
        more = a.more != 0;
        q->arm_seq = a.arm_seq;
        if (a.count < want)
            break;
    }
    if (w)
        HeapFree(GetProcessHeap(), 0, w);
    *count = total;
    if (SUCCEEDED(hr) && more)
        SetEvent(q->event);
    LeaveCriticalSection(&q->event_lock);
    return hr;
}

static HRESULT STDMETHODCALLTYPE custom_get_requests(IDStorageCustomDecompressionQueue1 *This,
                                                     UINT32 max,
                                                     DSTORAGE_CUSTOM_DECOMPRESSION_REQUEST *out,
                                                     UINT32 *count)
{
    /* The 1.0 method: every request the app is asked to decompress. */
    return get_requests(impl(This), DSTORAGE_GET_REQUEST_FLAG_SELECT_ALL, max, out, count);
}

static HRESULT STDMETHODCALLTYPE custom_get_requests1(IDStorageCustomDecompressionQueue1 *This,
                                                      DSTORAGE_GET_REQUEST_FLAGS flags, UINT32 max,
                                                      DSTORAGE_CUSTOM_DECOMPRESSION_REQUEST *out,
                                                      UINT32 *count)
{
    return get_requests(impl(This), flags, max, out, count);
}

static HRESULT STDMETHODCALLTYPE custom_set_results(IDStorageCustomDecompressionQueue1 *This,
                                                    UINT32 n,
                                                    DSTORAGE_CUSTOM_DECOMPRESSION_RESULT *results)
{
    (void)This;
    if (n && !results)
        return E_INVALIDARG;
    uint32_t chunk = n < DSVK_WIRE_MAX_CUSTOM ? n : DSVK_WIRE_MAX_CUSTOM;
    dsvk_wire_custom_result *w = chunk ? HeapAlloc(GetProcessHeap(), 0, chunk * sizeof(*w)) : NULL;
    if (chunk && !w)
        return E_OUTOFMEMORY;
    HRESULT hr = S_OK;
    for (UINT32 done = 0; done < n && SUCCEEDED(hr);) {
        uint32_t k = n - done < chunk ? n - done : chunk;
        for (uint32_t i = 0; i < k; i++) {
            w[i].id = results[done + i].Id;
            w[i].result = pe_wire_result_of(results[done + i].Result);
            w[i].reserved = 0;
        }
        dsvk_wire_custom_set a = {.results = (uint64_t)(uintptr_t)w, .count = k};
        int32_t st = pe_call(DSVK_WIRE_OP_CUSTOM_SET, &a, sizeof(a));
        if (st != DSVK_WIRE_R_OK)
            hr = pe_hresult(st);
        done += k;
    }
    if (w)
        HeapFree(GetProcessHeap(), 0, w);
    return hr;
}

static const IDStorageCustomDecompressionQueue1Vtbl custom_vtbl = {
    custom_query_interface, custom_add_ref,     custom_release,       custom_get_event,
    custom_get_requests,    custom_set_results, custom_get_requests1,
};

HRESULT pe_custom_queue_get(REFIID riid, void **ppv)
{
    AcquireSRWLockExclusive(&lock);
    pe_custom_queue *q = instance;
    HRESULT hr = S_OK;
    if (q) {
        custom_add_ref(&q->iface);
    } else {
        q = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(*q));
        if (q) {
            q->iface.lpVtbl = &custom_vtbl;
            q->refs = 1;
            InitializeCriticalSection(&q->event_lock);
            q->event = CreateEventW(NULL, TRUE, FALSE, NULL);
        }
        if (!q || !q->event) {
            if (q) {
                DeleteCriticalSection(&q->event_lock);
                HeapFree(GetProcessHeap(), 0, q);
            }
            ReleaseSRWLockExclusive(&lock);
            return E_OUTOFMEMORY;
        }
        instance = q;
    }
    ReleaseSRWLockExclusive(&lock);
    if (!q->completion_ref) {
        /* Its event is set by the completion thread. */
        hr = pe_completion_retain();
        if (SUCCEEDED(hr))
            q->completion_ref = true;
    }
    if (SUCCEEDED(hr))
        hr = custom_query_interface(&q->iface, riid, ppv);
    custom_release(&q->iface);
    return hr;
}
