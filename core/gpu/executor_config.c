/*
 * What a device's executor will be: the staging placement (DSVK_STAGING), the ring's size
 * and alignment, and which GDeflate decoder it uses (DSVK_DECODER / dsvk_config.decoder).
 */
#include <stdlib.h>

#include "gpu/executor_internal.h"

dsvk_staging_placement dsvk_gpu_exec_staging_from_env(void)
{
    const char *s = getenv("DSVK_STAGING");
    dsvk_staging_placement p = DSVK_STAGING_AUTO;
    if (s && *s && !dsvk_staging_placement_parse(s, &p)) {
        DSVK_ERR("unknown value '%s' for DSVK_STAGING (expected host|rebar|auto); using auto", s);
        p = DSVK_STAGING_AUTO;
    }
    return p;
}

static uint64_t max_u64(uint64_t a, uint64_t b)
{
    return a > b ? a : b;
}

static uint64_t pow2_at_least(uint64_t v)
{
    uint64_t p = 1;
    while (p < v)
        p <<= 1;
    return p;
}

uint64_t dsvk_gpu_exec_alignment(const dsvk_device *dev)
{
    /* Every ring offset is a valid bufferOffset for copies of any block size the executor
     * knows (1..16 bytes), a valid storage-buffer binding offset, a whole number of
     * non-coherent atoms (flushes never touch a neighbour's bytes), and 4-byte aligned for
     * VK_NV_memory_decompression's addresses. */
    const VkPhysicalDeviceLimits *l = &dev->desc.properties.limits;
    uint64_t a = 256;
    a = max_u64(a, l->minStorageBufferOffsetAlignment);
    a = max_u64(a, l->nonCoherentAtomSize);
    a = max_u64(a, l->optimalBufferCopyOffsetAlignment);
    return pow2_at_least(a);
}

uint64_t dsvk_gpu_exec_ring_size(const dsvk_device *dev)
{
    uint64_t size = dev->rt->cfg.staging_size ? dev->rt->cfg.staging_size : 32u << 20;
    uint64_t a = dsvk_gpu_exec_alignment(dev);
    return (size + a - 1) / a * a;
}

bool dsvk_gpu_exec_native_usable(const dsvk_device *dev)
{
    const dsvk_vk_device_desc *d = &dev->desc;
    return d->enabled.memory_decompression_nv && d->enabled.buffer_device_address &&
           (d->decompression_methods & VK_MEMORY_DECOMPRESSION_METHOD_GDEFLATE_1_0_BIT_NV) &&
           dev->vk.CmdDecompressMemoryNV && dev->vk.GetBufferDeviceAddress;
}

static const char *decoder_name(dsvk_decoder d)
{
    switch (d) {
    case DSVK_DECODER_AUTO: return "auto";
    case DSVK_DECODER_GPU: return "gpu";
    case DSVK_DECODER_GPU_NATIVE: return "gpu-native";
    case DSVK_DECODER_CPU: return "cpu";
    }
    return "?";
}

dsvk_decoder dsvk_gpu_exec_pick_decoder(const dsvk_device *dev, dsvk_decoder wanted,
                                        const char *no_shader, bool native_usable)
{
    bool shader_usable = no_shader == NULL;
    const char *name = dev->desc.properties.deviceName;
    switch (wanted) {
    case DSVK_DECODER_CPU: return DSVK_DECODER_CPU;
    case DSVK_DECODER_GPU:
        if (shader_usable)
            return DSVK_DECODER_GPU;
        break;
    case DSVK_DECODER_GPU_NATIVE:
        if (native_usable)
            return DSVK_DECODER_GPU_NATIVE;
        break;
    case DSVK_DECODER_AUTO:
        if (native_usable)
            return DSVK_DECODER_GPU_NATIVE;
        /* On a CPU device (lavapipe) the shader runs on the CPU, slower than the CPU
         * decoder proper; anywhere else the shader frees the CPU. */
        if (shader_usable && dev->desc.properties.deviceType != VK_PHYSICAL_DEVICE_TYPE_CPU)
            return DSVK_DECODER_GPU;
        return DSVK_DECODER_CPU;
    }
    DSVK_WARN("gpu executor: %s: DSVK_DECODER=%s is not available on this device (%s); GDeflate "
              "requests to it are decoded on the CPU",
              name, decoder_name(wanted),
              wanted == DSVK_DECODER_GPU ? no_shader
                                         : "VK_NV_memory_decompression with GDeflate 1.0 and "
                                           "bufferDeviceAddress are not enabled");
    return DSVK_DECODER_CPU;
}
