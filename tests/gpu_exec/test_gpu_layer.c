/*
 * The GPU executor on a device the Vulkan layer captured (DSVK=1, a vkd3d-style application,
 * lavapipe, validation on, zero messages expected): the core's calls go through the next
 * layer's functions, its command buffers get the loader's dispatch data, and on lavapipe's
 * single queue dsvk shares the application's queue under the layer's lock. Uploads into the
 * application's own buffer between its own submissions, uncompressed and GDeflate, then the
 * application destroys the device with the executor alive: the layer unregisters it and the
 * executor's objects go before the device does. lavapipe is a CPU device, so DSVK_DECODER=auto
 * decodes GDeflate on the CPU there.
 *
 * Usage: gpu_exec_layer [shader]. With `shader` (and DSVK_DECODER=gpu from ctest): the
 * application enables vulkanMemoryModel without vulkanMemoryModelDeviceScope; the layer turns
 * on storageBuffer8BitAccess and DeviceScope and says so in the description,
 * and the executor, given no promise by anyone, decodes a GDeflate reference vector with the
 * shader (validation checks the shader's capabilities against the device's features).
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <dsvk/dsvk.h>
#include <dsvk/gdeflate.h>
#include <dsvk/process.h>
#include <dsvk/vulkan.h>

#include "gpu/executor.h"
#include "exec_harness.h"
#include "vk_harness.h"

#define OWN_SIZE (2u << 20)

typedef struct own_buffer {
    VkBuffer buffer;
    VkDeviceMemory memory;
    uint8_t *map;
} own_buffer;

static void own_buffer_create(vkh *h, own_buffer *b)
{
    VkBufferCreateInfo bci = {.sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
                              .size = OWN_SIZE,
                              .usage = VK_BUFFER_USAGE_TRANSFER_DST_BIT};
    assert_int_equal(vkCreateBuffer(h->device, &bci, NULL, &b->buffer), VK_SUCCESS);
    VkMemoryRequirements req;
    vkGetBufferMemoryRequirements(h->device, b->buffer, &req);
    VkPhysicalDeviceMemoryProperties mem;
    vkGetPhysicalDeviceMemoryProperties(h->physical_device, &mem);
    VkMemoryAllocateInfo mai = {.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
                                .allocationSize = req.size,
                                .memoryTypeIndex = vkh_host_memory_type(&mem, req.memoryTypeBits)};
    assert_int_equal(vkAllocateMemory(h->device, &mai, NULL, &b->memory), VK_SUCCESS);
    assert_int_equal(vkBindBufferMemory(h->device, b->buffer, b->memory, 0), VK_SUCCESS);
    void *map;
    assert_int_equal(vkMapMemory(h->device, b->memory, 0, VK_WHOLE_SIZE, 0, &map), VK_SUCCESS);
    b->map = map;
    memset(b->map, 0x33, OWN_SIZE);
}

static void own_buffer_destroy(vkh *h, own_buffer *b)
{
    vkUnmapMemory(h->device, b->memory);
    vkDestroyBuffer(h->device, b->buffer, NULL);
    vkFreeMemory(h->device, b->memory, NULL);
}

static dsvk_file *temp_file(dsvk_runtime *rt, const void *data, size_t n)
{
    char path[] = "/tmp/dsvk-gpu-layer-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, n), (ssize_t)n);
    close(fd);
    dsvk_file *f = NULL;
    int err = 0;
    assert_int_equal(dsvk_file_open(rt, path, &f, &err), DSVK_OK);
    unlink(path);
    return f;
}

static dsvk_request to_buffer(dsvk_file *f, uint64_t offset, uint32_t size, VkBuffer b,
                              uint64_t dst, uint32_t dst_size)
{
    dsvk_request r = {0};
    r.source.type = DSVK_SOURCE_FILE;
    r.source.u.file.file = f;
    r.source.u.file.offset = offset;
    r.source.u.file.size = size;
    r.destination.type = DSVK_DEST_BUFFER;
    r.destination.u.buffer.buffer = (uint64_t)(uintptr_t)b;
    r.destination.u.buffer.offset = dst;
    r.destination.u.buffer.size = dst_size;
    return r;
}

/* A file-source queue on the captured device. */
static dsvk_queue *file_queue(dsvk_runtime *rt, dsvk_device *dev, const char *name)
{
    dsvk_queue_desc qd = {.source_type = DSVK_SOURCE_FILE,
                          .capacity = 128,
                          .priority = DSVK_PRIORITY_NORMAL,
                          .name = name,
                          .device = dev};
    dsvk_queue *q = NULL;
    assert_int_equal(dsvk_queue_create(rt, &qd, &q), DSVK_OK);
    return q;
}

static void uploads_on_a_captured_device(void **state)
{
    (void)state;
    vkh *h = calloc(1, sizeof(*h));
    assert_non_null(h);
    vkh_create_instance(h, "vkd3d", VK_API_VERSION_1_3);
    if (!vkh_layer_active(h))
        fail_msg("VK_LAYER_DSVK_capture is not active (DSVK=1 and XDG_DATA_HOME naming the "
                 "build tree's manifest are set by ctest)");
    vkh_create_device(h, true);
    dsvk_runtime *rt = dsvk_runtime_peek_default();
    if (!rt)
        fail_msg("the layer did not start the default runtime: the device was not captured");
    dsvk_device *dev = dsvk_runtime_find_device(rt, h->uuid);
    assert_non_null(dev);

    enum { RAW = 1536u << 10, CHUNK = 256u << 10 };
    uint8_t *data = malloc(RAW);
    for (size_t i = 0; i < RAW; i++)
        data[i] = (uint8_t)((i * 7) ^ (i >> 11) ^ (i % 97 == 0 ? 0xA5 : 0));
    size_t bound = dsvk_gdeflate_compress_bound(CHUNK), csize = 0;
    uint8_t *file = malloc(RAW + bound);
    memcpy(file, data, RAW);
    assert_int_equal(dsvk_gdeflate_compress(data, CHUNK, file + RAW, bound, &csize, 1, 1), DSVK_OK);
    dsvk_file *f = temp_file(rt, file, RAW + csize);
    own_buffer own;
    own_buffer_create(h, &own);
    dsvk_queue *q = file_queue(rt, dev, "layer");

    /* Into the application's buffer between two of its own fills. */
    vkh_app_fill(h, 0xC0000001u);
    dsvk_request r = to_buffer(f, 100, 2048, h->buffer, 1024, 2048);
    assert_int_equal(dsvk_queue_enqueue_request(q, &r), DSVK_OK);
    /* Into a buffer of its own: uncompressed at an odd offset, and GDeflate. */
    r = to_buffer(f, 0, 1u << 20, own.buffer, 513, 1u << 20);
    assert_int_equal(dsvk_queue_enqueue_request(q, &r), DSVK_OK);
    r = to_buffer(f, RAW, (uint32_t)csize, own.buffer, (3u << 19), CHUNK);
    r.compression = DSVK_COMPRESSION_GDEFLATE;
    r.uncompressed_size = CHUNK;
    assert_int_equal(dsvk_queue_enqueue_request(q, &r), DSVK_OK);
    assert_int_equal(eh_wait_queue(rt, q), DSVK_OK);

    const uint32_t *words = h->map;
    for (uint32_t i = 0; i < VKH_FILL_WORDS; i++)
        if ((i < 256 || i >= 768) && words[i] != 0xC0000001u)
            fail_msg("application word %u changed", i);
    assert_memory_equal((const uint8_t *)h->map + 1024, data + 100, 2048);
    assert_memory_equal(own.map + 513, data, 1u << 20);
    assert_memory_equal(own.map + (3u << 19), data, CHUNK);
    assert_int_equal(own.map[512], 0x33);
    assert_int_equal(own.map[513 + (1u << 20)], 0x33);
    vkh_app_fill(h, 0xC0000002u); /* the application's queue still works */
    dsvk_gpu_executor_info info;
    assert_true(dsvk_gpu_executor_get_info(dev, &info));
    assert_int_equal(info.requests, 3);
    /* The shader is usable on this device (the description says so), but on a CPU device
     * auto keeps the CPU decoder. */
    assert_true(dsvk_device_get_desc(dev)->enabled_shader.storage_buffer_8bit);
    assert_int_equal(info.decoder, DSVK_DECODER_CPU);

    /* The application destroys its device with the executor alive (not idle-waited by
     * dsvk): the layer unregisters it, the executor releases everything first. */
    dsvk_queue_close(q);
    dsvk_file_close(f);
    own_buffer_destroy(h, &own);
    assert_int_equal(vkDeviceWaitIdle(h->device), VK_SUCCESS);
    vkh_destroy_device(h);
    assert_false(dsvk_device_is_registered(dev));
    assert_false(dsvk_gpu_executor_get_info(dev, &info));
    dsvk_device_release(dev);
    assert_int_equal(dsvk_runtime_destroy_default(), DSVK_OK);
    vkh_destroy_instance(h);
    free(file);
    free(data);
    free(h);
    int messages = atomic_load(&vkh_messages);
    if (messages)
        fail_msg("%d validation messages (see above)", messages);
}

static void shader_decodes_on_a_captured_device(void **state)
{
    (void)state;
    const char *decoder = getenv("DSVK_DECODER");
    if (!decoder || strcmp(decoder, "gpu"))
        fail_msg("run with DSVK_DECODER=gpu (ctest sets it)");
    vkh *h = calloc(1, sizeof(*h));
    assert_non_null(h);
    vkh_create_instance(h, "vkd3d", VK_API_VERSION_1_3);
    if (!vkh_layer_active(h))
        fail_msg("VK_LAYER_DSVK_capture is not active");
    vkh_create_device_opts(h, &(vkh_device_opts){.timeline = true, .memory_model = true});
    assert_true(vkh_chain_unchanged(h));
    dsvk_runtime *rt = dsvk_runtime_peek_default();
    if (!rt)
        fail_msg("the layer did not start the default runtime: the device was not captured");
    dsvk_device *dev = dsvk_runtime_find_device(rt, h->uuid);
    assert_non_null(dev);
    const dsvk_vk_device_desc *d = dsvk_device_get_desc(dev);
    assert_true(d->enabled_shader.storage_buffer_8bit);
    assert_false(d->enabled_shader.shader_int8); /* reported, not turned on */
    assert_true(d->enabled_shader.vulkan_memory_model);
    assert_true(d->enabled_shader.vulkan_memory_model_device_scope);

    /* One small vector (lavapipe runs the shader on the CPU): three tiles of text, dynamic
     * Huffman blocks, the last tile short. */
    size_t raw_size, stream_size;
    uint8_t *raw = eh_read_vector("text_headers.raw", &raw_size);
    uint8_t *stream = eh_read_vector("text_headers.l9.gdeflate", &stream_size);
    dsvk_file *f = temp_file(rt, stream, stream_size);
    own_buffer own;
    own_buffer_create(h, &own);
    dsvk_queue *q = file_queue(rt, dev, "shader");
    dsvk_request r = to_buffer(f, 0, (uint32_t)stream_size, own.buffer, 4096, (uint32_t)raw_size);
    r.compression = DSVK_COMPRESSION_GDEFLATE;
    r.uncompressed_size = (uint32_t)raw_size;
    assert_int_equal(dsvk_queue_enqueue_request(q, &r), DSVK_OK);
    assert_int_equal(eh_wait_queue(rt, q), DSVK_OK);
    assert_memory_equal(own.map + 4096, raw, raw_size);
    assert_int_equal(own.map[4095], 0x33);
    assert_int_equal(own.map[4096 + raw_size], 0x33);

    dsvk_gpu_executor_info info;
    assert_true(dsvk_gpu_executor_get_info(dev, &info));
    assert_int_equal(info.decoder, DSVK_DECODER_GPU);
    assert_non_null(info.shader_variant);
    dsvk_queue_stats st;
    dsvk_queue_get_stats(q, &st);
    assert_int_equal(st.requests_completed, 1);
    assert_int_equal(st.decode_path, DSVK_DECODER_GPU);

    dsvk_queue_close(q);
    dsvk_file_close(f);
    own_buffer_destroy(h, &own);
    assert_int_equal(vkDeviceWaitIdle(h->device), VK_SUCCESS);
    vkh_destroy_device(h);
    dsvk_device_release(dev);
    assert_int_equal(dsvk_runtime_destroy_default(), DSVK_OK);
    vkh_destroy_instance(h);
    free(stream);
    free(raw);
    free(h);
    int messages = atomic_load(&vkh_messages);
    if (messages)
        fail_msg("%d validation messages (see above)", messages);
}

int main(int argc, char **argv)
{
    bool shader = argc > 1 && !strcmp(argv[1], "shader");
    const struct CMUnitTest auto_tests[] = {
        cmocka_unit_test(uploads_on_a_captured_device),
    };
    const struct CMUnitTest shader_tests[] = {
        cmocka_unit_test(shader_decodes_on_a_captured_device),
    };
    return shader ? cmocka_run_group_tests(shader_tests, NULL, NULL)
                  : cmocka_run_group_tests(auto_tests, NULL, NULL);
}
