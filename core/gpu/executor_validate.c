/*
 * Enqueue-time checks of GPU requests: what the executor can do, with a log line that says
 * why a request is refused. The request then fails like any invalid request (its status
 * entry and the queue's error record report the result).
 */
#include "gpu/executor_format.h"
#include "gpu/executor_internal.h"

#define REFUSE(result, ...)                                                                        \
    do {                                                                                           \
        DSVK_WARN("queue '%s': request '%s' refused: " __VA_ARGS__);                               \
        return result;                                                                             \
    } while (0)

static bool valid_layout(uint32_t layout)
{
    return layout != VK_IMAGE_LAYOUT_UNDEFINED && layout != VK_IMAGE_LAYOUT_PREINITIALIZED;
}

/* Bytes from the footprint's data_offset to the end of its last row; false when the pitch
 * is too small or not a whole number of blocks, or the numbers overflow. */
static bool footprint_end(const dsvk_footprint *f, uint32_t w, uint32_t h, uint32_t d,
                          const dsvk_texel_block *b, uint64_t *end)
{
    uint64_t cols = (w + (uint64_t)b->width - 1) / b->width;
    uint64_t rows = (h + (uint64_t)b->height - 1) / b->height;
    uint64_t row_bytes = cols * b->bytes, slice, all;
    if (f->row_pitch < row_bytes || f->row_pitch % b->bytes)
        return false;
    if (__builtin_mul_overflow(rows, (uint64_t)f->row_pitch, &slice) ||
        __builtin_mul_overflow(slice, (uint64_t)(d - 1), &all))
        return false;
    *end = f->data_offset + all + (rows - 1) * f->row_pitch + row_bytes;
    return *end >= f->data_offset;
}

static bool transfer_granularity_ok(const dsvk_device *dev)
{
    VkExtent3D g = dev->desc.queue_family.minImageTransferGranularity;
    return g.width == 1 && g.height == 1 && g.depth == 1;
}

/* One footprint of an image destination; `what` names it in log lines. */
static dsvk_result check_footprint(const char *queue, const char *name, const dsvk_footprint *f,
                                   uint32_t format, uint32_t w, uint32_t h, uint32_t d,
                                   uint64_t data_size, const char *what)
{
    dsvk_texel_block b;
    uint32_t aspect = f->aspect ? f->aspect : VK_IMAGE_ASPECT_COLOR_BIT;
    if (!dsvk_texel_block_of((VkFormat)format, aspect, &b))
        REFUSE(DSVK_E_UNSUPPORTED,
               "%s: format %u with aspect 0x%x is not one the GPU executor "
               "copies",
               queue, name, what, format, aspect);
    if (w == 0 || h == 0 || d == 0)
        REFUSE(DSVK_E_INVALID_ARGUMENT, "%s: empty extent %ux%ux%u", queue, name, what, w, h, d);
    if (f->data_offset % b.bytes || f->data_offset % 4)
        REFUSE(DSVK_E_INVALID_ARGUMENT,
               "%s: data offset %llu is not a multiple of the %u-byte "
               "texel block and of 4",
               queue, name, what, (unsigned long long)f->data_offset, b.bytes);
    uint64_t end;
    if (!footprint_end(f, w, h, d, &b, &end))
        REFUSE(DSVK_E_INVALID_ARGUMENT,
               "%s: row pitch %u does not hold %u texels of %u-byte "
               "%ux%u blocks",
               queue, name, what, f->row_pitch, w, b.bytes, b.width, b.height);
    if (end > data_size)
        REFUSE(DSVK_E_INVALID_DESTINATION_SIZE,
               "%s: needs %llu bytes of data, the request has "
               "%llu",
               queue, name, what, (unsigned long long)end, (unsigned long long)data_size);
    return DSVK_OK;
}

static dsvk_result check_image(const char *queue, const char *name, const dsvk_device *dev,
                               uint64_t image, uint32_t layout)
{
    if (!image)
        REFUSE(DSVK_E_INVALID_ARGUMENT, "no VkImage", queue, name);
    if (!valid_layout(layout))
        REFUSE(DSVK_E_INVALID_ARGUMENT, "image layout %u cannot be left after a copy", queue, name,
               layout);
    if (!transfer_granularity_ok(dev))
        REFUSE(DSVK_E_UNSUPPORTED,
               "dsvk's queue family has an image transfer granularity other "
               "than 1x1x1; image destinations are not supported on it",
               queue, name);
    return DSVK_OK;
}

static dsvk_result check_tiles(const char *queue, const char *name, const dsvk_device *dev,
                               const dsvk_destination *dst, uint64_t data_size)
{
    uint64_t tiles = (uint64_t)dst->u.tiles.tiles_w * dst->u.tiles.tiles_h * dst->u.tiles.tiles_d;
    if (!dst->u.tiles.resource)
        REFUSE(DSVK_E_INVALID_ARGUMENT, "no tiled resource", queue, name);
    if (tiles == 0)
        REFUSE(DSVK_E_INVALID_ARGUMENT, "empty tile region", queue, name);
    if (tiles * DSVK_GDEFLATE_TILE_SIZE != data_size)
        REFUSE(DSVK_E_INVALID_DESTINATION_SIZE, "%llu tiles need %llu bytes, the request has %llu",
               queue, name, (unsigned long long)tiles,
               (unsigned long long)(tiles * DSVK_GDEFLATE_TILE_SIZE),
               (unsigned long long)data_size);
    if (dst->u.tiles.is_buffer)
        return DSVK_OK;
    dsvk_result r = check_image(queue, name, dev, dst->u.tiles.resource, dst->u.tiles.layout);
    if (r != DSVK_OK)
        return r;
    dsvk_texel_block b;
    uint32_t aspect = dst->u.tiles.aspect ? dst->u.tiles.aspect : VK_IMAGE_ASPECT_COLOR_BIT;
    uint32_t tw = dst->u.tiles.tile_width, th = dst->u.tiles.tile_height;
    uint32_t td = dst->u.tiles.tile_depth;
    if (!dsvk_texel_block_of((VkFormat)dst->u.tiles.format, aspect, &b))
        REFUSE(DSVK_E_UNSUPPORTED, "format %u with aspect 0x%x is not one the GPU executor copies",
               queue, name, dst->u.tiles.format, aspect);
    if (!tw || !th || !td || tw % b.width || th % b.height ||
        (uint64_t)(tw / b.width) * (th / b.height) * td * b.bytes != DSVK_GDEFLATE_TILE_SIZE)
        REFUSE(DSVK_E_INVALID_ARGUMENT, "a %ux%ux%u tile of format %u is not 64 KiB", queue, name,
               tw, th, td, dst->u.tiles.format);
    return DSVK_OK;
}

dsvk_result dsvk_gpu_exec_validate(dsvk_device *dev, const dsvk_request *r, const char *queue,
                                   const char *name)
{
    if (!dsvk_device_is_registered(dev) || dsvk_gpu_exec_is_lost(dev))
        REFUSE(DSVK_E_DEVICE_LOST, "device %s is lost or unregistered", queue, name,
               dev->desc.properties.deviceName);
    if (!dev->desc.enabled.timeline_semaphore || !dev->vk.WaitSemaphores)
        REFUSE(DSVK_E_UNSUPPORTED, "device %s has no timeline semaphores enabled", queue, name,
               dev->desc.properties.deviceName);
    if (r->compression != DSVK_COMPRESSION_NONE && r->compression != DSVK_COMPRESSION_GDEFLATE)
        REFUSE(DSVK_E_UNSUPPORTED, "custom compression format 0x%x decodes to host memory only",
               queue, name, r->compression);

    uint64_t src =
        r->source.type == DSVK_SOURCE_FILE ? r->source.u.file.size : r->source.u.memory.size;
    uint64_t data = src;
    if (r->compression == DSVK_COMPRESSION_NONE) {
        if (r->uncompressed_size && r->uncompressed_size != src)
            REFUSE(DSVK_E_INVALID_DESTINATION_SIZE,
                   "uncompressed size %u differs from the "
                   "source's %llu bytes",
                   queue, name, r->uncompressed_size, (unsigned long long)src);
    } else {
        data = r->uncompressed_size;
    }
    if (data == 0 || src == 0)
        REFUSE(DSVK_E_INVALID_DESTINATION_SIZE, "no bytes to upload", queue, name);
    uint64_t ring = dsvk_gpu_exec_ring_size(dev);
    if (src > ring || data > ring)
        REFUSE(DSVK_E_REQUEST_TOO_LARGE,
               "%llu source / %llu destination bytes exceed the %llu "
               "byte staging size (DSVK_STAGING_MB)",
               queue, name, (unsigned long long)src, (unsigned long long)data,
               (unsigned long long)ring);

    const dsvk_destination *dst = &r->destination;
    dsvk_result res;
    switch (dst->type) {
    case DSVK_DEST_BUFFER:
        if (!dst->u.buffer.buffer)
            REFUSE(DSVK_E_INVALID_ARGUMENT, "no VkBuffer", queue, name);
        if (dst->u.buffer.size != data)
            REFUSE(DSVK_E_INVALID_DESTINATION_SIZE,
                   "buffer range of %u bytes for %llu bytes of "
                   "data",
                   queue, name, dst->u.buffer.size, (unsigned long long)data);
        if (dst->u.buffer.offset > UINT64_MAX - dst->u.buffer.size)
            REFUSE(DSVK_E_INVALID_ARGUMENT, "buffer offset overflows", queue, name);
        return DSVK_OK;
    case DSVK_DEST_IMAGE_REGION: {
        const dsvk_box *b = &dst->u.image_region.box;
        res = check_image(queue, name, dev, dst->u.image_region.image, dst->u.image_region.layout);
        if (res == DSVK_OK)
            res = check_footprint(queue, name, &dst->u.image_region.footprint,
                                  dst->u.image_region.format, b->width, b->height, b->depth, data,
                                  "region");
        if (res == DSVK_OK && dst->u.image_region.footprint.data_offset)
            REFUSE(DSVK_E_INVALID_ARGUMENT, "an image region's data starts at offset 0", queue,
                   name);
        dsvk_texel_block tb;
        uint32_t aspect = dst->u.image_region.footprint.aspect;
        if (res == DSVK_OK &&
            dsvk_texel_block_of((VkFormat)dst->u.image_region.format,
                                aspect ? aspect : VK_IMAGE_ASPECT_COLOR_BIT, &tb) &&
            (b->x % tb.width || b->y % tb.height))
            REFUSE(DSVK_E_INVALID_ARGUMENT, "region origin %u,%u is not on a %ux%u block corner",
                   queue, name, b->x, b->y, tb.width, tb.height);
        return res;
    }
    case DSVK_DEST_SUBRESOURCES:
        res = check_image(queue, name, dev, dst->u.subresources.image, dst->u.subresources.layout);
        if (res != DSVK_OK)
            return res;
        if (!dst->u.subresources.count || !dst->u.subresources.footprints)
            REFUSE(DSVK_E_INVALID_ARGUMENT, "no subresources", queue, name);
        for (uint32_t i = 0; i < dst->u.subresources.count && res == DSVK_OK; i++) {
            const dsvk_footprint *f = &dst->u.subresources.footprints[i];
            res = check_footprint(queue, name, f, dst->u.subresources.format, f->width, f->height,
                                  f->depth, data, "subresource");
        }
        return res;
    case DSVK_DEST_TILES: return check_tiles(queue, name, dev, dst, data);
    default: return DSVK_E_INVALID_DESTINATION_TYPE;
    }
}
