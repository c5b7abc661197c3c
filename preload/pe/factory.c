/*
 * IDStorageFactory: one per process (DStorageGetFactory hands out the same object). It also
 * answers QueryInterface for IDStorageCustomDecompressionQueue/…1, as DirectStorage's does.
 */
#include "pe.h"

typedef struct pe_factory {
    IDStorageFactory iface;
    LONG refs;
    LONG debug_flags;
} pe_factory;

static pe_factory *impl(IDStorageFactory *f)
{
    return (pe_factory *)f;
}

static HRESULT STDMETHODCALLTYPE factory_query_interface(IDStorageFactory *This, REFIID riid,
                                                         void **ppv)
{
    if (!ppv)
        return E_POINTER;
    *ppv = NULL;
    if (pe_iid_is(riid, &IID_IUnknown) || pe_iid_is(riid, &IID_IDStorageFactory)) {
        This->lpVtbl->AddRef(This);
        *ppv = This;
        return S_OK;
    }
    if (pe_iid_is(riid, &IID_IDStorageCustomDecompressionQueue) ||
        pe_iid_is(riid, &IID_IDStorageCustomDecompressionQueue1))
        return pe_custom_queue_get(riid, ppv);
    return E_NOINTERFACE;
}

static ULONG STDMETHODCALLTYPE factory_add_ref(IDStorageFactory *This)
{
    return (ULONG)InterlockedIncrement(&impl(This)->refs);
}

static ULONG STDMETHODCALLTYPE factory_release(IDStorageFactory *This)
{
    /* A process-wide object: the last Release leaves it for the next DStorageGetFactory. */
    LONG r = InterlockedDecrement(&impl(This)->refs);
    return r > 0 ? (ULONG)r : 0;
}

static HRESULT STDMETHODCALLTYPE factory_create_queue(IDStorageFactory *This,
                                                      const DSTORAGE_QUEUE_DESC *desc, REFIID riid,
                                                      void **ppv)
{
    (void)This;
    if (!ppv)
        return E_POINTER;
    *ppv = NULL;
    if (!desc || !riid)
        return E_INVALIDARG;
    return pe_queue_create(desc, riid, ppv);
}

static HRESULT STDMETHODCALLTYPE factory_open_file(IDStorageFactory *This, const WCHAR *path,
                                                   REFIID riid, void **ppv)
{
    (void)This;
    if (!ppv)
        return E_POINTER;
    *ppv = NULL;
    if (!path || !riid)
        return E_INVALIDARG;
    return pe_file_open(path, riid, ppv);
}

static HRESULT STDMETHODCALLTYPE factory_create_status_array(IDStorageFactory *This,
                                                             UINT32 capacity, PCSTR name,
                                                             REFIID riid, void **ppv)
{
    (void)This;
    if (!ppv)
        return E_POINTER;
    *ppv = NULL;
    if (!riid || capacity == 0)
        return E_INVALIDARG;
    return pe_status_array_create(capacity, name, riid, ppv);
}

static void STDMETHODCALLTYPE factory_set_debug_flags(IDStorageFactory *This, UINT32 flags)
{
    /* dsvk always logs failures (DSVK_LOG); the flags are kept for completeness. */
    InterlockedExchange(&impl(This)->debug_flags, (LONG)flags);
}

static HRESULT STDMETHODCALLTYPE factory_set_staging_buffer_size(IDStorageFactory *This,
                                                                 UINT32 size)
{
    (void)This;
    pe_config_set_staging(size);
    if (!pe_runtime_started())
        return S_OK; /* applied when the runtime starts */
    /* Re-creates the runtime with the new staging budget; refused (STAGING_BUFFER_LOCKED)
     * while files, queues or status arrays exist. */
    dsvk_wire_hello *h = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(*h));
    if (!h)
        return E_OUTOFMEMORY;
    pe_config_get(&h->config);
    int32_t st = pe_call(DSVK_WIRE_OP_CONFIGURE, h, sizeof(*h));
    HeapFree(GetProcessHeap(), 0, h);
    return st == DSVK_WIRE_R_OK ? S_OK : pe_hresult(st);
}

static const IDStorageFactoryVtbl factory_vtbl = {
    factory_query_interface, factory_add_ref,
    factory_release,         factory_create_queue,
    factory_open_file,       factory_create_status_array,
    factory_set_debug_flags, factory_set_staging_buffer_size,
};

static pe_factory factory = {{&factory_vtbl}, 0, 0};

HRESULT pe_factory_get(REFIID riid, void **ppv)
{
    return factory.iface.lpVtbl->QueryInterface(&factory.iface, riid, ppv);
}
