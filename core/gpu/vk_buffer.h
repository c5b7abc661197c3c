/*
 * Buffers with their own memory: the GPU decoder's helpers, tests and tools choose the memory by
 * kind (dsvk_vkbuf_create), the executor's rings by their own rule (dsvk_vkbuf_create_picked,
 * staging_ring_memory.h).
 */
#ifndef DSVK_GPU_VK_BUFFER_H
#define DSVK_GPU_VK_BUFFER_H

#include <stdbool.h>

#include <dsvk/result.h>

#include "gpu/vk_fns.h"

typedef enum dsvk_vkmem {
    DSVK_VKMEM_DEVICE,   /* device-local, not mapped */
    DSVK_VKMEM_UPLOAD,   /* host-visible and coherent, mapped (write-combined is fine) */
    DSVK_VKMEM_READBACK, /* host-visible and coherent, cached when possible, mapped */
} dsvk_vkmem;

typedef struct dsvk_vkbuf {
    VkBuffer buffer;
    VkDeviceMemory memory;
    VkDeviceSize size;
    void *map;               /* host pointer of UPLOAD and READBACK buffers */
    VkDeviceAddress address; /* with device_address, else 0 */
} dsvk_vkbuf;

/* Creates a buffer of `size` bytes bound to fresh memory of the given kind. device_address
 * adds VK_BUFFER_USAGE_SHADER_DEVICE_ADDRESS_BIT and the matching allocation flag (the device
 * must have bufferDeviceAddress enabled). */
dsvk_result dsvk_vkbuf_create(const dsvk_vkfns *f, VkDevice dev,
                              const VkPhysicalDeviceMemoryProperties *mp, VkDeviceSize size,
                              VkBufferUsageFlags usage, dsvk_vkmem kind, bool device_address,
                              dsvk_vkbuf *out);
void dsvk_vkbuf_destroy(const dsvk_vkfns *f, VkDevice dev, dsvk_vkbuf *b);

/* Chooses a memory type for a buffer with these requirements: its index, or -1 for none. */
typedef int (*dsvk_vkbuf_pick_fn)(const VkMemoryRequirements *req, const void *ctx);

/*
 * What dsvk_vkbuf_create does, with the memory type chosen by pick(req, ctx) (the executor's
 * rings choose by heap size and placement): mapped when `map`, the chosen index in
 * *type_index. Failures are logged naming `what`: DSVK_E_UNSUPPORTED (no memory type, or no
 * vkGetBufferDeviceAddress), DSVK_E_DEVICE_LOST, else DSVK_E_OUT_OF_DEVICE_MEMORY; nothing is
 * left allocated.
 */
dsvk_result dsvk_vkbuf_create_picked(const dsvk_vkfns *f, VkDevice dev, VkDeviceSize size,
                                     VkBufferUsageFlags usage, bool device_address, bool map,
                                     dsvk_vkbuf_pick_fn pick, const void *ctx, const char *what,
                                     dsvk_vkbuf *out, uint32_t *type_index);

/* Index of a memory type allowed by type_bits with all of `want`, preferring also `prefer`;
 * -1 if none. */
int dsvk_vk_memory_type(const VkPhysicalDeviceMemoryProperties *mp, uint32_t type_bits,
                        VkMemoryPropertyFlags want, VkMemoryPropertyFlags prefer);

#endif
