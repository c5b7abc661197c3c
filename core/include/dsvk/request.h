/*
 * Requests: what to read, how it is compressed, where it goes.
 *
 * The destinations cover DirectStorage's MEMORY, BUFFER, TEXTURE_REGION,
 * MULTIPLE_SUBRESOURCES(_RANGE) and TILES kinds in Vulkan terms: a translator (the Wine
 * bridge) resolves D3D12 resources to VkBuffer/VkImage handles and footprints. Vulkan
 * handles are carried as uint64_t so this header does not need the Vulkan headers.
 */
#ifndef DSVK_REQUEST_H
#define DSVK_REQUEST_H

#include <stdint.h>

#include <dsvk/file.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DSVK_REQUEST_MAX_NAME 64 /* names are copied and cut to 63 bytes */

typedef enum dsvk_source_type {
    DSVK_SOURCE_FILE = 0,
    DSVK_SOURCE_MEMORY = 1,
} dsvk_source_type;

/* Values equal DirectStorage's DSTORAGE_COMPRESSION_FORMAT. */
typedef enum dsvk_compression {
    DSVK_COMPRESSION_NONE = 0,
    DSVK_COMPRESSION_GDEFLATE = 1,
    DSVK_COMPRESSION_CUSTOM_FIRST = 0x80, /* 0x80..0xFF: application-defined, custom queue */
    DSVK_COMPRESSION_CUSTOM_LAST = 0xFF,
} dsvk_compression;

typedef enum dsvk_destination_type {
    DSVK_DEST_MEMORY = 0,
    DSVK_DEST_BUFFER = 1,        /* VkBuffer range */
    DSVK_DEST_IMAGE_REGION = 2,  /* one box of one VkImage subresource */
    DSVK_DEST_SUBRESOURCES = 3,  /* several subresources laid out by buffer footprints */
    DSVK_DEST_TILES = 4,         /* 64 KiB tiles of a sparse VkImage or VkBuffer */
} dsvk_destination_type;

typedef struct dsvk_source {
    dsvk_source_type type;
    union {
        struct {
            dsvk_file *file;
            uint64_t offset;
            uint32_t size;
        } file;
        struct {
            const void *data;
            uint32_t size;
        } memory;
    } u;
} dsvk_source;

/* One VkImage subresource and how its bytes are laid out in the (uncompressed) data. */
typedef struct dsvk_footprint {
    uint64_t data_offset; /* where this subresource's bytes start in the uncompressed data */
    uint32_t row_pitch;   /* bytes between rows of texel blocks */
    uint32_t width, height, depth; /* extent in texels */
    uint32_t aspect;      /* VkImageAspectFlags */
    uint32_t mip_level;
    uint32_t array_layer;
} dsvk_footprint;

typedef struct dsvk_box {
    uint32_t x, y, z;
    uint32_t width, height, depth;
} dsvk_box;

typedef struct dsvk_destination {
    dsvk_destination_type type;
    union {
        struct {
            void *data;
            uint32_t size;
        } memory;
        struct {
            uint64_t buffer; /* VkBuffer */
            uint64_t offset;
            uint32_t size;
        } buffer;
        struct {
            uint64_t image;  /* VkImage */
            uint32_t format; /* VkFormat */
            uint32_t layout; /* VkImageLayout the image is in and is left in */
            dsvk_footprint footprint; /* subresource; data_offset 0; extent = box size */
            dsvk_box box;
        } image_region;
        struct {
            uint64_t image;
            uint32_t format;
            uint32_t layout;
            uint32_t count;
            const dsvk_footprint *footprints; /* copied at enqueue */
        } subresources;
        struct {
            uint64_t resource; /* VkImage or VkBuffer */
            uint32_t is_buffer;
            uint32_t format;
            uint32_t layout;
            uint32_t subresource_mip, subresource_layer, aspect;
            uint32_t x, y, z;               /* first tile, in tiles */
            uint32_t tiles_w, tiles_h, tiles_d; /* region size, in tiles */
            uint32_t tile_width, tile_height, tile_depth; /* texels per 64 KiB tile */
        } tiles;
    } u;
} dsvk_destination;

typedef struct dsvk_request {
    dsvk_source source;
    dsvk_destination destination;
    uint8_t compression;        /* dsvk_compression */
    uint32_t uncompressed_size; /* 0 allowed when not compressed */
    uint64_t cancel_tag;
    const char *name;           /* optional; copied */
} dsvk_request;

#ifdef __cplusplus
}
#endif

#endif
