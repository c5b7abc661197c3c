/* Buffers with their own memory (vk_buffer.h). */
#include "gpu/vk_buffer.h"

#include <string.h>

#include "log.h"

int dsvk_vk_memory_type(const VkPhysicalDeviceMemoryProperties *mp, uint32_t type_bits,
                        VkMemoryPropertyFlags want, VkMemoryPropertyFlags prefer)
{
    int fallback = -1;
    for (uint32_t i = 0; i < mp->memoryTypeCount; i++) {
        if (!(type_bits & (1u << i)))
            continue;
        VkMemoryPropertyFlags fl = mp->memoryTypes[i].propertyFlags;
        if ((fl & want) != want)
            continue;
        if ((fl & prefer) == prefer)
            return (int)i;
        if (fallback < 0)
            fallback = (int)i;
    }
    return fallback;
}

dsvk_result dsvk_vkbuf_create(const dsvk_vkfns *f, VkDevice dev,
                              const VkPhysicalDeviceMemoryProperties *mp, VkDeviceSize size,
                              VkBufferUsageFlags usage, dsvk_vkmem kind, bool device_address,
                              dsvk_vkbuf *out)
{
    memset(out, 0, sizeof(*out));
    if (device_address)
        usage |= VK_BUFFER_USAGE_SHADER_DEVICE_ADDRESS_BIT;
    VkBufferCreateInfo bci = {
        .sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
        .size = size,
        .usage = usage,
        .sharingMode = VK_SHARING_MODE_EXCLUSIVE,
    };
    VkResult vr = f->CreateBuffer(dev, &bci, NULL, &out->buffer);
    if (vr != VK_SUCCESS) {
        DSVK_WARN("gpu: vkCreateBuffer(%llu bytes) failed: %d", (unsigned long long)size, vr);
        return DSVK_E_OUT_OF_DEVICE_MEMORY;
    }
    VkMemoryRequirements req;
    f->GetBufferMemoryRequirements(dev, out->buffer, &req);
    VkMemoryPropertyFlags want = 0, prefer = 0;
    switch (kind) {
    case DSVK_VKMEM_DEVICE: prefer = VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT; break;
    case DSVK_VKMEM_UPLOAD:
        want = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
        break;
    case DSVK_VKMEM_READBACK:
        want = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
        prefer = VK_MEMORY_PROPERTY_HOST_CACHED_BIT;
        break;
    }
    int type = dsvk_vk_memory_type(mp, req.memoryTypeBits, want, prefer);
    if (type < 0) {
        DSVK_WARN("gpu: no memory type for a buffer of kind %d", (int)kind);
        dsvk_vkbuf_destroy(f, dev, out);
        return DSVK_E_UNSUPPORTED;
    }
    VkMemoryAllocateFlagsInfo flags = {
        .sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_FLAGS_INFO,
        .flags = VK_MEMORY_ALLOCATE_DEVICE_ADDRESS_BIT,
    };
    VkMemoryAllocateInfo mai = {
        .sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
        .pNext = device_address ? &flags : NULL,
        .allocationSize = req.size,
        .memoryTypeIndex = (uint32_t)type,
    };
    vr = f->AllocateMemory(dev, &mai, NULL, &out->memory);
    if (vr != VK_SUCCESS) {
        DSVK_WARN("gpu: vkAllocateMemory(%llu bytes) failed: %d", (unsigned long long)req.size, vr);
        dsvk_vkbuf_destroy(f, dev, out);
        return DSVK_E_OUT_OF_DEVICE_MEMORY;
    }
    vr = f->BindBufferMemory(dev, out->buffer, out->memory, 0);
    if (vr == VK_SUCCESS && kind != DSVK_VKMEM_DEVICE)
        vr = f->MapMemory(dev, out->memory, 0, VK_WHOLE_SIZE, 0, &out->map);
    if (vr != VK_SUCCESS) {
        dsvk_vkbuf_destroy(f, dev, out);
        return DSVK_E_OUT_OF_DEVICE_MEMORY;
    }
    out->size = size;
    if (device_address) {
        if (!f->GetBufferDeviceAddress) {
            dsvk_vkbuf_destroy(f, dev, out);
            return DSVK_E_UNSUPPORTED;
        }
        VkBufferDeviceAddressInfo ai = {
            .sType = VK_STRUCTURE_TYPE_BUFFER_DEVICE_ADDRESS_INFO,
            .buffer = out->buffer,
        };
        out->address = f->GetBufferDeviceAddress(dev, &ai);
    }
    return DSVK_OK;
}

void dsvk_vkbuf_destroy(const dsvk_vkfns *f, VkDevice dev, dsvk_vkbuf *b)
{
    if (b->map)
        f->UnmapMemory(dev, b->memory);
    if (b->buffer != VK_NULL_HANDLE)
        f->DestroyBuffer(dev, b->buffer, NULL);
    if (b->memory != VK_NULL_HANDLE)
        f->FreeMemory(dev, b->memory, NULL);
    memset(b, 0, sizeof(*b));
}
