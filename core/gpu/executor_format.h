/*
 * Texel blocks of the formats D3D12 resources map to in vkd3d-proton, as far as buffer ->
 * image copies need them: bytes per block and block extent (1x1 for plain formats, 4x4 for
 * BC). Footprints give row pitches in bytes; vkCmdCopyBufferToImage wants rows in texels.
 */
#ifndef DSVK_GPU_EXECUTOR_FORMAT_H
#define DSVK_GPU_EXECUTOR_FORMAT_H

#include <stdbool.h>
#include <stdint.h>

#include <vulkan/vulkan.h>

typedef struct dsvk_texel_block {
    uint32_t bytes;         /* bytes of one block in buffer memory for the copied aspect */
    uint32_t width, height; /* texels per block */
} dsvk_texel_block;

/*
 * The block of `format` as copied from a buffer into `aspect` (one VkImageAspectFlagBits:
 * COLOR, DEPTH or STENCIL; depth/stencil formats have per-aspect sizes). false for formats
 * the executor does not know and for an aspect the format does not have.
 */
bool dsvk_texel_block_of(VkFormat format, VkImageAspectFlags aspect, dsvk_texel_block *out);

/* Every aspect of the format (COLOR, or DEPTH and/or STENCIL); 0 when unknown. Barriers on a
 * combined depth/stencil image name both aspects. */
VkImageAspectFlags dsvk_format_aspects(VkFormat format);

#endif
