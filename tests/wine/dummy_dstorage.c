/*
 * Stands in for the Microsoft dstorage.dll a game ships next to its exe. Every entry point
 * fails with 0x8badf00d, so a test that gets anything else proves Wine loaded dsvk's
 * dstorage.dll (the builtin, through WINEDLLOVERRIDES=dstorage=b) instead of this one.
 */
#include <windows.h>

#define GAMES_OWN_DSTORAGE ((HRESULT)0x8badf00dL)

HRESULT WINAPI DStorageGetFactory(REFIID riid, void **ppv)
{
    (void)riid;
    if (ppv)
        *ppv = NULL;
    return GAMES_OWN_DSTORAGE;
}

HRESULT WINAPI DStorageSetConfiguration(const void *config)
{
    (void)config;
    return GAMES_OWN_DSTORAGE;
}

HRESULT WINAPI DStorageSetConfiguration1(const void *config)
{
    (void)config;
    return GAMES_OWN_DSTORAGE;
}

HRESULT WINAPI DStorageCreateCompressionCodec(BYTE format, UINT32 threads, REFIID riid, void **ppv)
{
    (void)format, (void)threads, (void)riid;
    if (ppv)
        *ppv = NULL;
    return GAMES_OWN_DSTORAGE;
}
