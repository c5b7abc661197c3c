/*
 * dsvk-bench-pe.exe: the PE half of "dsvk-bench wine". It loads what dsvk-bench prepared,
 * through the DirectStorage API exactly as a game does, and prints one result line. The
 * native half (tools/bench/bench_wine.c) runs the same requests through libdsvk.
 *
 *   dsvk-bench-pe.exe DATA INDEX REQUEST COUNT CAPACITY BATCH COMPRESSED
 *
 * DATA: the file; INDEX: "-" (request i reads REQUEST bytes at (i * REQUEST) mod the file's
 * size, rounded down) or a file of (uint64 offset, uint32 size, uint32 pad) records, one per
 * GDeflate stream, used round robin; COUNT requests of REQUEST uncompressed bytes each into a
 * ring of CAPACITY destination slots, a Submit every BATCH requests.
 * Output: "DSVK_BENCH_PE seconds=S bytes=B submits=N submit_us=U empty_submit_us=E
 * batch_submit_us=F": the run, the mean Submit during it (it includes waiting for queue
 * slots: the DLL hands a batch to the core in Submit), a Submit with nothing enqueued (the
 * crossing alone), and BATCH EnqueueRequest calls plus their Submit into an idle queue.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dstorage_abi.h"

__declspec(dllimport) HRESULT WINAPI DStorageGetFactory(REFIID riid, void **ppv);

typedef struct index_entry {
    uint64_t offset;
    uint32_t size;
    uint32_t pad;
} index_entry;

static double now(void)
{
    static LARGE_INTEGER freq;
    LARGE_INTEGER t;
    if (!freq.QuadPart)
        QueryPerformanceFrequency(&freq);
    QueryPerformanceCounter(&t);
    return (double)t.QuadPart / (double)freq.QuadPart;
}

static int fail(const char *what, HRESULT hr)
{
    printf("DSVK_BENCH_PE error %s %#lx\n", what, (unsigned long)hr);
    return 1;
}

int main(int argc, char **argv)
{
    if (argc != 8) {
        printf("DSVK_BENCH_PE error usage\n");
        return 2;
    }
    WCHAR data_path[MAX_PATH];
    MultiByteToWideChar(CP_UTF8, 0, argv[1], -1, data_path, MAX_PATH);
    uint32_t req_size = (uint32_t)strtoul(argv[3], NULL, 0);
    uint64_t count = strtoull(argv[4], NULL, 0);
    uint32_t capacity = (uint32_t)strtoul(argv[5], NULL, 0);
    uint32_t batch = (uint32_t)strtoul(argv[6], NULL, 0);
    bool compressed = atoi(argv[7]) != 0;

    index_entry *index = NULL;
    size_t n_index = 0;
    if (strcmp(argv[2], "-") != 0) {
        FILE *f = fopen(argv[2], "rb");
        if (!f)
            return fail("index", E_FAIL);
        fseek(f, 0, SEEK_END);
        n_index = (size_t)ftell(f) / sizeof(index_entry);
        fseek(f, 0, SEEK_SET);
        index = malloc(n_index * sizeof(*index));
        if (!index || fread(index, sizeof(*index), n_index, f) != n_index || !n_index)
            return fail("index", E_FAIL);
        fclose(f);
    }

    IDStorageFactory *factory = NULL;
    HRESULT hr = DStorageGetFactory(&IID_IDStorageFactory, (void **)&factory);
    if (FAILED(hr))
        return fail("DStorageGetFactory", hr);
    IDStorageFile *file = NULL;
    hr = factory->lpVtbl->OpenFile(factory, data_path, &IID_IDStorageFile, (void **)&file);
    if (FAILED(hr))
        return fail("OpenFile", hr);
    BY_HANDLE_FILE_INFORMATION info;
    file->lpVtbl->GetFileInformation(file, &info);
    uint64_t file_size = ((uint64_t)info.nFileSizeHigh << 32) | info.nFileSizeLow;
    uint64_t slots_in_file = file_size / req_size;
    if (!index && !slots_in_file)
        return fail("file too small", E_FAIL);

    DSTORAGE_QUEUE_DESC qd = {.SourceType = DSTORAGE_REQUEST_SOURCE_FILE,
                              .Capacity = (UINT16)capacity,
                              .Priority = DSTORAGE_PRIORITY_NORMAL,
                              .Name = "bench"};
    IDStorageQueue *q = NULL;
    hr = factory->lpVtbl->CreateQueue(factory, &qd, &IID_IDStorageQueue, (void **)&q);
    if (FAILED(hr))
        return fail("CreateQueue", hr);
    IDStorageStatusArray *st = NULL;
    factory->lpVtbl->CreateStatusArray(factory, 1, NULL, &IID_IDStorageStatusArray, (void **)&st);
    HANDLE done = CreateEventW(NULL, FALSE, FALSE, NULL);
    IDStorageQueue1 *q1 = NULL;
    q->lpVtbl->QueryInterface(q, &IID_IDStorageQueue1, (void **)&q1);
    uint8_t *ring =
        VirtualAlloc(NULL, (SIZE_T)capacity * req_size, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
    if (!st || !done || !q1 || !ring)
        return fail("setup", E_OUTOFMEMORY);
    memset(ring, 1, (size_t)capacity * req_size); /* fault the pages in before timing */

    /* The crossing alone: Submit with nothing enqueued, 10000 times. */
    double t0 = now();
    for (int i = 0; i < 10000; i++)
        q->lpVtbl->Submit(q);
    double empty_us = (now() - t0) / 10000 * 1e6;

    /* One batch into an idle queue, 20 times. */
    double batch_time = 0;
    for (int k = 0; k < 20; k++) {
        double s = now();
        for (uint32_t i = 0; i < batch; i++) {
            DSTORAGE_REQUEST r = {0};
            r.Options.SourceType = DSTORAGE_REQUEST_SOURCE_FILE;
            r.Options.DestinationType = DSTORAGE_REQUEST_DESTINATION_MEMORY;
            r.Source.File.Source = file;
            r.Source.File.Offset =
                index ? index[i % n_index].offset : (i % slots_in_file) * req_size;
            r.Source.File.Size = index ? index[i % n_index].size : req_size;
            if (compressed) {
                r.Options.CompressionFormat = DSTORAGE_COMPRESSION_FORMAT_GDEFLATE;
                r.UncompressedSize = req_size;
            }
            r.Destination.Memory.Buffer = ring + (i % capacity) * req_size;
            r.Destination.Memory.Size = req_size;
            q->lpVtbl->EnqueueRequest(q, &r);
        }
        q->lpVtbl->Submit(q);
        batch_time += now() - s;
        q1->lpVtbl->EnqueueSetEvent(q1, done);
        q->lpVtbl->Submit(q);
        WaitForSingleObject(done, INFINITE);
    }
    double batch_us = batch_time / 20 * 1e6;

    double submit_time = 0;
    uint32_t submits = 0;
    printf("DSVK_BENCH_PE start\n");
    fflush(stdout);
    t0 = now();
    for (uint64_t i = 0; i < count; i++) {
        DSTORAGE_REQUEST r = {0};
        r.Options.SourceType = DSTORAGE_REQUEST_SOURCE_FILE;
        r.Options.DestinationType = DSTORAGE_REQUEST_DESTINATION_MEMORY;
        r.Source.File.Source = file;
        if (index) {
            const index_entry *e = &index[i % n_index];
            r.Source.File.Offset = e->offset;
            r.Source.File.Size = e->size;
        } else {
            r.Source.File.Offset = (i % slots_in_file) * req_size;
            r.Source.File.Size = req_size;
        }
        if (compressed) {
            r.Options.CompressionFormat = DSTORAGE_COMPRESSION_FORMAT_GDEFLATE;
            r.UncompressedSize = req_size;
        }
        r.Destination.Memory.Buffer = ring + (i % capacity) * req_size;
        r.Destination.Memory.Size = req_size;
        q->lpVtbl->EnqueueRequest(q, &r);
        if ((i + 1) % batch == 0 || i + 1 == count) {
            double s = now();
            q->lpVtbl->Submit(q);
            submit_time += now() - s;
            submits++;
        }
    }
    q->lpVtbl->EnqueueStatus(q, st, 0);
    q1->lpVtbl->EnqueueSetEvent(q1, done);
    q->lpVtbl->Submit(q);
    WaitForSingleObject(done, INFINITE);
    double seconds = now() - t0;
    fflush(stdout);
    hr = st->lpVtbl->GetHResult(st, 0);
    if (FAILED(hr))
        return fail("requests", hr);
    printf("DSVK_BENCH_PE seconds=%.6f bytes=%llu submits=%u submit_us=%.3f empty_submit_us=%.3f "
           "batch_submit_us=%.3f\n",
           seconds, (unsigned long long)(count * req_size), submits,
           submits ? submit_time / submits * 1e6 : 0.0, empty_us, batch_us);
    q1->lpVtbl->Release(q1);
    q->lpVtbl->Close(q);
    q->lpVtbl->Release(q);
    st->lpVtbl->Release(st);
    file->lpVtbl->Release(file);
    factory->lpVtbl->Release(factory);
    return 0;
}
