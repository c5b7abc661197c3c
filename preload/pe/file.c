/*
 * IDStorageFile: a file the core opened. The DOS path is turned into a unix path with
 * kernel32's wine_get_unix_file_name; the core then opens it natively (io_uring or pread).
 * Close() closes it at once (requests that have not started fail with
 * E_DSTORAGE_FILE_NOT_OPEN); the last Release closes it too.
 */
#include <string.h>

#include "pe.h"

typedef struct pe_file {
    IDStorageFile iface;
    LONG refs;
    SRWLOCK lock;
    uint64_t handle; /* 0 once closed */
} pe_file;

static const IDStorageFileVtbl file_vtbl;

static pe_file *impl(IDStorageFile *f)
{
    return (pe_file *)f;
}

uint64_t pe_file_handle(IDStorageFile *file)
{
    if (!file || file->lpVtbl != &file_vtbl)
        return 0; /* not ours: the request fails with E_DSTORAGE_FILE_NOT_OPEN */
    pe_file *f = impl(file);
    AcquireSRWLockShared(&f->lock);
    uint64_t h = f->handle;
    ReleaseSRWLockShared(&f->lock);
    return h;
}

static HRESULT STDMETHODCALLTYPE file_query_interface(IDStorageFile *This, REFIID riid, void **ppv)
{
    if (!ppv)
        return E_POINTER;
    *ppv = NULL;
    if (pe_iid_is(riid, &IID_IUnknown) || pe_iid_is(riid, &IID_IDStorageFile)) {
        This->lpVtbl->AddRef(This);
        *ppv = This;
        return S_OK;
    }
    return E_NOINTERFACE;
}

static ULONG STDMETHODCALLTYPE file_add_ref(IDStorageFile *This)
{
    return (ULONG)InterlockedIncrement(&impl(This)->refs);
}

static void STDMETHODCALLTYPE file_close(IDStorageFile *This)
{
    pe_file *f = impl(This);
    AcquireSRWLockExclusive(&f->lock);
    uint64_t h = f->handle;
    f->handle = 0;
    ReleaseSRWLockExclusive(&f->lock);
    if (h) {
        dsvk_wire_handle a = {h};
        pe_call(DSVK_WIRE_OP_FILE_CLOSE, &a, sizeof(a));
    }
}

static ULONG STDMETHODCALLTYPE file_release(IDStorageFile *This)
{
    LONG r = InterlockedDecrement(&impl(This)->refs);
    if (r == 0) {
        file_close(This);
        HeapFree(GetProcessHeap(), 0, impl(This));
    }
    return (ULONG)r;
}

static FILETIME filetime_of_unix_ns(int64_t ns)
{
    /* 100 ns ticks since 1601-01-01. */
    uint64_t t = (uint64_t)(ns / 100) + 116444736000000000ull;
    FILETIME ft = {(DWORD)t, (DWORD)(t >> 32)};
    return ft;
}

static HRESULT STDMETHODCALLTYPE file_get_information(IDStorageFile *This,
                                                      BY_HANDLE_FILE_INFORMATION *info)
{
    if (!info)
        return E_POINTER;
    dsvk_wire_file_info a;
    memset(&a, 0, sizeof(a));
    a.handle = pe_file_handle(This);
    if (!a.handle)
        return E_DSTORAGE_FILE_NOT_OPEN;
    int32_t st = pe_call(DSVK_WIRE_OP_FILE_INFO, &a, sizeof(a));
    if (st != DSVK_WIRE_R_OK)
        return st == DSVK_WIRE_E_HANDLE ? E_DSTORAGE_FILE_NOT_OPEN : pe_hresult(st);
    memset(info, 0, sizeof(*info));
    /* What stat() knows, in Win32 terms: the inode is the file index, the device the
     * volume serial number, mtime stands for the three times. */
    info->dwFileAttributes = FILE_ATTRIBUTE_ARCHIVE;
    info->ftCreationTime = info->ftLastAccessTime = info->ftLastWriteTime =
        filetime_of_unix_ns(a.mtime_ns);
    info->dwVolumeSerialNumber = (DWORD)(a.device ^ (a.device >> 32));
    info->nFileSizeHigh = (DWORD)(a.size >> 32);
    info->nFileSizeLow = (DWORD)a.size;
    info->nNumberOfLinks = 1;
    info->nFileIndexHigh = (DWORD)(a.inode >> 32);
    info->nFileIndexLow = (DWORD)a.inode;
    return S_OK;
}

static const IDStorageFileVtbl file_vtbl = {
    file_query_interface, file_add_ref, file_release, file_close, file_get_information,
};

HRESULT pe_file_open(const WCHAR *path, REFIID riid, void **ppv)
{
    WCHAR full[MAX_PATH * 4];
    DWORD n = GetFullPathNameW(path, sizeof(full) / sizeof(full[0]), full, NULL);
    if (!n || n >= sizeof(full) / sizeof(full[0]))
        return HRESULT_FROM_WIN32(ERROR_PATH_NOT_FOUND);
    char *unix_path = pe_unix_path(full);
    if (!unix_path)
        return HRESULT_FROM_WIN32(ERROR_PATH_NOT_FOUND);
    dsvk_wire_file_open a;
    memset(&a, 0, sizeof(a));
    a.path = (uint64_t)(uintptr_t)unix_path;
    a.path_len = (uint32_t)strlen(unix_path);
    int32_t st = a.path_len < DSVK_WIRE_PATH_MAX ? pe_call(DSVK_WIRE_OP_FILE_OPEN, &a, sizeof(a))
                                                 : DSVK_WIRE_R_INVALID_ARGUMENT;
    HeapFree(GetProcessHeap(), 0, unix_path);
    if (st == DSVK_WIRE_R_FILE_NOT_OPEN)
        return pe_hresult_from_errno(a.err_no);
    if (st != DSVK_WIRE_R_OK)
        return pe_hresult(st);

    pe_file *f = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(*f));
    if (!f) {
        dsvk_wire_handle c = {a.handle};
        pe_call(DSVK_WIRE_OP_FILE_CLOSE, &c, sizeof(c));
        return E_OUTOFMEMORY;
    }
    f->iface.lpVtbl = &file_vtbl;
    f->refs = 1;
    InitializeSRWLock(&f->lock);
    f->handle = a.handle;
    HRESULT hr = file_query_interface(&f->iface, riid, ppv);
    file_release(&f->iface);
    return hr;
}
