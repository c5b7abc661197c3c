/*
 * The create-info edit of a captured device: features and the extra queue land in copies,
 * the application's structures stay byte for byte as they were.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <vulkan/vk_layer.h>

#include "device_edit.h"

static const float prio[2] = {1.0f, 0.5f};

static dsvk_device_support support_13(void)
{
    return (dsvk_device_support){.api_version = VK_API_VERSION_1_3,
                                 .timeline_semaphore = true,
                                 .buffer_device_address = true};
}

static dsvk_queue_plan shared_plan(void)
{
    return (dsvk_queue_plan){.kind = DSVK_QUEUE_SHARED, .family = 0, .index = 0};
}

static const VkBaseInStructure *find(const void *chain, VkStructureType stype)
{
    for (const VkBaseInStructure *s = chain; s; s = s->pNext)
        if (s->sType == stype)
            return s;
    return NULL;
}

/* Every sType appears at most once (VUID-VkDeviceCreateInfo-sType-unique). */
static void assert_unique(const void *chain)
{
    for (const VkBaseInStructure *a = chain; a; a = a->pNext)
        for (const VkBaseInStructure *b = a->pNext; b; b = b->pNext)
            assert_int_not_equal(a->sType, b->sType);
}

static bool has_ext(const VkDeviceCreateInfo *info, const char *name)
{
    for (uint32_t i = 0; i < info->enabledExtensionCount; i++)
        if (!strcmp(info->ppEnabledExtensionNames[i], name))
            return true;
    return false;
}

static void empty_chain_gets_new_feature_structs(void **state)
{
    (void)state;
    VkDeviceQueueCreateInfo q = {.sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO,
                                 .queueCount = 1,
                                 .pQueuePriorities = prio};
    VkDeviceCreateInfo app = {.sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO,
                              .queueCreateInfoCount = 1,
                              .pQueueCreateInfos = &q};
    VkDeviceCreateInfo before = app;
    dsvk_device_support s = support_13();
    dsvk_queue_plan p = shared_plan();
    dsvk_device_edit e;
    assert_true(dsvk_device_edit_build(&e, &app, &s, &p));
    assert_true(e.changed);
    assert_memory_equal(&app, &before, sizeof(app));
    const VkPhysicalDeviceTimelineSemaphoreFeatures *ts = (const void *)find(
        e.info.pNext, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_TIMELINE_SEMAPHORE_FEATURES);
    const VkPhysicalDeviceBufferDeviceAddressFeatures *bda = (const void *)find(
        e.info.pNext, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_BUFFER_DEVICE_ADDRESS_FEATURES);
    assert_non_null(ts);
    assert_non_null(bda);
    assert_true(ts->timelineSemaphore);
    assert_true(bda->bufferDeviceAddress);
    assert_true(e.enabled.timeline_semaphore && e.enabled.buffer_device_address);
    assert_false(e.enabled.memory_decompression_nv || e.enabled.memory_decompression_ext);
    assert_int_equal(e.info.enabledExtensionCount, 0); /* core in 1.3 */
    assert_ptr_equal(e.info.pQueueCreateInfos, &q);    /* shared queue: no copy */
    assert_null(e.skipped);
    assert_unique(e.info.pNext);
    dsvk_device_edit_free(&e);
}

/* vkd3d-proton's shape: Features2 -> 1.1 -> 1.2 -> 1.3 features, with the loader's link
 * structure in front. The 1.2 structure is edited in a copy; the chain behind it is the
 * application's own. */
static void vulkan12_features_edited_in_a_copy(void **state)
{
    (void)state;
    VkPhysicalDeviceVulkan13Features v13 = {
        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES, .synchronization2 = 1};
    VkPhysicalDeviceVulkan12Features v12 = {
        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES,
        .pNext = &v13,
        .bufferDeviceAddress = VK_TRUE,
        .descriptorIndexing = VK_TRUE};
    VkPhysicalDeviceVulkan11Features v11 = {
        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_FEATURES, .pNext = &v12};
    VkPhysicalDeviceFeatures2 f2 = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2,
                                    .pNext = &v11};
    VkLayerDeviceCreateInfo loader = {.sType = VK_STRUCTURE_TYPE_LOADER_DEVICE_CREATE_INFO,
                                      .pNext = &f2,
                                      .function = VK_LAYER_LINK_INFO};
    VkDeviceQueueCreateInfo q[2] = {
        {.sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO,
         .queueFamilyIndex = 0,
         .queueCount = 1,
         .pQueuePriorities = prio},
        {.sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO,
         .queueFamilyIndex = 2,
         .queueCount = 2,
         .pQueuePriorities = prio},
    };
    static const char *const exts[] = {"VK_KHR_swapchain"};
    VkDeviceCreateInfo app = {.sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO,
                              .pNext = &loader,
                              .queueCreateInfoCount = 2,
                              .pQueueCreateInfos = q,
                              .enabledExtensionCount = 1,
                              .ppEnabledExtensionNames = exts};
    /* Snapshots of everything the application owns. */
    VkDeviceCreateInfo app0 = app;
    VkLayerDeviceCreateInfo loader0 = loader;
    VkPhysicalDeviceFeatures2 f20 = f2;
    VkPhysicalDeviceVulkan11Features v110 = v11;
    VkPhysicalDeviceVulkan12Features v120 = v12;
    VkPhysicalDeviceVulkan13Features v130 = v13;
    VkDeviceQueueCreateInfo q0[2];
    memcpy(q0, q, sizeof(q));

    dsvk_device_support s = support_13();
    dsvk_queue_plan p = {
        .kind = DSVK_QUEUE_EXTRA, .family = 2, .index = 2, .create_info = 1, .priority = 0.5f};
    dsvk_device_edit e;
    assert_true(dsvk_device_edit_build(&e, &app, &s, &p));
    assert_true(e.changed);

    assert_memory_equal(&app, &app0, sizeof(app));
    assert_memory_equal(&loader, &loader0, sizeof(loader));
    assert_memory_equal(&f2, &f20, sizeof(f2));
    assert_memory_equal(&v11, &v110, sizeof(v11));
    assert_memory_equal(&v12, &v120, sizeof(v12));
    assert_memory_equal(&v13, &v130, sizeof(v13));
    assert_memory_equal(q, q0, sizeof(q));
    assert_false(v12.timelineSemaphore);

    const VkPhysicalDeviceVulkan12Features *c12 =
        (const void *)find(e.info.pNext, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES);
    assert_non_null(c12);
    assert_ptr_not_equal(c12, &v12);
    assert_true(c12->timelineSemaphore);
    assert_true(c12->bufferDeviceAddress);
    assert_true(c12->descriptorIndexing); /* the rest of the copy is the application's */
    assert_ptr_equal(c12->pNext, &v13);   /* behind the edit: the application's chain */
    const VkLayerDeviceCreateInfo *cl =
        (const void *)find(e.info.pNext, VK_STRUCTURE_TYPE_LOADER_DEVICE_CREATE_INFO);
    assert_ptr_not_equal(cl, &loader);
    assert_int_equal(cl->function, VK_LAYER_LINK_INFO);
    /* No individual timeline structure next to the 1.2 one. */
    assert_null(find(e.info.pNext, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_TIMELINE_SEMAPHORE_FEATURES));
    assert_unique(e.info.pNext);
    assert_true(e.enabled.timeline_semaphore);
    assert_true(e.enabled.synchronization2);

    /* The extra queue: one more in the planned create info, priorities extended. */
    assert_ptr_not_equal(e.info.pQueueCreateInfos, q);
    assert_int_equal(e.info.pQueueCreateInfos[0].queueCount, 1);
    assert_ptr_equal(e.info.pQueueCreateInfos[0].pQueuePriorities, prio);
    assert_int_equal(e.info.pQueueCreateInfos[1].queueCount, 3);
    assert_true(e.info.pQueueCreateInfos[1].pQueuePriorities[0] == 1.0f);
    assert_true(e.info.pQueueCreateInfos[1].pQueuePriorities[1] == 0.5f);
    assert_true(e.info.pQueueCreateInfos[1].pQueuePriorities[2] == 0.5f);
    assert_int_equal(e.info.enabledExtensionCount, 1);
    dsvk_device_edit_free(&e);
}

/* A structure the headers do not know sits in front of the one to edit: that feature is
 * left alone (copying would need its size), the others still go in. */
static void unknown_struct_in_front_blocks_only_that_edit(void **state)
{
    (void)state;
    VkPhysicalDeviceVulkan12Features v12 = {
        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES,
        .bufferDeviceAddress = VK_TRUE};
    struct {
        VkStructureType sType;
        const void *pNext;
        uint64_t payload[3];
    } future = {.sType = (VkStructureType)1999999000, .pNext = &v12};
    VkDeviceCreateInfo app = {.sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO, .pNext = &future};
    dsvk_device_support s = support_13();
    s.memory_decompression = s.ext_memory_decompression = true;
    dsvk_queue_plan p = shared_plan();
    dsvk_device_edit e;
    assert_true(dsvk_device_edit_build(&e, &app, &s, &p));
    assert_string_equal(e.skipped, "timelineSemaphore");
    assert_false(e.enabled.timeline_semaphore);
    assert_false(v12.timelineSemaphore);
    assert_ptr_equal(find(e.info.pNext, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES),
                     &v12);
    /* Decompression needs no edit of the application's chain: a new structure in front. */
    assert_true(e.enabled.memory_decompression_ext);
    const VkPhysicalDeviceMemoryDecompressionFeaturesNV *md = (const void *)find(
        e.info.pNext, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MEMORY_DECOMPRESSION_FEATURES_NV);
    assert_non_null(md);
    assert_true(md->memoryDecompression);
    assert_true(has_ext(&e.info, DSVK_VK_EXT_MEMORY_DECOMPRESSION_NAME));
    assert_unique(e.info.pNext);
    dsvk_device_edit_free(&e);
}

static void decompression_prefers_ext_and_edits_existing_struct(void **state)
{
    (void)state;
    VkPhysicalDeviceMemoryDecompressionFeaturesNV md = {
        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MEMORY_DECOMPRESSION_FEATURES_NV};
    VkPhysicalDeviceFeatures2 f2 = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2,
                                    .pNext = &md};
    static const char *const exts[] = {"VK_KHR_swapchain"};
    VkDeviceCreateInfo app = {.sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO,
                              .pNext = &f2,
                              .enabledExtensionCount = 1,
                              .ppEnabledExtensionNames = exts};
    dsvk_device_support s = support_13();
    s.memory_decompression = s.nv_memory_decompression = true;
    dsvk_queue_plan p = shared_plan();
    dsvk_device_edit e;
    assert_true(dsvk_device_edit_build(&e, &app, &s, &p));
    assert_false(md.memoryDecompression);
    assert_true(e.enabled.memory_decompression_nv);
    assert_false(e.enabled.memory_decompression_ext);
    const VkPhysicalDeviceMemoryDecompressionFeaturesNV *c = (const void *)find(
        e.info.pNext, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MEMORY_DECOMPRESSION_FEATURES_NV);
    assert_ptr_not_equal(c, &md);
    assert_true(c->memoryDecompression);
    assert_int_equal(e.info.enabledExtensionCount, 2);
    assert_true(has_ext(&e.info, "VK_KHR_swapchain"));
    assert_true(has_ext(&e.info, DSVK_VK_NV_MEMORY_DECOMPRESSION_NAME));
    assert_ptr_equal(app.ppEnabledExtensionNames, exts);
    assert_int_equal(app.enabledExtensionCount, 1);
    assert_unique(e.info.pNext);
    dsvk_device_edit_free(&e);

    s.ext_memory_decompression = true; /* both offered: EXT wins */
    assert_true(dsvk_device_edit_build(&e, &app, &s, &p));
    assert_true(e.enabled.memory_decompression_ext);
    assert_false(e.enabled.memory_decompression_nv);
    assert_true(has_ext(&e.info, DSVK_VK_EXT_MEMORY_DECOMPRESSION_NAME));
    assert_false(has_ext(&e.info, DSVK_VK_NV_MEMORY_DECOMPRESSION_NAME));
    dsvk_device_edit_free(&e);
}

/* bufferDeviceAddress must not be enabled next to VK_EXT_buffer_device_address, and memory
 * decompression needs it. */
static void ext_buffer_device_address_blocks_bda_and_decompression(void **state)
{
    (void)state;
    static const char *const exts[] = {VK_EXT_BUFFER_DEVICE_ADDRESS_EXTENSION_NAME};
    VkDeviceCreateInfo app = {.sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO,
                              .enabledExtensionCount = 1,
                              .ppEnabledExtensionNames = exts};
    dsvk_device_support s = support_13();
    s.memory_decompression = s.ext_memory_decompression = true;
    dsvk_queue_plan p = shared_plan();
    dsvk_device_edit e;
    assert_true(dsvk_device_edit_build(&e, &app, &s, &p));
    assert_false(e.enabled.buffer_device_address);
    assert_false(e.enabled.memory_decompression_ext);
    assert_null(
        find(e.info.pNext, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_BUFFER_DEVICE_ADDRESS_FEATURES));
    assert_null(
        find(e.info.pNext, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MEMORY_DECOMPRESSION_FEATURES_NV));
    assert_int_equal(e.info.enabledExtensionCount, 1);
    assert_true(e.enabled.timeline_semaphore);
    dsvk_device_edit_free(&e);
}

/* A device used at Vulkan 1.1 needs the KHR extensions for the 1.2 features. */
static void vulkan11_device_gets_khr_extensions(void **state)
{
    (void)state;
    VkDeviceCreateInfo app = {.sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO};
    dsvk_device_support s = {.api_version = VK_API_VERSION_1_1,
                             .timeline_semaphore = true,
                             .buffer_device_address = true,
                             .khr_timeline_semaphore = true,
                             .khr_buffer_device_address = true};
    dsvk_queue_plan p = shared_plan();
    dsvk_device_edit e;
    assert_true(dsvk_device_edit_build(&e, &app, &s, &p));
    assert_true(e.enabled.timeline_semaphore && e.enabled.buffer_device_address);
    assert_true(has_ext(&e.info, VK_KHR_TIMELINE_SEMAPHORE_EXTENSION_NAME));
    assert_true(has_ext(&e.info, VK_KHR_BUFFER_DEVICE_ADDRESS_EXTENSION_NAME));
    dsvk_device_edit_free(&e);

    /* Without the extensions nothing can be enabled. */
    s.khr_timeline_semaphore = s.khr_buffer_device_address = false;
    assert_true(dsvk_device_edit_build(&e, &app, &s, &p));
    assert_false(e.changed);
    assert_false(e.enabled.timeline_semaphore || e.enabled.buffer_device_address);
    dsvk_device_edit_free(&e);
}

static void nothing_to_do_passes_the_application_info(void **state)
{
    (void)state;
    VkPhysicalDeviceVulkan12Features v12 = {
        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES,
        .timelineSemaphore = VK_TRUE,
        .bufferDeviceAddress = VK_TRUE};
    VkDeviceCreateInfo app = {.sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO, .pNext = &v12};
    dsvk_device_support s = support_13();
    dsvk_queue_plan p = shared_plan();
    dsvk_device_edit e;
    assert_true(dsvk_device_edit_build(&e, &app, &s, &p));
    assert_false(e.changed);
    assert_memory_equal(&e.info, &app, sizeof(app));
    assert_true(e.enabled.timeline_semaphore && e.enabled.buffer_device_address);
    dsvk_device_edit_free(&e);
}

/* ---- the GDeflate shader's features ---- */

/* A Vulkan 1.3 device with everything the shader can use. */
static dsvk_device_support support_13_shader(void)
{
    dsvk_device_support s = support_13();
    s.storage_buffer_8bit = s.vulkan_memory_model_device_scope = true;
    return s;
}

/* No feature structure at all: 8-bit storage in a new structure of its own; 8-bit integers
 * are not turned on (no decoder build uses them), and the memory model is not the layer's to
 * turn on, so nothing is added for either. */
static void shader_features_in_new_structs(void **state)
{
    (void)state;
    VkDeviceCreateInfo app = {.sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO};
    dsvk_device_support s = support_13_shader();
    dsvk_queue_plan p = shared_plan();
    dsvk_device_edit e;
    assert_true(dsvk_device_edit_build(&e, &app, &s, &p));
    const VkPhysicalDevice8BitStorageFeatures *s8 =
        (const void *)find(e.info.pNext, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_8BIT_STORAGE_FEATURES);
    assert_non_null(s8);
    assert_true(s8->storageBuffer8BitAccess);
    assert_false(s8->uniformAndStorageBuffer8BitAccess || s8->storagePushConstant8);
    assert_null(find(e.info.pNext, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_FLOAT16_INT8_FEATURES));
    assert_null(find(e.info.pNext, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_MEMORY_MODEL_FEATURES));
    assert_true(e.enabled_shader.storage_buffer_8bit);
    assert_false(e.enabled_shader.shader_int8);
    assert_false(e.enabled_shader.vulkan_memory_model);
    assert_false(e.enabled_shader.vulkan_memory_model_device_scope);
    assert_int_equal(e.info.enabledExtensionCount, 0); /* core in 1.2 */
    assert_null(e.skipped);
    assert_unique(e.info.pNext);
    dsvk_device_edit_free(&e);

    /* Not supported: not turned on, and not reported. */
    s.storage_buffer_8bit = false;
    assert_true(dsvk_device_edit_build(&e, &app, &s, &p));
    assert_null(find(e.info.pNext, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_8BIT_STORAGE_FEATURES));
    assert_null(find(e.info.pNext, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_FLOAT16_INT8_FEATURES));
    assert_false(e.enabled_shader.storage_buffer_8bit || e.enabled_shader.shader_int8);
    dsvk_device_edit_free(&e);
}

/* vkd3d-proton's shape with vulkanMemoryModel on and DeviceScope off: both go into the copy
 * of the application's VkPhysicalDeviceVulkan12Features, none into an individual structure
 * (they must not be chained next to it). */
static void shader_features_in_vulkan12_copy(void **state)
{
    (void)state;
    VkPhysicalDeviceVulkan13Features v13 = {
        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES, .synchronization2 = 1};
    VkPhysicalDeviceVulkan12Features v12 = {
        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES,
        .pNext = &v13,
        .timelineSemaphore = VK_TRUE,
        .bufferDeviceAddress = VK_TRUE,
        .uniformAndStorageBuffer8BitAccess = VK_TRUE,
        .vulkanMemoryModel = VK_TRUE};
    VkPhysicalDeviceFeatures2 f2 = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2,
                                    .pNext = &v12};
    VkLayerDeviceCreateInfo loader = {.sType = VK_STRUCTURE_TYPE_LOADER_DEVICE_CREATE_INFO,
                                      .pNext = &f2,
                                      .function = VK_LAYER_LINK_INFO};
    VkDeviceCreateInfo app = {.sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO, .pNext = &loader};
    VkDeviceCreateInfo app0 = app;
    VkLayerDeviceCreateInfo loader0 = loader;
    VkPhysicalDeviceFeatures2 f20 = f2;
    VkPhysicalDeviceVulkan12Features v120 = v12;
    dsvk_device_support s = support_13_shader();
    dsvk_queue_plan p = shared_plan();
    dsvk_device_edit e;
    assert_true(dsvk_device_edit_build(&e, &app, &s, &p));
    assert_true(e.changed);
    assert_memory_equal(&app, &app0, sizeof(app));
    assert_memory_equal(&loader, &loader0, sizeof(loader));
    assert_memory_equal(&f2, &f20, sizeof(f2));
    assert_memory_equal(&v12, &v120, sizeof(v12));

    const VkPhysicalDeviceVulkan12Features *c12 =
        (const void *)find(e.info.pNext, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES);
    assert_ptr_not_equal(c12, &v12);
    assert_true(c12->storageBuffer8BitAccess);
    assert_false(c12->shaderInt8);
    assert_true(c12->vulkanMemoryModel);
    assert_true(c12->vulkanMemoryModelDeviceScope);
    assert_true(c12->uniformAndStorageBuffer8BitAccess); /* the application's, kept */
    assert_false(c12->shaderFloat16);
    assert_ptr_equal(c12->pNext, &v13);
    assert_null(find(e.info.pNext, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_8BIT_STORAGE_FEATURES));
    assert_null(find(e.info.pNext, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_FLOAT16_INT8_FEATURES));
    assert_null(find(e.info.pNext, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_MEMORY_MODEL_FEATURES));
    assert_unique(e.info.pNext);
    assert_true(e.enabled_shader.storage_buffer_8bit);
    assert_false(e.enabled_shader.shader_int8);
    assert_true(e.enabled_shader.vulkan_memory_model);
    assert_true(e.enabled_shader.vulkan_memory_model_device_scope);
    dsvk_device_edit_free(&e);

    /* A device without DeviceScope: the memory model stays as the application set it, and
     * the description says the shader's atomics are not allowed. */
    s.vulkan_memory_model_device_scope = false;
    assert_true(dsvk_device_edit_build(&e, &app, &s, &p));
    c12 = (const void *)find(e.info.pNext, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES);
    assert_true(c12->vulkanMemoryModel);
    assert_false(c12->vulkanMemoryModelDeviceScope);
    assert_true(e.enabled_shader.vulkan_memory_model);
    assert_false(e.enabled_shader.vulkan_memory_model_device_scope);
    assert_true(e.enabled_shader.storage_buffer_8bit);
    dsvk_device_edit_free(&e);
}

/* The individual structures, no VkPhysicalDeviceVulkan12Features: each feature is edited in
 * a copy of the structure that owns it, and no second structure of a type is added. */
static void shader_features_in_individual_structs(void **state)
{
    (void)state;
    VkPhysicalDeviceVulkanMemoryModelFeatures mm = {
        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_MEMORY_MODEL_FEATURES,
        .vulkanMemoryModel = VK_TRUE};
    VkPhysicalDeviceShaderFloat16Int8Features f16 = {
        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_FLOAT16_INT8_FEATURES,
        .pNext = &mm,
        .shaderFloat16 = VK_TRUE};
    VkPhysicalDevice8BitStorageFeatures s8 = {
        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_8BIT_STORAGE_FEATURES,
        .pNext = &f16,
        .storagePushConstant8 = VK_TRUE};
    VkPhysicalDeviceTimelineSemaphoreFeatures ts = {
        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_TIMELINE_SEMAPHORE_FEATURES,
        .pNext = &s8,
        .timelineSemaphore = VK_TRUE};
    VkDeviceCreateInfo app = {.sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO, .pNext = &ts};
    VkPhysicalDeviceVulkanMemoryModelFeatures mm0 = mm;
    VkPhysicalDeviceShaderFloat16Int8Features f160 = f16;
    VkPhysicalDevice8BitStorageFeatures s80 = s8;
    VkPhysicalDeviceTimelineSemaphoreFeatures ts0 = ts;
    dsvk_device_support s = support_13_shader();
    dsvk_queue_plan p = shared_plan();
    dsvk_device_edit e;
    assert_true(dsvk_device_edit_build(&e, &app, &s, &p));
    assert_memory_equal(&mm, &mm0, sizeof(mm));
    assert_memory_equal(&f16, &f160, sizeof(f16));
    assert_memory_equal(&s8, &s80, sizeof(s8));
    assert_memory_equal(&ts, &ts0, sizeof(ts));

    const VkPhysicalDevice8BitStorageFeatures *c8 =
        (const void *)find(e.info.pNext, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_8BIT_STORAGE_FEATURES);
    const VkPhysicalDeviceShaderFloat16Int8Features *ci = (const void *)find(
        e.info.pNext, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_FLOAT16_INT8_FEATURES);
    const VkPhysicalDeviceVulkanMemoryModelFeatures *cm = (const void *)find(
        e.info.pNext, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_MEMORY_MODEL_FEATURES);
    assert_ptr_not_equal(c8, &s8);
    assert_ptr_not_equal(ci, &f16);
    assert_ptr_not_equal(cm, &mm);
    assert_true(c8->storageBuffer8BitAccess && c8->storagePushConstant8);
    assert_true(!ci->shaderInt8 && ci->shaderFloat16); /* copied (in front of mm), unchanged */
    assert_true(cm->vulkanMemoryModel && cm->vulkanMemoryModelDeviceScope);
    assert_false(cm->vulkanMemoryModelAvailabilityVisibilityChains);
    assert_null(find(e.info.pNext, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES));
    assert_unique(e.info.pNext);
    assert_true(e.enabled_shader.storage_buffer_8bit);
    assert_false(e.enabled_shader.shader_int8);
    assert_true(e.enabled_shader.vulkan_memory_model);
    assert_true(e.enabled_shader.vulkan_memory_model_device_scope);
    assert_true(e.enabled.timeline_semaphore);
    dsvk_device_edit_free(&e);
}

/* Everything already on: the application's create info goes down as it is. */
static void shader_features_already_enabled(void **state)
{
    (void)state;
    VkPhysicalDeviceVulkan12Features v12 = {
        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES,
        .timelineSemaphore = VK_TRUE,
        .bufferDeviceAddress = VK_TRUE,
        .storageBuffer8BitAccess = VK_TRUE,
        .shaderInt8 = VK_TRUE,
        .vulkanMemoryModel = VK_TRUE,
        .vulkanMemoryModelDeviceScope = VK_TRUE};
    VkDeviceCreateInfo app = {.sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO, .pNext = &v12};
    dsvk_device_support s = support_13_shader();
    dsvk_queue_plan p = shared_plan();
    dsvk_device_edit e;
    assert_true(dsvk_device_edit_build(&e, &app, &s, &p));
    assert_false(e.changed);
    assert_memory_equal(&e.info, &app, sizeof(app));
    assert_true(e.enabled_shader.storage_buffer_8bit && e.enabled_shader.shader_int8);
    assert_true(e.enabled_shader.vulkan_memory_model);
    assert_true(e.enabled_shader.vulkan_memory_model_device_scope);
    dsvk_device_edit_free(&e);
}

/* Below Vulkan 1.2 the feature comes with its KHR extension (added when the application did
 * not name it); without the extension, or below 1.1, nothing is turned on. */
static void shader_features_below_vulkan12(void **state)
{
    (void)state;
    dsvk_device_support s = {
        .api_version = VK_API_VERSION_1_1, .storage_buffer_8bit = true, .khr_8bit_storage = true};
    VkDeviceCreateInfo app = {.sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO};
    dsvk_queue_plan p = shared_plan();
    dsvk_device_edit e;
    assert_true(dsvk_device_edit_build(&e, &app, &s, &p));
    assert_true(e.enabled_shader.storage_buffer_8bit);
    assert_non_null(find(e.info.pNext, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_8BIT_STORAGE_FEATURES));
    assert_int_equal(e.info.enabledExtensionCount, 1);
    assert_true(has_ext(&e.info, VK_KHR_8BIT_STORAGE_EXTENSION_NAME));
    dsvk_device_edit_free(&e);

    /* The application named the extension already: not named twice. */
    static const char *const exts[] = {VK_KHR_8BIT_STORAGE_EXTENSION_NAME};
    app.enabledExtensionCount = 1;
    app.ppEnabledExtensionNames = exts;
    assert_true(dsvk_device_edit_build(&e, &app, &s, &p));
    assert_int_equal(e.info.enabledExtensionCount, 1);
    dsvk_device_edit_free(&e);

    s.khr_8bit_storage = false;
    app.enabledExtensionCount = 0;
    assert_true(dsvk_device_edit_build(&e, &app, &s, &p));
    assert_false(e.changed);
    assert_false(e.enabled_shader.storage_buffer_8bit || e.enabled_shader.shader_int8);
    dsvk_device_edit_free(&e);

    s = (dsvk_device_support){
        .api_version = VK_API_VERSION_1_0, .storage_buffer_8bit = true, .khr_8bit_storage = true};
    assert_true(dsvk_device_edit_build(&e, &app, &s, &p));
    assert_false(e.changed);
    assert_false(e.enabled_shader.storage_buffer_8bit || e.enabled_shader.shader_int8);
    dsvk_device_edit_free(&e);
}

/* An application structure the layer cannot copy past blocks only the edits behind it. */
static void shader_feature_behind_unknown_struct_is_skipped(void **state)
{
    (void)state;
    VkPhysicalDeviceVulkanMemoryModelFeatures mm = {
        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_MEMORY_MODEL_FEATURES,
        .vulkanMemoryModel = VK_TRUE};
    struct {
        VkStructureType sType;
        const void *pNext;
        uint64_t payload[2];
    } future = {.sType = (VkStructureType)1999999000, .pNext = &mm};
    VkDeviceCreateInfo app = {.sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO, .pNext = &future};
    dsvk_device_support s = support_13_shader();
    dsvk_queue_plan p = shared_plan();
    dsvk_device_edit e;
    assert_true(dsvk_device_edit_build(&e, &app, &s, &p));
    assert_string_equal(e.skipped, "vulkanMemoryModelDeviceScope");
    assert_true(e.enabled_shader.vulkan_memory_model);
    assert_false(e.enabled_shader.vulkan_memory_model_device_scope);
    assert_false(mm.vulkanMemoryModelDeviceScope);
    assert_true(e.enabled_shader.storage_buffer_8bit); /* a new structure in front */
    assert_unique(e.info.pNext);
    dsvk_device_edit_free(&e);
}

static void struct_size_table_knows_vkd3d_structs(void **state)
{
    (void)state;
    assert_int_equal(dsvk_device_struct_size(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES),
                     sizeof(VkPhysicalDeviceVulkan12Features));
    assert_int_equal(dsvk_device_struct_size(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2),
                     sizeof(VkPhysicalDeviceFeatures2));
    assert_int_equal(
        dsvk_device_struct_size(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_ROBUSTNESS_2_FEATURES_EXT),
        sizeof(VkPhysicalDeviceRobustness2FeaturesEXT));
    assert_int_equal(dsvk_device_struct_size(VK_STRUCTURE_TYPE_LOADER_DEVICE_CREATE_INFO),
                     sizeof(VkLayerDeviceCreateInfo));
    assert_int_equal(dsvk_device_struct_size(VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(empty_chain_gets_new_feature_structs),
        cmocka_unit_test(vulkan12_features_edited_in_a_copy),
        cmocka_unit_test(unknown_struct_in_front_blocks_only_that_edit),
        cmocka_unit_test(decompression_prefers_ext_and_edits_existing_struct),
        cmocka_unit_test(ext_buffer_device_address_blocks_bda_and_decompression),
        cmocka_unit_test(vulkan11_device_gets_khr_extensions),
        cmocka_unit_test(nothing_to_do_passes_the_application_info),
        cmocka_unit_test(shader_features_in_new_structs),
        cmocka_unit_test(shader_features_in_vulkan12_copy),
        cmocka_unit_test(shader_features_in_individual_structs),
        cmocka_unit_test(shader_features_already_enabled),
        cmocka_unit_test(shader_features_below_vulkan12),
        cmocka_unit_test(shader_feature_behind_unknown_struct_is_skipped),
        cmocka_unit_test(struct_size_table_knows_vkd3d_structs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
