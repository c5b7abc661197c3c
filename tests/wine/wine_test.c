/* Support for the PE test programs (see wine_test.h). */
#include <stdlib.h>
#include <string.h>

#include "wine_test.h"

int wt_failures;
int wt_checks;
static const char *test_name = "test";

void wt_begin(const char *name)
{
    test_name = name;
    setvbuf(stdout, NULL, _IONBF, 0);
    printf("== %s\n", name);
}

int wt_end(void)
{
    printf("== %s: %d checks, %d failed: %s\n", test_name, wt_checks, wt_failures,
           wt_failures ? "FAIL" : "PASS");
    return wt_failures ? 1 : 0;
}

void wt_exit(void)
{
    wt_end();
    exit(1);
}

bool wt_report(bool ok, const char *file, int line, const char *expr, const char *fmt, ...)
{
    wt_checks++;
    if (ok)
        return true;
    wt_failures++;
    const char *base = strrchr(file, '/');
    printf("FAIL %s:%d: %s: ", base ? base + 1 : file, line, expr);
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
    return false;
}

IDStorageFactory *wt_factory(void)
{
    IDStorageFactory *f = NULL;
    HRESULT hr = DStorageGetFactory(&IID_IDStorageFactory, (void **)&f);
    /* The dummy dstorage.dll next to the test returns 0x8badf00d: seeing it means Wine
     * loaded the game's copy instead of ours. */
    REQUIRE(hr != (HRESULT)0x8badf00d, "the game's own dstorage.dll was loaded, not dsvk's");
    REQUIRE(hr == S_OK && f, "DStorageGetFactory = %#lx", (unsigned long)hr);
    return f;
}

void wt_path(WCHAR *out, size_t n, const WCHAR *name)
{
    WCHAR dir[MAX_PATH];
    DWORD len = GetModuleFileNameW(NULL, dir, MAX_PATH);
    WCHAR *slash = len ? wcsrchr(dir, L'\\') : NULL;
    if (slash)
        slash[1] = 0;
    else
        dir[0] = 0;
    _snwprintf(out, n, L"%ls%ls", dir, name);
    out[n - 1] = 0;
}

void wt_write_file(const WCHAR *name, const void *data, size_t size)
{
    WCHAR path[MAX_PATH];
    wt_path(path, MAX_PATH, name);
    HANDLE h =
        CreateFileW(path, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    REQUIRE(h != INVALID_HANDLE_VALUE, "create %ls: %lu", path, GetLastError());
    const uint8_t *p = data;
    while (size) {
        DWORD chunk = size > (1u << 30) ? (1u << 30) : (DWORD)size, done = 0;
        REQUIRE(WriteFile(h, p, chunk, &done, NULL) && done == chunk, "write %ls", path);
        p += done;
        size -= done;
    }
    CloseHandle(h);
}

void wt_fill(uint8_t *buf, size_t size, uint32_t seed, uint64_t offset)
{
    for (size_t i = 0; i < size; i++) {
        uint64_t x = (offset + i) * 0x9e3779b97f4a7c15ull ^ ((uint64_t)seed << 32 | seed);
        x ^= x >> 29;
        buf[i] = (uint8_t)(x * 0xbf58476d1ce4e5b9ull >> 56);
    }
}

void *wt_read_whole(const WCHAR *path, size_t *size)
{
    HANDLE h = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    if (h == INVALID_HANDLE_VALUE)
        return NULL;
    LARGE_INTEGER sz;
    if (!GetFileSizeEx(h, &sz)) {
        CloseHandle(h);
        return NULL;
    }
    void *buf = malloc(sz.QuadPart ? (size_t)sz.QuadPart : 1);
    DWORD got = 0;
    if (buf && sz.QuadPart &&
        (!ReadFile(h, buf, (DWORD)sz.QuadPart, &got, NULL) || got != (DWORD)sz.QuadPart)) {
        free(buf);
        buf = NULL;
    }
    CloseHandle(h);
    *size = (size_t)sz.QuadPart;
    return buf;
}

void wt_vectors_dir(WCHAR *out, size_t n)
{
    char unix_dir[1024];
    DWORD len = GetEnvironmentVariableA("DSVK_VECTORS", unix_dir, sizeof(unix_dir));
    REQUIRE(len > 0 && len < sizeof(unix_dir),
            "DSVK_VECTORS is not set: the GDeflate vectors (/work/shared/gdeflate-vectors) are "
            "needed");
    typedef WCHAR *(CDECL * dos_fn)(const char *);
    dos_fn to_dos =
        (dos_fn)(void *)GetProcAddress(GetModuleHandleW(L"kernel32.dll"), "wine_get_dos_file_name");
    REQUIRE(to_dos != NULL, "not running under Wine");
    WCHAR *dos = to_dos(unix_dir);
    REQUIRE(dos != NULL, "cannot convert %s", unix_dir);
    _snwprintf(out, n, L"%ls", dos);
    out[n - 1] = 0;
    HeapFree(GetProcessHeap(), 0, dos);
    DWORD attr = GetFileAttributesW(out);
    REQUIRE(attr != INVALID_FILE_ATTRIBUTES && (attr & FILE_ATTRIBUTE_DIRECTORY),
            "DSVK_VECTORS=%s does not exist", unix_dir);
}

bool wt_wait_status(IDStorageStatusArray *a, UINT32 index, DWORD timeout_ms)
{
    DWORD start = GetTickCount();
    while (!a->lpVtbl->IsComplete(a, index)) {
        if (GetTickCount() - start > timeout_ms)
            return false;
        Sleep(1);
    }
    return true;
}

/* --- the test fence --- */

#define WT_FENCE_HISTORY 4096
#define WT_FENCE_WAITERS 16

struct wt_fence {
    ID3D12Fence iface;
    LONG refs;
    CRITICAL_SECTION lock;
    UINT64 value;
    UINT64 history[WT_FENCE_HISTORY];
    uint32_t n_history;
    struct {
        UINT64 value;
        HANDLE event;
    } waiters[WT_FENCE_WAITERS];
    uint32_t n_waiters;
};

/* ID3D12Fence's IID (d3d12.h declares it; mingw's libuuid does not define it). */
static const IID iid_fence = {
    0x0a753dcf, 0xc4d8, 0x4b91, {0xad, 0xf6, 0xbe, 0x5a, 0x60, 0xd9, 0x5a, 0x76}};

static wt_fence *fence_impl(ID3D12Fence *f)
{
    return (wt_fence *)f;
}

static HRESULT STDMETHODCALLTYPE fence_qi(ID3D12Fence *This, REFIID riid, void **ppv)
{
    if (IsEqualGUID(riid, &IID_IUnknown) || IsEqualGUID(riid, &iid_fence)) {
        This->lpVtbl->AddRef(This);
        *ppv = This;
        return S_OK;
    }
    *ppv = NULL;
    return E_NOINTERFACE;
}

static ULONG STDMETHODCALLTYPE fence_add_ref(ID3D12Fence *This)
{
    return (ULONG)InterlockedIncrement(&fence_impl(This)->refs);
}

static ULONG STDMETHODCALLTYPE fence_release(ID3D12Fence *This)
{
    /* Test fences live until the process ends; the count is what the tests look at. */
    return (ULONG)InterlockedDecrement(&fence_impl(This)->refs);
}

static HRESULT STDMETHODCALLTYPE fence_get_private_data(ID3D12Fence *This, REFGUID g, UINT *s,
                                                        void *d)
{
    (void)This, (void)g, (void)s, (void)d;
    return DXGI_ERROR_NOT_FOUND;
}

static HRESULT STDMETHODCALLTYPE fence_set_private_data(ID3D12Fence *This, REFGUID g, UINT s,
                                                        const void *d)
{
    (void)This, (void)g, (void)s, (void)d;
    return E_NOTIMPL;
}

static HRESULT STDMETHODCALLTYPE fence_set_private_data_interface(ID3D12Fence *This, REFGUID g,
                                                                  const IUnknown *d)
{
    (void)This, (void)g, (void)d;
    return E_NOTIMPL;
}

static HRESULT STDMETHODCALLTYPE fence_set_name(ID3D12Fence *This, const WCHAR *name)
{
    (void)This, (void)name;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE fence_get_device(ID3D12Fence *This, REFIID riid, void **dev)
{
    (void)This, (void)riid;
    *dev = NULL;
    return E_NOINTERFACE;
}

static UINT64 STDMETHODCALLTYPE fence_get_completed_value(ID3D12Fence *This)
{
    wt_fence *f = fence_impl(This);
    EnterCriticalSection(&f->lock);
    UINT64 v = f->value;
    LeaveCriticalSection(&f->lock);
    return v;
}

static HRESULT STDMETHODCALLTYPE fence_set_event_on_completion(ID3D12Fence *This, UINT64 value,
                                                               HANDLE event)
{
    wt_fence *f = fence_impl(This);
    EnterCriticalSection(&f->lock);
    HRESULT hr = S_OK;
    if (f->value >= value)
        SetEvent(event);
    else if (f->n_waiters < WT_FENCE_WAITERS) {
        f->waiters[f->n_waiters].value = value;
        f->waiters[f->n_waiters].event = event;
        f->n_waiters++;
    } else
        hr = E_OUTOFMEMORY;
    LeaveCriticalSection(&f->lock);
    return hr;
}

static HRESULT STDMETHODCALLTYPE fence_signal(ID3D12Fence *This, UINT64 value)
{
    wt_fence *f = fence_impl(This);
    EnterCriticalSection(&f->lock);
    f->value = value;
    if (f->n_history < WT_FENCE_HISTORY)
        f->history[f->n_history++] = value;
    for (uint32_t i = 0; i < f->n_waiters;) {
        if (f->waiters[i].value <= value) {
            SetEvent(f->waiters[i].event);
            f->waiters[i] = f->waiters[--f->n_waiters];
        } else {
            i++;
        }
    }
    LeaveCriticalSection(&f->lock);
    return S_OK;
}

static const ID3D12FenceVtbl fence_vtbl = {
    fence_qi,
    fence_add_ref,
    fence_release,
    fence_get_private_data,
    fence_set_private_data,
    fence_set_private_data_interface,
    fence_set_name,
    fence_get_device,
    fence_get_completed_value,
    fence_set_event_on_completion,
    fence_signal,
};

wt_fence *wt_fence_create(void)
{
    wt_fence *f = calloc(1, sizeof(*f));
    REQUIRE(f != NULL, "out of memory");
    f->iface.lpVtbl = (ID3D12FenceVtbl *)&fence_vtbl;
    f->refs = 1;
    InitializeCriticalSection(&f->lock);
    return f;
}

ID3D12Fence *wt_fence_iface(wt_fence *f)
{
    return &f->iface;
}

UINT64 wt_fence_value(wt_fence *f)
{
    return fence_get_completed_value(&f->iface);
}

uint32_t wt_fence_history(wt_fence *f, UINT64 *out, uint32_t max)
{
    EnterCriticalSection(&f->lock);
    uint32_t n = f->n_history;
    for (uint32_t i = 0; i < n && i < max; i++)
        out[i] = f->history[i];
    LeaveCriticalSection(&f->lock);
    return n;
}

bool wt_fence_wait(wt_fence *f, UINT64 value, DWORD timeout_ms)
{
    DWORD start = GetTickCount();
    while (wt_fence_value(f) < value) {
        if (GetTickCount() - start > timeout_ms)
            return false;
        Sleep(1);
    }
    return true;
}

LONG wt_fence_refs(wt_fence *f)
{
    return InterlockedCompareExchange(&f->refs, 0, 0);
}
