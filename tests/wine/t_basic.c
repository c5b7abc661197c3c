/*
 * The basic paths: the factory and its interfaces, file -> memory and memory -> memory
 * uncompressed reads (sizes from 1 byte to 3 MiB, many files, several queues of different
 * priorities at once), status arrays, Query, GetFileInformation, auto-submit at half
 * capacity.
 */
#include <stdlib.h>
#include <string.h>

#include "wine_test.h"

static IDStorageQueue *make_queue(IDStorageFactory *f, UINT64 source, UINT16 capacity,
                                  DSTORAGE_PRIORITY priority, const char *name)
{
    DSTORAGE_QUEUE_DESC d = {0};
    d.SourceType = source;
    d.Capacity = capacity;
    d.Priority = priority;
    d.Name = name;
    IDStorageQueue *q = NULL;
    HRESULT hr = f->lpVtbl->CreateQueue(f, &d, &IID_IDStorageQueue, (void **)&q);
    REQUIRE(hr == S_OK && q, "CreateQueue(%s) = %#lx", name, (unsigned long)hr);
    return q;
}

static void file_request(DSTORAGE_REQUEST *r, IDStorageFile *file, UINT64 offset, UINT32 size,
                         void *dst)
{
    memset(r, 0, sizeof(*r));
    r->Options.SourceType = DSTORAGE_REQUEST_SOURCE_FILE;
    r->Options.DestinationType = DSTORAGE_REQUEST_DESTINATION_MEMORY;
    r->Source.File.Source = file;
    r->Source.File.Offset = offset;
    r->Source.File.Size = size;
    r->Destination.Memory.Buffer = dst;
    r->Destination.Memory.Size = size;
    r->Name = "basic read";
}

static void test_interfaces(IDStorageFactory *f)
{
    IUnknown *u = NULL;
    CHECK_HR(f->lpVtbl->QueryInterface(f, &IID_IUnknown, (void **)&u), S_OK);
    CHECK(u == (IUnknown *)f, "IUnknown is the factory");
    if (u)
        u->lpVtbl->Release(u);
    IDStorageCustomDecompressionQueue *c0 = NULL;
    IDStorageCustomDecompressionQueue1 *c1 = NULL;
    CHECK_HR(f->lpVtbl->QueryInterface(f, &IID_IDStorageCustomDecompressionQueue, (void **)&c0),
             S_OK);
    CHECK_HR(f->lpVtbl->QueryInterface(f, &IID_IDStorageCustomDecompressionQueue1, (void **)&c1),
             S_OK);
    CHECK(c0 && c1 && (void *)c0 == (void *)c1, "one custom decompression queue");
    if (c0) {
        CHECK(c0->lpVtbl->GetEvent(c0) != NULL, "custom queue event");
        c0->lpVtbl->Release(c0);
    }
    if (c1)
        c1->lpVtbl->Release(c1);
    void *nope = (void *)1;
    CHECK_HR(f->lpVtbl->QueryInterface(f, &IID_IDStorageQueue, &nope), E_NOINTERFACE);
    CHECK(nope == NULL, "E_NOINTERFACE clears the pointer");
    IDStorageFactory *again = NULL;
    CHECK_HR(DStorageGetFactory(&IID_IDStorageFactory, (void **)&again), S_OK);
    CHECK(again == f, "one factory per process");
    if (again)
        again->lpVtbl->Release(again);
}

static void test_files_to_memory(IDStorageFactory *f)
{
    enum { NFILES = 24 };
    static const UINT32 sizes[] = {1, 7, 4096, 65536, 65537, 1u << 20, 3u << 20};
    IDStorageQueue *q[3] = {
        make_queue(f, DSTORAGE_REQUEST_SOURCE_FILE, 256, DSTORAGE_PRIORITY_LOW, "low"),
        make_queue(f, DSTORAGE_REQUEST_SOURCE_FILE, 256, DSTORAGE_PRIORITY_NORMAL, "normal"),
        make_queue(f, DSTORAGE_REQUEST_SOURCE_FILE, 256, DSTORAGE_PRIORITY_HIGH, "high"),
    };
    IDStorageStatusArray *st = NULL;
    CHECK_HR(f->lpVtbl->CreateStatusArray(f, 8, "basic", &IID_IDStorageStatusArray, (void **)&st),
             S_OK);
    REQUIRE(st != NULL, "status array");
    IDStorageFile *files[NFILES];
    uint8_t *expect[NFILES], *got[NFILES];
    UINT32 size_of[NFILES];
    for (int i = 0; i < NFILES; i++) {
        WCHAR name[64];
        size_of[i] = sizes[i % (sizeof(sizes) / sizeof(sizes[0]))];
        expect[i] = malloc(size_of[i]);
        got[i] = calloc(1, size_of[i]);
        wt_fill(expect[i], size_of[i], (uint32_t)i + 1, 0);
        _snwprintf(name, 64, L"basic_%d.bin", i);
        wt_write_file(name, expect[i], size_of[i]);
        WCHAR path[MAX_PATH];
        wt_path(path, MAX_PATH, name);
        files[i] = NULL;
        HRESULT hr = f->lpVtbl->OpenFile(f, path, &IID_IDStorageFile, (void **)&files[i]);
        REQUIRE(hr == S_OK && files[i], "OpenFile(%ls) = %#lx", path, (unsigned long)hr);
    }
    BY_HANDLE_FILE_INFORMATION info;
    CHECK_HR(files[6]->lpVtbl->GetFileInformation(files[6], &info), S_OK);
    CHECK(info.nFileSizeLow == size_of[6] && info.nFileSizeHigh == 0, "size %lu",
          (unsigned long)info.nFileSizeLow);

    /* Each file is read in 64 KiB pieces spread over the three queues. */
    for (int i = 0; i < NFILES; i++) {
        for (UINT32 off = 0; off < size_of[i]; off += 65536) {
            UINT32 n = size_of[i] - off < 65536 ? size_of[i] - off : 65536;
            DSTORAGE_REQUEST r;
            file_request(&r, files[i], off, n, got[i] + off);
            IDStorageQueue *qq = q[(i + off / 65536) % 3];
            qq->lpVtbl->EnqueueRequest(qq, &r);
        }
    }
    for (int k = 0; k < 3; k++) {
        q[k]->lpVtbl->EnqueueStatus(q[k], st, (UINT32)k);
        /* Fewer than half the capacity is enqueued: nothing runs before Submit. */
        CHECK(!st->lpVtbl->IsComplete(st, (UINT32)k), "pending before Submit");
        CHECK_HR(st->lpVtbl->GetHResult(st, (UINT32)k), E_PENDING);
        q[k]->lpVtbl->Submit(q[k]);
    }
    for (int k = 0; k < 3; k++) {
        CHECK(wt_wait_status(st, (UINT32)k, 30000), "queue %d completes", k);
        CHECK_HR(st->lpVtbl->GetHResult(st, (UINT32)k), S_OK);
    }
    for (int i = 0; i < NFILES; i++) {
        CHECK(memcmp(expect[i], got[i], size_of[i]) == 0, "file %d (%u bytes) read back", i,
              size_of[i]);
        files[i]->lpVtbl->Close(files[i]);
        CHECK(files[i]->lpVtbl->Release(files[i]) == 0, "file released");
        free(expect[i]);
        free(got[i]);
    }
    /* Out of range: complete, and INDEX_BOUND. */
    CHECK(st->lpVtbl->IsComplete(st, 100), "out of range reads complete");
    CHECK_HR(st->lpVtbl->GetHResult(st, 100), E_DSTORAGE_INDEX_BOUND);
    for (int k = 0; k < 3; k++) {
        q[k]->lpVtbl->Close(q[k]);
        q[k]->lpVtbl->Release(q[k]);
    }
    st->lpVtbl->Release(st);
}

static void test_memory_to_memory(IDStorageFactory *f)
{
    IDStorageQueue *q =
        make_queue(f, DSTORAGE_REQUEST_SOURCE_MEMORY, 128, DSTORAGE_PRIORITY_REALTIME, "mem");
    IDStorageStatusArray *st = NULL;
    f->lpVtbl->CreateStatusArray(f, 2, NULL, &IID_IDStorageStatusArray, (void **)&st);
    REQUIRE(st != NULL, "status array");
    enum { N = 200, ITEM_SIZE = 5000 };
    uint8_t *src = malloc(N * ITEM_SIZE), *dst = calloc(N, ITEM_SIZE);
    wt_fill(src, N * ITEM_SIZE, 77, 0);
    /* 200 entries through a 128-entry queue without Submit: auto-submit at half capacity
     * and a blocking enqueue keep it going. */
    for (int i = 0; i < N; i++) {
        DSTORAGE_REQUEST r = {0};
        r.Options.SourceType = DSTORAGE_REQUEST_SOURCE_MEMORY;
        r.Options.DestinationType = DSTORAGE_REQUEST_DESTINATION_MEMORY;
        r.Source.Memory.Source = src + i * ITEM_SIZE;
        r.Source.Memory.Size = ITEM_SIZE;
        r.Destination.Memory.Buffer = dst + i * ITEM_SIZE;
        r.Destination.Memory.Size = ITEM_SIZE;
        q->lpVtbl->EnqueueRequest(q, &r);
    }
    DSTORAGE_QUEUE_INFO info;
    q->lpVtbl->Query(q, &info);
    CHECK(info.Desc.Capacity == 128 && info.Desc.Priority == DSTORAGE_PRIORITY_REALTIME &&
              info.Desc.SourceType == DSTORAGE_REQUEST_SOURCE_MEMORY,
          "Query desc");
    CHECK(info.Desc.Name && !strcmp(info.Desc.Name, "mem"), "Query name");
    /* 200 = 64 + 64 + 64 auto-submitted, 8 waiting: 56 more until the next auto-submit. */
    CHECK(info.RequestCountUntilAutoSubmit == 56, "until auto-submit %u",
          info.RequestCountUntilAutoSubmit);
    q->lpVtbl->EnqueueStatus(q, st, 0);
    q->lpVtbl->Submit(q);
    CHECK(wt_wait_status(st, 0, 30000), "memory queue completes");
    CHECK_HR(st->lpVtbl->GetHResult(st, 0), S_OK);
    CHECK(memcmp(src, dst, N * ITEM_SIZE) == 0, "memory copied");
    q->lpVtbl->Query(q, &info);
    CHECK(info.EmptySlotCount == 127, "empty queue has capacity-1 empty slots: %u",
          info.EmptySlotCount);
    CHECK(info.RequestCountUntilAutoSubmit == 64, "until auto-submit when empty: %u",
          info.RequestCountUntilAutoSubmit);
    q->lpVtbl->Close(q);
    q->lpVtbl->Release(q);
    st->lpVtbl->Release(st);
    free(src);
    free(dst);
}

int main(void)
{
    wt_begin("basic");
    IDStorageFactory *f = wt_factory();
    test_interfaces(f);
    test_files_to_memory(f);
    test_memory_to_memory(f);
    f->lpVtbl->Release(f);
    return wt_end();
}
