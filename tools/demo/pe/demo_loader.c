/*
 * dsvk-demo-loader.exe: dsvk-demo's Wine path. A PE program that loads the demo's asset set
 * the way a game does — through DirectStorage (dstorage.dll, which dsvk's shim makes Wine
 * take from dsvk) — or, for comparison, with plain Wine file reads (ReadFile) and a
 * DirectStorage compression codec on one thread. It checks every asset's CRC32 and prints
 * one JSON object; dsvk-demo runs it under Wine and reports it next to the native loads.
 *
 *   dsvk-demo-loader.exe dstorage|plain UNIX-ASSET-DIR
 *
 * Like a game, it is run from a folder that also holds a dstorage.dll standing in for the copy
 * of Microsoft's DLL a game ships (game_dstorage.c): that one answers 0x8badf00d, so a
 * factory that works proves Wine took dsvk's builtin dstorage.dll instead.
 *
 * Exit status: 0 every asset intact, 1 an asset failed or mismatched, 2 it could not run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dstorage_abi.h"

#define MAX_ASSETS 256
#define WAIT_MS (10 * 60 * 1000)

typedef struct asset {
    int gdeflate;
    unsigned long long size, stored;
    unsigned crc;
    char path[64];
    WCHAR dos_path[MAX_PATH];
} asset;

static asset assets[MAX_ASSETS];
static int n_assets;
static char problems[2048];

static void note_problem(const char *path, const char *what)
{
    size_t len = strlen(problems);
    snprintf(problems + len, sizeof(problems) - len, "%s%s: %s", len ? "; " : "", path, what);
}

static int fail(const char *msg)
{
    printf("{\"tool\":\"dsvk-demo-loader\",\"ran\":false,\"error\":\"%s\"}\n", msg);
    return 2;
}

/* The CRC-32 of zlib and libdeflate (reflected, polynomial 0xEDB88320). */
static unsigned crc32_of(const unsigned char *p, size_t n)
{
    static unsigned table[256];
    if (!table[1]) {
        for (unsigned i = 0; i < 256; i++) {
            unsigned c = i;
            for (int k = 0; k < 8; k++)
                c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[i] = c;
        }
    }
    unsigned c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++)
        c = table[(c ^ p[i]) & 0xFF] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

static double now_s(void)
{
    LARGE_INTEGER f, t;
    QueryPerformanceFrequency(&f);
    QueryPerformanceCounter(&t);
    return (double)t.QuadPart / (double)f.QuadPart;
}

/*
 * CPU time: Wine reports none for the unix process behind a Windows program (GetProcessTimes
 * gives 0, and /proc/self opened from here is wineserver's, which opens files for Wine). So
 * the loader marks the start and end of the timed load on stdout and idles briefly after each
 * mark; dsvk-demo, reading the output, samples the process's CPU time in /proc/PID/stat.
 */
static void mark(const char *what)
{
    printf("DSVK-DEMO-MARK %s\n", what);
    fflush(stdout);
    Sleep(300);
}

/* The unix asset folder as a DOS path, through Wine's kernel32. */
static int dos_dir(const char *unix_dir, WCHAR *out, size_t n)
{
    typedef WCHAR *(CDECL * to_dos_fn)(const char *);
    to_dos_fn to_dos = (to_dos_fn)(void *)GetProcAddress(GetModuleHandleW(L"kernel32.dll"),
                                                         "wine_get_dos_file_name");
    WCHAR *dos = to_dos ? to_dos(unix_dir) : NULL;
    if (!dos)
        return 0;
    _snwprintf(out, n, L"%ls", dos);
    out[n - 1] = 0;
    HeapFree(GetProcessHeap(), 0, dos);
    return 1;
}

static void *read_whole(const WCHAR *path, unsigned long long size)
{
    HANDLE h = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING,
                           FILE_ATTRIBUTE_NORMAL, NULL);
    if (h == INVALID_HANDLE_VALUE)
        return NULL;
    unsigned char *buf = malloc(size ? size : 1);
    unsigned long long done = 0;
    while (buf && done < size) {
        DWORD want = size - done > (1u << 30) ? (1u << 30) : (DWORD)(size - done), got = 0;
        if (!ReadFile(h, buf + done, want, &got, NULL) || got == 0) {
            free(buf);
            buf = NULL;
            break;
        }
        done += got;
    }
    CloseHandle(h);
    return buf;
}

static int read_manifest(const WCHAR *dir)
{
    WCHAR path[MAX_PATH];
    _snwprintf(path, MAX_PATH, L"%ls\\dsvk-demo.manifest", dir);
    HANDLE h = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    if (h == INVALID_HANDLE_VALUE)
        return 0;
    static char text[1 << 16];
    DWORD got = 0;
    BOOL ok = ReadFile(h, text, sizeof(text) - 1, &got, NULL);
    CloseHandle(h);
    if (!ok)
        return 0;
    text[got] = 0;
    char *line = strchr(text, '\n'); /* after the header line */
    while (line && *++line && n_assets < MAX_ASSETS) {
        char *end = strchr(line, '\n');
        if (end)
            *end = 0;
        asset *a = &assets[n_assets];
        char kind[32];
        if (sscanf(line, "%31s %d %llu %llu %x %63s", kind, &a->gdeflate, &a->size, &a->stored,
                   &a->crc, a->path) != 6)
            return 0;
        WCHAR rel[64];
        for (int i = 0; i < 64; i++)
            rel[i] = (WCHAR)(a->path[i] == '/' ? '\\' : a->path[i]);
        _snwprintf(a->dos_path, MAX_PATH, L"%ls\\%ls", dir, rel);
        n_assets++;
        line = end;
    }
    return n_assets > 0;
}

typedef struct result {
    double seconds;
    unsigned long long bytes_out;
    int ok, failed, mismatched;
} result;

static void verify(unsigned char **bufs, const int *failed, result *r)
{
    for (int i = 0; i < n_assets; i++) {
        if (failed[i])
            continue;
        if (crc32_of(bufs[i], assets[i].size) == assets[i].crc) {
            r->ok++;
            r->bytes_out += assets[i].size;
        } else {
            r->mismatched++;
            note_problem(assets[i].path, "CRC32 mismatch");
        }
    }
}

static int load_dstorage(HMODULE dll, unsigned char **bufs, int *failed, result *r)
{
    PFN_DStorageGetFactory get_factory =
        (PFN_DStorageGetFactory)(void *)GetProcAddress(dll, "DStorageGetFactory");
    IDStorageFactory *f = NULL;
    HRESULT hr = get_factory ? get_factory(&IID_IDStorageFactory, (void **)&f) : E_FAIL;
    if (hr == (HRESULT)0x8badf00d) {
        note_problem("dstorage.dll", "Wine loaded the game's own copy, not dsvk's");
        return 0;
    }
    if (hr != S_OK || !f)
        return 0;
    UINT16 capacity = (UINT16)(2 * n_assets + 2 < 128 ? 128 : 2 * n_assets + 2);
    DSTORAGE_QUEUE_DESC desc = {.SourceType = DSTORAGE_REQUEST_SOURCE_FILE,
                                .Capacity = capacity,
                                .Priority = DSTORAGE_PRIORITY_NORMAL,
                                .Name = "dsvk-demo"};
    IDStorageQueue1 *q = NULL;
    IDStorageStatusArray *st = NULL;
    HANDLE done = CreateEventW(NULL, TRUE, FALSE, NULL);
    if (f->lpVtbl->CreateQueue(f, &desc, &IID_IDStorageQueue1, (void **)&q) != S_OK ||
        f->lpVtbl->CreateStatusArray(f, (UINT32)n_assets, "dsvk-demo", &IID_IDStorageStatusArray,
                                     (void **)&st) != S_OK ||
        !done)
        return 0;
    IDStorageFile *files[MAX_ASSETS] = {0};

    mark("start");
    double t0 = now_s();
    for (int i = 0; i < n_assets; i++) {
        if (f->lpVtbl->OpenFile(f, assets[i].dos_path, &IID_IDStorageFile, (void **)&files[i]) !=
            S_OK) {
            failed[i] = 1;
            r->failed++;
            note_problem(assets[i].path, "OpenFile failed");
            continue;
        }
        DSTORAGE_REQUEST req;
        memset(&req, 0, sizeof(req));
        req.Options.CompressionFormat = assets[i].gdeflate ? DSTORAGE_COMPRESSION_FORMAT_GDEFLATE
                                                           : DSTORAGE_COMPRESSION_FORMAT_NONE;
        req.Options.SourceType = DSTORAGE_REQUEST_SOURCE_FILE;
        req.Options.DestinationType = DSTORAGE_REQUEST_DESTINATION_MEMORY;
        req.Source.File.Source = files[i];
        req.Source.File.Size = (UINT32)assets[i].stored;
        req.Destination.Memory.Buffer = bufs[i];
        req.Destination.Memory.Size = (UINT32)assets[i].size;
        req.UncompressedSize = (UINT32)assets[i].size;
        req.Name = assets[i].path;
        q->lpVtbl->EnqueueRequest(q, &req);
        q->lpVtbl->EnqueueStatus(q, st, (UINT32)i);
    }
    q->lpVtbl->EnqueueSetEvent(q, done);
    q->lpVtbl->Submit(q);
    DWORD w = WaitForSingleObject(done, WAIT_MS);
    r->seconds = now_s() - t0;
    mark("end");
    if (w != WAIT_OBJECT_0)
        return 0;
    for (int i = 0; i < n_assets; i++) {
        if (failed[i])
            continue;
        HRESULT status = st->lpVtbl->GetHResult(st, (UINT32)i);
        if (status != S_OK) {
            char what[64];
            snprintf(what, sizeof(what), "request failed (HRESULT %#lx)", (unsigned long)status);
            failed[i] = 1;
            r->failed++;
            note_problem(assets[i].path, what);
        }
    }
    for (int i = 0; i < n_assets; i++)
        if (files[i]) {
            files[i]->lpVtbl->Close(files[i]);
            files[i]->lpVtbl->Release(files[i]);
        }
    q->lpVtbl->Close(q);
    q->lpVtbl->Release(q);
    st->lpVtbl->Release(st);
    f->lpVtbl->Release(f);
    CloseHandle(done);
    return 1;
}

static int load_plain(HMODULE dll, unsigned char **bufs, int *failed, result *r)
{
    PFN_DStorageCreateCompressionCodec create =
        (PFN_DStorageCreateCompressionCodec)(void *)GetProcAddress(
            dll, "DStorageCreateCompressionCodec");
    IDStorageCompressionCodec *codec = NULL;
    HRESULT hr = create ? create(DSTORAGE_COMPRESSION_FORMAT_GDEFLATE, 1,
                                 &IID_IDStorageCompressionCodec, (void **)&codec)
                        : E_FAIL;
    if (hr == (HRESULT)0x8badf00d)
        note_problem("dstorage.dll", "Wine loaded the game's own copy, not dsvk's");
    if (hr != S_OK)
        return 0;
    mark("start");
    double t0 = now_s();
    for (int i = 0; i < n_assets; i++) {
        unsigned char *data = read_whole(assets[i].dos_path, assets[i].stored);
        if (!data) {
            failed[i] = 1;
            r->failed++;
            note_problem(assets[i].path, "ReadFile failed");
            continue;
        }
        if (!assets[i].gdeflate) {
            memcpy(bufs[i], data, assets[i].size);
        } else {
            size_t out = 0;
            HRESULT status = codec->lpVtbl->DecompressBuffer(codec, data, assets[i].stored, bufs[i],
                                                             assets[i].size, &out);
            if (status != S_OK || out != assets[i].size) {
                failed[i] = 1;
                r->failed++;
                note_problem(assets[i].path, "DecompressBuffer failed");
            }
        }
        free(data);
    }
    r->seconds = now_s() - t0;
    mark("end");
    codec->lpVtbl->Release(codec);
    return 1;
}

int main(int argc, char **argv)
{
    if (argc != 3 || (strcmp(argv[1], "dstorage") != 0 && strcmp(argv[1], "plain") != 0))
        return fail("usage: dsvk-demo-loader.exe dstorage|plain UNIX-ASSET-DIR");
    WCHAR dir[MAX_PATH];
    if (!dos_dir(argv[2], dir, MAX_PATH))
        return fail("not running under Wine (no wine_get_dos_file_name)");
    if (!read_manifest(dir))
        return fail("cannot read dsvk-demo.manifest in the asset folder");
    HMODULE dll = LoadLibraryW(L"dstorage.dll");
    if (!dll)
        return fail("dstorage.dll cannot be loaded");
    /* Where Wine says the DLL is (a builtin shows up in system32), for the report; as JSON:
     * ASCII with the backslashes doubled. */
    WCHAR wide[MAX_PATH] = L"";
    GetModuleFileNameW(dll, wide, MAX_PATH);
    char dll_path[2 * MAX_PATH + 1];
    size_t o = 0;
    for (size_t i = 0; wide[i] && o + 2 < sizeof(dll_path); i++) {
        if (wide[i] == L'\\' || wide[i] == L'"')
            dll_path[o++] = '\\';
        dll_path[o++] = wide[i] < 0x80 ? (char)wide[i] : '?';
    }
    dll_path[o] = 0;

    static unsigned char *bufs[MAX_ASSETS];
    static int failed[MAX_ASSETS];
    for (int i = 0; i < n_assets; i++) {
        bufs[i] = malloc(assets[i].size ? assets[i].size : 1);
        if (!bufs[i])
            return fail("out of memory");
        memset(bufs[i], 0xcd, assets[i].size); /* touched now, as a game's memory would be */
    }
    result r = {0};
    int dstorage = !strcmp(argv[1], "dstorage");
    int ran = dstorage ? load_dstorage(dll, bufs, failed, &r) : load_plain(dll, bufs, failed, &r);
    if (!ran)
        return fail(problems[0] ? problems
                    : dstorage  ? "DirectStorage could not run the load (factory, queue or wait)"
                                : "no GDeflate codec from dstorage.dll");
    verify(bufs, failed, &r);
    printf("{\"tool\":\"dsvk-demo-loader\",\"ran\":true,\"mode\":\"%s\",\"dll\":\"%s\","
           "\"assets\":%d,\"assets_ok\":%d,\"requests_failed\":%d,\"checksum_mismatches\":%d,"
           "\"seconds\":%.6f,\"bytes_out\":%llu,\"problems\":\"%s\"}\n",
           argv[1], dll_path, n_assets, r.ok, r.failed, r.mismatched, r.seconds, r.bytes_out,
           problems);
    return r.ok == n_assets ? 0 : 1;
}
