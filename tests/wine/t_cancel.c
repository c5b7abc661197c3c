/*
 * CancelRequestsWithTag and Close with work in flight. dsvk's promise, stronger than
 * DirectStorage's "best effort": once CancelRequestsWithTag returns, no cancelled request
 * writes its destination any more; fences, events and status entries still complete, and a
 * cancelled request is not a failure.
 */
#include <stdlib.h>
#include <string.h>

#include "wine_test.h"

enum { CHUNK = 65536, NCHUNK = 256 };

static IDStorageQueue *make_queue(IDStorageFactory *f, UINT16 capacity)
{
    DSTORAGE_QUEUE_DESC d = {.SourceType = DSTORAGE_REQUEST_SOURCE_FILE,
                             .Capacity = capacity,
                             .Priority = DSTORAGE_PRIORITY_NORMAL,
                             .Name = "cancel"};
    IDStorageQueue *q = NULL;
    CHECK_HR(f->lpVtbl->CreateQueue(f, &d, &IID_IDStorageQueue, (void **)&q), S_OK);
    REQUIRE(q != NULL, "queue");
    return q;
}

static void enqueue(IDStorageQueue *q, IDStorageFile *file, int i, uint8_t *dst, UINT64 tag)
{
    DSTORAGE_REQUEST r = {0};
    r.Options.SourceType = DSTORAGE_REQUEST_SOURCE_FILE;
    r.Options.DestinationType = DSTORAGE_REQUEST_DESTINATION_MEMORY;
    r.Source.File.Source = file;
    r.Source.File.Offset = (UINT64)i * CHUNK;
    r.Source.File.Size = CHUNK;
    r.Destination.Memory.Buffer = dst + (size_t)i * CHUNK;
    r.Destination.Memory.Size = CHUNK;
    r.CancellationTag = tag;
    q->lpVtbl->EnqueueRequest(q, &r);
}

static bool all_bytes(const uint8_t *p, size_t n, uint8_t v)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != v)
            return false;
    return true;
}

/* Cancelled before Submit: not one of them may run. */
static void test_cancel_before_submit(IDStorageFactory *f, IDStorageFile *file,
                                      const uint8_t *expect)
{
    IDStorageQueue *q = make_queue(f, 1024);
    IDStorageStatusArray *st = NULL;
    f->lpVtbl->CreateStatusArray(f, 1, NULL, &IID_IDStorageStatusArray, (void **)&st);
    REQUIRE(st != NULL, "status array");
    wt_fence *fence = wt_fence_create();
    uint8_t *dst = malloc((size_t)CHUNK * NCHUNK);
    memset(dst, 0xcd, (size_t)CHUNK * NCHUNK);
    for (int i = 0; i < NCHUNK; i++) /* tags: 0xA000|i for odd i, 0xB000|i for even */
        enqueue(q, file, i, dst, (i & 1 ? 0xA000u : 0xB000u) | (UINT64)i);
    q->lpVtbl->CancelRequestsWithTag(q, 0xF000, 0xA000);
    q->lpVtbl->EnqueueStatus(q, st, 0);
    q->lpVtbl->EnqueueSignal(q, wt_fence_iface(fence), 1);
    q->lpVtbl->Submit(q);
    CHECK(wt_fence_wait(fence, 1, 30000), "fence signalled");
    CHECK(st->lpVtbl->IsComplete(st, 0), "status complete before the fence");
    CHECK_HR(st->lpVtbl->GetHResult(st, 0), S_OK); /* cancelled is not a failure */
    int wrong_cancelled = 0, wrong_kept = 0;
    for (int i = 0; i < NCHUNK; i++) {
        const uint8_t *p = dst + (size_t)i * CHUNK;
        if (i & 1)
            wrong_cancelled += !all_bytes(p, CHUNK, 0xcd);
        else
            wrong_kept += memcmp(p, expect + (size_t)i * CHUNK, CHUNK) != 0;
    }
    CHECK(wrong_cancelled == 0, "%d cancelled requests wrote", wrong_cancelled);
    CHECK(wrong_kept == 0, "%d kept requests wrong", wrong_kept);
    DSTORAGE_ERROR_RECORD rec;
    q->lpVtbl->RetrieveErrorRecord(q, &rec);
    CHECK(rec.FailureCount == 0, "no failures recorded: %u", rec.FailureCount);
    q->lpVtbl->Close(q);
    q->lpVtbl->Release(q);
    st->lpVtbl->Release(st);
    free(dst);
}

/* Cancelled while running: whatever had finished stays, nothing changes after the call. */
static void test_cancel_in_flight(IDStorageFactory *f, IDStorageFile *file, const uint8_t *expect)
{
    IDStorageQueue *q = make_queue(f, 1024);
    wt_fence *fence = wt_fence_create();
    uint8_t *dst = malloc((size_t)CHUNK * NCHUNK);
    uint8_t *snap = malloc((size_t)CHUNK * NCHUNK);
    for (int round = 0; round < 4; round++) {
        memset(dst, 0xcd, (size_t)CHUNK * NCHUNK);
        for (int i = 0; i < NCHUNK; i++)
            enqueue(q, file, i, dst, i < NCHUNK / 8 ? 1 : 2); /* the first eighth is kept */
        q->lpVtbl->EnqueueSignal(q, wt_fence_iface(fence), (UINT64)round + 1);
        q->lpVtbl->Submit(q);
        q->lpVtbl->CancelRequestsWithTag(q, ~(UINT64)0, 2);
        memcpy(snap, dst, (size_t)CHUNK * NCHUNK);
        CHECK(wt_fence_wait(fence, (UINT64)round + 1, 30000), "fence after cancel");
        int changed = 0, torn = 0;
        for (int i = NCHUNK / 8; i < NCHUNK; i++) {
            const uint8_t *p = dst + (size_t)i * CHUNK;
            changed += memcmp(p, snap + (size_t)i * CHUNK, CHUNK) != 0;
            torn += !all_bytes(p, CHUNK, 0xcd) && memcmp(p, expect + (size_t)i * CHUNK, CHUNK);
        }
        CHECK(changed == 0, "round %d: %d cancelled destinations changed after the call", round,
              changed);
        CHECK(torn == 0, "round %d: %d destinations neither untouched nor complete", round, torn);
        CHECK(memcmp(dst, expect, (size_t)CHUNK * (NCHUNK / 8)) == 0, "round %d: kept requests",
              round);
    }
    q->lpVtbl->Close(q);
    q->lpVtbl->Release(q);
    free(dst);
    free(snap);
}

/* Close while requests run: it returns, nothing writes afterwards, the queue is gone. */
static void test_close_in_flight(IDStorageFactory *f, IDStorageFile *file)
{
    IDStorageQueue *q = make_queue(f, 2048);
    wt_fence *fence = wt_fence_create();
    uint8_t *dst = malloc((size_t)CHUNK * NCHUNK);
    uint8_t *snap = malloc((size_t)CHUNK * NCHUNK);
    memset(dst, 0xcd, (size_t)CHUNK * NCHUNK);
    for (int i = 0; i < NCHUNK; i++)
        enqueue(q, file, i, dst, 0);
    q->lpVtbl->EnqueueSignal(q, wt_fence_iface(fence), 7);
    q->lpVtbl->Submit(q);
    q->lpVtbl->Close(q);
    memcpy(snap, dst, (size_t)CHUNK * NCHUNK);
    Sleep(300);
    CHECK(memcmp(snap, dst, (size_t)CHUNK * NCHUNK) == 0, "no writes after Close returned");
    /* Enqueueing on a closed queue is ignored, not a crash. */
    enqueue(q, file, 0, dst, 0);
    q->lpVtbl->Submit(q);
    CHECK(q->lpVtbl->Release(q) == 0, "released");
    DWORD start = GetTickCount();
    while (wt_fence_refs(fence) != 1 && GetTickCount() - start < 5000)
        Sleep(1);
    CHECK(wt_fence_refs(fence) == 1, "fence reference returned: %ld", wt_fence_refs(fence));
    free(dst);
    free(snap);
}

int main(void)
{
    wt_begin("cancel");
    IDStorageFactory *f = wt_factory();
    uint8_t *expect = malloc((size_t)CHUNK * NCHUNK);
    wt_fill(expect, (size_t)CHUNK * NCHUNK, 11, 0);
    wt_write_file(L"cancel.bin", expect, (size_t)CHUNK * NCHUNK);
    WCHAR path[MAX_PATH];
    wt_path(path, MAX_PATH, L"cancel.bin");
    IDStorageFile *file = NULL;
    CHECK_HR(f->lpVtbl->OpenFile(f, path, &IID_IDStorageFile, (void **)&file), S_OK);
    REQUIRE(file != NULL, "open");
    test_cancel_before_submit(f, file, expect);
    test_cancel_in_flight(f, file, expect);
    test_close_in_flight(f, file);
    file->lpVtbl->Release(file);
    f->lpVtbl->Release(f);
    free(expect);
    return wt_end();
}
