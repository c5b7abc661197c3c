/*
 * GDeflate through DirectStorage: every reference vector at levels 1, 9 and 12, file ->
 * memory and memory -> memory, all in flight at once, compared with the raw data.
 */
#include <stdlib.h>
#include <string.h>

#include "wine_test.h"

static const char *const names[] = {"long_distance",    "mesh_vertices", "random_64k",
                                    "random_64k_plus1", "text_headers",  "tiny_1",
                                    "tiny_13",          "zeros_128k"};
static const int levels[] = {1, 9, 12};
#define NV (sizeof(names) / sizeof(names[0]))
#define NL (sizeof(levels) / sizeof(levels[0]))

typedef struct vector {
    WCHAR stream_path[MAX_PATH];
    void *raw, *stream;
    size_t raw_size, stream_size;
    void *out_file, *out_mem;
} vector;

int main(void)
{
    wt_begin("gdeflate");
    WCHAR dir[MAX_PATH];
    wt_vectors_dir(dir, MAX_PATH);
    IDStorageFactory *f = wt_factory();

    DSTORAGE_QUEUE_DESC fd = {.SourceType = DSTORAGE_REQUEST_SOURCE_FILE,
                              .Capacity = 512,
                              .Priority = DSTORAGE_PRIORITY_NORMAL,
                              .Name = "gd-file"};
    DSTORAGE_QUEUE_DESC md = {.SourceType = DSTORAGE_REQUEST_SOURCE_MEMORY,
                              .Capacity = 512,
                              .Priority = DSTORAGE_PRIORITY_REALTIME,
                              .Name = "gd-mem"};
    IDStorageQueue *fq = NULL, *mq = NULL;
    CHECK_HR(f->lpVtbl->CreateQueue(f, &fd, &IID_IDStorageQueue, (void **)&fq), S_OK);
    CHECK_HR(f->lpVtbl->CreateQueue(f, &md, &IID_IDStorageQueue, (void **)&mq), S_OK);
    REQUIRE(fq && mq, "queues");
    IDStorageQueue2 *q2 = NULL;
    CHECK_HR(fq->lpVtbl->QueryInterface(fq, &IID_IDStorageQueue2, (void **)&q2), S_OK);
    if (q2) {
        DSTORAGE_COMPRESSION_SUPPORT s =
            q2->lpVtbl->GetCompressionSupport(q2, DSTORAGE_COMPRESSION_FORMAT_GDEFLATE);
        CHECK(s & DSTORAGE_COMPRESSION_SUPPORT_CPU_FALLBACK, "GDeflate support %#x", s);
        q2->lpVtbl->Release(q2);
    }
    IDStorageStatusArray *st = NULL;
    CHECK_HR(f->lpVtbl->CreateStatusArray(f, 2, "gd", &IID_IDStorageStatusArray, (void **)&st),
             S_OK);
    REQUIRE(st != NULL, "status array");

    vector v[NV * NL];
    IDStorageFile *files[NV * NL];
    for (size_t i = 0; i < NV; i++) {
        for (size_t l = 0; l < NL; l++) {
            vector *x = &v[i * NL + l];
            WCHAR raw_path[MAX_PATH];
            _snwprintf(raw_path, MAX_PATH, L"%ls\\%hs.raw", dir, names[i]);
            _snwprintf(x->stream_path, MAX_PATH, L"%ls\\%hs.l%d.gdeflate", dir, names[i],
                       levels[l]);
            x->raw = wt_read_whole(raw_path, &x->raw_size);
            x->stream = wt_read_whole(x->stream_path, &x->stream_size);
            REQUIRE(x->raw && x->stream, "vector %s level %d readable", names[i], levels[l]);
            x->out_file = calloc(1, x->raw_size);
            x->out_mem = calloc(1, x->raw_size);
            files[i * NL + l] = NULL;
            CHECK_HR(f->lpVtbl->OpenFile(f, x->stream_path, &IID_IDStorageFile,
                                         (void **)&files[i * NL + l]),
                     S_OK);
            REQUIRE(files[i * NL + l] != NULL, "open");

            DSTORAGE_REQUEST r = {0};
            r.Options.CompressionFormat = DSTORAGE_COMPRESSION_FORMAT_GDEFLATE;
            r.Options.SourceType = DSTORAGE_REQUEST_SOURCE_FILE;
            r.Options.DestinationType = DSTORAGE_REQUEST_DESTINATION_MEMORY;
            r.Source.File.Source = files[i * NL + l];
            r.Source.File.Size = (UINT32)x->stream_size;
            r.Destination.Memory.Buffer = x->out_file;
            r.Destination.Memory.Size = (UINT32)x->raw_size;
            r.UncompressedSize = (UINT32)x->raw_size;
            r.Name = names[i];
            fq->lpVtbl->EnqueueRequest(fq, &r);

            DSTORAGE_REQUEST m = r;
            m.Options.SourceType = DSTORAGE_REQUEST_SOURCE_MEMORY;
            m.Source.Memory.Source = x->stream;
            m.Source.Memory.Size = (UINT32)x->stream_size;
            m.Destination.Memory.Buffer = x->out_mem;
            mq->lpVtbl->EnqueueRequest(mq, &m);
        }
    }
    fq->lpVtbl->EnqueueStatus(fq, st, 0);
    mq->lpVtbl->EnqueueStatus(mq, st, 1);
    fq->lpVtbl->Submit(fq);
    mq->lpVtbl->Submit(mq);
    CHECK(wt_wait_status(st, 0, 60000) && wt_wait_status(st, 1, 60000), "both complete");
    CHECK_HR(st->lpVtbl->GetHResult(st, 0), S_OK);
    CHECK_HR(st->lpVtbl->GetHResult(st, 1), S_OK);
    for (size_t k = 0; k < NV * NL; k++) {
        CHECK(memcmp(v[k].raw, v[k].out_file, v[k].raw_size) == 0, "file %ls decoded",
              v[k].stream_path);
        CHECK(memcmp(v[k].raw, v[k].out_mem, v[k].raw_size) == 0, "memory %ls decoded",
              v[k].stream_path);
        files[k]->lpVtbl->Release(files[k]);
    }

    /* A corrupt stream fails with E_DSTORAGE_DECOMPRESSION_ERROR, in its status entry. */
    vector *x = &v[1 * NL + 1]; /* mesh_vertices level 9 */
    uint8_t *bad = malloc(x->stream_size);
    memcpy(bad, x->stream, x->stream_size);
    for (size_t i = x->stream_size / 2; i < x->stream_size / 2 + 64; i++)
        bad[i] ^= 0x5a;
    DSTORAGE_REQUEST m = {0};
    m.Options.CompressionFormat = DSTORAGE_COMPRESSION_FORMAT_GDEFLATE;
    m.Options.SourceType = DSTORAGE_REQUEST_SOURCE_MEMORY;
    m.Options.DestinationType = DSTORAGE_REQUEST_DESTINATION_MEMORY;
    m.Source.Memory.Source = bad;
    m.Source.Memory.Size = (UINT32)x->stream_size;
    m.Destination.Memory.Buffer = x->out_mem;
    m.Destination.Memory.Size = (UINT32)x->raw_size;
    m.UncompressedSize = (UINT32)x->raw_size;
    mq->lpVtbl->EnqueueRequest(mq, &m);
    mq->lpVtbl->EnqueueStatus(mq, st, 1);
    mq->lpVtbl->Submit(mq);
    CHECK(wt_wait_status(st, 1, 30000), "corrupt stream completes");
    CHECK_HR(st->lpVtbl->GetHResult(st, 1), E_DSTORAGE_DECOMPRESSION_ERROR);

    fq->lpVtbl->Close(fq);
    mq->lpVtbl->Close(mq);
    fq->lpVtbl->Release(fq);
    mq->lpVtbl->Release(mq);
    st->lpVtbl->Release(st);
    f->lpVtbl->Release(f);
    return wt_end();
}
