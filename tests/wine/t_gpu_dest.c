/*
 * GPU destinations end to end under real Wine, through real winevulkan: this program plays
 * vkd3d-proton. It creates a Vulkan instance and device through Wine's vulkan-1.dll with
 * VkApplicationInfo.pEngineName = "vkd3d" (so dsvk's implicit layer, enabled with DSVK=1,
 * captures the device in this Wine process and registers it with the core), a VkBuffer with
 * host-visible memory on it, and wraps both in a minimal ID3D12Device / ID3D12Resource of its
 * own that answer vkd3d-proton's ID3D12DXVKInteropDevice1 as dsvk's d3d12_dest.c uses it
 * (GetVulkanHandles, GetVulkanResourceInfo1; GetDesc of the resource). Then, through the
 * DirectStorage API of dsvk's dstorage.dll only: a queue created with that device, GDeflate
 * from a file and from memory and an uncompressed file range into DSTORAGE_REQUEST_DESTINATION_
 * BUFFER destinations at offsets (two of the resources "placed" in the VkBuffer at an offset
 * of their own, which the DLL must add), a status entry and a fence signal; the mapped memory
 * then holds the reference data exactly there and nothing else changed.
 *
 * The Khronos validation layer is expected to run (VK_INSTANCE_LAYERS set by the test's
 * environment: winevulkan does not pass application-enabled layers down); a debug-utils
 * messenger counts its warnings and errors, zero expected, after a canary (a buffer of size 0)
 * proved that the layer and the messenger work.
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
            "vkCreateInstance through winevulkan = %d (VK_ERROR_INITIALIZATION_FAILED = -3 "
            "means Wine has no display driver: is DISPLAY an X server?)",
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
    VkMemoryRequirements req;
    VK_DEVICE_FN(vkGetBufferMemoryRequirements)(vk.device, vk.buffer, &req);
    VkPhysicalDeviceMemoryProperties mem;
    VK_INSTANCE_FN(vkGetPhysicalDeviceMemoryProperties)(vk.physical, &mem);
    const VkMemoryPropertyFlags want =
        VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
    uint32_t type = UINT32_MAX;
    for (uint32_t i = 0; i < mem.memoryTypeCount && type == UINT32_MAX; i++)
        if ((req.memoryTypeBits & (1u << i)) && (mem.memoryTypes[i].propertyFlags & want) == want)
            type = i;
    REQUIRE(type != UINT32_MAX, "a host-visible coherent memory type");
    VkMemoryAllocateInfo mai = {.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
                                .allocationSize = req.size,
                                .memoryTypeIndex = type};
    REQUIRE(VK_DEVICE_FN(vkAllocateMemory)(vk.device, &mai, NULL, &vk.memory) == VK_SUCCESS,
            "vkAllocateMemory");
    REQUIRE(VK_DEVICE_FN(vkBindBufferMemory)(vk.device, vk.buffer, vk.memory, 0) == VK_SUCCESS,
            "vkBindBufferMemory");
    void *map = NULL;
    REQUIRE(VK_DEVICE_FN(vkMapMemory)(vk.device, vk.memory, 0, VK_WHOLE_SIZE, 0, &map) ==
                    VK_SUCCESS &&
                map,
            "vkMapMemory");
    vk.map = map;
}

static void vulkan_destroy(void)
{
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
    volatile LONG handles_calls, info_calls, other_calls;
} dev;

#define MAX_RESOURCES 4
typedef struct test_resource {
    ID3D12Resource iface;
    volatile LONG refs;
    UINT64 offset; /* where this "placed" buffer starts in the VkBuffer */
    UINT64 width;
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
    (void)This, (void)r, (void)state;
    InterlockedIncrement(&dev.other_calls); /* only images have a layout */
    *layout = VK_IMAGE_LAYOUT_UNDEFINED;
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
    *handle = (UINT64)vk.buffer; /* non-dispatchable: winevulkan passes it through */
    *offset = t->offset;
    *format = VK_FORMAT_UNDEFINED;
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
    ret->Dimension = D3D12_RESOURCE_DIMENSION_BUFFER;
    ret->Width = t->width;
    ret->Height = 1;
    ret->DepthOrArraySize = 1;
    ret->MipLevels = 1;
    ret->Format = DXGI_FORMAT_UNKNOWN;
    ret->SampleDesc.Count = 1;
    ret->Layout = D3D12_TEXTURE_LAYOUT_ROW_MAJOR;
    return ret;
}

static ID3D12DeviceVtbl device_methods;
static ID3D12ResourceVtbl resource_methods;

static void d3d12_create(void)
{
    device_methods.QueryInterface = dev_qi;
    device_methods.AddRef = dev_add_ref;
    device_methods.Release = dev_release;
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

int main(void)
{
    wt_begin("gpu_dest");
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
    for (size_t i = 0; i < sizeof(regions) / sizeof(regions[0]); i++)
        memcpy(expect + regions[i].at, regions[i].data, regions[i].size);

    IDStorageFactory *f = wt_factory();
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
    CHECK_HR(st->lpVtbl->GetHResult(st, 0), S_OK);
    CHECK_HR(st->lpVtbl->GetHResult(st, 1), S_OK);
    CHECK(dev.info_calls >= 3, "GetVulkanResourceInfo1 asked for every request: %ld",
          (long)dev.info_calls);
    DSTORAGE_ERROR_RECORD rec;
    fq->lpVtbl->RetrieveErrorRecord(fq, &rec);
    CHECK(rec.FailureCount == 0, "no failure on the file queue: %u, hr %#lx", rec.FailureCount,
          (unsigned long)rec.FirstFailure.HResult);
    mq->lpVtbl->RetrieveErrorRecord(mq, &rec);
    CHECK(rec.FailureCount == 0, "no failure on the memory queue: %u, hr %#lx", rec.FailureCount,
          (unsigned long)rec.FirstFailure.HResult);

    /* The buffer's memory: the data exactly where the requests put it, nothing else. */
    for (size_t i = 0; i < sizeof(regions) / sizeof(regions[0]); i++)
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
    for (int i = 0; i < 3; i++)
        CHECK(resources[i].refs == 1, "resource %d references: %ld", i, (long)resources[i].refs);
    mesh_file->lpVtbl->Release(mesh_file);
    raw_file->lpVtbl->Release(raw_file);
    st->lpVtbl->Release(st);
    f->lpVtbl->Release(f);

    vulkan_destroy();
    CHECK(vk_messages == 0, "validation: %ld warning(s)/error(s) (printed above)",
          (long)vk_messages);
    return wt_end();
}
