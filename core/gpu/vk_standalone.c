/* dsvk's own Vulkan instance and device for tests and tools (vk_standalone.h). */
#include "gpu/vk_standalone.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

#define VALIDATION_LAYER "VK_LAYER_KHRONOS_validation"

static VKAPI_ATTR VkBool32 VKAPI_CALL count_message(
    VkDebugUtilsMessageSeverityFlagBitsEXT severity, VkDebugUtilsMessageTypeFlagsEXT types,
    const VkDebugUtilsMessengerCallbackDataEXT *data, void *user)
{
    dsvk_vkstandalone *s = user;
    /* Validation and performance findings count; general messages only when they are errors
     * (the loader reports its environment overrides, such as VK_INSTANCE_LAYERS, as general
     * warnings). */
    bool counted = (types & (VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT |
                             VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT)) ||
                   (severity & VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT);
    if (counted)
        atomic_fetch_add(&s->messages, 1);
    if (!s->quiet || counted)
        fprintf(stderr, "vulkan %s: %s\n", counted ? "validation" : "loader",
                data && data->pMessage ? data->pMessage : "?");
    return VK_FALSE;
}

static bool has_layer(PFN_vkGetInstanceProcAddr gipa, const char *name)
{
    PFN_vkEnumerateInstanceLayerProperties enum_layers =
        (PFN_vkEnumerateInstanceLayerProperties)gipa(NULL, "vkEnumerateInstanceLayerProperties");
    uint32_t n = 0;
    if (!enum_layers || enum_layers(&n, NULL) != VK_SUCCESS)
        return false;
    VkLayerProperties *props = calloc(n ? n : 1, sizeof(*props));
    bool found = false;
    if (props && enum_layers(&n, props) == VK_SUCCESS)
        for (uint32_t i = 0; i < n && !found; i++)
            found = strcmp(props[i].layerName, name) == 0;
    free(props);
    return found;
}

static bool has_device_extension(PFN_vkGetInstanceProcAddr gipa, VkInstance inst,
                                 VkPhysicalDevice pd, const char *name)
{
    PFN_vkEnumerateDeviceExtensionProperties enum_ext =
        (PFN_vkEnumerateDeviceExtensionProperties)gipa(inst,
                                                       "vkEnumerateDeviceExtensionProperties");
    uint32_t n = 0;
    if (!enum_ext || enum_ext(pd, NULL, &n, NULL) != VK_SUCCESS)
        return false;
    VkExtensionProperties *props = calloc(n ? n : 1, sizeof(*props));
    bool found = false;
    if (props && enum_ext(pd, NULL, &n, props) == VK_SUCCESS)
        for (uint32_t i = 0; i < n && !found; i++)
            found = strcmp(props[i].extensionName, name) == 0;
    free(props);
    return found;
}

static dsvk_result fail(dsvk_vkstandalone *s, const char **why, const char *what)
{
    if (why)
        *why = what;
    dsvk_vkstandalone_destroy(s);
    return DSVK_E_UNSUPPORTED;
}

static VkPhysicalDevice pick_device(PFN_vkGetInstanceProcAddr gipa, VkInstance inst,
                                    const char *want)
{
    PFN_vkEnumeratePhysicalDevices enum_pd =
        (PFN_vkEnumeratePhysicalDevices)gipa(inst, "vkEnumeratePhysicalDevices");
    PFN_vkGetPhysicalDeviceProperties get_props =
        (PFN_vkGetPhysicalDeviceProperties)gipa(inst, "vkGetPhysicalDeviceProperties");
    uint32_t n = 0;
    if (!enum_pd || !get_props || enum_pd(inst, &n, NULL) != VK_SUCCESS || n == 0)
        return VK_NULL_HANDLE;
    VkPhysicalDevice list[16];
    if (n > 16)
        n = 16;
    if (enum_pd(inst, &n, list) < 0)
        return VK_NULL_HANDLE;
    VkPhysicalDevice chosen = VK_NULL_HANDLE;
    for (uint32_t i = 0; i < n; i++) {
        VkPhysicalDeviceProperties p;
        get_props(list[i], &p);
        if (p.apiVersion < VK_API_VERSION_1_2)
            continue;
        if (want && *want) {
            if (strstr(p.deviceName, want))
                return list[i];
            continue;
        }
        if (p.deviceType == VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU)
            return list[i];
        if (chosen == VK_NULL_HANDLE)
            chosen = list[i];
    }
    return chosen;
}

dsvk_result dsvk_vkstandalone_create(const dsvk_vkstandalone_opts *opts, dsvk_vkstandalone *s,
                                     const char **why)
{
    memset(s, 0, sizeof(*s));
    atomic_init(&s->messages, 0);
    s->quiet = opts->quiet;
    PFN_vkGetInstanceProcAddr gipa = opts->get_instance_proc_addr;
    if (!gipa)
        return fail(s, why, "no vkGetInstanceProcAddr");
    if (opts->validation && !has_layer(gipa, VALIDATION_LAYER))
        return fail(s, why,
                    "the Khronos validation layer (" VALIDATION_LAYER
                    ") is not installed (Debian: vulkan-validationlayers)");

    VkDebugUtilsMessengerCreateInfoEXT mci = {
        .sType = VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT,
        .messageSeverity = VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT |
                           VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT,
        .messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT |
                       VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT |
                       VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT,
        .pfnUserCallback = count_message,
        .pUserData = s,
    };
    const char *layers[] = {VALIDATION_LAYER};
    const char *inst_ext[] = {VK_EXT_DEBUG_UTILS_EXTENSION_NAME};
    VkApplicationInfo app = {
        .sType = VK_STRUCTURE_TYPE_APPLICATION_INFO,
        .pApplicationName = "dsvk",
        .pEngineName = "dsvk",
        .apiVersion = VK_API_VERSION_1_3,
    };
    VkInstanceCreateInfo ici = {
        .sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO,
        .pNext = opts->validation ? &mci : NULL,
        .pApplicationInfo = &app,
        .enabledLayerCount = opts->validation ? 1 : 0,
        .ppEnabledLayerNames = layers,
        .enabledExtensionCount = opts->validation ? 1 : 0,
        .ppEnabledExtensionNames = inst_ext,
    };
    PFN_vkCreateInstance create_instance = (PFN_vkCreateInstance)gipa(NULL, "vkCreateInstance");
    if (!create_instance || create_instance(&ici, NULL, &s->instance) != VK_SUCCESS)
        return fail(s, why, "vkCreateInstance failed (is a Vulkan driver installed?)");
    VkInstance inst = s->instance;
    s->destroy_instance = (PFN_vkDestroyInstance)gipa(inst, "vkDestroyInstance");
    if (opts->validation) {
        PFN_vkCreateDebugUtilsMessengerEXT create_messenger =
            (PFN_vkCreateDebugUtilsMessengerEXT)gipa(inst, "vkCreateDebugUtilsMessengerEXT");
        s->destroy_messenger =
            (PFN_vkDestroyDebugUtilsMessengerEXT)gipa(inst, "vkDestroyDebugUtilsMessengerEXT");
        if (!create_messenger || !s->destroy_messenger ||
            create_messenger(inst, &mci, NULL, &s->messenger) != VK_SUCCESS)
            return fail(s, why, "cannot create a VK_EXT_debug_utils messenger");
    }

    const char *want = opts->device_name ? opts->device_name : getenv("DSVK_VK_DEVICE");
    VkPhysicalDevice pd = pick_device(gipa, inst, want);
    if (pd == VK_NULL_HANDLE)
        return fail(s, why, "no Vulkan 1.2 device (matching $DSVK_VK_DEVICE, if set)");
    s->physical_device = pd;

    PFN_vkGetPhysicalDeviceProperties2 get_props2 =
        (PFN_vkGetPhysicalDeviceProperties2)gipa(inst, "vkGetPhysicalDeviceProperties2");
    PFN_vkGetPhysicalDeviceFeatures2 get_feats2 =
        (PFN_vkGetPhysicalDeviceFeatures2)gipa(inst, "vkGetPhysicalDeviceFeatures2");
    PFN_vkGetPhysicalDeviceMemoryProperties get_mem =
        (PFN_vkGetPhysicalDeviceMemoryProperties)gipa(inst, "vkGetPhysicalDeviceMemoryProperties");
    PFN_vkGetPhysicalDeviceQueueFamilyProperties get_qf =
        (PFN_vkGetPhysicalDeviceQueueFamilyProperties)gipa(
            inst, "vkGetPhysicalDeviceQueueFamilyProperties");
    PFN_vkCreateDevice create_device = (PFN_vkCreateDevice)gipa(inst, "vkCreateDevice");
    s->get_device_proc_addr = (PFN_vkGetDeviceProcAddr)gipa(inst, "vkGetDeviceProcAddr");
    if (!get_props2 || !get_feats2 || !get_mem || !get_qf || !create_device ||
        !s->get_device_proc_addr)
        return fail(s, why, "missing Vulkan 1.1 instance commands");

    bool has_nv = has_device_extension(gipa, inst, pd, VK_NV_MEMORY_DECOMPRESSION_EXTENSION_NAME);
    bool has_pexec =
        has_device_extension(gipa, inst, pd, VK_KHR_PIPELINE_EXECUTABLE_PROPERTIES_EXTENSION_NAME);
    VkPhysicalDeviceMemoryDecompressionPropertiesNV nvp = {
        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MEMORY_DECOMPRESSION_PROPERTIES_NV,
    };
    VkPhysicalDeviceIDProperties idp = {
        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_ID_PROPERTIES,
        .pNext = has_nv ? &nvp : NULL,
    };
    s->subgroup.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_PROPERTIES;
    s->subgroup.pNext = &idp;
    VkPhysicalDeviceProperties2 p2 = {
        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2,
        .pNext = &s->subgroup,
    };
    get_props2(pd, &p2);
    s->props = p2.properties;
    s->subgroup.pNext = NULL;
    memcpy(s->device_uuid, idp.deviceUUID, VK_UUID_SIZE);
    if (s->props.apiVersion >= VK_API_VERSION_1_3 ||
        has_device_extension(gipa, inst, pd, VK_EXT_SUBGROUP_SIZE_CONTROL_EXTENSION_NAME)) {
        VkPhysicalDeviceSubgroupSizeControlProperties sc = {
            .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_SIZE_CONTROL_PROPERTIES,
        };
        VkPhysicalDeviceProperties2 p2sc = {
            .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2,
            .pNext = &sc,
        };
        get_props2(pd, &p2sc);
        s->min_subgroup_size = sc.minSubgroupSize;
        s->max_subgroup_size = sc.maxSubgroupSize;
    }
    get_mem(pd, &s->memory);

    /* Query chains hold only structures of what the device supports. */
    VkPhysicalDevicePipelineExecutablePropertiesFeaturesKHR pef = {
        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PIPELINE_EXECUTABLE_PROPERTIES_FEATURES_KHR,
    };
    VkPhysicalDeviceMemoryDecompressionFeaturesNV nvf = {
        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MEMORY_DECOMPRESSION_FEATURES_NV,
    };
    VkPhysicalDeviceVulkan13Features f13 = {
        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES,
    };
    bool v13 = s->props.apiVersion >= VK_API_VERSION_1_3;
    VkPhysicalDeviceVulkan12Features f12 = {
        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES,
    };
    VkPhysicalDeviceFeatures2 f2 = {
        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2,
        .pNext = &f12,
    };
    VkBaseOutStructure *tail = (VkBaseOutStructure *)&f12;
#define DSVK_CHAIN(cond, st)                                                                       \
    if (cond) {                                                                                    \
        tail->pNext = (VkBaseOutStructure *)(st);                                                  \
        tail = (VkBaseOutStructure *)(st);                                                         \
    }
    DSVK_CHAIN(v13, &f13)
    DSVK_CHAIN(has_nv, &nvf)
    DSVK_CHAIN(has_pexec, &pef)
    get_feats2(pd, &f2);

    /* Enable only what the decoder and its tools use. */
    s->pipeline_statistics = has_pexec && pef.pipelineExecutableInfo;
    s->memory_decompression_nv =
        has_nv && nvf.memoryDecompression && f12.bufferDeviceAddress &&
        (nvp.decompressionMethods & VK_MEMORY_DECOMPRESSION_METHOD_GDEFLATE_1_0_BIT_NV);
    s->nv_decompression_methods = has_nv ? nvp.decompressionMethods : 0;
    s->nv_max_indirect_count = has_nv ? nvp.maxDecompressionIndirectCount : 0;
    VkPhysicalDevicePipelineExecutablePropertiesFeaturesKHR en_pe = {
        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PIPELINE_EXECUTABLE_PROPERTIES_FEATURES_KHR,
        .pipelineExecutableInfo = VK_TRUE,
    };
    VkPhysicalDeviceMemoryDecompressionFeaturesNV en_nv = {
        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MEMORY_DECOMPRESSION_FEATURES_NV,
        .memoryDecompression = VK_TRUE,
    };
    VkPhysicalDeviceVulkan13Features en13 = {
        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES,
        .subgroupSizeControl = f13.subgroupSizeControl,
        .computeFullSubgroups = f13.computeFullSubgroups,
    };
    VkPhysicalDeviceVulkan12Features en12 = {
        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES,
        .storageBuffer8BitAccess = f12.storageBuffer8BitAccess,
        .bufferDeviceAddress = f12.bufferDeviceAddress,
        .timelineSemaphore = f12.timelineSemaphore,
        .vulkanMemoryModel = f12.vulkanMemoryModel,
        .vulkanMemoryModelDeviceScope = f12.vulkanMemoryModelDeviceScope,
    };
    VkPhysicalDeviceFeatures2 en2 = {
        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2,
        .pNext = &en12,
        .features.shaderInt64 = f2.features.shaderInt64,
    };
    tail = (VkBaseOutStructure *)&en12;
    DSVK_CHAIN(v13, &en13)
    DSVK_CHAIN(s->memory_decompression_nv, &en_nv)
    DSVK_CHAIN(s->pipeline_statistics, &en_pe)
#undef DSVK_CHAIN
    s->storage_buffer_8bit = f12.storageBuffer8BitAccess;
    s->vulkan_memory_model = f12.vulkanMemoryModel;
    s->vulkan_memory_model_device_scope = f12.vulkanMemoryModelDeviceScope;
    s->buffer_device_address = f12.bufferDeviceAddress;
    s->compute_full_subgroups = v13 && f13.computeFullSubgroups;

    uint32_t nq = 0;
    get_qf(pd, &nq, NULL);
    VkQueueFamilyProperties qf[16];
    if (nq > 16)
        nq = 16;
    get_qf(pd, &nq, qf);
    uint32_t family = UINT32_MAX;
    for (uint32_t i = 0; i < nq && family == UINT32_MAX; i++)
        if ((qf[i].queueFlags & VK_QUEUE_COMPUTE_BIT) && qf[i].timestampValidBits > 0)
            family = i;
    for (uint32_t i = 0; i < nq && family == UINT32_MAX; i++)
        if (qf[i].queueFlags & VK_QUEUE_COMPUTE_BIT)
            family = i;
    if (family == UINT32_MAX)
        return fail(s, why, "the device has no compute queue");
    s->queue_family = family;
    s->timestamp_valid_bits = qf[family].timestampValidBits;

    float prio = 1.0f;
    VkDeviceQueueCreateInfo qci = {
        .sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO,
        .queueFamilyIndex = family,
        .queueCount = 1,
        .pQueuePriorities = &prio,
    };
    const char *dev_ext[2];
    uint32_t next = 0;
    if (s->memory_decompression_nv)
        dev_ext[next++] = VK_NV_MEMORY_DECOMPRESSION_EXTENSION_NAME;
    if (s->pipeline_statistics)
        dev_ext[next++] = VK_KHR_PIPELINE_EXECUTABLE_PROPERTIES_EXTENSION_NAME;
    VkDeviceCreateInfo dci = {
        .sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO,
        .pNext = &en2,
        .queueCreateInfoCount = 1,
        .pQueueCreateInfos = &qci,
        .enabledExtensionCount = next,
        .ppEnabledExtensionNames = dev_ext,
    };
    if (create_device(pd, &dci, NULL, &s->device) != VK_SUCCESS)
        return fail(s, why, "vkCreateDevice failed");
    s->destroy_device = (PFN_vkDestroyDevice)s->get_device_proc_addr(s->device, "vkDestroyDevice");
    s->device_wait_idle =
        (PFN_vkDeviceWaitIdle)s->get_device_proc_addr(s->device, "vkDeviceWaitIdle");
    const char *missing = NULL;
    if (!dsvk_vkfns_load(&s->fns, s->device, s->get_device_proc_addr, &missing)) {
        DSVK_ERR("gpu: device command %s missing", missing);
        return fail(s, why, "a Vulkan device command is missing");
    }
    s->fns.GetDeviceQueue(s->device, family, 0, &s->queue);
    return DSVK_OK;
}

void dsvk_vkstandalone_destroy(dsvk_vkstandalone *s)
{
    if (s->device != VK_NULL_HANDLE) {
        if (s->device_wait_idle)
            s->device_wait_idle(s->device);
        if (s->destroy_device)
            s->destroy_device(s->device, NULL);
        s->device = VK_NULL_HANDLE;
    }
    if (s->messenger != VK_NULL_HANDLE && s->destroy_messenger)
        s->destroy_messenger(s->instance, s->messenger, NULL);
    s->messenger = VK_NULL_HANDLE;
    if (s->instance != VK_NULL_HANDLE && s->destroy_instance)
        s->destroy_instance(s->instance, NULL);
    s->instance = VK_NULL_HANDLE;
}
