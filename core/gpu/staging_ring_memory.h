/*
 * Vulkan memory behind the executor's rings: the staging ring (host-visible, mapped: file
 * reads land in it) and the device-local scratch ring GPU decoders write into.
 *
 * Placement of the staging ring (DSVK_STAGING):
 *   host  - HOST_VISIBLE system memory, HOST_COHERENT preferred (else every range is
 *           flushed before submission); the GPU reads it over the bus while copying;
 *   rebar - DEVICE_LOCAL | HOST_VISIBLE memory ("resizable BAR"): the CPU writes across the
 *           bus instead and the GPU copies from its own memory. Used only when such a type
 *           exists on a heap at least four times the ring size (without resizable BAR the
 *           window is 256 MiB and belongs to the driver and the game); otherwise host;
 *   auto  - host, until measurements say which wins where (a public report has ReBAR
 *           halving throughput on RADV).
 */
#ifndef DSVK_GPU_STAGING_RING_MEMORY_H
#define DSVK_GPU_STAGING_RING_MEMORY_H

#include <stdbool.h>
#include <stdint.h>

#include <dsvk/result.h>
#include <vulkan/vulkan.h>

#include "gpu/device.h"

typedef enum dsvk_staging_placement {
    DSVK_STAGING_AUTO = 0,
    DSVK_STAGING_HOST = 1,
    DSVK_STAGING_REBAR = 2,
} dsvk_staging_placement;

/* "auto", "host", "rebar". */
const char *dsvk_staging_placement_name(dsvk_staging_placement p);
/* Parses the names above; false for anything else. */
bool dsvk_staging_placement_parse(const char *s, dsvk_staging_placement *out);

typedef enum dsvk_ring_memory_kind {
    DSVK_RING_MEMORY_HOST,   /* staging in system memory */
    DSVK_RING_MEMORY_REBAR,  /* staging in device-local host-visible memory */
    DSVK_RING_MEMORY_DEVICE, /* scratch: device-local, not mapped */
} dsvk_ring_memory_kind;

typedef struct dsvk_ring_memory {
    VkBuffer buffer;
    VkDeviceMemory memory;
    VkDeviceSize size;
    uint8_t *map;  /* host pointer, NULL for DEVICE */
    bool coherent; /* HOST_COHERENT: no flush / invalidate needed */
    bool device_local;
    uint32_t type_index;
    VkDeviceAddress address; /* with device_address, else 0 */
    VkDeviceSize atom;       /* nonCoherentAtomSize */
} dsvk_ring_memory;

/*
 * The memory type for a ring of `size` bytes of this kind among type_bits, or -1. HOST wants
 * HOST_VISIBLE and prefers HOST_COHERENT, then not DEVICE_LOCAL; REBAR wants DEVICE_LOCAL |
 * HOST_VISIBLE on a heap of at least 4 * size and prefers HOST_COHERENT; DEVICE prefers
 * DEVICE_LOCAL. Pure; unit-tested with NVIDIA-, AMD- and lavapipe-shaped memory properties.
 */
int dsvk_ring_memory_pick_type(const VkPhysicalDeviceMemoryProperties *mp, uint32_t type_bits,
                               dsvk_ring_memory_kind kind, VkDeviceSize size);

/*
 * Creates the buffer (usage as given, plus SHADER_DEVICE_ADDRESS with device_address), its
 * memory and the mapping. DSVK_E_OUT_OF_DEVICE_MEMORY when an allocation fails,
 * DSVK_E_UNSUPPORTED when no memory type fits. `what` names the ring in log lines.
 */
dsvk_result dsvk_ring_memory_create(dsvk_device *dev, VkDeviceSize size, VkBufferUsageFlags usage,
                                    dsvk_ring_memory_kind kind, bool device_address,
                                    const char *what, dsvk_ring_memory *out);
void dsvk_ring_memory_destroy(dsvk_device *dev, dsvk_ring_memory *m);

/* Host writes to [offset, offset + size) -> the device; nothing to do for coherent memory. */
VkResult dsvk_ring_memory_flush(dsvk_device *dev, const dsvk_ring_memory *m, VkDeviceSize offset,
                                VkDeviceSize size);
/* Device writes -> host reads of [offset, offset + size); nothing for coherent memory. */
VkResult dsvk_ring_memory_invalidate(dsvk_device *dev, const dsvk_ring_memory *m,
                                     VkDeviceSize offset, VkDeviceSize size);

#endif
