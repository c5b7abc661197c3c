/*
 * The channel to libdsvk_preload.so.
 *
 * Finding it: the shim exports the unix path of this process's channel as DSVK_CHANNEL. A
 * Win32 child process inherits its parent's Win32 environment, though, so the variable may
 * name the parent's channel (checked on Wine 8.0: a child sees its parent's value). So the
 * PE side asks: it writes a LOCATE call to the file DSVK_CHANNEL names (or, if that is gone,
 * to a scratch file) and the shim of *this* process answers whether that file is its
 * channel and, if not, which file is. No answer at all means no shim in this process.
 *
 * Every call is one write of a dsvk_wire_header with an explicit offset on the synchronous
 * handle: Wine then makes exactly one pwrite(), which the shim serves. The write is
 * ntdll's NtWriteFile with no event, APC or completion value, not kernel32's WriteFile:
 * WriteFile with an OVERLAPPED passes it as a completion value, and Wine 8.0 then posts a
 * completion to the server (a round trip, ~140 us here) on every call. The completion
 * thread reads through a second handle, so a blocked read never sits in front of a call on
 * the same file object.
 */
#include <stdio.h>
#include <string.h>

#include <winternl.h>

#include "pe.h"

typedef NTSTATUS(NTAPI *nt_io_fn)(HANDLE file, HANDLE event, void *apc, void *apc_context,
                                  IO_STATUS_BLOCK *io, void *buffer, ULONG length,
                                  LARGE_INTEGER *offset, ULONG *key);
static nt_io_fn nt_write_file, nt_read_file;

static bool resolve_nt_io(void)
{
    HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
    if (!ntdll)
        return false;
    nt_write_file = (nt_io_fn)(void *)GetProcAddress(ntdll, "NtWriteFile");
    nt_read_file = (nt_io_fn)(void *)GetProcAddress(ntdll, "NtReadFile");
    return nt_write_file && nt_read_file;
}

/* One pwrite()/pread() at offset 0; the byte count, or -1. */
static LONG_PTR channel_io(nt_io_fn fn, HANDLE file, void *buf, ULONG len)
{
    IO_STATUS_BLOCK io;
    LARGE_INTEGER offset;
    offset.QuadPart = 0;
    NTSTATUS st = fn(file, NULL, NULL, NULL, &io, buf, len, &offset, NULL);
    return st >= 0 ? (LONG_PTR)io.Information : -1;
}

typedef char *(CDECL *unix_name_fn)(LPCWSTR dos);
typedef WCHAR *(CDECL *dos_name_fn)(LPCSTR unix_path);

static SRWLOCK lock = SRWLOCK_INIT;
static HANDLE call_handle = INVALID_HANDLE_VALUE;
static HANDLE read_handle = INVALID_HANDLE_VALUE;
static HRESULT open_result = S_FALSE; /* S_FALSE: not tried yet */
static HRESULT runtime_result = S_FALSE;

static FARPROC kernel32_export(const char *name)
{
    HMODULE k32 = GetModuleHandleW(L"kernel32.dll");
    return k32 ? GetProcAddress(k32, name) : NULL;
}

char *pe_unix_path(const WCHAR *dos_path)
{
    unix_name_fn fn = (unix_name_fn)(void *)kernel32_export("wine_get_unix_file_name");
    return fn ? fn(dos_path) : NULL;
}

WCHAR *pe_dos_path(const char *unix_path)
{
    dos_name_fn fn = (dos_name_fn)(void *)kernel32_export("wine_get_dos_file_name");
    return fn ? fn(unix_path) : NULL;
}

static void init_header(dsvk_wire_header *h, uint32_t opcode, void *args, uint32_t size)
{
    memset(h, 0, sizeof(*h));
    h->magic = DSVK_WIRE_MAGIC;
    h->version = DSVK_WIRE_VERSION;
    h->header_size = sizeof(*h);
    h->status = DSVK_WIRE_S_UNANSWERED;
    h->opcode = opcode;
    h->args_size = size;
    h->args = (uint64_t)(uintptr_t)args;
}

static int32_t call_on(HANDLE file, uint32_t opcode, void *args, uint32_t size, uint16_t *version)
{
    dsvk_wire_header h;
    init_header(&h, opcode, args, size);
    if (channel_io(nt_write_file, file, &h, sizeof(h)) < 0) {
        pe_log_error("channel write failed");
        return DSVK_WIRE_S_UNANSWERED;
    }
    if (version)
        *version = h.version;
    return h.status;
}

int32_t pe_call(uint32_t opcode, void *args, uint32_t args_size)
{
    if (call_handle == INVALID_HANDLE_VALUE)
        return DSVK_WIRE_E_NO_RUNTIME;
    int32_t st = call_on(call_handle, opcode, args, args_size, NULL);
    if (st == DSVK_WIRE_S_UNANSWERED)
        pe_log_error("opcode %u: no answer from libdsvk_preload.so", opcode);
    else if (st <= DSVK_WIRE_E_VERSION && st > DSVK_WIRE_E_VERSION - 100 &&
             st != DSVK_WIRE_E_NO_CORE && st != DSVK_WIRE_E_NO_RUNTIME)
        pe_log_error("opcode %u: transport error %d", opcode, (int)st); /* a bug or a mismatch */
    return st;
}

int32_t pe_read_completions(dsvk_wire_completion *out, uint32_t max)
{
    struct {
        dsvk_wire_header h;
        dsvk_wire_completion records[DSVK_WIRE_MAX_COMPLETIONS];
    } buf;
    if (max > DSVK_WIRE_MAX_COMPLETIONS)
        max = DSVK_WIRE_MAX_COMPLETIONS;
    init_header(&buf.h, DSVK_WIRE_OP_COMPLETIONS, NULL, 0);
    ULONG size = (ULONG)(sizeof(buf.h) + max * sizeof(dsvk_wire_completion));
    LONG_PTR got = channel_io(nt_read_file, read_handle, &buf, size);
    if (got < (LONG_PTR)sizeof(buf.h))
        return -1;
    if (buf.h.status < 0 || buf.h.status == DSVK_WIRE_S_UNANSWERED)
        return -1;
    uint32_t n = (uint32_t)buf.h.status;
    if (n > max || (size_t)got < sizeof(buf.h) + n * sizeof(dsvk_wire_completion))
        return -1;
    memcpy(out, buf.records, n * sizeof(dsvk_wire_completion));
    return (int32_t)n;
}

static HANDLE open_unix_file(const char *unix_path)
{
    WCHAR *dos = pe_dos_path(unix_path);
    if (!dos)
        return INVALID_HANDLE_VALUE;
    HANDLE h = CreateFileW(dos, GENERIC_READ | GENERIC_WRITE,
                           FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                           OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
    HeapFree(GetProcessHeap(), 0, dos);
    return h;
}

/* A file to send LOCATE to when DSVK_CHANNEL names nothing that can be opened. */
static HANDLE open_scratch_file(void)
{
    WCHAR dir[MAX_PATH], name[MAX_PATH];
    if (!GetTempPathW(MAX_PATH, dir) || !GetTempFileNameW(dir, L"dsv", 0, name))
        return INVALID_HANDLE_VALUE;
    return CreateFileW(name, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
                       OPEN_EXISTING, FILE_FLAG_DELETE_ON_CLOSE, NULL);
}

static HRESULT fail(const char *why)
{
    pe_log_error("DirectStorage is unavailable: %s", why);
    return E_DSTORAGE_NOT_RUNNING;
}

static HRESULT open_locked(void)
{
    if (!resolve_nt_io())
        return fail("ntdll has no NtWriteFile/NtReadFile");
    if (!kernel32_export("wine_get_unix_file_name") || !kernel32_export("wine_get_dos_file_name"))
        return fail("kernel32 has no wine_get_unix_file_name: this dstorage.dll only runs "
                    "under Wine/Proton");
    WCHAR wpath[DSVK_WIRE_PATH_MAX];
    char path[DSVK_WIRE_PATH_MAX * 3];
    DWORD n = GetEnvironmentVariableW(L"DSVK_CHANNEL", wpath, DSVK_WIRE_PATH_MAX);
    if (n == 0 || n >= DSVK_WIRE_PATH_MAX)
        return fail("DSVK_CHANNEL is not set: libdsvk_preload.so is not preloaded into this "
                    "process (add it to LD_PRELOAD)");
    if (!WideCharToMultiByte(CP_UTF8, 0, wpath, -1, path, sizeof(path), NULL, NULL))
        return fail("DSVK_CHANNEL cannot be converted to a unix path");

    HANDLE h = open_unix_file(path);
    if (h == INVALID_HANDLE_VALUE)
        h = open_scratch_file(); /* e.g. an inherited DSVK_CHANNEL of a parent that exited */
    if (h == INVALID_HANDLE_VALUE)
        return fail("cannot open the channel file named by DSVK_CHANNEL or a scratch file");

    dsvk_wire_locate *loc = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(*loc));
    if (!loc) {
        CloseHandle(h);
        return E_OUTOFMEMORY;
    }
    HRESULT hr = S_OK;
    uint16_t version = 0;
    for (int attempt = 0; attempt < 2; attempt++) {
        int32_t st = call_on(h, DSVK_WIRE_OP_LOCATE, loc, sizeof(*loc), &version);
        if (st == DSVK_WIRE_S_UNANSWERED) {
            hr = fail("no answer from libdsvk_preload.so (it is not preloaded into this "
                      "process: add it to LD_PRELOAD)");
            break;
        }
        if (st == DSVK_WIRE_E_VERSION) {
            char why[160];
            snprintf(why, sizeof(why),
                     "libdsvk_preload.so speaks wire version %u, this dstorage.dll %u: they "
                     "come from different dsvk builds",
                     (unsigned)version, (unsigned)DSVK_WIRE_VERSION);
            hr = fail(why);
            break;
        }
        if (st != DSVK_WIRE_R_OK) {
            hr = fail("the channel refused LOCATE");
            break;
        }
        if (loc->is_channel) {
            call_handle = h;
            h = INVALID_HANDLE_VALUE;
            break;
        }
        /* DSVK_CHANNEL was another process's channel: open the one the shim named. */
        loc->path[sizeof(loc->path) - 1] = 0;
        CloseHandle(h);
        h = open_unix_file(loc->path);
        if (h == INVALID_HANDLE_VALUE) {
            hr = fail("cannot open the channel file the shim names");
            break;
        }
    }
    if (h != INVALID_HANDLE_VALUE)
        CloseHandle(h);
    if (SUCCEEDED(hr) && call_handle == INVALID_HANDLE_VALUE)
        hr = fail("the shim did not confirm the channel");
    if (SUCCEEDED(hr)) {
        read_handle = open_unix_file(loc->path);
        if (read_handle == INVALID_HANDLE_VALUE) {
            CloseHandle(call_handle);
            call_handle = INVALID_HANDLE_VALUE;
            hr = fail("cannot open the channel a second time for completions");
        } else {
            pe_log_info("channel %s (unix pid %u)", loc->path, (unsigned)loc->pid);
        }
    }
    HeapFree(GetProcessHeap(), 0, loc);
    return hr;
}

HRESULT pe_channel_open(void)
{
    AcquireSRWLockExclusive(&lock);
    if (open_result == S_FALSE)
        open_result = open_locked();
    HRESULT hr = open_result;
    ReleaseSRWLockExclusive(&lock);
    return hr;
}

static HRESULT hello_locked(void)
{
    dsvk_wire_hello *hello = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(*hello));
    if (!hello)
        return E_OUTOFMEMORY;
    pe_config_get(&hello->config);
    int32_t st = pe_call(DSVK_WIRE_OP_HELLO, hello, sizeof(*hello));
    HRESULT hr = S_OK;
    hello->message[sizeof(hello->message) - 1] = 0;
    hello->core_version[sizeof(hello->core_version) - 1] = 0;
    if (st == DSVK_WIRE_R_OK)
        pe_log_info("dsvk core %s", hello->core_version);
    else
        hr = fail(hello->message[0] ? hello->message : "the unix side could not start dsvk");
    HeapFree(GetProcessHeap(), 0, hello);
    return hr;
}

HRESULT pe_runtime_start(void)
{
    HRESULT hr = pe_channel_open();
    if (FAILED(hr))
        return hr;
    AcquireSRWLockExclusive(&lock);
    if (runtime_result == S_FALSE)
        runtime_result = hello_locked();
    hr = runtime_result;
    ReleaseSRWLockExclusive(&lock);
    return hr;
}

bool pe_runtime_started(void)
{
    AcquireSRWLockShared(&lock);
    bool started = runtime_result == S_OK;
    ReleaseSRWLockShared(&lock);
    return started;
}

void pe_channel_close(void)
{
    AcquireSRWLockExclusive(&lock);
    if (call_handle != INVALID_HANDLE_VALUE)
        CloseHandle(call_handle);
    if (read_handle != INVALID_HANDLE_VALUE)
        CloseHandle(read_handle);
    call_handle = read_handle = INVALID_HANDLE_VALUE;
    open_result = runtime_result = S_FALSE;
    ReleaseSRWLockExclusive(&lock);
}
