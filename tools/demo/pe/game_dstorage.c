/*
 * Stands in for the copy of Microsoft's dstorage.dll that a game ships next to its exe. dsvk
 * must make Wine load its own builtin dstorage.dll instead, so this one must never run:
 * every entry point answers 0x8badf00d, which the demo loader recognizes. (Wine also only
 * considers the builtin when a dstorage.dll is found on the search path, as it is for games.)
 */
#include <windows.h>

#define NOT_DSVK ((HRESULT)0x8badf00d)

__declspec(dllexport) HRESULT WINAPI DStorageGetFactory(const IID *riid, void **ppv)
{
    (void)riid;
    if (ppv)
        *ppv = NULL;
    return NOT_DSVK;
}

__declspec(dllexport) HRESULT WINAPI
    DStorageCreateCompressionCodec(int format, UINT32 threads, const IID *riid, void **ppv)
{
    (void)format;
    (void)threads;
    (void)riid;
    if (ppv)
        *ppv = NULL;
    return NOT_DSVK;
}
