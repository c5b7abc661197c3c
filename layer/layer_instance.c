/* Instances: which ones dsvk captures devices of, and the next layer's functions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layer.h"
#include "layer_log.h"

dsvk_object_map dsvk_layer_instances = DSVK_OBJECT_MAP_INIT;

/* DSVK_CAPTURE_ALL=1 captures the devices of every instance, not only vkd3d-proton's: for
 * native programs and for testing the GPU path with other engines. */
static bool capture_all(void)
{
    const char *s = getenv("DSVK_CAPTURE_ALL");
    if (!s || !*s || !strcmp(s, "0"))
        return false;
    if (!strcmp(s, "1"))
        return true;
    LAYER_WARN("unknown value '%s' for DSVK_CAPTURE_ALL (expected 0|1); using 0", s);
    return false;
}

static const VkLayerInstanceCreateInfo *find_link(const VkInstanceCreateInfo *info)
{
    for (const VkBaseInStructure *s = info->pNext; s; s = s->pNext) {
        const VkLayerInstanceCreateInfo *l = (const VkLayerInstanceCreateInfo *)s;
        if (s->sType == VK_STRUCTURE_TYPE_LOADER_INSTANCE_CREATE_INFO &&
            l->function == VK_LAYER_LINK_INFO)
            return l;
    }
    return NULL;
}

static bool has_extension(const VkInstanceCreateInfo *info, const char *name)
{
    for (uint32_t i = 0; i < info->enabledExtensionCount; i++)
        if (!strcmp(info->ppEnabledExtensionNames[i], name))
            return true;
    return false;
}

static void load_functions(dsvk_layer_instance *inst, const VkInstanceCreateInfo *info)
{
    VkInstance i = inst->instance;
    PFN_vkGetInstanceProcAddr gipa = inst->gipa;
#define LOAD(name) inst->name = (PFN_vk##name)gipa(i, "vk" #name)
    LOAD(DestroyInstance);
    LOAD(GetPhysicalDeviceProperties);
    LOAD(GetPhysicalDeviceQueueFamilyProperties);
    LOAD(GetPhysicalDeviceMemoryProperties);
    LOAD(EnumerateDeviceExtensionProperties);
#undef LOAD
    if (inst->api_version >= VK_API_VERSION_1_1) {
        inst->GetPhysicalDeviceFeatures2 =
            (PFN_vkGetPhysicalDeviceFeatures2)gipa(i, "vkGetPhysicalDeviceFeatures2");
        inst->GetPhysicalDeviceProperties2 =
            (PFN_vkGetPhysicalDeviceProperties2)gipa(i, "vkGetPhysicalDeviceProperties2");
    } else if (has_extension(info, VK_KHR_GET_PHYSICAL_DEVICE_PROPERTIES_2_EXTENSION_NAME)) {
        inst->GetPhysicalDeviceFeatures2 =
            (PFN_vkGetPhysicalDeviceFeatures2)gipa(i, "vkGetPhysicalDeviceFeatures2KHR");
        inst->GetPhysicalDeviceProperties2 =
            (PFN_vkGetPhysicalDeviceProperties2)gipa(i, "vkGetPhysicalDeviceProperties2KHR");
    }
}

VKAPI_ATTR VkResult VKAPI_CALL dsvk_layer_CreateInstance(const VkInstanceCreateInfo *info,
                                                         const VkAllocationCallbacks *alloc,
                                                         VkInstance *instance)
{
    /* The loader's link structure: by the layer protocol, each layer takes its entry and
     * advances it for the next one (the structure belongs to the loader, not the app). */
    VkLayerInstanceCreateInfo *link = (VkLayerInstanceCreateInfo *)find_link(info);
    if (!link || !link->u.pLayerInfo)
        return VK_ERROR_INITIALIZATION_FAILED;
    PFN_vkGetInstanceProcAddr gipa = link->u.pLayerInfo->pfnNextGetInstanceProcAddr;
    link->u.pLayerInfo = link->u.pLayerInfo->pNext;
    PFN_vkCreateInstance create = (PFN_vkCreateInstance)gipa(NULL, "vkCreateInstance");
    if (!create)
        return VK_ERROR_INITIALIZATION_FAILED;

    dsvk_layer_instance *inst = calloc(1, sizeof(*inst));
    if (!inst)
        return VK_ERROR_OUT_OF_HOST_MEMORY;
    VkResult r = create(info, alloc, instance);
    if (r != VK_SUCCESS) {
        free(inst);
        return r;
    }
    inst->instance = *instance;
    inst->gipa = gipa;
    const VkApplicationInfo *app = info->pApplicationInfo;
    inst->api_version = app && app->apiVersion ? app->apiVersion : VK_API_VERSION_1_0;
    if (app && app->pEngineName)
        snprintf(inst->engine, sizeof(inst->engine), "%s", app->pEngineName);
    inst->capture = !strcmp(inst->engine, "vkd3d") || capture_all();
    load_functions(inst, info);
    if (!dsvk_object_map_put(&dsvk_layer_instances, dsvk_dispatch_key(*instance), inst)) {
        inst->DestroyInstance(*instance, alloc);
        free(inst);
        return VK_ERROR_OUT_OF_HOST_MEMORY;
    }
    LAYER_DEBUG("instance of engine '%s': devices %s", inst->engine,
                inst->capture ? "are captured" : "pass through");
    return VK_SUCCESS;
}

VKAPI_ATTR void VKAPI_CALL dsvk_layer_DestroyInstance(VkInstance instance,
                                                      const VkAllocationCallbacks *alloc)
{
    if (!instance)
        return;
    dsvk_layer_instance *inst =
        dsvk_object_map_take(&dsvk_layer_instances, dsvk_dispatch_key(instance));
    if (!inst)
        return;
    inst->DestroyInstance(instance, alloc);
    free(inst);
}
