/*
 * Many game threads at once: each of four threads loads its own slices of a file through its
 * own queue, and two more threads share one queue, all crossing the channel concurrently
 * (Submit, Query, status entries, fence signals). Every byte must arrive, every fence value
 * in each queue's order.
 */
#include <stdlib.h>
#include <string.h>

#include "wine_test.h"

enum { CHUNK = 16384, PER_THREAD = 512, THREADS = 6 };

static IDStorageFactory *factory;
static IDStorageFile *file;
static uint8_t *expect;
static IDStorageQueue *shared_queue;

typedef struct worker {
    int index;
    IDStorageQueue *queue; /* own, or the shared one */
    wt_fence *fence;
    uint8_t *dst;
    int failures;
} worker;

static DWORD WINAPI work(void *param)
{
    worker *w = param;
    for (int i = 0; i < PER_THREAD; i++) {
        UINT64 slot = (UINT64)w->index * PER_THREAD + (UINT64)i;
        DSTORAGE_REQUEST r = {0};
        r.Options.SourceType = DSTORAGE_REQUEST_SOURCE_FILE;
        r.Options.DestinationType = DSTORAGE_REQUEST_DESTINATION_MEMORY;
        r.Source.File.Source = file;
        r.Source.File.Offset = slot * CHUNK;
        r.Source.File.Size = CHUNK;
        r.Destination.Memory.Buffer = w->dst + (size_t)i * CHUNK;
        r.Destination.Memory.Size = CHUNK;
        w->queue->lpVtbl->EnqueueRequest(w->queue, &r);
        if (i % 32 == 31) {
            w->queue->lpVtbl->EnqueueSignal(w->queue, wt_fence_iface(w->fence), (UINT64)i + 1);
            w->queue->lpVtbl->Submit(w->queue);
        }
        if (i % 100 == 0) {
            DSTORAGE_QUEUE_INFO info;
            w->queue->lpVtbl->Query(w->queue, &info);
            if (info.Desc.Capacity != 256)
                w->failures++;
        }
    }
    if (!wt_fence_wait(w->fence, PER_THREAD, 60000))
        w->failures++;
    return 0;
}

int main(void)
{
    wt_begin("threads");
    factory = wt_factory();
    size_t size = (size_t)CHUNK * PER_THREAD * THREADS;
    expect = malloc(size);
    wt_fill(expect, size, 21, 0);
    wt_write_file(L"threads.bin", expect, size);
    WCHAR path[MAX_PATH];
    wt_path(path, MAX_PATH, L"threads.bin");
    CHECK_HR(factory->lpVtbl->OpenFile(factory, path, &IID_IDStorageFile, (void **)&file), S_OK);
    REQUIRE(file != NULL, "open");
    DSTORAGE_QUEUE_DESC d = {.SourceType = DSTORAGE_REQUEST_SOURCE_FILE,
                             .Capacity = 256,
                             .Priority = DSTORAGE_PRIORITY_NORMAL,
                             .Name = "threads"};
    CHECK_HR(factory->lpVtbl->CreateQueue(factory, &d, &IID_IDStorageQueue, (void **)&shared_queue),
             S_OK);
    worker w[THREADS];
    HANDLE th[THREADS];
    for (int t = 0; t < THREADS; t++) {
        w[t] = (worker){.index = t, .fence = wt_fence_create(), .dst = calloc(PER_THREAD, CHUNK)};
        if (t < 4)
            CHECK_HR(factory->lpVtbl->CreateQueue(factory, &d, &IID_IDStorageQueue,
                                                  (void **)&w[t].queue),
                     S_OK);
        else
            w[t].queue = shared_queue;
        REQUIRE(w[t].queue && w[t].dst, "setup");
    }
    for (int t = 0; t < THREADS; t++)
        th[t] = CreateThread(NULL, 0, work, &w[t], 0, NULL);
    CHECK(WaitForMultipleObjects(THREADS, th, TRUE, 120000) == WAIT_OBJECT_0, "threads finish");
    for (int t = 0; t < THREADS; t++) {
        CHECK(w[t].failures == 0, "thread %d: %d failures", t, w[t].failures);
        CHECK(
            !memcmp(w[t].dst, expect + (size_t)t * PER_THREAD * CHUNK, (size_t)PER_THREAD * CHUNK),
            "thread %d data", t);
        UINT64 hist[PER_THREAD / 32 + 1];
        uint32_t n = wt_fence_history(w[t].fence, hist, PER_THREAD / 32 + 1);
        bool ordered = n == PER_THREAD / 32;
        for (uint32_t i = 1; i < n && i <= PER_THREAD / 32; i++)
            ordered = ordered && hist[i] > hist[i - 1];
        CHECK(ordered, "thread %d: %u signals in order", t, n);
        CloseHandle(th[t]);
        if (t < 4) {
            w[t].queue->lpVtbl->Close(w[t].queue);
            w[t].queue->lpVtbl->Release(w[t].queue);
        }
    }
    shared_queue->lpVtbl->Close(shared_queue);
    shared_queue->lpVtbl->Release(shared_queue);
    file->lpVtbl->Release(file);
    factory->lpVtbl->Release(factory);
    return wt_end();
}
