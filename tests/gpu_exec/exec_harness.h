/*
 * The GPU executor tests' harness: a Vulkan device of the test's own (lavapipe, with the
 * Khronos validation layer and a messenger that counts its warnings and errors), registered
 * with a runtime through the native path (dsvk_device_register), with the test holding the
 * queue lock around its own submissions. Helpers make destination buffers and images, read
 * them back, write source files and wait for queues.
 *
 * Fault injection: the description's vkGetDeviceProcAddr wraps vkQueueSubmit and
 * vkAllocateMemory, which fail (device lost / out of device memory) while the test says so.
 * Helpers fail the running cmocka test with a message that says what is missing.
 */
#ifndef DSVK_TESTS_EXEC_HARNESS_H
#define DSVK_TESTS_EXEC_HARNESS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <dsvk/dsvk.h>
#include <dsvk/vulkan.h>

#include "gpu/executor.h"
#include "gpu/vk_standalone.h"

typedef struct eh_opts {
    uint32_t staging_mb;  /* runtime staging size; 0 = default (32) */
    dsvk_decoder decoder; /* runtime decoder */
    bool configure;       /* create the executor now with `exec` (else on first use) */
    dsvk_gpu_executor_opts exec;
    /* The description: its version (0: DSVK_VK_DEVICE_DESC_VERSION; 1: registered with the
     * version-1 size), and whether its enabled_shader says what the device was created with
     * (else zero, like a registrant that does not fill it). hide_device_scope: it says
     * vulkanMemoryModel without vulkanMemoryModelDeviceScope. */
    uint32_t desc_version;
    bool describe_shader;
    bool hide_device_scope;
} eh_opts;

typedef struct eh {
    dsvk_vkstandalone vk;
    dsvk_runtime *rt;
    dsvk_device *dev; /* NULL once eh_unregister ran */
    VkQueueFamilyProperties family;
    pthread_mutex_t queue_lock; /* the test's and the core's submissions on vk.queue */
    VkCommandPool pool;
    VkCommandBuffer cmd;
    VkFence fence;
} eh;

typedef struct eh_buffer {
    VkBuffer buffer;
    VkDeviceMemory memory;
    uint8_t *map;
    VkDeviceSize size;
} eh_buffer;

typedef struct eh_image {
    VkImage image;
    VkDeviceMemory memory;
    VkFormat format;
    uint32_t width, height, mips, layers;
    VkImageLayout layout;
} eh_image;

/* Faults the wrapped entry points report while set. */
extern atomic_int eh_inject_submit_lost;
extern atomic_int eh_inject_alloc_oom;

void eh_init(eh *h, const eh_opts *opts);
/* Unregisters (when still registered), destroys the runtime and the device, and fails the
 * test when validation reported anything. */
void eh_fini(eh *h);
void eh_unregister(eh *h);
unsigned eh_messages(eh *h);

/* A host-visible, coherent buffer usable as copy destination and source, filled with `fill`. */
void eh_buffer_create(eh *h, VkDeviceSize size, uint8_t fill, eh_buffer *b);
void eh_buffer_destroy(eh *h, eh_buffer *b);

/* An optimal-tiling image with TRANSFER_SRC|TRANSFER_DST|SAMPLED usage, left in `layout`. */
void eh_image_create(eh *h, VkFormat format, uint32_t width, uint32_t height, uint32_t mips,
                     uint32_t layers, VkImageLayout layout, eh_image *img);
void eh_image_destroy(eh *h, eh_image *img);
/* Bytes per texel block and block extent of `format` (fails the test for others). */
void eh_block(VkFormat format, uint32_t *bytes, uint32_t *bw, uint32_t *bh);
/* Tightly packed bytes of one subresource (rows of whole blocks), malloc'd; *size set. */
uint8_t *eh_image_read(eh *h, eh_image *img, uint32_t mip, uint32_t layer, size_t *size);
/* Writes tightly packed bytes into one subresource with the test's own copy. */
void eh_image_write(eh *h, eh_image *img, uint32_t mip, uint32_t layer, const void *data);

/* A temporary file with these bytes, opened through the runtime; the path is removed at
 * eh_file_close. */
dsvk_file *eh_file(eh *h, const void *data, size_t size);
void eh_file_close(dsvk_file *f);

/* A queue of the given source type on the device. */
dsvk_queue *eh_queue(eh *h, dsvk_source_type type, uint16_t capacity);
/* Submits, waits (up to 500 s: with a cold shader cache lavapipe compiles the decoder's
 * pipeline first) for a status entry enqueued now, returns its result. */
dsvk_result eh_wait(eh *h, dsvk_queue *q);
/* The same for a queue of any runtime (devices registered by the layer, for instance). */
dsvk_result eh_wait_queue(dsvk_runtime *rt, dsvk_queue *q);

/* Deterministic bytes. */
void eh_fill(void *dst, size_t n, uint64_t seed);
/* Reads a whole file (DSVK_VECTORS-relative names); fails the test if missing. */
uint8_t *eh_read_vector(const char *name, size_t *size);

#endif
