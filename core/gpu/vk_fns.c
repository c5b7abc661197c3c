/* Resolution of the device commands in vk_fns.h. */
#include "gpu/vk_fns.h"

#include <string.h>

static PFN_vkVoidFunction get_either(PFN_vkGetDeviceProcAddr gdpa, VkDevice device,
                                     const char *name, const char *alias)
{
    PFN_vkVoidFunction p = gdpa(device, name);
    if (!p && alias)
        p = gdpa(device, alias);
    return p;
}

bool dsvk_vkfns_load(dsvk_vkfns *f, VkDevice device, PFN_vkGetDeviceProcAddr gdpa,
                     const char **missing)
{
    memset(f, 0, sizeof(*f));
    *missing = NULL;
    if (!gdpa || device == VK_NULL_HANDLE) {
        *missing = "vkGetDeviceProcAddr";
        return false;
    }
#define DSVK_VKFNS_GET(name)                                                                       \
    f->name = (PFN_vk##name)gdpa(device, "vk" #name);                                              \
    if (!f->name && !*missing)                                                                     \
        *missing = "vk" #name;
    DSVK_VKFNS_REQUIRED(DSVK_VKFNS_GET)
#undef DSVK_VKFNS_GET
#define DSVK_VKFNS_GET_OPT(field, type, name, alias)                                               \
    f->field = (type)get_either(gdpa, device, name, alias);
    DSVK_VKFNS_OPTIONAL(DSVK_VKFNS_GET_OPT)
#undef DSVK_VKFNS_GET_OPT
    return *missing == NULL;
}
