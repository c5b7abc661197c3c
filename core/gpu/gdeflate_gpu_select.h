/*
 * Which GDeflate decoder serves a device: DSVK_DECODER=auto|gpu|gpu-native|cpu.
 *   gpu         dsvk's compute shader (gdeflate_gpu.h)
 *   gpu-native  the driver's VK_NV_memory_decompression
 *   cpu         dsvk's CPU decoder
 *   auto        the faster GPU decoder of the device: measured once on a small batch (16 MiB of
 *               mixed data, compressed at level 9) and remembered per device UUID, driver
 *               version and shader build in $XDG_CACHE_HOME/dsvk/decoder.json (else
 *               ~/.cache/dsvk/decoder.json; $DSVK_DECODER_CACHE names another file). Without
 *               VK_NV_memory_decompression auto is gpu, with nothing to measure.
 * The executor calls dsvk_decoder_select once per device with the configured dsvk_decoder and
 * honours what it returns.
 */
#ifndef DSVK_GPU_GDEFLATE_GPU_SELECT_H
#define DSVK_GPU_GDEFLATE_GPU_SELECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <dsvk/result.h>
#include <dsvk/runtime.h>

#include "gpu/gdeflate_gpu.h"
#include "gpu/gdeflate_gpu_batch.h"

/* "auto", "gpu", "gpu-native", "cpu" (the DSVK_DECODER spellings; the runtime configuration
 * parses the variable into a dsvk_decoder, dsvk/runtime.h). */
const char *dsvk_decoder_name(dsvk_decoder k);

/* The device, as the cache key needs it. */
typedef struct dsvk_decoder_device {
    uint8_t uuid[16];        /* VkPhysicalDeviceIDProperties::deviceUUID */
    uint32_t driver_version; /* VkPhysicalDeviceProperties::driverVersion */
    const char *name;        /* for the cache file's readers */
} dsvk_decoder_device;

/*
 * The decoder for the device. requested: the parsed DSVK_DECODER (AUTO when unset). Forced
 * choices are returned as they are when the device can serve them, else DSVK_E_UNSUPPORTED
 * (gpu-native without the extension; gpu or gpu-native without a shader context g, which may
 * be NULL). AUTO: see above; measuring needs env (with timestamps, else host time) and g.
 * Never fails for AUTO: when measuring fails it returns gpu and caches nothing.
 */
dsvk_result dsvk_decoder_select(const dsvk_gdgpu_env *env, dsvk_gdgpu *g,
                                const dsvk_decoder_device *dev, dsvk_decoder requested,
                                dsvk_decoder *chosen);

/* The measurement behind AUTO: GB/s of output of the shader and of the driver (0 when the
 * driver path is missing, or when a decoder's output was not exact) on sample_bytes of the
 * sample data (AUTO uses 16 MiB), best of three runs each. */
dsvk_result dsvk_decoder_measure(const dsvk_gdgpu_env *env, dsvk_gdgpu *g, size_t sample_bytes,
                                 double *shader_gbps, double *native_gbps);

/* ---- the cache (exposed for tests) ------------------------------------------------------ */

/* The cache file's path (malloc'd), or NULL when no directory is known. */
char *dsvk_decoder_cache_path(void);
/* "uuid-hex/driver-hex/shader-hash-hex". */
void dsvk_decoder_cache_key(const dsvk_decoder_device *dev, uint32_t shader_hash, char *buf,
                            size_t cap);
/* The cached decoder for key; false when absent or unreadable. */
bool dsvk_decoder_cache_get(const char *path, const char *key, dsvk_decoder *out);
/* Stores (replaces) the entry for key, creating the directory; the file is replaced
 * atomically. */
dsvk_result dsvk_decoder_cache_put(const char *path, const char *key, dsvk_decoder k,
                                   double shader_gbps, double native_gbps, const char *device_name);

#endif
