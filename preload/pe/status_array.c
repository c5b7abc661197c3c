/*
 * IDStorageStatusArray: its elements live here, in PE memory, and the core writes results
 * straight into them (dsvk_status_array_wrap) with release ordering; IsComplete and
 * GetHResult read them with acquire ordering and never cross the channel.
 */
#include <string.h>

#include "pe.h"

typedef struct pe_status_array {
    IDStorageStatusArray iface;
    LONG refs;
    uint64_t handle;
    UINT32 capacity;
    int32_t *elems; /* wire results, DSVK_WIRE_R_PENDING while an entry is outstanding */
} pe_status_array;

static const IDStorageStatusArrayVtbl status_vtbl;

static pe_status_array *impl(IDStorageStatusArray *a)
{
    return (pe_status_array *)a;
}

uint64_t pe_status_array_handle(IDStorageStatusArray *array)
{
    return array && array->lpVtbl == &status_vtbl ? impl(array)->handle : 0;
}

void pe_status_array_mark_pending(IDStorageStatusArray *array, UINT32 index)
{
    /* EnqueueStatus makes the element pending at once, before the batch reaches the core
     * (which does the same when it gets the entry). */
    if (array && array->lpVtbl == &status_vtbl && index < impl(array)->capacity)
        __atomic_store_n(&impl(array)->elems[index], DSVK_WIRE_R_PENDING, __ATOMIC_RELEASE);
}

static HRESULT STDMETHODCALLTYPE status_query_interface(IDStorageStatusArray *This, REFIID riid,
                                                        void **ppv)
{
    if (!ppv)
        return E_POINTER;
    *ppv = NULL;
    if (pe_iid_is(riid, &IID_IUnknown) || pe_iid_is(riid, &IID_IDStorageStatusArray)) {
        This->lpVtbl->AddRef(This);
        *ppv = This;
        return S_OK;
    }
    return E_NOINTERFACE;
}

static ULONG STDMETHODCALLTYPE status_add_ref(IDStorageStatusArray *This)
{
    return (ULONG)InterlockedIncrement(&impl(This)->refs);
}

static ULONG STDMETHODCALLTYPE status_release(IDStorageStatusArray *This)
{
    pe_status_array *a = impl(This);
    LONG r = InterlockedDecrement(&a->refs);
    if (r != 0)
        return (ULONG)r;
    for (UINT32 i = 0; i < a->capacity; i++) {
        if (__atomic_load_n(&a->elems[i], __ATOMIC_ACQUIRE) == DSVK_WIRE_R_PENDING) {
            /* The core will still write here: keep the memory alive rather than let it
             * write into freed memory. A leak, logged, instead of a corruption. */
            pe_log_warn("status array released with entry %u still pending; keeping it", i);
            return 0;
        }
    }
    if (a->handle) {
        dsvk_wire_handle h = {a->handle};
        pe_call(DSVK_WIRE_OP_STATUS_DESTROY, &h, sizeof(h));
    }
    HeapFree(GetProcessHeap(), 0, a->elems);
    HeapFree(GetProcessHeap(), 0, a);
    return 0;
}

static bool STDMETHODCALLTYPE status_is_complete(IDStorageStatusArray *This, UINT32 index)
{
    pe_status_array *a = impl(This);
    if (index >= a->capacity)
        return true;
    return __atomic_load_n(&a->elems[index], __ATOMIC_ACQUIRE) != DSVK_WIRE_R_PENDING;
}

static HRESULT STDMETHODCALLTYPE status_get_hresult(IDStorageStatusArray *This, UINT32 index)
{
    pe_status_array *a = impl(This);
    if (index >= a->capacity)
        return E_DSTORAGE_INDEX_BOUND;
    return pe_hresult(__atomic_load_n(&a->elems[index], __ATOMIC_ACQUIRE));
}

static const IDStorageStatusArrayVtbl status_vtbl = {
    status_query_interface, status_add_ref, status_release, status_is_complete, status_get_hresult,
};

HRESULT pe_status_array_create(UINT32 capacity, PCSTR name, REFIID riid, void **ppv)
{
    if (capacity > (1u << 24))
        return E_INVALIDARG;
    pe_status_array *a = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(*a));
    if (!a)
        return E_OUTOFMEMORY;
    a->iface.lpVtbl = &status_vtbl;
    a->refs = 1;
    a->capacity = capacity;
    a->elems = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, (SIZE_T)capacity * sizeof(int32_t));
    if (!a->elems) {
        HeapFree(GetProcessHeap(), 0, a);
        return E_OUTOFMEMORY;
    }
    dsvk_wire_status_create c;
    memset(&c, 0, sizeof(c));
    c.storage = (uint64_t)(uintptr_t)a->elems;
    c.capacity = capacity;
    c.pe_object = (uint64_t)(uintptr_t)&a->iface;
    if (name)
        lstrcpynA(c.name, name, sizeof(c.name));
    int32_t st = pe_call(DSVK_WIRE_OP_STATUS_CREATE, &c, sizeof(c));
    if (st != DSVK_WIRE_R_OK) {
        HeapFree(GetProcessHeap(), 0, a->elems);
        HeapFree(GetProcessHeap(), 0, a);
        return pe_hresult(st);
    }
    a->handle = c.handle;
    HRESULT hr = status_query_interface(&a->iface, riid, ppv);
    status_release(&a->iface);
    return hr;
}
