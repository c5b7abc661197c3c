/*
 * A Vulkan instance and device of dsvk's own, for tests and command-line tools (dsvk-bench):
 * everything the GDeflate GPU decoder can use is enabled when the device has it, optionally
 * with the Khronos validation layer and a debug messenger that counts its messages. In a game
 * the device is vkd3d-proton's, registered by the layer; this is never used there.
 *
 * Vulkan is reached only through the vkGetInstanceProcAddr the caller passes (the loader's).
 */
#ifndef DSVK_GPU_VK_STANDALONE_H
#define DSVK_GPU_VK_STANDALONE_H

#include <stdatomic.h>
#include <stdbool.h>

#include <dsvk/result.h>

#include "gpu/vk_fns.h"

typedef struct dsvk_vkstandalone_opts {
    PFN_vkGetInstanceProcAddr get_instance_proc_addr;
    bool validation;         /* VK_LAYER_KHRONOS_validation + counting messenger; its absence
                              * is an error */
    const char *device_name; /* substring of the device name; NULL: $DSVK_VK_DEVICE, else the
                              * first discrete GPU, else the first device */
    bool quiet;              /* do not print the loader's notices (validation messages always) */
} dsvk_vkstandalone_opts;

typedef struct dsvk_vkstandalone {
    VkInstance instance;
    VkPhysicalDevice physical_device;
    VkDevice device;
    VkQueue queue;
    uint32_t queue_family;
    PFN_vkGetDeviceProcAddr get_device_proc_addr;
    dsvk_vkfns fns;

    VkPhysicalDeviceProperties props;
    VkPhysicalDeviceSubgroupProperties subgroup;
    uint32_t min_subgroup_size, max_subgroup_size; /* 0 when the device cannot say */
    VkPhysicalDeviceMemoryProperties memory;
    uint8_t device_uuid[VK_UUID_SIZE];
    uint32_t timestamp_valid_bits;

    /* What was enabled on the device. */
    bool storage_buffer_8bit;
    bool vulkan_memory_model;
    bool vulkan_memory_model_device_scope;
    bool buffer_device_address;
    bool compute_full_subgroups;
    bool memory_decompression_nv;
    bool pipeline_statistics; /* VK_KHR_pipeline_executable_properties enabled */
    uint64_t nv_decompression_methods;
    uint64_t nv_max_indirect_count;

    /* Validation messages of severity warning or error seen so far. */
    atomic_uint messages;
    bool quiet;

    /* Instance-level commands kept for teardown. */
    PFN_vkDestroyInstance destroy_instance;
    PFN_vkDestroyDevice destroy_device;
    PFN_vkDeviceWaitIdle device_wait_idle;
    PFN_vkDestroyDebugUtilsMessengerEXT destroy_messenger;
    VkDebugUtilsMessengerEXT messenger;
} dsvk_vkstandalone;

/* On failure *why (when not NULL) says what was missing; nothing is left to destroy. The
 * structure must stay at its address (the messenger points at it). */
dsvk_result dsvk_vkstandalone_create(const dsvk_vkstandalone_opts *opts, dsvk_vkstandalone *s,
                                     const char **why);
void dsvk_vkstandalone_destroy(dsvk_vkstandalone *s);

#endif
