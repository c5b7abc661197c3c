/*
 * A small Vulkan application for the layer tests: an instance with the Khronos validation
 * layer and a messenger that counts its warnings and errors, a device created the way
 * vkd3d-proton creates one, and a buffer fill the application submits and checks.
 *
 * The tests run on Mesa's lavapipe (the environment points the loader at its ICD and at the
 * build tree's layer manifest; see tests/layer/CMakeLists.txt). Helpers fail the running
 * cmocka test with a message that says what is missing.
 */
#ifndef DSVK_TEST_VK_HARNESS_H
#define DSVK_TEST_VK_HARNESS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <vulkan/vulkan.h>

#define VKH_MAX_FAMILIES 16
#define VKH_QUEUES_PER_FAMILY 4 /* vkd3d-proton asks for up to this many per family */
#define VKH_FILL_WORDS 1024

/* The shape of the application's feature chain. */
typedef enum vkh_chain {
    VKH_CHAIN_VKD3D,      /* Features2 -> 1.1 -> 1.2 -> 1.3, like vkd3d-proton */
    VKH_CHAIN_INDIVIDUAL, /* Features2 -> timeline semaphore -> buffer device address ->
                             synchronization2 -> memory model: no VulkanXYFeatures */
} vkh_chain;

typedef struct vkh_device_opts {
    vkh_chain chain;
    bool timeline;        /* timelineSemaphore */
    bool shader_features; /* storageBuffer8BitAccess and shaderInt8 (VKH_CHAIN_VKD3D only) */
    bool memory_model;    /* vulkanMemoryModel */
    bool device_scope;    /* vulkanMemoryModelDeviceScope */
} vkh_device_opts;

/* The application's feature structures, as chained for vkCreateDevice. */
typedef struct vkh_chain_structs {
    VkPhysicalDeviceFeatures2 f2;
    VkPhysicalDeviceVulkan11Features v11;
    VkPhysicalDeviceVulkan12Features v12;
    VkPhysicalDeviceVulkan13Features v13;
    VkPhysicalDeviceTimelineSemaphoreFeatures timeline;
    VkPhysicalDeviceBufferDeviceAddressFeatures bda;
    VkPhysicalDeviceSynchronization2Features sync2;
    VkPhysicalDeviceVulkanMemoryModelFeatures memory_model;
} vkh_chain_structs;

typedef struct vkh {
    VkInstance instance;
    VkDebugUtilsMessengerEXT messenger;
    VkPhysicalDevice physical_device;
    VkPhysicalDeviceProperties props;
    uint8_t uuid[VK_UUID_SIZE];
    uint32_t subgroup_size;
    VkQueueFamilyProperties families[VKH_MAX_FAMILIES];
    uint32_t family_count;

    /* The device and what the application passed to vkCreateDevice (kept to check that the
     * layer wrote none of it). */
    VkDevice device;
    vkh_device_opts device_opts;
    vkh_chain_structs chain;        /* what vkCreateDevice got */
    vkh_chain_structs chain_before; /* a copy made before the call */
    VkDeviceQueueCreateInfo queue_infos[VKH_MAX_FAMILIES];
    float priorities[VKH_QUEUES_PER_FAMILY];
    uint32_t queue_info_count;
    VkQueue queues[VKH_MAX_FAMILIES][VKH_QUEUES_PER_FAMILY];
    VkQueue queue; /* the one the application submits to: its first compute queue */
    uint32_t queue_family;

    /* The application's own work. */
    VkCommandPool pool;
    VkCommandBuffer cmd;
    VkFence fence;
    VkBuffer buffer;
    VkDeviceMemory memory;
    uint32_t *map;
} vkh;

/* Validation (and loader) warnings and errors seen so far. */
extern atomic_int vkh_messages;

/* Instance with validation + debug utils; picks lavapipe. Fails the test on error. */
void vkh_create_instance(vkh *h, const char *engine, uint32_t api_version);
/* vkd3d-proton's way: every family, up to four queues each, Features2 -> 1.1 -> 1.2 -> 1.3
 * with timeline semaphores (unless `timeline` is false), buffer device address and
 * synchronization2. */
void vkh_create_device(vkh *h, bool timeline);
/* The same with another feature chain. */
void vkh_create_device_opts(vkh *h, const vkh_device_opts *opts);
/* The application's feature structures are byte for byte what they were before
 * vkCreateDevice (the layer edits copies). */
bool vkh_chain_unchanged(const vkh *h);
/* Is VK_LAYER_DSVK_capture active on the physical device? */
bool vkh_layer_active(vkh *h);
/* Application work: fill its buffer with `value` on h->queue, wait, check. */
void vkh_app_fill(vkh *h, uint32_t value);
void vkh_destroy_device(vkh *h);
void vkh_destroy_instance(vkh *h);

/* A host-visible, coherent memory type allowed by `bits`; fails the test when none. */
uint32_t vkh_host_memory_type(const VkPhysicalDeviceMemoryProperties *mem, uint32_t bits);

uint64_t vkh_now_ns(void);

#endif
