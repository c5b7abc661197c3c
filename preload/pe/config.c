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
 * environment (any other value means 1.1+), or the dstorage.dll the game ships next to its
 * exe (which Wine does not load, ours replaces it) has file version 1.0.x. Every GDeflate game
 * is 1.1+, and reading the 1.0 layout as 1.1 would turn DisableBypassIO into ForceMappingLayer, so
 * the default is 1.1+. The same knowledge picks the error record layout (see queue.c).
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

/*
 * The file version of the dstorage.dll next to the exe, 0 when there is none. Read from the
 * file itself: version.dll's GetFileVersionInfo (and LoadLibraryEx as a data file) hand back
 * the loaded module of that name under Wine, which is this DLL. The VS_FIXEDFILEINFO of a
 * version resource starts with the signature 0xFEEF04BD; it is looked for in the section
 * that holds the resource directory.
 */
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
    HANDLE f = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_DELETE, NULL,
                           OPEN_EXISTING, 0, NULL);
    if (f == INVALID_HANDLE_VALUE)
        return 0;
    DWORD result = 0, got = 0;
    LARGE_INTEGER size;
    uint8_t *buf = NULL;
    if (GetFileSizeEx(f, &size) && size.QuadPart > 0x200 && size.QuadPart < (64 << 20))
        buf = HeapAlloc(GetProcessHeap(), 0, (SIZE_T)size.QuadPart);
    if (buf && ReadFile(f, buf, (DWORD)size.QuadPart, &got, NULL) && got == size.QuadPart) {
        const IMAGE_DOS_HEADER *dos = (const IMAGE_DOS_HEADER *)buf;
        DWORD lfanew = dos->e_magic == IMAGE_DOS_SIGNATURE ? (DWORD)dos->e_lfanew : 0;
        if (lfanew && lfanew + sizeof(IMAGE_NT_HEADERS64) <= got) {
            const IMAGE_NT_HEADERS64 *nt = (const IMAGE_NT_HEADERS64 *)(buf + lfanew);
            const IMAGE_SECTION_HEADER *sec = IMAGE_FIRST_SECTION(nt);
            DWORD rsrc = nt->OptionalHeader.NumberOfRvaAndSizes > IMAGE_DIRECTORY_ENTRY_RESOURCE
                             ? nt->OptionalHeader.DataDirectory[IMAGE_DIRECTORY_ENTRY_RESOURCE]
                                   .VirtualAddress
                             : 0;
            for (WORD i = 0;
                 rsrc && nt->Signature == IMAGE_NT_SIGNATURE &&
                 i < nt->FileHeader.NumberOfSections && (const uint8_t *)(sec + i + 1) <= buf + got;
                 i++) {
                if (rsrc < sec[i].VirtualAddress ||
                    rsrc >= sec[i].VirtualAddress + sec[i].SizeOfRawData)
                    continue;
                DWORD start = sec[i].PointerToRawData, end = start + sec[i].SizeOfRawData;
                if (end > got || end < start)
                    break;
                for (DWORD o = (start + 3) & ~3u; o + 12 <= end; o += 4) {
                    DWORD sig, ms;
                    memcpy(&sig, buf + o, 4);
                    if (sig != 0xFEEF04BDu)
                        continue;
                    memcpy(&ms, buf + o + 8, 4); /* dwFileVersionMS: major << 16 | minor */
                    result = ms;
                    break;
                }
                break;
            }
        }
    }
    if (buf)
        HeapFree(GetProcessHeap(), 0, buf);
    CloseHandle(f);
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
