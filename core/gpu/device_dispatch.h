/*
 * The Vulkan entry points the core calls on a registered device, resolved once at
 * registration through the description's get_device_proc_addr (the next layer's when the
 * layer registered the device), so no call goes through the loader's trampolines.
 *
 * REQUIRED entries are Vulkan 1.0 commands: registration fails without them. OPTIONAL ones
 * depend on the API version or an extension and may be NULL; the GPU path checks them
 * together with dsvk_vk_device_desc.enabled. Add what the executor needs here.
 */
#ifndef DSVK_GPU_DEVICE_DISPATCH_H
#define DSVK_GPU_DEVICE_DISPATCH_H

#include <stdbool.h>

#include <dsvk/vulkan.h>

/* X(name): Vulkan 1.0 device commands, looked up by "vk" #name. */
#define DSVK_VK_REQUIRED(X)                                                                        \
    X(QueueSubmit)                                                                                 \
    X(QueueWaitIdle)                                                                               \
    X(QueueBindSparse)                                                                             \
    X(CreateCommandPool)                                                                           \
    X(DestroyCommandPool)                                                                          \
    X(ResetCommandPool)                                                                            \
    X(AllocateCommandBuffers)                                                                      \
    X(FreeCommandBuffers)                                                                          \
    X(BeginCommandBuffer)                                                                          \
    X(EndCommandBuffer)                                                                            \
    X(CreateFence)                                                                                 \
    X(DestroyFence)                                                                                \
    X(ResetFences)                                                                                 \
    X(GetFenceStatus)                                                                              \
    X(WaitForFences)                                                                               \
    X(CreateSemaphore)                                                                             \
    X(DestroySemaphore)                                                                            \
    X(CreateBuffer)                                                                                \
    X(DestroyBuffer)                                                                               \
    X(GetBufferMemoryRequirements)                                                                 \
    X(BindBufferMemory)                                                                            \
    X(GetImageMemoryRequirements)                                                                  \
    X(AllocateMemory)                                                                              \
    X(FreeMemory)                                                                                  \
    X(MapMemory)                                                                                   \
    X(UnmapMemory)                                                                                 \
    X(FlushMappedMemoryRanges)                                                                     \
    X(InvalidateMappedMemoryRanges)                                                                \
    X(CreateShaderModule)                                                                          \
    X(DestroyShaderModule)                                                                         \
    X(CreateDescriptorSetLayout)                                                                   \
    X(DestroyDescriptorSetLayout)                                                                  \
    X(CreatePipelineLayout)                                                                        \
    X(DestroyPipelineLayout)                                                                       \
    X(CreateComputePipelines)                                                                      \
    X(DestroyPipeline)                                                                             \
    X(CreateDescriptorPool)                                                                        \
    X(DestroyDescriptorPool)                                                                       \
    X(ResetDescriptorPool)                                                                         \
    X(AllocateDescriptorSets)                                                                      \
    X(UpdateDescriptorSets)                                                                        \
    X(CmdPipelineBarrier)                                                                          \
    X(CmdCopyBuffer)                                                                               \
    X(CmdCopyBufferToImage)                                                                        \
    X(CmdFillBuffer)                                                                               \
    X(CmdBindPipeline)                                                                             \
    X(CmdBindDescriptorSets)                                                                       \
    X(CmdPushConstants)                                                                            \
    X(CmdDispatch)                                                                                 \
    X(CmdDispatchIndirect)

/* X(field, type, core name, alias name or NULL): commands of Vulkan 1.2/1.3 or extensions.
 * The core name is tried first, then the alias. */
#define DSVK_VK_OPTIONAL(X)                                                                        \
    X(WaitSemaphores, PFN_vkWaitSemaphores, "vkWaitSemaphores", "vkWaitSemaphoresKHR")             \
    X(SignalSemaphore, PFN_vkSignalSemaphore, "vkSignalSemaphore", "vkSignalSemaphoreKHR")         \
    X(GetSemaphoreCounterValue, PFN_vkGetSemaphoreCounterValue, "vkGetSemaphoreCounterValue",      \
      "vkGetSemaphoreCounterValueKHR")                                                             \
    X(GetBufferDeviceAddress, PFN_vkGetBufferDeviceAddress, "vkGetBufferDeviceAddress",            \
      "vkGetBufferDeviceAddressKHR")                                                               \
    X(QueueSubmit2, PFN_vkQueueSubmit2, "vkQueueSubmit2", "vkQueueSubmit2KHR")                     \
    X(CmdPipelineBarrier2, PFN_vkCmdPipelineBarrier2, "vkCmdPipelineBarrier2",                     \
      "vkCmdPipelineBarrier2KHR")                                                                  \
    X(CmdDecompressMemoryNV, PFN_vkCmdDecompressMemoryNV, "vkCmdDecompressMemoryNV", NULL)         \
    X(CmdDecompressMemoryIndirectCountNV, PFN_vkCmdDecompressMemoryIndirectCountNV,                \
      "vkCmdDecompressMemoryIndirectCountNV", NULL)                                                \
    /* VK_EXT_memory_decompression: its prototypes are newer than our headers; cast at use. */     \
    X(CmdDecompressMemoryEXT, PFN_vkVoidFunction, "vkCmdDecompressMemoryEXT", NULL)                \
    X(CmdDecompressMemoryIndirectCountEXT, PFN_vkVoidFunction,                                     \
      "vkCmdDecompressMemoryIndirectCountEXT", NULL)

typedef struct dsvk_vk_dispatch {
#define DSVK_VK_FIELD(name) PFN_vk##name name;
    DSVK_VK_REQUIRED(DSVK_VK_FIELD)
#undef DSVK_VK_FIELD
#define DSVK_VK_FIELD(name, type, core, alias) type name;
    DSVK_VK_OPTIONAL(DSVK_VK_FIELD)
#undef DSVK_VK_FIELD
} dsvk_vk_dispatch;

/*
 * Fills the table from desc->get_device_proc_addr. Returns false and names the first missing
 * required command in *missing when one is absent.
 */
bool dsvk_vk_dispatch_load(dsvk_vk_dispatch *vk, const dsvk_vk_device_desc *desc,
                           const char **missing);

#endif
