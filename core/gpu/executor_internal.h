/*
 * The GPU executor's internal structures, shared by its files:
 *   executor.c            the per-device registry, creation, the device client hooks
 *   executor_config.c     what an executor will be: DSVK_STAGING, ring size, decoder choice
 *   executor_device.c     its Vulkan objects
 *   executor_request.c    a request's way: ring space, data, ready, cancel, finish
 *   executor_cpu_decode.c GDeflate tiles decoded by the workers into the staging ring
 *   executor_batch.c      assembling and recording a command buffer of requests
 *   executor_threads.c    the submit thread and the completion thread
 *   executor_validate.c   enqueue-time checks
 *
 * Locking: x->lock guards the lists, the rings and the flags below it. It is never held
 * while calling Vulkan (except vkSignalSemaphore-free bookkeeping), the queue engine or the
 * I/O engine.
 */
#ifndef DSVK_GPU_EXECUTOR_INTERNAL_H
#define DSVK_GPU_EXECUTOR_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <dsvk/gdeflate.h>

#include "gpu/device.h"
#include "gpu/executor.h"
#include "gpu/gdeflate_gpu.h"
#include "gpu/staging_ring.h"
#include "gpu/staging_ring_memory.h"
#include "internal.h"
#include "workers.h"

/* How a request's bytes reach its destination. */
typedef enum dsvk_gpu_path {
    DSVK_GPU_PATH_COPY,          /* uncompressed: file -> staging ring -> copy */
    DSVK_GPU_PATH_DECODE_CPU,    /* GDeflate: host memory -> workers -> staging ring -> copy */
    DSVK_GPU_PATH_DECODE_SHADER, /* GDeflate: staging ring -> dsvk's shader -> scratch -> copy */
    DSVK_GPU_PATH_DECODE_NATIVE, /* GDeflate: staging ring -> vkCmdDecompressMemoryNV -> scratch */
} dsvk_gpu_path;

/* Where a request is; changes under x->lock. */
typedef enum dsvk_gpu_state {
    DSVK_GPU_NEW,        /* started, no ring space yet */
    DSVK_GPU_WAIT_SPACE, /* in x's wait list (holds one pending count) */
    DSVK_GPU_FILLING,    /* has ring space; reads, a copy or tile decodes are filling it */
    DSVK_GPU_READY,      /* in x's ready list (holds one pending count) */
    DSVK_GPU_TAKEN,      /* taken by the submit thread: recorded or about to be */
} dsvk_gpu_state;

typedef struct dsvk_gpu_executor dsvk_gpu_executor;

typedef struct dsvk_gpu_tile_job {
    dsvk_job job;
    struct dsvk_gpu_req *g;
    uint32_t tile;
} dsvk_gpu_tile_job;

/* A GPU request's executor state (dsvk_exec.gpu), from start until it finishes. */
typedef struct dsvk_gpu_req {
    dsvk_exec *e;
    dsvk_gpu_executor *x;
    dsvk_gpu_path path;
    dsvk_gpu_state state;
    uint64_t data_size;   /* uncompressed bytes the copy reads */
    uint64_t source_size; /* bytes of the source (compressed for GDeflate) */
    bool has_staging, has_scratch;
    dsvk_ring_alloc staging; /* COPY, DECODE_CPU: the data; SHADER/NATIVE: the stream */
    dsvk_ring_alloc scratch; /* SHADER/NATIVE: the decoded data */
    bool waited;             /* counted once in ring_waits */
    /* GDeflate. */
    dsvk_gdeflate_info gd;
    const uint8_t *cpu_src; /* DECODE_CPU: the stream in host memory */
    dsvk_gpu_tile_job *tile_jobs;
    atomic_uint tiles_left;
    dsvk_gdgpu_tile *tiles;    /* SHADER/NATIVE: descriptors, offsets in the rings */
    uint32_t status_slot;      /* SHADER: its word in the batch's status area */
    struct dsvk_gpu_req *next; /* wait list, ready list or batch */
} dsvk_gpu_req;

/* One submitted (or being recorded) command buffer. */
typedef struct dsvk_gpu_batch {
    VkCommandBuffer cmd;
    uint64_t value;     /* timeline value its submission signals */
    dsvk_gpu_req *reqs; /* recorded requests, in order */
    uint32_t count;
    int decode_slot; /* shader decode slot in use, -1 */
    struct dsvk_gpu_batch *next;
} dsvk_gpu_batch;

/* Jobs and status words of one shader dispatch, in the control buffer. */
typedef struct dsvk_gpu_decode_slot {
    VkDeviceSize jobs_offset, status_offset;
    dsvk_gdgpu_binding *binding;
    bool busy;
} dsvk_gpu_decode_slot;

#define DSVK_GPU_DECODE_SLOTS 4
#define DSVK_GPU_SLOT_REQUESTS 256 /* shader requests per batch (status words) */
#define DSVK_GPU_BATCH_MAX 512     /* requests per command buffer */
/* Command buffers submitted and not completed at most. With one executing and one queued
 * the GPU never idles, and requests that turn ready meanwhile gather into the next batch
 * instead of one submission each (the H200 run showed ~1 batch per request otherwise). */
#define DSVK_GPU_MAX_INFLIGHT 2

struct dsvk_gpu_executor {
    dsvk_device *dev;
    struct dsvk_gpu_executor *next; /* registry */

    pthread_mutex_t lock;
    pthread_cond_t submit_wake;   /* ready work, a freed decode slot, or stop */
    pthread_cond_t complete_wake; /* a batch in flight, or stop */

    /* What it is (fixed at creation). */
    dsvk_staging_placement staging_placement;
    dsvk_decoder decoder; /* for GDeflate: CPU, GPU (shader) or GPU_NATIVE */
    /* Set when the shader refused to run on this device (executor_batch.c): later GDeflate
     * requests take the CPU path. */
    atomic_bool shader_unusable;
    uint64_t align;
    uint64_t ring_size;

    /* Vulkan objects (executor_device.c). */
    VkCommandPool pool;
    VkSemaphore timeline;
    dsvk_ring_memory staging_mem, scratch_mem, control_mem;
    dsvk_gdgpu *shader;
    dsvk_gpu_decode_slot slots[DSVK_GPU_DECODE_SLOTS];
    uint32_t slot_tiles; /* tile descriptors per slot */

    /* Guarded by lock. */
    dsvk_ring staging, scratch;
    dsvk_gpu_req *wait_head, *wait_tail;   /* waiting for ring space, FIFO */
    dsvk_gpu_req *ready_head, *ready_tail; /* waiting to be recorded */
    dsvk_gpu_batch *inflight_head, *inflight_tail;
    uint32_t inflight_count;
    dsvk_gpu_batch *free_batches;
    uint64_t next_value; /* last timeline value submitted */
    bool draining, lost, stop;
    uint64_t slot_gen;          /* bumped whenever a decode slot is given back */
    bool granting, grant_again; /* a thread runs granted waiters (executor_request.c) */
    uint64_t stat_batches, stat_requests, stat_dropped, stat_waits;

    pthread_t submit_thread, complete_thread;
    bool threads_started;
};

/* executor.c */
dsvk_gpu_executor *dsvk_gpu_exec_get(dsvk_device *dev, dsvk_result *err);
/* The registry's executor of dev without creating one; lost state for validation. */
bool dsvk_gpu_exec_is_lost(dsvk_device *dev);

/* executor_config.c */
dsvk_staging_placement dsvk_gpu_exec_staging_from_env(void);
uint64_t dsvk_gpu_exec_alignment(const dsvk_device *dev);
uint64_t dsvk_gpu_exec_ring_size(const dsvk_device *dev);
bool dsvk_gpu_exec_native_usable(const dsvk_device *dev);
/* The GDeflate decoder for this device and configuration; no_shader is NULL when the
 * shader was created, else why not. Logs a forced decoder that is not available. */
dsvk_decoder dsvk_gpu_exec_pick_decoder(const dsvk_device *dev, dsvk_decoder wanted,
                                        const char *no_shader, bool native_usable);

/* executor_device.c */
dsvk_result dsvk_gpu_exec_create_objects(dsvk_gpu_executor *x, const dsvk_gpu_executor_opts *opts);
void dsvk_gpu_exec_destroy_objects(dsvk_gpu_executor *x);
VkResult dsvk_gpu_exec_batch_cmd(dsvk_gpu_executor *x, dsvk_gpu_batch *b); /* allocates cmd */
const char *dsvk_gpu_exec_variant_name(const dsvk_gpu_executor *x);        /* NULL without shader */

/* executor_request.c */
void dsvk_gpu_exec_fail_req(dsvk_gpu_req *g, dsvk_result r); /* fail + drop one count */
void dsvk_gpu_exec_make_ready(dsvk_gpu_req *g);
/* Sets draining and fails every request waiting for space or for recording with r. */
void dsvk_gpu_exec_drain_lists(dsvk_gpu_executor *x, dsvk_result r);
uint8_t *dsvk_gpu_exec_staging_ptr(const dsvk_gpu_req *g);
void dsvk_gpu_exec_note_decoder(dsvk_gpu_req *g);

/* executor_cpu_decode.c */
void dsvk_gpu_exec_cpu_decode(dsvk_gpu_req *g);

/* executor_batch.c: records the requests of b (taken from the ready list) into b->cmd; the
 * ones that cannot go into this batch come back in *deferred (in order), the ones dropped
 * (cancelled) are finished. Returns the VkResult of recording. */
VkResult dsvk_gpu_exec_record(dsvk_gpu_executor *x, dsvk_gpu_batch *b, dsvk_gpu_req *taken,
                              dsvk_gpu_req **deferred);
/* After the batch completed: per-request decode results (status words); frees its slot. */
void dsvk_gpu_exec_batch_results(dsvk_gpu_executor *x, dsvk_gpu_batch *b);
/* Gives the batch's decode slot back (a batch that was not submitted). */
void dsvk_gpu_exec_release_slot(dsvk_gpu_executor *x, dsvk_gpu_batch *b);

/* executor_threads.c */
dsvk_result dsvk_gpu_exec_start_threads(dsvk_gpu_executor *x);
/* Stops and joins them; false when called on one of them (from a callback), which is then
 * detached and still uses the executor's memory. */
bool dsvk_gpu_exec_stop_threads(dsvk_gpu_executor *x);

#endif
