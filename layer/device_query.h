/* What a physical device offers, queried through the next layer before a captured device is
 * created: the inputs of the queue plan and of the create-info edit, and the description's
 * physical-device fields. */
#ifndef DSVK_LAYER_DEVICE_QUERY_H
#define DSVK_LAYER_DEVICE_QUERY_H

#include "device_edit.h"
#include "layer.h"

typedef struct dsvk_physical_info {
    dsvk_device_support support;
    VkQueueFamilyProperties *families; /* malloc'd */
    uint32_t family_count;
    /* For the description: properties, memory properties, UUID, api_version, subgroups,
     * decompression properties. */
    dsvk_vk_device_desc desc;
} dsvk_physical_info;

/* Returns false when out of memory or the device has no queue families. */
bool dsvk_physical_info_query(const dsvk_layer_instance *inst, VkPhysicalDevice physical_device,
                              dsvk_physical_info *out);
void dsvk_physical_info_free(dsvk_physical_info *info);

#endif
