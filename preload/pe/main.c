/*
 * dstorage.dll: DllMain and the exported entry points (the configuration ones are in
 * config.c). Marked as a Wine builtin at build time, so WINEDLLOVERRIDES=dstorage=b makes
 * Wine load it instead of the dstorage.dll a game ships.
 */
#include "pe.h"

/* dsvk-doctor compares this with the shim's and the core's version. */
__attribute__((used)) static const char version_tag[] = "dsvk-version:" DSVK_VERSION_STRING;

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, void *reserved)
{
    switch (reason) {
    case DLL_PROCESS_ATTACH: DisableThreadLibraryCalls(instance); break;
    case DLL_PROCESS_DETACH:
        /* Process exit (reserved != NULL): other threads are gone and the loader lock is
         * held; touch nothing. FreeLibrary: the completion thread holds its own reference
         * on this DLL, so it cannot be running; only the channel handles are left. */
        if (!reserved)
            pe_channel_close();
        break;
    }
    return TRUE;
}

HRESULT WINAPI DStorageGetFactory(REFIID riid, void **ppv)
{
    if (!ppv || !riid)
        return E_POINTER;
    *ppv = NULL;
    HRESULT hr = pe_runtime_start();
    if (FAILED(hr))
        return hr;
    return pe_factory_get(riid, ppv);
}

HRESULT WINAPI DStorageCreateCompressionCodec(DSTORAGE_COMPRESSION_FORMAT format, UINT32 numThreads,
                                              REFIID riid, void **ppv)
{
    if (!ppv || !riid)
        return E_POINTER;
    *ppv = NULL;
    /* The codec needs the core's GDeflate code, not a runtime. */
    HRESULT hr = pe_channel_open();
    if (FAILED(hr))
        return hr;
    return pe_codec_create(format, numThreads, riid, ppv);
}
