/* One-shot command submission (vk_cmd.h). */
#include "gpu/vk_cmd.h"

#include <string.h>

#include "log.h"

dsvk_result dsvk_vkcmd_init(const dsvk_vkfns *f, VkDevice dev, uint32_t family, VkQueue queue,
                            dsvk_vkcmd *c)
{
    memset(c, 0, sizeof(*c));
    c->queue = queue;
    VkCommandPoolCreateInfo pci = {
        .sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO,
        .flags = VK_COMMAND_POOL_CREATE_TRANSIENT_BIT,
        .queueFamilyIndex = family,
    };
    if (f->CreateCommandPool(dev, &pci, NULL, &c->pool) != VK_SUCCESS)
        return DSVK_E_NO_MEMORY;
    VkCommandBufferAllocateInfo ai = {
        .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
        .commandPool = c->pool,
        .level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
        .commandBufferCount = 1,
    };
    VkFenceCreateInfo fci = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
    if (f->AllocateCommandBuffers(dev, &ai, &c->cmd) != VK_SUCCESS ||
        f->CreateFence(dev, &fci, NULL, &c->fence) != VK_SUCCESS) {
        dsvk_vkcmd_destroy(f, dev, c);
        return DSVK_E_NO_MEMORY;
    }
    return DSVK_OK;
}

void dsvk_vkcmd_destroy(const dsvk_vkfns *f, VkDevice dev, dsvk_vkcmd *c)
{
    if (c->fence != VK_NULL_HANDLE)
        f->DestroyFence(dev, c->fence, NULL);
    if (c->pool != VK_NULL_HANDLE)
        f->DestroyCommandPool(dev, c->pool, NULL); /* frees c->cmd */
    memset(c, 0, sizeof(*c));
}

dsvk_result dsvk_vkcmd_begin(const dsvk_vkfns *f, VkDevice dev, dsvk_vkcmd *c)
{
    if (f->ResetCommandPool(dev, c->pool, 0) != VK_SUCCESS)
        return DSVK_E_DEVICE_LOST;
    VkCommandBufferBeginInfo bi = {
        .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
        .flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT,
    };
    return f->BeginCommandBuffer(c->cmd, &bi) == VK_SUCCESS ? DSVK_OK : DSVK_E_NO_MEMORY;
}

dsvk_result dsvk_vkcmd_submit_wait(const dsvk_vkfns *f, VkDevice dev, dsvk_vkcmd *c,
                                   uint64_t timeout_ns)
{
    if (f->EndCommandBuffer(c->cmd) != VK_SUCCESS)
        return DSVK_E_NO_MEMORY;
    if (f->ResetFences(dev, 1, &c->fence) != VK_SUCCESS)
        return DSVK_E_DEVICE_LOST;
    VkSubmitInfo si = {
        .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
        .commandBufferCount = 1,
        .pCommandBuffers = &c->cmd,
    };
    if (c->lock)
        c->lock(c->lock_user);
    VkResult vr = f->QueueSubmit(c->queue, 1, &si, c->fence);
    if (c->unlock)
        c->unlock(c->lock_user);
    if (vr != VK_SUCCESS) {
        DSVK_ERR("gpu: vkQueueSubmit failed: %d", vr);
        return vr == VK_ERROR_DEVICE_LOST ? DSVK_E_DEVICE_LOST : DSVK_E_NO_MEMORY;
    }
    vr = f->WaitForFences(dev, 1, &c->fence, VK_TRUE, timeout_ns);
    if (vr != VK_SUCCESS) {
        DSVK_ERR("gpu: waiting for a submission failed: %d%s", vr,
                 vr == VK_TIMEOUT ? " (timeout)" : "");
        return DSVK_E_DEVICE_LOST;
    }
    return DSVK_OK;
}

void dsvk_vk_barrier(const dsvk_vkfns *f, VkCommandBuffer cmd, VkPipelineStageFlags src_stage,
                     VkAccessFlags src_access, VkPipelineStageFlags dst_stage,
                     VkAccessFlags dst_access)
{
    VkMemoryBarrier mb = {
        .sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER,
        .srcAccessMask = src_access,
        .dstAccessMask = dst_access,
    };
    f->CmdPipelineBarrier(cmd, src_stage, dst_stage, 0, 1, &mb, 0, NULL, 0, NULL);
}
