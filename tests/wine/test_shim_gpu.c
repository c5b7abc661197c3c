/*
 * GPU destinations through the wire, natively: the unix half of what a game's
 * DSTORAGE_REQUEST_DESTINATION_BUFFER / TEXTURE_REGION becomes once the DLL has resolved the
 * D3D12 resource through vkd3d-proton. This program plays the Vulkan layer (it registers a
 * lavapipe device of its own with the process-wide default runtime, as the layer registers
 * vkd3d-proton's) and the DLL (it sends QUEUE_CREATE with the device's UUID and QUEUE_BATCH
 * entries with VkBuffer/VkImage handles over the channel), with libdsvk_preload.so preloaded
 * and DSVK_PRELOAD_FORCE=1. It links the shared libdsvk, which the shim's dlopen then finds
 * already loaded: one core, one default runtime, as in a game process.
 *
 * Checked: the shim binds the queue to the registered device by UUID and the core's GPU
 * executor writes a VkBuffer range (at an offset, nothing around it) and an image region;
 * an unknown UUID binds nothing and the request fails with INVALID_DESTINATION_TYPE.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <vulkan/vulkan.h>

#include <dsvk/dsvk.h>
#include <dsvk/process.h>
#include <dsvk/vulkan.h>

#include "../../preload/wire/dsvk_wire.h"

static struct {
    VkInstance instance;
    VkPhysicalDevice physical;
    VkDevice device;
    VkQueue queue;
    uint32_t family;
    VkPhysicalDeviceProperties props;
    VkPhysicalDeviceMemoryProperties memory;
    uint8_t uuid[VK_UUID_SIZE];
    dsvk_device *dsvk_dev;
    int channel;
} g = {.channel = -1};

static int32_t call(uint32_t opcode, void *args, uint32_t size)
{
    dsvk_wire_header h = {
        .magic = DSVK_WIRE_MAGIC,
        .version = DSVK_WIRE_VERSION,
        .header_size = sizeof(h),
        .status = DSVK_WIRE_S_UNANSWERED,
        .opcode = opcode,
        .args_size = size,
        .args = (uint64_t)(uintptr_t)args,
    };
    assert_int_equal(pwrite(g.channel, &h, sizeof(h), 0), sizeof(h));
    return h.status;
}

static uint32_t memory_type(uint32_t bits, VkMemoryPropertyFlags want)
{
    for (uint32_t i = 0; i < g.memory.memoryTypeCount; i++)
        if ((bits & (1u << i)) && (g.memory.memoryTypes[i].propertyFlags & want) == want)
            return i;
    fail_msg("no memory type with flags %#x", want);
    return 0;
}

static int setup(void **state)
{
    (void)state;
    const char *path = getenv("DSVK_CHANNEL");
    if (!path) {
        print_error("DSVK_CHANNEL is not set: run with libdsvk_preload.so in LD_PRELOAD and "
                    "DSVK_PRELOAD_FORCE=1\n");
        return -1;
    }
    g.channel = open(path, O_RDWR | O_CLOEXEC);
    if (g.channel < 0)
        return -1;

    VkApplicationInfo app = {.sType = VK_STRUCTURE_TYPE_APPLICATION_INFO,
                             .pApplicationName = "dsvk shim gpu test",
                             .apiVersion = VK_API_VERSION_1_3};
    VkInstanceCreateInfo ici = {.sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO,
                                .pApplicationInfo = &app};
    if (vkCreateInstance(&ici, NULL, &g.instance) != VK_SUCCESS) {
        print_error("no Vulkan instance (install mesa-vulkan-drivers for lavapipe)\n");
        return -1;
    }
    uint32_t n = 1;
    VkResult r = vkEnumeratePhysicalDevices(g.instance, &n, &g.physical);
    if ((r != VK_SUCCESS && r != VK_INCOMPLETE) || n == 0) {
        print_error("no Vulkan device (lavapipe: VK_ICD_FILENAMES)\n");
        return -1;
    }
    VkPhysicalDeviceIDProperties id = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_ID_PROPERTIES};
    VkPhysicalDeviceProperties2 p2 = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2,
                                      .pNext = &id};
    vkGetPhysicalDeviceProperties2(g.physical, &p2);
    g.props = p2.properties;
    memcpy(g.uuid, id.deviceUUID, VK_UUID_SIZE);
    vkGetPhysicalDeviceMemoryProperties(g.physical, &g.memory);
    VkQueueFamilyProperties fam[16];
    uint32_t nf = 16;
    vkGetPhysicalDeviceQueueFamilyProperties(g.physical, &nf, fam);
    g.family = UINT32_MAX;
    for (uint32_t i = 0; i < nf && g.family == UINT32_MAX; i++)
        if (fam[i].queueFlags & VK_QUEUE_COMPUTE_BIT)
            g.family = i;
    if (g.family == UINT32_MAX)
        return -1;

    float prio = 1.0f;
    VkDeviceQueueCreateInfo qci = {.sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO,
                                   .queueFamilyIndex = g.family,
                                   .queueCount = 1,
                                   .pQueuePriorities = &prio};
    VkPhysicalDeviceVulkan12Features f12 = {
        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES,
        .timelineSemaphore = VK_TRUE};
    VkDeviceCreateInfo dci = {.sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO,
                              .pNext = &f12,
                              .queueCreateInfoCount = 1,
                              .pQueueCreateInfos = &qci};
    if (vkCreateDevice(g.physical, &dci, NULL, &g.device) != VK_SUCCESS)
        return -1;
    vkGetDeviceQueue(g.device, g.family, 0, &g.queue);

    /* What the Vulkan layer does for vkd3d-proton's device. */
    dsvk_runtime *rt;
    if (dsvk_runtime_get_default(&rt) != DSVK_OK)
        return -1;
    dsvk_vk_device_desc d = {
        .version = DSVK_VK_DEVICE_DESC_VERSION,
        .instance = g.instance,
        .physical_device = g.physical,
        .device = g.device,
        .get_instance_proc_addr = vkGetInstanceProcAddr,
        .get_device_proc_addr = vkGetDeviceProcAddr,
        .queue = g.queue,
        .queue_family_index = g.family,
        .queue_family = fam[g.family],
        .app_queue_families = 1u << g.family,
        .api_version = VK_API_VERSION_1_3,
        .properties = g.props,
        .memory_properties = g.memory,
        .enabled = {.timeline_semaphore = true},
    };
    memcpy(d.device_uuid, g.uuid, VK_UUID_SIZE);
    if (dsvk_device_register(rt, &d, &g.dsvk_dev) != DSVK_OK)
        return -1;

    dsvk_wire_hello hello = {0};
    return call(DSVK_WIRE_OP_HELLO, &hello, sizeof(hello)) == DSVK_WIRE_R_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    if (g.dsvk_dev)
        dsvk_device_unregister(g.dsvk_dev); /* before vkDestroyDevice, as the layer does */
    if (g.device)
        vkDestroyDevice(g.device, NULL);
    if (g.instance)
        vkDestroyInstance(g.instance, NULL);
    if (g.channel >= 0)
        close(g.channel);
    return 0;
}

typedef struct host_buffer {
    VkBuffer buffer;
    VkDeviceMemory memory;
    uint8_t *map;
} host_buffer;

static void buffer_create(VkDeviceSize size, VkBufferUsageFlags usage, host_buffer *b)
{
    VkBufferCreateInfo bci = {.sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
                              .size = size,
                              .usage = usage,
                              .sharingMode = VK_SHARING_MODE_EXCLUSIVE};
    assert_int_equal(vkCreateBuffer(g.device, &bci, NULL, &b->buffer), VK_SUCCESS);
    VkMemoryRequirements req;
    vkGetBufferMemoryRequirements(g.device, b->buffer, &req);
    VkMemoryAllocateInfo mai = {.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
                                .allocationSize = req.size,
                                .memoryTypeIndex = memory_type(
                                    req.memoryTypeBits, VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT |
                                                            VK_MEMORY_PROPERTY_HOST_COHERENT_BIT)};
    assert_int_equal(vkAllocateMemory(g.device, &mai, NULL, &b->memory), VK_SUCCESS);
    assert_int_equal(vkBindBufferMemory(g.device, b->buffer, b->memory, 0), VK_SUCCESS);
    assert_int_equal(vkMapMemory(g.device, b->memory, 0, VK_WHOLE_SIZE, 0, (void **)&b->map),
                     VK_SUCCESS);
}

static void buffer_destroy(host_buffer *b)
{
    vkDestroyBuffer(g.device, b->buffer, NULL);
    vkFreeMemory(g.device, b->memory, NULL);
}

static uint64_t queue_create(const uint8_t uuid[VK_UUID_SIZE], uint32_t *bound)
{
    dsvk_wire_queue_create qc = {
        .source_type = DSVK_WIRE_SRC_MEMORY, .capacity = 128, .priority = 2, .has_device = 1};
    memcpy(qc.device_uuid, uuid, VK_UUID_SIZE);
    assert_int_equal(call(DSVK_WIRE_OP_QUEUE_CREATE, &qc, sizeof(qc)), DSVK_WIRE_R_OK);
    *bound = qc.bound_device;
    return qc.handle;
}

/* Sends the entries plus a status entry, submits, waits for the status. */
static int32_t run(uint64_t queue, dsvk_wire_entry *entries, uint32_t n)
{
    int32_t storage[1];
    dsvk_wire_status_create sc = {.storage = (uint64_t)(uintptr_t)storage, .capacity = 1};
    assert_int_equal(call(DSVK_WIRE_OP_STATUS_CREATE, &sc, sizeof(sc)), DSVK_WIRE_R_OK);
    dsvk_wire_entry all[8];
    assert_true(n < 8);
    memcpy(all, entries, n * sizeof(*entries));
    memset(&all[n], 0, sizeof(all[n]));
    all[n].kind = DSVK_WIRE_ENTRY_STATUS;
    all[n].u.status.array = sc.handle;
    dsvk_wire_queue_batch b = {.queue = queue,
                               .entries = (uint64_t)(uintptr_t)all,
                               .count = n + 1,
                               .flags = DSVK_WIRE_BATCH_SUBMIT};
    assert_int_equal(call(DSVK_WIRE_OP_QUEUE_BATCH, &b, sizeof(b)), DSVK_WIRE_R_OK);
    assert_int_equal(b.accepted, n + 1);
    for (int i = 0; i < 60000 && __atomic_load_n(&storage[0], __ATOMIC_ACQUIRE) == -1; i++)
        usleep(1000);
    int32_t result = __atomic_load_n(&storage[0], __ATOMIC_ACQUIRE);
    dsvk_wire_handle h = {sc.handle};
    assert_int_equal(call(DSVK_WIRE_OP_STATUS_DESTROY, &h, sizeof(h)), DSVK_WIRE_R_OK);
    return result;
}

static void memory_request(dsvk_wire_entry *e, const void *src, uint32_t size)
{
    memset(e, 0, sizeof(*e));
    e->kind = DSVK_WIRE_ENTRY_REQUEST;
    e->u.request.source_type = DSVK_WIRE_SRC_MEMORY;
    e->u.request.source = (uint64_t)(uintptr_t)src;
    e->u.request.size = size;
}

static void test_buffer_destination(void **state)
{
    (void)state;
    uint32_t bound = 0;
    uint64_t q = queue_create(g.uuid, &bound);
    assert_int_equal(bound, 1); /* found by the physical device's UUID */
    /* lavapipe has no VK_NV/EXT_memory_decompression: GDeflate is the CPU's. */
    dsvk_wire_compression_support cs = {.queue = q, .format = 1};
    assert_int_equal(call(DSVK_WIRE_OP_QUEUE_COMPRESSION_SUPPORT, &cs, sizeof(cs)),
                     DSVK_WIRE_R_OK);
    assert_int_equal(cs.support, DSVK_WIRE_SUPPORT_CPU_FALLBACK);
    host_buffer dst;
    buffer_create(1 << 20, VK_BUFFER_USAGE_TRANSFER_DST_BIT, &dst);
    memset(dst.map, 0xcd, 1 << 20);
    enum { SIZE = 200000, OFFSET = 4096 };
    uint8_t *src = malloc(SIZE);
    for (uint32_t i = 0; i < SIZE; i++)
        src[i] = (uint8_t)(i * 131 + 7);
    dsvk_wire_entry e;
    memory_request(&e, src, SIZE);
    e.u.request.destination.type = DSVK_WIRE_DST_BUFFER;
    e.u.request.destination.u.buffer.buffer = (uint64_t)(uintptr_t)dst.buffer;
    e.u.request.destination.u.buffer.offset = OFFSET;
    e.u.request.destination.u.buffer.size = SIZE;
    assert_int_equal(run(q, &e, 1), DSVK_WIRE_R_OK);
    assert_memory_equal(dst.map + OFFSET, src, SIZE);
    for (uint32_t i = 0; i < OFFSET; i++)
        assert_int_equal(dst.map[i], 0xcd);
    for (uint32_t i = OFFSET + SIZE; i < (1 << 20); i++)
        assert_int_equal(dst.map[i], 0xcd);
    dsvk_wire_handle h = {q};
    assert_int_equal(call(DSVK_WIRE_OP_QUEUE_CLOSE, &h, sizeof(h)), DSVK_WIRE_R_OK);
    buffer_destroy(&dst);
    free(src);
}

static void test_image_region(void **state)
{
    (void)state;
    uint32_t bound = 0;
    uint64_t q = queue_create(g.uuid, &bound);
    assert_int_equal(bound, 1);
    /* A 64x64 RGBA8 image; a 16x8 region at (8, 4) of mip 0 gets 16 x 8 texels, rows of
     * 256 bytes (D3D12's pitch alignment, what GetCopyableFootprints gives for 16 texels). */
    VkImageCreateInfo ici = {.sType = VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO,
                             .imageType = VK_IMAGE_TYPE_2D,
                             .format = VK_FORMAT_R8G8B8A8_UNORM,
                             .extent = {64, 64, 1},
                             .mipLevels = 1,
                             .arrayLayers = 1,
                             .samples = VK_SAMPLE_COUNT_1_BIT,
                             .tiling = VK_IMAGE_TILING_OPTIMAL,
                             .usage =
                                 VK_IMAGE_USAGE_TRANSFER_DST_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT,
                             .initialLayout = VK_IMAGE_LAYOUT_UNDEFINED};
    VkImage image;
    assert_int_equal(vkCreateImage(g.device, &ici, NULL, &image), VK_SUCCESS);
    VkMemoryRequirements req;
    vkGetImageMemoryRequirements(g.device, image, &req);
    VkMemoryAllocateInfo mai = {.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
                                .allocationSize = req.size,
                                .memoryTypeIndex = memory_type(req.memoryTypeBits, 0)};
    VkDeviceMemory mem;
    assert_int_equal(vkAllocateMemory(g.device, &mai, NULL, &mem), VK_SUCCESS);
    assert_int_equal(vkBindImageMemory(g.device, image, mem, 0), VK_SUCCESS);

    /* Our own submission: the image into GENERAL, which the request names as its layout. */
    VkCommandPoolCreateInfo pci = {.sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO,
                                   .queueFamilyIndex = g.family};
    VkCommandPool pool;
    assert_int_equal(vkCreateCommandPool(g.device, &pci, NULL, &pool), VK_SUCCESS);
    VkCommandBufferAllocateInfo cai = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
                                       .commandPool = pool,
                                       .level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
                                       .commandBufferCount = 1};
    VkCommandBuffer cmd;
    assert_int_equal(vkAllocateCommandBuffers(g.device, &cai, &cmd), VK_SUCCESS);
    VkCommandBufferBeginInfo bi = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
    vkBeginCommandBuffer(cmd, &bi);
    VkImageMemoryBarrier to_general = {.sType = VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER,
                                       .dstAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT |
                                                        VK_ACCESS_TRANSFER_READ_BIT,
                                       .oldLayout = VK_IMAGE_LAYOUT_UNDEFINED,
                                       .newLayout = VK_IMAGE_LAYOUT_GENERAL,
                                       .srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
                                       .dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
                                       .image = image,
                                       .subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1}};
    vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT, 0,
                         0, NULL, 0, NULL, 1, &to_general);
    vkEndCommandBuffer(cmd);
    VkSubmitInfo si = {
        .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO, .commandBufferCount = 1, .pCommandBuffers = &cmd};
    assert_int_equal(vkQueueSubmit(g.queue, 1, &si, VK_NULL_HANDLE), VK_SUCCESS);
    assert_int_equal(vkQueueWaitIdle(g.queue), VK_SUCCESS);

    enum { W = 16, H = 8, PITCH = 256 };
    uint8_t *src = calloc(PITCH, H);
    for (uint32_t y = 0; y < H; y++)
        for (uint32_t x = 0; x < W * 4; x++)
            src[y * PITCH + x] = (uint8_t)(y * 17 + x * 3 + 1);
    dsvk_wire_entry e;
    memory_request(&e, src, PITCH * H);
    e.u.request.destination.type = DSVK_WIRE_DST_IMAGE_REGION;
    e.u.request.destination.u.image_region.image = (uint64_t)(uintptr_t)image;
    e.u.request.destination.u.image_region.format = VK_FORMAT_R8G8B8A8_UNORM;
    e.u.request.destination.u.image_region.layout = VK_IMAGE_LAYOUT_GENERAL;
    dsvk_wire_footprint *fp = &e.u.request.destination.u.image_region.footprint;
    fp->row_pitch = PITCH;
    fp->width = W;
    fp->height = H;
    fp->depth = 1;
    fp->aspect = VK_IMAGE_ASPECT_COLOR_BIT;
    uint32_t box[6] = {8, 4, 0, W, H, 1};
    memcpy(e.u.request.destination.u.image_region.box, box, sizeof(box));
    assert_int_equal(run(q, &e, 1), DSVK_WIRE_R_OK);

    /* Read the region back with our own copy. */
    host_buffer rb;
    buffer_create(W * H * 4, VK_BUFFER_USAGE_TRANSFER_DST_BIT, &rb);
    vkResetCommandBuffer(cmd, 0);
    vkBeginCommandBuffer(cmd, &bi);
    VkBufferImageCopy copy = {.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1},
                              .imageOffset = {8, 4, 0},
                              .imageExtent = {W, H, 1}};
    vkCmdCopyImageToBuffer(cmd, image, VK_IMAGE_LAYOUT_GENERAL, rb.buffer, 1, &copy);
    vkEndCommandBuffer(cmd);
    assert_int_equal(vkQueueSubmit(g.queue, 1, &si, VK_NULL_HANDLE), VK_SUCCESS);
    assert_int_equal(vkQueueWaitIdle(g.queue), VK_SUCCESS);
    for (uint32_t y = 0; y < H; y++)
        assert_memory_equal(rb.map + y * W * 4, src + y * PITCH, W * 4);

    dsvk_wire_handle h = {q};
    assert_int_equal(call(DSVK_WIRE_OP_QUEUE_CLOSE, &h, sizeof(h)), DSVK_WIRE_R_OK);
    buffer_destroy(&rb);
    vkDestroyCommandPool(g.device, pool, NULL);
    vkDestroyImage(g.device, image, NULL);
    vkFreeMemory(g.device, mem, NULL);
    free(src);
}

static void test_unknown_device(void **state)
{
    (void)state;
    uint8_t other[VK_UUID_SIZE];
    memcpy(other, g.uuid, VK_UUID_SIZE);
    other[0] ^= 0xff;
    uint32_t bound = 1;
    uint64_t q = queue_create(other, &bound);
    assert_int_equal(bound, 0);
    uint8_t src[256] = {1};
    dsvk_wire_entry e;
    memory_request(&e, src, sizeof(src));
    e.u.request.destination.type = DSVK_WIRE_DST_BUFFER;
    e.u.request.destination.u.buffer.buffer = 0x1234;
    e.u.request.destination.u.buffer.size = sizeof(src);
    assert_int_equal(run(q, &e, 1), DSVK_WIRE_R_INVALID_DESTINATION_TYPE);
    dsvk_wire_handle h = {q};
    assert_int_equal(call(DSVK_WIRE_OP_QUEUE_CLOSE, &h, sizeof(h)), DSVK_WIRE_R_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buffer_destination),
        cmocka_unit_test(test_image_region),
        cmocka_unit_test(test_unknown_device),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
