/* Resolving the core's Vulkan entry points for a registered device. */
#include <stddef.h>

#include "gpu/device_dispatch.h"

static PFN_vkVoidFunction lookup(const dsvk_vk_device_desc *desc, const char *name,
                                 const char *alias)
{
    PFN_vkVoidFunction fn = desc->get_device_proc_addr(desc->device, name);
    if (!fn && alias)
        fn = desc->get_device_proc_addr(desc->device, alias);
    return fn;
}

bool dsvk_vk_dispatch_load(dsvk_vk_dispatch *vk, const dsvk_vk_device_desc *desc,
                           const char **missing)
{
    *missing = NULL;
#define DSVK_VK_LOAD(name)                                                                         \
    vk->name = (PFN_vk##name)lookup(desc, "vk" #name, NULL);                                       \
    if (!vk->name && !*missing)                                                                    \
        *missing = "vk" #name;
    DSVK_VK_REQUIRED(DSVK_VK_LOAD)
#undef DSVK_VK_LOAD
#define DSVK_VK_LOAD(name, type, core, alias) vk->name = (type)lookup(desc, core, alias);
    DSVK_VK_OPTIONAL(DSVK_VK_LOAD)
#undef DSVK_VK_LOAD
    return *missing == NULL;
}
