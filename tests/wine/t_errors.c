/*
 * Failures as DirectStorage reports them: CreateQueue's checks (capacity, priority, the
 * memory-queue priority rule), OpenFile of a missing file, and queue failures through status
 * entries (first failure since the previous status entry), the error event and
 * RetrieveErrorRecord (the first failure, naming the file and the request).
 */
#include <stdlib.h>
#include <string.h>

#include "wine_test.h"

static HRESULT create(IDStorageFactory *f, UINT64 source, UINT16 capacity, DSTORAGE_PRIORITY p,
                      ID3D12Device *device, IDStorageQueue **out)
{
    DSTORAGE_QUEUE_DESC d = {.SourceType = source,
                             .Capacity = capacity,
                             .Priority = p,
                             .Name = "errors",
                             .Device = device};
    *out = NULL;
    return f->lpVtbl->CreateQueue(f, &d, &IID_IDStorageQueue, (void **)out);
}

static void test_create_checks(IDStorageFactory *f)
{
    IDStorageQueue *q;
    CHECK_HR(create(f, DSTORAGE_REQUEST_SOURCE_FILE, 0, 0, NULL, &q),
             E_DSTORAGE_INVALID_QUEUE_CAPACITY);
    CHECK(q == NULL, "no queue on failure");
    CHECK_HR(create(f, DSTORAGE_REQUEST_SOURCE_FILE, 127, 0, NULL, &q),
             E_DSTORAGE_INVALID_QUEUE_CAPACITY);
    CHECK_HR(create(f, DSTORAGE_REQUEST_SOURCE_FILE, 8193, 0, NULL, &q),
             E_DSTORAGE_INVALID_QUEUE_CAPACITY);
    CHECK_HR(create(f, DSTORAGE_REQUEST_SOURCE_FILE, 128, 3, NULL, &q),
             E_DSTORAGE_INVALID_QUEUE_PRIORITY);
    CHECK_HR(create(f, DSTORAGE_REQUEST_SOURCE_FILE, 128, -2, NULL, &q),
             E_DSTORAGE_INVALID_QUEUE_PRIORITY);
    CHECK_HR(create(f, DSTORAGE_REQUEST_SOURCE_MEMORY, 128, DSTORAGE_PRIORITY_NORMAL, NULL, &q),
             E_DSTORAGE_INVALID_MEMORY_QUEUE_PRIORITY);
    CHECK_HR(create(f, DSTORAGE_REQUEST_SOURCE_MEMORY, 128, DSTORAGE_PRIORITY_HIGH, NULL, &q),
             E_DSTORAGE_INVALID_MEMORY_QUEUE_PRIORITY);
    CHECK_HR(create(f, 7, 128, DSTORAGE_PRIORITY_NORMAL, NULL, &q), E_DSTORAGE_INVALID_SOURCE_TYPE);
    CHECK_HR(create(f, DSTORAGE_REQUEST_SOURCE_FILE, 8192, DSTORAGE_PRIORITY_LOW, NULL, &q), S_OK);
    if (q)
        q->lpVtbl->Release(q); /* Release without Close closes it */
    WCHAR path[MAX_PATH];
    wt_path(path, MAX_PATH, L"no such file.bin");
    IDStorageFile *file = (IDStorageFile *)1;
    CHECK_HR(f->lpVtbl->OpenFile(f, path, &IID_IDStorageFile, (void **)&file),
             HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND));
    CHECK(file == NULL, "no file on failure");
}

static void request(DSTORAGE_REQUEST *r, IDStorageFile *file, UINT64 off, UINT32 size, void *dst,
                    const char *name)
{
    memset(r, 0, sizeof(*r));
    r->Options.SourceType = DSTORAGE_REQUEST_SOURCE_FILE;
    r->Options.DestinationType = DSTORAGE_REQUEST_DESTINATION_MEMORY;
    r->Source.File.Source = file;
    r->Source.File.Offset = off;
    r->Source.File.Size = size;
    r->Destination.Memory.Buffer = dst;
    r->Destination.Memory.Size = size;
    r->Name = name;
}

static bool ends_with(const WCHAR *s, const WCHAR *tail)
{
    size_t a = wcslen(s), b = wcslen(tail);
    return a >= b && !_wcsicmp(s + a - b, tail);
}

static void test_queue_failures(IDStorageFactory *f)
{
    uint8_t data[1000];
    wt_fill(data, sizeof(data), 9, 0);
    wt_write_file(L"eof.bin", data, sizeof(data));
    WCHAR path[MAX_PATH];
    wt_path(path, MAX_PATH, L"eof.bin");
    IDStorageFile *file = NULL;
    CHECK_HR(f->lpVtbl->OpenFile(f, path, &IID_IDStorageFile, (void **)&file), S_OK);
    REQUIRE(file != NULL, "open");
    IDStorageQueue *q;
    CHECK_HR(create(f, DSTORAGE_REQUEST_SOURCE_FILE, 256, DSTORAGE_PRIORITY_NORMAL, NULL, &q),
             S_OK);
    REQUIRE(q != NULL, "queue");
    IDStorageStatusArray *st = NULL;
    f->lpVtbl->CreateStatusArray(f, 4, "errors", &IID_IDStorageStatusArray, (void **)&st);
    REQUIRE(st != NULL, "status array");
    HANDLE err = q->lpVtbl->GetErrorEvent(q);
    REQUIRE(err != NULL, "error event");
    CHECK(WaitForSingleObject(err, 0) == WAIT_TIMEOUT, "no error yet");

    /* ok, past EOF ("first bad"), past EOF ("second bad"), ok | status 0 | ok | status 1 */
    static uint8_t out[4][1000];
    DSTORAGE_REQUEST r;
    request(&r, file, 0, 500, out[0], "good");
    q->lpVtbl->EnqueueRequest(q, &r);
    request(&r, file, 900, 200, out[1], "first bad");
    q->lpVtbl->EnqueueRequest(q, &r);
    request(&r, file, 999, 2, out[2], "second bad");
    q->lpVtbl->EnqueueRequest(q, &r);
    request(&r, file, 500, 500, out[0] + 500, "good too");
    q->lpVtbl->EnqueueRequest(q, &r);
    q->lpVtbl->EnqueueStatus(q, st, 0);
    request(&r, file, 0, 1000, out[3], "after");
    q->lpVtbl->EnqueueRequest(q, &r);
    q->lpVtbl->EnqueueStatus(q, st, 1);
    q->lpVtbl->Submit(q);
    CHECK(wt_wait_status(st, 1, 30000), "complete");
    CHECK_HR(st->lpVtbl->GetHResult(st, 0), E_DSTORAGE_END_OF_FILE);
    CHECK_HR(st->lpVtbl->GetHResult(st, 1), S_OK); /* failures before status 0 do not leak */
    CHECK(memcmp(out[0], data, 1000) == 0 && memcmp(out[3], data, 1000) == 0, "good reads");
    CHECK(WaitForSingleObject(err, 10000) == WAIT_OBJECT_0, "error event set");

    DSTORAGE_ERROR_RECORD rec;
    memset(&rec, 0xcc, sizeof(rec));
    q->lpVtbl->RetrieveErrorRecord(q, &rec);
    CHECK(rec.FailureCount == 2, "failure count %u", rec.FailureCount);
    CHECK(rec.FirstFailure.HResult == E_DSTORAGE_END_OF_FILE, "hr %#lx",
          (unsigned long)rec.FirstFailure.HResult);
    CHECK(rec.FirstFailure.CommandType == DSTORAGE_COMMAND_TYPE_REQUEST, "type %d",
          rec.FirstFailure.CommandType);
    CHECK(ends_with(rec.FirstFailure.Request.Filename, L"\\eof.bin"), "file name %ls",
          rec.FirstFailure.Request.Filename);
    CHECK(!strcmp(rec.FirstFailure.Request.RequestName, "first bad"), "request name '%s'",
          rec.FirstFailure.Request.RequestName);
    CHECK(rec.FirstFailure.Request.Request.Source.File.Offset == 900 &&
              rec.FirstFailure.Request.Request.Source.File.Size == 200 &&
              rec.FirstFailure.Request.Request.Destination.Memory.Buffer == out[1] &&
              rec.FirstFailure.Request.Request.Options.SourceType == DSTORAGE_REQUEST_SOURCE_FILE,
          "the failed request");
    CHECK(WaitForSingleObject(err, 0) == WAIT_TIMEOUT, "retrieving resets the error event");
    q->lpVtbl->RetrieveErrorRecord(q, &rec);
    CHECK(rec.FailureCount == 0 && rec.FirstFailure.CommandType == DSTORAGE_COMMAND_TYPE_NONE,
          "record empty after retrieval");

    /* Status entries that are wrong themselves. */
    q->lpVtbl->EnqueueStatus(q, st, 4); /* capacity 4: out of bounds */
    q->lpVtbl->Submit(q);
    CHECK(WaitForSingleObject(err, 10000) == WAIT_OBJECT_0, "error event for a bad index");
    q->lpVtbl->RetrieveErrorRecord(q, &rec);
    CHECK(rec.FailureCount == 1 && rec.FirstFailure.HResult == E_DSTORAGE_INDEX_BOUND &&
              rec.FirstFailure.CommandType == DSTORAGE_COMMAND_TYPE_STATUS &&
              rec.FirstFailure.Status.StatusArray == st && rec.FirstFailure.Status.Index == 4,
          "index bound record: hr %#lx type %d array %p index %u",
          (unsigned long)rec.FirstFailure.HResult, rec.FirstFailure.CommandType,
          (void *)rec.FirstFailure.Status.StatusArray, rec.FirstFailure.Status.Index);

    /* Requests wrong in themselves fail in their status entry. */
    struct {
        const char *what;
        HRESULT expected;
        void (*make)(DSTORAGE_REQUEST *r, IDStorageFile *file, void *dst);
    } cases[] = {
        {"memory source on a file queue", E_DSTORAGE_INVALID_SOURCE_TYPE, NULL},
        {"destination size", E_DSTORAGE_INVALID_DESTINATION_SIZE, NULL},
        {"GPU destination without a device", E_DSTORAGE_INVALID_DESTINATION_TYPE, NULL},
        {"closed file", E_DSTORAGE_FILE_NOT_OPEN, NULL},
    };
    IDStorageFile *closed = NULL;
    f->lpVtbl->OpenFile(f, path, &IID_IDStorageFile, (void **)&closed);
    REQUIRE(closed != NULL, "open");
    closed->lpVtbl->Close(closed);
    for (int i = 0; i < 4; i++) {
        request(&r, file, 0, 100, out[1], cases[i].what);
        if (i == 0) {
            r.Options.SourceType = DSTORAGE_REQUEST_SOURCE_MEMORY;
            r.Source.Memory.Source = data;
            r.Source.Memory.Size = 100;
        } else if (i == 1) {
            r.Destination.Memory.Size = 99;
        } else if (i == 2) {
            r.Options.DestinationType = DSTORAGE_REQUEST_DESTINATION_BUFFER;
            r.Destination.Buffer.Resource = (ID3D12Resource *)(uintptr_t)0x1000;
            r.Destination.Buffer.Offset = 0;
            r.Destination.Buffer.Size = 100;
        } else {
            r.Source.File.Source = closed;
        }
        q->lpVtbl->EnqueueRequest(q, &r);
        q->lpVtbl->EnqueueStatus(q, st, 2);
        q->lpVtbl->Submit(q);
        CHECK(wt_wait_status(st, 2, 30000), "%s completes", cases[i].what);
        HRESULT hr = st->lpVtbl->GetHResult(st, 2);
        CHECK(hr == cases[i].expected, "%s: %#lx, expected %#lx", cases[i].what, (unsigned long)hr,
              (unsigned long)cases[i].expected);
        q->lpVtbl->RetrieveErrorRecord(q, &rec);
        CHECK(rec.FailureCount == 1 && rec.FirstFailure.HResult == cases[i].expected &&
                  !strcmp(rec.FirstFailure.Request.RequestName, cases[i].what),
              "%s: record count %u hr %#lx name '%s'", cases[i].what, rec.FailureCount,
              (unsigned long)rec.FirstFailure.HResult, rec.FirstFailure.Request.RequestName);
    }
    closed->lpVtbl->Release(closed);
    q->lpVtbl->Close(q);
    q->lpVtbl->Release(q);
    st->lpVtbl->Release(st);
    file->lpVtbl->Release(file);
}

/* A D3D12 device that is not vkd3d-proton's: it answers no interop interface. */
static HRESULT STDMETHODCALLTYPE dev_qi(ID3D12Device *This, REFIID riid, void **ppv)
{
    if (IsEqualGUID(riid, &IID_IUnknown)) {
        *ppv = This;
        This->lpVtbl->AddRef(This);
        return S_OK;
    }
    *ppv = NULL;
    return E_NOINTERFACE;
}
static LONG dev_refs = 1;
static ULONG STDMETHODCALLTYPE dev_add_ref(ID3D12Device *This)
{
    (void)This;
    return (ULONG)InterlockedIncrement(&dev_refs);
}
static ULONG STDMETHODCALLTYPE dev_release(ID3D12Device *This)
{
    (void)This;
    return (ULONG)InterlockedDecrement(&dev_refs);
}

static void test_device_without_interop(IDStorageFactory *f)
{
    static ID3D12DeviceVtbl vtbl; /* only IUnknown is called on a device without interop */
    vtbl.QueryInterface = dev_qi;
    vtbl.AddRef = dev_add_ref;
    vtbl.Release = dev_release;
    ID3D12Device dev = {&vtbl};
    IDStorageQueue *q;
    CHECK_HR(create(f, DSTORAGE_REQUEST_SOURCE_MEMORY, 128, DSTORAGE_PRIORITY_REALTIME, &dev, &q),
             S_OK);
    REQUIRE(q != NULL, "queue with a device");
    IDStorageStatusArray *st = NULL;
    f->lpVtbl->CreateStatusArray(f, 1, NULL, &IID_IDStorageStatusArray, (void **)&st);
    REQUIRE(st != NULL, "status array");
    static uint8_t src[256];
    DSTORAGE_REQUEST r = {0};
    r.Options.SourceType = DSTORAGE_REQUEST_SOURCE_MEMORY;
    r.Options.DestinationType = DSTORAGE_REQUEST_DESTINATION_BUFFER;
    r.Source.Memory.Source = src;
    r.Source.Memory.Size = sizeof(src);
    r.Destination.Buffer.Resource = (ID3D12Resource *)(uintptr_t)0x2000;
    r.Destination.Buffer.Size = sizeof(src);
    r.Name = "no interop";
    q->lpVtbl->EnqueueRequest(q, &r);
    q->lpVtbl->EnqueueStatus(q, st, 0);
    q->lpVtbl->Submit(q);
    CHECK(wt_wait_status(st, 0, 30000), "completes");
    CHECK_HR(st->lpVtbl->GetHResult(st, 0), E_DSTORAGE_INVALID_DESTINATION_TYPE);
    DSTORAGE_ERROR_RECORD rec;
    q->lpVtbl->RetrieveErrorRecord(q, &rec);
    CHECK(rec.FailureCount == 1 &&
              rec.FirstFailure.HResult == E_DSTORAGE_INVALID_DESTINATION_TYPE &&
              rec.FirstFailure.Request.Request.Options.DestinationType ==
                  DSTORAGE_REQUEST_DESTINATION_BUFFER,
          "record of the GPU destination: hr %#lx", (unsigned long)rec.FirstFailure.HResult);
    q->lpVtbl->Close(q);
    q->lpVtbl->Release(q);
    st->lpVtbl->Release(st);
    CHECK(dev_refs == 1, "device references returned: %ld", dev_refs);
}

int main(void)
{
    wt_begin("errors");
    IDStorageFactory *f = wt_factory();
    test_create_checks(f);
    test_queue_failures(f);
    test_device_without_interop(f);
    f->lpVtbl->Release(f);
    return wt_end();
}
