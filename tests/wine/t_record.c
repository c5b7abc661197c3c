/*
 * The size of what RetrieveErrorRecord writes: the 704-byte DirectStorage 1.1+ record by
 * default, the 904-byte 1.0 record (RequestName[MAX_PATH]) when the game is known to be
 * built against 1.0 (run with the argument "1.0" and DSVK_DSTORAGE_SDK=1.0). Bytes past the
 * record must stay untouched; the fields must be where the layout puts them.
 */
#include <string.h>

#include "wine_test.h"

static uint8_t guard[2048];

int main(int argc, char **argv)
{
    bool old = argc > 1 && !strcmp(argv[1], "1.0");
    wt_begin(old ? "record 1.0" : "record 1.1+");
    IDStorageFactory *f = wt_factory();
    uint8_t data[100] = {1};
    wt_write_file(L"record.bin", data, sizeof(data));
    WCHAR path[MAX_PATH];
    wt_path(path, MAX_PATH, L"record.bin");
    IDStorageFile *file = NULL;
    CHECK_HR(f->lpVtbl->OpenFile(f, path, &IID_IDStorageFile, (void **)&file), S_OK);
    DSTORAGE_QUEUE_DESC d = {.SourceType = DSTORAGE_REQUEST_SOURCE_FILE,
                             .Capacity = 128,
                             .Priority = DSTORAGE_PRIORITY_NORMAL};
    IDStorageQueue *q = NULL;
    CHECK_HR(f->lpVtbl->CreateQueue(f, &d, &IID_IDStorageQueue, (void **)&q), S_OK);
    REQUIRE(file && q, "objects");
    static uint8_t out[200];
    DSTORAGE_REQUEST r = {0};
    r.Options.SourceType = DSTORAGE_REQUEST_SOURCE_FILE;
    r.Options.DestinationType = DSTORAGE_REQUEST_DESTINATION_MEMORY;
    r.Source.File.Source = file;
    r.Source.File.Offset = 50;
    r.Source.File.Size = 200;
    r.Destination.Memory.Buffer = out;
    r.Destination.Memory.Size = 200;
    r.CancellationTag = 0xfeedULL;
    r.Name = "beyond the end";
    q->lpVtbl->EnqueueRequest(q, &r);
    q->lpVtbl->Submit(q);
    CHECK(WaitForSingleObject(q->lpVtbl->GetErrorEvent(q), 30000) == WAIT_OBJECT_0, "failure");

    size_t size = old ? sizeof(DSTORAGE_ERROR_RECORD_1_0) : sizeof(DSTORAGE_ERROR_RECORD);
    CHECK(size == (old ? 904u : 704u), "layout size %zu", size);
    memset(guard, 0xee, sizeof(guard));
    q->lpVtbl->RetrieveErrorRecord(q, (DSTORAGE_ERROR_RECORD *)guard);
    bool untouched = true;
    for (size_t i = size; i < sizeof(guard); i++)
        untouched = untouched && guard[i] == 0xee;
    CHECK(untouched, "nothing written past %zu bytes", size);
    const WCHAR *name;
    const char *request_name;
    const DSTORAGE_REQUEST *req;
    if (old) {
        const DSTORAGE_ERROR_RECORD_1_0 *rec = (const DSTORAGE_ERROR_RECORD_1_0 *)guard;
        CHECK(rec->FailureCount == 1 && rec->FirstFailure.HResult == E_DSTORAGE_END_OF_FILE,
              "count %u hr %#lx", rec->FailureCount, (unsigned long)rec->FirstFailure.HResult);
        name = rec->FirstFailure.Request.Filename;
        request_name = rec->FirstFailure.Request.RequestName;
        req = &rec->FirstFailure.Request.Request;
    } else {
        const DSTORAGE_ERROR_RECORD *rec = (const DSTORAGE_ERROR_RECORD *)guard;
        CHECK(rec->FailureCount == 1 && rec->FirstFailure.HResult == E_DSTORAGE_END_OF_FILE,
              "count %u hr %#lx", rec->FailureCount, (unsigned long)rec->FirstFailure.HResult);
        name = rec->FirstFailure.Request.Filename;
        request_name = rec->FirstFailure.Request.RequestName;
        req = &rec->FirstFailure.Request.Request;
    }
    size_t n = wcslen(name);
    CHECK(n >= 10 && !_wcsicmp(name + n - 10, L"record.bin"), "file name %ls", name);
    CHECK(!strcmp(request_name, "beyond the end"), "request name '%s'", request_name);
    CHECK(req->Source.File.Offset == 50 && req->Source.File.Size == 200 &&
              req->CancellationTag == 0xfeed && req->Destination.Memory.Buffer == out,
          "request fields at the layout's offsets");
    q->lpVtbl->Release(q);
    file->lpVtbl->Release(file);
    f->lpVtbl->Release(f);
    return wt_end();
}
