/*
 * The custom decompression queue: requests in an application-defined format (0x80) are
 * offered through IDStorageCustomDecompressionQueue1; the "game" waits on its event, takes
 * them, decompresses them itself and reports a result per request.
 * The format here: every byte XOR 0x5a, then a 4-byte little-endian sum of the output.
 */
#include <stdlib.h>
#include <string.h>

#include "wine_test.h"

#define MY_FORMAT (DSTORAGE_CUSTOM_COMPRESSION_0 + 3)

static uint32_t sum(const uint8_t *p, size_t n)
{
    uint32_t s = 0;
    for (size_t i = 0; i < n; i++)
        s += p[i];
    return s;
}

static uint8_t *encode(const uint8_t *raw, size_t n)
{
    uint8_t *c = malloc(n + 4);
    for (size_t i = 0; i < n; i++)
        c[i] = raw[i] ^ 0x5a;
    uint32_t s = sum(raw, n);
    memcpy(c + n, &s, 4);
    return c;
}

static HRESULT decode(const DSTORAGE_CUSTOM_DECOMPRESSION_REQUEST *r)
{
    if (r->CompressionFormat != MY_FORMAT || r->SrcSize != r->DstSize + 4)
        return E_FAIL;
    const uint8_t *s = r->SrcBuffer;
    uint8_t *d = r->DstBuffer;
    for (UINT64 i = 0; i < r->DstSize; i++)
        d[i] = s[i] ^ 0x5a;
    uint32_t want;
    memcpy(&want, s + r->DstSize, 4);
    return sum(d, (size_t)r->DstSize) == want ? S_OK : E_FAIL;
}

enum { N = 40, ITEM_SIZE = 10000 };

int main(void)
{
    wt_begin("custom");
    IDStorageFactory *f = wt_factory();
    IDStorageCustomDecompressionQueue1 *cq = NULL;
    CHECK_HR(f->lpVtbl->QueryInterface(f, &IID_IDStorageCustomDecompressionQueue1, (void **)&cq),
             S_OK);
    REQUIRE(cq != NULL, "custom queue");
    HANDLE ev = cq->lpVtbl->GetEvent(cq);
    REQUIRE(ev != NULL, "custom event");

    DSTORAGE_QUEUE_DESC fd = {.SourceType = DSTORAGE_REQUEST_SOURCE_FILE,
                              .Capacity = 256,
                              .Priority = DSTORAGE_PRIORITY_NORMAL,
                              .Name = "custom-file"};
    DSTORAGE_QUEUE_DESC md = {.SourceType = DSTORAGE_REQUEST_SOURCE_MEMORY,
                              .Capacity = 256,
                              .Priority = DSTORAGE_PRIORITY_REALTIME,
                              .Name = "custom-mem"};
    IDStorageQueue *fq = NULL, *mq = NULL;
    f->lpVtbl->CreateQueue(f, &fd, &IID_IDStorageQueue, (void **)&fq);
    f->lpVtbl->CreateQueue(f, &md, &IID_IDStorageQueue, (void **)&mq);
    IDStorageStatusArray *st = NULL;
    f->lpVtbl->CreateStatusArray(f, 3, NULL, &IID_IDStorageStatusArray, (void **)&st);
    REQUIRE(fq && mq && st, "queues and status array");

    uint8_t *raw = malloc((size_t)N * ITEM_SIZE), *out = calloc(N, ITEM_SIZE);
    wt_fill(raw, (size_t)N * ITEM_SIZE, 3, 0);
    uint8_t *file_data = malloc((size_t)N * (ITEM_SIZE + 4));
    uint8_t *enc[N];
    for (int i = 0; i < N; i++) {
        enc[i] = encode(raw + (size_t)i * ITEM_SIZE, ITEM_SIZE);
        memcpy(file_data + (size_t)i * (ITEM_SIZE + 4), enc[i], ITEM_SIZE + 4);
    }
    wt_write_file(L"custom.bin", file_data, (size_t)N * (ITEM_SIZE + 4));
    WCHAR path[MAX_PATH];
    wt_path(path, MAX_PATH, L"custom.bin");
    IDStorageFile *file = NULL;
    CHECK_HR(f->lpVtbl->OpenFile(f, path, &IID_IDStorageFile, (void **)&file), S_OK);
    REQUIRE(file != NULL, "open");

    /* Half from the file, half from memory. */
    for (int i = 0; i < N; i++) {
        DSTORAGE_REQUEST r = {0};
        r.Options.CompressionFormat = MY_FORMAT;
        r.Options.DestinationType = DSTORAGE_REQUEST_DESTINATION_MEMORY;
        r.Destination.Memory.Buffer = out + (size_t)i * ITEM_SIZE;
        r.Destination.Memory.Size = ITEM_SIZE;
        r.UncompressedSize = ITEM_SIZE;
        if (i % 2) {
            r.Options.SourceType = DSTORAGE_REQUEST_SOURCE_FILE;
            r.Source.File.Source = file;
            r.Source.File.Offset = (UINT64)i * (ITEM_SIZE + 4);
            r.Source.File.Size = ITEM_SIZE + 4;
            fq->lpVtbl->EnqueueRequest(fq, &r);
        } else {
            r.Options.SourceType = DSTORAGE_REQUEST_SOURCE_MEMORY;
            r.Source.Memory.Source = enc[i];
            r.Source.Memory.Size = ITEM_SIZE + 4;
            mq->lpVtbl->EnqueueRequest(mq, &r);
        }
    }
    fq->lpVtbl->EnqueueStatus(fq, st, 0);
    mq->lpVtbl->EnqueueStatus(mq, st, 1);
    CHECK(WaitForSingleObject(ev, 100) == WAIT_TIMEOUT, "nothing offered before Submit");
    fq->lpVtbl->Submit(fq);
    mq->lpVtbl->Submit(mq);

    /* The game's decompression loop. */
    int handled = 0;
    DWORD start = GetTickCount();
    while (handled < N && GetTickCount() - start < 30000) {
        if (WaitForSingleObject(ev, 1000) != WAIT_OBJECT_0)
            continue;
        DSTORAGE_CUSTOM_DECOMPRESSION_REQUEST reqs[8];
        UINT32 n = 0;
        HRESULT hr =
            cq->lpVtbl->GetRequests1(cq, DSTORAGE_GET_REQUEST_FLAG_SELECT_CUSTOM, 8, reqs, &n);
        CHECK(hr == S_OK, "GetRequests1 = %#lx", (unsigned long)hr);
        DSTORAGE_CUSTOM_DECOMPRESSION_RESULT res[8];
        for (UINT32 i = 0; i < n; i++) {
            res[i].Id = reqs[i].Id;
            res[i].Result = decode(&reqs[i]);
        }
        if (n)
            CHECK_HR(cq->lpVtbl->SetRequestResults(cq, n, res), S_OK);
        handled += (int)n;
    }
    CHECK(handled == N, "the game decompressed %d of %d", handled, N);
    CHECK(wt_wait_status(st, 0, 30000) && wt_wait_status(st, 1, 30000), "complete");
    CHECK_HR(st->lpVtbl->GetHResult(st, 0), S_OK);
    CHECK_HR(st->lpVtbl->GetHResult(st, 1), S_OK);
    CHECK(memcmp(raw, out, (size_t)N * ITEM_SIZE) == 0, "custom-decompressed data");

    /* A request the game fails: the failure reaches its status entry. Also the 1.0
     * GetRequests (every kind). */
    enc[0][5] ^= 1; /* breaks the checksum */
    DSTORAGE_REQUEST r = {0};
    r.Options.CompressionFormat = MY_FORMAT;
    r.Options.SourceType = DSTORAGE_REQUEST_SOURCE_MEMORY;
    r.Options.DestinationType = DSTORAGE_REQUEST_DESTINATION_MEMORY;
    r.Source.Memory.Source = enc[0];
    r.Source.Memory.Size = ITEM_SIZE + 4;
    r.Destination.Memory.Buffer = out;
    r.Destination.Memory.Size = ITEM_SIZE;
    r.UncompressedSize = ITEM_SIZE;
    mq->lpVtbl->EnqueueRequest(mq, &r);
    mq->lpVtbl->EnqueueStatus(mq, st, 2);
    mq->lpVtbl->Submit(mq);
    CHECK(WaitForSingleObject(ev, 30000) == WAIT_OBJECT_0, "offered");
    DSTORAGE_CUSTOM_DECOMPRESSION_REQUEST one;
    UINT32 n = 0;
    CHECK_HR(cq->lpVtbl->GetRequests(cq, 1, &one, &n), S_OK);
    CHECK(n == 1 && one.DstBuffer == out && one.DstSize == ITEM_SIZE, "the request as enqueued");
    DSTORAGE_CUSTOM_DECOMPRESSION_RESULT bad = {one.Id, decode(&one)};
    CHECK(bad.Result == E_FAIL, "the game's decoder notices");
    CHECK_HR(cq->lpVtbl->SetRequestResults(cq, 1, &bad), S_OK);
    CHECK(wt_wait_status(st, 2, 30000), "failed request completes");
    HRESULT hr = st->lpVtbl->GetHResult(st, 2);
    CHECK(FAILED(hr), "failure reported: %#lx", (unsigned long)hr);
    CHECK(WaitForSingleObject(ev, 0) == WAIT_TIMEOUT, "event reset when drained");

    fq->lpVtbl->Close(fq);
    mq->lpVtbl->Close(mq);
    fq->lpVtbl->Release(fq);
    mq->lpVtbl->Release(mq);
    file->lpVtbl->Release(file);
    st->lpVtbl->Release(st);
    cq->lpVtbl->Release(cq);
    f->lpVtbl->Release(f);
    return wt_end();
}
