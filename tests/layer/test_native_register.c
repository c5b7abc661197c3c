/*
 * A native program hands its own device and queue to the core, without the layer (tools and
 * tests do this): registration, lookup by UUID, the drain on unregistration, the default
 * runtime. Runs on lavapipe with validation, without DSVK=1.
 */
#include <pthread.h>
#include <semaphore.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <dsvk/process.h>
#include <dsvk/vulkan.h>

#include "gpu/device.h"
#include "vk_harness.h"

static vkh *h;

static int setup(void **state)
{
    (void)state;
    h = calloc(1, sizeof(*h));
    vkh_create_instance(h, "dsvk-native-test", VK_API_VERSION_1_3);
    vkh_create_device(h, true);
    if (vkh_layer_active(h))
        fail_msg("VK_LAYER_DSVK_capture is active: this test runs without DSVK=1");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    vkh_destroy_device(h);
    vkh_destroy_instance(h);
    int messages = atomic_load(&vkh_messages);
    free(h);
    if (messages)
        fail_msg("%d validation messages (see above)", messages);
    return 0;
}

static dsvk_vk_device_desc native_desc(void)
{
    dsvk_vk_device_desc d = {
        .version = DSVK_VK_DEVICE_DESC_VERSION,
        .instance = h->instance,
        .physical_device = h->physical_device,
        .device = h->device,
        .get_instance_proc_addr = vkGetInstanceProcAddr,
        .get_device_proc_addr = vkGetDeviceProcAddr,
        .queue = h->queue,
        .queue_family_index = h->queue_family,
        .queue_family = h->families[h->queue_family],
        .api_version = VK_API_VERSION_1_3,
        .properties = h->props,
        .subgroup_size = h->subgroup_size,
        .enabled = {.timeline_semaphore = true,
                    .buffer_device_address = true,
                    .synchronization2 = true},
    };
    memcpy(d.device_uuid, h->uuid, VK_UUID_SIZE);
    vkGetPhysicalDeviceMemoryProperties(h->physical_device, &d.memory_properties);
    return d;
}

static dsvk_runtime *new_runtime(void)
{
    dsvk_config c;
    dsvk_config_init(&c);
    c.worker_threads = 1;
    c.io_backend = DSVK_IO_THREADS;
    c.io_threads = 1;
    dsvk_runtime *rt = NULL;
    assert_int_equal(dsvk_runtime_create(&c, &rt), DSVK_OK);
    return rt;
}

static PFN_vkVoidFunction VKAPI_CALL gdpa_without_submit(VkDevice device, const char *name)
{
    if (!strcmp(name, "vkQueueSubmit"))
        return NULL;
    return vkGetDeviceProcAddr(device, name);
}

static void noop_lock(void *user)
{
    (void)user;
}

static void bad_descriptions_are_refused(void **state)
{
    (void)state;
    dsvk_runtime *rt = new_runtime();
    dsvk_device *dev = (dsvk_device *)0x1;
    dsvk_vk_device_desc d = native_desc();
    assert_int_equal(dsvk_device_register(rt, &d, NULL), DSVK_E_INVALID_ARGUMENT);
    assert_int_equal(dsvk_device_register(rt, NULL, &dev), DSVK_E_INVALID_ARGUMENT);
    assert_null(dev);
    assert_int_equal(dsvk_device_register(NULL, &d, &dev), DSVK_E_INVALID_ARGUMENT);
    d.version = DSVK_VK_DEVICE_DESC_VERSION + 1;
    assert_int_equal(dsvk_device_register(rt, &d, &dev), DSVK_E_INVALID_ARGUMENT);
    d.version = 0;
    assert_int_equal(dsvk_device_register(rt, &d, &dev), DSVK_E_INVALID_ARGUMENT);
    d = native_desc();
    d.queue = VK_NULL_HANDLE;
    assert_int_equal(dsvk_device_register(rt, &d, &dev), DSVK_E_INVALID_ARGUMENT);
    d = native_desc();
    d.lock_queue = noop_lock; /* without unlock_queue */
    assert_int_equal(dsvk_device_register(rt, &d, &dev), DSVK_E_INVALID_ARGUMENT);
    d = native_desc();
    d.get_device_proc_addr = gdpa_without_submit;
    assert_int_equal(dsvk_device_register(rt, &d, &dev), DSVK_E_UNSUPPORTED);
    assert_null(dsvk_runtime_find_device(rt, h->uuid));
    dsvk_runtime_destroy(rt);
}

/* A registrant built against the version-1 header passes a structure that ends before
 * enabled_shader: the core reads nothing past it (what lies there here is garbage) and its copy
 * reports the shader's features as not enabled. A version-2 description reports them as
 * given. */
static void version1_descriptions_are_accepted(void **state)
{
    (void)state;
    dsvk_runtime *rt = new_runtime();
    const size_t v1_size = offsetof(dsvk_vk_device_desc, enabled_shader);
    unsigned char *buf = malloc(sizeof(dsvk_vk_device_desc));
    assert_non_null(buf);
    memset(buf, 0xFF, sizeof(dsvk_vk_device_desc));
    dsvk_vk_device_desc d = native_desc();
    d.version = 1;
    memcpy(buf, &d, v1_size);
    dsvk_device *dev = NULL;
    assert_int_equal(dsvk_device_register(rt, (const dsvk_vk_device_desc *)buf, &dev), DSVK_OK);
    const dsvk_vk_device_desc *c = dsvk_device_get_desc(dev);
    assert_int_equal(c->version, 1);
    assert_memory_equal(c, &d, v1_size);
    assert_false(c->enabled_shader.storage_buffer_8bit || c->enabled_shader.shader_int8 ||
                 c->enabled_shader.vulkan_memory_model ||
                 c->enabled_shader.vulkan_memory_model_device_scope);
    dsvk_device_unregister(dev);

    d = native_desc();
    d.enabled_shader.storage_buffer_8bit = true;
    d.enabled_shader.vulkan_memory_model = true;
    assert_int_equal(dsvk_device_register(rt, &d, &dev), DSVK_OK);
    c = dsvk_device_get_desc(dev);
    assert_int_equal(c->version, DSVK_VK_DEVICE_DESC_VERSION);
    assert_true(c->enabled_shader.storage_buffer_8bit && c->enabled_shader.vulkan_memory_model);
    assert_false(c->enabled_shader.shader_int8 ||
                 c->enabled_shader.vulkan_memory_model_device_scope);
    dsvk_device_unregister(dev);
    free(buf);
    dsvk_runtime_destroy(rt);
}

typedef struct client_log {
    int drains, releases;
    uint64_t release_ns;
} client_log;

static void log_drain(void *user, dsvk_device *dev)
{
    (void)dev;
    ((client_log *)user)->drains++;
}

static void log_release(void *user, dsvk_device *dev)
{
    (void)dev;
    client_log *l = user;
    l->releases++;
    l->release_ns = vkh_now_ns();
}

static void registered_device_is_found_by_uuid(void **state)
{
    (void)state;
    dsvk_runtime *rt = new_runtime(), *other = new_runtime();
    dsvk_vk_device_desc d = native_desc();
    dsvk_device *dev;
    assert_int_equal(dsvk_device_register(rt, &d, &dev), DSVK_OK);
    /* The core's copy, and a dispatch table resolved through the given function. */
    const dsvk_vk_device_desc *copy = dsvk_device_get_desc(dev);
    assert_ptr_not_equal(copy, &d);
    assert_memory_equal(copy, &d, sizeof(d));
    assert_ptr_equal(dev->vk.QueueSubmit, vkGetDeviceProcAddr(h->device, "vkQueueSubmit"));
    assert_non_null(dev->vk.WaitSemaphores);
    assert_null(dev->vk.CmdDecompressMemoryNV); /* lavapipe has no VK_NV_memory_decompression */

    /* Command buffers through the core's helper work with the loader's own functions (no
     * set_device_loader_data): validation would crash on one without dispatch data. */
    VkCommandPool pool;
    VkCommandPoolCreateInfo pool_info = {.sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO,
                                         .queueFamilyIndex = d.queue_family_index};
    assert_int_equal(dev->vk.CreateCommandPool(h->device, &pool_info, NULL, &pool), VK_SUCCESS);
    VkCommandBuffer cmd[2];
    VkCommandBufferAllocateInfo cmd_info = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
                                            .commandPool = pool,
                                            .level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
                                            .commandBufferCount = 2};
    assert_int_equal(dsvk_device_allocate_command_buffers(dev, &cmd_info, cmd), VK_SUCCESS);
    VkCommandBufferBeginInfo begin = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
    for (int i = 0; i < 2; i++) {
        assert_int_equal(dev->vk.BeginCommandBuffer(cmd[i], &begin), VK_SUCCESS);
        assert_int_equal(dev->vk.EndCommandBuffer(cmd[i]), VK_SUCCESS);
    }
    dev->vk.FreeCommandBuffers(h->device, pool, 2, cmd);
    dev->vk.DestroyCommandPool(h->device, pool, NULL);

    dsvk_device *found = dsvk_runtime_find_device(rt, h->uuid);
    assert_ptr_equal(found, dev);
    assert_null(dsvk_runtime_find_device(other, h->uuid)); /* another runtime's */
    uint8_t wrong[VK_UUID_SIZE];
    memcpy(wrong, h->uuid, VK_UUID_SIZE);
    wrong[15] ^= 0xff;
    assert_null(dsvk_runtime_find_device(rt, wrong));

    /* The most recent registration wins. */
    dsvk_device *second;
    assert_int_equal(dsvk_device_register(rt, &d, &second), DSVK_OK);
    dsvk_device *found2 = dsvk_runtime_find_device(rt, h->uuid);
    assert_ptr_equal(found2, second);
    dsvk_device_release(found2);
    dsvk_device_unregister(second);
    found2 = dsvk_runtime_find_device(rt, h->uuid);
    assert_ptr_equal(found2, dev);
    dsvk_device_release(found2);

    dsvk_device_unregister(dev);
    /* Our reference keeps the object readable; the device is gone for the core. */
    assert_false(dsvk_device_is_registered(found));
    assert_string_equal(dsvk_device_get_desc(found)->properties.deviceName, h->props.deviceName);
    assert_null(dsvk_runtime_find_device(rt, h->uuid));
    client_log late = {0};
    dsvk_device_client c = {.release = log_release, .user = &late};
    assert_int_equal(dsvk_device_attach_client(found, &c), DSVK_E_DEVICE_LOST);
    dsvk_device_release(found);
    dsvk_runtime_destroy(other);
    dsvk_runtime_destroy(rt);
}

/* Unregistration waits for work in flight, and submissions made through the core's own
 * queue lock (no callbacks given) reach the device. */
typedef struct worker {
    dsvk_device *dev;
    sem_t started;
    uint64_t end_ns;
    VkResult submit;
} worker;

static void *worker_main(void *arg)
{
    worker *w = arg;
    if (!dsvk_device_begin_work(w->dev))
        return NULL;
    sem_post(&w->started);
    usleep(150 * 1000);
    dsvk_device_lock_queue(w->dev);
    w->submit = w->dev->vk.QueueSubmit(w->dev->desc.queue, 0, NULL, VK_NULL_HANDLE);
    dsvk_device_unlock_queue(w->dev);
    w->end_ns = vkh_now_ns();
    dsvk_device_end_work(w->dev);
    return NULL;
}

static void unregister_drains_work_in_flight(void **state)
{
    (void)state;
    dsvk_runtime *rt = new_runtime();
    dsvk_vk_device_desc d = native_desc();
    dsvk_device *dev;
    assert_int_equal(dsvk_device_register(rt, &d, &dev), DSVK_OK);
    client_log log = {0}, gone = {0};
    dsvk_device_client c = {.drain = log_drain, .release = log_release, .user = &log};
    dsvk_device_client c2 = {.release = log_release, .user = &gone};
    assert_int_equal(dsvk_device_attach_client(dev, &c), DSVK_OK);
    assert_int_equal(dsvk_device_attach_client(dev, &c2), DSVK_OK);
    assert_true(dsvk_device_detach_client(dev, &gone));
    assert_false(dsvk_device_detach_client(dev, &gone));

    worker w = {.dev = dev, .submit = VK_ERROR_UNKNOWN};
    sem_init(&w.started, 0, 0);
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, worker_main, &w), 0);
    sem_wait(&w.started);
    dsvk_device_ref(dev);
    dsvk_device_unregister(dev);
    uint64_t returned = vkh_now_ns();
    pthread_join(t, NULL);
    sem_destroy(&w.started);

    assert_int_equal(w.submit, VK_SUCCESS);
    assert_true(w.end_ns > 0 && w.end_ns <= log.release_ns && log.release_ns <= returned);
    assert_int_equal(log.drains, 1);
    assert_int_equal(log.releases, 1);
    assert_int_equal(gone.releases, 0);
    assert_false(dsvk_device_begin_work(dev));
    dsvk_device_release(dev);
    dsvk_runtime_destroy(rt);
}

/* A runtime that goes away first drains its devices; the registrant's later unregister only
 * drops its reference. */
static void forgetting_a_runtime_drains_its_devices(void **state)
{
    (void)state;
    dsvk_runtime *rt = new_runtime();
    dsvk_vk_device_desc d = native_desc();
    dsvk_device *dev;
    assert_int_equal(dsvk_device_register(rt, &d, &dev), DSVK_OK);
    client_log log = {0};
    dsvk_device_client c = {.drain = log_drain, .release = log_release, .user = &log};
    assert_int_equal(dsvk_device_attach_client(dev, &c), DSVK_OK);
    dsvk_device_registry_forget_runtime(rt);
    assert_int_equal(log.releases, 1);
    assert_false(dsvk_device_is_registered(dev));
    assert_null(dsvk_runtime_find_device(rt, h->uuid));
    dsvk_device_unregister(dev); /* the registrant's call: no second drain */
    assert_int_equal(log.releases, 1);
    assert_int_equal(log.drains, 1);
    dsvk_runtime_destroy(rt);
}

static void default_runtime_is_shared_and_guarded(void **state)
{
    (void)state;
    assert_null(dsvk_runtime_peek_default());
    dsvk_runtime *a = NULL, *b = NULL;
    assert_int_equal(dsvk_runtime_get_default(&a), DSVK_OK);
    assert_int_equal(dsvk_runtime_get_default(&b), DSVK_OK);
    assert_non_null(a);
    assert_ptr_equal(a, b);
    assert_ptr_equal(dsvk_runtime_peek_default(), a);

    dsvk_vk_device_desc d = native_desc();
    dsvk_device *dev;
    assert_int_equal(dsvk_device_register(a, &d, &dev), DSVK_OK);
    assert_int_equal(dsvk_runtime_destroy_default(), DSVK_E_BUSY);
    assert_ptr_equal(dsvk_runtime_peek_default(), a);
    dsvk_device_unregister(dev);
    assert_int_equal(dsvk_runtime_destroy_default(), DSVK_OK);
    assert_null(dsvk_runtime_peek_default());
    assert_int_equal(dsvk_runtime_destroy_default(), DSVK_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bad_descriptions_are_refused),
        cmocka_unit_test(version1_descriptions_are_accepted),
        cmocka_unit_test(registered_device_is_found_by_uuid),
        cmocka_unit_test(unregister_drains_work_in_flight),
        cmocka_unit_test(forgetting_a_runtime_drains_its_devices),
        cmocka_unit_test(default_runtime_is_shared_and_guarded),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
