/*
 * GDeflate on the GPU: dsvk's own compute decoder (shaders/gdeflate.comp) and the driver's
 * VK_NV_memory_decompression, behind one small internal API for the GPU executor.
 * Design, guarantees and figures: docs/GPU_DECODER.md.
 *
 * Work is described per 64 KiB tile. A "jobs" buffer holds a 16-byte header and an array of
 * dsvk_gdgpu_tile descriptors; one dispatch (indirect, one workgroup per tile) decodes every
 * tile of the buffer, whatever requests and streams they come from:
 *
 *     jobs buffer:  [dispatch x, y, z, tile count] [tile 0] [tile 1] ...
 *
 * The shader reads tiles from the "input" binding (any byte alignment), writes each tile's
 * output straight into the "output" binding at dst_offset, and reports per status slot (a
 * 32-bit word of the "status" binding): bits 0..22 count the tiles that decoded exactly,
 * bits 23..31 are the DSVK_GDGPU_E_* flags of tiles that failed. Several tiles may share a slot
 * (one per request, say): the request succeeded when the count equals its number of tiles
 * and no flag is set. Slots must be zeroed before the dispatch.
 *
 * Hostile input: the shader bounds every read and write (to the tile's input range and the
 * tile's dst_size bytes at dst_offset), validates every Huffman code and stops every tile
 * after a bounded amount of work. It accepts exactly the tiles the CPU decoder
 * (dsvk_gdeflate_decompress_tile) accepts and produces the same bytes.
 *
 * Threading: a context is immutable after creation; record functions may be called from
 * several threads on different command buffers. Bindings are owned by their creator.
 */
#ifndef DSVK_GPU_GDEFLATE_GPU_H
#define DSVK_GPU_GDEFLATE_GPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vulkan/vulkan.h>

#include <dsvk/result.h>

#define DSVK_GDGPU_TILE_SIZE 65536u

/* One tile to decode; mirrors struct Tile in shaders/gdeflate.comp (32 bytes). */
typedef struct dsvk_gdgpu_tile {
    uint32_t src_offset;  /* byte offset of the tile's bitstream in the input binding */
    uint32_t src_size;    /* its size in bytes */
    uint32_t dst_offset;  /* byte offset of its output in the output binding */
    uint32_t dst_size;    /* exact output size, 1..65536 (a stream's last tile may be short) */
    uint32_t status_slot; /* word index in the status binding */
    uint32_t reserved[3]; /* zero */
} dsvk_gdgpu_tile;

/* The header in front of the descriptors; x, y, z are a VkDispatchIndirectCommand. */
typedef struct dsvk_gdgpu_jobs_header {
    uint32_t groups_x, groups_y, groups_z;
    uint32_t tile_count;
} dsvk_gdgpu_jobs_header;

/* Status slot layout. */
#define DSVK_GDGPU_STATUS_COUNT_MASK 0x007FFFFFu
#define DSVK_GDGPU_E_TRAILING (1u << 23)   /* non-zero bytes after the bitstream */
#define DSVK_GDGPU_E_DESCRIPTOR (1u << 24) /* descriptor outside the bound buffers */
#define DSVK_GDGPU_E_BLOCK_TYPE (1u << 25) /* block type 3 */
#define DSVK_GDGPU_E_HUFFMAN (1u << 26)    /* bad code lengths or an invalid code */
#define DSVK_GDGPU_E_DISTANCE (1u << 27)   /* match reaches before the tile's start */
#define DSVK_GDGPU_E_OVERRUN (1u << 28)    /* more output than dst_size */
#define DSVK_GDGPU_E_SHORT (1u << 29)      /* less output than dst_size */
#define DSVK_GDGPU_E_INPUT (1u << 30)      /* the bitstream needs bytes past the tile */
#define DSVK_GDGPU_E_LIMIT (1u << 31)      /* work limit reached */
#define DSVK_GDGPU_STATUS_ERROR_MASK 0xFF800000u

/* What the context needs to know about the device. */
typedef struct dsvk_gdgpu_device_info {
    VkDevice device;
    PFN_vkGetDeviceProcAddr get_device_proc_addr; /* next layer's, or the loader's */
    VkPhysicalDeviceSubgroupProperties subgroup;  /* as queried; pNext ignored */
    /* VkPhysicalDeviceSubgroupSizeControlProperties (Vulkan 1.3 or the EXT); 0 when unknown */
    uint32_t min_subgroup_size, max_subgroup_size;
    VkPhysicalDeviceLimits limits;                /* from VkPhysicalDeviceProperties */
    VkPipelineCache pipeline_cache;               /* optional */
    /* Tuning: tiles per workgroup (1, 2 or 4), one per 32-wide subgroup: subgroup variant on
     * devices whose subgroups are fixed at 32 only, else 1 (dsvk_gdgpu_pick_tpg). 0: the
     * default for the device. */
    uint32_t tiles_per_group;
    /* Keep the driver's pipeline statistics (needs VK_KHR_pipeline_executable_properties and
     * its feature enabled): dsvk_gdgpu_statistics. */
    bool capture_statistics;
    /* Developer knob (tests, dsvk-bench): SPIR-V to use instead of the embedded variant, with
     * the same interface; the variant still says what the device must support, and
     * tiles_per_group must match the build's DSVK_TPG. */
    const uint32_t *spirv_override;
    size_t spirv_override_size; /* bytes */
    /* Features enabled on the device (not merely supported). */
    bool storage_buffer_8bit; /* required: the shader stores bytes */
    /* vulkanMemoryModel and vulkanMemoryModelDeviceScope: with the first enabled and not the
     * second, shaders may not use Device scope, which the decoder's atomics do. */
    bool vulkan_memory_model;
    bool vulkan_memory_model_device_scope;
    bool memory_decompression_nv;   /* VK_NV_memory_decompression with GDEFLATE_1_0 enabled */
    uint64_t nv_max_indirect_count; /* its maxDecompressionIndirectCount */
} dsvk_gdgpu_device_info;

/* Which compiled variant of the shader a context uses. */
typedef enum dsvk_gdgpu_variant {
    DSVK_GDGPU_VARIANT_AUTO,     /* the best the device supports (see dsvk_gdgpu_create) */
    DSVK_GDGPU_VARIANT_SUBGROUP, /* subgroup ballot/arithmetic/shuffle */
    DSVK_GDGPU_VARIANT_SHARED,   /* shared memory only; runs on every device */
    DSVK_GDGPU_VARIANT_COUNT
} dsvk_gdgpu_variant;

/* "subgroup", "shared" ("auto" for AUTO). */
const char *dsvk_gdgpu_variant_name(dsvk_gdgpu_variant v);

typedef struct dsvk_gdgpu dsvk_gdgpu;
typedef struct dsvk_gdgpu_binding dsvk_gdgpu_binding;

/* A buffer range bound to the shader: offset must be a multiple of the device's
 * minStorageBufferOffsetAlignment and size at most maxStorageBufferRange. */
typedef struct dsvk_gdgpu_range {
    VkBuffer buffer;
    VkDeviceSize offset;
    VkDeviceSize size;
} dsvk_gdgpu_range;

/* Why the shader cannot run with the features info says are enabled (storageBuffer8BitAccess
 * off, or vulkanMemoryModel without its DeviceScope), or NULL when it can. */
const char *dsvk_gdgpu_unmet_requirement(const dsvk_gdgpu_device_info *info);

/*
 * Creates the decoder for a device: pipeline, layouts. DSVK_E_UNSUPPORTED when a requirement
 * is unmet (dsvk_gdgpu_unmet_requirement; enable storageBuffer8BitAccess when creating the
 * device: every desktop GPU has it) or the device lacks what the requested variant needs. AUTO
 * picks SUBGROUP when the device has its operations, else SHARED.
 */
dsvk_result dsvk_gdgpu_create(const dsvk_gdgpu_device_info *info, dsvk_gdgpu_variant variant,
                              dsvk_gdgpu **out);
void dsvk_gdgpu_destroy(dsvk_gdgpu *g);

/* The variant in use (never AUTO). */
dsvk_gdgpu_variant dsvk_gdgpu_variant_of(const dsvk_gdgpu *g);
/* A stable identifier of the shader code (changes with it), for caches. */
uint32_t dsvk_gdgpu_shader_hash(const dsvk_gdgpu *g);

/* ---- jobs ---------------------------------------------------------------------------- */

/* Bytes of a jobs buffer for n tiles. */
size_t dsvk_gdgpu_jobs_size(uint32_t n);
/* Writes header and descriptors for n tiles to dst (a mapped jobs buffer, or a staging copy).
 * max_groups_x is the device's maxComputeWorkGroupCount[0]: more tiles take a 2D grid. The
 * header's workgroup counts assume one tile per workgroup: still correct for a decoder with
 * several (the surplus workgroups find no tile), but dsvk_gdgpu_jobs_write_for sizes them. */
void dsvk_gdgpu_jobs_write(void *dst, const dsvk_gdgpu_tile *tiles, uint32_t n,
                           uint32_t max_groups_x);
/* The same with the workgroup counts g's indirect dispatch needs. */
void dsvk_gdgpu_jobs_write_for(const dsvk_gdgpu *g, void *dst, const dsvk_gdgpu_tile *tiles,
                               uint32_t n);
/* Tiles each workgroup decodes. */
uint32_t dsvk_gdgpu_tiles_per_group(const dsvk_gdgpu *g);
/* What dsvk_gdgpu_create will pick for tiles per workgroup on this device and variant. */
uint32_t dsvk_gdgpu_pick_tpg(const dsvk_gdgpu_device_info *info, dsvk_gdgpu_variant variant);
/* The driver's statistics of the pipeline ("Register Count=64, ..."), when captured; else
 * an empty string. */
const char *dsvk_gdgpu_statistics(const dsvk_gdgpu *g, char *buf, size_t cap);

/*
 * Appends the descriptors of one GDeflate tile stream (header + tile table + tiles, as in a
 * .gdeflate file) placed at byte src_offset of the input binding, decoding to dst_offset of
 * the output binding. Tile i gets status slot `slot` when per_tile_slots is false, slot + i
 * otherwise. At most cap descriptors; *n receives how many were written. The stream's header
 * and tile table are validated (dsvk_gdeflate_parse): DSVK_E_DECOMPRESSION when corrupt,
 * DSVK_E_INVALID_ARGUMENT when cap is too small or offsets do not fit 32 bits.
 */
dsvk_result dsvk_gdgpu_tiles_from_stream(const void *stream, size_t stream_size,
                                         uint64_t src_offset, uint64_t dst_offset, uint32_t slot,
                                         bool per_tile_slots, dsvk_gdgpu_tile *out, uint32_t cap,
                                         uint32_t *n);

/* DSVK_OK when a status slot reports `tiles` exact tiles and no error, else
 * DSVK_E_DECOMPRESSION. */
dsvk_result dsvk_gdgpu_status_result(uint32_t slot_value, uint32_t tiles);
/* Names of the error flags in slot_value ("huffman,distance"), "ok", or "none ran". */
const char *dsvk_gdgpu_status_string(uint32_t slot_value, char *buf, size_t cap);

/* ---- recording ------------------------------------------------------------------------ */

/*
 * Binds the four buffers of a decode: jobs (usage STORAGE_BUFFER | INDIRECT_BUFFER), input,
 * output and status (STORAGE_BUFFER); the output's offset and size are multiples of 4 (the shader
 * writes 32-bit words). The binding owns a descriptor set; destroy it after
 * the GPU finished every command buffer that used it.
 */
dsvk_result dsvk_gdgpu_bind(dsvk_gdgpu *g, const dsvk_gdgpu_range *jobs,
                            const dsvk_gdgpu_range *input, const dsvk_gdgpu_range *output,
                            const dsvk_gdgpu_range *status, dsvk_gdgpu_binding **out);
void dsvk_gdgpu_binding_destroy(dsvk_gdgpu *g, dsvk_gdgpu_binding *b);

/*
 * Records the decode of every tile in the bound jobs buffer with vkCmdDispatchIndirect (the
 * header may be written by the GPU). The caller orders around it:
 *   before: writes of jobs / input / status -> COMPUTE_SHADER (SHADER_READ, SHADER_WRITE for
 *           status) and DRAW_INDIRECT (INDIRECT_COMMAND_READ);
 *   after:  COMPUTE_SHADER SHADER_WRITE (output, status) -> the consumers.
 * Output bytes outside the tiles' ranges are not touched. Changes the bound compute pipeline
 * and descriptor set 0.
 */
void dsvk_gdgpu_record(const dsvk_gdgpu *g, VkCommandBuffer cmd, const dsvk_gdgpu_binding *b);
/* The same with vkCmdDispatch, when the host knows the tile count. */
void dsvk_gdgpu_record_direct(const dsvk_gdgpu *g, VkCommandBuffer cmd, const dsvk_gdgpu_binding *b,
                              uint32_t tiles);

/* ---- VK_NV_memory_decompression --------------------------------------------------------- */

/* Whether the device can take the native path (extension, feature, GDeflate method). */
bool dsvk_gdgpu_native_supported(const dsvk_gdgpu *g);

/*
 * One VkDecompressMemoryRegionNV per tile: the raw tile bitstream at src_base + src_offset
 * decoded to dst_base + dst_offset. decompressedSize is the exact tile size (the 0 of a full
 * last tile in a stream header has already become 65536 in the descriptor). The driver
 * needs 4-byte aligned addresses and reports no errors: corrupt tiles produce undefined
 * bytes in their own range.
 */
void dsvk_gdgpu_native_regions(const dsvk_gdgpu_tile *tiles, uint32_t n, VkDeviceAddress src_base,
                               VkDeviceAddress dst_base, VkDecompressMemoryRegionNV *out);
/* vkCmdDecompressMemoryNV over n regions (host array). */
void dsvk_gdgpu_record_native(const dsvk_gdgpu *g, VkCommandBuffer cmd,
                              const VkDecompressMemoryRegionNV *regions, uint32_t n);
/* vkCmdDecompressMemoryIndirectCountNV: regions and a uint32_t count in device memory
 * (buffers with INDIRECT_BUFFER usage), stride sizeof(VkDecompressMemoryRegionNV).
 * Synchronize with ALL_COMMANDS / MEMORY_READ|WRITE on both sides (the extension names no
 * pipeline stage). */
void dsvk_gdgpu_record_native_indirect(const dsvk_gdgpu *g, VkCommandBuffer cmd,
                                       VkDeviceAddress regions, VkDeviceAddress count);
/* The device's maxDecompressionIndirectCount (0 without the native path). */
uint64_t dsvk_gdgpu_native_max_count(const dsvk_gdgpu *g);

#endif
