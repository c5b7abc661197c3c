/*
 * The entry points that need dsvk's queue externally synchronized.
 *
 * Vulkan lets one thread at a time use a VkQueue. When dsvk shares a queue with the
 * application, the application's calls that take that queue go through the layer and hold
 * the queue's mutex; the core holds the same mutex through the lock callbacks around its own
 * calls. vkDeviceWaitIdle takes every queue of the device, so it holds the mutex whether dsvk's
 * queue is shared or its own. Calls on the application's other queues pass straight through.
 *
 * vkGetDeviceQueue(2) is intercepted on captured devices so the application cannot fetch
 * dsvk's extra queue (it only exists because the layer asked for one more queue).
 */
#include <string.h>

#include "layer.h"
#include "layer_log.h"

void dsvk_layer_lock_queue(void *device_data)
{
    pthread_mutex_lock(&((dsvk_layer_device *)device_data)->queue_lock);
}

void dsvk_layer_unlock_queue(void *device_data)
{
    pthread_mutex_unlock(&((dsvk_layer_device *)device_data)->queue_lock);
}

static dsvk_layer_device *device_of(const void *handle)
{
    return dsvk_object_map_get(&dsvk_layer_devices, dsvk_dispatch_key(handle));
}

/* Takes the queue lock when `queue` is dsvk's; returns whether it did. */
static bool lock_if_dsvk(dsvk_layer_device *d, VkQueue queue)
{
    if (!d->captured || d->queue != queue)
        return false;
    pthread_mutex_lock(&d->queue_lock);
    return true;
}

static void unlock_if(dsvk_layer_device *d, bool locked)
{
    if (locked)
        pthread_mutex_unlock(&d->queue_lock);
}

/* Every hook needs the device's data; a queue the layer does not know cannot happen in a
 * valid program (the loader only dispatches here for devices created through the layer). */
#define DEVICE_OR_LOST(d, handle)                                                                  \
    dsvk_layer_device *d = device_of(handle);                                                      \
    if (!d) {                                                                                      \
        LAYER_ERR("%s: unknown dispatchable handle", __func__);                                    \
        return VK_ERROR_DEVICE_LOST;                                                               \
    }
#define DEVICE_OR_RETURN(d, handle)                                                                \
    dsvk_layer_device *d = device_of(handle);                                                      \
    if (!d) {                                                                                      \
        LAYER_ERR("%s: unknown dispatchable handle", __func__);                                    \
        return;                                                                                    \
    }

static VKAPI_ATTR VkResult VKAPI_CALL QueueSubmit(VkQueue queue, uint32_t count,
                                                  const VkSubmitInfo *submits, VkFence fence)
{
    DEVICE_OR_LOST(d, queue);
    bool locked = lock_if_dsvk(d, queue);
    VkResult r = d->QueueSubmit(queue, count, submits, fence);
    unlock_if(d, locked);
    return r;
}

static VKAPI_ATTR VkResult VKAPI_CALL QueueSubmit2(VkQueue queue, uint32_t count,
                                                   const VkSubmitInfo2 *submits, VkFence fence)
{
    DEVICE_OR_LOST(d, queue);
    bool locked = lock_if_dsvk(d, queue);
    VkResult r = d->QueueSubmit2(queue, count, submits, fence);
    unlock_if(d, locked);
    return r;
}

static VKAPI_ATTR VkResult VKAPI_CALL QueueSubmit2KHR(VkQueue queue, uint32_t count,
                                                      const VkSubmitInfo2 *submits, VkFence fence)
{
    DEVICE_OR_LOST(d, queue);
    bool locked = lock_if_dsvk(d, queue);
    VkResult r = d->QueueSubmit2KHR(queue, count, submits, fence);
    unlock_if(d, locked);
    return r;
}

static VKAPI_ATTR VkResult VKAPI_CALL QueueBindSparse(VkQueue queue, uint32_t count,
                                                      const VkBindSparseInfo *binds, VkFence fence)
{
    DEVICE_OR_LOST(d, queue);
    bool locked = lock_if_dsvk(d, queue);
    VkResult r = d->QueueBindSparse(queue, count, binds, fence);
    unlock_if(d, locked);
    return r;
}

static VKAPI_ATTR VkResult VKAPI_CALL QueueWaitIdle(VkQueue queue)
{
    DEVICE_OR_LOST(d, queue);
    bool locked = lock_if_dsvk(d, queue);
    VkResult r = d->QueueWaitIdle(queue);
    unlock_if(d, locked);
    return r;
}

static VKAPI_ATTR VkResult VKAPI_CALL QueuePresentKHR(VkQueue queue,
                                                      const VkPresentInfoKHR *present)
{
    DEVICE_OR_LOST(d, queue);
    bool locked = lock_if_dsvk(d, queue);
    VkResult r = d->QueuePresentKHR(queue, present);
    unlock_if(d, locked);
    return r;
}

static VKAPI_ATTR void VKAPI_CALL QueueBeginDebugUtilsLabelEXT(VkQueue queue,
                                                               const VkDebugUtilsLabelEXT *label)
{
    DEVICE_OR_RETURN(d, queue);
    bool locked = lock_if_dsvk(d, queue);
    d->QueueBeginDebugUtilsLabelEXT(queue, label);
    unlock_if(d, locked);
}

static VKAPI_ATTR void VKAPI_CALL QueueEndDebugUtilsLabelEXT(VkQueue queue)
{
    DEVICE_OR_RETURN(d, queue);
    bool locked = lock_if_dsvk(d, queue);
    d->QueueEndDebugUtilsLabelEXT(queue);
    unlock_if(d, locked);
}

static VKAPI_ATTR void VKAPI_CALL QueueInsertDebugUtilsLabelEXT(VkQueue queue,
                                                                const VkDebugUtilsLabelEXT *label)
{
    DEVICE_OR_RETURN(d, queue);
    bool locked = lock_if_dsvk(d, queue);
    d->QueueInsertDebugUtilsLabelEXT(queue, label);
    unlock_if(d, locked);
}

static VKAPI_ATTR VkResult VKAPI_CALL DeviceWaitIdle(VkDevice device)
{
    DEVICE_OR_LOST(d, device);
    bool locked = d->captured;
    if (locked)
        pthread_mutex_lock(&d->queue_lock);
    VkResult r = d->DeviceWaitIdle(device);
    unlock_if(d, locked);
    return r;
}

static bool is_dsvk_extra(const dsvk_layer_device *d, uint32_t family, uint32_t index)
{
    return d->captured && d->extra_queue && family == d->queue_family && index == d->queue_index;
}

static VKAPI_ATTR void VKAPI_CALL GetDeviceQueue(VkDevice device, uint32_t family, uint32_t index,
                                                 VkQueue *queue)
{
    DEVICE_OR_RETURN(d, device);
    if (is_dsvk_extra(d, family, index)) {
        LAYER_ERR("the application asked for queue %u of family %u, beyond the queues it "
                  "created; that one is dsvk's",
                  index, family);
        *queue = VK_NULL_HANDLE;
        return;
    }
    d->GetDeviceQueue(device, family, index, queue);
}

static VKAPI_ATTR void VKAPI_CALL GetDeviceQueue2(VkDevice device, const VkDeviceQueueInfo2 *info,
                                                  VkQueue *queue)
{
    DEVICE_OR_RETURN(d, device);
    /* dsvk's queue was added to a create info without flags. */
    if (!info->flags && is_dsvk_extra(d, info->queueFamilyIndex, info->queueIndex)) {
        LAYER_ERR("the application asked for queue %u of family %u, beyond the queues it "
                  "created; that one is dsvk's",
                  info->queueIndex, info->queueFamilyIndex);
        *queue = VK_NULL_HANDLE;
        return;
    }
    d->GetDeviceQueue2(device, info, queue);
}

PFN_vkVoidFunction dsvk_layer_queue_hook(const char *name, bool shared_queue)
{
    static const struct {
        const char *name;
        PFN_vkVoidFunction fn;
        bool shared_only; /* only needed when the application submits to dsvk's queue */
    } hooks[] = {
        {"vkQueueSubmit", (PFN_vkVoidFunction)QueueSubmit, true},
        {"vkQueueSubmit2", (PFN_vkVoidFunction)QueueSubmit2, true},
        {"vkQueueSubmit2KHR", (PFN_vkVoidFunction)QueueSubmit2KHR, true},
        {"vkQueueBindSparse", (PFN_vkVoidFunction)QueueBindSparse, true},
        {"vkQueueWaitIdle", (PFN_vkVoidFunction)QueueWaitIdle, true},
        {"vkQueuePresentKHR", (PFN_vkVoidFunction)QueuePresentKHR, true},
        {"vkQueueBeginDebugUtilsLabelEXT", (PFN_vkVoidFunction)QueueBeginDebugUtilsLabelEXT, true},
        {"vkQueueEndDebugUtilsLabelEXT", (PFN_vkVoidFunction)QueueEndDebugUtilsLabelEXT, true},
        {"vkQueueInsertDebugUtilsLabelEXT", (PFN_vkVoidFunction)QueueInsertDebugUtilsLabelEXT,
         true},
        {"vkDeviceWaitIdle", (PFN_vkVoidFunction)DeviceWaitIdle, false},
        {"vkGetDeviceQueue", (PFN_vkVoidFunction)GetDeviceQueue, false},
        {"vkGetDeviceQueue2", (PFN_vkVoidFunction)GetDeviceQueue2, false},
    };
    for (size_t i = 0; i < sizeof(hooks) / sizeof(hooks[0]); i++)
        if (!strcmp(name, hooks[i].name))
            return !hooks[i].shared_only || shared_queue ? hooks[i].fn : NULL;
    return NULL;
}
