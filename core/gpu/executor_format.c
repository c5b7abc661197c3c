/* Texel blocks of copyable formats (executor_format.h). */
#include "gpu/executor_format.h"

/* Bytes per texel of colour formats; 0 when unknown. */
static uint32_t color_bytes(VkFormat f)
{
    switch (f) {
    case VK_FORMAT_R8_UNORM:
    case VK_FORMAT_R8_SNORM:
    case VK_FORMAT_R8_UINT:
    case VK_FORMAT_R8_SINT:
    case VK_FORMAT_R8_SRGB: return 1;
    case VK_FORMAT_R8G8_UNORM:
    case VK_FORMAT_R8G8_SNORM:
    case VK_FORMAT_R8G8_UINT:
    case VK_FORMAT_R8G8_SINT:
    case VK_FORMAT_R16_UNORM:
    case VK_FORMAT_R16_SNORM:
    case VK_FORMAT_R16_UINT:
    case VK_FORMAT_R16_SINT:
    case VK_FORMAT_R16_SFLOAT:
    case VK_FORMAT_B5G6R5_UNORM_PACK16:
    case VK_FORMAT_R5G6B5_UNORM_PACK16:
    case VK_FORMAT_B5G5R5A1_UNORM_PACK16:
    case VK_FORMAT_A1R5G5B5_UNORM_PACK16:
    case VK_FORMAT_B4G4R4A4_UNORM_PACK16:
    case VK_FORMAT_R4G4B4A4_UNORM_PACK16: return 2;
    case VK_FORMAT_R8G8B8A8_UNORM:
    case VK_FORMAT_R8G8B8A8_SNORM:
    case VK_FORMAT_R8G8B8A8_UINT:
    case VK_FORMAT_R8G8B8A8_SINT:
    case VK_FORMAT_R8G8B8A8_SRGB:
    case VK_FORMAT_B8G8R8A8_UNORM:
    case VK_FORMAT_B8G8R8A8_SRGB:
    case VK_FORMAT_A8B8G8R8_UNORM_PACK32:
    case VK_FORMAT_A8B8G8R8_SRGB_PACK32:
    case VK_FORMAT_A2B10G10R10_UNORM_PACK32:
    case VK_FORMAT_A2B10G10R10_UINT_PACK32:
    case VK_FORMAT_A2R10G10B10_UNORM_PACK32:
    case VK_FORMAT_B10G11R11_UFLOAT_PACK32:
    case VK_FORMAT_E5B9G9R9_UFLOAT_PACK32:
    case VK_FORMAT_R16G16_UNORM:
    case VK_FORMAT_R16G16_SNORM:
    case VK_FORMAT_R16G16_UINT:
    case VK_FORMAT_R16G16_SINT:
    case VK_FORMAT_R16G16_SFLOAT:
    case VK_FORMAT_R32_UINT:
    case VK_FORMAT_R32_SINT:
    case VK_FORMAT_R32_SFLOAT: return 4;
    case VK_FORMAT_R16G16B16A16_UNORM:
    case VK_FORMAT_R16G16B16A16_SNORM:
    case VK_FORMAT_R16G16B16A16_UINT:
    case VK_FORMAT_R16G16B16A16_SINT:
    case VK_FORMAT_R16G16B16A16_SFLOAT:
    case VK_FORMAT_R32G32_UINT:
    case VK_FORMAT_R32G32_SINT:
    case VK_FORMAT_R32G32_SFLOAT: return 8;
    /* R32G32B32 (12 bytes) is left out on purpose: a bufferOffset must be a multiple of the
     * block size, and ring offsets are powers of two. */
    case VK_FORMAT_R32G32B32A32_UINT:
    case VK_FORMAT_R32G32B32A32_SINT:
    case VK_FORMAT_R32G32B32A32_SFLOAT: return 16;
    default: return 0;
    }
}

/* Bytes per 4x4 block of BC formats; 0 when not BC. */
static uint32_t bc_bytes(VkFormat f)
{
    switch (f) {
    case VK_FORMAT_BC1_RGB_UNORM_BLOCK:
    case VK_FORMAT_BC1_RGB_SRGB_BLOCK:
    case VK_FORMAT_BC1_RGBA_UNORM_BLOCK:
    case VK_FORMAT_BC1_RGBA_SRGB_BLOCK:
    case VK_FORMAT_BC4_UNORM_BLOCK:
    case VK_FORMAT_BC4_SNORM_BLOCK: return 8;
    case VK_FORMAT_BC2_UNORM_BLOCK:
    case VK_FORMAT_BC2_SRGB_BLOCK:
    case VK_FORMAT_BC3_UNORM_BLOCK:
    case VK_FORMAT_BC3_SRGB_BLOCK:
    case VK_FORMAT_BC5_UNORM_BLOCK:
    case VK_FORMAT_BC5_SNORM_BLOCK:
    case VK_FORMAT_BC6H_UFLOAT_BLOCK:
    case VK_FORMAT_BC6H_SFLOAT_BLOCK:
    case VK_FORMAT_BC7_UNORM_BLOCK:
    case VK_FORMAT_BC7_SRGB_BLOCK: return 16;
    default: return 0;
    }
}

/* Buffer bytes per texel of one aspect of a depth/stencil format (the layouts
 * vkCmdCopyBufferToImage defines); 0 when the format lacks the aspect. */
static uint32_t depth_stencil_bytes(VkFormat f, VkImageAspectFlags aspect)
{
    bool depth = aspect == VK_IMAGE_ASPECT_DEPTH_BIT;
    bool stencil = aspect == VK_IMAGE_ASPECT_STENCIL_BIT;
    switch (f) {
    case VK_FORMAT_D16_UNORM: return depth ? 2 : 0;
    case VK_FORMAT_D32_SFLOAT:
    case VK_FORMAT_X8_D24_UNORM_PACK32: return depth ? 4 : 0;
    case VK_FORMAT_S8_UINT: return stencil ? 1 : 0;
    case VK_FORMAT_D16_UNORM_S8_UINT: return depth ? 2 : stencil ? 1 : 0;
    case VK_FORMAT_D24_UNORM_S8_UINT:
    case VK_FORMAT_D32_SFLOAT_S8_UINT: return depth ? 4 : stencil ? 1 : 0;
    default: return 0;
    }
}

static bool is_depth_stencil(VkFormat f)
{
    return f == VK_FORMAT_D16_UNORM || f == VK_FORMAT_D32_SFLOAT ||
           f == VK_FORMAT_X8_D24_UNORM_PACK32 || f == VK_FORMAT_S8_UINT ||
           f == VK_FORMAT_D16_UNORM_S8_UINT || f == VK_FORMAT_D24_UNORM_S8_UINT ||
           f == VK_FORMAT_D32_SFLOAT_S8_UINT;
}

bool dsvk_texel_block_of(VkFormat format, VkImageAspectFlags aspect, dsvk_texel_block *out)
{
    uint32_t bytes;
    if (is_depth_stencil(format)) {
        bytes = depth_stencil_bytes(format, aspect);
        *out = (dsvk_texel_block){.bytes = bytes, .width = 1, .height = 1};
        return bytes != 0;
    }
    if (aspect != VK_IMAGE_ASPECT_COLOR_BIT)
        return false;
    if ((bytes = bc_bytes(format))) {
        *out = (dsvk_texel_block){.bytes = bytes, .width = 4, .height = 4};
        return true;
    }
    bytes = color_bytes(format);
    *out = (dsvk_texel_block){.bytes = bytes, .width = 1, .height = 1};
    return bytes != 0;
}

VkImageAspectFlags dsvk_format_aspects(VkFormat format)
{
    dsvk_texel_block b;
    if (!is_depth_stencil(format))
        return dsvk_texel_block_of(format, VK_IMAGE_ASPECT_COLOR_BIT, &b)
                   ? VK_IMAGE_ASPECT_COLOR_BIT
                   : 0;
    VkImageAspectFlags a = 0;
    if (depth_stencil_bytes(format, VK_IMAGE_ASPECT_DEPTH_BIT))
        a |= VK_IMAGE_ASPECT_DEPTH_BIT;
    if (depth_stencil_bytes(format, VK_IMAGE_ASPECT_STENCIL_BIT))
        a |= VK_IMAGE_ASPECT_STENCIL_BIT;
    return a;
}
