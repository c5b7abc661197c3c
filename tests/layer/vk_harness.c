#include "vk_harness.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

atomic_int vkh_messages;

static VKAPI_ATTR VkBool32 VKAPI_CALL on_message(VkDebugUtilsMessageSeverityFlagBitsEXT severity,
                                                 VkDebugUtilsMessageTypeFlagsEXT types,
                                                 const VkDebugUtilsMessengerCallbackDataEXT *data,
                                                 void *user)
{
    (void)types;
    (void)user;
    atomic_fetch_add(&vkh_messages, 1);
    fprintf(stderr, "VALIDATION %s: %s\n",
            severity & VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT ? "error" : "warning",
            data && data->pMessage ? data->pMessage : "(no message)");
    return VK_FALSE;
}

static const VkDebugUtilsMessengerCreateInfoEXT messenger_info = {
    .sType = VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT,
    .messageSeverity = VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT |
                       VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT,
    .messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT |
                   VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT |
                   VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT,
    .pfnUserCallback = on_message,
};

uint64_t vkh_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void vkh_create_instance(vkh *h, const char *engine, uint32_t api_version)
{
    memset(h, 0, sizeof(*h));
    static const char *const layers[] = {"VK_LAYER_KHRONOS_validation"};
    static const char *const extensions[] = {VK_EXT_DEBUG_UTILS_EXTENSION_NAME};
    VkApplicationInfo app = {
        .sType = VK_STRUCTURE_TYPE_APPLICATION_INFO,
        .pApplicationName = "dsvk layer test",
        .pEngineName = engine,
        .engineVersion = 1,
        .apiVersion = api_version,
    };
    VkInstanceCreateInfo info = {
        .sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO,
        .pNext = &messenger_info, /* messages of vkCreateInstance itself */
        .pApplicationInfo = &app,
        .enabledLayerCount = 1,
        .ppEnabledLayerNames = layers,
        .enabledExtensionCount = 1,
        .ppEnabledExtensionNames = extensions,
    };
    VkResult r = vkCreateInstance(&info, NULL, &h->instance);
    if (r == VK_ERROR_LAYER_NOT_PRESENT)
        fail_msg("VK_LAYER_KHRONOS_validation is not installed (Debian: vulkan-validationlayers)");
    if (r != VK_SUCCESS)
        fail_msg("vkCreateInstance: %d (is lavapipe's ICD there? Debian: mesa-vulkan-drivers)", r);
    PFN_vkCreateDebugUtilsMessengerEXT create_messenger =
        (PFN_vkCreateDebugUtilsMessengerEXT)vkGetInstanceProcAddr(h->instance,
                                                                  "vkCreateDebugUtilsMessengerEXT");
    assert_non_null(create_messenger);
    assert_int_equal(create_messenger(h->instance, &messenger_info, NULL, &h->messenger),
                     VK_SUCCESS);

    uint32_t n = 1;
    r = vkEnumeratePhysicalDevices(h->instance, &n, &h->physical_device);
    if ((r != VK_SUCCESS && r != VK_INCOMPLETE) || n == 0)
        fail_msg("no Vulkan device: the tests need lavapipe (VK_ICD_FILENAMES)");
    vkGetPhysicalDeviceProperties(h->physical_device, &h->props);
    VkPhysicalDeviceIDProperties id = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_ID_PROPERTIES};
    VkPhysicalDeviceSubgroupProperties subgroup = {
        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_PROPERTIES, .pNext = &id};
    VkPhysicalDeviceProperties2 props2 = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2,
                                          .pNext = &subgroup};
    vkGetPhysicalDeviceProperties2(h->physical_device, &props2);
    memcpy(h->uuid, id.deviceUUID, VK_UUID_SIZE);
    h->subgroup_size = subgroup.subgroupSize;
    h->family_count = VKH_MAX_FAMILIES;
    vkGetPhysicalDeviceQueueFamilyProperties(h->physical_device, &h->family_count, h->families);
}

/* The feature chain of opts in h->chain; returns its head. */
static void *build_chain(vkh *h, const vkh_device_opts *o)
{
    vkh_chain_structs *c = &h->chain;
    memset(c, 0, sizeof(*c));
    c->f2.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2;
    if (o->chain == VKH_CHAIN_INDIVIDUAL) {
        c->memory_model = (VkPhysicalDeviceVulkanMemoryModelFeatures){
            .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_MEMORY_MODEL_FEATURES,
            .vulkanMemoryModel = o->memory_model,
            .vulkanMemoryModelDeviceScope = o->device_scope,
        };
        c->sync2 = (VkPhysicalDeviceSynchronization2Features){
            .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SYNCHRONIZATION_2_FEATURES,
            .pNext = &c->memory_model,
            .synchronization2 = VK_TRUE,
        };
        c->bda = (VkPhysicalDeviceBufferDeviceAddressFeatures){
            .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_BUFFER_DEVICE_ADDRESS_FEATURES,
            .pNext = &c->sync2,
            .bufferDeviceAddress = VK_TRUE,
        };
        c->timeline = (VkPhysicalDeviceTimelineSemaphoreFeatures){
            .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_TIMELINE_SEMAPHORE_FEATURES,
            .pNext = &c->bda,
            .timelineSemaphore = o->timeline,
        };
        c->f2.pNext = &c->timeline;
        return &c->f2;
    }
    c->v13 = (VkPhysicalDeviceVulkan13Features){
        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES,
        .synchronization2 = VK_TRUE,
    };
    c->v12 = (VkPhysicalDeviceVulkan12Features){
        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES,
        .pNext = &c->v13,
        .timelineSemaphore = o->timeline,
        .bufferDeviceAddress = VK_TRUE,
        .storageBuffer8BitAccess = o->shader_features,
        .shaderInt8 = o->shader_features,
        .vulkanMemoryModel = o->memory_model,
        .vulkanMemoryModelDeviceScope = o->device_scope,
    };
    c->v11 = (VkPhysicalDeviceVulkan11Features){
        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_FEATURES, .pNext = &c->v12};
    c->f2.pNext = &c->v11;
    return &c->f2;
}

bool vkh_chain_unchanged(const vkh *h)
{
    /* The pNext members point into h->chain both times. */
    return !memcmp(&h->chain, &h->chain_before, sizeof(h->chain));
}

void vkh_create_device(vkh *h, bool timeline)
{
    vkh_create_device_opts(h, &(vkh_device_opts){.timeline = timeline});
}

void vkh_create_device_opts(vkh *h, const vkh_device_opts *opts)
{
    for (uint32_t i = 0; i < VKH_QUEUES_PER_FAMILY; i++)
        h->priorities[i] = 1.0f;
    h->queue_family = UINT32_MAX;
    for (uint32_t f = 0; f < h->family_count; f++) {
        VkQueueFlags flags = h->families[f].queueFlags;
        if (!(flags & (VK_QUEUE_GRAPHICS_BIT | VK_QUEUE_COMPUTE_BIT | VK_QUEUE_TRANSFER_BIT)))
            continue;
        uint32_t count = h->families[f].queueCount;
        h->queue_infos[h->queue_info_count++] = (VkDeviceQueueCreateInfo){
            .sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO,
            .queueFamilyIndex = f,
            .queueCount = count < VKH_QUEUES_PER_FAMILY ? count : VKH_QUEUES_PER_FAMILY,
            .pQueuePriorities = h->priorities,
        };
        if (h->queue_family == UINT32_MAX && (flags & VK_QUEUE_COMPUTE_BIT))
            h->queue_family = f;
    }
    assert_int_not_equal(h->queue_family, UINT32_MAX);

    h->device_opts = *opts;
    void *features = build_chain(h, opts);
    memcpy(&h->chain_before, &h->chain, sizeof(h->chain));
    VkDeviceCreateInfo info = {
        .sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO,
        .pNext = features,
        .queueCreateInfoCount = h->queue_info_count,
        .pQueueCreateInfos = h->queue_infos,
    };
    assert_int_equal(vkCreateDevice(h->physical_device, &info, NULL, &h->device), VK_SUCCESS);
    for (uint32_t i = 0; i < h->queue_info_count; i++)
        for (uint32_t q = 0; q < h->queue_infos[i].queueCount; q++)
            vkGetDeviceQueue(h->device, h->queue_infos[i].queueFamilyIndex, q,
                             &h->queues[h->queue_infos[i].queueFamilyIndex][q]);
    h->queue = h->queues[h->queue_family][0];
    assert_non_null(h->queue);

    /* The application's buffer, shared between its families like vkd3d-proton's (CONCURRENT
     * needs two families or more; lavapipe has one). */
    uint32_t families[VKH_MAX_FAMILIES];
    for (uint32_t i = 0; i < h->queue_info_count; i++)
        families[i] = h->queue_infos[i].queueFamilyIndex;
    VkBufferCreateInfo buffer_info = {
        .sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
        .size = VKH_FILL_WORDS * 4,
        .usage = VK_BUFFER_USAGE_TRANSFER_DST_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT,
        .sharingMode =
            h->queue_info_count > 1 ? VK_SHARING_MODE_CONCURRENT : VK_SHARING_MODE_EXCLUSIVE,
        .queueFamilyIndexCount = h->queue_info_count > 1 ? h->queue_info_count : 0,
        .pQueueFamilyIndices = h->queue_info_count > 1 ? families : NULL,
    };
    assert_int_equal(vkCreateBuffer(h->device, &buffer_info, NULL, &h->buffer), VK_SUCCESS);
    VkMemoryRequirements req;
    vkGetBufferMemoryRequirements(h->device, h->buffer, &req);
    VkPhysicalDeviceMemoryProperties mem;
    vkGetPhysicalDeviceMemoryProperties(h->physical_device, &mem);
    VkMemoryAllocateInfo alloc = {.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
                                  .allocationSize = req.size,
                                  .memoryTypeIndex =
                                      vkh_host_memory_type(&mem, req.memoryTypeBits)};
    assert_int_equal(vkAllocateMemory(h->device, &alloc, NULL, &h->memory), VK_SUCCESS);
    assert_int_equal(vkBindBufferMemory(h->device, h->buffer, h->memory, 0), VK_SUCCESS);
    assert_int_equal(vkMapMemory(h->device, h->memory, 0, VK_WHOLE_SIZE, 0, (void **)&h->map),
                     VK_SUCCESS);

    VkCommandPoolCreateInfo pool = {.sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO,
                                    .flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT,
                                    .queueFamilyIndex = h->queue_family};
    assert_int_equal(vkCreateCommandPool(h->device, &pool, NULL, &h->pool), VK_SUCCESS);
    VkCommandBufferAllocateInfo cmd = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
                                       .commandPool = h->pool,
                                       .level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
                                       .commandBufferCount = 1};
    assert_int_equal(vkAllocateCommandBuffers(h->device, &cmd, &h->cmd), VK_SUCCESS);
    VkFenceCreateInfo fence = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
    assert_int_equal(vkCreateFence(h->device, &fence, NULL, &h->fence), VK_SUCCESS);
}

uint32_t vkh_host_memory_type(const VkPhysicalDeviceMemoryProperties *mem, uint32_t bits)
{
    const VkMemoryPropertyFlags want =
        VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
    for (uint32_t i = 0; i < mem->memoryTypeCount; i++)
        if ((bits & (1u << i)) && (mem->memoryTypes[i].propertyFlags & want) == want)
            return i;
    fail_msg("no host-visible coherent memory type");
    return 0;
}

bool vkh_layer_active(vkh *h)
{
    VkLayerProperties layers[32];
    uint32_t n = 32;
    VkResult r = vkEnumerateDeviceLayerProperties(h->physical_device, &n, layers);
    assert_true(r == VK_SUCCESS || r == VK_INCOMPLETE);
    for (uint32_t i = 0; i < n; i++)
        if (!strcmp(layers[i].layerName, "VK_LAYER_DSVK_capture"))
            return true;
    return false;
}

void vkh_app_fill(vkh *h, uint32_t value)
{
    VkCommandBufferBeginInfo begin = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
                                      .flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT};
    assert_int_equal(vkBeginCommandBuffer(h->cmd, &begin), VK_SUCCESS);
    vkCmdFillBuffer(h->cmd, h->buffer, 0, VK_WHOLE_SIZE, value);
    VkBufferMemoryBarrier to_host = {.sType = VK_STRUCTURE_TYPE_BUFFER_MEMORY_BARRIER,
                                     .srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT,
                                     .dstAccessMask = VK_ACCESS_HOST_READ_BIT,
                                     .srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
                                     .dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
                                     .buffer = h->buffer,
                                     .size = VK_WHOLE_SIZE};
    vkCmdPipelineBarrier(h->cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_HOST_BIT, 0, 0,
                         NULL, 1, &to_host, 0, NULL);
    assert_int_equal(vkEndCommandBuffer(h->cmd), VK_SUCCESS);
    VkSubmitInfo submit = {.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
                           .commandBufferCount = 1,
                           .pCommandBuffers = &h->cmd};
    assert_int_equal(vkQueueSubmit(h->queue, 1, &submit, h->fence), VK_SUCCESS);
    assert_int_equal(vkWaitForFences(h->device, 1, &h->fence, VK_TRUE, 10000000000ull), VK_SUCCESS);
    assert_int_equal(vkResetFences(h->device, 1, &h->fence), VK_SUCCESS);
    for (uint32_t i = 0; i < VKH_FILL_WORDS; i++)
        if (h->map[i] != value)
            fail_msg("application buffer word %u is %u, expected %u", i, h->map[i], value);
}

void vkh_destroy_device(vkh *h)
{
    vkDestroyFence(h->device, h->fence, NULL);
    vkDestroyCommandPool(h->device, h->pool, NULL);
    vkUnmapMemory(h->device, h->memory);
    vkDestroyBuffer(h->device, h->buffer, NULL);
    vkFreeMemory(h->device, h->memory, NULL);
    vkDestroyDevice(h->device, NULL);
    h->device = VK_NULL_HANDLE;
}

void vkh_destroy_instance(vkh *h)
{
    PFN_vkDestroyDebugUtilsMessengerEXT destroy_messenger =
        (PFN_vkDestroyDebugUtilsMessengerEXT)vkGetInstanceProcAddr(
            h->instance, "vkDestroyDebugUtilsMessengerEXT");
    destroy_messenger(h->instance, h->messenger, NULL);
    vkDestroyInstance(h->instance, NULL);
}
