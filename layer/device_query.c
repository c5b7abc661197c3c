/* Querying a physical device for dsvk (device_query.h). */
#include <stdlib.h>
#include <string.h>

#include "device_query.h"

typedef struct extension_flags {
    bool khr_timeline, khr_bda, ext_decompression, nv_decompression, ext_subgroup_size_control;
    bool khr_8bit_storage, khr_memory_model;
} extension_flags;

static extension_flags query_extensions(const dsvk_layer_instance *inst, VkPhysicalDevice pd)
{
    extension_flags f = {0};
    uint32_t n = 0;
    if (inst->EnumerateDeviceExtensionProperties(pd, NULL, &n, NULL) != VK_SUCCESS || !n)
        return f;
    VkExtensionProperties *list = calloc(n, sizeof(*list));
    if (!list)
        return f;
    /* VK_INCOMPLETE (the list grew in between) still gives a usable prefix. */
    if (inst->EnumerateDeviceExtensionProperties(pd, NULL, &n, list) < 0)
        n = 0;
    for (uint32_t i = 0; i < n; i++) {
        const char *e = list[i].extensionName;
        f.khr_timeline |= !strcmp(e, VK_KHR_TIMELINE_SEMAPHORE_EXTENSION_NAME);
        f.khr_bda |= !strcmp(e, VK_KHR_BUFFER_DEVICE_ADDRESS_EXTENSION_NAME);
        f.ext_decompression |= !strcmp(e, DSVK_VK_EXT_MEMORY_DECOMPRESSION_NAME);
        f.nv_decompression |= !strcmp(e, DSVK_VK_NV_MEMORY_DECOMPRESSION_NAME);
        f.ext_subgroup_size_control |= !strcmp(e, VK_EXT_SUBGROUP_SIZE_CONTROL_EXTENSION_NAME);
        f.khr_8bit_storage |= !strcmp(e, VK_KHR_8BIT_STORAGE_EXTENSION_NAME);
        f.khr_memory_model |= !strcmp(e, VK_KHR_VULKAN_MEMORY_MODEL_EXTENSION_NAME);
    }
    free(list);
    return f;
}

/* Puts s at the head of the chain that starts at *head. */
static void chain(void **head, void *s)
{
    ((VkBaseOutStructure *)s)->pNext = *head;
    *head = s;
}

static void query_features(const dsvk_layer_instance *inst, VkPhysicalDevice pd,
                           const extension_flags *ext, dsvk_device_support *s)
{
    if (!inst->GetPhysicalDeviceFeatures2)
        return;
    bool v12 = s->api_version >= VK_API_VERSION_1_2;
    VkPhysicalDeviceTimelineSemaphoreFeatures timeline = {
        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_TIMELINE_SEMAPHORE_FEATURES};
    VkPhysicalDeviceBufferDeviceAddressFeatures bda = {
        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_BUFFER_DEVICE_ADDRESS_FEATURES};
    VkPhysicalDeviceMemoryDecompressionFeaturesNV decompression = {
        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MEMORY_DECOMPRESSION_FEATURES_NV};
    VkPhysicalDevice8BitStorageFeatures storage8 = {
        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_8BIT_STORAGE_FEATURES};
    VkPhysicalDeviceVulkanMemoryModelFeatures memory_model = {
        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_MEMORY_MODEL_FEATURES};
    VkPhysicalDeviceFeatures2 features = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2};
    /* Only structures the device knows: a query must not carry the others. */
    if (v12 || ext->khr_timeline)
        chain(&features.pNext, &timeline);
    if (v12 || ext->khr_bda)
        chain(&features.pNext, &bda);
    if (ext->ext_decompression || ext->nv_decompression)
        chain(&features.pNext, &decompression);
    if (v12 || ext->khr_8bit_storage)
        chain(&features.pNext, &storage8);
    if (v12 || ext->khr_memory_model)
        chain(&features.pNext, &memory_model);
    inst->GetPhysicalDeviceFeatures2(pd, &features);
    s->timeline_semaphore = timeline.timelineSemaphore;
    s->buffer_device_address = bda.bufferDeviceAddress;
    s->memory_decompression = decompression.memoryDecompression;
    s->storage_buffer_8bit = storage8.storageBuffer8BitAccess;
    s->vulkan_memory_model_device_scope = memory_model.vulkanMemoryModelDeviceScope;
}

static void query_properties(const dsvk_layer_instance *inst, VkPhysicalDevice pd,
                             const extension_flags *ext, dsvk_vk_device_desc *d)
{
    inst->GetPhysicalDeviceProperties(pd, &d->properties);
    inst->GetPhysicalDeviceMemoryProperties(pd, &d->memory_properties);
    if (!inst->GetPhysicalDeviceProperties2 || d->api_version < VK_API_VERSION_1_1)
        return; /* no UUID or subgroup data: the fields stay 0 */
    VkPhysicalDeviceIDProperties id = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_ID_PROPERTIES};
    VkPhysicalDeviceSubgroupProperties subgroup = {
        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_PROPERTIES};
    VkPhysicalDeviceSubgroupSizeControlProperties size_control = {
        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_SIZE_CONTROL_PROPERTIES};
    VkPhysicalDeviceMemoryDecompressionPropertiesNV decompression = {
        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MEMORY_DECOMPRESSION_PROPERTIES_NV};
    VkPhysicalDeviceProperties2 props = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2};
    chain(&props.pNext, &id);
    chain(&props.pNext, &subgroup);
    if (d->api_version >= VK_API_VERSION_1_3 || ext->ext_subgroup_size_control)
        chain(&props.pNext, &size_control);
    if (ext->ext_decompression || ext->nv_decompression)
        chain(&props.pNext, &decompression);
    inst->GetPhysicalDeviceProperties2(pd, &props);
    memcpy(d->device_uuid, id.deviceUUID, VK_UUID_SIZE);
    d->subgroup_size = subgroup.subgroupSize;
    d->subgroup_stages = subgroup.supportedStages;
    d->subgroup_operations = subgroup.supportedOperations;
    d->min_subgroup_size = size_control.minSubgroupSize;
    d->max_subgroup_size = size_control.maxSubgroupSize;
    d->decompression_methods = decompression.decompressionMethods;
    d->max_decompression_indirect_count = decompression.maxDecompressionIndirectCount;
}

static uint32_t min_version(uint32_t a, uint32_t b)
{
    /* Compare major.minor only: the patch level says nothing about available features. */
    a = VK_MAKE_API_VERSION(0, VK_API_VERSION_MAJOR(a), VK_API_VERSION_MINOR(a), 0);
    b = VK_MAKE_API_VERSION(0, VK_API_VERSION_MAJOR(b), VK_API_VERSION_MINOR(b), 0);
    return a < b ? a : b;
}

bool dsvk_physical_info_query(const dsvk_layer_instance *inst, VkPhysicalDevice pd,
                              dsvk_physical_info *out)
{
    *out = (dsvk_physical_info){0};
    VkPhysicalDeviceProperties props;
    inst->GetPhysicalDeviceProperties(pd, &props);
    uint32_t api = min_version(inst->api_version, props.apiVersion);
    out->support.api_version = api;
    out->desc.api_version = api;

    inst->GetPhysicalDeviceQueueFamilyProperties(pd, &out->family_count, NULL);
    if (!out->family_count)
        return false;
    out->families = calloc(out->family_count, sizeof(*out->families));
    if (!out->families)
        return false;
    inst->GetPhysicalDeviceQueueFamilyProperties(pd, &out->family_count, out->families);

    extension_flags ext = query_extensions(inst, pd);
    out->support.khr_timeline_semaphore = ext.khr_timeline;
    out->support.khr_buffer_device_address = ext.khr_bda;
    out->support.ext_memory_decompression = ext.ext_decompression;
    out->support.nv_memory_decompression = ext.nv_decompression;
    out->support.khr_8bit_storage = ext.khr_8bit_storage;
    query_features(inst, pd, &ext, &out->support);
    query_properties(inst, pd, &ext, &out->desc);
    return true;
}

void dsvk_physical_info_free(dsvk_physical_info *info)
{
    free(info->families);
    info->families = NULL;
}
