/*
 * Custom decompression: DirectStorage's IDStorageCustomDecompressionQueue.
 *
 * Requests whose compression is an application-defined format (0x80..0xFF), and GDeflate
 * requests to host memory when built-in CPU decompression is disabled
 * (cpu_decompression_threads = -1), are read into staging memory and then offered here.
 * The application takes them, decompresses src into dst, and reports a result per id.
 */
#ifndef DSVK_CUSTOM_H
#define DSVK_CUSTOM_H

#include <stdint.h>

#include <dsvk/runtime.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum dsvk_custom_select {
    DSVK_CUSTOM_SELECT_CUSTOM = 1,  /* formats 0x80..0xFF */
    DSVK_CUSTOM_SELECT_BUILTIN = 2, /* built-in formats (GDeflate) */
    DSVK_CUSTOM_SELECT_ALL = 3,
} dsvk_custom_select;

typedef struct dsvk_custom_request {
    uint64_t id;          /* pass back to dsvk_custom_set_results */
    uint8_t compression;  /* dsvk_compression */
    uint64_t src_size;
    const void *src;      /* valid until the result is set */
    uint64_t dst_size;
    void *dst;
} dsvk_custom_request;

typedef struct dsvk_custom_result {
    uint64_t id;
    dsvk_result result;   /* DSVK_OK, or the failure to report for that request */
} dsvk_custom_result;

/* An eventfd readable while requests wait to be taken. Owned by the runtime. */
DSVK_API int dsvk_custom_event_fd(dsvk_runtime *rt);

/* Takes up to max waiting requests of the selected kinds; *count receives how many. */
DSVK_API dsvk_result dsvk_custom_get_requests(dsvk_runtime *rt, dsvk_custom_select select,
                                              uint32_t max, dsvk_custom_request *out,
                                              uint32_t *count);

/* Completes taken requests. Unknown ids are ignored (logged). */
DSVK_API dsvk_result dsvk_custom_set_results(dsvk_runtime *rt, uint32_t count,
                                             const dsvk_custom_result *results);

#ifdef __cplusplus
}
#endif

#endif
