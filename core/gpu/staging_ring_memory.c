/* Vulkan memory behind the executor's rings (staging_ring_memory.h). */
#include "gpu/staging_ring_memory.h"

#include <stdio.h>
#include <string.h>

#include "gpu/vk_buffer.h"
#include "log.h"

const char *dsvk_staging_placement_name(dsvk_staging_placement p)
{
    switch (p) {
    case DSVK_STAGING_AUTO: return "auto";
    case DSVK_STAGING_HOST: return "host";
    case DSVK_STAGING_REBAR: return "rebar";
    }
    return "?";
}

bool dsvk_staging_placement_parse(const char *s, dsvk_staging_placement *out)
{
    static const dsvk_staging_placement all[] = {DSVK_STAGING_AUTO, DSVK_STAGING_HOST,
                                                 DSVK_STAGING_REBAR};
    for (size_t i = 0; s && i < sizeof(all) / sizeof(all[0]); i++) {
        if (!strcmp(s, dsvk_staging_placement_name(all[i]))) {
            *out = all[i];
            return true;
        }
    }
    return false;
}

/* Higher is better; -1 when the type cannot serve. */
static int score(const VkPhysicalDeviceMemoryProperties *mp, uint32_t i, dsvk_ring_memory_kind kind,
                 VkDeviceSize size)
{
    VkMemoryPropertyFlags f = mp->memoryTypes[i].propertyFlags;
    bool visible = f & VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT;
    bool coherent = f & VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
    bool local = f & VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT;
    VkDeviceSize heap = mp->memoryHeaps[mp->memoryTypes[i].heapIndex].size;
    if (f & (VK_MEMORY_PROPERTY_PROTECTED_BIT | VK_MEMORY_PROPERTY_LAZILY_ALLOCATED_BIT))
        return -1;
    if (heap < size)
        return -1;
    switch (kind) {
    case DSVK_RING_MEMORY_HOST:
        if (!visible)
            return -1;
        return (coherent ? 4 : 0) + (local ? 0 : 2);
    case DSVK_RING_MEMORY_REBAR:
        if (!visible || !local || heap / 4 < size)
            return -1;
        return coherent ? 1 : 0;
    case DSVK_RING_MEMORY_DEVICE: return local ? 1 : 0;
    }
    return -1;
}

int dsvk_ring_memory_pick_type(const VkPhysicalDeviceMemoryProperties *mp, uint32_t type_bits,
                               dsvk_ring_memory_kind kind, VkDeviceSize size)
{
    int best = -1, best_score = -1;
    for (uint32_t i = 0; i < mp->memoryTypeCount && i < 32; i++) {
        if (!(type_bits & (1u << i)))
            continue;
        int s = score(mp, i, kind, size);
        if (s > best_score) { /* ties: the lower index, which drivers list first for a reason */
            best = (int)i;
            best_score = s;
        }
    }
    return best;
}

static const char *kind_name(dsvk_ring_memory_kind kind)
{
    switch (kind) {
    case DSVK_RING_MEMORY_HOST: return "host-visible";
    case DSVK_RING_MEMORY_REBAR: return "device-local host-visible";
    case DSVK_RING_MEMORY_DEVICE: return "device-local";
    }
    return "?";
}

typedef struct ring_pick {
    const VkPhysicalDeviceMemoryProperties *mp;
    dsvk_ring_memory_kind kind;
} ring_pick;

static int pick_ring_type(const VkMemoryRequirements *req, const void *ctx)
{
    const ring_pick *r = ctx;
    return dsvk_ring_memory_pick_type(r->mp, req->memoryTypeBits, r->kind, req->size);
}

dsvk_result dsvk_ring_memory_create(dsvk_device *dev, VkDeviceSize size, VkBufferUsageFlags usage,
                                    dsvk_ring_memory_kind kind, bool device_address,
                                    const char *what, dsvk_ring_memory *out)
{
    memset(out, 0, sizeof(*out));
    ring_pick rp = {&dev->desc.memory_properties, kind};
    char named[96]; /* what, with the memory it wants: the failure messages name both */
    snprintf(named, sizeof(named), "%s (%s memory)", what, kind_name(kind));
    dsvk_vkbuf b;
    uint32_t type;
    dsvk_result r = dsvk_vkbuf_create_picked(&dev->vk, dev->desc.device, size, usage,
                                             device_address, kind != DSVK_RING_MEMORY_DEVICE,
                                             pick_ring_type, &rp, named, &b, &type);
    if (r != DSVK_OK)
        return r;
    VkMemoryPropertyFlags f = dev->desc.memory_properties.memoryTypes[type].propertyFlags;
    out->buffer = b.buffer;
    out->memory = b.memory;
    out->map = b.map;
    out->address = b.address;
    out->size = size;
    out->type_index = (uint32_t)type;
    out->coherent = f & VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
    out->device_local = f & VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT;
    out->atom = dev->desc.properties.limits.nonCoherentAtomSize;
    if (out->atom == 0)
        out->atom = 1;
    DSVK_INFO("gpu executor: %s: %llu KiB of %s memory (type %u%s)", what,
              (unsigned long long)(size >> 10), kind_name(kind), type,
              kind == DSVK_RING_MEMORY_DEVICE ? "" : (out->coherent ? ", coherent" : ", flushed"));
    return DSVK_OK;
}

void dsvk_ring_memory_destroy(dsvk_device *dev, dsvk_ring_memory *m)
{
    VkDevice device = dev->desc.device;
    if (m->map)
        dev->vk.UnmapMemory(device, m->memory);
    if (m->buffer != VK_NULL_HANDLE)
        dev->vk.DestroyBuffer(device, m->buffer, NULL);
    if (m->memory != VK_NULL_HANDLE)
        dev->vk.FreeMemory(device, m->memory, NULL);
    memset(m, 0, sizeof(*m));
}

/* [offset, offset + size) widened to whole atoms inside the allocation. */
static VkMappedMemoryRange atom_range(const dsvk_ring_memory *m, VkDeviceSize offset,
                                      VkDeviceSize size)
{
    VkDeviceSize start = offset - offset % m->atom;
    VkDeviceSize end = offset + size;
    end = end % m->atom ? end + (m->atom - end % m->atom) : end;
    VkMappedMemoryRange r = {
        .sType = VK_STRUCTURE_TYPE_MAPPED_MEMORY_RANGE,
        .memory = m->memory,
        .offset = start,
        .size = end - start,
    };
    /* The allocation may be smaller than a whole atom past the buffer's end. */
    if (end >= m->size)
        r.size = VK_WHOLE_SIZE;
    return r;
}

VkResult dsvk_ring_memory_flush(dsvk_device *dev, const dsvk_ring_memory *m, VkDeviceSize offset,
                                VkDeviceSize size)
{
    if (m->coherent || !m->map || size == 0)
        return VK_SUCCESS;
    VkMappedMemoryRange r = atom_range(m, offset, size);
    return dev->vk.FlushMappedMemoryRanges(dev->desc.device, 1, &r);
}

VkResult dsvk_ring_memory_invalidate(dsvk_device *dev, const dsvk_ring_memory *m,
                                     VkDeviceSize offset, VkDeviceSize size)
{
    if (m->coherent || !m->map || size == 0)
        return VK_SUCCESS;
    VkMappedMemoryRange r = atom_range(m, offset, size);
    return dev->vk.InvalidateMappedMemoryRanges(dev->desc.device, 1, &r);
}
