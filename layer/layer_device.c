/*
 * Devices: capturing vkd3d-proton's device for dsvk in vkCreateDevice, releasing it in
 * vkDestroyDevice.
 *
 * Capture = plan dsvk's queue, pass down an edited copy of the create info (extra queue,
 * features), fetch dsvk's queue from the next layer, give it the loader's dispatch data and
 * register the device with the core. Anything that fails before the device exists leaves the
 * device untouched; anything that fails after it leaves it working for the application,
 * just not captured.
 */
#include <stdlib.h>
#include <string.h>

#include "device_edit.h"
#include "device_query.h"
#include "layer.h"
#include "layer_log.h"
#include "queue_plan.h"

dsvk_object_map dsvk_layer_devices = DSVK_OBJECT_MAP_INIT;

/* Everything decided before the device is created. */
typedef struct capture_plan {
    const dsvk_layer_core *core;
    dsvk_runtime *rt;
    dsvk_physical_info info;
    dsvk_queue_plan queue;
    dsvk_device_edit edit;
} capture_plan;

static VkLayerDeviceCreateInfo *find_loader_info(const VkDeviceCreateInfo *info,
                                                 VkLayerFunction function)
{
    for (const VkBaseInStructure *s = info->pNext; s; s = s->pNext) {
        const VkLayerDeviceCreateInfo *l = (const VkLayerDeviceCreateInfo *)s;
        if (s->sType == VK_STRUCTURE_TYPE_LOADER_DEVICE_CREATE_INFO && l->function == function)
            return (VkLayerDeviceCreateInfo *)l; /* the loader's structure, see CreateInstance */
    }
    return NULL;
}

static bool plan_capture(const dsvk_layer_instance *inst, VkPhysicalDevice pd,
                         const VkDeviceCreateInfo *info, capture_plan *plan)
{
    *plan = (capture_plan){0};
    plan->core = dsvk_layer_core_get();
    if (!plan->core)
        return false; /* logged once by core_link */
    dsvk_result r = plan->core->runtime_get_default(&plan->rt);
    if (r != DSVK_OK) {
        LAYER_ERR("the dsvk core cannot start (%s); the device passes through untouched",
                  dsvk_layer_result_name(plan->core, r));
        return false;
    }
    if (!dsvk_physical_info_query(inst, pd, &plan->info)) {
        LAYER_ERR("cannot query the physical device; the device passes through untouched");
        return false;
    }
    plan->queue = dsvk_plan_queue(plan->info.families, plan->info.family_count,
                                  info->pQueueCreateInfos, info->queueCreateInfoCount);
    if (plan->queue.kind == DSVK_QUEUE_NONE) {
        LAYER_WARN("no queue of the application's families can serve dsvk; the device passes "
                   "through untouched");
        dsvk_physical_info_free(&plan->info);
        return false;
    }
    if (!dsvk_device_edit_build(&plan->edit, info, &plan->info.support, &plan->queue)) {
        LAYER_ERR("out of memory; the device passes through untouched");
        dsvk_physical_info_free(&plan->info);
        return false;
    }
    if (plan->edit.skipped)
        LAYER_WARN("cannot enable %s: the application's pNext chain holds a structure this "
                   "layer does not know in front of the one to edit",
                   plan->edit.skipped);
    return true;
}

static void free_plan(capture_plan *plan)
{
    dsvk_device_edit_free(&plan->edit);
    dsvk_physical_info_free(&plan->info);
}

static void load_device_functions(dsvk_layer_device *d)
{
    VkDevice dev = d->device;
#define LOAD(name) d->name = (PFN_vk##name)d->gdpa(dev, "vk" #name)
    LOAD(DestroyDevice);
    LOAD(GetDeviceQueue);
    LOAD(GetDeviceQueue2);
    LOAD(QueueSubmit);
    LOAD(QueueSubmit2);
    LOAD(QueueBindSparse);
    LOAD(QueueWaitIdle);
    LOAD(QueuePresentKHR);
    LOAD(DeviceWaitIdle);
    LOAD(QueueBeginDebugUtilsLabelEXT);
    LOAD(QueueEndDebugUtilsLabelEXT);
    LOAD(QueueInsertDebugUtilsLabelEXT);
#undef LOAD
    d->QueueSubmit2KHR = (PFN_vkQueueSubmit2)d->gdpa(dev, "vkQueueSubmit2KHR");
}

static uint32_t app_family_mask(const VkDeviceCreateInfo *info)
{
    uint32_t mask = 0;
    for (uint32_t i = 0; i < info->queueCreateInfoCount; i++)
        if (info->pQueueCreateInfos[i].queueFamilyIndex < 32)
            mask |= 1u << info->pQueueCreateInfos[i].queueFamilyIndex;
    return mask;
}

/* After the device exists: dsvk's queue, its loader data, registration. */
static void finish_capture(dsvk_layer_device *d, const dsvk_layer_instance *inst,
                           VkPhysicalDevice pd, const VkDeviceCreateInfo *app_info,
                           PFN_vkGetInstanceProcAddr next_gipa, PFN_vkSetDeviceLoaderData set_data,
                           capture_plan *plan)
{
    if (!set_data) {
        LAYER_ERR("the loader gave no vkSetDeviceLoaderData; the device is not captured");
        return;
    }
    VkQueue queue = VK_NULL_HANDLE;
    d->GetDeviceQueue(d->device, plan->queue.family, plan->queue.index, &queue);
    /* A queue fetched below the loader's trampoline has no dispatch data yet (the extra
     * queue); for a shared queue this sets what the loader sets anyway. */
    if (!queue || set_data(d->device, queue) != VK_SUCCESS) {
        LAYER_ERR("cannot set up dsvk's queue; the device is not captured");
        return;
    }
    d->queue = queue;
    d->queue_family = plan->queue.family;
    d->queue_index = plan->queue.index;
    d->extra_queue = plan->queue.kind == DSVK_QUEUE_EXTRA;
    d->core = plan->core;

    dsvk_vk_device_desc desc = plan->info.desc;
    desc.version = DSVK_VK_DEVICE_DESC_VERSION;
    desc.instance = inst->instance;
    desc.physical_device = pd;
    desc.device = d->device;
    desc.get_instance_proc_addr = next_gipa;
    desc.get_device_proc_addr = d->gdpa;
    desc.set_device_loader_data = set_data;
    desc.queue = queue;
    desc.queue_family_index = plan->queue.family;
    desc.queue_index = plan->queue.index;
    desc.queue_family = plan->info.families[plan->queue.family];
    desc.queue_shared = !d->extra_queue;
    desc.lock_queue = dsvk_layer_lock_queue;
    desc.unlock_queue = dsvk_layer_unlock_queue;
    desc.lock_user = d;
    desc.app_queue_families = app_family_mask(app_info);
    desc.enabled = plan->edit.enabled;
    desc.enabled_shader = plan->edit.enabled_shader;
    if (!desc.enabled.memory_decompression_nv && !desc.enabled.memory_decompression_ext)
        desc.decompression_methods = desc.max_decompression_indirect_count = 0;

    dsvk_result r = plan->core->device_register(plan->rt, &desc, &d->core_device);
    if (r != DSVK_OK) {
        LAYER_ERR("the dsvk core refused the device (%s); it is not captured",
                  dsvk_layer_result_name(plan->core, r));
        d->core_device = NULL;
        return;
    }
    d->captured = true;
    LAYER_INFO("captured device '%s' of engine '%s': %s queue, family %u index %u",
               desc.properties.deviceName, inst->engine,
               dsvk_queue_plan_kind_name(plan->queue.kind), d->queue_family, d->queue_index);
}

VKAPI_ATTR VkResult VKAPI_CALL dsvk_layer_CreateDevice(VkPhysicalDevice pd,
                                                       const VkDeviceCreateInfo *info,
                                                       const VkAllocationCallbacks *alloc,
                                                       VkDevice *device)
{
    VkLayerDeviceCreateInfo *link = find_loader_info(info, VK_LAYER_LINK_INFO);
    VkLayerDeviceCreateInfo *data = find_loader_info(info, VK_LOADER_DATA_CALLBACK);
    if (!link || !link->u.pLayerInfo)
        return VK_ERROR_INITIALIZATION_FAILED;
    VkLayerDeviceLink *ours = link->u.pLayerInfo;
    PFN_vkGetInstanceProcAddr next_gipa = ours->pfnNextGetInstanceProcAddr;
    PFN_vkGetDeviceProcAddr next_gdpa = ours->pfnNextGetDeviceProcAddr;
    link->u.pLayerInfo = ours->pNext;

    const dsvk_layer_instance *inst =
        dsvk_object_map_get(&dsvk_layer_instances, dsvk_dispatch_key(pd));
    PFN_vkCreateDevice create =
        (PFN_vkCreateDevice)next_gipa(inst ? inst->instance : VK_NULL_HANDLE, "vkCreateDevice");
    if (!create)
        return VK_ERROR_INITIALIZATION_FAILED;

    dsvk_layer_device *d = calloc(1, sizeof(*d));
    if (!d)
        return VK_ERROR_OUT_OF_HOST_MEMORY;
    pthread_mutex_init(&d->queue_lock, NULL);

    capture_plan plan;
    bool capture = inst && inst->capture && plan_capture(inst, pd, info, &plan);
    VkResult r = create(pd, capture ? &plan.edit.info : info, alloc, device);
    if (r != VK_SUCCESS && capture && plan.edit.changed) {
        /* dsvk's additions are checked against what the device reports, but a driver may
         * still refuse them (out of queues or memory): the game matters more. Walk the
         * chain again from our link with the application's own create info. */
        LAYER_WARN("device creation with dsvk's queue and features failed (VkResult %d); "
                   "creating it as the application asked, not captured",
                   (int)r);
        free_plan(&plan);
        capture = false;
        link->u.pLayerInfo = ours->pNext;
        r = create(pd, info, alloc, device);
    }
    if (r != VK_SUCCESS) {
        if (capture)
            free_plan(&plan);
        pthread_mutex_destroy(&d->queue_lock);
        free(d);
        return r;
    }

    d->device = *device;
    d->gdpa = next_gdpa;
    load_device_functions(d);
    if (capture) {
        finish_capture(d, inst, pd, info, next_gipa, data ? data->u.pfnSetDeviceLoaderData : NULL,
                       &plan);
        free_plan(&plan);
    }
    if (!dsvk_object_map_put(&dsvk_layer_devices, dsvk_dispatch_key(*device), d)) {
        if (d->core_device)
            d->core->device_unregister(d->core_device);
        d->DestroyDevice(*device, alloc);
        pthread_mutex_destroy(&d->queue_lock);
        free(d);
        return VK_ERROR_OUT_OF_HOST_MEMORY;
    }
    return VK_SUCCESS;
}

VKAPI_ATTR void VKAPI_CALL dsvk_layer_DestroyDevice(VkDevice device,
                                                    const VkAllocationCallbacks *alloc)
{
    if (!device)
        return;
    dsvk_layer_device *d = dsvk_object_map_take(&dsvk_layer_devices, dsvk_dispatch_key(device));
    if (!d)
        return;
    /* The core drains and destroys its objects first: nothing of dsvk's may be in flight or
     * alive on the device when it goes. */
    if (d->core_device) {
        d->core->device_unregister(d->core_device);
        LAYER_INFO("released device (family %u index %u) from dsvk", d->queue_family,
                   d->queue_index);
    }
    d->DestroyDevice(device, alloc);
    pthread_mutex_destroy(&d->queue_lock);
    free(d);
}
