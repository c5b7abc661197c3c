/*
 * DStorageSetConfiguration: NumBuiltInCpuDecompressionThreads = -1 hands GDeflate to the
 * game (the custom queue's SELECT_BUILTIN), which decodes it here with the codec; later
 * configuration is refused while objects exist; DStorageSetConfiguration1's rule about
 * ForceFileBuffering.
 */
#include <stdlib.h>
#include <string.h>

#include "wine_test.h"

int main(void)
{
    wt_begin("config");
    DSTORAGE_CONFIGURATION1 bad = {0};
    bad.ForceFileBuffering = TRUE;
    CHECK_HR(DStorageSetConfiguration1(&bad), E_DSTORAGE_FILEBUFFERING_REQUIRES_DISABLED_BYPASSIO);
    DSTORAGE_CONFIGURATION cfg = {0};
    cfg.NumBuiltInCpuDecompressionThreads = DSTORAGE_DISABLE_BUILTIN_CPU_DECOMPRESSION;
    CHECK_HR(DStorageSetConfiguration(&cfg), S_OK);
    IDStorageFactory *f = wt_factory();

    WCHAR dir[MAX_PATH], path[MAX_PATH];
    wt_vectors_dir(dir, MAX_PATH);
    size_t raw_size, gd_size;
    _snwprintf(path, MAX_PATH, L"%ls\\text_headers.raw", dir);
    uint8_t *raw = wt_read_whole(path, &raw_size);
    _snwprintf(path, MAX_PATH, L"%ls\\text_headers.l12.gdeflate", dir);
    uint8_t *gd = wt_read_whole(path, &gd_size);
    REQUIRE(raw && gd, "vectors");

    IDStorageCustomDecompressionQueue1 *cq = NULL;
    f->lpVtbl->QueryInterface(f, &IID_IDStorageCustomDecompressionQueue1, (void **)&cq);
    IDStorageCompressionCodec *codec = NULL;
    DStorageCreateCompressionCodec(DSTORAGE_COMPRESSION_FORMAT_GDEFLATE, 1,
                                   &IID_IDStorageCompressionCodec, (void **)&codec);
    DSTORAGE_QUEUE_DESC d = {.SourceType = DSTORAGE_REQUEST_SOURCE_MEMORY,
                             .Capacity = 128,
                             .Priority = DSTORAGE_PRIORITY_REALTIME,
                             .Name = "cfg"};
    IDStorageQueue2 *q = NULL;
    f->lpVtbl->CreateQueue(f, &d, &IID_IDStorageQueue2, (void **)&q);
    IDStorageStatusArray *st = NULL;
    f->lpVtbl->CreateStatusArray(f, 1, NULL, &IID_IDStorageStatusArray, (void **)&st);
    REQUIRE(cq && codec && q && st, "objects");
    CHECK(!(q->lpVtbl->GetCompressionSupport(q, DSTORAGE_COMPRESSION_FORMAT_GDEFLATE) &
            DSTORAGE_COMPRESSION_SUPPORT_CPU_FALLBACK),
          "no built-in CPU decompression when disabled");

    uint8_t *out = calloc(1, raw_size);
    DSTORAGE_REQUEST r = {0};
    r.Options.CompressionFormat = DSTORAGE_COMPRESSION_FORMAT_GDEFLATE;
    r.Options.SourceType = DSTORAGE_REQUEST_SOURCE_MEMORY;
    r.Options.DestinationType = DSTORAGE_REQUEST_DESTINATION_MEMORY;
    r.Source.Memory.Source = gd;
    r.Source.Memory.Size = (UINT32)gd_size;
    r.Destination.Memory.Buffer = out;
    r.Destination.Memory.Size = (UINT32)raw_size;
    r.UncompressedSize = (UINT32)raw_size;
    q->lpVtbl->EnqueueRequest(q, &r);
    q->lpVtbl->EnqueueStatus(q, st, 0);
    q->lpVtbl->Submit(q);

    HANDLE ev = cq->lpVtbl->GetEvent(cq);
    CHECK(WaitForSingleObject(ev, 30000) == WAIT_OBJECT_0, "GDeflate offered to the game");
    DSTORAGE_CUSTOM_DECOMPRESSION_REQUEST req;
    UINT32 n = 0;
    CHECK_HR(cq->lpVtbl->GetRequests1(cq, DSTORAGE_GET_REQUEST_FLAG_SELECT_CUSTOM, 1, &req, &n),
             S_OK);
    CHECK(n == 0, "not a custom format: SELECT_CUSTOM gets nothing");
    CHECK_HR(cq->lpVtbl->GetRequests1(cq, DSTORAGE_GET_REQUEST_FLAG_SELECT_BUILTIN, 1, &req, &n),
             S_OK);
    REQUIRE(n == 1, "the GDeflate request");
    CHECK(req.CompressionFormat == DSTORAGE_COMPRESSION_FORMAT_GDEFLATE && req.SrcSize == gd_size &&
              req.DstSize == raw_size && req.DstBuffer == out,
          "request fields");
    size_t got = 0;
    DSTORAGE_CUSTOM_DECOMPRESSION_RESULT res = {req.Id, S_OK};
    res.Result = codec->lpVtbl->DecompressBuffer(codec, req.SrcBuffer, (size_t)req.SrcSize,
                                                 req.DstBuffer, (size_t)req.DstSize, &got);
    CHECK_HR(res.Result, S_OK);
    CHECK_HR(cq->lpVtbl->SetRequestResults(cq, 1, &res), S_OK);
    CHECK(wt_wait_status(st, 0, 30000), "complete");
    CHECK_HR(st->lpVtbl->GetHResult(st, 0), S_OK);
    CHECK(!memcmp(out, raw, raw_size), "decoded by the game");

    /* Objects exist: a new configuration is refused. */
    CHECK_HR(DStorageSetConfiguration(&cfg), E_DSTORAGE_STAGING_BUFFER_LOCKED);
    CHECK_HR(f->lpVtbl->SetStagingBufferSize(f, 64u << 20), E_DSTORAGE_STAGING_BUFFER_LOCKED);

    q->lpVtbl->Release(q);
    st->lpVtbl->Release(st);
    cq->lpVtbl->Release(cq);
    codec->lpVtbl->Release(codec);
    f->lpVtbl->Release(f);
    free(out);
    return wt_end();
}
