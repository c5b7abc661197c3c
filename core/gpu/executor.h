/*
 * The GPU executor: requests whose destination is a VkBuffer range or VkImage region(s)
 * (DSVK_DEST_BUFFER, IMAGE_REGION, SUBRESOURCES, TILES) on a registered device.
 *
 * One executor per device, created on the first GPU request (or by
 * dsvk_gpu_executor_configure), attached to the device as a client: unregistration drains it
 * (waits for its submitted work, fails what was not submitted) and releases its Vulkan
 * objects. Design, cancellation and device-loss semantics: docs/GPU_EXECUTOR.md.
 *
 * The queue engine calls the dsvk_gpu_exec_* hooks; they follow the rules of core/src/exec.c
 * (a request's pending count, stages adding work before releasing their own count).
 */
#ifndef DSVK_GPU_EXECUTOR_H
#define DSVK_GPU_EXECUTOR_H

#include <stdbool.h>
#include <stdint.h>

#include <dsvk/request.h>
#include <dsvk/runtime.h>
#include <dsvk/vulkan.h>

#include "gpu/staging_ring_memory.h"

struct dsvk_exec;

/* ---- hooks of the queue engine ------------------------------------------------------ */

/* BUFFER, IMAGE_REGION, SUBRESOURCES and TILES. */
bool dsvk_gpu_destination(dsvk_destination_type type);

/*
 * Enqueue-time check of a GPU request on a queue created with `dev`: destination shape,
 * formats, sizes against the staging size (DSVK_E_REQUEST_TOO_LARGE), what the device can do.
 * Logs why a request is refused.
 */
dsvk_result dsvk_gpu_exec_validate(dsvk_device *dev, const dsvk_request *req, const char *queue,
                                   const char *name);

/* dsvk_exec_start for GPU requests (inside the start hold). */
void dsvk_gpu_exec_start(struct dsvk_exec *e);
/* The request's source bytes are at src (the staging ring, or host memory for CPU decoding):
 * the compute stage. Called by process() while the caller holds a pending count. */
void dsvk_gpu_exec_data_ready(struct dsvk_exec *e, const void *src, uint64_t size);
/* Cancellation: takes the request back when it waits for ring space or for recording.
 * true: the caller drops one pending count for it (like dsvk_staging_forget). */
bool dsvk_gpu_exec_withdraw(struct dsvk_exec *e);
/* The request's pending count reached zero: give its ring space and device count back. */
void dsvk_gpu_exec_finished(struct dsvk_exec *e);

/* ---- for programs that register their own device (tests, dsvk-bench) ---------------- */

typedef struct dsvk_gpu_executor_opts {
    /* AUTO: $DSVK_STAGING when set (host|rebar|auto), else auto. */
    dsvk_staging_placement staging;
    /* For registrants whose description does not say which shader features are enabled
     * (version 1, or a version-2 description with enabled_shader left zero): the GDeflate
     * shader needs storageBuffer8BitAccess enabled, and its atomics use Device scope, which a
     * device with vulkanMemoryModel enabled allows only with vulkanMemoryModelDeviceScope.
     * Setting this promises both; the shader is then usable as if
     * enabled_shader.storage_buffer_8bit were set. Descriptions that carry the features
     * (the layer's) need no promise. */
    bool shader_features;
} dsvk_gpu_executor_opts;

/*
 * Creates the device's executor now with these options. DSVK_E_BUSY when it exists already
 * (options apply only at creation), DSVK_E_DEVICE_LOST when the device is being unregistered,
 * DSVK_E_UNSUPPORTED without timeline semaphores, DSVK_E_OUT_OF_DEVICE_MEMORY.
 */
dsvk_result dsvk_gpu_executor_configure(dsvk_device *dev, const dsvk_gpu_executor_opts *opts);

typedef struct dsvk_gpu_executor_info {
    dsvk_staging_placement staging; /* HOST or REBAR: where the ring is */
    bool staging_coherent;
    bool staging_device_local;
    dsvk_decoder decoder;       /* GDeflate decoder in use: GPU, GPU_NATIVE or CPU */
    const char *shader_variant; /* when decoder is GPU, else NULL */
    uint64_t ring_size;
    uint64_t batches;    /* submitted command buffers */
    uint64_t requests;   /* requests recorded into them */
    uint64_t dropped;    /* requests taken back or failed before recording */
    uint64_t ring_wraps; /* allocations that wrapped to the ring's start */
    uint64_t ring_waits; /* requests that waited for ring space */
    bool lost;
} dsvk_gpu_executor_info;

/* false when the device has no executor (yet). */
bool dsvk_gpu_executor_get_info(dsvk_device *dev, dsvk_gpu_executor_info *out);

#endif
