/*
 * A self-contained GDeflate GPU batch: GDeflate tile streams uploaded once into device-local
 * memory, decoded by dsvk's shader or by VK_NV_memory_decompression (with GPU timestamps),
 * and read back. Tests, dsvk-bench and the decoder selection (gdeflate_gpu_select.h) use it;
 * the executor builds its own batches from requests with the gdeflate_gpu.h calls directly.
 *
 * Layout: streams are packed into one input buffer (each at a 4-byte boundary plus an optional
 * shift, to test unaligned tiles), outputs are packed into one output buffer (each stream at
 * a 4-byte boundary), and every tile has its own status slot. Tiles are split into segments
 * whose input and output ranges fit the device's maxStorageBufferRange; each segment is one
 * indirect dispatch.
 */
#ifndef DSVK_GPU_GDEFLATE_GPU_BATCH_H
#define DSVK_GPU_GDEFLATE_GPU_BATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <dsvk/result.h>

#include "gpu/gdeflate_gpu.h"
#include "gpu/vk_buffer.h"
#include "gpu/vk_cmd.h"
#include "gpu/vk_fns.h"

/* Where a batch runs. */
typedef struct dsvk_gdgpu_env {
    VkDevice device;
    const dsvk_vkfns *vk;
    const VkPhysicalDeviceMemoryProperties *memory;
    const VkPhysicalDeviceLimits *limits;
    VkQueue queue;
    uint32_t queue_family;
    uint32_t timestamp_bits; /* of the queue family; 0: no timings */
    bool buffer_device_address;
    /* Optional lock around vkQueueSubmit (the executor's queue lock). */
    void (*lock)(void *user);
    void (*unlock)(void *user);
    void *lock_user;
} dsvk_gdgpu_env;

typedef struct dsvk_gdgpu_stream {
    const void *data; /* a whole GDeflate tile stream */
    size_t size;
} dsvk_gdgpu_stream;

typedef struct dsvk_gdgpu_batch_opts {
    uint32_t input_shift;     /* 0..3 bytes added to each stream's 4-byte aligned position */
    bool native;              /* also prepare the VK_NV_memory_decompression regions */
    VkDeviceSize max_segment; /* 0: the device limit; smaller values force more segments */
} dsvk_gdgpu_batch_opts;

typedef struct dsvk_gdgpu_batch dsvk_gdgpu_batch;

/* Uploads the streams (headers are parsed and validated here: DSVK_E_DECOMPRESSION for a
 * corrupt header or tile table) and prepares descriptors, bindings and regions. */
dsvk_result dsvk_gdgpu_batch_create(const dsvk_gdgpu_env *env, dsvk_gdgpu *g,
                                    const dsvk_gdgpu_stream *streams, uint32_t n,
                                    const dsvk_gdgpu_batch_opts *opts, dsvk_gdgpu_batch **out);
void dsvk_gdgpu_batch_destroy(dsvk_gdgpu_batch *b);

uint32_t dsvk_gdgpu_batch_tiles(const dsvk_gdgpu_batch *b);
uint32_t dsvk_gdgpu_batch_segments(const dsvk_gdgpu_batch *b);
uint64_t dsvk_gdgpu_batch_output_size(const dsvk_gdgpu_batch *b); /* sum of stream outputs */
uint64_t dsvk_gdgpu_batch_input_size(const dsvk_gdgpu_batch *b);  /* sum of stream sizes */
/* Where stream i's output starts in the output buffer, and its first tile's index. */
uint64_t dsvk_gdgpu_batch_stream_output(const dsvk_gdgpu_batch *b, uint32_t i);
uint32_t dsvk_gdgpu_batch_stream_first_tile(const dsvk_gdgpu_batch *b, uint32_t i);

/*
 * Zeroes the status slots, fills the output with `poison`, then decodes every tile
 * `iterations` times (a barrier between repetitions) with the shader, or with
 * VK_NV_memory_decompression when native. *gpu_seconds (may be NULL) receives the GPU time
 * between timestamps around the decodes (all repetitions), or -1 without timestamps.
 */
dsvk_result dsvk_gdgpu_batch_run(dsvk_gdgpu_batch *b, bool native, uint32_t iterations,
                                 uint8_t poison, double *gpu_seconds);

/* Copies the whole output (dsvk_gdgpu_batch_output_size bytes) to dst. */
dsvk_result dsvk_gdgpu_batch_read_output(dsvk_gdgpu_batch *b, void *dst);
/* Copies the status slots (one per tile) to dst. */
dsvk_result dsvk_gdgpu_batch_read_status(dsvk_gdgpu_batch *b, uint32_t *dst);

#endif
