/*
 * Vulkan: which devices exist, which GDeflate decoder each would get, and whether the loader
 * finds dsvk's implicit layer. Everything is asked of the Vulkan loader itself (dlopen'ed,
 * so dsvk-doctor also runs on machines without one).
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VK_NO_PROTOTYPES
#include <vulkan/vulkan.h>

#include "doctor.h"

#define LAYER_NAME "VK_LAYER_DSVK_capture"
#define LAYER_LIBRARY "libVkLayer_dsvk.so"
#define MAX_DEVICES 16

typedef struct device_report {
    char name[VK_MAX_PHYSICAL_DEVICE_NAME_SIZE];
    const char *type;
    char driver_name[VK_MAX_DRIVER_NAME_SIZE];
    char driver_info[VK_MAX_DRIVER_INFO_SIZE];
    uint32_t vendor_id, device_id, api_version;
    char uuid[40];
    bool has_uuid;
    bool nv_decompression, ext_decompression, compute, timeline;
    const char *decoder; /* "gpu-native", "gpu-shader" or "cpu" */
    char decoder_why[256];
} device_report;

static struct {
    bool loader;
    char loader_error[256];
    uint32_t instance_version;
    bool instance_ok;
    int instance_result;
    device_report dev[MAX_DEVICES];
    uint32_t n_dev;
    bool layer_listed;
    char layer_description[VK_MAX_DESCRIPTION_SIZE];
    uint32_t layer_spec_version, layer_impl_version;
    bool layer_loaded;
    char layer_library[DOCTOR_PATH_MAX];
    bool loader_messages;                   /* the loader reported to our debug messenger */
    char layer_error[DOCTOR_TEXT_MAX / 2];  /* the loader's complaint about the layer */
    char driver_error[DOCTOR_TEXT_MAX / 2]; /* its first other error (a driver that fails) */
    bool disable_set;
    const char *decoder_setting;
} vk;

static PFN_vkGetInstanceProcAddr gipa;

#define INSTANCE_FN(instance, name) ((PFN_##name)gipa(instance, #name))

static const char *type_name(VkPhysicalDeviceType t)
{
    switch (t) {
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: return "integrated GPU";
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: return "discrete GPU";
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: return "virtual GPU";
    case VK_PHYSICAL_DEVICE_TYPE_CPU: return "software renderer on the CPU";
    default: return "other";
    }
}

static void format_uuid(const uint8_t *u, char *out)
{
    for (int i = 0, o = 0; i < (int)VK_UUID_SIZE; i++) {
        o += sprintf(out + o, "%02x", u[i]);
        if (i == 3 || i == 5 || i == 7 || i == 9)
            out[o++] = '-';
    }
}

/*
 * Which decoder dsvk's GPU path uses for GDeflate on this device. Host-memory destinations
 * are always decoded on the CPU; this is about GPU destinations (D3D12 buffers/textures).
 * The driver's decoder first, then dsvk's compute shader (needs a compute queue and
 * timeline semaphores), else the CPU. A software device (lavapipe) gets the CPU decoder:
 * running the shader on llvmpipe would be slower than decoding natively.
 */
static void choose_decoder(device_report *d, bool cpu_device)
{
    bool native = d->nv_decompression || d->ext_decompression;
    bool shader = d->compute && d->timeline && !cpu_device;
    const char *s = vk.decoder_setting;
    if (!strcmp(s, "cpu")) {
        d->decoder = "cpu";
        snprintf(d->decoder_why, sizeof(d->decoder_why), "DSVK_DECODER=cpu");
    } else if (native && strcmp(s, "gpu") != 0) {
        d->decoder = "gpu-native";
        snprintf(d->decoder_why, sizeof(d->decoder_why), "the driver decodes (%s)",
                 d->nv_decompression ? "VK_NV_memory_decompression"
                                     : "VK_EXT_memory_decompression");
    } else if (shader && strcmp(s, "gpu-native") != 0) {
        d->decoder = "gpu-shader";
        snprintf(d->decoder_why, sizeof(d->decoder_why),
                 "dsvk's compute shader (no driver decoder%s)",
                 !strcmp(s, "gpu") ? ", or DSVK_DECODER=gpu" : "");
    } else {
        d->decoder = "cpu";
        snprintf(d->decoder_why, sizeof(d->decoder_why), "%s",
                 !strcmp(s, "gpu-native") ? "DSVK_DECODER=gpu-native, but the driver has no "
                                            "memory decompression"
                 : cpu_device             ? "a software device: the CPU decoder is faster"
                 : !d->compute            ? "no compute queue"
                 : !d->timeline           ? "no timeline semaphores"
                                          : "no GPU decoder");
    }
}

static void inspect_device(VkInstance inst, VkPhysicalDevice pd, device_report *d)
{
    PFN_vkGetPhysicalDeviceProperties props_fn = INSTANCE_FN(inst, vkGetPhysicalDeviceProperties);
    VkPhysicalDeviceProperties p;
    props_fn(pd, &p);
    snprintf(d->name, sizeof(d->name), "%s", p.deviceName);
    d->type = type_name(p.deviceType);
    d->vendor_id = p.vendorID;
    d->device_id = p.deviceID;
    d->api_version = p.apiVersion;

    PFN_vkEnumerateDeviceExtensionProperties exts_fn =
        INSTANCE_FN(inst, vkEnumerateDeviceExtensionProperties);
    uint32_t n = 0;
    exts_fn(pd, NULL, &n, NULL);
    VkExtensionProperties *exts = calloc(n ? n : 1, sizeof(*exts));
    bool driver_props_ext = false, timeline_ext = false;
    if (exts && exts_fn(pd, NULL, &n, exts) >= 0) {
        for (uint32_t i = 0; i < n; i++) {
            const char *e = exts[i].extensionName;
            d->nv_decompression |= !strcmp(e, "VK_NV_memory_decompression");
            d->ext_decompression |= !strcmp(e, "VK_EXT_memory_decompression");
            driver_props_ext |= !strcmp(e, "VK_KHR_driver_properties");
            timeline_ext |= !strcmp(e, "VK_KHR_timeline_semaphore");
        }
    }
    free(exts);

    PFN_vkGetPhysicalDeviceQueueFamilyProperties qf_fn =
        INSTANCE_FN(inst, vkGetPhysicalDeviceQueueFamilyProperties);
    uint32_t nq = 0;
    qf_fn(pd, &nq, NULL);
    VkQueueFamilyProperties *qf = calloc(nq ? nq : 1, sizeof(*qf));
    if (qf) {
        qf_fn(pd, &nq, qf);
        for (uint32_t i = 0; i < nq; i++)
            d->compute |= (qf[i].queueFlags & VK_QUEUE_COMPUTE_BIT) != 0;
    }
    free(qf);

    /* Vulkan 1.1 queries: UUID, driver name, timeline semaphores. */
    bool v11 = vk.instance_version >= VK_API_VERSION_1_1 && p.apiVersion >= VK_API_VERSION_1_1;
    if (v11) {
        PFN_vkGetPhysicalDeviceProperties2 props2_fn =
            INSTANCE_FN(inst, vkGetPhysicalDeviceProperties2);
        PFN_vkGetPhysicalDeviceFeatures2 feats2_fn =
            INSTANCE_FN(inst, vkGetPhysicalDeviceFeatures2);
        VkPhysicalDeviceDriverProperties driver = {
            .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DRIVER_PROPERTIES};
        VkPhysicalDeviceIDProperties id = {.sType =
                                               VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_ID_PROPERTIES};
        bool has_driver = p.apiVersion >= VK_API_VERSION_1_2 || driver_props_ext;
        if (has_driver)
            id.pNext = &driver;
        VkPhysicalDeviceProperties2 p2 = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2,
                                          .pNext = &id};
        if (props2_fn) {
            props2_fn(pd, &p2);
            format_uuid(id.deviceUUID, d->uuid);
            d->has_uuid = true;
            if (has_driver) {
                snprintf(d->driver_name, sizeof(d->driver_name), "%s", driver.driverName);
                snprintf(d->driver_info, sizeof(d->driver_info), "%s", driver.driverInfo);
            }
        }
        if (feats2_fn && (p.apiVersion >= VK_API_VERSION_1_2 || timeline_ext)) {
            VkPhysicalDeviceTimelineSemaphoreFeatures tl = {
                .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_TIMELINE_SEMAPHORE_FEATURES};
            VkPhysicalDeviceFeatures2 f2 = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2,
                                            .pNext = &tl};
            feats2_fn(pd, &f2);
            d->timeline = tl.timelineSemaphore;
        }
    }
    choose_decoder(d, p.deviceType == VK_PHYSICAL_DEVICE_TYPE_CPU);
}

/* Asks the loader which layers it offers with DSVK=1 set, as a game started by dsvk-run. */
static void find_layer(void)
{
    PFN_vkEnumerateInstanceLayerProperties enum_fn =
        INSTANCE_FN(NULL, vkEnumerateInstanceLayerProperties);
    uint32_t n = 0;
    if (!enum_fn || enum_fn(&n, NULL) < 0)
        return;
    VkLayerProperties *layers = calloc(n ? n : 1, sizeof(*layers));
    if (layers && enum_fn(&n, layers) >= 0) {
        for (uint32_t i = 0; i < n; i++) {
            if (strcmp(layers[i].layerName, LAYER_NAME) != 0)
                continue;
            vk.layer_listed = true;
            snprintf(vk.layer_description, sizeof(vk.layer_description), "%s",
                     layers[i].description);
            vk.layer_spec_version = layers[i].specVersion;
            vk.layer_impl_version = layers[i].implementationVersion;
        }
    }
    free(layers);
}

/*
 * The loader reports what it does with layers to a debug messenger chained into
 * VkInstanceCreateInfo: "Insert instance layer "NAME" (path)" when a layer joins the chain,
 * an error when its library does not load or is not a layer.
 */
static VKAPI_ATTR VkBool32 VKAPI_CALL loader_message(
    VkDebugUtilsMessageSeverityFlagBitsEXT severity, VkDebugUtilsMessageTypeFlagsEXT types,
    const VkDebugUtilsMessengerCallbackDataEXT *data, void *user)
{
    (void)types;
    (void)user;
    const char *m = data && data->pMessage ? data->pMessage : "";
    vk.loader_messages = true;
    const char *insert = strstr(m, "Insert instance layer \"" LAYER_NAME "\"");
    if (insert) {
        vk.layer_loaded = true;
        const char *open = strchr(insert, '(');
        const char *close = open ? strrchr(open, ')') : NULL;
        if (open && close)
            snprintf(vk.layer_library, sizeof(vk.layer_library), "%.*s", (int)(close - open - 1),
                     open + 1);
    } else if (severity >= VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT &&
               (strstr(m, LAYER_NAME) || strstr(m, LAYER_LIBRARY))) {
        if (!vk.layer_error[0])
            snprintf(vk.layer_error, sizeof(vk.layer_error), "%s", m);
    } else if (severity >= VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT && !vk.driver_error[0]) {
        snprintf(vk.driver_error, sizeof(vk.driver_error), "%s", m);
    }
    return VK_FALSE;
}

/* Without loader messages (an old loader): is the layer library mapped and is it a layer? */
static void find_mapped_layer(void)
{
    FILE *maps = fopen("/proc/self/maps", "re");
    char line[DOCTOR_PATH_MAX + 128];
    while (maps && fgets(line, sizeof(line), maps)) {
        char *path = strchr(line, '/');
        if (!path || !strstr(path, LAYER_LIBRARY))
            continue;
        path[strcspn(path, "\n")] = 0;
        void *h = dlopen(path, RTLD_NOW | RTLD_NOLOAD);
        if (h && dlsym(h, "vkNegotiateLoaderLayerInterfaceVersion")) {
            vk.layer_loaded = true;
            snprintf(vk.layer_library, sizeof(vk.layer_library), "%s", path);
        } else {
            snprintf(vk.layer_error, sizeof(vk.layer_error),
                     "%s is loaded but exports no vkNegotiateLoaderLayerInterfaceVersion", path);
        }
        if (h)
            dlclose(h);
        break;
    }
    if (maps)
        fclose(maps);
}

static bool has_instance_extension(const char *name)
{
    PFN_vkEnumerateInstanceExtensionProperties fn =
        INSTANCE_FN(NULL, vkEnumerateInstanceExtensionProperties);
    uint32_t n = 0;
    if (!fn || fn(NULL, &n, NULL) < 0)
        return false;
    VkExtensionProperties *e = calloc(n ? n : 1, sizeof(*e));
    bool found = false;
    if (e && fn(NULL, &n, e) >= 0)
        for (uint32_t i = 0; i < n; i++)
            found |= !strcmp(e[i].extensionName, name);
    free(e);
    return found;
}

static void query_loader(void)
{
    void *lib = dlopen("libvulkan.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        snprintf(vk.loader_error, sizeof(vk.loader_error), "%s", dlerror());
        return;
    }
    gipa = (PFN_vkGetInstanceProcAddr)dlsym(lib, "vkGetInstanceProcAddr");
    if (!gipa) {
        snprintf(vk.loader_error, sizeof(vk.loader_error), "no vkGetInstanceProcAddr");
        return;
    }
    vk.loader = true;
    find_layer();

    PFN_vkEnumerateInstanceVersion version_fn = INSTANCE_FN(NULL, vkEnumerateInstanceVersion);
    vk.instance_version = VK_API_VERSION_1_0;
    if (version_fn)
        version_fn(&vk.instance_version);
    VkApplicationInfo app = {
        .sType = VK_STRUCTURE_TYPE_APPLICATION_INFO,
        .pApplicationName = "dsvk-doctor",
        .pEngineName = "dsvk-doctor",
        .apiVersion =
            vk.instance_version >= VK_API_VERSION_1_3 ? VK_API_VERSION_1_3 : vk.instance_version,
    };
    VkDebugUtilsMessengerCreateInfoEXT messenger = {
        .sType = VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT,
        .messageSeverity = VK_DEBUG_UTILS_MESSAGE_SEVERITY_VERBOSE_BIT_EXT |
                           VK_DEBUG_UTILS_MESSAGE_SEVERITY_INFO_BIT_EXT |
                           VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT |
                           VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT,
        .messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT |
                       VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT,
        .pfnUserCallback = loader_message,
    };
    const char *debug_ext = "VK_EXT_debug_utils";
    bool debug = has_instance_extension(debug_ext);
    VkInstanceCreateInfo ici = {.sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO,
                                .pNext = debug ? &messenger : NULL,
                                .pApplicationInfo = &app,
                                .enabledExtensionCount = debug ? 1 : 0,
                                .ppEnabledExtensionNames = &debug_ext};
    PFN_vkCreateInstance create_fn = INSTANCE_FN(NULL, vkCreateInstance);
    VkInstance inst = VK_NULL_HANDLE;
    VkResult r = create_fn(&ici, NULL, &inst);
    vk.instance_result = r;
    if (r != VK_SUCCESS)
        return;
    vk.instance_ok = true;
    if (!vk.loader_messages)
        find_mapped_layer();

    PFN_vkEnumeratePhysicalDevices pds_fn = INSTANCE_FN(inst, vkEnumeratePhysicalDevices);
    VkPhysicalDevice pds[MAX_DEVICES];
    uint32_t n = MAX_DEVICES;
    if (pds_fn(inst, &n, pds) >= 0) {
        for (uint32_t i = 0; i < n; i++)
            inspect_device(inst, pds[i], &vk.dev[vk.n_dev++]);
    }
    INSTANCE_FN(inst, vkDestroyInstance)(inst, NULL);
    /* The loader stays loaded: unloading it while layers' threads may linger is not worth
     * the risk in a short-lived program. */
}

static void report_devices(doctor *d)
{
    const char *icd_env = getenv("VK_DRIVER_FILES");
    if (!icd_env || !*icd_env)
        icd_env = getenv("VK_ICD_FILENAMES");
    if (!vk.loader) {
        doctor_add(d, "vulkan", LEVEL_FAIL, true,
                   "Install the Vulkan loader (Debian/Ubuntu: libvulkan1) and your GPU's Vulkan "
                   "driver.",
                   "no Vulkan loader: %s", vk.loader_error);
        return;
    }
    if (vk.n_dev == 0) {
        char why[DOCTOR_TEXT_MAX / 2 + 64] = "";
        if (!vk.instance_ok)
            snprintf(why, sizeof(why), " (vkCreateInstance returned %d%s%s)", vk.instance_result,
                     vk.driver_error[0] ? "; the loader says: " : "", vk.driver_error);
        char fix[1024];
        snprintf(fix, sizeof(fix),
                 "Install your GPU's Vulkan driver (Mesa: mesa-vulkan-drivers; NVIDIA: the "
                 "driver's Vulkan ICD).%s%s%s",
                 icd_env ? " VK_DRIVER_FILES/VK_ICD_FILENAMES is set to '" : "",
                 icd_env ? icd_env : "", icd_env ? "': unset it to let the loader search." : "");
        doctor_add(d, "vulkan", LEVEL_FAIL, true, fix,
                   "no Vulkan device%s: games on Proton (vkd3d-proton) and dsvk's GPU path need "
                   "one; native programs can still load into host memory",
                   why);
        return;
    }
    for (uint32_t i = 0; i < vk.n_dev; i++) {
        device_report *dev = &vk.dev[i];
        doctor_add(d, "vulkan", LEVEL_OK, true, NULL,
                   "%s (%s%s%s, Vulkan %u.%u): GDeflate to GPU memory decoded by %s: %s", dev->name,
                   dev->type, dev->driver_name[0] ? ", " : "", dev->driver_name,
                   VK_API_VERSION_MAJOR(dev->api_version), VK_API_VERSION_MINOR(dev->api_version),
                   dev->decoder, dev->decoder_why);
    }
}

static void report_layer(doctor *d)
{
    if (vk.disable_set)
        doctor_add(d, "layer", LEVEL_WARN, true,
                   "Unset DISABLE_DSVK where games are started (it overrides DSVK=1).",
                   "DISABLE_DSVK is set in this environment: the layer stays off in programs "
                   "started from it (checked here without it)");
    if (!vk.loader)
        return;
    if (!vk.layer_listed) {
        doctor_add(d, "layer", LEVEL_FAIL, true,
                   "Run scripts/install.sh; it puts the layer's manifest in "
                   "$XDG_DATA_HOME/vulkan/implicit_layer.d (~/.local/share/vulkan/"
                   "implicit_layer.d). VK_LOADER_DEBUG=layer shows where the loader looks.",
                   "the Vulkan loader does not offer " LAYER_NAME " with DSVK=1 set: games' "
                   "D3D12 devices will not be shared with dsvk");
        return;
    }
    if (!vk.instance_ok) {
        doctor_add(d, "layer", LEVEL_NOTE, true, NULL,
                   "the loader offers " LAYER_NAME " (%s); whether its library loads could not "
                   "be tried without a Vulkan device",
                   vk.layer_description);
        return;
    }
    if (!vk.layer_loaded) {
        doctor_add(d, "layer", LEVEL_FAIL, true,
                   "Reinstall (scripts/install.sh); VK_LOADER_DEBUG=layer dsvk-doctor shows "
                   "everything the loader does.",
                   "the loader offers " LAYER_NAME " but did not put it into a new instance "
                   "with DSVK=1%s%s",
                   vk.layer_error[0] ? "; the loader says: " : "", vk.layer_error);
        return;
    }
    doctor_add(d, "layer", LEVEL_OK, true, NULL,
               "the loader offers " LAYER_NAME " and loads it with DSVK=1 (%s)", vk.layer_library);
}

void check_vulkan(doctor *d)
{
    const char *dec = getenv("DSVK_DECODER");
    vk.decoder_setting = dec && *dec ? dec : "auto";
    /* Ask the loader as a game launched by dsvk-run would: DSVK=1, no DISABLE_DSVK. */
    char *old_dsvk = getenv("DSVK") ? strdup(getenv("DSVK")) : NULL;
    char *old_disable = getenv("DISABLE_DSVK") ? strdup(getenv("DISABLE_DSVK")) : NULL;
    vk.disable_set = old_disable && *old_disable;
    setenv("DSVK", "1", 1);
    unsetenv("DISABLE_DSVK");
    query_loader();
    if (old_dsvk)
        setenv("DSVK", old_dsvk, 1);
    else
        unsetenv("DSVK");
    if (old_disable)
        setenv("DISABLE_DSVK", old_disable, 1);
    free(old_dsvk);
    free(old_disable);
    report_devices(d);
    report_layer(d);
}

void json_vulkan(json_writer *w, const doctor *d)
{
    (void)d;
    jw_object_begin(w, "vulkan");
    jw_bool(w, "loader", vk.loader);
    jw_string(w, "loader_error", vk.loader ? NULL : vk.loader_error);
    jw_bool(w, "instance_created", vk.instance_ok);
    jw_string(w, "driver_error", vk.driver_error[0] ? vk.driver_error : NULL);
    jw_string(w, "decoder_setting", vk.decoder_setting);
    jw_array_begin(w, "devices");
    for (uint32_t i = 0; i < vk.n_dev; i++) {
        const device_report *dev = &vk.dev[i];
        jw_object_begin(w, NULL);
        jw_string(w, "name", dev->name);
        jw_string(w, "type", dev->type);
        jw_string(w, "driver", dev->driver_name[0] ? dev->driver_name : NULL);
        jw_string(w, "driver_info", dev->driver_info[0] ? dev->driver_info : NULL);
        jw_uint(w, "vendor_id", dev->vendor_id);
        jw_uint(w, "device_id", dev->device_id);
        char api[32];
        snprintf(api, sizeof(api), "%u.%u.%u", VK_API_VERSION_MAJOR(dev->api_version),
                 VK_API_VERSION_MINOR(dev->api_version), VK_API_VERSION_PATCH(dev->api_version));
        jw_string(w, "api_version", api);
        jw_string(w, "uuid", dev->has_uuid ? dev->uuid : NULL);
        jw_bool(w, "nv_memory_decompression", dev->nv_decompression);
        jw_bool(w, "ext_memory_decompression", dev->ext_decompression);
        jw_bool(w, "compute_queue", dev->compute);
        jw_bool(w, "timeline_semaphores", dev->timeline);
        jw_string(w, "decoder", dev->decoder);
        jw_string(w, "decoder_reason", dev->decoder_why);
        jw_object_end(w);
    }
    jw_array_end(w);
    jw_object_begin(w, "layer");
    jw_string(w, "name", LAYER_NAME);
    jw_bool(w, "listed", vk.layer_listed);
    jw_string(w, "description", vk.layer_listed ? vk.layer_description : NULL);
    jw_bool(w, "loaded", vk.layer_loaded);
    jw_string(w, "library", vk.layer_loaded && vk.layer_library[0] ? vk.layer_library : NULL);
    jw_string(w, "loader_error", vk.layer_error[0] ? vk.layer_error : NULL);
    jw_bool(w, "disable_dsvk_set", vk.disable_set);
    jw_object_end(w);
    jw_object_end(w);
}
