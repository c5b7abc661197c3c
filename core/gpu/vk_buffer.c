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

static dsvk_result vk_error(VkResult vr)
{
    return vr == VK_ERROR_DEVICE_LOST ? DSVK_E_DEVICE_LOST : DSVK_E_OUT_OF_DEVICE_MEMORY;
}

dsvk_result dsvk_vkbuf_create_picked(const dsvk_vkfns *f, VkDevice dev, VkDeviceSize size,
                                     VkBufferUsageFlags usage, bool device_address, bool map,
                                     dsvk_vkbuf_pick_fn pick, const void *ctx, const char *what,
                                     dsvk_vkbuf *out, uint32_t *type_index)
{
    memset(out, 0, sizeof(*out));
    *type_index = 0;
    if (device_address && !f->GetBufferDeviceAddress) {
        DSVK_ERR("gpu: %s: buffer device addresses wanted, vkGetBufferDeviceAddress missing", what);
        return DSVK_E_UNSUPPORTED;
    }
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
        DSVK_ERR("gpu: cannot create the %s buffer (%llu bytes): VkResult %d", what,
                 (unsigned long long)size, vr);
        out->buffer = VK_NULL_HANDLE;
        return vk_error(vr);
    }
    VkMemoryRequirements req;
    f->GetBufferMemoryRequirements(dev, out->buffer, &req);
    int type = pick(&req, ctx);
    if (type < 0) {
        DSVK_WARN("gpu: no suitable memory type for the %s (%llu bytes)", what,
                  (unsigned long long)req.size);
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
        DSVK_ERR("gpu: cannot allocate %llu bytes of memory type %d for the %s: VkResult %d",
                 (unsigned long long)req.size, type, what, vr);
        out->memory = VK_NULL_HANDLE;
        dsvk_vkbuf_destroy(f, dev, out);
        return vk_error(vr);
    }
    vr = f->BindBufferMemory(dev, out->buffer, out->memory, 0);
    if (vr == VK_SUCCESS && map)
        vr = f->MapMemory(dev, out->memory, 0, VK_WHOLE_SIZE, 0, &out->map);
    if (vr != VK_SUCCESS) {
        DSVK_ERR("gpu: cannot bind or map the %s: VkResult %d", what, vr);
        out->map = NULL;
        dsvk_vkbuf_destroy(f, dev, out);
        return vk_error(vr);
    }
    out->size = size;
    if (device_address) {
        VkBufferDeviceAddressInfo ai = {
            .sType = VK_STRUCTURE_TYPE_BUFFER_DEVICE_ADDRESS_INFO,
            .buffer = out->buffer,
        };
        out->address = f->GetBufferDeviceAddress(dev, &ai);
    }
    *type_index = (uint32_t)type;
    return DSVK_OK;
}

typedef struct kind_pick {
    const VkPhysicalDeviceMemoryProperties *mp;
    VkMemoryPropertyFlags want, prefer;
} kind_pick;

static int pick_by_flags(const VkMemoryRequirements *req, const void *ctx)
{
    const kind_pick *k = ctx;
    return dsvk_vk_memory_type(k->mp, req->memoryTypeBits, k->want, k->prefer);
}

dsvk_result dsvk_vkbuf_create(const dsvk_vkfns *f, VkDevice dev,
                              const VkPhysicalDeviceMemoryProperties *mp, VkDeviceSize size,
                              VkBufferUsageFlags usage, dsvk_vkmem kind, bool device_address,
                              dsvk_vkbuf *out)
{
    kind_pick k = {.mp = mp};
    const char *what = "device-local";
    switch (kind) {
    case DSVK_VKMEM_DEVICE: k.prefer = VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT; break;
    case DSVK_VKMEM_UPLOAD:
        k.want = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
        what = "upload";
        break;
    case DSVK_VKMEM_READBACK:
        k.want = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
        k.prefer = VK_MEMORY_PROPERTY_HOST_CACHED_BIT;
        what = "read-back";
        break;
    }
    uint32_t type;
    return dsvk_vkbuf_create_picked(f, dev, size, usage, device_address, kind != DSVK_VKMEM_DEVICE,
                                    pick_by_flags, &k, what, out, &type);
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
