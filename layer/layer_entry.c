/*
 * The layer's entry: loader negotiation and the two proc-address functions.
 *
 * vkNegotiateLoaderLayerInterfaceVersion is the only exported symbol (layer.map); the loader
 * gets everything else from the proc-address functions it returns.
 */
#include <string.h>

#include "layer.h"
#include "layer_log.h"

static VKAPI_ATTR PFN_vkVoidFunction VKAPI_CALL GetDeviceProcAddr(VkDevice device,
                                                                  const char *name);

static VKAPI_ATTR PFN_vkVoidFunction VKAPI_CALL GetInstanceProcAddr(VkInstance instance,
                                                                    const char *name)
{
    if (!name)
        return NULL;
    if (!strcmp(name, "vkGetInstanceProcAddr"))
        return (PFN_vkVoidFunction)GetInstanceProcAddr;
    if (!strcmp(name, "vkCreateInstance"))
        return (PFN_vkVoidFunction)dsvk_layer_CreateInstance;
    if (!instance)
        return NULL; /* the loader handles the other global commands itself */
    dsvk_layer_instance *inst =
        dsvk_object_map_get(&dsvk_layer_instances, dsvk_dispatch_key(instance));
    if (!inst)
        return NULL;
    PFN_vkVoidFunction next = inst->gipa(instance, name);
    if (!strcmp(name, "vkGetDeviceProcAddr"))
        return (PFN_vkVoidFunction)GetDeviceProcAddr;
    if (!next)
        return NULL; /* not offered below us: neither do we */
    if (!strcmp(name, "vkDestroyInstance"))
        return (PFN_vkVoidFunction)dsvk_layer_DestroyInstance;
    if (!strcmp(name, "vkCreateDevice"))
        return (PFN_vkVoidFunction)dsvk_layer_CreateDevice;
    if (!strcmp(name, "vkDestroyDevice"))
        return (PFN_vkVoidFunction)dsvk_layer_DestroyDevice;
    /* Device commands asked for through the instance work for any device: the hooks look
     * the device up on every call. */
    PFN_vkVoidFunction hook = dsvk_layer_queue_hook(name, true);
    return hook ? hook : next;
}

static VKAPI_ATTR PFN_vkVoidFunction VKAPI_CALL GetDeviceProcAddr(VkDevice device, const char *name)
{
    if (!name || !device)
        return NULL;
    if (!strcmp(name, "vkGetDeviceProcAddr"))
        return (PFN_vkVoidFunction)GetDeviceProcAddr;
    dsvk_layer_device *d = dsvk_object_map_get(&dsvk_layer_devices, dsvk_dispatch_key(device));
    if (!d)
        return NULL;
    PFN_vkVoidFunction next = d->gdpa(device, name);
    if (!next)
        return NULL;
    if (!strcmp(name, "vkDestroyDevice"))
        return (PFN_vkVoidFunction)dsvk_layer_DestroyDevice;
    /* Devices that were not captured get the next layer's functions: no cost at all. */
    if (!d->captured)
        return next;
    PFN_vkVoidFunction hook = dsvk_layer_queue_hook(name, !d->extra_queue);
    return hook ? hook : next;
}

VK_LAYER_EXPORT VKAPI_ATTR VkResult VKAPI_CALL
vkNegotiateLoaderLayerInterfaceVersion(VkNegotiateLayerInterface *version)
{
    if (!version || version->sType != LAYER_NEGOTIATE_INTERFACE_STRUCT)
        return VK_ERROR_INITIALIZATION_FAILED;
    /* Version 2 is the first that hands the proc-address functions over in this structure. */
    if (version->loaderLayerInterfaceVersion < 2) {
        LAYER_ERR("the Vulkan loader is too old (layer interface %u, need 2)",
                  version->loaderLayerInterfaceVersion);
        return VK_ERROR_INITIALIZATION_FAILED;
    }
    version->loaderLayerInterfaceVersion = 2;
    version->pfnGetInstanceProcAddr = GetInstanceProcAddr;
    version->pfnGetDeviceProcAddr = GetDeviceProcAddr;
    version->pfnGetPhysicalDeviceProcAddr = NULL;
    return VK_SUCCESS;
}
