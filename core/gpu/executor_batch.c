/*
 * One command buffer of requests:
 *
 *   [GDeflate: one shader dispatch over every shader request's tiles (a decode slot's jobs),
 *    and/or one vkCmdDecompressMemoryNV with a region per tile] -> scratch ring
 *   barrier: decode writes and earlier work on the queue -> transfer (and host, for status);
 *            images from their layout to TRANSFER_DST_OPTIMAL (unless already in it)
 *   copies: staging or scratch ring -> VkBuffer ranges / VkImage regions
 *   barrier: transfer writes -> everything later; images back to their layout
 *
 * Requests that cannot join the batch are deferred to the next one: no decode slot or tile
 * room left, the batch is full, or an image subresource another request of the batch leaves
 * in a different layout (one transition per subresource and batch).
 */
#include <stdlib.h>
#include <string.h>

#include "gpu/executor_format.h"
#include "gpu/executor_internal.h"

typedef struct transition {
    VkImage image;
    VkImageAspectFlags aspect;
    uint32_t mip, layer;
    VkImageLayout layout;
} transition;

typedef struct builder {
    transition *t;
    uint32_t n, cap;
    uint32_t shader_reqs, shader_tiles, native_tiles;
} builder;

static bool is_decode_on_gpu(const dsvk_gpu_req *g)
{
    return g->path == DSVK_GPU_PATH_DECODE_SHADER || g->path == DSVK_GPU_PATH_DECODE_NATIVE;
}

/* --- image targets ----------------------------------------------------------------------- */

typedef struct image_target {
    VkImage image;
    VkFormat format;
    VkImageLayout layout;
    uint32_t count; /* subresources written */
} image_target;

static bool image_of(const dsvk_request *r, image_target *out)
{
    const dsvk_destination *d = &r->destination;
    *out = (image_target){0};
    switch (d->type) {
    case DSVK_DEST_IMAGE_REGION:
        *out = (image_target){(VkImage)(uintptr_t)d->u.image_region.image,
                              (VkFormat)d->u.image_region.format,
                              (VkImageLayout)d->u.image_region.layout, 1};
        return true;
    case DSVK_DEST_SUBRESOURCES:
        *out = (image_target){(VkImage)(uintptr_t)d->u.subresources.image,
                              (VkFormat)d->u.subresources.format,
                              (VkImageLayout)d->u.subresources.layout, d->u.subresources.count};
        return true;
    case DSVK_DEST_TILES:
        if (d->u.tiles.is_buffer)
            return false;
        *out = (image_target){(VkImage)(uintptr_t)d->u.tiles.resource, (VkFormat)d->u.tiles.format,
                              (VkImageLayout)d->u.tiles.layout, 1};
        return true;
    default: return false;
    }
}

static VkImageAspectFlags aspect_or_color(uint32_t aspect)
{
    return aspect ? aspect : VK_IMAGE_ASPECT_COLOR_BIT;
}

/* Subresource i of an image request: aspect (as copied), mip, layer. */
static void subresource_at(const dsvk_request *r, uint32_t i, VkImageAspectFlags *aspect,
                           uint32_t *mip, uint32_t *layer)
{
    const dsvk_destination *d = &r->destination;
    const dsvk_footprint *f = NULL;
    if (d->type == DSVK_DEST_IMAGE_REGION)
        f = &d->u.image_region.footprint;
    else if (d->type == DSVK_DEST_SUBRESOURCES)
        f = &d->u.subresources.footprints[i];
    if (f) {
        *aspect = aspect_or_color(f->aspect);
        *mip = f->mip_level;
        *layer = f->array_layer;
        return;
    }
    *aspect = aspect_or_color(d->u.tiles.aspect);
    *mip = d->u.tiles.subresource_mip;
    *layer = d->u.tiles.subresource_layer;
}

/* A combined depth/stencil image transitions both aspects together. */
static VkImageAspectFlags barrier_aspect(VkFormat format, VkImageAspectFlags aspect)
{
    VkImageAspectFlags all = dsvk_format_aspects(format);
    const VkImageAspectFlags ds = VK_IMAGE_ASPECT_DEPTH_BIT | VK_IMAGE_ASPECT_STENCIL_BIT;
    return (all & ds) == ds ? ds : aspect;
}

/* Layouts a copy writes in place. GENERAL would do too, but drivers may copy faster in
 * TRANSFER_DST_OPTIMAL (validation says so), and the transition back costs little. */
static bool writable_in_place(VkImageLayout l)
{
    return l == VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL;
}

/* Adds the request's subresources to the batch's transitions; false (nothing added) when
 * one is already there with another layout. */
static bool add_transitions(builder *bd, const dsvk_request *r)
{
    image_target it;
    if (!image_of(r, &it))
        return true;
    uint32_t n0 = bd->n;
    for (uint32_t i = 0; i < it.count; i++) {
        VkImageAspectFlags aspect;
        uint32_t mip, layer;
        subresource_at(r, i, &aspect, &mip, &layer);
        aspect = barrier_aspect(it.format, aspect);
        bool found = false;
        for (uint32_t k = 0; k < bd->n && !found; k++) {
            transition *t = &bd->t[k];
            if (t->image != it.image || t->aspect != aspect || t->mip != mip || t->layer != layer)
                continue;
            if (t->layout != it.layout) {
                bd->n = n0;
                return false;
            }
            found = true;
        }
        if (found)
            continue;
        if (bd->n == bd->cap) {
            uint32_t cap = bd->cap ? bd->cap * 2 : 64;
            transition *nt = realloc(bd->t, cap * sizeof(*nt));
            if (!nt) {
                bd->n = n0;
                return false;
            }
            bd->t = nt;
            bd->cap = cap;
        }
        bd->t[bd->n++] = (transition){it.image, aspect, mip, layer, it.layout};
    }
    return true;
}

/* --- assembling ---------------------------------------------------------------------------- */

static bool take_slot(dsvk_gpu_executor *x, dsvk_gpu_batch *b)
{
    if (b->decode_slot >= 0)
        return true;
    pthread_mutex_lock(&x->lock);
    for (int i = 0; i < DSVK_GPU_DECODE_SLOTS; i++) {
        if (!x->slots[i].busy) {
            x->slots[i].busy = true;
            b->decode_slot = i;
            break;
        }
    }
    pthread_mutex_unlock(&x->lock);
    return b->decode_slot >= 0;
}

/* Whether g can join b; reserves what it needs (slot, tile room, transitions). */
static bool admit(dsvk_gpu_executor *x, dsvk_gpu_batch *b, builder *bd, dsvk_gpu_req *g)
{
    bool shader = g->path == DSVK_GPU_PATH_DECODE_SHADER;
    if (b->count >= DSVK_GPU_BATCH_MAX)
        return false;
    if (shader && (bd->shader_reqs >= DSVK_GPU_SLOT_REQUESTS ||
                   bd->shader_tiles + g->gd.num_tiles > x->slot_tiles))
        return false;
    uint32_t n0 = bd->n;
    if (!add_transitions(bd, &g->e->req))
        return false;
    if (shader && !take_slot(x, b)) {
        bd->n = n0;
        return false;
    }
    if (g->path == DSVK_GPU_PATH_DECODE_SHADER) {
        g->status_slot = bd->shader_reqs++;
        bd->shader_tiles += g->gd.num_tiles;
    } else if (g->path == DSVK_GPU_PATH_DECODE_NATIVE) {
        bd->native_tiles += g->gd.num_tiles;
    }
    return true;
}

/* --- recording ----------------------------------------------------------------------------- */

static VkBuffer source_buffer(const dsvk_gpu_executor *x, const dsvk_gpu_req *g, VkDeviceSize *base)
{
    if (is_decode_on_gpu(g)) {
        *base = g->scratch.offset;
        return x->scratch_mem.buffer;
    }
    *base = g->staging.offset;
    return x->staging_mem.buffer;
}

/* Tile descriptors of the batch's requests decoded on `path`, from their data_ready copies. */
static dsvk_result collect_tiles(dsvk_gpu_batch *b, dsvk_gpu_path path, dsvk_gdgpu_tile *out,
                                 uint32_t cap, uint32_t *n)
{
    *n = 0;
    for (dsvk_gpu_req *g = b->reqs; g; g = g->next) {
        if (g->path != path)
            continue;
        if (g->gd.num_tiles > cap - *n)
            return DSVK_E_INVALID_ARGUMENT; /* admit() counted them; only a bug lands here */
        for (uint32_t i = 0; i < g->gd.num_tiles; i++) {
            out[*n + i] = g->tiles[i];
            out[*n + i].status_slot = g->status_slot;
        }
        *n += g->gd.num_tiles;
    }
    return DSVK_OK;
}

static dsvk_result record_shader(dsvk_gpu_executor *x, dsvk_gpu_batch *b, const builder *bd)
{
    dsvk_gpu_decode_slot *slot = &x->slots[b->decode_slot];
    dsvk_gdgpu_tile *tiles = malloc((size_t)bd->shader_tiles * sizeof(*tiles));
    if (!tiles)
        return DSVK_E_NO_MEMORY;
    uint32_t n = 0;
    dsvk_result r = collect_tiles(b, DSVK_GPU_PATH_DECODE_SHADER, tiles, bd->shader_tiles, &n);
    if (r == DSVK_OK) {
        uint8_t *map = x->control_mem.map;
        dsvk_gdgpu_jobs_write_for(x->shader, map + slot->jobs_offset, tiles, n);
        memset(map + slot->status_offset, 0, 4u * bd->shader_reqs);
        dsvk_ring_memory_flush(x->dev, &x->control_mem, slot->jobs_offset, dsvk_gdgpu_jobs_size(n));
        dsvk_ring_memory_flush(x->dev, &x->control_mem, slot->status_offset, 4u * bd->shader_reqs);
        dsvk_gdgpu_record_direct(x->shader, b->cmd, slot->binding, n);
    }
    free(tiles);
    return r;
}

static dsvk_result record_native(dsvk_gpu_executor *x, dsvk_gpu_batch *b, const builder *bd)
{
    dsvk_gdgpu_tile *tiles = malloc((size_t)bd->native_tiles * sizeof(*tiles));
    VkDecompressMemoryRegionNV *regions = malloc((size_t)bd->native_tiles * sizeof(*regions));
    uint32_t n = 0;
    dsvk_result r = tiles && regions
                        ? collect_tiles(b, DSVK_GPU_PATH_DECODE_NATIVE, tiles, bd->native_tiles, &n)
                        : DSVK_E_NO_MEMORY;
    if (r == DSVK_OK) {
        /* The last tile's 0 size (a full tile) is already 65536 in the descriptors. */
        dsvk_gdgpu_native_regions(tiles, n, x->staging_mem.address, x->scratch_mem.address,
                                  regions);
        x->dev->vk.CmdDecompressMemoryNV(b->cmd, n, regions);
    }
    free(tiles);
    free(regions);
    return r;
}

static void image_barriers(dsvk_gpu_executor *x, VkCommandBuffer cmd, const builder *bd,
                           bool before)
{
    VkImageMemoryBarrier *ib = bd->n ? calloc(bd->n, sizeof(*ib)) : NULL;
    uint32_t n = 0;
    for (uint32_t i = 0; ib && i < bd->n; i++) {
        const transition *t = &bd->t[i];
        if (writable_in_place(t->layout))
            continue;
        ib[n++] = (VkImageMemoryBarrier){
            .sType = VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER,
            .srcAccessMask = before ? VK_ACCESS_MEMORY_WRITE_BIT : VK_ACCESS_TRANSFER_WRITE_BIT,
            .dstAccessMask = before ? VK_ACCESS_TRANSFER_WRITE_BIT
                                    : VK_ACCESS_MEMORY_READ_BIT | VK_ACCESS_MEMORY_WRITE_BIT,
            .oldLayout = before ? t->layout : VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL,
            .newLayout = before ? VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL : t->layout,
            .srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
            .dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
            .image = t->image,
            .subresourceRange = {t->aspect, t->mip, 1, t->layer, 1},
        };
    }
    /* Global part: before, everything written earlier on the queue (the decode, the
     * application's work on a shared queue) is visible to the copies and the status reads;
     * after, the copies' writes are visible to whatever comes next. */
    VkMemoryBarrier mb = {
        .sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER,
        .srcAccessMask = before ? VK_ACCESS_MEMORY_WRITE_BIT : VK_ACCESS_TRANSFER_WRITE_BIT,
        .dstAccessMask = before ? VK_ACCESS_TRANSFER_READ_BIT | VK_ACCESS_TRANSFER_WRITE_BIT |
                                      VK_ACCESS_HOST_READ_BIT
                                : VK_ACCESS_MEMORY_READ_BIT | VK_ACCESS_MEMORY_WRITE_BIT,
    };
    x->dev->vk.CmdPipelineBarrier(
        cmd, before ? VK_PIPELINE_STAGE_ALL_COMMANDS_BIT : VK_PIPELINE_STAGE_TRANSFER_BIT,
        before ? VK_PIPELINE_STAGE_TRANSFER_BIT | VK_PIPELINE_STAGE_HOST_BIT
               : VK_PIPELINE_STAGE_ALL_COMMANDS_BIT,
        0, 1, &mb, 0, NULL, n, ib);
    free(ib);
}

static VkBufferImageCopy footprint_copy(const dsvk_footprint *f, VkFormat format, VkDeviceSize base,
                                        VkOffset3D at, VkExtent3D extent)
{
    VkImageAspectFlags aspect = aspect_or_color(f->aspect);
    dsvk_texel_block blk = {1, 1, 1};
    dsvk_texel_block_of(format, aspect, &blk); /* validated at enqueue */
    return (VkBufferImageCopy){
        .bufferOffset = base + f->data_offset,
        .bufferRowLength = f->row_pitch / blk.bytes * blk.width,
        .bufferImageHeight = (extent.height + blk.height - 1) / blk.height * blk.height,
        .imageSubresource = {aspect, f->mip_level, f->array_layer, 1},
        .imageOffset = at,
        .imageExtent = extent,
    };
}

/* The copy regions of an image request; *n of them in a new array (NULL: out of memory). */
static VkBufferImageCopy *image_regions(const dsvk_request *r, VkDeviceSize base, uint32_t *n)
{
    const dsvk_destination *d = &r->destination;
    VkBufferImageCopy *c = NULL;
    *n = 0;
    if (d->type == DSVK_DEST_IMAGE_REGION) {
        const dsvk_box *bx = &d->u.image_region.box;
        if ((c = malloc(sizeof(*c)))) {
            c[0] =
                footprint_copy(&d->u.image_region.footprint, (VkFormat)d->u.image_region.format,
                               base, (VkOffset3D){(int32_t)bx->x, (int32_t)bx->y, (int32_t)bx->z},
                               (VkExtent3D){bx->width, bx->height, bx->depth});
            *n = 1;
        }
    } else if (d->type == DSVK_DEST_SUBRESOURCES) {
        uint32_t count = d->u.subresources.count;
        if ((c = malloc(count * sizeof(*c)))) {
            for (uint32_t i = 0; i < count; i++) {
                const dsvk_footprint *f = &d->u.subresources.footprints[i];
                c[i] = footprint_copy(f, (VkFormat)d->u.subresources.format, base,
                                      (VkOffset3D){0, 0, 0},
                                      (VkExtent3D){f->width, f->height, f->depth});
            }
            *n = count;
        }
    } else {
        /* Tiles of an image: each 64 KiB of data is one tile's texels, rows of tile_width,
         * in x, then y, then z order over the region. */
        uint32_t tw = d->u.tiles.tile_width, th = d->u.tiles.tile_height;
        uint32_t td = d->u.tiles.tile_depth;
        uint32_t nx = d->u.tiles.tiles_w, ny = d->u.tiles.tiles_h, nz = d->u.tiles.tiles_d;
        VkImageSubresourceLayers sub = {aspect_or_color(d->u.tiles.aspect),
                                        d->u.tiles.subresource_mip, d->u.tiles.subresource_layer,
                                        1};
        uint32_t count = nx * ny * nz;
        if ((c = malloc(count * sizeof(*c)))) {
            uint32_t i = 0;
            for (uint32_t z = 0; z < nz; z++)
                for (uint32_t y = 0; y < ny; y++)
                    for (uint32_t x = 0; x < nx; x++, i++)
                        c[i] = (VkBufferImageCopy){
                            .bufferOffset = base + (VkDeviceSize)i * DSVK_GDEFLATE_TILE_SIZE,
                            .bufferRowLength = tw,
                            .bufferImageHeight = th,
                            .imageSubresource = sub,
                            .imageOffset = {(int32_t)((d->u.tiles.x + x) * tw),
                                            (int32_t)((d->u.tiles.y + y) * th),
                                            (int32_t)((d->u.tiles.z + z) * td)},
                            .imageExtent = {tw, th, td},
                        };
            *n = count;
        }
    }
    return c;
}

static dsvk_result record_copy(dsvk_gpu_executor *x, VkCommandBuffer cmd, dsvk_gpu_req *g)
{
    const dsvk_request *r = &g->e->req;
    const dsvk_destination *d = &r->destination;
    VkDeviceSize base;
    VkBuffer src = source_buffer(x, g, &base);
    if (d->type == DSVK_DEST_BUFFER) {
        VkBufferCopy c = {base, d->u.buffer.offset, d->u.buffer.size};
        x->dev->vk.CmdCopyBuffer(cmd, src, (VkBuffer)(uintptr_t)d->u.buffer.buffer, 1, &c);
        return DSVK_OK;
    }
    if (d->type == DSVK_DEST_TILES && d->u.tiles.is_buffer) {
        uint64_t tiles = (uint64_t)d->u.tiles.tiles_w * d->u.tiles.tiles_h * d->u.tiles.tiles_d;
        VkBufferCopy c = {base, (VkDeviceSize)d->u.tiles.x * DSVK_GDEFLATE_TILE_SIZE,
                          tiles * DSVK_GDEFLATE_TILE_SIZE};
        x->dev->vk.CmdCopyBuffer(cmd, src, (VkBuffer)(uintptr_t)d->u.tiles.resource, 1, &c);
        return DSVK_OK;
    }
    image_target it;
    image_of(r, &it);
    uint32_t n;
    VkBufferImageCopy *regions = image_regions(r, base, &n);
    if (!regions)
        return DSVK_E_NO_MEMORY;
    VkImageLayout layout =
        writable_in_place(it.layout) ? it.layout : VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL;
    x->dev->vk.CmdCopyBufferToImage(cmd, src, it.image, layout, n, regions);
    free(regions);
    return DSVK_OK;
}

VkResult dsvk_gpu_exec_record(dsvk_gpu_executor *x, dsvk_gpu_batch *b, dsvk_gpu_req *taken,
                              dsvk_gpu_req **deferred)
{
    builder bd = {0};
    dsvk_gpu_req **tail = &b->reqs, **dtail = deferred;
    uint32_t dropped = 0;
    *deferred = NULL;
    b->reqs = NULL;
    b->count = 0;
    b->decode_slot = -1;
    while (taken) {
        dsvk_gpu_req *g = taken;
        taken = g->next;
        g->next = NULL;
        if (!dsvk_exec_live(g->e)) {
            /* Cancelled (or failed) before it was recorded: dropped, its range untouched. */
            dropped++;
            dsvk_exec_job_done(g->e);
        } else if (admit(x, b, &bd, g)) {
            *tail = g;
            tail = &g->next;
            b->count++;
        } else {
            *dtail = g;
            dtail = &g->next;
        }
    }
    if (dropped) {
        pthread_mutex_lock(&x->lock);
        x->stat_dropped += dropped;
        pthread_mutex_unlock(&x->lock);
    }
    if (!b->count) {
        free(bd.t);
        return VK_SUCCESS;
    }

    const dsvk_vkfns *vk = &x->dev->vk;
    VkCommandBufferBeginInfo begin = {
        .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
        .flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT,
    };
    VkResult vr = vk->BeginCommandBuffer(b->cmd, &begin); /* resets it (pool flag) */
    dsvk_result r = DSVK_OK;
    if (vr == VK_SUCCESS && bd.shader_tiles)
        r = record_shader(x, b, &bd);
    if (vr == VK_SUCCESS && r == DSVK_OK && bd.native_tiles)
        r = record_native(x, b, &bd);
    if (vr == VK_SUCCESS && r == DSVK_OK) {
        image_barriers(x, b->cmd, &bd, true);
        for (dsvk_gpu_req *g = b->reqs; g && r == DSVK_OK; g = g->next) {
            r = record_copy(x, b->cmd, g);
            if (g->has_staging)
                dsvk_ring_memory_flush(x->dev, &x->staging_mem, g->staging.offset, g->staging.size);
        }
        image_barriers(x, b->cmd, &bd, false);
    }
    if (vr == VK_SUCCESS)
        vr = vk->EndCommandBuffer(b->cmd);
    free(bd.t);
    if (vr == VK_SUCCESS && r != DSVK_OK)
        vr = r == DSVK_E_NO_MEMORY ? VK_ERROR_OUT_OF_HOST_MEMORY : VK_ERROR_UNKNOWN;
    return vr;
}

void dsvk_gpu_exec_batch_results(dsvk_gpu_executor *x, dsvk_gpu_batch *b)
{
    if (b->decode_slot < 0)
        return;
    dsvk_gpu_decode_slot *slot = &x->slots[b->decode_slot];
    dsvk_ring_memory_invalidate(x->dev, &x->control_mem, slot->status_offset,
                                4u * DSVK_GPU_SLOT_REQUESTS);
    const uint32_t *status = (const uint32_t *)(x->control_mem.map + slot->status_offset);
    for (dsvk_gpu_req *g = b->reqs; g; g = g->next) {
        if (g->path != DSVK_GPU_PATH_DECODE_SHADER)
            continue;
        uint32_t word = status[g->status_slot];
        if (dsvk_gdgpu_status_result(word, g->gd.num_tiles) == DSVK_OK)
            continue;
        char why[128];
        dsvk_exec *e = g->e;
        /* The host validated every descriptor, so "descriptor" means the shader's start-up
         * check refused the device's workgroup layout (subgroups it cannot use): it will
         * refuse every tile, so the stream data is not at fault and the CPU takes over. */
        if ((word & DSVK_GDGPU_E_DESCRIPTOR) && !atomic_exchange(&x->shader_unusable, true))
            DSVK_ERR("gpu executor: the GDeflate shader cannot run on %s (its workgroup "
                     "layout check failed: subgroup size %u); later requests decode on the CPU",
                     x->dev->desc.properties.deviceName, x->dev->desc.subgroup_size);
        DSVK_WARN("request '%s' (%s, offset %llu): the GDeflate shader rejected the stream "
                  "(%u of %u tiles decoded: %s); its destination range holds undefined bytes",
                  e->name,
                  e->req.source.type == DSVK_SOURCE_FILE && e->req.source.u.file.file
                      ? e->req.source.u.file.file->name
                      : "memory",
                  e->req.source.type == DSVK_SOURCE_FILE
                      ? (unsigned long long)e->req.source.u.file.offset
                      : 0ull,
                  word & DSVK_GDGPU_STATUS_COUNT_MASK, g->gd.num_tiles,
                  dsvk_gdgpu_status_string(word, why, sizeof(why)));
        dsvk_exec_fail(e, DSVK_E_DECOMPRESSION, 0);
    }
    dsvk_gpu_exec_release_slot(x, b);
}

void dsvk_gpu_exec_release_slot(dsvk_gpu_executor *x, dsvk_gpu_batch *b)
{
    if (b->decode_slot < 0)
        return;
    pthread_mutex_lock(&x->lock);
    x->slots[b->decode_slot].busy = false;
    x->slot_gen++;
    b->decode_slot = -1;
    pthread_cond_signal(&x->submit_wake); /* deferred shader requests may go now */
    pthread_mutex_unlock(&x->lock);
}
