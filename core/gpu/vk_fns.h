/*
 * The Vulkan device commands the core calls, resolved once per device through a
 * vkGetDeviceProcAddr: the description's on a registered device (the next layer's when the
 * layer registered it, so no call goes through the loader's trampolines), the loader's on
 * dsvk's own device in tests and tools. The core never links libvulkan. One table serves the
 * GPU executor and the GDeflate decoder.
 *
 * REQUIRED entries are Vulkan 1.0 commands: loading fails without them. OPTIONAL ones depend
 * on the API version or an extension and may be NULL; callers check them together with what
 * the device has enabled.
 */
#ifndef DSVK_GPU_VK_FNS_H
#define DSVK_GPU_VK_FNS_H

#include <stdbool.h>

#include <vulkan/vulkan.h>

/* X(name): Vulkan 1.0 device commands, looked up by "vk" #name. */
#define DSVK_VKFNS_REQUIRED(X)                                                                     \
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
    X(CmdDispatchIndirect)                                                                         \
    X(CmdWriteTimestamp)                                                                           \
    X(CreateQueryPool)                                                                             \
    X(DestroyQueryPool)                                                                            \
    X(CmdResetQueryPool)                                                                           \
    X(GetQueryPoolResults)                                                                         \
    X(GetDeviceQueue)

/* X(field, type, core name, alias name or NULL): commands of Vulkan 1.2/1.3 or extensions.
 * The core name is tried first, then the alias. */
#define DSVK_VKFNS_OPTIONAL(X)                                                                     \
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
      "vkCmdDecompressMemoryIndirectCountEXT", NULL)                                               \
    X(GetPipelineExecutablePropertiesKHR, PFN_vkGetPipelineExecutablePropertiesKHR,                \
      "vkGetPipelineExecutablePropertiesKHR", NULL)                                                \
    X(GetPipelineExecutableStatisticsKHR, PFN_vkGetPipelineExecutableStatisticsKHR,                \
      "vkGetPipelineExecutableStatisticsKHR", NULL)

typedef struct dsvk_vkfns {
#define DSVK_VKFNS_FIELD(name) PFN_vk##name name;
    DSVK_VKFNS_REQUIRED(DSVK_VKFNS_FIELD)
#undef DSVK_VKFNS_FIELD
#define DSVK_VKFNS_OPT_FIELD(field, type, name, alias) type field;
    DSVK_VKFNS_OPTIONAL(DSVK_VKFNS_OPT_FIELD)
#undef DSVK_VKFNS_OPT_FIELD
} dsvk_vkfns;

/* Resolves every command; false (with *missing naming the first absent required one) when a
 * required command is missing. */
bool dsvk_vkfns_load(dsvk_vkfns *f, VkDevice device, PFN_vkGetDeviceProcAddr gdpa,
                     const char **missing);

#endif
