/*
 * DStorageSetConfiguration / DStorageSetConfiguration1, and which DirectStorage SDK the game
 * was built against.
 *
 * DSTORAGE_CONFIGURATION changed layout between 1.0 (16 bytes: NumSubmitThreads,
 * ForceMappingLayer, DisableBypassIO, DisableTelemetry) and 1.1 (28 bytes: a second field,
 * NumBuiltInCpuDecompressionThreads, was inserted), and the pointer alone does not say which
 * one a game passes. The rule: DStorageSetConfiguration1 always reads the 32-byte
 * DSTORAGE_CONFIGURATION1; DStorageSetConfiguration reads the 28-byte 1.1+ layout unless
 * the game is known to be built against 1.0. "Known" means DSVK_DSTORAGE_SDK=1.0 in the
 * environment, or the dstorage.dll the game ships next to its exe (which Wine does not load,
 * ours replaces it) has file version 1.0.x. Every GDeflate game is 1.1+, and reading the
 * 1.0 layout as 1.1 would turn DisableBypassIO into ForceMappingLayer, so the default is 1.1+.
 * The same knowledge picks the error record layout (see queue.c).
 */
#include <string.h>

#include "pe.h"

static SRWLOCK lock = SRWLOCK_INIT;
static dsvk_wire_config config;
static LONG sdk_state = -1; /* -1 unknown, 0 1.1+, 1 1.0 */

void pe_config_get(dsvk_wire_config *out)
{
    AcquireSRWLockShared(&lock);
    *out = config;
    ReleaseSRWLockShared(&lock);
}

void pe_config_set_staging(UINT32 size)
{
    AcquireSRWLockExclusive(&lock);
    config.staging_size = size;
    ReleaseSRWLockExclusive(&lock);
}

typedef DWORD(WINAPI *size_fn)(LPCWSTR, LPDWORD);
typedef BOOL(WINAPI *info_fn)(LPCWSTR, DWORD, DWORD, LPVOID);
typedef BOOL(WINAPI *query_fn)(LPCVOID, LPCWSTR, LPVOID *, PUINT);

/* The file version of the dstorage.dll next to the exe, 0 when there is none. */
static DWORD bundled_major_minor(void)
{
    WCHAR path[MAX_PATH + 16];
    DWORD n = GetModuleFileNameW(NULL, path, MAX_PATH);
    if (!n || n >= MAX_PATH)
        return 0;
    WCHAR *slash = wcsrchr(path, L'\\');
    if (!slash)
        return 0;
    wcscpy(slash + 1, L"dstorage.dll");
    HMODULE ver = LoadLibraryW(L"version.dll");
    if (!ver)
        return 0;
    size_fn get_size = (size_fn)(void *)GetProcAddress(ver, "GetFileVersionInfoSizeW");
    info_fn get_info = (info_fn)(void *)GetProcAddress(ver, "GetFileVersionInfoW");
    query_fn query = (query_fn)(void *)GetProcAddress(ver, "VerQueryValueW");
    DWORD result = 0, handle = 0;
    DWORD size = get_size && get_info && query ? get_size(path, &handle) : 0;
    void *data = size ? HeapAlloc(GetProcessHeap(), 0, size) : NULL;
    VS_FIXEDFILEINFO *fixed;
    UINT fixed_len;
    if (data && get_info(path, 0, size, data) && query(data, L"\\", (void **)&fixed, &fixed_len) &&
        fixed_len >= sizeof(*fixed))
        result = fixed->dwFileVersionMS; /* major << 16 | minor */
    if (data)
        HeapFree(GetProcessHeap(), 0, data);
    FreeLibrary(ver);
    return result;
}

bool pe_sdk_is_1_0(void)
{
    LONG s = InterlockedCompareExchange(&sdk_state, -1, -1);
    if (s >= 0)
        return s == 1;
    char env[16] = "";
    GetEnvironmentVariableA("DSVK_DSTORAGE_SDK", env, sizeof(env));
    if (env[0]) {
        s = !strcmp(env, "1.0") ? 1 : 0;
    } else {
        DWORD v = bundled_major_minor();
        s = v == 0x00010000 ? 1 : 0;
        if (s)
            pe_log_info("the game ships DirectStorage 1.0: using its configuration and error "
                        "record layouts");
    }
    InterlockedExchange(&sdk_state, s);
    return s == 1;
}

static HRESULT apply(const dsvk_wire_config *c)
{
    AcquireSRWLockExclusive(&lock);
    UINT32 staging = config.staging_size;
    config = *c;
    config.staging_size = staging;
    ReleaseSRWLockExclusive(&lock);
    /* Before the first DStorageGetFactory this only records it (HELLO carries it); later the
     * unix side re-creates the runtime, which it refuses while objects exist. */
    if (!pe_runtime_started())
        return S_OK;
    dsvk_wire_hello *h = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(*h));
    if (!h)
        return E_OUTOFMEMORY;
    pe_config_get(&h->config);
    int32_t st = pe_call(DSVK_WIRE_OP_CONFIGURE, h, sizeof(*h));
    HeapFree(GetProcessHeap(), 0, h);
    return st == DSVK_WIRE_R_OK ? S_OK : pe_hresult(st);
}

static uint32_t flags_of(BOOL mapping, BOOL bypass, BOOL telemetry, BOOL metacommand, BOOL gpu)
{
    return (mapping ? DSVK_WIRE_CFG_FORCE_MAPPING_LAYER : 0) |
           (bypass ? DSVK_WIRE_CFG_DISABLE_BYPASS_IO : 0) |
           (telemetry ? DSVK_WIRE_CFG_DISABLE_TELEMETRY : 0) |
           (metacommand ? DSVK_WIRE_CFG_DISABLE_GPU_METACOMMAND : 0) |
           (gpu ? DSVK_WIRE_CFG_DISABLE_GPU_DECOMPRESSION : 0);
}

HRESULT WINAPI DStorageSetConfiguration(const DSTORAGE_CONFIGURATION *cfg)
{
    if (!cfg)
        return E_INVALIDARG;
    dsvk_wire_config c = {.present = 1};
    if (pe_sdk_is_1_0()) {
        const DSTORAGE_CONFIGURATION_1_0 *old = (const DSTORAGE_CONFIGURATION_1_0 *)cfg;
        c.num_submit_threads = old->NumSubmitThreads;
        c.flags = flags_of(old->ForceMappingLayer, old->DisableBypassIO, old->DisableTelemetry,
                           FALSE, FALSE);
    } else {
        c.num_submit_threads = cfg->NumSubmitThreads;
        c.cpu_decompression_threads = cfg->NumBuiltInCpuDecompressionThreads;
        c.flags = flags_of(cfg->ForceMappingLayer, cfg->DisableBypassIO, cfg->DisableTelemetry,
                           cfg->DisableGpuDecompressionMetacommand, cfg->DisableGpuDecompression);
    }
    return apply(&c);
}

HRESULT WINAPI DStorageSetConfiguration1(const DSTORAGE_CONFIGURATION1 *cfg)
{
    if (!cfg)
        return E_INVALIDARG;
    if (cfg->ForceFileBuffering && !cfg->DisableBypassIO)
        return E_DSTORAGE_FILEBUFFERING_REQUIRES_DISABLED_BYPASSIO;
    dsvk_wire_config c = {.present = 1};
    c.num_submit_threads = cfg->NumSubmitThreads;
    c.cpu_decompression_threads = cfg->NumBuiltInCpuDecompressionThreads;
    c.flags = flags_of(cfg->ForceMappingLayer, cfg->DisableBypassIO, cfg->DisableTelemetry,
                       cfg->DisableGpuDecompressionMetacommand, cfg->DisableGpuDecompression) |
              (cfg->ForceFileBuffering ? DSVK_WIRE_CFG_FORCE_FILE_BUFFERING : 0);
    return apply(&c);
}
