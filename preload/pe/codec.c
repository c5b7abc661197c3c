/*
 * IDStorageCompressionCodec for GDeflate, on the core's codec (dsvk_gdeflate_*).
 * DSTORAGE_COMPRESSION FASTEST / DEFAULT / BEST_RATIO are levels 1 / 9 / 12. Like
 * DirectStorage's, a codec object is not thread-safe; calls are independent anyway.
 */
#include "pe.h"

typedef struct pe_codec {
    IDStorageCompressionCodec iface;
    LONG refs;
    UINT32 threads; /* 0: one per CPU ("the system's best guess") */
} pe_codec;

static pe_codec *impl(IDStorageCompressionCodec *c)
{
    return (pe_codec *)c;
}

static HRESULT STDMETHODCALLTYPE codec_query_interface(IDStorageCompressionCodec *This, REFIID riid,
                                                       void **ppv)
{
    if (!ppv)
        return E_POINTER;
    *ppv = NULL;
    if (pe_iid_is(riid, &IID_IUnknown) || pe_iid_is(riid, &IID_IDStorageCompressionCodec)) {
        This->lpVtbl->AddRef(This);
        *ppv = This;
        return S_OK;
    }
    return E_NOINTERFACE;
}

static ULONG STDMETHODCALLTYPE codec_add_ref(IDStorageCompressionCodec *This)
{
    return (ULONG)InterlockedIncrement(&impl(This)->refs);
}

static ULONG STDMETHODCALLTYPE codec_release(IDStorageCompressionCodec *This)
{
    LONG r = InterlockedDecrement(&impl(This)->refs);
    if (r == 0)
        HeapFree(GetProcessHeap(), 0, impl(This));
    return (ULONG)r;
}

static HRESULT STDMETHODCALLTYPE codec_compress(IDStorageCompressionCodec *This, const void *in,
                                                size_t in_size, DSTORAGE_COMPRESSION setting,
                                                void *out, size_t out_size, size_t *written)
{
    if (!written || !in || !out)
        return E_INVALIDARG;
    *written = 0;
    int level;
    switch (setting) {
    case DSTORAGE_COMPRESSION_FASTEST: level = 1; break;
    case DSTORAGE_COMPRESSION_DEFAULT: level = 9; break;
    case DSTORAGE_COMPRESSION_BEST_RATIO: level = 12; break;
    default: return E_INVALIDARG;
    }
    dsvk_wire_codec a = {
        .in = (uint64_t)(uintptr_t)in,
        .in_size = in_size,
        .out = (uint64_t)(uintptr_t)out,
        .out_cap = out_size,
        .level = level,
        .threads = impl(This)->threads,
    };
    int32_t st = pe_call(DSVK_WIRE_OP_CODEC_COMPRESS, &a, sizeof(a));
    if (st == DSVK_WIRE_R_COMPRESSED_DATA_TOO_LARGE)
        return HRESULT_FROM_WIN32(ERROR_INSUFFICIENT_BUFFER); /* out_size < the result */
    if (st != DSVK_WIRE_R_OK)
        return pe_hresult(st);
    *written = (size_t)a.out_size;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE codec_decompress(IDStorageCompressionCodec *This, const void *in,
                                                  size_t in_size, void *out, size_t out_size,
                                                  size_t *written)
{
    if (!written || !in)
        return E_INVALIDARG;
    *written = 0;
    dsvk_wire_codec a = {
        .in = (uint64_t)(uintptr_t)in,
        .in_size = in_size,
        .out = (uint64_t)(uintptr_t)out,
        .out_cap = out_size,
        .threads = impl(This)->threads,
    };
    int32_t st = pe_call(DSVK_WIRE_OP_CODEC_DECOMPRESS, &a, sizeof(a));
    if (st == DSVK_WIRE_R_INVALID_DESTINATION_SIZE)
        return HRESULT_FROM_WIN32(ERROR_INSUFFICIENT_BUFFER);
    if (st != DSVK_WIRE_R_OK)
        return pe_hresult(st);
    *written = (size_t)a.out_size;
    return S_OK;
}

static size_t STDMETHODCALLTYPE codec_bound(IDStorageCompressionCodec *This, size_t in_size)
{
    (void)This;
    dsvk_wire_codec a = {.in_size = in_size};
    return pe_call(DSVK_WIRE_OP_CODEC_BOUND, &a, sizeof(a)) == DSVK_WIRE_R_OK ? (size_t)a.out_size
                                                                              : 0;
}

static const IDStorageCompressionCodecVtbl codec_vtbl = {
    codec_query_interface, codec_add_ref,    codec_release,
    codec_compress,        codec_decompress, codec_bound,
};

HRESULT pe_codec_create(DSTORAGE_COMPRESSION_FORMAT format, UINT32 threads, REFIID riid, void **ppv)
{
    if (format != DSTORAGE_COMPRESSION_FORMAT_GDEFLATE)
        return E_INVALIDARG;
    /* The codec is the core's: make sure the shim could load it before handing one out. */
    dsvk_wire_codec probe = {.in_size = 1};
    int32_t st = pe_call(DSVK_WIRE_OP_CODEC_BOUND, &probe, sizeof(probe));
    if (st != DSVK_WIRE_R_OK)
        return pe_hresult(st);
    pe_codec *c = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(*c));
    if (!c)
        return E_OUTOFMEMORY;
    c->iface.lpVtbl = &codec_vtbl;
    c->refs = 1;
    c->threads = threads;
    HRESULT hr = codec_query_interface(&c->iface, riid, ppv);
    codec_release(&c->iface);
    return hr;
}
