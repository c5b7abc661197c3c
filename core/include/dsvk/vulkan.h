/*
 * GPU devices: how a VkDevice is handed to the core.
 *
 * The core never creates a Vulkan device. It works on a device somebody else created:
 * - the Vulkan layer (libVkLayer_dsvk.so) registers vkd3d-proton's device, with a queue it
 *   reserved or shares, and the function pointers of the NEXT layer in the chain, so the
 *   core's calls do not go through the loader's trampolines or back into the layer;
 * - a native program (tools, tests) registers its own device, queue and the loader's
 *   vkGetInstanceProcAddr / vkGetDeviceProcAddr, with the same call.
 *
 * The core does not link libvulkan: every Vulkan call it makes goes through the two
 * get_*_proc_addr pointers of the description.
 *
 * Queue access. Vulkan requires host access to a VkQueue to be externally synchronized. The
 * core holds the description's lock callback around every call it makes that takes its queue
 * (vkQueueSubmit, vkQueueSubmit2, vkQueueBindSparse, vkQueueWaitIdle), whether the queue is
 * shared with the application or reserved for dsvk, because vkDeviceWaitIdle of the
 * application needs every queue of the device, dsvk's included. Without callbacks the core
 * uses a mutex of its own, which only serializes the core's threads: a program that passes
 * none promises not to use the queue itself while the device is registered.
 *
 * Lifetime. dsvk_device_register returns the registration's reference;
 * dsvk_device_unregister drains the core's GPU work on the device (waits for what is in
 * flight, refuses new work, has every core component destroy the Vulkan objects it created
 * on the device) and then drops that reference. It must be called before vkDestroyDevice.
 * Other references (dsvk_runtime_find_device) keep the dsvk_device object readable, not the
 * VkDevice alive: after unregistration the core does no Vulkan work on it any more, and
 * requests that need it fail with DSVK_E_DEVICE_LOST.
 */
#ifndef DSVK_VULKAN_H
#define DSVK_VULKAN_H

#include <stdbool.h>
#include <stdint.h>

#include <vulkan/vulkan.h>

#include <dsvk/api.h>
#include <dsvk/queue.h>
#include <dsvk/result.h>
#include <dsvk/runtime.h>

#ifdef __cplusplus
extern "C" {
#endif

/* VK_EXT_memory_decompression is newer than some Vulkan headers dsvk builds with. Its feature
 * and property structures have the layout and structure-type values of the NV extension's
 * (the NV names are aliases of the EXT ones), so the NV types serve for both. */
#define DSVK_VK_EXT_MEMORY_DECOMPRESSION_NAME "VK_EXT_memory_decompression"
#define DSVK_VK_NV_MEMORY_DECOMPRESSION_NAME "VK_NV_memory_decompression"

/*
 * The layout of dsvk_vk_device_desc a registrant was built with: the layer and the core are
 * separate files that may come from different builds. The description only grows at its end;
 * the core accepts every version up to its own and reads only the fields of the version it is
 * given (later fields read as zero/false). A registrant built against a newer header than the
 * core is refused (DSVK_E_INVALID_ARGUMENT).
 *   1: everything up to max_decompression_indirect_count;
 *   2: enabled_shader.
 */
#define DSVK_VK_DEVICE_DESC_VERSION 2

/* Called with the description's lock_user; must not fail. */
typedef void (*dsvk_vk_queue_lock_fn)(void *user);

/* The loader's vkSetDeviceLoaderData (vk_layer.h's PFN_vkSetDeviceLoaderData). */
typedef VkResult(VKAPI_PTR *dsvk_vk_set_loader_data_fn)(VkDevice device, void *object);

/* What the device was created with, as far as the core's GPU path cares. */
typedef struct dsvk_vk_enabled {
    bool timeline_semaphore;       /* Vulkan 1.2 feature or VK_KHR_timeline_semaphore */
    bool buffer_device_address;    /* Vulkan 1.2 feature or VK_KHR_buffer_device_address */
    bool synchronization2;         /* Vulkan 1.3 feature or VK_KHR_synchronization2 */
    bool memory_decompression_nv;  /* VK_NV_memory_decompression + its feature */
    bool memory_decompression_ext; /* VK_EXT_memory_decompression + its feature */
} dsvk_vk_enabled;

/* Features dsvk's GDeflate compute shader depends on, as enabled on the device (not merely
 * supported). Description version 2. */
typedef struct dsvk_vk_enabled_shader {
    bool storage_buffer_8bit; /* storageBuffer8BitAccess (1.2 or VK_KHR_8bit_storage): the
                                 shader is used only with it */
    bool shader_int8;         /* shaderInt8 (1.2 or VK_KHR_shader_float16_int8): reported;
                                 no decoder build uses it since the output-window
                                 experiment was removed */
    /* vulkanMemoryModel and vulkanMemoryModelDeviceScope (1.2 or VK_KHR_vulkan_memory_model):
     * with the first enabled and not the second, shaders may not use Device scope, which the
     * decoder's atomics do, so the shader is not used. */
    bool vulkan_memory_model;
    bool vulkan_memory_model_device_scope;
} dsvk_vk_enabled_shader;

typedef struct dsvk_vk_device_desc {
    uint32_t version; /* DSVK_VK_DEVICE_DESC_VERSION */

    VkInstance instance;
    VkPhysicalDevice physical_device;
    VkDevice device;
    /* Used for every Vulkan call of the core. The layer passes the next layer's functions;
     * a native program passes the loader's vkGetInstanceProcAddr / vkGetDeviceProcAddr. */
    PFN_vkGetInstanceProcAddr get_instance_proc_addr;
    PFN_vkGetDeviceProcAddr get_device_proc_addr;
    /* Dispatchable objects the core creates through the next layer (command buffers) bypass
     * the loader's trampolines, so they get the loader's dispatch data from this function
     * before use. The layer passes the loader's; NULL for a native program, whose
     * get_device_proc_addr is the loader's own and sets it already. */
    dsvk_vk_set_loader_data_fn set_device_loader_data;

    /* The queue dsvk submits to. */
    VkQueue queue;
    uint32_t queue_family_index;
    uint32_t queue_index;
    VkQueueFamilyProperties queue_family; /* flags, timestamp bits, image granularity */
    bool queue_shared;                    /* the application submits to this queue too */
    /* Both set or both NULL; held by the core around each of its calls that take the queue. */
    dsvk_vk_queue_lock_fn lock_queue;
    dsvk_vk_queue_lock_fn unlock_queue;
    void *lock_user;
    /* Bit i set: the application created queues in family i (families >= 32 are not
     * represented). Resources the application shares CONCURRENTly between its families are
     * usable from dsvk's family without ownership transfers when its bit is set. */
    uint32_t app_queue_families;

    /* The physical device. */
    uint8_t device_uuid[VK_UUID_SIZE];
    uint32_t api_version; /* the version the device can be used with: the smaller of the
                             instance's requested and the device's supported version */
    VkPhysicalDeviceProperties properties; /* limits, vendor, name */
    VkPhysicalDeviceMemoryProperties memory_properties;

    /* Subgroups (Vulkan 1.1); 0 when unknown. dsvk's shaders must not depend on them. */
    uint32_t subgroup_size;
    uint32_t min_subgroup_size; /* Vulkan 1.3 / VK_EXT_subgroup_size_control, else 0 */
    uint32_t max_subgroup_size;
    VkShaderStageFlags subgroup_stages;
    VkSubgroupFeatureFlags subgroup_operations;

    dsvk_vk_enabled enabled;
    /* VkPhysicalDeviceMemoryDecompressionPropertiesNV/EXT, 0 when not enabled. */
    uint64_t decompression_methods; /* VK_MEMORY_DECOMPRESSION_METHOD_GDEFLATE_1_0_BIT_* */
    uint64_t max_decompression_indirect_count;

    /* ---- version 2 ---- */
    dsvk_vk_enabled_shader enabled_shader;
} dsvk_vk_device_desc;

/*
 * Registers a device with the runtime. The description is copied; the handles and callbacks
 * must stay valid until dsvk_device_unregister returns. Resolves the core's Vulkan entry
 * points through get_device_proc_addr and fails with DSVK_E_UNSUPPORTED when a required
 * Vulkan 1.0 one is missing. Errors: INVALID_ARGUMENT (NULL handle or function, one lock
 * callback without the other, a version of 0 or above DSVK_VK_DEVICE_DESC_VERSION), NO_MEMORY.
 * A description of an earlier version is copied up to that version's last field; the core's
 * copy (dsvk_device_get_desc) keeps the registrant's version and has the later fields zeroed.
 */
DSVK_API dsvk_result dsvk_device_register(dsvk_runtime *rt, const dsvk_vk_device_desc *desc,
                                          dsvk_device **out);

/*
 * Unregisters the device: new GPU work is refused, work in flight is waited for, the core's
 * Vulkan objects on the device are destroyed, then the registration's reference is dropped.
 * When it returns the core makes no more Vulkan calls on the device or its queue, so the
 * caller may destroy them. Call it once per successful dsvk_device_register.
 */
DSVK_API void dsvk_device_unregister(dsvk_device *dev);

/*
 * The registered device of the runtime whose physical device has this deviceUUID, with a
 * new reference (release it with dsvk_device_release); the most recently registered one when
 * several match; NULL when none does.
 */
DSVK_API dsvk_device *dsvk_runtime_find_device(dsvk_runtime *rt, const uint8_t uuid[VK_UUID_SIZE]);

/* Drops a reference from dsvk_runtime_find_device. */
DSVK_API void dsvk_device_release(dsvk_device *dev);

/* The core's copy of the description; valid while a reference is held. */
DSVK_API const dsvk_vk_device_desc *dsvk_device_get_desc(const dsvk_device *dev);

/* False once dsvk_device_unregister has started. */
DSVK_API bool dsvk_device_is_registered(const dsvk_device *dev);

#ifdef __cplusplus
}
#endif

#endif
