/*
 * GDeflate GPU decoder, host side (gdeflate_gpu.h): pipeline creation, jobs buffers,
 * descriptor bindings, recording, and the VK_NV_memory_decompression path.
 */
#include "gpu/gdeflate_gpu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dsvk/gdeflate.h>

#include "gdeflate_shared_spv.h"
#include "gdeflate_subgroup_spv.h"
#include "gdeflate_subgroup_tpg2_spv.h"
#include "gdeflate_subgroup_tpg4_spv.h"
#include "gpu/vk_fns.h"
#include "log.h"

/* Tiles per workgroup where the device allows several (32-wide subgroups). */
#define DSVK_GDGPU_DEFAULT_TPG 2 /* H200: 2 and 4 measured alike, +40-55% over 1 */

struct dsvk_gdgpu {
    VkDevice device;
    dsvk_vkfns vk;
    VkDescriptorSetLayout set_layout;
    VkPipelineLayout layout;
    VkPipeline pipeline;
    dsvk_gdgpu_variant variant;
    bool statistics;
    uint32_t tpg;
    uint32_t shader_hash;
    uint32_t max_groups_x;
    VkDeviceSize max_range;
    VkDeviceSize offset_align;
    bool native;
    uint64_t native_max;
};

struct dsvk_gdgpu_binding {
    VkDescriptorPool pool;
    VkDescriptorSet set;
    VkBuffer jobs;
    VkDeviceSize jobs_offset;
};

/* Shared memory of the embedded builds (shaders/gdeflate.comp's arrays, rounded up): per tile
 * the lit/len and distance tables (1024 + 256 entries; 512 + 256 in the multi-tile builds),
 * 320 sorted entries, 96 long-code entries, 48 counters, a 128-word input ring, 96 copy
 * entries and 32 exchange words; one flag per workgroup. */
static uint32_t shared_bytes(uint32_t tpg)
{
    uint32_t tables = tpg > 1 ? 512 + 256 : 1024 + 256;
    return 4 * (tpg * (tables + 320 + 96 + 48 + 128 + 96 + 32) + 1);
}

/* Several tiles per workgroup: each 32-invocation subgroup is a tile, so every subgroup must
 * be exactly 32 invocations, all active. subgroupSize 32 alone does not say that: a device
 * whose subgroup size varies may run a workgroup as smaller subgroups "represented as larger
 * ones, some of whose invocations are inactive" (VK_EXT_subgroup_size_control; Intel reports
 * 32 and may run 8 or 16 wide), and the shader's layout check would then fail every tile. So
 * only where the size is fixed at 32 (minSubgroupSize = maxSubgroupSize = 32: NVIDIA); unknown
 * sizes (no Vulkan 1.3 nor VK_EXT_subgroup_size_control) get one tile per workgroup. */
uint32_t dsvk_gdgpu_pick_tpg(const dsvk_gdgpu_device_info *info, dsvk_gdgpu_variant variant)
{
    if (variant != DSVK_GDGPU_VARIANT_SUBGROUP || info->subgroup.subgroupSize != 32)
        return 1;
    uint32_t tpg = info->tiles_per_group ? info->tiles_per_group : DSVK_GDGPU_DEFAULT_TPG;
    if (tpg != 1 && tpg != 2 && tpg != 4) {
        DSVK_WARN("gpu: %u tiles per workgroup is not built; using 1", tpg);
        return 1;
    }
    if (tpg > 1 && (info->min_subgroup_size != 32 || info->max_subgroup_size != 32)) {
        DSVK_INFO("gpu: subgroup sizes %u..%u are not a fixed 32: one tile per workgroup",
                  info->min_subgroup_size, info->max_subgroup_size);
        return 1;
    }
    /* exceeding the device's shared memory is undefined behaviour: NVIDIA loses the device */
    while (tpg > 1 && shared_bytes(tpg) > info->limits.maxComputeSharedMemorySize)
        tpg /= 2;
    return tpg;
}

/* The subgroup variant's operations, in compute shaders. */
static bool subgroup_ok(const VkPhysicalDeviceSubgroupProperties *sp)
{
    const VkSubgroupFeatureFlags need =
        VK_SUBGROUP_FEATURE_BASIC_BIT | VK_SUBGROUP_FEATURE_BALLOT_BIT |
        VK_SUBGROUP_FEATURE_ARITHMETIC_BIT | VK_SUBGROUP_FEATURE_SHUFFLE_BIT;
    return (sp->supportedStages & VK_SHADER_STAGE_COMPUTE_BIT) &&
           (sp->supportedOperations & need) == need && sp->subgroupSize >= 1;
}

static uint32_t fnv1a(const uint32_t *w, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        for (int b = 0; b < 4; b++) {
            h ^= (w[i] >> (8 * b)) & 0xFFu;
            h *= 16777619u;
        }
    return h;
}

const char *dsvk_gdgpu_unmet_requirement(const dsvk_gdgpu_device_info *info)
{
    if (!info->storage_buffer_8bit)
        return "storageBuffer8BitAccess is not enabled on the device";
    if (info->vulkan_memory_model && !info->vulkan_memory_model_device_scope)
        return "vulkanMemoryModel is enabled without vulkanMemoryModelDeviceScope, which the "
               "shader's device-scope atomics need";
    return NULL;
}

dsvk_result dsvk_gdgpu_create(const dsvk_gdgpu_device_info *info, dsvk_gdgpu_variant variant,
                              dsvk_gdgpu **out)
{
    *out = NULL;
    const char *unmet = dsvk_gdgpu_unmet_requirement(info);
    if (unmet) {
        DSVK_INFO("gpu: GDeflate shader not usable: %s", unmet);
        return DSVK_E_UNSUPPORTED;
    }
    bool sg = subgroup_ok(&info->subgroup);
    if (variant == DSVK_GDGPU_VARIANT_AUTO)
        variant = sg ? DSVK_GDGPU_VARIANT_SUBGROUP : DSVK_GDGPU_VARIANT_SHARED;
    if (variant >= DSVK_GDGPU_VARIANT_COUNT)
        return DSVK_E_INVALID_ARGUMENT;
    if (variant == DSVK_GDGPU_VARIANT_SUBGROUP && !sg) {
        DSVK_INFO("gpu: the device lacks the subgroup operations of the subgroup variant");
        return DSVK_E_UNSUPPORTED;
    }

    dsvk_gdgpu *g = calloc(1, sizeof(*g));
    if (!g)
        return DSVK_E_NO_MEMORY;
    g->device = info->device;
    g->variant = variant;
    g->tpg = dsvk_gdgpu_pick_tpg(info, variant);
    if (shared_bytes(g->tpg) > info->limits.maxComputeSharedMemorySize) {
        DSVK_INFO("gpu: the GDeflate shader needs %u bytes of shared memory, the device has %u",
                  shared_bytes(g->tpg), info->limits.maxComputeSharedMemorySize);
        free(g);
        return DSVK_E_UNSUPPORTED;
    }
    g->max_groups_x = info->limits.maxComputeWorkGroupCount[0];
    g->max_range = info->limits.maxStorageBufferRange;
    g->offset_align = info->limits.minStorageBufferOffsetAlignment;
    if (g->offset_align == 0)
        g->offset_align = 1;
    const char *missing = NULL;
    if (!dsvk_vkfns_load(&g->vk, info->device, info->get_device_proc_addr, &missing)) {
        DSVK_ERR("gpu: device command %s missing", missing);
        free(g);
        return DSVK_E_UNSUPPORTED;
    }
    g->native = info->memory_decompression_nv && g->vk.CmdDecompressMemoryNV &&
                g->vk.CmdDecompressMemoryIndirectCountNV;
    g->native_max = g->native ? info->nv_max_indirect_count : 0;

    const uint32_t *code = dsvk_spv_gdeflate_shared;
    size_t code_size = sizeof(dsvk_spv_gdeflate_shared);
    if (variant == DSVK_GDGPU_VARIANT_SUBGROUP && g->tpg == 4) {
        code = dsvk_spv_gdeflate_subgroup_tpg4;
        code_size = sizeof(dsvk_spv_gdeflate_subgroup_tpg4);
    } else if (variant == DSVK_GDGPU_VARIANT_SUBGROUP && g->tpg == 2) {
        code = dsvk_spv_gdeflate_subgroup_tpg2;
        code_size = sizeof(dsvk_spv_gdeflate_subgroup_tpg2);
    } else if (variant == DSVK_GDGPU_VARIANT_SUBGROUP) {
        code = dsvk_spv_gdeflate_subgroup;
        code_size = sizeof(dsvk_spv_gdeflate_subgroup);
    }
    if (info->spirv_override && info->spirv_override_size >= 20) {
        code = info->spirv_override;
        code_size = info->spirv_override_size & ~(size_t)3;
    }
    g->shader_hash = fnv1a(code, code_size / 4);

    VkDescriptorSetLayoutBinding bindings[4];
    for (uint32_t i = 0; i < 4; i++)
        bindings[i] = (VkDescriptorSetLayoutBinding){
            .binding = i,
            .descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
            .descriptorCount = 1,
            .stageFlags = VK_SHADER_STAGE_COMPUTE_BIT,
        };
    VkDescriptorSetLayoutCreateInfo dslci = {
        .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO,
        .bindingCount = 4,
        .pBindings = bindings,
    };
    VkResult vr = g->vk.CreateDescriptorSetLayout(g->device, &dslci, NULL, &g->set_layout);
    VkPipelineLayoutCreateInfo plci = {
        .sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO,
        .setLayoutCount = 1,
        .pSetLayouts = &g->set_layout,
    };
    if (vr == VK_SUCCESS)
        vr = g->vk.CreatePipelineLayout(g->device, &plci, NULL, &g->layout);
    VkShaderModule module = VK_NULL_HANDLE;
    VkShaderModuleCreateInfo smci = {
        .sType = VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO,
        .codeSize = code_size,
        .pCode = code,
    };
    if (vr == VK_SUCCESS)
        vr = g->vk.CreateShaderModule(g->device, &smci, NULL, &module);
    g->statistics = info->capture_statistics && g->vk.GetPipelineExecutablePropertiesKHR &&
                    g->vk.GetPipelineExecutableStatisticsKHR;
    VkComputePipelineCreateInfo cpci = {
        .sType = VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO,
        .stage =
            {
                .sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO,
                .stage = VK_SHADER_STAGE_COMPUTE_BIT,
                .module = module,
                .pName = "main",
            },
        .layout = g->layout,
        .flags = g->statistics ? VK_PIPELINE_CREATE_CAPTURE_STATISTICS_BIT_KHR : 0,
    };
    if (vr == VK_SUCCESS)
        vr = g->vk.CreateComputePipelines(g->device, info->pipeline_cache, 1, &cpci, NULL,
                                          &g->pipeline);
    if (module != VK_NULL_HANDLE)
        g->vk.DestroyShaderModule(g->device, module, NULL);
    if (vr != VK_SUCCESS) {
        DSVK_ERR("gpu: creating the GDeflate pipeline failed: %d", vr);
        dsvk_gdgpu_destroy(g);
        return vr == VK_ERROR_OUT_OF_DEVICE_MEMORY ? DSVK_E_OUT_OF_DEVICE_MEMORY
                                                   : DSVK_E_UNSUPPORTED;
    }
    DSVK_DEBUG("gpu: GDeflate decoder ready (%s variant, subgroup size %u%s)",
               dsvk_gdgpu_variant_name(variant), info->subgroup.subgroupSize,
               g->native ? ", VK_NV_memory_decompression" : "");
    *out = g;
    return DSVK_OK;
}

void dsvk_gdgpu_destroy(dsvk_gdgpu *g)
{
    if (!g)
        return;
    if (g->pipeline != VK_NULL_HANDLE)
        g->vk.DestroyPipeline(g->device, g->pipeline, NULL);
    if (g->layout != VK_NULL_HANDLE)
        g->vk.DestroyPipelineLayout(g->device, g->layout, NULL);
    if (g->set_layout != VK_NULL_HANDLE)
        g->vk.DestroyDescriptorSetLayout(g->device, g->set_layout, NULL);
    free(g);
}

dsvk_gdgpu_variant dsvk_gdgpu_variant_of(const dsvk_gdgpu *g)
{
    return g->variant;
}

const char *dsvk_gdgpu_variant_name(dsvk_gdgpu_variant v)
{
    switch (v) {
    case DSVK_GDGPU_VARIANT_AUTO: return "auto";
    case DSVK_GDGPU_VARIANT_SUBGROUP: return "subgroup";
    case DSVK_GDGPU_VARIANT_SHARED: return "shared";
    default: return "?";
    }
}

uint32_t dsvk_gdgpu_shader_hash(const dsvk_gdgpu *g)
{
    return g->shader_hash;
}

/* ---- jobs ---------------------------------------------------------------------------- */

size_t dsvk_gdgpu_jobs_size(uint32_t n)
{
    return sizeof(dsvk_gdgpu_jobs_header) + (size_t)n * sizeof(dsvk_gdgpu_tile);
}

/* Workgroups for n tiles: x at most max_x, the shader skips ids >= n. */
static void grid(uint32_t n, uint32_t max_x, uint32_t *x, uint32_t *y)
{
    if (max_x == 0)
        max_x = 65535;
    if (n <= max_x) {
        *x = n;
        *y = n ? 1 : 0;
        return;
    }
    *y = (n + max_x - 1) / max_x;
    *x = (n + *y - 1) / *y;
}

static void jobs_write(void *dst, const dsvk_gdgpu_tile *tiles, uint32_t n, uint32_t tpg,
                       uint32_t max_groups_x)
{
    dsvk_gdgpu_jobs_header h = {.groups_z = 1, .tile_count = n};
    grid((n + tpg - 1) / tpg, max_groups_x, &h.groups_x, &h.groups_y);
    if (n == 0)
        h.groups_z = 0;
    memcpy(dst, &h, sizeof(h));
    memcpy((uint8_t *)dst + sizeof(h), tiles, (size_t)n * sizeof(*tiles));
}

void dsvk_gdgpu_jobs_write(void *dst, const dsvk_gdgpu_tile *tiles, uint32_t n,
                           uint32_t max_groups_x)
{
    jobs_write(dst, tiles, n, 1, max_groups_x);
}

void dsvk_gdgpu_jobs_write_for(const dsvk_gdgpu *g, void *dst, const dsvk_gdgpu_tile *tiles,
                               uint32_t n)
{
    jobs_write(dst, tiles, n, g->tpg, g->max_groups_x);
}

uint32_t dsvk_gdgpu_tiles_per_group(const dsvk_gdgpu *g)
{
    return g->tpg;
}

dsvk_result dsvk_gdgpu_tiles_from_stream(const void *stream, size_t stream_size,
                                         uint64_t src_offset, uint64_t dst_offset, uint32_t slot,
                                         bool per_tile_slots, dsvk_gdgpu_tile *out, uint32_t cap,
                                         uint32_t *n)
{
    *n = 0;
    dsvk_gdeflate_info info;
    dsvk_result r = dsvk_gdeflate_parse(stream, stream_size, &info);
    if (r != DSVK_OK)
        return r;
    if (info.num_tiles > cap)
        return DSVK_E_INVALID_ARGUMENT;
    if (src_offset + info.stream_size > UINT32_MAX ||
        dst_offset + info.uncompressed_size > UINT32_MAX)
        return DSVK_E_INVALID_ARGUMENT;
    for (uint32_t i = 0; i < info.num_tiles; i++) {
        uint64_t off = 0;
        uint32_t size = 0;
        dsvk_gdeflate_tile_range(stream, &info, i, &off, &size);
        out[i] = (dsvk_gdgpu_tile){
            .src_offset = (uint32_t)(src_offset + off),
            .src_size = size,
            .dst_offset = (uint32_t)(dst_offset + (uint64_t)i * DSVK_GDGPU_TILE_SIZE),
            .dst_size = i + 1 == info.num_tiles ? info.last_tile_size : DSVK_GDGPU_TILE_SIZE,
            .status_slot = per_tile_slots ? slot + i : slot,
        };
    }
    *n = info.num_tiles;
    return DSVK_OK;
}

dsvk_result dsvk_gdgpu_status_result(uint32_t slot_value, uint32_t tiles)
{
    if ((slot_value & DSVK_GDGPU_STATUS_ERROR_MASK) ||
        (slot_value & DSVK_GDGPU_STATUS_COUNT_MASK) != tiles)
        return DSVK_E_DECOMPRESSION;
    return DSVK_OK;
}

const char *dsvk_gdgpu_status_string(uint32_t slot_value, char *buf, size_t cap)
{
    static const struct {
        uint32_t bit;
        const char *name;
    } names[] = {
        {DSVK_GDGPU_E_TRAILING, "trailing-bytes"},
        {DSVK_GDGPU_E_DESCRIPTOR, "descriptor"},
        {DSVK_GDGPU_E_BLOCK_TYPE, "block-type"},
        {DSVK_GDGPU_E_HUFFMAN, "huffman"},
        {DSVK_GDGPU_E_DISTANCE, "distance"},
        {DSVK_GDGPU_E_OVERRUN, "overrun"},
        {DSVK_GDGPU_E_SHORT, "short"},
        {DSVK_GDGPU_E_INPUT, "input"},
        {DSVK_GDGPU_E_LIMIT, "limit"},
    };
    if (cap == 0)
        return buf;
    buf[0] = 0;
    if (!(slot_value & DSVK_GDGPU_STATUS_ERROR_MASK)) {
        snprintf(buf, cap, "%s", slot_value ? "ok" : "none ran");
        return buf;
    }
    size_t used = 0;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (!(slot_value & names[i].bit))
            continue;
        int w = snprintf(buf + used, cap - used, "%s%s", used ? "," : "", names[i].name);
        if (w < 0 || (size_t)w >= cap - used)
            break;
        used += (size_t)w;
    }
    return buf;
}

/* ---- recording ------------------------------------------------------------------------ */

static bool range_ok(const dsvk_gdgpu *g, const dsvk_gdgpu_range *r)
{
    return r && r->buffer != VK_NULL_HANDLE && r->size > 0 && r->size <= g->max_range &&
           r->offset % g->offset_align == 0;
}

dsvk_result dsvk_gdgpu_bind(dsvk_gdgpu *g, const dsvk_gdgpu_range *jobs,
                            const dsvk_gdgpu_range *input, const dsvk_gdgpu_range *output,
                            const dsvk_gdgpu_range *status, dsvk_gdgpu_binding **out)
{
    *out = NULL;
    const dsvk_gdgpu_range *r[4] = {jobs, input, output, status};
    for (int i = 0; i < 4; i++)
        if (!range_ok(g, r[i])) {
            DSVK_ERR("gpu: GDeflate binding %d: range not bindable (size %llu, offset %llu)", i,
                     r[i] ? (unsigned long long)r[i]->size : 0ull,
                     r[i] ? (unsigned long long)r[i]->offset : 0ull);
            return DSVK_E_INVALID_ARGUMENT;
        }
    if (jobs->offset % 4 != 0 || jobs->size < sizeof(dsvk_gdgpu_jobs_header))
        return DSVK_E_INVALID_ARGUMENT;
    /* The shader writes the output as 32-bit words. */
    if (output->offset % 4 != 0 || output->size % 4 != 0) {
        DSVK_ERR("gpu: GDeflate output binding: offset %llu and size %llu must be multiples of 4",
                 (unsigned long long)output->offset, (unsigned long long)output->size);
        return DSVK_E_INVALID_ARGUMENT;
    }
    dsvk_gdgpu_binding *b = calloc(1, sizeof(*b));
    if (!b)
        return DSVK_E_NO_MEMORY;
    b->jobs = jobs->buffer;
    b->jobs_offset = jobs->offset;
    /* A pool per binding: bindings live as long as a batch, and pools need no lock. */
    VkDescriptorPoolSize ps = {.type = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, .descriptorCount = 4};
    VkDescriptorPoolCreateInfo dpci = {
        .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO,
        .maxSets = 1,
        .poolSizeCount = 1,
        .pPoolSizes = &ps,
    };
    VkResult vr = g->vk.CreateDescriptorPool(g->device, &dpci, NULL, &b->pool);
    VkDescriptorSetAllocateInfo dsai = {
        .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO,
        .descriptorPool = b->pool,
        .descriptorSetCount = 1,
        .pSetLayouts = &g->set_layout,
    };
    if (vr == VK_SUCCESS)
        vr = g->vk.AllocateDescriptorSets(g->device, &dsai, &b->set);
    if (vr != VK_SUCCESS) {
        dsvk_gdgpu_binding_destroy(g, b);
        return DSVK_E_NO_MEMORY;
    }
    VkDescriptorBufferInfo bi[4];
    VkWriteDescriptorSet w[4];
    for (uint32_t i = 0; i < 4; i++) {
        bi[i] = (VkDescriptorBufferInfo){r[i]->buffer, r[i]->offset, r[i]->size};
        w[i] = (VkWriteDescriptorSet){
            .sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
            .dstSet = b->set,
            .dstBinding = i,
            .descriptorCount = 1,
            .descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
            .pBufferInfo = &bi[i],
        };
    }
    g->vk.UpdateDescriptorSets(g->device, 4, w, 0, NULL);
    *out = b;
    return DSVK_OK;
}

void dsvk_gdgpu_binding_destroy(dsvk_gdgpu *g, dsvk_gdgpu_binding *b)
{
    if (!b)
        return;
    if (b->pool != VK_NULL_HANDLE)
        g->vk.DestroyDescriptorPool(g->device, b->pool, NULL); /* frees the set */
    free(b);
}

static void bind_all(const dsvk_gdgpu *g, VkCommandBuffer cmd, const dsvk_gdgpu_binding *b)
{
    g->vk.CmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, g->pipeline);
    g->vk.CmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, g->layout, 0, 1, &b->set, 0,
                                NULL);
}

void dsvk_gdgpu_record(const dsvk_gdgpu *g, VkCommandBuffer cmd, const dsvk_gdgpu_binding *b)
{
    bind_all(g, cmd, b);
    g->vk.CmdDispatchIndirect(cmd, b->jobs, b->jobs_offset);
}

void dsvk_gdgpu_record_direct(const dsvk_gdgpu *g, VkCommandBuffer cmd, const dsvk_gdgpu_binding *b,
                              uint32_t tiles)
{
    uint32_t x, y;
    grid((tiles + g->tpg - 1) / g->tpg, g->max_groups_x, &x, &y);
    if (x == 0 || y == 0)
        return;
    bind_all(g, cmd, b);
    g->vk.CmdDispatch(cmd, x, y, 1);
}

const char *dsvk_gdgpu_statistics(const dsvk_gdgpu *g, char *buf, size_t cap)
{
    if (cap == 0)
        return buf;
    buf[0] = 0;
    if (!g->statistics)
        return buf;
    VkPipelineInfoKHR pi = {.sType = VK_STRUCTURE_TYPE_PIPELINE_INFO_KHR, .pipeline = g->pipeline};
    uint32_t ne = 0;
    if (g->vk.GetPipelineExecutablePropertiesKHR(g->device, &pi, &ne, NULL) != VK_SUCCESS || !ne)
        return buf;
    VkPipelineExecutableInfoKHR ei = {
        .sType = VK_STRUCTURE_TYPE_PIPELINE_EXECUTABLE_INFO_KHR,
        .pipeline = g->pipeline,
        .executableIndex = 0,
    };
    VkPipelineExecutableStatisticKHR st[32];
    uint32_t ns = 32;
    for (uint32_t i = 0; i < ns; i++)
        st[i] = (VkPipelineExecutableStatisticKHR){
            .sType = VK_STRUCTURE_TYPE_PIPELINE_EXECUTABLE_STATISTIC_KHR};
    VkResult vr = g->vk.GetPipelineExecutableStatisticsKHR(g->device, &ei, &ns, st);
    if (vr != VK_SUCCESS && vr != VK_INCOMPLETE)
        return buf;
    size_t used = 0;
    for (uint32_t i = 0; i < ns && used < cap; i++) {
        int w = 0;
        switch (st[i].format) {
        case VK_PIPELINE_EXECUTABLE_STATISTIC_FORMAT_BOOL32_KHR:
            w = snprintf(buf + used, cap - used, "%s%s=%s", used ? ", " : "", st[i].name,
                         st[i].value.b32 ? "true" : "false");
            break;
        case VK_PIPELINE_EXECUTABLE_STATISTIC_FORMAT_INT64_KHR:
            w = snprintf(buf + used, cap - used, "%s%s=%lld", used ? ", " : "", st[i].name,
                         (long long)st[i].value.i64);
            break;
        case VK_PIPELINE_EXECUTABLE_STATISTIC_FORMAT_UINT64_KHR:
            w = snprintf(buf + used, cap - used, "%s%s=%llu", used ? ", " : "", st[i].name,
                         (unsigned long long)st[i].value.u64);
            break;
        default:
            w = snprintf(buf + used, cap - used, "%s%s=%g", used ? ", " : "", st[i].name,
                         st[i].value.f64);
            break;
        }
        if (w < 0 || (size_t)w >= cap - used)
            break;
        used += (size_t)w;
    }
    return buf;
}

/* ---- VK_NV_memory_decompression --------------------------------------------------------- */

bool dsvk_gdgpu_native_supported(const dsvk_gdgpu *g)
{
    return g->native;
}

uint64_t dsvk_gdgpu_native_max_count(const dsvk_gdgpu *g)
{
    return g->native_max;
}

void dsvk_gdgpu_native_regions(const dsvk_gdgpu_tile *tiles, uint32_t n, VkDeviceAddress src_base,
                               VkDeviceAddress dst_base, VkDecompressMemoryRegionNV *out)
{
    for (uint32_t i = 0; i < n; i++)
        out[i] = (VkDecompressMemoryRegionNV){
            .srcAddress = src_base + tiles[i].src_offset,
            .dstAddress = dst_base + tiles[i].dst_offset,
            .compressedSize = tiles[i].src_size,
            .decompressedSize = tiles[i].dst_size ? tiles[i].dst_size : DSVK_GDGPU_TILE_SIZE,
            .decompressionMethod = VK_MEMORY_DECOMPRESSION_METHOD_GDEFLATE_1_0_BIT_NV,
        };
}

void dsvk_gdgpu_record_native(const dsvk_gdgpu *g, VkCommandBuffer cmd,
                              const VkDecompressMemoryRegionNV *regions, uint32_t n)
{
    if (g->native && n)
        g->vk.CmdDecompressMemoryNV(cmd, n, regions);
}

void dsvk_gdgpu_record_native_indirect(const dsvk_gdgpu *g, VkCommandBuffer cmd,
                                       VkDeviceAddress regions, VkDeviceAddress count)
{
    if (g->native)
        g->vk.CmdDecompressMemoryIndirectCountNV(cmd, regions, count,
                                                 (uint32_t)sizeof(VkDecompressMemoryRegionNV));
}
