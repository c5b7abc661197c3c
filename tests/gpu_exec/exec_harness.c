#include "exec_harness.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

atomic_int eh_inject_submit_lost;
atomic_int eh_inject_alloc_oom;

static PFN_vkQueueSubmit real_submit;
static PFN_vkAllocateMemory real_allocate;

static VKAPI_ATTR VkResult VKAPI_CALL injected_submit(VkQueue queue, uint32_t n,
                                                      const VkSubmitInfo *submits, VkFence fence)
{
    if (atomic_load(&eh_inject_submit_lost))
        return VK_ERROR_DEVICE_LOST;
    return real_submit(queue, n, submits, fence);
}

static VKAPI_ATTR VkResult VKAPI_CALL injected_allocate(VkDevice device,
                                                        const VkMemoryAllocateInfo *info,
                                                        const VkAllocationCallbacks *alloc,
                                                        VkDeviceMemory *out)
{
    if (atomic_load(&eh_inject_alloc_oom))
        return VK_ERROR_OUT_OF_DEVICE_MEMORY;
    return real_allocate(device, info, alloc, out);
}

/* What the core resolves its Vulkan entry points through. */
static PFN_vkVoidFunction VKAPI_CALL injecting_gdpa(VkDevice device, const char *name)
{
    if (!strcmp(name, "vkQueueSubmit")) {
        real_submit = (PFN_vkQueueSubmit)vkGetDeviceProcAddr(device, name);
        return (PFN_vkVoidFunction)injected_submit;
    }
    if (!strcmp(name, "vkAllocateMemory")) {
        real_allocate = (PFN_vkAllocateMemory)vkGetDeviceProcAddr(device, name);
        return (PFN_vkVoidFunction)injected_allocate;
    }
    return vkGetDeviceProcAddr(device, name);
}

static void lock_cb(void *user)
{
    pthread_mutex_lock(user);
}

static void unlock_cb(void *user)
{
    pthread_mutex_unlock(user);
}

void eh_init(eh *h, const eh_opts *opts)
{
    memset(h, 0, sizeof(*h));
    atomic_store(&eh_inject_submit_lost, 0);
    atomic_store(&eh_inject_alloc_oom, 0);
    pthread_mutex_init(&h->queue_lock, NULL);
    const char *why = NULL;
    dsvk_vkstandalone_opts vo = {
        .get_instance_proc_addr = vkGetInstanceProcAddr,
        .validation = true,
        .quiet = true,
    };
    if (dsvk_vkstandalone_create(&vo, &h->vk, &why) != DSVK_OK)
        fail_msg("no Vulkan device with validation: %s (lavapipe: Debian mesa-vulkan-drivers; "
                 "the Khronos validation layer: vulkan-validationlayers)",
                 why ? why : "?");
    const char *any = getenv("DSVK_TEST_ANY_DEVICE");
    if (h->vk.props.deviceType != VK_PHYSICAL_DEVICE_TYPE_CPU && !(any && !strcmp(any, "1")))
        fail_msg("expected lavapipe (VK_ICD_FILENAMES), got %s; DSVK_TEST_ANY_DEVICE=1 allows "
                 "other devices",
                 h->vk.props.deviceName);
    uint32_t nf = 0;
    vkGetPhysicalDeviceQueueFamilyProperties(h->vk.physical_device, &nf, NULL);
    VkQueueFamilyProperties fam[16];
    nf = nf > 16 ? 16 : nf;
    vkGetPhysicalDeviceQueueFamilyProperties(h->vk.physical_device, &nf, fam);
    h->family = fam[h->vk.queue_family];

    dsvk_config cfg;
    dsvk_config_init(&cfg);
    (void)dsvk_config_load_env(&cfg);
    cfg.staging_size = (uint64_t)opts->staging_mb << 20;
    cfg.decoder = opts->decoder;
    cfg.worker_threads = 2;
    cfg.io_threads = 1;
    assert_int_equal(dsvk_runtime_create(&cfg, &h->rt), DSVK_OK);

    dsvk_vk_device_desc d = {
        .version = DSVK_VK_DEVICE_DESC_VERSION,
        .instance = h->vk.instance,
        .physical_device = h->vk.physical_device,
        .device = h->vk.device,
        .get_instance_proc_addr = vkGetInstanceProcAddr,
        .get_device_proc_addr = injecting_gdpa,
        .queue = h->vk.queue,
        .queue_family_index = h->vk.queue_family,
        .queue_family = h->family,
        .queue_shared = true,
        .lock_queue = lock_cb,
        .unlock_queue = unlock_cb,
        .lock_user = &h->queue_lock,
        .app_queue_families = 1u << h->vk.queue_family,
        .api_version = VK_API_VERSION_1_3,
        .properties = h->vk.props,
        .memory_properties = h->vk.memory,
        .subgroup_size = h->vk.subgroup.subgroupSize,
        .min_subgroup_size = h->vk.min_subgroup_size,
        .max_subgroup_size = h->vk.max_subgroup_size,
        .subgroup_stages = h->vk.subgroup.supportedStages,
        .subgroup_operations = h->vk.subgroup.supportedOperations,
        .enabled = {.timeline_semaphore =
                        true, /* required by Vulkan 1.2, enabled by vk_standalone */
                    .buffer_device_address = h->vk.buffer_device_address,
                    .memory_decompression_nv = h->vk.memory_decompression_nv},
        .decompression_methods = h->vk.nv_decompression_methods,
        .max_decompression_indirect_count = h->vk.nv_max_indirect_count,
    };
    memcpy(d.device_uuid, h->vk.device_uuid, VK_UUID_SIZE);
    if (opts->describe_shader)
        d.enabled_shader = (dsvk_vk_enabled_shader){
            .storage_buffer_8bit = h->vk.storage_buffer_8bit,
            .vulkan_memory_model = h->vk.vulkan_memory_model || opts->hide_device_scope,
            .vulkan_memory_model_device_scope =
                h->vk.vulkan_memory_model_device_scope && !opts->hide_device_scope,
        };
    if (opts->desc_version)
        d.version = opts->desc_version;
    assert_int_equal(dsvk_device_register(h->rt, &d, &h->dev), DSVK_OK);
    if (opts->configure) {
        /* vk_standalone enables storageBuffer8BitAccess when supported, and
         * vulkanMemoryModelDeviceScope along with vulkanMemoryModel. */
        dsvk_gpu_executor_opts xo = opts->exec;
        xo.shader_features = xo.shader_features && h->vk.storage_buffer_8bit;
        assert_int_equal(dsvk_gpu_executor_configure(h->dev, &xo), DSVK_OK);
    }

    VkCommandPoolCreateInfo pci = {
        .sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO,
        .flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT,
        .queueFamilyIndex = h->vk.queue_family,
    };
    assert_int_equal(vkCreateCommandPool(h->vk.device, &pci, NULL, &h->pool), VK_SUCCESS);
    VkCommandBufferAllocateInfo ai = {
        .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
        .commandPool = h->pool,
        .level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
        .commandBufferCount = 1,
    };
    assert_int_equal(vkAllocateCommandBuffers(h->vk.device, &ai, &h->cmd), VK_SUCCESS);
    VkFenceCreateInfo fci = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
    assert_int_equal(vkCreateFence(h->vk.device, &fci, NULL, &h->fence), VK_SUCCESS);
}

void eh_unregister(eh *h)
{
    if (h->dev)
        dsvk_device_unregister(h->dev);
    h->dev = NULL;
}

unsigned eh_messages(eh *h)
{
    return atomic_load(&h->vk.messages);
}

void eh_fini(eh *h)
{
    atomic_store(&eh_inject_submit_lost, 0);
    atomic_store(&eh_inject_alloc_oom, 0);
    /* The registration first (what the layer's vkDestroyDevice does; queues keep only the
     * object), then the runtime: the executor's release must leave no Vulkan object behind,
     * which validation reports at vkDestroyDevice. */
    eh_unregister(h);
    dsvk_runtime_destroy(h->rt);
    vkDestroyFence(h->vk.device, h->fence, NULL);
    vkDestroyCommandPool(h->vk.device, h->pool, NULL);
    dsvk_vkstandalone_destroy(&h->vk);
    pthread_mutex_destroy(&h->queue_lock);
    unsigned messages = eh_messages(h);
    if (messages)
        fail_msg("%u validation messages (see above)", messages);
}

static uint32_t memory_type(eh *h, uint32_t bits, VkMemoryPropertyFlags want)
{
    for (uint32_t i = 0; i < h->vk.memory.memoryTypeCount; i++)
        if ((bits & (1u << i)) && (h->vk.memory.memoryTypes[i].propertyFlags & want) == want)
            return i;
    fail_msg("no memory type with flags 0x%x", want);
    return 0;
}

void eh_buffer_create(eh *h, VkDeviceSize size, uint8_t fill, eh_buffer *b)
{
    memset(b, 0, sizeof(*b));
    VkBufferCreateInfo bci = {
        .sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
        .size = size,
        .usage = VK_BUFFER_USAGE_TRANSFER_DST_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT,
    };
    assert_int_equal(vkCreateBuffer(h->vk.device, &bci, NULL, &b->buffer), VK_SUCCESS);
    VkMemoryRequirements req;
    vkGetBufferMemoryRequirements(h->vk.device, b->buffer, &req);
    VkMemoryAllocateInfo mai = {
        .sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
        .allocationSize = req.size,
        .memoryTypeIndex =
            memory_type(h, req.memoryTypeBits,
                        VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT),
    };
    assert_int_equal(vkAllocateMemory(h->vk.device, &mai, NULL, &b->memory), VK_SUCCESS);
    assert_int_equal(vkBindBufferMemory(h->vk.device, b->buffer, b->memory, 0), VK_SUCCESS);
    void *map = NULL;
    assert_int_equal(vkMapMemory(h->vk.device, b->memory, 0, VK_WHOLE_SIZE, 0, &map), VK_SUCCESS);
    b->map = map;
    b->size = size;
    memset(b->map, fill, size);
}

void eh_buffer_destroy(eh *h, eh_buffer *b)
{
    vkUnmapMemory(h->vk.device, b->memory);
    vkDestroyBuffer(h->vk.device, b->buffer, NULL);
    vkFreeMemory(h->vk.device, b->memory, NULL);
    memset(b, 0, sizeof(*b));
}

/* Records with fn, submits on the shared queue under its lock, waits. */
static void run_commands(eh *h, void (*fn)(eh *h, VkCommandBuffer cmd, void *user), void *user)
{
    VkCommandBufferBeginInfo bi = {
        .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
        .flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT,
    };
    assert_int_equal(vkBeginCommandBuffer(h->cmd, &bi), VK_SUCCESS);
    fn(h, h->cmd, user);
    assert_int_equal(vkEndCommandBuffer(h->cmd), VK_SUCCESS);
    VkSubmitInfo si = {
        .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
        .commandBufferCount = 1,
        .pCommandBuffers = &h->cmd,
    };
    pthread_mutex_lock(&h->queue_lock);
    VkResult vr = vkQueueSubmit(h->vk.queue, 1, &si, h->fence);
    pthread_mutex_unlock(&h->queue_lock);
    assert_int_equal(vr, VK_SUCCESS);
    assert_int_equal(vkWaitForFences(h->vk.device, 1, &h->fence, VK_TRUE, 60000000000ull),
                     VK_SUCCESS);
    assert_int_equal(vkResetFences(h->vk.device, 1, &h->fence), VK_SUCCESS);
}

static void transition(VkCommandBuffer cmd, eh_image *img, VkImageLayout from, VkImageLayout to,
                       uint32_t mip, uint32_t mips, uint32_t layer, uint32_t layers)
{
    VkImageMemoryBarrier b = {
        .sType = VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER,
        .srcAccessMask = VK_ACCESS_MEMORY_WRITE_BIT,
        .dstAccessMask = VK_ACCESS_MEMORY_READ_BIT | VK_ACCESS_MEMORY_WRITE_BIT,
        .oldLayout = from,
        .newLayout = to,
        .srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
        .dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
        .image = img->image,
        .subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, mip, mips, layer, layers},
    };
    vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_ALL_COMMANDS_BIT,
                         VK_PIPELINE_STAGE_ALL_COMMANDS_BIT, 0, 0, NULL, 0, NULL, 1, &b);
}

static void initial_layout(eh *h, VkCommandBuffer cmd, void *user)
{
    (void)h;
    eh_image *img = user;
    transition(cmd, img, VK_IMAGE_LAYOUT_UNDEFINED, img->layout, 0, img->mips, 0, img->layers);
}

void eh_image_create(eh *h, VkFormat format, uint32_t width, uint32_t height, uint32_t mips,
                     uint32_t layers, VkImageLayout layout, eh_image *img)
{
    memset(img, 0, sizeof(*img));
    VkFormatProperties fp;
    vkGetPhysicalDeviceFormatProperties(h->vk.physical_device, format, &fp);
    const VkFormatFeatureFlags need =
        VK_FORMAT_FEATURE_TRANSFER_DST_BIT | VK_FORMAT_FEATURE_TRANSFER_SRC_BIT;
    if ((fp.optimalTilingFeatures & need) != need)
        fail_msg("%s cannot copy format %d with optimal tiling", h->vk.props.deviceName, format);
    VkImageCreateInfo ici = {
        .sType = VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO,
        .imageType = VK_IMAGE_TYPE_2D,
        .format = format,
        .extent = {width, height, 1},
        .mipLevels = mips,
        .arrayLayers = layers,
        .samples = VK_SAMPLE_COUNT_1_BIT,
        .tiling = VK_IMAGE_TILING_OPTIMAL,
        .usage = VK_IMAGE_USAGE_TRANSFER_SRC_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT |
                 VK_IMAGE_USAGE_SAMPLED_BIT,
        .initialLayout = VK_IMAGE_LAYOUT_UNDEFINED,
    };
    assert_int_equal(vkCreateImage(h->vk.device, &ici, NULL, &img->image), VK_SUCCESS);
    VkMemoryRequirements req;
    vkGetImageMemoryRequirements(h->vk.device, img->image, &req);
    VkMemoryAllocateInfo mai = {
        .sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
        .allocationSize = req.size,
        .memoryTypeIndex = memory_type(h, req.memoryTypeBits, 0),
    };
    assert_int_equal(vkAllocateMemory(h->vk.device, &mai, NULL, &img->memory), VK_SUCCESS);
    assert_int_equal(vkBindImageMemory(h->vk.device, img->image, img->memory, 0), VK_SUCCESS);
    img->format = format;
    img->width = width;
    img->height = height;
    img->mips = mips;
    img->layers = layers;
    img->layout = layout;
    run_commands(h, initial_layout, img);
}

void eh_image_destroy(eh *h, eh_image *img)
{
    vkDestroyImage(h->vk.device, img->image, NULL);
    vkFreeMemory(h->vk.device, img->memory, NULL);
    memset(img, 0, sizeof(*img));
}

void eh_block(VkFormat format, uint32_t *bytes, uint32_t *bw, uint32_t *bh)
{
    *bw = *bh = 1;
    switch (format) {
    case VK_FORMAT_R8_UNORM: *bytes = 1; return;
    case VK_FORMAT_R8G8B8A8_UNORM:
    case VK_FORMAT_B8G8R8A8_SRGB:
    case VK_FORMAT_R32_SFLOAT: *bytes = 4; return;
    case VK_FORMAT_R16G16B16A16_SFLOAT: *bytes = 8; return;
    case VK_FORMAT_R32G32B32A32_UINT: *bytes = 16; return;
    case VK_FORMAT_BC1_RGBA_UNORM_BLOCK:
    case VK_FORMAT_BC4_UNORM_BLOCK: *bytes = 8, *bw = *bh = 4; return;
    case VK_FORMAT_BC3_UNORM_BLOCK:
    case VK_FORMAT_BC7_UNORM_BLOCK: *bytes = 16, *bw = *bh = 4; return;
    default: fail_msg("eh_block: format %d not in the test's table", format);
    }
}

typedef struct copy_job {
    eh_image *img;
    eh_buffer *buf;
    uint32_t mip, layer, w, h;
    bool to_image;
} copy_job;

static void record_copy(eh *h, VkCommandBuffer cmd, void *user)
{
    (void)h;
    copy_job *j = user;
    VkImageLayout xfer =
        j->to_image ? VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL : VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL;
    transition(cmd, j->img, j->img->layout, xfer, j->mip, 1, j->layer, 1);
    VkBufferImageCopy c = {
        .imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, j->mip, j->layer, 1},
        .imageExtent = {j->w, j->h, 1},
    };
    if (j->to_image)
        vkCmdCopyBufferToImage(cmd, j->buf->buffer, j->img->image, xfer, 1, &c);
    else
        vkCmdCopyImageToBuffer(cmd, j->img->image, xfer, j->buf->buffer, 1, &c);
    transition(cmd, j->img, xfer, j->img->layout, j->mip, 1, j->layer, 1);
}

static size_t subresource_bytes(eh_image *img, uint32_t mip, uint32_t *w, uint32_t *hgt)
{
    uint32_t bytes, bw, bh;
    eh_block(img->format, &bytes, &bw, &bh);
    *w = img->width >> mip ? img->width >> mip : 1;
    *hgt = img->height >> mip ? img->height >> mip : 1;
    return (size_t)((*w + bw - 1) / bw) * ((*hgt + bh - 1) / bh) * bytes;
}

uint8_t *eh_image_read(eh *h, eh_image *img, uint32_t mip, uint32_t layer, size_t *size)
{
    uint32_t w, hgt;
    *size = subresource_bytes(img, mip, &w, &hgt);
    eh_buffer b;
    eh_buffer_create(h, *size, 0, &b);
    copy_job j = {img, &b, mip, layer, w, hgt, false};
    run_commands(h, record_copy, &j);
    uint8_t *out = malloc(*size);
    assert_non_null(out);
    memcpy(out, b.map, *size);
    eh_buffer_destroy(h, &b);
    return out;
}

void eh_image_write(eh *h, eh_image *img, uint32_t mip, uint32_t layer, const void *data)
{
    uint32_t w, hgt;
    size_t size = subresource_bytes(img, mip, &w, &hgt);
    eh_buffer b;
    eh_buffer_create(h, size, 0, &b);
    memcpy(b.map, data, size);
    copy_job j = {img, &b, mip, layer, w, hgt, true};
    run_commands(h, record_copy, &j);
    eh_buffer_destroy(h, &b);
}

dsvk_file *eh_file(eh *h, const void *data, size_t size)
{
    const char *base = getenv("DSVK_TEST_TMPDIR");
    char path[512];
    snprintf(path, sizeof(path), "%s/dsvk-gpu-exec-XXXXXX", base && *base ? base : "/tmp");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    size_t done = 0;
    while (done < size) {
        ssize_t w = write(fd, (const uint8_t *)data + done, size - done);
        assert_true(w > 0);
        done += (size_t)w;
    }
    close(fd);
    dsvk_file *f = NULL;
    int err = 0;
    assert_int_equal(dsvk_file_open(h->rt, path, &f, &err), DSVK_OK);
    unlink(path); /* the open file stays readable */
    return f;
}

void eh_file_close(dsvk_file *f)
{
    dsvk_file_close(f);
}

dsvk_queue *eh_queue(eh *h, dsvk_source_type type, uint16_t capacity)
{
    dsvk_queue_desc d = {
        .source_type = type,
        .capacity = capacity,
        .priority = type == DSVK_SOURCE_MEMORY ? DSVK_PRIORITY_REALTIME : DSVK_PRIORITY_NORMAL,
        .name = type == DSVK_SOURCE_MEMORY ? "gpu-exec-memory" : "gpu-exec-file",
        .device = h->dev,
    };
    dsvk_queue *q = NULL;
    assert_int_equal(dsvk_queue_create(h->rt, &d, &q), DSVK_OK);
    return q;
}

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

dsvk_result eh_wait_queue(dsvk_runtime *rt, dsvk_queue *q)
{
    dsvk_status_array *a = NULL;
    assert_int_equal(dsvk_status_array_create(rt, 1, "eh_wait", &a), DSVK_OK);
    assert_int_equal(dsvk_queue_enqueue_status(q, a, 0), DSVK_OK);
    dsvk_queue_submit(q);
    /* A cold lavapipe compile of the decoder's pipeline took over two minutes on CI's busy two
     * cores; ctest's limit is 600 s. */
    uint64_t deadline = now_ms() + 500000;
    while (!dsvk_status_array_is_complete(a, 0)) {
        if (now_ms() > deadline)
            fail_msg("queue did not complete within 500 s");
        usleep(1000);
    }
    dsvk_result r = dsvk_status_array_get_result(a, 0);
    dsvk_status_array_destroy(a);
    return r;
}

dsvk_result eh_wait(eh *h, dsvk_queue *q)
{
    return eh_wait_queue(h->rt, q);
}

void eh_fill(void *dst, size_t n, uint64_t seed)
{
    uint64_t s = seed * 0x9E3779B97F4A7C15ull + 1;
    uint8_t *p = dst;
    for (size_t i = 0; i < n; i++) {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        p[i] = (uint8_t)(s >> 24);
    }
}

uint8_t *eh_read_vector(const char *name, size_t *size)
{
    const char *dir = getenv("DSVK_VECTORS");
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", dir ? dir : ".", name);
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot read %s (DSVK_VECTORS names the reference vectors)", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *buf = malloc(n > 0 ? (size_t)n : 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *size = (size_t)n;
    return buf;
}
