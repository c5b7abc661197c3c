/*
 * Completions on the PE side: EnqueueSignal with a game's ID3D12Fence (values arrive in
 * enqueue order, and every reference taken is given back), EnqueueSetEvent, and
 * IDStorageQueue3::EnqueueRequests gated by a fence the game signals later itself.
 */
#include <stdlib.h>
#include <string.h>

#include "wine_test.h"

enum { CHUNK = 65536, NCHUNK = 64 };

static IDStorageFile *open_data(IDStorageFactory *f, const WCHAR *name, uint8_t **expect)
{
    *expect = malloc(CHUNK * NCHUNK);
    wt_fill(*expect, CHUNK * NCHUNK, 5, 0);
    wt_write_file(name, *expect, CHUNK * NCHUNK);
    WCHAR path[MAX_PATH];
    wt_path(path, MAX_PATH, name);
    IDStorageFile *file = NULL;
    CHECK_HR(f->lpVtbl->OpenFile(f, path, &IID_IDStorageFile, (void **)&file), S_OK);
    REQUIRE(file != NULL, "open");
    return file;
}

static void read_chunk(IDStorageQueue *q, IDStorageFile *file, int i, uint8_t *dst)
{
    DSTORAGE_REQUEST r = {0};
    r.Options.SourceType = DSTORAGE_REQUEST_SOURCE_FILE;
    r.Options.DestinationType = DSTORAGE_REQUEST_DESTINATION_MEMORY;
    r.Source.File.Source = file;
    r.Source.File.Offset = (UINT64)i * CHUNK;
    r.Source.File.Size = CHUNK;
    r.Destination.Memory.Buffer = dst + (size_t)i * CHUNK;
    r.Destination.Memory.Size = CHUNK;
    q->lpVtbl->EnqueueRequest(q, &r);
}

static IDStorageQueue3 *make_queue(IDStorageFactory *f)
{
    DSTORAGE_QUEUE_DESC d = {.SourceType = DSTORAGE_REQUEST_SOURCE_FILE,
                             .Capacity = 1024,
                             .Priority = DSTORAGE_PRIORITY_NORMAL,
                             .Name = "signal"};
    IDStorageQueue3 *q = NULL;
    CHECK_HR(f->lpVtbl->CreateQueue(f, &d, &IID_IDStorageQueue3, (void **)&q), S_OK);
    REQUIRE(q != NULL, "queue");
    return q;
}

static void test_fence_order(IDStorageFactory *f, IDStorageFile *file, const uint8_t *expect)
{
    IDStorageQueue3 *q = make_queue(f);
    wt_fence *fence = wt_fence_create();
    ID3D12Fence *fi = wt_fence_iface(fence);
    uint8_t *dst = calloc(CHUNK, NCHUNK);
    /* Each chunk read, then a signal of its number: 64 values, 8 submits. */
    for (int i = 0; i < NCHUNK; i++) {
        read_chunk(q, file, i, dst);
        q->lpVtbl->EnqueueSignal(q, fi, (UINT64)i + 1);
        if (i % 8 == 7)
            q->lpVtbl->Submit(q);
    }
    CHECK(wt_fence_wait(fence, NCHUNK, 30000), "fence reaches %d (at %llu)", NCHUNK,
          (unsigned long long)wt_fence_value(fence));
    UINT64 hist[NCHUNK + 8];
    uint32_t n = wt_fence_history(fence, hist, NCHUNK + 8);
    CHECK(n == NCHUNK, "%u signals", n);
    bool ordered = true;
    for (uint32_t i = 0; i < n && i < NCHUNK; i++)
        ordered = ordered && hist[i] == i + 1;
    CHECK(ordered, "signal values in enqueue order");
    CHECK(memcmp(dst, expect, CHUNK * NCHUNK) == 0, "data before signals");
    /* Every AddRef of EnqueueSignal was released after its Signal. */
    DWORD start = GetTickCount();
    while (wt_fence_refs(fence) != 1 && GetTickCount() - start < 5000)
        Sleep(1);
    CHECK(wt_fence_refs(fence) == 1, "fence references back to 1: %ld", wt_fence_refs(fence));

    /* A signal after a data check: the data is there when the value is. */
    memset(dst, 0, CHUNK);
    read_chunk(q, file, 0, dst);
    q->lpVtbl->EnqueueSignal(q, fi, 1000);
    q->lpVtbl->Submit(q);
    CHECK(wt_fence_wait(fence, 1000, 30000), "signal 1000");
    CHECK(memcmp(dst, expect, CHUNK) == 0, "read complete when its signal arrived");

    /* A null fence is an error of the queue, not a crash. */
    q->lpVtbl->EnqueueSignal(q, NULL, 5);
    q->lpVtbl->Submit(q);
    HANDLE err = q->lpVtbl->GetErrorEvent(q);
    CHECK(WaitForSingleObject(err, 10000) == WAIT_OBJECT_0, "error event after a null fence");
    DSTORAGE_ERROR_RECORD rec;
    q->lpVtbl->RetrieveErrorRecord(q, &rec);
    CHECK(rec.FailureCount == 1 && rec.FirstFailure.HResult == E_DSTORAGE_INVALID_FENCE &&
              rec.FirstFailure.CommandType == DSTORAGE_COMMAND_TYPE_SIGNAL,
          "null fence record: count %u hr %#lx type %d", rec.FailureCount,
          (unsigned long)rec.FirstFailure.HResult, rec.FirstFailure.CommandType);
    q->lpVtbl->Close(q);
    q->lpVtbl->Release(q);
    free(dst);
}

static void test_set_event(IDStorageFactory *f, IDStorageFile *file, const uint8_t *expect)
{
    IDStorageQueue3 *q = make_queue(f);
    IDStorageQueue1 *q1 = NULL;
    CHECK_HR(q->lpVtbl->QueryInterface(q, &IID_IDStorageQueue1, (void **)&q1), S_OK);
    REQUIRE(q1 != NULL, "IDStorageQueue1");
    HANDLE ev[4];
    uint8_t *dst = calloc(CHUNK, NCHUNK);
    for (int k = 0; k < 4; k++) {
        ev[k] = CreateEventW(NULL, TRUE, FALSE, NULL);
        for (int i = k * 16; i < (k + 1) * 16; i++)
            read_chunk(q, file, i, dst);
        q1->lpVtbl->EnqueueSetEvent(q1, ev[k]);
    }
    CHECK(WaitForSingleObject(ev[0], 200) == WAIT_TIMEOUT, "no event before Submit");
    q->lpVtbl->Submit(q);
    CHECK(WaitForMultipleObjects(4, ev, TRUE, 30000) == WAIT_OBJECT_0, "all events set");
    CHECK(memcmp(dst, expect, CHUNK * NCHUNK) == 0, "data complete when the events are set");
    for (int k = 0; k < 4; k++)
        CloseHandle(ev[k]);
    q1->lpVtbl->Release(q1);
    q->lpVtbl->Close(q);
    q->lpVtbl->Release(q);
    free(dst);
}

static void test_fence_gate(IDStorageFactory *f, IDStorageFile *file, const uint8_t *expect)
{
    IDStorageQueue3 *q = make_queue(f);
    IDStorageStatusArray *st = NULL;
    f->lpVtbl->CreateStatusArray(f, 2, "gate", &IID_IDStorageStatusArray, (void **)&st);
    REQUIRE(st != NULL, "status array");
    wt_fence *gate = wt_fence_create();
    wt_fence *done = wt_fence_create();
    uint8_t *dst = calloc(CHUNK, NCHUNK);
    DSTORAGE_REQUEST reqs[NCHUNK];
    for (int i = 0; i < NCHUNK; i++) {
        DSTORAGE_REQUEST *r = &reqs[i];
        memset(r, 0, sizeof(*r));
        r->Options.SourceType = DSTORAGE_REQUEST_SOURCE_FILE;
        r->Options.DestinationType = DSTORAGE_REQUEST_DESTINATION_MEMORY;
        r->Source.File.Source = file;
        r->Source.File.Offset = (UINT64)i * CHUNK;
        r->Source.File.Size = CHUNK;
        r->Destination.Memory.Buffer = dst + (size_t)i * CHUNK;
        r->Destination.Memory.Size = CHUNK;
    }
    /* The first half waits for gate >= 5, the second for gate >= 9. */
    q->lpVtbl->EnqueueRequests(q, reqs, NCHUNK / 2, wt_fence_iface(gate), 5,
                               DSTORAGE_ENQUEUE_REQUEST_FLAG_FENCE_WAIT_BEFORE_SOURCE_ACCESS);
    q->lpVtbl->EnqueueStatus(q, st, 0);
    q->lpVtbl->EnqueueRequests(q, reqs + NCHUNK / 2, NCHUNK / 2, wt_fence_iface(gate), 9,
                               DSTORAGE_ENQUEUE_REQUEST_FLAG_FENCE_WAIT_BEFORE_GPU_WORK);
    q->lpVtbl->EnqueueStatus(q, st, 1);
    q->lpVtbl->EnqueueSignal(q, wt_fence_iface(done), 1);
    q->lpVtbl->Submit(q); /* does not block although the gate is closed */
    Sleep(300);
    CHECK(!st->lpVtbl->IsComplete(st, 0) && !st->lpVtbl->IsComplete(st, 1), "gated: pending");
    CHECK(wt_fence_value(done) == 0, "gated: no signal");
    uint8_t *zero = calloc(CHUNK, NCHUNK);
    CHECK(memcmp(dst, zero, CHUNK * NCHUNK) == 0, "gated: nothing read");

    wt_fence_iface(gate)->lpVtbl->Signal(wt_fence_iface(gate), 5);
    CHECK(wt_wait_status(st, 0, 30000), "first half released at 5");
    CHECK_HR(st->lpVtbl->GetHResult(st, 0), S_OK);
    Sleep(200);
    CHECK(!st->lpVtbl->IsComplete(st, 1), "second half still waits for 9");
    CHECK(memcmp(dst + CHUNK * (NCHUNK / 2), zero, CHUNK * (NCHUNK / 2)) == 0,
          "second half not read");
    CHECK(memcmp(dst, expect, CHUNK * (NCHUNK / 2)) == 0, "first half read");

    wt_fence_iface(gate)->lpVtbl->Signal(wt_fence_iface(gate), 9);
    CHECK(wt_fence_wait(done, 1, 30000), "signal after the gated requests");
    CHECK(st->lpVtbl->IsComplete(st, 1), "second status complete before the signal");
    CHECK(memcmp(dst, expect, CHUNK * NCHUNK) == 0, "all read");

    /* A gate already reached does not hold anything. */
    memset(dst, 0, CHUNK);
    q->lpVtbl->EnqueueRequests(q, reqs, 1, wt_fence_iface(gate), 3,
                               DSTORAGE_ENQUEUE_REQUEST_FLAG_FENCE_WAIT_BEFORE_SOURCE_ACCESS);
    q->lpVtbl->EnqueueSignal(q, wt_fence_iface(done), 2);
    q->lpVtbl->Submit(q);
    CHECK(wt_fence_wait(done, 2, 30000), "open gate");
    CHECK(memcmp(dst, expect, CHUNK) == 0, "read through an open gate");

    /* Submit while gated starts what was enqueued before the gate at once. */
    memset(dst, 0, 2 * CHUNK);
    read_chunk(q, file, 0, dst);
    q->lpVtbl->EnqueueRequests(q, reqs + 1, 1, wt_fence_iface(gate), 200,
                               DSTORAGE_ENQUEUE_REQUEST_FLAG_FENCE_WAIT_BEFORE_SOURCE_ACCESS);
    q->lpVtbl->EnqueueSignal(q, wt_fence_iface(done), 3);
    q->lpVtbl->Submit(q);
    DWORD t0 = GetTickCount();
    while (memcmp(dst, expect, CHUNK) != 0 && GetTickCount() - t0 < 10000)
        Sleep(1);
    CHECK(memcmp(dst, expect, CHUNK) == 0, "the request before the gate ran");
    Sleep(100);
    CHECK(memcmp(dst + CHUNK, zero, CHUNK) == 0 && wt_fence_value(done) == 2,
          "the gated request did not");
    wt_fence_iface(gate)->lpVtbl->Signal(wt_fence_iface(gate), 200);
    CHECK(wt_fence_wait(done, 3, 30000), "released at 200");
    CHECK(memcmp(dst + CHUNK, expect + CHUNK, CHUNK) == 0, "the gated request ran");

    /* Close while gated: the held request never runs, the signal behind it completes. */
    memset(dst, 0, CHUNK);
    q->lpVtbl->EnqueueRequests(q, reqs, 1, wt_fence_iface(gate), 1000,
                               DSTORAGE_ENQUEUE_REQUEST_FLAG_FENCE_WAIT_BEFORE_SOURCE_ACCESS);
    q->lpVtbl->EnqueueSignal(q, wt_fence_iface(done), 4);
    q->lpVtbl->Submit(q);
    q->lpVtbl->Close(q);
    CHECK(wt_fence_wait(done, 4, 10000), "signal behind a gate completes on Close");
    CHECK(memcmp(dst, zero, CHUNK) == 0, "gated request dropped on Close");
    DWORD start = GetTickCount();
    while ((wt_fence_refs(gate) != 1 || wt_fence_refs(done) != 1) && GetTickCount() - start < 5000)
        Sleep(1);
    CHECK(wt_fence_refs(gate) == 1 && wt_fence_refs(done) == 1, "fence references returned");
    CHECK(q->lpVtbl->Release(q) == 0, "queue released");
    st->lpVtbl->Release(st);
    free(dst);
    free(zero);
}

int main(void)
{
    wt_begin("signal");
    IDStorageFactory *f = wt_factory();
    uint8_t *expect;
    IDStorageFile *file = open_data(f, L"signal.bin", &expect);
    test_fence_order(f, file, expect);
    test_set_event(f, file, expect);
    test_fence_gate(f, file, expect);
    file->lpVtbl->Release(file);
    f->lpVtbl->Release(f);
    free(expect);
    return wt_end();
}
