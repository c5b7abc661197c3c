/*
 * GPU destinations end to end under real Wine, through real winevulkan: this program plays
 * vkd3d-proton. It creates a Vulkan instance and device through Wine's vulkan-1.dll with
 * VkApplicationInfo.pEngineName = "vkd3d" (so dsvk's implicit layer, enabled with DSVK=1,
 * captures the device in this Wine process and registers it with the core), a VkBuffer with
 * host-visible memory and two RGBA8 textures on it, and wraps them in a minimal ID3D12Device /
 * ID3D12Resource of its own that answer vkd3d-proton's ID3D12DXVKInteropDevice1 as dsvk's
 * d3d12_dest.c uses it (GetVulkanHandles, GetVulkanResourceInfo1, GetVulkanImageLayout; the
 * device's GetCopyableFootprints; the resource's GetDesc). Then, through the DirectStorage API
 * of dsvk's dstorage.dll only, on queues created with that device:
 *  - DSTORAGE_REQUEST_DESTINATION_BUFFER: GDeflate from a file and from memory and an
 *    uncompressed file range, at offsets, two of the resources "placed" in the VkBuffer at an
 *    offset of their own (which the DLL must add); the mapped memory then holds the reference
 *    data exactly there and nothing else changed;
 *  - TEXTURE_REGION: a GDeflate stream (made with the DirectStorage codec) into a 32x16
 *    region of a 64x32 texture; MULTIPLE_SUBRESOURCES: both mips of a 16x16 texture from a
 *    file, at their footprints; read back, the rest of the textures untouched;
 * with status entries and a fence signal.
 *
 * The Khronos validation layer is expected to run (VK_INSTANCE_LAYERS set by the test's
 * environment: Wine 8.0's winevulkan refuses layers the application enables, with
 * VK_ERROR_LAYER_NOT_PRESENT); a debug-utils messenger counts its warnings and errors, zero
 * expected, after a canary (a buffer of size 0) proved that the layer and the messenger work.
 *
 * The interop interface's IIDs and method order are vkd3d-proton's (include/
 * vkd3d_device_vkd3d_ext.idl), as documented in docs/WINE_BRIDGE.md.
 */
#include <stdlib.h>
#include <string.h>

#include <vulkan/vulkan_core.h>

#include "wine_test.h"

/* --- Vulkan through Wine's vulkan-1.dll --- */

static struct {
    PFN_vkGetInstanceProcAddr gipa;
    PFN_vkGetDeviceProcAddr gdpa;
    VkInstance instance;
    VkPhysicalDevice physical;
    VkDevice device;
    VkDebugUtilsMessengerEXT messenger;
    VkBuffer buffer;
    VkDeviceMemory memory;
    uint8_t *map;
    VkPhysicalDeviceMemoryProperties mem;
    VkQueue queue;
    VkCommandPool pool;
    VkCommandBuffer cmd;
    VkBuffer scratch; /* host-visible, for image uploads and readbacks */
    VkDeviceMemory scratch_memory;
    uint8_t *scratch_map;
} vk;

static volatile LONG vk_messages;

static VkBool32 VKAPI_PTR on_message(VkDebugUtilsMessageSeverityFlagBitsEXT severity,
                                     VkDebugUtilsMessageTypeFlagsEXT types,
                                     const VkDebugUtilsMessengerCallbackDataEXT *data, void *user)
{
    (void)types, (void)user;
    InterlockedIncrement(&vk_messages);
    printf("vulkan %s: %s\n",
           severity & VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT ? "error" : "warning",
           data && data->pMessage ? data->pMessage : "(no message)");
    return VK_FALSE;
}

#define VK_INSTANCE_FN(name) ((PFN_##name)vk.gipa(vk.instance, #name))
#define VK_DEVICE_FN(name) ((PFN_##name)vk.gdpa(vk.device, #name))

#define BUFFER_SIZE (2u << 20)
#define SCRATCH_SIZE (1u << 20)

static uint32_t memory_type(uint32_t bits, VkMemoryPropertyFlags want)
{
    for (uint32_t i = 0; i < vk.mem.memoryTypeCount; i++)
        if ((bits & (1u << i)) && (vk.mem.memoryTypes[i].propertyFlags & want) == want)
            return i;
    REQUIRE(false, "a memory type with flags %#x", (unsigned)want);
    return 0;
}

static VkDeviceMemory bind_memory(VkBuffer buffer, VkImage image, VkMemoryPropertyFlags want)
{
    VkMemoryRequirements req;
    if (buffer)
        VK_DEVICE_FN(vkGetBufferMemoryRequirements)(vk.device, buffer, &req);
    else
        VK_DEVICE_FN(vkGetImageMemoryRequirements)(vk.device, image, &req);
    VkMemoryAllocateInfo mai = {.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
                                .allocationSize = req.size,
                                .memoryTypeIndex = memory_type(req.memoryTypeBits, want)};
    VkDeviceMemory m = VK_NULL_HANDLE;
    REQUIRE(VK_DEVICE_FN(vkAllocateMemory)(vk.device, &mai, NULL, &m) == VK_SUCCESS,
            "vkAllocateMemory");
    VkResult r = buffer ? VK_DEVICE_FN(vkBindBufferMemory)(vk.device, buffer, m, 0)
                        : VK_DEVICE_FN(vkBindImageMemory)(vk.device, image, m, 0);
    REQUIRE(r == VK_SUCCESS, "bind memory: %d", (int)r);
    return m;
}

static void vulkan_create(void)
{
    HMODULE lib = LoadLibraryW(L"vulkan-1.dll");
    REQUIRE(lib != NULL, "Wine's vulkan-1.dll loads: %lu", GetLastError());
    vk.gipa = (PFN_vkGetInstanceProcAddr)(void *)GetProcAddress(lib, "vkGetInstanceProcAddr");
    REQUIRE(vk.gipa != NULL, "vkGetInstanceProcAddr");

    VkApplicationInfo app = {.sType = VK_STRUCTURE_TYPE_APPLICATION_INFO,
                             .pApplicationName = "t_gpu_dest.exe",
                             .pEngineName = "vkd3d", /* what dsvk's layer captures */
                             .engineVersion = 1,
                             .apiVersion = VK_API_VERSION_1_3};
    const char *ext[] = {VK_EXT_DEBUG_UTILS_EXTENSION_NAME};
    VkDebugUtilsMessengerCreateInfoEXT mci = {
        .sType = VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT,
        .messageSeverity = VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT |
                           VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT,
        .messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT |
                       VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT |
                       VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT,
        .pfnUserCallback = on_message};
    VkInstanceCreateInfo ici = {.sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO,
                                .pApplicationInfo = &app,
                                .enabledExtensionCount = 1,
                                .ppEnabledExtensionNames = ext};
    PFN_vkCreateInstance create_instance =
        (PFN_vkCreateInstance)vk.gipa(VK_NULL_HANDLE, "vkCreateInstance");
    REQUIRE(create_instance != NULL, "vkCreateInstance");
    VkResult r = create_instance(&ici, NULL, &vk.instance);
    REQUIRE(r == VK_SUCCESS,
            "vkCreateInstance through winevulkan = %d (-3, VK_ERROR_INITIALIZATION_FAILED: "
            "Wine has no display driver (is DISPLAY an X server?) or the driver failed; -9, "
            "VK_ERROR_INCOMPATIBLE_DRIVER: no Vulkan driver (VK_DRIVER_FILES must name "
            "lavapipe's lvp_icd.x86_64.json, from mesa-vulkan-drivers))",
            (int)r);
    PFN_vkCreateDebugUtilsMessengerEXT create_messenger =
        VK_INSTANCE_FN(vkCreateDebugUtilsMessengerEXT);
    REQUIRE(create_messenger != NULL, "vkCreateDebugUtilsMessengerEXT");
    REQUIRE(create_messenger(vk.instance, &mci, NULL, &vk.messenger) == VK_SUCCESS, "messenger");

    uint32_t n = 1;
    r = VK_INSTANCE_FN(vkEnumeratePhysicalDevices)(vk.instance, &n, &vk.physical);
    REQUIRE((r == VK_SUCCESS || r == VK_INCOMPLETE) && n >= 1, "a physical device: %d", (int)r);
    VkPhysicalDeviceProperties props;
    VK_INSTANCE_FN(vkGetPhysicalDeviceProperties)(vk.physical, &props);
    printf("Vulkan device: %s, API %u.%u\n", props.deviceName,
           VK_API_VERSION_MAJOR(props.apiVersion), VK_API_VERSION_MINOR(props.apiVersion));
    REQUIRE(strstr(props.deviceName, "llvmpipe") != NULL,
            "the Vulkan device is lavapipe (VK_DRIVER_FILES / VK_ICD_FILENAMES must name "
            "lvp_icd.x86_64.json), not '%s'",
            props.deviceName);

    /* Like vkd3d-proton: every queue family the device has, Vulkan 1.3, its feature chain. */
    uint32_t nf = 0;
    VK_INSTANCE_FN(vkGetPhysicalDeviceQueueFamilyProperties)(vk.physical, &nf, NULL);
    REQUIRE(nf >= 1 && nf <= 8, "queue families: %u", nf);
    VkQueueFamilyProperties fam[8];
    VK_INSTANCE_FN(vkGetPhysicalDeviceQueueFamilyProperties)(vk.physical, &nf, fam);
    float prio[4] = {1, 1, 1, 1};
    VkDeviceQueueCreateInfo qci[8];
    for (uint32_t i = 0; i < nf; i++)
        qci[i] =
            (VkDeviceQueueCreateInfo){.sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO,
                                      .queueFamilyIndex = i,
                                      .queueCount = fam[i].queueCount < 4 ? fam[i].queueCount : 4,
                                      .pQueuePriorities = prio};
    VkPhysicalDeviceVulkan12Features f12 = {
        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES, .timelineSemaphore = 1};
    VkPhysicalDeviceFeatures2 f2 = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2,
                                    .pNext = &f12};
    VkDeviceCreateInfo dci = {.sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO,
                              .pNext = &f2,
                              .queueCreateInfoCount = nf,
                              .pQueueCreateInfos = qci};
    r = VK_INSTANCE_FN(vkCreateDevice)(vk.physical, &dci, NULL, &vk.device);
    REQUIRE(r == VK_SUCCESS, "vkCreateDevice through winevulkan = %d", (int)r);
    vk.gdpa = (PFN_vkGetDeviceProcAddr)vk.gipa(vk.instance, "vkGetDeviceProcAddr");
    REQUIRE(vk.gdpa != NULL, "vkGetDeviceProcAddr");

    /* Canary: a buffer of size 0 is invalid (VUID-VkBufferCreateInfo-size-00912); the
     * validation layer reports it. Proves the layer runs in this process and reaches us. */
    VkBufferCreateInfo bad = {.sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
                              .size = 0,
                              .usage = VK_BUFFER_USAGE_TRANSFER_DST_BIT};
    VkBuffer canary = VK_NULL_HANDLE;
    r = VK_DEVICE_FN(vkCreateBuffer)(vk.device, &bad, NULL, &canary);
    if (r == VK_SUCCESS && canary)
        VK_DEVICE_FN(vkDestroyBuffer)(vk.device, canary, NULL);
    REQUIRE(vk_messages >= 1,
            "the validation layer reports an invalid call (VK_INSTANCE_LAYERS="
            "VK_LAYER_KHRONOS_validation and vulkan-validationlayers installed?)");
    printf("validation canary: %ld message(s), as expected; counting from zero now\n",
           (long)vk_messages);
    InterlockedExchange(&vk_messages, 0);

    /* The game's buffer: host-visible, coherent, filled with a known pattern. */
    VkBufferCreateInfo bci = {.sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
                              .size = BUFFER_SIZE,
                              .usage = VK_BUFFER_USAGE_TRANSFER_DST_BIT |
                                       VK_BUFFER_USAGE_TRANSFER_SRC_BIT |
                                       VK_BUFFER_USAGE_STORAGE_BUFFER_BIT};
    REQUIRE(VK_DEVICE_FN(vkCreateBuffer)(vk.device, &bci, NULL, &vk.buffer) == VK_SUCCESS,
            "vkCreateBuffer");
    VK_INSTANCE_FN(vkGetPhysicalDeviceMemoryProperties)(vk.physical, &vk.mem);
    const VkMemoryPropertyFlags host =
        VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
    vk.memory = bind_memory(vk.buffer, VK_NULL_HANDLE, host);
    void *map = NULL;
    REQUIRE(VK_DEVICE_FN(vkMapMemory)(vk.device, vk.memory, 0, VK_WHOLE_SIZE, 0, &map) ==
                    VK_SUCCESS &&
                map,
            "vkMapMemory");
    vk.map = map;

    /* For the textures: a queue (the one dsvk shares on lavapipe), commands, a scratch buffer. */
    VK_DEVICE_FN(vkGetDeviceQueue)(vk.device, 0, 0, &vk.queue);
    REQUIRE(vk.queue != NULL, "queue 0 of family 0");
    VkCommandPoolCreateInfo pci = {.sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO,
                                   .flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT,
                                   .queueFamilyIndex = 0};
    REQUIRE(VK_DEVICE_FN(vkCreateCommandPool)(vk.device, &pci, NULL, &vk.pool) == VK_SUCCESS,
            "command pool");
    VkCommandBufferAllocateInfo cai = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
                                       .commandPool = vk.pool,
                                       .level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
                                       .commandBufferCount = 1};
    REQUIRE(VK_DEVICE_FN(vkAllocateCommandBuffers)(vk.device, &cai, &vk.cmd) == VK_SUCCESS,
            "command buffer");
    bci.size = SCRATCH_SIZE;
    bci.usage = VK_BUFFER_USAGE_TRANSFER_DST_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT;
    REQUIRE(VK_DEVICE_FN(vkCreateBuffer)(vk.device, &bci, NULL, &vk.scratch) == VK_SUCCESS,
            "scratch buffer");
    vk.scratch_memory = bind_memory(vk.scratch, VK_NULL_HANDLE, host);
    REQUIRE(VK_DEVICE_FN(vkMapMemory)(vk.device, vk.scratch_memory, 0, VK_WHOLE_SIZE, 0, &map) ==
                    VK_SUCCESS &&
                map,
            "vkMapMemory");
    vk.scratch_map = map;
}

/* A 2D RGBA8 texture as vkd3d-proton would create one (optimal tiling, device memory). */
static VkImage image_create(uint32_t w, uint32_t h, uint32_t mips, VkDeviceMemory *memory)
{
    VkImageCreateInfo ici = {.sType = VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO,
                             .imageType = VK_IMAGE_TYPE_2D,
                             .format = VK_FORMAT_R8G8B8A8_UNORM,
                             .extent = {w, h, 1},
                             .mipLevels = mips,
                             .arrayLayers = 1,
                             .samples = VK_SAMPLE_COUNT_1_BIT,
                             .tiling = VK_IMAGE_TILING_OPTIMAL,
                             .usage = VK_IMAGE_USAGE_TRANSFER_DST_BIT |
                                      VK_IMAGE_USAGE_TRANSFER_SRC_BIT | VK_IMAGE_USAGE_SAMPLED_BIT,
                             .initialLayout = VK_IMAGE_LAYOUT_UNDEFINED};
    VkImage image = VK_NULL_HANDLE;
    REQUIRE(VK_DEVICE_FN(vkCreateImage)(vk.device, &ici, NULL, &image) == VK_SUCCESS,
            "vkCreateImage");
    *memory = bind_memory(VK_NULL_HANDLE, image, 0);
    return image;
}

static void barrier(VkImage image, VkImageLayout from, VkImageLayout to, VkAccessFlags src,
                    VkAccessFlags dst, VkPipelineStageFlags src_stage,
                    VkPipelineStageFlags dst_stage)
{
    VkImageMemoryBarrier b = {
        .sType = VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER,
        .srcAccessMask = src,
        .dstAccessMask = dst,
        .oldLayout = from,
        .newLayout = to,
        .srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
        .dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
        .image = image,
        .subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, VK_REMAINING_MIP_LEVELS, 0, 1}};
    VK_DEVICE_FN(vkCmdPipelineBarrier)(vk.cmd, src_stage, dst_stage, 0, 0, NULL, 0, NULL, 1, &b);
}

/* Copies between the scratch buffer (mips tightly packed, one after the other) and every
 * mip of the image; returns the bytes. Upload leaves the image in GENERAL. */
static size_t image_copy(VkImage image, uint32_t w, uint32_t h, uint32_t mips, bool upload)
{
    VkBufferImageCopy regions[8];
    size_t at = 0;
    for (uint32_t m = 0; m < mips; m++) {
        uint32_t mw = w >> m ? w >> m : 1, mh = h >> m ? h >> m : 1;
        regions[m] = (VkBufferImageCopy){.bufferOffset = at,
                                         .imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, m, 0, 1},
                                         .imageExtent = {mw, mh, 1}};
        at += (size_t)mw * mh * 4;
    }
    VkCommandBufferBeginInfo begin = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
                                      .flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT};
    REQUIRE(VK_DEVICE_FN(vkBeginCommandBuffer)(vk.cmd, &begin) == VK_SUCCESS, "begin");
    if (upload) {
        barrier(image, VK_IMAGE_LAYOUT_UNDEFINED, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 0,
                VK_ACCESS_TRANSFER_WRITE_BIT, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT,
                VK_PIPELINE_STAGE_TRANSFER_BIT);
        VK_DEVICE_FN(vkCmdCopyBufferToImage)
        (vk.cmd, vk.scratch, image, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, mips, regions);
        barrier(image, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, VK_IMAGE_LAYOUT_GENERAL,
                VK_ACCESS_TRANSFER_WRITE_BIT, VK_ACCESS_TRANSFER_WRITE_BIT,
                VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT);
    } else {
        /* dsvk's copies finished before the status entry completed (its fence); this orders
         * the readback after them for the validation layer's sake too. */
        barrier(image, VK_IMAGE_LAYOUT_GENERAL, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL,
                VK_ACCESS_TRANSFER_WRITE_BIT, VK_ACCESS_TRANSFER_READ_BIT,
                VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT);
        VK_DEVICE_FN(vkCmdCopyImageToBuffer)
        (vk.cmd, image, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, vk.scratch, mips, regions);
        barrier(image, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, VK_IMAGE_LAYOUT_GENERAL,
                VK_ACCESS_TRANSFER_READ_BIT, 0, VK_PIPELINE_STAGE_TRANSFER_BIT,
                VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT);
        VkMemoryBarrier host = {.sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER,
                                .srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT,
                                .dstAccessMask = VK_ACCESS_HOST_READ_BIT};
        VK_DEVICE_FN(vkCmdPipelineBarrier)
        (vk.cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_HOST_BIT, 0, 1, &host, 0, NULL,
         0, NULL);
    }
    REQUIRE(VK_DEVICE_FN(vkEndCommandBuffer)(vk.cmd) == VK_SUCCESS, "end");
    VkSubmitInfo si = {.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
                       .commandBufferCount = 1,
                       .pCommandBuffers = &vk.cmd};
    REQUIRE(VK_DEVICE_FN(vkQueueSubmit)(vk.queue, 1, &si, VK_NULL_HANDLE) == VK_SUCCESS, "submit");
    REQUIRE(VK_DEVICE_FN(vkQueueWaitIdle)(vk.queue) == VK_SUCCESS, "wait");
    REQUIRE(VK_DEVICE_FN(vkResetCommandBuffer)(vk.cmd, 0) == VK_SUCCESS, "reset");
    return at;
}

static void vulkan_destroy(void)
{
    VK_DEVICE_FN(vkUnmapMemory)(vk.device, vk.scratch_memory);
    VK_DEVICE_FN(vkDestroyBuffer)(vk.device, vk.scratch, NULL);
    VK_DEVICE_FN(vkFreeMemory)(vk.device, vk.scratch_memory, NULL);
    VK_DEVICE_FN(vkDestroyCommandPool)(vk.device, vk.pool, NULL);
    VK_DEVICE_FN(vkUnmapMemory)(vk.device, vk.memory);
    VK_DEVICE_FN(vkDestroyBuffer)(vk.device, vk.buffer, NULL);
    VK_DEVICE_FN(vkFreeMemory)(vk.device, vk.memory, NULL);
    /* dsvk's layer unregisters the device from the core (which drains) before it goes. */
    VK_DEVICE_FN(vkDestroyDevice)(vk.device, NULL);
    VK_INSTANCE_FN(vkDestroyDebugUtilsMessengerEXT)(vk.instance, vk.messenger, NULL);
    VK_INSTANCE_FN(vkDestroyInstance)(vk.instance, NULL);
}

/* --- vkd3d-proton's interop interface, as a game's ID3D12Device answers it --- */

static const IID iid_interop_device = {
    0x39da4e09, 0xbd1c, 0x4198, {0x9f, 0xae, 0x86, 0xbb, 0xe3, 0xbe, 0x41, 0xfd}};
static const IID iid_interop_device1 = {
    0x902d8115, 0x59eb, 0x4406, {0x95, 0x18, 0xfe, 0x00, 0xf9, 0x91, 0xee, 0x65}};
/* d3d12.h declares these; mingw's libuuid does not define them. */
static const IID iid_d3d12_device = {
    0x189819f1, 0x1db6, 0x4b57, {0xbe, 0x54, 0x18, 0x21, 0x33, 0x9b, 0x85, 0xf7}};
static const IID iid_d3d12_resource = {
    0x696442be, 0xa72e, 0x4059, {0xbc, 0x79, 0x5b, 0x5c, 0x98, 0x04, 0x0f, 0xad}};

typedef struct interop interop;
typedef struct interop_vtbl {
    HRESULT(STDMETHODCALLTYPE *QueryInterface)(interop *, REFIID, void **);
    ULONG(STDMETHODCALLTYPE *AddRef)(interop *);
    ULONG(STDMETHODCALLTYPE *Release)(interop *);
    /* ID3D12DXVKInteropDevice */
    HRESULT(STDMETHODCALLTYPE *GetDXGIAdapter)(interop *, REFIID, void **);
    HRESULT(STDMETHODCALLTYPE *GetInstanceExtensions)(interop *, UINT *, const char **);
    HRESULT(STDMETHODCALLTYPE *GetDeviceExtensions)(interop *, UINT *, const char **);
    HRESULT(STDMETHODCALLTYPE *GetDeviceFeatures)(interop *, const VkPhysicalDeviceFeatures2 **);
    HRESULT(STDMETHODCALLTYPE *GetVulkanHandles)
    (interop *, VkInstance *, VkPhysicalDevice *, VkDevice *);
    HRESULT(STDMETHODCALLTYPE *GetVulkanQueueInfo)
    (interop *, ID3D12CommandQueue *, VkQueue *, UINT32 *);
    void(STDMETHODCALLTYPE *GetVulkanImageLayout)(interop *, ID3D12Resource *,
                                                  D3D12_RESOURCE_STATES, VkImageLayout *);
    HRESULT(STDMETHODCALLTYPE *GetVulkanResourceInfo)
    (interop *, ID3D12Resource *, UINT64 *, UINT64 *);
    HRESULT(STDMETHODCALLTYPE *LockCommandQueue)(interop *, ID3D12CommandQueue *);
    HRESULT(STDMETHODCALLTYPE *UnlockCommandQueue)(interop *, ID3D12CommandQueue *);
    /* ID3D12DXVKInteropDevice1 */
    HRESULT(STDMETHODCALLTYPE *GetVulkanResourceInfo1)
    (interop *, ID3D12Resource *, UINT64 *, UINT64 *, VkFormat *);
    HRESULT(STDMETHODCALLTYPE *CreateInteropCommandQueue)
    (interop *, const D3D12_COMMAND_QUEUE_DESC *, UINT32, ID3D12CommandQueue **);
    HRESULT(STDMETHODCALLTYPE *CreateInteropCommandAllocator)
    (interop *, D3D12_COMMAND_LIST_TYPE, UINT32, ID3D12CommandAllocator **);
    HRESULT(STDMETHODCALLTYPE *BeginVkCommandBufferInterop)
    (interop *, ID3D12CommandList *, VkCommandBuffer *);
    HRESULT(STDMETHODCALLTYPE *EndVkCommandBufferInterop)(interop *, ID3D12CommandList *);
} interop_vtbl;
struct interop {
    const interop_vtbl *lpVtbl;
};

/* One object, two interfaces, one reference count. */
static struct test_device {
    ID3D12Device device;
    interop interop;
    volatile LONG refs;
    volatile LONG handles_calls, info_calls, layout_calls, footprint_calls, other_calls;
} dev;

#define MAX_RESOURCES 5
typedef struct test_resource {
    ID3D12Resource iface;
    volatile LONG refs;
    VkImage image;     /* a texture; VK_NULL_HANDLE: a buffer in vk.buffer */
    UINT64 offset;     /* where this "placed" buffer starts in the VkBuffer */
    UINT64 width;      /* bytes of a buffer, texels of a texture */
    UINT height, mips; /* of a texture */
} test_resource;
static test_resource resources[MAX_RESOURCES];

static test_resource *resource_of(ID3D12Resource *r)
{
    for (int i = 0; i < MAX_RESOURCES; i++)
        if (r == &resources[i].iface)
            return &resources[i];
    return NULL;
}

static HRESULT STDMETHODCALLTYPE dev_qi(ID3D12Device *This, REFIID riid, void **ppv)
{
    (void)This;
    if (IsEqualGUID(riid, &IID_IUnknown) || IsEqualGUID(riid, &iid_d3d12_device))
        *ppv = &dev.device;
    else if (IsEqualGUID(riid, &iid_interop_device) || IsEqualGUID(riid, &iid_interop_device1))
        *ppv = &dev.interop;
    else {
        *ppv = NULL;
        return E_NOINTERFACE;
    }
    InterlockedIncrement(&dev.refs);
    return S_OK;
}
static ULONG STDMETHODCALLTYPE dev_add_ref(ID3D12Device *This)
{
    (void)This;
    return (ULONG)InterlockedIncrement(&dev.refs);
}
static ULONG STDMETHODCALLTYPE dev_release(ID3D12Device *This)
{
    (void)This;
    return (ULONG)InterlockedDecrement(&dev.refs); /* static: lives until the process ends */
}

static HRESULT STDMETHODCALLTYPE io_qi(interop *This, REFIID riid, void **ppv)
{
    (void)This;
    return dev_qi(&dev.device, riid, ppv);
}
static ULONG STDMETHODCALLTYPE io_add_ref(interop *This)
{
    (void)This;
    return (ULONG)InterlockedIncrement(&dev.refs);
}
static ULONG STDMETHODCALLTYPE io_release(interop *This)
{
    (void)This;
    return (ULONG)InterlockedDecrement(&dev.refs);
}
static HRESULT STDMETHODCALLTYPE io_get_adapter(interop *This, REFIID riid, void **ppv)
{
    (void)This, (void)riid;
    InterlockedIncrement(&dev.other_calls);
    *ppv = NULL;
    return E_NOTIMPL;
}
static HRESULT STDMETHODCALLTYPE io_get_extensions(interop *This, UINT *count, const char **ext)
{
    (void)This, (void)ext;
    InterlockedIncrement(&dev.other_calls);
    *count = 0;
    return E_NOTIMPL;
}
static HRESULT STDMETHODCALLTYPE io_get_features(interop *This,
                                                 const VkPhysicalDeviceFeatures2 **features)
{
    (void)This;
    InterlockedIncrement(&dev.other_calls);
    *features = NULL;
    return E_NOTIMPL;
}
static HRESULT STDMETHODCALLTYPE io_get_handles(interop *This, VkInstance *instance,
                                                VkPhysicalDevice *physical, VkDevice *device)
{
    (void)This;
    InterlockedIncrement(&dev.handles_calls);
    *instance = vk.instance;
    *physical = vk.physical;
    *device = vk.device;
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE io_get_queue_info(interop *This, ID3D12CommandQueue *q,
                                                   VkQueue *vq, UINT32 *family)
{
    (void)This, (void)q, (void)vq, (void)family;
    InterlockedIncrement(&dev.other_calls);
    return E_NOTIMPL;
}
static void STDMETHODCALLTYPE io_get_image_layout(interop *This, ID3D12Resource *r,
                                                  D3D12_RESOURCE_STATES state,
                                                  VkImageLayout *layout)
{
    (void)This;
    test_resource *t = resource_of(r);
    /* DirectStorage destinations are in the COMMON state; the test keeps its images in
     * GENERAL (what vkd3d-proton reports for COMMON on most images). */
    if (!t || !t->image || state != D3D12_RESOURCE_STATE_COMMON) {
        InterlockedIncrement(&dev.other_calls);
        *layout = VK_IMAGE_LAYOUT_UNDEFINED;
        return;
    }
    InterlockedIncrement(&dev.layout_calls);
    *layout = VK_IMAGE_LAYOUT_GENERAL;
}
static HRESULT STDMETHODCALLTYPE io_get_resource_info(interop *This, ID3D12Resource *r,
                                                      UINT64 *handle, UINT64 *offset)
{
    (void)This, (void)r, (void)handle, (void)offset;
    InterlockedIncrement(&dev.other_calls); /* dsvk asks GetVulkanResourceInfo1 */
    return E_NOTIMPL;
}
static HRESULT STDMETHODCALLTYPE io_queue_lock(interop *This, ID3D12CommandQueue *q)
{
    (void)This, (void)q;
    InterlockedIncrement(&dev.other_calls);
    return E_NOTIMPL;
}
static HRESULT STDMETHODCALLTYPE io_get_resource_info1(interop *This, ID3D12Resource *r,
                                                       UINT64 *handle, UINT64 *offset,
                                                       VkFormat *format)
{
    (void)This;
    InterlockedIncrement(&dev.info_calls);
    test_resource *t = resource_of(r);
    if (!t)
        return E_INVALIDARG;
    /* Non-dispatchable handles: winevulkan passes them through unchanged. */
    *handle = t->image ? (UINT64)t->image : (UINT64)vk.buffer;
    *offset = t->image ? 0 : t->offset;
    *format = t->image ? VK_FORMAT_R8G8B8A8_UNORM : VK_FORMAT_UNDEFINED;
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE io_create_queue(interop *This, const D3D12_COMMAND_QUEUE_DESC *d,
                                                 UINT32 family, ID3D12CommandQueue **q)
{
    (void)This, (void)d, (void)family;
    InterlockedIncrement(&dev.other_calls);
    *q = NULL;
    return E_NOTIMPL;
}
static HRESULT STDMETHODCALLTYPE io_create_allocator(interop *This, D3D12_COMMAND_LIST_TYPE type,
                                                     UINT32 family, ID3D12CommandAllocator **a)
{
    (void)This, (void)type, (void)family;
    InterlockedIncrement(&dev.other_calls);
    *a = NULL;
    return E_NOTIMPL;
}
static HRESULT STDMETHODCALLTYPE io_begin_interop(interop *This, ID3D12CommandList *l,
                                                  VkCommandBuffer *cb)
{
    (void)This, (void)l, (void)cb;
    InterlockedIncrement(&dev.other_calls);
    return E_NOTIMPL;
}
static HRESULT STDMETHODCALLTYPE io_end_interop(interop *This, ID3D12CommandList *l)
{
    (void)This, (void)l;
    InterlockedIncrement(&dev.other_calls);
    return E_NOTIMPL;
}

static const interop_vtbl interop_methods = {
    io_qi,
    io_add_ref,
    io_release,
    io_get_adapter,
    io_get_extensions,
    io_get_extensions,
    io_get_features,
    io_get_handles,
    io_get_queue_info,
    io_get_image_layout,
    io_get_resource_info,
    io_queue_lock,
    io_queue_lock,
    io_get_resource_info1,
    io_create_queue,
    io_create_allocator,
    io_begin_interop,
    io_end_interop,
};

/* ID3D12Resource: IUnknown and GetDesc (the rest is never called by dsvk). */
static HRESULT STDMETHODCALLTYPE res_qi(ID3D12Resource *This, REFIID riid, void **ppv)
{
    if (IsEqualGUID(riid, &IID_IUnknown) || IsEqualGUID(riid, &iid_d3d12_resource)) {
        *ppv = This;
        This->lpVtbl->AddRef(This);
        return S_OK;
    }
    *ppv = NULL;
    return E_NOINTERFACE;
}
static ULONG STDMETHODCALLTYPE res_add_ref(ID3D12Resource *This)
{
    return (ULONG)InterlockedIncrement(&resource_of(This)->refs);
}
static ULONG STDMETHODCALLTYPE res_release(ID3D12Resource *This)
{
    return (ULONG)InterlockedDecrement(&resource_of(This)->refs);
}
/* A struct return in the COM ABI: the result goes through a hidden pointer after This. */
static D3D12_RESOURCE_DESC *STDMETHODCALLTYPE res_get_desc(ID3D12Resource *This,
                                                           D3D12_RESOURCE_DESC *ret)
{
    test_resource *t = resource_of(This);
    memset(ret, 0, sizeof(*ret));
    ret->Dimension =
        t->image ? D3D12_RESOURCE_DIMENSION_TEXTURE2D : D3D12_RESOURCE_DIMENSION_BUFFER;
    ret->Width = t->width;
    ret->Height = t->image ? t->height : 1;
    ret->DepthOrArraySize = 1;
    ret->MipLevels = (UINT16)(t->image ? t->mips : 1);
    ret->Format = t->image ? DXGI_FORMAT_R8G8B8A8_UNORM : DXGI_FORMAT_UNKNOWN;
    ret->SampleDesc.Count = 1;
    ret->Layout = t->image ? D3D12_TEXTURE_LAYOUT_UNKNOWN : D3D12_TEXTURE_LAYOUT_ROW_MAJOR;
    return ret;
}

/* ID3D12Device::GetCopyableFootprints for what this test uses (2D, one array layer, 4-byte
 * texels), by D3D12's rules: rows at a 256-byte pitch (D3D12_TEXTURE_DATA_PITCH_ALIGNMENT),
 * subresources at 512-byte offsets (D3D12_TEXTURE_DATA_PLACEMENT_ALIGNMENT). */
static void STDMETHODCALLTYPE dev_get_copyable_footprints(
    ID3D12Device *This, const D3D12_RESOURCE_DESC *desc, UINT first, UINT count, UINT64 base,
    D3D12_PLACED_SUBRESOURCE_FOOTPRINT *layouts, UINT *rows, UINT64 *row_size, UINT64 *total)
{
    (void)This;
    InterlockedIncrement(&dev.footprint_calls);
    UINT64 at = base, end = 0;
    for (UINT i = 0; i < count; i++) {
        UINT mip = first + i;
        UINT w = (UINT)(desc->Width >> mip), h = desc->Height >> mip;
        w = w ? w : 1;
        h = h ? h : 1;
        UINT pitch = (w * 4 + 255) & ~255u;
        at = (at + 511) & ~(UINT64)511;
        if (layouts) {
            layouts[i].Offset = at;
            layouts[i].Footprint.Format = desc->Format;
            layouts[i].Footprint.Width = w;
            layouts[i].Footprint.Height = h;
            layouts[i].Footprint.Depth = 1;
            layouts[i].Footprint.RowPitch = pitch;
        }
        if (rows)
            rows[i] = h;
        if (row_size)
            row_size[i] = (UINT64)w * 4;
        end = at + (UINT64)pitch * (h - 1) + (UINT64)w * 4;
        at += (UINT64)pitch * h;
    }
    if (total)
        *total = end - base;
}

static ID3D12DeviceVtbl device_methods;
static ID3D12ResourceVtbl resource_methods;

static void d3d12_create(void)
{
    device_methods.QueryInterface = dev_qi;
    device_methods.AddRef = dev_add_ref;
    device_methods.Release = dev_release;
    device_methods.GetCopyableFootprints = dev_get_copyable_footprints;
    dev.device.lpVtbl = &device_methods;
    dev.interop.lpVtbl = &interop_methods;
    dev.refs = 1;
    resource_methods.QueryInterface = res_qi;
    resource_methods.AddRef = res_add_ref;
    resource_methods.Release = res_release;
    resource_methods.GetDesc = res_get_desc;
}

/* A committed buffer resource (offset 0) or one "placed" at `offset` in the VkBuffer. */
static ID3D12Resource *resource(int i, UINT64 offset, UINT64 width)
{
    resources[i].iface.lpVtbl = &resource_methods;
    resources[i].refs = 1;
    resources[i].offset = offset;
    resources[i].width = width;
    return &resources[i].iface;
}

static ID3D12Resource *texture(int i, VkImage image, UINT w, UINT h, UINT mips)
{
    ID3D12Resource *r = resource(i, 0, w);
    resources[i].image = image;
    resources[i].height = h;
    resources[i].mips = mips;
    return r;
}

/* --- the test --- */

typedef struct vec {
    void *raw, *stream;
    size_t raw_size, stream_size;
    WCHAR stream_path[MAX_PATH], raw_path[MAX_PATH];
} vec;

static void vec_load(vec *v, const WCHAR *dir, const char *name, int level)
{
    _snwprintf(v->raw_path, MAX_PATH, L"%ls\\%hs.raw", dir, name);
    _snwprintf(v->stream_path, MAX_PATH, L"%ls\\%hs.l%d.gdeflate", dir, name, level);
    v->raw = wt_read_whole(v->raw_path, &v->raw_size);
    v->stream = wt_read_whole(v->stream_path, &v->stream_size);
    REQUIRE(v->raw && v->stream, "vector %s level %d readable", name, level);
}

/* Where each request writes, in the VkBuffer, and what. */
typedef struct region {
    UINT64 at;
    const void *data;
    size_t size;
    const char *what;
} region;

int main(int argc, char **argv)
{
    /* "factory-first": DStorageGetFactory before the Vulkan device exists (the shim starts
     * the core's default runtime, the layer finds it later); otherwise the device first (the
     * layer starts it, the shim finds it). Either way one core, one runtime.
     * "layer-off": run with dsvk's layer not loaded (DSVK unset): the interop device answers,
     * but no Vulkan device of the core has its UUID, so every GPU request fails with
     * E_DSTORAGE_INVALID_DESTINATION_TYPE and nothing is written. */
    bool factory_first = argc > 1 && strcmp(argv[1], "factory-first") == 0;
    bool layer_off = argc > 1 && strcmp(argv[1], "layer-off") == 0;
    wt_begin(factory_first ? "gpu_dest (factory first)"
             : layer_off   ? "gpu_dest (layer off)"
                           : "gpu_dest");
    IDStorageFactory *f = factory_first ? wt_factory() : NULL;
    WCHAR dir[MAX_PATH];
    wt_vectors_dir(dir, MAX_PATH);
    vec mesh, text, longd;
    vec_load(&mesh, dir, "mesh_vertices", 9); /* 600000 bytes from a 367116-byte stream */
    vec_load(&text, dir, "text_headers", 12);
    vec_load(&longd, dir, "long_distance", 1);

    /* vkd3d-proton's part: the device exists before the game creates DirectStorage queues. */
    vulkan_create();
    d3d12_create();

    uint8_t *expect = malloc(BUFFER_SIZE);
    REQUIRE(expect != NULL, "memory");
    wt_fill(expect, BUFFER_SIZE, 77, 0);
    memcpy(vk.map, expect, BUFFER_SIZE);

    /* Resource 0: committed (offset 0); 1 and 2 placed at 1 MiB + 4 KiB and 1.5 MiB. */
    ID3D12Resource *res_mesh = resource(0, 0, 1u << 20);
    ID3D12Resource *res_text = resource(1, (1u << 20) + 4096, 256u << 10);
    ID3D12Resource *res_raw = resource(2, 3u << 19, 256u << 10);
    const UINT32 raw_src_offset = 1000, raw_size = 50000;
    region regions[] = {
        {65536, mesh.raw, mesh.raw_size, "GDeflate file -> committed buffer at 64 KiB"},
        {(1u << 20) + 4096 + 8192, text.raw, text.raw_size,
         "GDeflate memory -> placed buffer (+1 MiB + 4 KiB) at 8 KiB"},
        {(3u << 19) + 1236, (const uint8_t *)longd.raw + raw_src_offset, raw_size,
         "uncompressed file range -> placed buffer (+1.5 MiB) at 1236"},
    };
    for (size_t i = 0; i < sizeof(regions) / sizeof(regions[0]) && !layer_off; i++)
        memcpy(expect + regions[i].at, regions[i].data, regions[i].size);

    /* Textures: A (64x32, one mip) gets a region, B (16x16, two mips) every subresource. Both
     * start with a known pattern, uploaded by this program, and stay in GENERAL. */
    VkDeviceMemory mem_a, mem_b;
    VkImage img_a = image_create(64, 32, 1, &mem_a), img_b = image_create(16, 16, 2, &mem_b);
    uint8_t *tex_a = malloc(64 * 32 * 4), *tex_b = malloc((16 * 16 + 8 * 8) * 4);
    REQUIRE(tex_a && tex_b, "memory");
    wt_fill(tex_a, 64 * 32 * 4, 5, 0);
    wt_fill(tex_b, (16 * 16 + 8 * 8) * 4, 6, 0);
    memcpy(vk.scratch_map, tex_a, 64 * 32 * 4);
    image_copy(img_a, 64, 32, 1, true);
    memcpy(vk.scratch_map, tex_b, (16 * 16 + 8 * 8) * 4);
    image_copy(img_b, 16, 16, 2, true);
    ID3D12Resource *res_a = texture(3, img_a, 64, 32, 1);
    ID3D12Resource *res_b = texture(4, img_b, 16, 16, 2);

    /* A's region (8,4)-(40,20): 32x16 texels, laid out as GetCopyableFootprints says for a
     * texture of the region's size (rows at a 256-byte pitch), GDeflate-compressed with the
     * DirectStorage codec, from memory. The padding between rows is junk, never copied. */
    const UINT rx = 8, ry = 4, rw = 32, rh = 16, region_pitch = 256;
    const UINT32 region_size = region_pitch * (rh - 1) + rw * 4;
    uint8_t *region_src = malloc(region_size);
    REQUIRE(region_src != NULL, "memory");
    wt_fill(region_src, region_size, 7, 0);
    for (UINT y = 0; y < rh && !layer_off; y++)
        memcpy(tex_a + ((ry + y) * 64 + rx) * 4, region_src + y * region_pitch, rw * 4);
    IDStorageCompressionCodec *codec = NULL;
    CHECK_HR(DStorageCreateCompressionCodec(DSTORAGE_COMPRESSION_FORMAT_GDEFLATE, 1,
                                            &IID_IDStorageCompressionCodec, (void **)&codec),
             S_OK);
    REQUIRE(codec != NULL, "codec");
    size_t region_bound = codec->lpVtbl->CompressBufferBound(codec, region_size), region_packed = 0;
    void *region_stream = malloc(region_bound);
    REQUIRE(region_stream != NULL, "memory");
    CHECK_HR(codec->lpVtbl->CompressBuffer(codec, region_src, region_size,
                                           DSTORAGE_COMPRESSION_DEFAULT, region_stream,
                                           region_bound, &region_packed),
             S_OK);
    codec->lpVtbl->Release(codec);

    /* B's two mips from a file, uncompressed, at their footprints: mip 0 (16x16) at 0 with a
     * 256-byte pitch, mip 1 (8x8) at 4096 (512-aligned), 5920 bytes in all. */
    const UINT32 subs_size = 4096 + 256 * 7 + 8 * 4;
    uint8_t *subs_src = malloc(subs_size);
    REQUIRE(subs_src != NULL, "memory");
    wt_fill(subs_src, subs_size, 8, 0);
    for (UINT y = 0; y < 16 && !layer_off; y++)
        memcpy(tex_b + y * 16 * 4, subs_src + y * 256, 16 * 4);
    for (UINT y = 0; y < 8 && !layer_off; y++)
        memcpy(tex_b + (16 * 16 + y * 8) * 4, subs_src + 4096 + y * 256, 8 * 4);
    wt_write_file(L"mips.bin", subs_src, subs_size);
    WCHAR mips_path[MAX_PATH];
    wt_path(mips_path, MAX_PATH, L"mips.bin");

    if (!f)
        f = wt_factory();
    DSTORAGE_QUEUE_DESC fd = {.SourceType = DSTORAGE_REQUEST_SOURCE_FILE,
                              .Capacity = DSTORAGE_MIN_QUEUE_CAPACITY,
                              .Priority = DSTORAGE_PRIORITY_NORMAL,
                              .Name = "gpu-file",
                              .Device = &dev.device};
    DSTORAGE_QUEUE_DESC md = fd;
    md.SourceType = DSTORAGE_REQUEST_SOURCE_MEMORY;
    md.Priority = DSTORAGE_PRIORITY_REALTIME;
    md.Name = "gpu-memory";
    IDStorageQueue *fq = NULL, *mq = NULL;
    CHECK_HR(f->lpVtbl->CreateQueue(f, &fd, &IID_IDStorageQueue, (void **)&fq), S_OK);
    CHECK_HR(f->lpVtbl->CreateQueue(f, &md, &IID_IDStorageQueue, (void **)&mq), S_OK);
    REQUIRE(fq && mq, "queues with the device");
    CHECK(dev.handles_calls >= 1, "the DLL asked the interop device for its Vulkan handles");

    IDStorageStatusArray *st = NULL;
    CHECK_HR(f->lpVtbl->CreateStatusArray(f, 2, "gpu", &IID_IDStorageStatusArray, (void **)&st),
             S_OK);
    REQUIRE(st != NULL, "status array");
    IDStorageFile *mesh_file = NULL, *raw_file = NULL;
    CHECK_HR(f->lpVtbl->OpenFile(f, mesh.stream_path, &IID_IDStorageFile, (void **)&mesh_file),
             S_OK);
    CHECK_HR(f->lpVtbl->OpenFile(f, longd.raw_path, &IID_IDStorageFile, (void **)&raw_file), S_OK);
    REQUIRE(mesh_file && raw_file, "files");

    DSTORAGE_REQUEST r = {0};
    r.Options.CompressionFormat = DSTORAGE_COMPRESSION_FORMAT_GDEFLATE;
    r.Options.SourceType = DSTORAGE_REQUEST_SOURCE_FILE;
    r.Options.DestinationType = DSTORAGE_REQUEST_DESTINATION_BUFFER;
    r.Source.File.Source = mesh_file;
    r.Source.File.Size = (UINT32)mesh.stream_size;
    r.Destination.Buffer.Resource = res_mesh;
    r.Destination.Buffer.Offset = regions[0].at;
    r.Destination.Buffer.Size = (UINT32)mesh.raw_size;
    r.UncompressedSize = (UINT32)mesh.raw_size;
    r.Name = "mesh_vertices.l9 -> buffer";
    fq->lpVtbl->EnqueueRequest(fq, &r);

    DSTORAGE_REQUEST u = {0};
    u.Options.SourceType = DSTORAGE_REQUEST_SOURCE_FILE;
    u.Options.DestinationType = DSTORAGE_REQUEST_DESTINATION_BUFFER;
    u.Source.File.Source = raw_file;
    u.Source.File.Offset = raw_src_offset;
    u.Source.File.Size = raw_size;
    u.Destination.Buffer.Resource = res_raw;
    u.Destination.Buffer.Offset = 1236;
    u.Destination.Buffer.Size = raw_size;
    u.UncompressedSize = raw_size;
    u.Name = "long_distance.raw range -> buffer";
    fq->lpVtbl->EnqueueRequest(fq, &u);

    DSTORAGE_REQUEST m = {0};
    m.Options.CompressionFormat = DSTORAGE_COMPRESSION_FORMAT_GDEFLATE;
    m.Options.SourceType = DSTORAGE_REQUEST_SOURCE_MEMORY;
    m.Options.DestinationType = DSTORAGE_REQUEST_DESTINATION_BUFFER;
    m.Source.Memory.Source = text.stream;
    m.Source.Memory.Size = (UINT32)text.stream_size;
    m.Destination.Buffer.Resource = res_text;
    m.Destination.Buffer.Offset = 8192;
    m.Destination.Buffer.Size = (UINT32)text.raw_size;
    m.UncompressedSize = (UINT32)text.raw_size;
    m.Name = "text_headers.l12 -> placed buffer";
    mq->lpVtbl->EnqueueRequest(mq, &m);

    IDStorageFile *mips_file = NULL;
    CHECK_HR(f->lpVtbl->OpenFile(f, mips_path, &IID_IDStorageFile, (void **)&mips_file), S_OK);
    REQUIRE(mips_file != NULL, "mips.bin");
    DSTORAGE_REQUEST t = {0};
    t.Options.SourceType = DSTORAGE_REQUEST_SOURCE_FILE;
    t.Options.DestinationType = DSTORAGE_REQUEST_DESTINATION_MULTIPLE_SUBRESOURCES;
    t.Source.File.Source = mips_file;
    t.Source.File.Size = subs_size;
    t.Destination.MultipleSubresources.Resource = res_b;
    t.Destination.MultipleSubresources.FirstSubresource = 0;
    t.UncompressedSize = subs_size;
    t.Name = "mips.bin -> texture B, both mips";
    fq->lpVtbl->EnqueueRequest(fq, &t);

    DSTORAGE_REQUEST g = {0};
    g.Options.CompressionFormat = DSTORAGE_COMPRESSION_FORMAT_GDEFLATE;
    g.Options.SourceType = DSTORAGE_REQUEST_SOURCE_MEMORY;
    g.Options.DestinationType = DSTORAGE_REQUEST_DESTINATION_TEXTURE_REGION;
    g.Source.Memory.Source = region_stream;
    g.Source.Memory.Size = (UINT32)region_packed;
    g.Destination.Texture.Resource = res_a;
    g.Destination.Texture.SubresourceIndex = 0;
    g.Destination.Texture.Region = (D3D12_BOX){rx, ry, 0, rx + rw, ry + rh, 1};
    g.UncompressedSize = region_size;
    g.Name = "GDeflate region -> texture A";
    mq->lpVtbl->EnqueueRequest(mq, &g);

    wt_fence *fence = wt_fence_create();
    fq->lpVtbl->EnqueueSignal(fq, wt_fence_iface(fence), 1);
    fq->lpVtbl->EnqueueStatus(fq, st, 0);
    mq->lpVtbl->EnqueueStatus(mq, st, 1);
    LARGE_INTEGER t0, t1, hz;
    QueryPerformanceFrequency(&hz);
    QueryPerformanceCounter(&t0);
    fq->lpVtbl->Submit(fq);
    mq->lpVtbl->Submit(mq);
    CHECK(wt_wait_status(st, 0, 30000) && wt_wait_status(st, 1, 30000), "both complete");
    CHECK(wt_fence_wait(fence, 1, 30000), "fence signalled");
    QueryPerformanceCounter(&t1);
    printf("requests done %.1f ms after Submit\n",
           (double)(t1.QuadPart - t0.QuadPart) * 1000.0 / (double)hz.QuadPart);
    const HRESULT want = layer_off ? E_DSTORAGE_INVALID_DESTINATION_TYPE : S_OK;
    CHECK_HR(st->lpVtbl->GetHResult(st, 0), want);
    CHECK_HR(st->lpVtbl->GetHResult(st, 1), want);
    if (!layer_off) {
        CHECK(dev.info_calls >= 5, "GetVulkanResourceInfo1 asked for every request: %ld",
              (long)dev.info_calls);
        CHECK(dev.layout_calls >= 2, "GetVulkanImageLayout(COMMON) asked for each texture: %ld",
              (long)dev.layout_calls);
        CHECK(dev.footprint_calls >= 2, "GetCopyableFootprints asked for each texture: %ld",
              (long)dev.footprint_calls);
    }
    /* Three requests on the file queue, two on the memory queue: all fail, or none. */
    DSTORAGE_ERROR_RECORD rec;
    fq->lpVtbl->RetrieveErrorRecord(fq, &rec);
    CHECK(rec.FailureCount == (layer_off ? 3u : 0u) && rec.FirstFailure.HResult == want,
          "failures on the file queue: %u, hr %#lx", rec.FailureCount,
          (unsigned long)rec.FirstFailure.HResult);
    mq->lpVtbl->RetrieveErrorRecord(mq, &rec);
    CHECK(rec.FailureCount == (layer_off ? 2u : 0u) && rec.FirstFailure.HResult == want,
          "failures on the memory queue: %u, hr %#lx", rec.FailureCount,
          (unsigned long)rec.FirstFailure.HResult);

    /* The buffer's memory: the data exactly where the requests put it, nothing else. */
    for (size_t i = 0; i < sizeof(regions) / sizeof(regions[0]) && !layer_off; i++)
        CHECK(memcmp(vk.map + regions[i].at, regions[i].data, regions[i].size) == 0, "%s",
              regions[i].what);
    size_t first_diff = SIZE_MAX, diffs = 0;
    for (size_t i = 0; i < BUFFER_SIZE; i++)
        if (vk.map[i] != expect[i]) {
            if (first_diff == SIZE_MAX)
                first_diff = i;
            diffs++;
        }
    CHECK(diffs == 0,
          "the whole buffer is as expected (written ranges and the pattern around "
          "them): %zu bytes differ, the first at %zu",
          diffs, first_diff);

    /* The textures, read back: the region and both mips written, nothing else. */
    uint8_t *got = malloc(64 * 32 * 4);
    REQUIRE(got != NULL, "memory");
    image_copy(img_a, 64, 32, 1, false);
    memcpy(got, vk.scratch_map, 64 * 32 * 4);
    size_t bad_a = 0, first_a = SIZE_MAX;
    for (size_t i = 0; i < 64 * 32 * 4; i++)
        if (got[i] != tex_a[i]) {
            first_a = first_a == SIZE_MAX ? i : first_a;
            bad_a++;
        }
    CHECK(bad_a == 0,
          "texture A: region (8,4)-(40,20) decoded into it, the rest untouched: %zu bytes "
          "differ, the first at texel (%zu,%zu)",
          bad_a, first_a / 4 % 64, first_a / 4 / 64);
    image_copy(img_b, 16, 16, 2, false);
    CHECK(memcmp(vk.scratch_map, tex_b, 16 * 16 * 4) == 0, "texture B mip 0");
    CHECK(memcmp(vk.scratch_map + 16 * 16 * 4, tex_b + 16 * 16 * 4, 8 * 8 * 4) == 0,
          "texture B mip 1");
    free(got);

    fq->lpVtbl->Close(fq);
    mq->lpVtbl->Close(mq);
    fq->lpVtbl->Release(fq);
    mq->lpVtbl->Release(mq);
    CHECK(wt_fence_refs(fence) == 1, "fence references returned: %ld", wt_fence_refs(fence));
    CHECK(dev.refs == 1, "device references returned: %ld", (long)dev.refs);
    CHECK(dev.other_calls == 0,
          "no interop method but GetVulkanHandles/GetVulkanResourceInfo1: "
          "%ld other calls",
          (long)dev.other_calls);
    for (int i = 0; i < 5; i++)
        CHECK(resources[i].refs == 1, "resource %d references: %ld", i, (long)resources[i].refs);
    mips_file->lpVtbl->Release(mips_file);
    mesh_file->lpVtbl->Release(mesh_file);
    raw_file->lpVtbl->Release(raw_file);
    st->lpVtbl->Release(st);
    f->lpVtbl->Release(f);

    VK_DEVICE_FN(vkDestroyImage)(vk.device, img_a, NULL);
    VK_DEVICE_FN(vkDestroyImage)(vk.device, img_b, NULL);
    VK_DEVICE_FN(vkFreeMemory)(vk.device, mem_a, NULL);
    VK_DEVICE_FN(vkFreeMemory)(vk.device, mem_b, NULL);
    vulkan_destroy();
    CHECK(vk_messages == 0, "validation: %ld warning(s)/error(s) (printed above)",
          (long)vk_messages);
    return wt_end();
}
