/*
 * The layer's per-instance and per-device data, shared by its entry points.
 *
 * Every Vulkan call the layer makes goes to the NEXT layer through the function pointers
 * stored here, obtained with the next layer's vkGetInstanceProcAddr / vkGetDeviceProcAddr.
 */
#ifndef DSVK_LAYER_LAYER_H
#define DSVK_LAYER_LAYER_H

#include <pthread.h>
#include <stdbool.h>

#include <vulkan/vk_layer.h>
#include <vulkan/vulkan.h>

#include "core_link.h"
#include "object_map.h"

#define DSVK_LAYER_NAME "VK_LAYER_DSVK_capture"

typedef struct dsvk_layer_instance {
    VkInstance instance;
    PFN_vkGetInstanceProcAddr gipa; /* the next layer's */
    PFN_vkDestroyInstance DestroyInstance;
    PFN_vkGetPhysicalDeviceProperties GetPhysicalDeviceProperties;
    PFN_vkGetPhysicalDeviceQueueFamilyProperties GetPhysicalDeviceQueueFamilyProperties;
    PFN_vkGetPhysicalDeviceMemoryProperties GetPhysicalDeviceMemoryProperties;
    PFN_vkEnumerateDeviceExtensionProperties EnumerateDeviceExtensionProperties;
    /* Core 1.1 or VK_KHR_get_physical_device_properties2; NULL when neither is available. */
    PFN_vkGetPhysicalDeviceFeatures2 GetPhysicalDeviceFeatures2;
    PFN_vkGetPhysicalDeviceProperties2 GetPhysicalDeviceProperties2;
    uint32_t api_version; /* what the application asked for; 1.0 when it said nothing */
    bool capture;         /* engine "vkd3d", or DSVK_CAPTURE_ALL=1 */
    char engine[64];
} dsvk_layer_instance;

typedef struct dsvk_layer_device {
    VkDevice device;
    PFN_vkGetDeviceProcAddr gdpa; /* the next layer's */
    PFN_vkDestroyDevice DestroyDevice;
    PFN_vkGetDeviceQueue GetDeviceQueue;
    PFN_vkGetDeviceQueue2 GetDeviceQueue2;
    PFN_vkQueueSubmit QueueSubmit;
    PFN_vkQueueSubmit2 QueueSubmit2;
    PFN_vkQueueSubmit2 QueueSubmit2KHR;
    PFN_vkQueueBindSparse QueueBindSparse;
    PFN_vkQueueWaitIdle QueueWaitIdle;
    PFN_vkQueuePresentKHR QueuePresentKHR;
    PFN_vkDeviceWaitIdle DeviceWaitIdle;
    PFN_vkQueueBeginDebugUtilsLabelEXT QueueBeginDebugUtilsLabelEXT;
    PFN_vkQueueEndDebugUtilsLabelEXT QueueEndDebugUtilsLabelEXT;
    PFN_vkQueueInsertDebugUtilsLabelEXT QueueInsertDebugUtilsLabelEXT;

    /* Set during vkCreateDevice, before the application sees the device; constant after. */
    bool captured;    /* registered with the core */
    bool extra_queue; /* dsvk's queue was added for it (not one of the application's) */
    VkQueue queue;    /* dsvk's queue */
    uint32_t queue_family, queue_index;
    const dsvk_layer_core *core;
    dsvk_device *core_device;

    /* Held around every call that needs dsvk's queue externally synchronized, by the
     * application's calls (through the layer) and by the core's (through the callbacks). */
    pthread_mutex_t queue_lock;
} dsvk_layer_device;

extern dsvk_object_map dsvk_layer_instances; /* by the instance's dispatch key */
extern dsvk_object_map dsvk_layer_devices;   /* by the device's dispatch key */

/* layer_instance.c */
VKAPI_ATTR VkResult VKAPI_CALL dsvk_layer_CreateInstance(const VkInstanceCreateInfo *info,
                                                         const VkAllocationCallbacks *alloc,
                                                         VkInstance *instance);
VKAPI_ATTR void VKAPI_CALL dsvk_layer_DestroyInstance(VkInstance instance,
                                                      const VkAllocationCallbacks *alloc);

/* layer_device.c */
VKAPI_ATTR VkResult VKAPI_CALL dsvk_layer_CreateDevice(VkPhysicalDevice physical_device,
                                                       const VkDeviceCreateInfo *info,
                                                       const VkAllocationCallbacks *alloc,
                                                       VkDevice *device);
VKAPI_ATTR void VKAPI_CALL dsvk_layer_DestroyDevice(VkDevice device,
                                                    const VkAllocationCallbacks *alloc);

/* layer_queue.c: the entry points that take dsvk's queue lock, and the lock callbacks. */
PFN_vkVoidFunction dsvk_layer_queue_hook(const char *name, bool shared_queue);
void dsvk_layer_lock_queue(void *device_data);
void dsvk_layer_unlock_queue(void *device_data);

#endif
