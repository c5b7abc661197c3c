/*
 * The layer on a real Vulkan stack (loader -> VK_LAYER_DSVK_capture -> validation ->
 * lavapipe), driven by an application that creates its instance and device like
 * vkd3d-proton. The core is this program's own (static core, symbols exported), which the
 * layer finds in the process before looking for libdsvk.so.
 *
 * Usage: test_layer_capture ENGINE captured|passthrough layer|nolayer [VARIANT]
 *   captured:    the device is registered with the core (UUID, handles, features); the
 *                application's submissions keep working while a stand-in for the GPU
 *                executor submits on dsvk's queue through the description and the lock
 *                callbacks; every serialized entry point waits for the core's lock; the
 *                device is destroyed with the stand-in's work in flight, which the core
 *                drains before the device goes.
 *   passthrough: the device is not registered and the core never started.
 * VARIANT, the application's feature chain (default: vkd3d-proton's Features2 -> 1.1 -> 1.2 ->
 * 1.3 with timelineSemaphore, bufferDeviceAddress and synchronization2; the layer adds
 * storageBuffer8BitAccess and shaderInt8 in a copy of its VkPhysicalDeviceVulkan12Features):
 *   timeline-off: timelineSemaphore off; the layer turns it on in that copy.
 *   shader-on:    the application enables storageBuffer8BitAccess, shaderInt8,
 *                 vulkanMemoryModel and vulkanMemoryModelDeviceScope itself; the layer
 *                 leaves them as they are.
 *   memory-model: vulkanMemoryModel on, vulkanMemoryModelDeviceScope off; the layer adds
 *                 DeviceScope (the shader's atomics need it).
 *   individual:   the individual feature structures instead of VkPhysicalDeviceVulkanXY-
 *                 Features, vulkanMemoryModel on: the layer adds VkPhysicalDevice8Bit-
 *                 StorageFeatures and VkPhysicalDeviceShaderFloat16Int8Features and turns on
 *                 DeviceScope in a copy of the application's memory-model structure.
 * In every variant the registered description reports the features the device was created
 * with, and the application's structures are unchanged. Every run expects zero validation
 * messages.
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

static const char *engine;
static bool expect_captured, expect_layer;
static vkh_device_opts app_features = {.timeline = true};

/* ---- a stand-in for the GPU executor: fills its own buffer on dsvk's queue ---- */

typedef struct stand_in {
    dsvk_device *dev;
    const dsvk_vk_device_desc *desc;
    const dsvk_vkfns *vk;
    VkCommandPool pool;
    VkCommandBuffer cmd;
    VkBuffer buffer;
    VkDeviceMemory memory;
    uint32_t *map;
    VkSemaphore timeline;
    uint64_t value;
    pthread_t thread;

    atomic_bool hold; /* next piece of work: announce it, then take a while */
    sem_t holding;    /* posted once that piece of work has begun */
    atomic_int submits;
    atomic_uint seq;               /* orders the events below */
    atomic_uint held_done_seq;     /* the held piece of work completed */
    unsigned held_done_at_release; /* held_done_seq when release() began */
    unsigned release_seq;          /* the core called release() */
    atomic_int drain_calls, release_calls;
    uint32_t in_flight_at_drain;
    char failure[256]; /* set by the thread; checked by the test */
} stand_in;

static void stand_in_fail(stand_in *s, const char *what, VkResult r)
{
    if (!s->failure[0])
        snprintf(s->failure, sizeof(s->failure), "%s: VkResult %d", what, (int)r);
}

static bool stand_in_fill(stand_in *s)
{
    const dsvk_vkfns *vk = s->vk;
    uint32_t value = (uint32_t)s->value + 1;
    VkCommandBufferBeginInfo begin = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
                                      .flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT};
    VkResult r = vk->BeginCommandBuffer(s->cmd, &begin);
    if (r != VK_SUCCESS)
        return stand_in_fail(s, "vkBeginCommandBuffer", r), false;
    vk->CmdFillBuffer(s->cmd, s->buffer, 0, VK_WHOLE_SIZE, value);
    VkBufferMemoryBarrier to_host = {.sType = VK_STRUCTURE_TYPE_BUFFER_MEMORY_BARRIER,
                                     .srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT,
                                     .dstAccessMask = VK_ACCESS_HOST_READ_BIT,
                                     .srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
                                     .dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
                                     .buffer = s->buffer,
                                     .size = VK_WHOLE_SIZE};
    vk->CmdPipelineBarrier(s->cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_HOST_BIT, 0, 0,
                           NULL, 1, &to_host, 0, NULL);
    if ((r = vk->EndCommandBuffer(s->cmd)) != VK_SUCCESS)
        return stand_in_fail(s, "vkEndCommandBuffer", r), false;

    uint64_t signal = s->value + 1;
    VkTimelineSemaphoreSubmitInfo timeline = {.sType =
                                                  VK_STRUCTURE_TYPE_TIMELINE_SEMAPHORE_SUBMIT_INFO,
                                              .signalSemaphoreValueCount = 1,
                                              .pSignalSemaphoreValues = &signal};
    VkSubmitInfo submit = {.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
                           .pNext = &timeline,
                           .commandBufferCount = 1,
                           .pCommandBuffers = &s->cmd,
                           .signalSemaphoreCount = 1,
                           .pSignalSemaphores = &s->timeline};
    /* The queue may be the application's: hold its lock for the call only. */
    dsvk_device_lock_queue(s->dev);
    r = vk->QueueSubmit(s->desc->queue, 1, &submit, VK_NULL_HANDLE);
    dsvk_device_unlock_queue(s->dev);
    if (r != VK_SUCCESS)
        return stand_in_fail(s, "vkQueueSubmit on dsvk's queue", r), false;

    VkSemaphoreWaitInfo wait = {.sType = VK_STRUCTURE_TYPE_SEMAPHORE_WAIT_INFO,
                                .semaphoreCount = 1,
                                .pSemaphores = &s->timeline,
                                .pValues = &signal};
    if ((r = vk->WaitSemaphores(s->desc->device, &wait, 10000000000ull)) != VK_SUCCESS)
        return stand_in_fail(s, "vkWaitSemaphores", r), false;
    for (uint32_t i = 0; i < VKH_FILL_WORDS; i++) {
        if (s->map[i] != value) {
            snprintf(s->failure, sizeof(s->failure), "dsvk buffer word %u is %u, expected %u", i,
                     s->map[i], value);
            return false;
        }
    }
    s->value = signal;
    atomic_fetch_add(&s->submits, 1);
    return true;
}

static void *stand_in_main(void *arg)
{
    stand_in *s = arg;
    /* Like the executor: every piece of GPU work between begin_work and end_work. */
    while (dsvk_device_begin_work(s->dev)) {
        bool held = atomic_exchange(&s->hold, false);
        if (held) {
            sem_post(&s->holding);
            usleep(200 * 1000); /* the application destroys the device meanwhile */
        }
        bool ok = stand_in_fill(s);
        if (held)
            atomic_store(&s->held_done_seq, atomic_fetch_add(&s->seq, 1) + 1);
        dsvk_device_end_work(s->dev);
        if (!ok)
            break;
    }
    return NULL;
}

static void stand_in_drain(void *user, dsvk_device *dev)
{
    stand_in *s = user;
    atomic_fetch_add(&s->drain_calls, 1);
    pthread_mutex_lock(&dev->lock);
    s->in_flight_at_drain = dev->in_flight;
    pthread_mutex_unlock(&dev->lock);
}

/* The core calls this once nothing is in flight: the thread has left its loop (begin_work
 * refuses from now on) and the objects go before the device does. */
static void stand_in_release(void *user, dsvk_device *dev)
{
    stand_in *s = user;
    const dsvk_vkfns *vk = &dev->vk;
    VkDevice d = dev->desc.device;
    /* Before joining (which would wait for the work anyway): the core must already have
     * waited for the piece of work in flight. */
    s->held_done_at_release = atomic_load(&s->held_done_seq);
    pthread_join(s->thread, NULL);
    vk->UnmapMemory(d, s->memory);
    vk->DestroyBuffer(d, s->buffer, NULL);
    vk->FreeMemory(d, s->memory, NULL);
    vk->DestroySemaphore(d, s->timeline, NULL);
    vk->DestroyCommandPool(d, s->pool, NULL);
    s->release_seq = atomic_fetch_add(&s->seq, 1) + 1;
    atomic_fetch_add(&s->release_calls, 1);
}

static void stand_in_start(stand_in *s, dsvk_device *dev)
{
    memset(s, 0, sizeof(*s));
    s->dev = dev;
    s->desc = dsvk_device_get_desc(dev);
    s->vk = &dev->vk;
    sem_init(&s->holding, 0, 0);
    const dsvk_vkfns *vk = s->vk;
    VkDevice d = s->desc->device;

    VkCommandPoolCreateInfo pool = {.sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO,
                                    .flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT,
                                    .queueFamilyIndex = s->desc->queue_family_index};
    assert_int_equal(vk->CreateCommandPool(d, &pool, NULL, &s->pool), VK_SUCCESS);
    VkCommandBufferAllocateInfo cmd = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
                                       .commandPool = s->pool,
                                       .level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
                                       .commandBufferCount = 1};
    assert_int_equal(dsvk_device_allocate_command_buffers(dev, &cmd, &s->cmd), VK_SUCCESS);
    VkBufferCreateInfo buffer = {.sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
                                 .size = VKH_FILL_WORDS * 4,
                                 .usage = VK_BUFFER_USAGE_TRANSFER_DST_BIT,
                                 .sharingMode = VK_SHARING_MODE_EXCLUSIVE};
    assert_int_equal(vk->CreateBuffer(d, &buffer, NULL, &s->buffer), VK_SUCCESS);
    VkMemoryRequirements req;
    vk->GetBufferMemoryRequirements(d, s->buffer, &req);
    VkMemoryAllocateInfo alloc = {
        .sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
        .allocationSize = req.size,
        .memoryTypeIndex = vkh_host_memory_type(&s->desc->memory_properties, req.memoryTypeBits)};
    assert_int_equal(vk->AllocateMemory(d, &alloc, NULL, &s->memory), VK_SUCCESS);
    assert_int_equal(vk->BindBufferMemory(d, s->buffer, s->memory, 0), VK_SUCCESS);
    assert_int_equal(vk->MapMemory(d, s->memory, 0, VK_WHOLE_SIZE, 0, (void **)&s->map),
                     VK_SUCCESS);
    /* A timeline semaphore: validation reports it if the feature was not really enabled. */
    assert_true(s->desc->enabled.timeline_semaphore);
    assert_non_null(vk->WaitSemaphores);
    VkSemaphoreTypeCreateInfo type = {.sType = VK_STRUCTURE_TYPE_SEMAPHORE_TYPE_CREATE_INFO,
                                      .semaphoreType = VK_SEMAPHORE_TYPE_TIMELINE};
    VkSemaphoreCreateInfo sem = {.sType = VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO, .pNext = &type};
    assert_int_equal(vk->CreateSemaphore(d, &sem, NULL, &s->timeline), VK_SUCCESS);

    dsvk_device_client client = {.drain = stand_in_drain, .release = stand_in_release, .user = s};
    assert_int_equal(dsvk_device_attach_client(dev, &client), DSVK_OK);
    assert_int_equal(pthread_create(&s->thread, NULL, stand_in_main, s), 0);
}

/* ---- serialization: an entry point must wait while the core holds dsvk's queue ---- */

typedef struct blocker {
    dsvk_device *dev;
    sem_t locked;
    uint64_t unlock_ns;
} blocker;

static void *blocker_main(void *arg)
{
    blocker *b = arg;
    dsvk_device_lock_queue(b->dev);
    sem_post(&b->locked);
    usleep(150 * 1000);
    b->unlock_ns = vkh_now_ns();
    dsvk_device_unlock_queue(b->dev);
    return NULL;
}

typedef enum entry_point {
    EP_QUEUE_SUBMIT,
    EP_QUEUE_SUBMIT2,
    EP_QUEUE_WAIT_IDLE,
    EP_DEVICE_WAIT_IDLE,
    EP_QUEUE_INSERT_LABEL,
    EP_COUNT,
} entry_point;

static const char *const entry_names[EP_COUNT] = {"vkQueueSubmit", "vkQueueSubmit2",
                                                  "vkQueueWaitIdle", "vkDeviceWaitIdle",
                                                  "vkQueueInsertDebugUtilsLabelEXT"};

static void call_entry(vkh *h, entry_point ep)
{
    switch (ep) {
    case EP_QUEUE_SUBMIT:
        assert_int_equal(vkQueueSubmit(h->queue, 0, NULL, VK_NULL_HANDLE), VK_SUCCESS);
        break;
    case EP_QUEUE_SUBMIT2:
        assert_int_equal(vkQueueSubmit2(h->queue, 0, NULL, VK_NULL_HANDLE), VK_SUCCESS);
        break;
    case EP_QUEUE_WAIT_IDLE: assert_int_equal(vkQueueWaitIdle(h->queue), VK_SUCCESS); break;
    case EP_DEVICE_WAIT_IDLE: assert_int_equal(vkDeviceWaitIdle(h->device), VK_SUCCESS); break;
    case EP_QUEUE_INSERT_LABEL: {
        PFN_vkQueueInsertDebugUtilsLabelEXT insert =
            (PFN_vkQueueInsertDebugUtilsLabelEXT)vkGetDeviceProcAddr(
                h->device, "vkQueueInsertDebugUtilsLabelEXT");
        assert_non_null(insert);
        VkDebugUtilsLabelEXT label = {.sType = VK_STRUCTURE_TYPE_DEBUG_UTILS_LABEL_EXT,
                                      .pLabelName = "dsvk test"};
        insert(h->queue, &label);
        break;
    }
    case EP_COUNT: break;
    }
}

static void check_serialized(vkh *h, dsvk_device *dev, entry_point ep)
{
    blocker b = {.dev = dev};
    sem_init(&b.locked, 0, 0);
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, blocker_main, &b), 0);
    sem_wait(&b.locked);
    call_entry(h, ep);
    uint64_t returned = vkh_now_ns();
    pthread_join(t, NULL);
    sem_destroy(&b.locked);
    if (returned < b.unlock_ns)
        fail_msg("%s returned while the core held dsvk's queue lock", entry_names[ep]);
}

/* ---- the scenarios ---- */

static void check_desc(vkh *h, const dsvk_vk_device_desc *d)
{
    assert_int_equal(d->version, DSVK_VK_DEVICE_DESC_VERSION);
    assert_ptr_equal(d->instance, h->instance);
    assert_ptr_equal(d->device, h->device);
    assert_non_null(d->get_instance_proc_addr);
    assert_non_null(d->get_device_proc_addr);
    assert_non_null(d->set_device_loader_data);
    assert_memory_equal(d->device_uuid, h->uuid, VK_UUID_SIZE);
    assert_int_equal(VK_API_VERSION_MINOR(d->api_version), 3);
    assert_string_equal(d->properties.deviceName, h->props.deviceName);
    assert_int_equal(d->subgroup_size, h->subgroup_size);
    assert_true(d->memory_properties.memoryTypeCount > 0);
    assert_true(d->queue_family.queueFlags & VK_QUEUE_COMPUTE_BIT);
    assert_non_null(d->lock_queue);
    assert_non_null(d->unlock_queue);
    assert_true(d->enabled.timeline_semaphore);
    assert_true(d->enabled.buffer_device_address);
    assert_true(d->enabled.synchronization2);
    /* lavapipe supports them all: 8-bit storage on whether the application asked or not;
     * shaderInt8 only reported (the application's). The memory model is the application's
     * choice; DeviceScope comes with it. */
    assert_true(d->enabled_shader.storage_buffer_8bit);
    assert_int_equal(d->enabled_shader.shader_int8,
                     h->device_opts.shader_features && h->device_opts.chain == VKH_CHAIN_VKD3D);
    assert_int_equal(d->enabled_shader.vulkan_memory_model, h->device_opts.memory_model);
    assert_int_equal(d->enabled_shader.vulkan_memory_model_device_scope,
                     h->device_opts.memory_model);
    for (uint32_t i = 0; i < h->queue_info_count; i++)
        assert_true(d->app_queue_families & (1u << h->queue_infos[i].queueFamilyIndex));
    /* lavapipe: one family, one queue: dsvk shares the application's. */
    if (h->family_count == 1 && h->families[0].queueCount == 1) {
        assert_true(d->queue_shared);
        assert_ptr_equal(d->queue, h->queue);
        assert_int_equal(d->queue_family_index, 0);
        assert_int_equal(d->queue_index, 0);
    }
}

static void run_captured(vkh *h)
{
    dsvk_runtime *rt = dsvk_runtime_peek_default();
    if (!rt)
        fail_msg("the layer did not start the core's default runtime: device not captured");
    dsvk_device *dev = dsvk_runtime_find_device(rt, h->uuid);
    if (!dev)
        fail_msg("no device with the physical device's UUID is registered with the core");
    assert_true(dsvk_device_is_registered(dev));
    check_desc(h, dsvk_device_get_desc(dev));

    stand_in *s = calloc(1, sizeof(*s));
    assert_non_null(s);
    stand_in_start(s, dev);

    /* The application works on while dsvk's work runs on the same queue. */
    for (uint32_t i = 1; i <= 40; i++)
        vkh_app_fill(h, 0xA0000000u + i);
    for (entry_point ep = 0; ep < EP_COUNT; ep++)
        check_serialized(h, dev, ep);
    for (uint32_t i = 41; i <= 60; i++)
        vkh_app_fill(h, 0xA0000000u + i);
    for (int spin = 0; atomic_load(&s->submits) < 5 && spin < 1000; spin++)
        usleep(10 * 1000);
    assert_true(atomic_load(&s->submits) >= 5);
    assert_string_equal(s->failure, "");

    /* Destroy the device while dsvk has work in flight. */
    atomic_store(&s->hold, true);
    sem_wait(&s->holding);
    assert_int_equal(vkDeviceWaitIdle(h->device), VK_SUCCESS);
    vkh_destroy_device(h); /* the layer unregisters: the core drains first */
    unsigned destroyed_seq = atomic_fetch_add(&s->seq, 1) + 1;

    assert_string_equal(s->failure, "");
    assert_int_equal(atomic_load(&s->drain_calls), 1);
    assert_int_equal(atomic_load(&s->release_calls), 1);
    assert_int_equal(s->in_flight_at_drain, 1);
    if (!s->held_done_at_release)
        fail_msg("the core released the device while dsvk's work was still in flight");
    assert_true(s->held_done_at_release < s->release_seq);
    assert_true(s->release_seq < destroyed_seq);
    assert_false(dsvk_device_is_registered(dev));
    assert_false(dsvk_device_begin_work(dev));
    assert_null(dsvk_runtime_find_device(rt, h->uuid));
    dsvk_device_release(dev);
    sem_destroy(&s->holding);
    free(s);
    /* Nothing is registered any more, so the default runtime can go. */
    assert_int_equal(dsvk_runtime_destroy_default(), DSVK_OK);
}

static void run_passthrough(vkh *h)
{
    assert_null(dsvk_runtime_peek_default()); /* the core was never started */
    for (uint32_t i = 1; i <= 10; i++)
        vkh_app_fill(h, 0xB0000000u + i);
    assert_int_equal(vkDeviceWaitIdle(h->device), VK_SUCCESS);
    vkh_destroy_device(h);
    assert_null(dsvk_runtime_peek_default());
}

static void layer_scenario(void **state)
{
    (void)state;
    vkh *h = calloc(1, sizeof(*h));
    assert_non_null(h);
    vkh_create_instance(h, engine, VK_API_VERSION_1_3);
    bool active = vkh_layer_active(h);
    if (active != expect_layer)
        fail_msg("VK_LAYER_DSVK_capture is %s, expected %s (DSVK=%s DISABLE_DSVK=%s)",
                 active ? "active" : "not active", expect_layer ? "active" : "not active",
                 getenv("DSVK") ? getenv("DSVK") : "",
                 getenv("DISABLE_DSVK") ? getenv("DISABLE_DSVK") : "");
    vkh_create_device_opts(h, &app_features);

    /* The layer wrote none of the application's create-info structures. */
    assert_true(vkh_chain_unchanged(h));
    for (uint32_t i = 0; i < h->queue_info_count; i++) {
        uint32_t f = h->queue_infos[i].queueFamilyIndex;
        uint32_t want = h->families[f].queueCount < VKH_QUEUES_PER_FAMILY
                            ? h->families[f].queueCount
                            : VKH_QUEUES_PER_FAMILY;
        assert_int_equal(h->queue_infos[i].queueCount, want);
        assert_ptr_equal(h->queue_infos[i].pQueuePriorities, h->priorities);
    }

    if (expect_captured)
        run_captured(h);
    else
        run_passthrough(h);
    vkh_destroy_instance(h);
    if (atomic_load(&vkh_messages))
        fail_msg("%d validation messages (see above)", atomic_load(&vkh_messages));
    free(h);
}

int main(int argc, char **argv)
{
    const char *variant = argc > 4 ? argv[4] : "";
    if (argc < 4 || argc > 5) {
        fprintf(stderr,
                "usage: %s ENGINE captured|passthrough layer|nolayer "
                "[timeline-off|shader-on|memory-model|individual]\n",
                argv[0]);
        return 2;
    }
    engine = argv[1];
    expect_captured = !strcmp(argv[2], "captured");
    expect_layer = !strcmp(argv[3], "layer");
    if (!strcmp(variant, "timeline-off")) {
        app_features.timeline = false;
    } else if (!strcmp(variant, "shader-on")) {
        app_features.shader_features = true;
        app_features.memory_model = app_features.device_scope = true;
    } else if (!strcmp(variant, "memory-model")) {
        app_features.memory_model = true;
    } else if (!strcmp(variant, "individual")) {
        app_features.chain = VKH_CHAIN_INDIVIDUAL;
        app_features.memory_model = true;
    } else if (variant[0]) {
        fprintf(stderr, "unknown variant '%s'\n", variant);
        return 2;
    }
    const struct CMUnitTest tests[] = {cmocka_unit_test(layer_scenario)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
