/*
 * Queues: DirectStorage's ordering, error and cancellation semantics.
 *
 * - Entries are requests, status entries and signal entries. Requests may complete in any
 *   order; a status or signal entry completes when every entry enqueued before it has.
 * - Capacity counts entries (128..8192); one slot is kept free, so an empty queue has
 *   capacity-1 empty slots. Enqueue blocks while the queue is full.
 * - Entries run once submitted: dsvk_queue_submit(), or automatically when half the
 *   capacity is enqueued and not yet submitted.
 * - A status entry reports the first failure (in enqueue order) of the requests enqueued
 *   since the previous status entry of the queue. Cancelled requests are not failures.
 * - The queue keeps an error record of its first failure since the record was last
 *   retrieved, and notifies through the error callback and the error eventfd.
 * - Cancellation: when dsvk_queue_cancel() returns, no matching request will write its
 *   destination any more (dsvk's promise, stronger than DirectStorage's "best effort");
 *   status and signal entries still complete.
 * - Callbacks (signals, errors) run on core threads, one at a time per queue, in order, and
 *   never inside dsvk_queue_enqueue_*, dsvk_queue_submit, dsvk_queue_cancel or
 *   dsvk_custom_set_results (dsvk_queue_close delivers what is left before it returns; a
 *   status or signal entry rejected at enqueue notifies the error inside that call). They
 *   may enqueue, submit and cancel, on any queue; they must not close the queue they are
 *   called for, nor wait for its later entries to complete.
 * - Requests to host memory must not overlap while both are in flight: the destination is
 *   written by several threads.
 */
#ifndef DSVK_QUEUE_H
#define DSVK_QUEUE_H

#include <stdint.h>

#include <dsvk/request.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct dsvk_queue dsvk_queue;
typedef struct dsvk_status_array dsvk_status_array;
typedef struct dsvk_device dsvk_device; /* a GPU device; see dsvk/vulkan.h */

#define DSVK_QUEUE_MIN_CAPACITY 128
#define DSVK_QUEUE_MAX_CAPACITY 8192

/* Values equal DirectStorage's DSTORAGE_PRIORITY. */
typedef enum dsvk_priority {
    DSVK_PRIORITY_LOW = -1,
    DSVK_PRIORITY_NORMAL = 0,
    DSVK_PRIORITY_HIGH = 1,
    DSVK_PRIORITY_REALTIME = 2,
} dsvk_priority;

typedef enum dsvk_entry_kind {
    DSVK_ENTRY_NONE = -1,
    DSVK_ENTRY_REQUEST = 0,
    DSVK_ENTRY_STATUS = 1,
    DSVK_ENTRY_SIGNAL = 2,
} dsvk_entry_kind;

/* Called on a core thread when the queue records a failure and its error record was empty. */
typedef void (*dsvk_error_fn)(void *user, dsvk_queue *queue);

typedef struct dsvk_queue_desc {
    dsvk_source_type source_type;
    uint16_t capacity;        /* 128..8192 */
    dsvk_priority priority;   /* a memory-source queue must be REALTIME */
    const char *name;         /* optional; copied */
    dsvk_device *device;      /* optional: needed for GPU destinations */
    dsvk_error_fn on_error;   /* optional */
    void *on_error_user;
} dsvk_queue_desc;

/* Errors: INVALID_QUEUE_CAPACITY, INVALID_QUEUE_PRIORITY, INVALID_MEMORY_QUEUE_PRIORITY,
 * INVALID_SOURCE_TYPE, QUEUE_CLOSED (runtime shutting down). */
DSVK_API dsvk_result dsvk_queue_create(dsvk_runtime *rt, const dsvk_queue_desc *desc,
                                       dsvk_queue **out);

/*
 * Enqueues a request (blocks while the queue is full). A request that is invalid
 * (source type, destination type or size, file closed, …) still takes an entry and fails
 * like a failed read: the status entry after it and the error record report it. The
 * return value is the same validation result, for callers that want it at once.
 */
DSVK_API dsvk_result dsvk_queue_enqueue_request(dsvk_queue *q, const dsvk_request *req);

/* Enqueues a status entry that writes array[index] when every earlier entry is complete. */
DSVK_API dsvk_result dsvk_queue_enqueue_status(dsvk_queue *q, dsvk_status_array *array,
                                               uint32_t index);

/* How a signal entry is delivered. */
typedef void (*dsvk_signal_fn)(void *user, uint64_t value);

typedef struct dsvk_signal {
    dsvk_signal_fn fn; /* called on a core thread, in the queue's order; or NULL */
    void *user;
    int eventfd;       /* >= 0: value is written to it (eventfd adds it to its counter) */
    uint64_t value;
} dsvk_signal;

DSVK_API dsvk_result dsvk_queue_enqueue_signal(dsvk_queue *q, const dsvk_signal *signal);

/* Starts every enqueued entry. */
DSVK_API void dsvk_queue_submit(dsvk_queue *q);

/* Cancels every request of the queue, not yet complete, whose (cancel_tag & mask) == value. */
DSVK_API void dsvk_queue_cancel(dsvk_queue *q, uint64_t mask, uint64_t value);

/*
 * Closes the queue: entries not yet started are cancelled, work in flight is waited for,
 * no callback runs after this returns, and the handle is freed.
 */
DSVK_API void dsvk_queue_close(dsvk_queue *q);

typedef struct dsvk_error_record {
    uint32_t failure_count;  /* failures since the record was last retrieved */
    dsvk_result result;      /* of the first of them; DSVK_OK when there was none */
    dsvk_entry_kind kind;
    int sys_errno;           /* errno behind DSVK_E_IO / DSVK_E_FILE_NOT_OPEN, else 0 */
    dsvk_request request;    /* the failed request; name points at request_name,
                                source.u.file.file is NULL (the file may be gone) */
    char request_name[DSVK_REQUEST_MAX_NAME];
    char file_name[1024];    /* the request's file, "" for memory sources */
    dsvk_status_array *status_array; /* kind STATUS */
    uint32_t status_index;
    uint64_t signal_value;   /* kind SIGNAL */
} dsvk_error_record;

/* Copies the record of the first failure since the previous call, then clears it. */
DSVK_API void dsvk_queue_retrieve_error_record(dsvk_queue *q, dsvk_error_record *record);

/*
 * An eventfd that becomes readable when a failure is recorded into an empty error record
 * (like DirectStorage's error event). Owned by the queue; do not close it. -1 on error.
 */
DSVK_API int dsvk_queue_error_fd(dsvk_queue *q);

typedef struct dsvk_queue_info {
    dsvk_source_type source_type;
    uint16_t capacity;
    dsvk_priority priority;
    const char *name;
    uint16_t empty_slots;            /* capacity-1 when the queue is empty */
    uint16_t requests_until_autosubmit;
} dsvk_queue_info;

DSVK_API void dsvk_queue_query(dsvk_queue *q, dsvk_queue_info *info);

#define DSVK_LATENCY_BUCKETS 32 /* bucket i: latency in [2^i, 2^(i+1)) microseconds */

typedef struct dsvk_queue_stats {
    uint64_t requests_completed; /* succeeded */
    uint64_t requests_failed;
    uint64_t requests_cancelled;
    uint64_t bytes_read;         /* source bytes */
    uint64_t bytes_written;      /* destination bytes */
    uint64_t submits;
    uint64_t busy_ns;            /* time with at least one request in flight */
    uint64_t latency_hist[DSVK_LATENCY_BUCKETS]; /* submit -> completion, succeeded requests */
    uint32_t decode_path;        /* dsvk_decoder that decoded GDeflate data, or AUTO if none */
} dsvk_queue_stats;

DSVK_API void dsvk_queue_get_stats(dsvk_queue *q, dsvk_queue_stats *stats);

/* The latency in microseconds below which `percentile` (0..100) of the histogram lies
 * (the upper edge of that bucket); 0 for an empty histogram. */
DSVK_API uint64_t dsvk_stats_latency_percentile(const dsvk_queue_stats *stats,
                                                double percentile);

#ifdef __cplusplus
}
#endif

#endif
