/*
 * The Vulkan device commands the GDeflate GPU decoder and its helpers call, resolved through a
 * vkGetDeviceProcAddr the caller provides (the next layer's in the layer, the loader's in tests
 * and tools). The core never links libvulkan.
 */
#ifndef DSVK_GPU_VK_FNS_H
#define DSVK_GPU_VK_FNS_H

#include <stdbool.h>

#include <vulkan/vulkan.h>

/* X(name): Vulkan 1.0 device commands, required. */
#define DSVK_VKFNS_REQUIRED(X)                                                                     \
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
    X(AllocateDescriptorSets)                                                                      \
    X(UpdateDescriptorSets)                                                                        \
    X(CmdBindPipeline)                                                                             \
    X(CmdBindDescriptorSets)                                                                       \
    X(CmdDispatch)                                                                                 \
    X(CmdDispatchIndirect)                                                                         \
    X(CmdPipelineBarrier)                                                                          \
    X(CmdCopyBuffer)                                                                               \
    X(CmdFillBuffer)                                                                               \
    X(CmdWriteTimestamp)                                                                           \
    X(CreateBuffer)                                                                                \
    X(DestroyBuffer)                                                                               \
    X(GetBufferMemoryRequirements)                                                                 \
    X(AllocateMemory)                                                                              \
    X(FreeMemory)                                                                                  \
    X(BindBufferMemory)                                                                            \
    X(MapMemory)                                                                                   \
    X(UnmapMemory)                                                                                 \
    X(CreateCommandPool)                                                                           \
    X(DestroyCommandPool)                                                                          \
    X(AllocateCommandBuffers)                                                                      \
    X(FreeCommandBuffers)                                                                          \
    X(BeginCommandBuffer)                                                                          \
    X(EndCommandBuffer)                                                                            \
    X(CreateFence)                                                                                 \
    X(DestroyFence)                                                                                \
    X(WaitForFences)                                                                               \
    X(ResetFences)                                                                                 \
    X(ResetCommandPool)                                                                            \
    X(QueueSubmit)                                                                                 \
    X(CreateQueryPool)                                                                             \
    X(DestroyQueryPool)                                                                            \
    X(CmdResetQueryPool)                                                                           \
    X(GetQueryPoolResults)                                                                         \
    X(GetDeviceQueue)

/* X(field, type, name, alias): may be NULL (extension or newer version not enabled). */
#define DSVK_VKFNS_OPTIONAL(X)                                                                     \
    X(GetBufferDeviceAddress, PFN_vkGetBufferDeviceAddress, "vkGetBufferDeviceAddress",            \
      "vkGetBufferDeviceAddressKHR")                                                               \
    X(CmdDecompressMemoryNV, PFN_vkCmdDecompressMemoryNV, "vkCmdDecompressMemoryNV", NULL)         \
    X(CmdDecompressMemoryIndirectCountNV, PFN_vkCmdDecompressMemoryIndirectCountNV,                \
      "vkCmdDecompressMemoryIndirectCountNV", NULL)                                                \
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
