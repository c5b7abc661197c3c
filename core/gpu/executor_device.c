/*
 * The executor's Vulkan objects on its device: the staging ring (and, for GPU decoders, the
 * device-local scratch ring and the shader's control buffer), a command pool on dsvk's
 * queue family, and the timeline semaphore every submission signals.
 */
#include <stdlib.h>
#include <string.h>

#include "gpu/executor_internal.h"

static uint64_t align_up(uint64_t v, uint64_t a)
{
    return (v + a - 1) / a * a;
}

static dsvk_result vk_error(VkResult vr)
{
    if (vr == VK_ERROR_DEVICE_LOST)
        return DSVK_E_DEVICE_LOST;
    if (vr == VK_ERROR_OUT_OF_HOST_MEMORY)
        return DSVK_E_NO_MEMORY;
    return DSVK_E_OUT_OF_DEVICE_MEMORY;
}

/* The GDeflate shader, when the device can run it; NULL with *why otherwise. */
static dsvk_gdgpu *create_shader(dsvk_gpu_executor *x, const dsvk_gpu_executor_opts *opts,
                                 const char **why)
{
    const dsvk_vk_device_desc *d = &x->dev->desc;
    /* What the description says is enabled (version 2); a registrant's shader_features is the
     * older promise of storageBuffer8BitAccess, for descriptions that cannot say it (version
     * 1 zeroes the memory-model fields, and the promise covers the rule on them). */
    const dsvk_vk_enabled_shader *f = &d->enabled_shader;
    dsvk_gdgpu_device_info info = {
        .device = d->device,
        .get_device_proc_addr = d->get_device_proc_addr,
        .subgroup =
            {
                .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_PROPERTIES,
                .subgroupSize = d->subgroup_size,
                .supportedStages = d->subgroup_stages,
                .supportedOperations = d->subgroup_operations,
            },
        .min_subgroup_size = d->min_subgroup_size,
        .max_subgroup_size = d->max_subgroup_size,
        .limits = d->properties.limits,
        .storage_buffer_8bit = f->storage_buffer_8bit || opts->shader_features,
        .vulkan_memory_model = f->vulkan_memory_model,
        .vulkan_memory_model_device_scope = f->vulkan_memory_model_device_scope,
    };
    if ((*why = dsvk_gdgpu_unmet_requirement(&info)))
        return NULL;
    if (x->ring_size > d->properties.limits.maxStorageBufferRange) {
        *why = "the staging size exceeds the device's maxStorageBufferRange";
        return NULL;
    }
    dsvk_gdgpu *g = NULL;
    if (dsvk_gdgpu_create(&info, DSVK_GDGPU_VARIANT_AUTO, &g) != DSVK_OK)
        *why = "the shader's pipeline could not be created (see the log line before)";
    return g;
}

/* The staging ring in the wanted placement; ReBAR falls back to host memory when the device
 * has no suitable type. */
static dsvk_result create_staging(dsvk_gpu_executor *x, VkBufferUsageFlags usage, bool bda)
{
    dsvk_device *dev = x->dev;
    if (x->staging_placement == DSVK_STAGING_REBAR) {
        dsvk_result r = dsvk_ring_memory_create(dev, x->ring_size, usage, DSVK_RING_MEMORY_REBAR,
                                                bda, "staging ring", &x->staging_mem);
        if (r != DSVK_E_UNSUPPORTED)
            return r;
        DSVK_WARN("gpu executor: %s: DSVK_STAGING=rebar, but no device-local host-visible "
                  "memory type on a heap of at least %llu MiB; staging in host memory",
                  dev->desc.properties.deviceName, (unsigned long long)(4 * x->ring_size >> 20));
        x->staging_placement = DSVK_STAGING_HOST;
    }
    return dsvk_ring_memory_create(dev, x->ring_size, usage, DSVK_RING_MEMORY_HOST, bda,
                                   "staging ring", &x->staging_mem);
}

/* Control buffer: per decode slot a jobs area (header + descriptors) and status words. */
static dsvk_result create_slots(dsvk_gpu_executor *x)
{
    x->slot_tiles = (uint32_t)(x->ring_size / DSVK_GDEFLATE_TILE_SIZE) + 1;
    uint64_t jobs = align_up(dsvk_gdgpu_jobs_size(x->slot_tiles), x->align);
    uint64_t status = align_up(4u * DSVK_GPU_SLOT_REQUESTS, x->align);
    dsvk_result r = dsvk_ring_memory_create(
        x->dev, DSVK_GPU_DECODE_SLOTS * (jobs + status),
        VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_INDIRECT_BUFFER_BIT,
        DSVK_RING_MEMORY_HOST, false, "decode control buffer", &x->control_mem);
    if (r != DSVK_OK)
        return r;
    for (uint32_t i = 0; i < DSVK_GPU_DECODE_SLOTS; i++) {
        dsvk_gpu_decode_slot *s = &x->slots[i];
        s->jobs_offset = i * (jobs + status);
        s->status_offset = s->jobs_offset + jobs;
        dsvk_gdgpu_range rj = {x->control_mem.buffer, s->jobs_offset, jobs};
        dsvk_gdgpu_range ri = {x->staging_mem.buffer, 0, x->ring_size};
        dsvk_gdgpu_range ro = {x->scratch_mem.buffer, 0, x->ring_size};
        dsvk_gdgpu_range rs = {x->control_mem.buffer, s->status_offset, status};
        r = dsvk_gdgpu_bind(x->shader, &rj, &ri, &ro, &rs, &s->binding);
        if (r != DSVK_OK)
            return r;
    }
    return DSVK_OK;
}

static dsvk_result create_sync(dsvk_gpu_executor *x)
{
    dsvk_device *dev = x->dev;
    VkCommandPoolCreateInfo pci = {
        .sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO,
        .flags =
            VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT | VK_COMMAND_POOL_CREATE_TRANSIENT_BIT,
        .queueFamilyIndex = dev->desc.queue_family_index,
    };
    VkResult vr = dev->vk.CreateCommandPool(dev->desc.device, &pci, NULL, &x->pool);
    if (vr != VK_SUCCESS) {
        DSVK_ERR("gpu executor: vkCreateCommandPool: VkResult %d", vr);
        return vk_error(vr);
    }
    VkSemaphoreTypeCreateInfo type = {
        .sType = VK_STRUCTURE_TYPE_SEMAPHORE_TYPE_CREATE_INFO,
        .semaphoreType = VK_SEMAPHORE_TYPE_TIMELINE,
        .initialValue = 0,
    };
    VkSemaphoreCreateInfo sci = {.sType = VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO, .pNext = &type};
    vr = dev->vk.CreateSemaphore(dev->desc.device, &sci, NULL, &x->timeline);
    if (vr != VK_SUCCESS) {
        DSVK_ERR("gpu executor: creating the timeline semaphore: VkResult %d", vr);
        return vk_error(vr);
    }
    return DSVK_OK;
}

dsvk_result dsvk_gpu_exec_create_objects(dsvk_gpu_executor *x, const dsvk_gpu_executor_opts *opts)
{
    dsvk_device *dev = x->dev;
    const dsvk_vk_device_desc *d = &dev->desc;
    if (!d->enabled.timeline_semaphore || !dev->vk.WaitSemaphores ||
        !dev->vk.GetSemaphoreCounterValue) {
        DSVK_ERR("gpu executor: %s: timeline semaphores are not enabled on the device; GPU "
                 "destinations are not available",
                 d->properties.deviceName);
        return DSVK_E_UNSUPPORTED;
    }
    x->align = dsvk_gpu_exec_alignment(dev);
    x->ring_size = dsvk_gpu_exec_ring_size(dev);
    x->staging_placement =
        opts->staging != DSVK_STAGING_AUTO ? opts->staging : dsvk_gpu_exec_staging_from_env();
    if (x->staging_placement == DSVK_STAGING_AUTO)
        x->staging_placement = DSVK_STAGING_HOST;

    dsvk_decoder wanted = dev->rt->cfg.decoder;
    bool native = dsvk_gpu_exec_native_usable(dev);
    bool try_shader =
        wanted == DSVK_DECODER_GPU || (wanted == DSVK_DECODER_AUTO && !native &&
                                       d->properties.deviceType != VK_PHYSICAL_DEVICE_TYPE_CPU);
    const char *no_shader = "not tried";
    x->shader = try_shader ? create_shader(x, opts, &no_shader) : NULL;
    x->decoder = dsvk_gpu_exec_pick_decoder(dev, wanted, x->shader ? NULL : no_shader, native);
    if (x->decoder != DSVK_DECODER_GPU && x->shader) {
        dsvk_gdgpu_destroy(x->shader);
        x->shader = NULL;
    }
    bool gpu_decode = x->decoder == DSVK_DECODER_GPU || x->decoder == DSVK_DECODER_GPU_NATIVE;
    bool bda = x->decoder == DSVK_DECODER_GPU_NATIVE;

    VkBufferUsageFlags usage = VK_BUFFER_USAGE_TRANSFER_SRC_BIT;
    if (x->decoder == DSVK_DECODER_GPU)
        usage |= VK_BUFFER_USAGE_STORAGE_BUFFER_BIT;
    dsvk_result r = create_staging(x, usage, bda);
    if (r == DSVK_OK && gpu_decode)
        r = dsvk_ring_memory_create(
            dev, x->ring_size,
            VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_STORAGE_BUFFER_BIT,
            DSVK_RING_MEMORY_DEVICE, bda, "decode scratch ring", &x->scratch_mem);
    if (r == DSVK_OK && x->decoder == DSVK_DECODER_GPU)
        r = create_slots(x);
    if (r == DSVK_OK && !dsvk_ring_init(&x->staging, x->ring_size, x->align))
        r = DSVK_E_NO_MEMORY;
    if (r == DSVK_OK && gpu_decode && !dsvk_ring_init(&x->scratch, x->ring_size, x->align))
        r = DSVK_E_NO_MEMORY;
    if (r == DSVK_OK)
        r = create_sync(x);
    if (r != DSVK_OK) {
        dsvk_gpu_exec_destroy_objects(x);
        return r;
    }
    DSVK_INFO("gpu executor: %s: %llu MiB staging ring (%s%s), GDeflate decoder %s%s%s",
              d->properties.deviceName, (unsigned long long)(x->ring_size >> 20),
              dsvk_staging_placement_name(x->staging_placement),
              x->staging_mem.device_local ? ", device-local" : "",
              x->decoder == DSVK_DECODER_GPU          ? "gpu-shader"
              : x->decoder == DSVK_DECODER_GPU_NATIVE ? "gpu-native (VK_NV_memory_decompression)"
                                                      : "cpu",
              x->shader ? " variant " : "", x->shader ? dsvk_gpu_exec_variant_name(x) : "");
    return DSVK_OK;
}

void dsvk_gpu_exec_destroy_objects(dsvk_gpu_executor *x)
{
    dsvk_device *dev = x->dev;
    VkDevice device = dev->desc.device;
    while (x->free_batches) {
        dsvk_gpu_batch *b = x->free_batches;
        x->free_batches = b->next;
        if (b->cmd)
            dev->vk.FreeCommandBuffers(device, x->pool, 1, &b->cmd);
        free(b);
    }
    for (uint32_t i = 0; i < DSVK_GPU_DECODE_SLOTS; i++) {
        if (x->slots[i].binding)
            dsvk_gdgpu_binding_destroy(x->shader, x->slots[i].binding);
        x->slots[i].binding = NULL;
    }
    if (x->shader)
        dsvk_gdgpu_destroy(x->shader);
    x->shader = NULL;
    dsvk_ring_memory_destroy(dev, &x->control_mem);
    dsvk_ring_memory_destroy(dev, &x->scratch_mem);
    dsvk_ring_memory_destroy(dev, &x->staging_mem);
    if (x->pool != VK_NULL_HANDLE)
        dev->vk.DestroyCommandPool(device, x->pool, NULL);
    x->pool = VK_NULL_HANDLE;
    if (x->timeline != VK_NULL_HANDLE)
        dev->vk.DestroySemaphore(device, x->timeline, NULL);
    x->timeline = VK_NULL_HANDLE;
    dsvk_ring_destroy(&x->staging);
    dsvk_ring_destroy(&x->scratch);
}

VkResult dsvk_gpu_exec_batch_cmd(dsvk_gpu_executor *x, dsvk_gpu_batch *b)
{
    if (b->cmd)
        return VK_SUCCESS;
    VkCommandBufferAllocateInfo ai = {
        .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
        .commandPool = x->pool,
        .level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
        .commandBufferCount = 1,
    };
    return dsvk_device_allocate_command_buffers(x->dev, &ai, &b->cmd);
}

const char *dsvk_gpu_exec_variant_name(const dsvk_gpu_executor *x)
{
    if (!x->shader)
        return NULL;
    return dsvk_gdgpu_variant_of(x->shader) == DSVK_GDGPU_VARIANT_SHARED ? "shared" : "subgroup";
}
