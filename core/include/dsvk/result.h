/*
 * Result codes. Every DirectStorage HRESULT that a Linux runtime can produce has one
 * code here, so a translator maps them one to one; DSVK_OK is 0 and failures are negative.
 */
#ifndef DSVK_RESULT_H
#define DSVK_RESULT_H

#include <dsvk/api.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum dsvk_result {
    DSVK_OK = 0,
    DSVK_E_PENDING = -1,                  /* status entry not complete yet (E_PENDING) */
    DSVK_E_INVALID_ARGUMENT = -2,         /* a NULL handle, an unknown enum value, a bad flag */
    DSVK_E_NO_MEMORY = -3,
    DSVK_E_IO = -4,                       /* the kernel reported an I/O error; errno in the record */
    DSVK_E_END_OF_FILE = -5,              /* the range reaches past the end of the file */
    DSVK_E_FILE_NOT_OPEN = -6,            /* open failed, or the file was closed */
    DSVK_E_INVALID_FILE_OFFSET = -7,      /* offset + size overflows */
    DSVK_E_INVALID_QUEUE_CAPACITY = -8,   /* capacity outside 128..8192 */
    DSVK_E_INVALID_QUEUE_PRIORITY = -9,   /* priority outside LOW..REALTIME */
    DSVK_E_INVALID_MEMORY_QUEUE_PRIORITY = -10, /* a memory-source queue must be REALTIME */
    DSVK_E_INVALID_SOURCE_TYPE = -11,     /* request source does not match the queue */
    DSVK_E_INVALID_DESTINATION_TYPE = -12,/* GPU destination on a queue without device */
    DSVK_E_INVALID_DESTINATION_SIZE = -13,/* destination size != uncompressed size */
    DSVK_E_REQUEST_TOO_LARGE = -14,
    DSVK_E_DECOMPRESSION = -15,           /* corrupt compressed data */
    DSVK_E_UNSUPPORTED_FORMAT = -16,      /* compression format nobody handles */
    DSVK_E_QUEUE_CLOSED = -17,
    DSVK_E_INDEX_BOUND = -18,             /* status array index out of range */
    DSVK_E_UNSUPPORTED = -19,             /* feature not available on this system or build */
    DSVK_E_DEVICE_LOST = -20,
    DSVK_E_OUT_OF_DEVICE_MEMORY = -21,
    DSVK_E_COMPRESSED_DATA_TOO_LARGE = -22,
    DSVK_E_INVALID_FENCE = -23,           /* a signal entry without a target */
    DSVK_E_INVALID_STATUS_ARRAY = -24,
    DSVK_E_BUSY = -25,                    /* configuration change while objects exist */
    DSVK_E_CANCELLED = -26,               /* only in per-request reports; never a failure */
} dsvk_result;

/* A short constant English description ("end of file", …); never NULL. */
DSVK_API const char *dsvk_result_string(dsvk_result r);

#ifdef __cplusplus
}
#endif

#endif
