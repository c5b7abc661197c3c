/* Self-contained GDeflate GPU batches (gdeflate_gpu_batch.h). */
#include "gpu/gdeflate_gpu_batch.h"

#include <stdlib.h>
#include <string.h>

#include <dsvk/gdeflate.h>

#include "log.h"

#define STAGING_SIZE (64ull << 20)
#define COUNT_SLOTS 64u /* region chunks of one native run */
#define WAIT_NS (600ull * 1000000000ull)

typedef struct segment {
    uint32_t first_tile, tiles;
    uint64_t in_lo, in_hi;   /* byte range of the input buffer it binds */
    uint64_t out_lo, out_hi; /* of the output buffer */
    uint64_t jobs_offset;    /* of its jobs in the jobs buffer */
    uint64_t status_lo;      /* bound status range start (bytes) */
    dsvk_gdgpu_binding *binding;
} segment;

struct dsvk_gdgpu_batch {
    dsvk_gdgpu_env env;
    dsvk_gdgpu *g;
    dsvk_vkcmd cmd;
    VkQueryPool queries;
    uint32_t nstreams;
    uint64_t *stream_out;   /* output offset of each stream */
    uint32_t *stream_tile0; /* first tile of each stream */
    uint64_t in_size, out_size, in_bytes_used;
    uint32_t ntiles;
    dsvk_gdgpu_tile *tiles;      /* sizes and slots; positions are in abs_src / abs_dst */
    uint64_t *abs_src, *abs_dst; /* tile positions in the input and output buffers */
    uint64_t *stream_in;         /* input offset of each stream */
    uint32_t nsegs;
    segment *segs;
    dsvk_vkbuf input, output, jobs, status, staging, regions, count;
    bool native;
};

static uint64_t align_up(uint64_t v, uint64_t a)
{
    return (v + a - 1) / a * a;
}

static uint64_t align_down(uint64_t v, uint64_t a)
{
    return v / a * a;
}

uint32_t dsvk_gdgpu_batch_tiles(const dsvk_gdgpu_batch *b)
{
    return b->ntiles;
}

uint32_t dsvk_gdgpu_batch_segments(const dsvk_gdgpu_batch *b)
{
    return b->nsegs;
}

uint64_t dsvk_gdgpu_batch_output_size(const dsvk_gdgpu_batch *b)
{
    return b->out_size;
}

uint64_t dsvk_gdgpu_batch_input_size(const dsvk_gdgpu_batch *b)
{
    return b->in_bytes_used;
}

uint64_t dsvk_gdgpu_batch_stream_output(const dsvk_gdgpu_batch *b, uint32_t i)
{
    return b->stream_out[i];
}

uint32_t dsvk_gdgpu_batch_stream_first_tile(const dsvk_gdgpu_batch *b, uint32_t i)
{
    return b->stream_tile0[i];
}

/* Copies host bytes into a device buffer through the staging buffer. */
static dsvk_result upload(dsvk_gdgpu_batch *b, const dsvk_vkbuf *dst, uint64_t dst_off,
                          const void *src, uint64_t size)
{
    const dsvk_vkfns *vk = b->env.vk;
    while (size > 0) {
        uint64_t n = size < STAGING_SIZE ? size : STAGING_SIZE;
        memcpy(b->staging.map, src, n);
        dsvk_result r = dsvk_vkcmd_begin(vk, b->env.device, &b->cmd);
        if (r != DSVK_OK)
            return r;
        VkBufferCopy c = {.srcOffset = 0, .dstOffset = dst_off, .size = n};
        vk->CmdCopyBuffer(b->cmd.cmd, b->staging.buffer, dst->buffer, 1, &c);
        r = dsvk_vkcmd_submit_wait(vk, b->env.device, &b->cmd, WAIT_NS);
        if (r != DSVK_OK)
            return r;
        src = (const uint8_t *)src + n;
        dst_off += n;
        size -= n;
    }
    return DSVK_OK;
}

static dsvk_result download(dsvk_gdgpu_batch *b, const dsvk_vkbuf *src, uint64_t src_off, void *dst,
                            uint64_t size)
{
    const dsvk_vkfns *vk = b->env.vk;
    while (size > 0) {
        uint64_t n = size < STAGING_SIZE ? size : STAGING_SIZE;
        dsvk_result r = dsvk_vkcmd_begin(vk, b->env.device, &b->cmd);
        if (r != DSVK_OK)
            return r;
        VkBufferCopy c = {.srcOffset = src_off, .dstOffset = 0, .size = n};
        vk->CmdCopyBuffer(b->cmd.cmd, src->buffer, b->staging.buffer, 1, &c);
        dsvk_vk_barrier(vk, b->cmd.cmd, VK_PIPELINE_STAGE_TRANSFER_BIT,
                        VK_ACCESS_TRANSFER_WRITE_BIT, VK_PIPELINE_STAGE_HOST_BIT,
                        VK_ACCESS_HOST_READ_BIT);
        r = dsvk_vkcmd_submit_wait(vk, b->env.device, &b->cmd, WAIT_NS);
        if (r != DSVK_OK)
            return r;
        memcpy(dst, b->staging.map, n);
        dst = (uint8_t *)dst + n;
        src_off += n;
        size -= n;
    }
    return DSVK_OK;
}

/* Splits the tiles into segments whose bound ranges fit `limit` bytes, streams whole. */
static dsvk_result make_segments(dsvk_gdgpu_batch *b, uint64_t limit, uint64_t align)
{
    b->segs = calloc(b->nstreams ? b->nstreams : 1, sizeof(segment));
    if (!b->segs)
        return DSVK_E_NO_MEMORY;
    segment *cur = NULL;
    for (uint32_t s = 0; s < b->nstreams; s++) {
        uint32_t t0 = b->stream_tile0[s];
        uint32_t t1 = s + 1 < b->nstreams ? b->stream_tile0[s + 1] : b->ntiles;
        if (t0 == t1)
            continue;
        uint64_t in_lo = b->abs_src[t0], in_hi = in_lo, out_lo = b->abs_dst[t0], out_hi = out_lo;
        for (uint32_t t = t0; t < t1; t++) {
            uint64_t lo = b->abs_src[t], hi = lo + b->tiles[t].src_size;
            in_lo = lo < in_lo ? lo : in_lo;
            in_hi = hi > in_hi ? hi : in_hi;
            hi = align_up(b->abs_dst[t] + b->tiles[t].dst_size, 4); /* bound as words */
            out_hi = hi > out_hi ? hi : out_hi;
        }
        if (cur && align_up(in_hi, 4) - cur->in_lo <= limit && out_hi - cur->out_lo <= limit) {
            cur->tiles += t1 - t0;
            cur->in_hi = in_hi > cur->in_hi ? in_hi : cur->in_hi;
            cur->out_hi = out_hi > cur->out_hi ? out_hi : cur->out_hi;
            continue;
        }
        if (align_up(in_hi, 4) - align_down(in_lo, align) > limit ||
            out_hi - align_down(out_lo, align) > limit)
            return DSVK_E_REQUEST_TOO_LARGE;
        cur = &b->segs[b->nsegs++];
        cur->first_tile = t0;
        cur->tiles = t1 - t0;
        cur->in_lo = align_down(in_lo, align);
        cur->in_hi = in_hi;
        cur->out_lo = align_down(out_lo, align);
        cur->out_hi = out_hi;
    }
    return DSVK_OK;
}

/* Parses the streams: descriptors (sizes), absolute input and output positions. */
static dsvk_result lay_out(dsvk_gdgpu_batch *b, const dsvk_gdgpu_stream *streams, uint32_t n,
                           uint32_t shift)
{
    uint64_t in_pos = 0, out_pos = 0;
    uint32_t cap = 0;
    for (uint32_t i = 0; i < n; i++) {
        dsvk_gdeflate_info info;
        dsvk_result r = dsvk_gdeflate_parse(streams[i].data, streams[i].size, &info);
        if (r != DSVK_OK)
            return r;
        if (b->ntiles + info.num_tiles > cap) {
            cap = (b->ntiles + info.num_tiles) * 2 + 64;
            dsvk_gdgpu_tile *t = realloc(b->tiles, cap * sizeof(*t));
            uint64_t *s = realloc(b->abs_src, cap * sizeof(*s));
            if (t)
                b->tiles = t;
            if (s)
                b->abs_src = s;
            uint64_t *d = realloc(b->abs_dst, cap * sizeof(*d));
            if (d)
                b->abs_dst = d;
            if (!t || !s || !d)
                return DSVK_E_NO_MEMORY;
        }
        in_pos = align_up(in_pos, 4) + shift;
        out_pos = align_up(out_pos, 4);
        b->stream_tile0[i] = b->ntiles;
        b->stream_out[i] = out_pos;
        b->stream_in[i] = in_pos;
        for (uint32_t t = 0; t < info.num_tiles; t++) {
            uint64_t off = 0;
            uint32_t size = 0;
            dsvk_gdeflate_tile_range(streams[i].data, &info, t, &off, &size);
            uint32_t k = b->ntiles + t;
            b->tiles[k] = (dsvk_gdgpu_tile){
                .src_size = size,
                .dst_size = t + 1 == info.num_tiles ? info.last_tile_size : DSVK_GDGPU_TILE_SIZE,
                .status_slot = k,
            };
            b->abs_src[k] = in_pos + off;
            b->abs_dst[k] = out_pos + (uint64_t)t * DSVK_GDGPU_TILE_SIZE;
        }
        b->ntiles += info.num_tiles;
        in_pos += streams[i].size;
        out_pos += info.uncompressed_size;
        b->in_bytes_used += streams[i].size;
    }
    b->in_size = align_up(in_pos, 4) + 4;
    b->out_size = out_pos;
    return DSVK_OK;
}

static dsvk_result make_buffers(dsvk_gdgpu_batch *b, uint64_t align)
{
    const dsvk_vkfns *vk = b->env.vk;
    VkDevice dev = b->env.device;
    const VkPhysicalDeviceMemoryProperties *mp = b->env.memory;
    bool bda = b->native;
    dsvk_result r =
        dsvk_vkbuf_create(vk, dev, mp, b->in_size,
                          VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT,
                          DSVK_VKMEM_DEVICE, bda, &b->input);
    if (r == DSVK_OK)
        r = dsvk_vkbuf_create(vk, dev, mp, align_up(b->out_size, 4) + 4,
                              VK_BUFFER_USAGE_STORAGE_BUFFER_BIT |
                                  VK_BUFFER_USAGE_TRANSFER_SRC_BIT |
                                  VK_BUFFER_USAGE_TRANSFER_DST_BIT,
                              DSVK_VKMEM_DEVICE, bda, &b->output);
    uint64_t jobs_size = 0;
    for (uint32_t s = 0; s < b->nsegs; s++) {
        b->segs[s].jobs_offset = jobs_size;
        jobs_size = align_up(jobs_size + dsvk_gdgpu_jobs_size(b->segs[s].tiles), align);
    }
    if (r == DSVK_OK)
        r = dsvk_vkbuf_create(vk, dev, mp, jobs_size ? jobs_size : 16,
                              VK_BUFFER_USAGE_STORAGE_BUFFER_BIT |
                                  VK_BUFFER_USAGE_INDIRECT_BUFFER_BIT,
                              DSVK_VKMEM_UPLOAD, false, &b->jobs);
    if (r == DSVK_OK)
        r = dsvk_vkbuf_create(vk, dev, mp, (uint64_t)(b->ntiles + 1) * 4,
                              VK_BUFFER_USAGE_STORAGE_BUFFER_BIT |
                                  VK_BUFFER_USAGE_TRANSFER_DST_BIT |
                                  VK_BUFFER_USAGE_TRANSFER_SRC_BIT,
                              DSVK_VKMEM_DEVICE, false, &b->status);
    if (r == DSVK_OK)
        r = dsvk_vkbuf_create(vk, dev, mp, STAGING_SIZE,
                              VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT,
                              DSVK_VKMEM_READBACK, false, &b->staging);
    if (r == DSVK_OK)
        r = dsvk_vkcmd_init(vk, dev, b->env.queue_family, b->env.queue, &b->cmd);
    b->cmd.lock = b->env.lock;
    b->cmd.unlock = b->env.unlock;
    b->cmd.lock_user = b->env.lock_user;
    return r;
}

/* One VkDecompressMemoryRegionNV per tile, with absolute addresses, in device memory. */
static dsvk_result make_regions(dsvk_gdgpu_batch *b)
{
    const dsvk_vkfns *vk = b->env.vk;
    size_t rsize = (size_t)b->ntiles * sizeof(VkDecompressMemoryRegionNV);
    VkDecompressMemoryRegionNV *regs = malloc(rsize ? rsize : 1);
    if (!regs)
        return DSVK_E_NO_MEMORY;
    dsvk_result r = DSVK_OK;
    for (uint32_t t = 0; t < b->ntiles; t++) {
        if (b->abs_src[t] % 4 || b->abs_dst[t] % 4) {
            DSVK_ERR("gpu: tile %u is not 4-byte aligned: no native decode", t);
            r = DSVK_E_UNSUPPORTED;
            break;
        }
    }
    dsvk_gdgpu_tile *abs = malloc((b->ntiles ? b->ntiles : 1) * sizeof(*abs));
    if (!abs)
        r = DSVK_E_NO_MEMORY;
    if (r == DSVK_OK) {
        /* The region's src/dst are base + offset: pass 0 bases and absolute offsets. */
        for (uint32_t t = 0; t < b->ntiles; t++) {
            abs[t] = b->tiles[t];
            abs[t].src_offset = 0;
            abs[t].dst_offset = 0;
        }
        dsvk_gdgpu_native_regions(abs, b->ntiles, 0, 0, regs);
        for (uint32_t t = 0; t < b->ntiles; t++) {
            regs[t].srcAddress = b->input.address + b->abs_src[t];
            regs[t].dstAddress = b->output.address + b->abs_dst[t];
        }
        r = dsvk_vkbuf_create(vk, b->env.device, b->env.memory, rsize ? rsize : 64,
                              VK_BUFFER_USAGE_INDIRECT_BUFFER_BIT |
                                  VK_BUFFER_USAGE_TRANSFER_DST_BIT,
                              DSVK_VKMEM_DEVICE, true, &b->regions);
    }
    if (r == DSVK_OK)
        r = upload(b, &b->regions, 0, regs, rsize);
    if (r == DSVK_OK)
        r = dsvk_vkbuf_create(vk, b->env.device, b->env.memory, COUNT_SLOTS * 4,
                              VK_BUFFER_USAGE_INDIRECT_BUFFER_BIT, DSVK_VKMEM_UPLOAD, true,
                              &b->count);
    free(abs);
    free(regs);
    return r;
}

/* Per segment: descriptors relative to its bound ranges, its jobs, its binding. */
static dsvk_result make_bindings(dsvk_gdgpu_batch *b, uint64_t align)
{
    dsvk_result r = DSVK_OK;
    dsvk_gdgpu_tile *rel = malloc((b->ntiles ? b->ntiles : 1) * sizeof(*rel));
    if (!rel)
        return DSVK_E_NO_MEMORY;
    for (uint32_t s = 0; s < b->nsegs && r == DSVK_OK; s++) {
        segment *sg = &b->segs[s];
        sg->status_lo = align_down((uint64_t)sg->first_tile * 4, align);
        for (uint32_t t = sg->first_tile; t < sg->first_tile + sg->tiles; t++) {
            rel[t] = b->tiles[t];
            rel[t].src_offset = (uint32_t)(b->abs_src[t] - sg->in_lo);
            rel[t].dst_offset = (uint32_t)(b->abs_dst[t] - sg->out_lo);
            rel[t].status_slot = (uint32_t)(t - sg->status_lo / 4);
        }
        dsvk_gdgpu_jobs_write_for(b->g, (uint8_t *)b->jobs.map + sg->jobs_offset,
                                  rel + sg->first_tile, sg->tiles);
        dsvk_gdgpu_range jr = {b->jobs.buffer, sg->jobs_offset, dsvk_gdgpu_jobs_size(sg->tiles)};
        dsvk_gdgpu_range ir = {b->input.buffer, sg->in_lo, align_up(sg->in_hi, 4) - sg->in_lo};
        dsvk_gdgpu_range orr = {b->output.buffer, sg->out_lo, sg->out_hi - sg->out_lo};
        dsvk_gdgpu_range sr = {b->status.buffer, sg->status_lo,
                               (uint64_t)(sg->first_tile + sg->tiles) * 4 - sg->status_lo};
        r = dsvk_gdgpu_bind(b->g, &jr, &ir, &orr, &sr, &sg->binding);
    }
    free(rel);
    return r;
}

dsvk_result dsvk_gdgpu_batch_create(const dsvk_gdgpu_env *env, dsvk_gdgpu *g,
                                    const dsvk_gdgpu_stream *streams, uint32_t n,
                                    const dsvk_gdgpu_batch_opts *opts, dsvk_gdgpu_batch **out)
{
    *out = NULL;
    if (opts->native &&
        (!dsvk_gdgpu_native_supported(g) || !env->buffer_device_address || opts->input_shift != 0))
        return DSVK_E_UNSUPPORTED;
    if (opts->input_shift > 3)
        return DSVK_E_INVALID_ARGUMENT;
    dsvk_gdgpu_batch *b = calloc(1, sizeof(*b));
    if (!b)
        return DSVK_E_NO_MEMORY;
    b->env = *env;
    b->g = g;
    b->nstreams = n;
    b->native = opts->native;
    b->stream_out = calloc(n ? n : 1, sizeof(uint64_t));
    b->stream_in = calloc(n ? n : 1, sizeof(uint64_t));
    b->stream_tile0 = calloc(n ? n : 1, sizeof(uint32_t));
    dsvk_result r = DSVK_E_NO_MEMORY;
    if (!b->stream_out || !b->stream_in || !b->stream_tile0)
        goto fail;
    r = lay_out(b, streams, n, opts->input_shift);
    if (r != DSVK_OK)
        goto fail;

    uint64_t align = env->limits->minStorageBufferOffsetAlignment;
    if (align < 4)
        align = 4;
    uint64_t limit = env->limits->maxStorageBufferRange;
    if (limit > (1ull << 31))
        limit = 1ull << 31; /* 32-bit byte offsets in the shader */
    if (opts->max_segment && opts->max_segment < limit)
        limit = opts->max_segment;
    r = make_segments(b, limit, align);
    if (r == DSVK_OK)
        r = make_buffers(b, align);
    for (uint32_t i = 0; i < n && r == DSVK_OK; i++)
        r = upload(b, &b->input, b->stream_in[i], streams[i].data, streams[i].size);
    if (r == DSVK_OK && opts->native)
        r = make_regions(b);
    if (r == DSVK_OK)
        r = make_bindings(b, align);
    if (r == DSVK_OK && env->timestamp_bits) {
        VkQueryPoolCreateInfo qci = {
            .sType = VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO,
            .queryType = VK_QUERY_TYPE_TIMESTAMP,
            .queryCount = 2,
        };
        if (env->vk->CreateQueryPool(env->device, &qci, NULL, &b->queries) != VK_SUCCESS)
            b->queries = VK_NULL_HANDLE;
    }
    if (r != DSVK_OK)
        goto fail;
    *out = b;
    return DSVK_OK;
fail:
    dsvk_gdgpu_batch_destroy(b);
    return r;
}

void dsvk_gdgpu_batch_destroy(dsvk_gdgpu_batch *b)
{
    if (!b)
        return;
    const dsvk_vkfns *vk = b->env.vk;
    VkDevice dev = b->env.device;
    for (uint32_t s = 0; s < b->nsegs; s++)
        dsvk_gdgpu_binding_destroy(b->g, b->segs[s].binding);
    if (b->queries != VK_NULL_HANDLE)
        vk->DestroyQueryPool(dev, b->queries, NULL);
    dsvk_vkcmd_destroy(vk, dev, &b->cmd);
    dsvk_vkbuf *bufs[] = {&b->input,   &b->output,  &b->jobs, &b->status,
                          &b->staging, &b->regions, &b->count};
    for (size_t i = 0; i < sizeof(bufs) / sizeof(bufs[0]); i++)
        dsvk_vkbuf_destroy(vk, dev, bufs[i]);
    free(b->segs);
    free(b->tiles);
    free(b->abs_src);
    free(b->abs_dst);
    free(b->stream_in);
    free(b->stream_out);
    free(b->stream_tile0);
    free(b);
}

dsvk_result dsvk_gdgpu_batch_run(dsvk_gdgpu_batch *b, bool native, uint32_t iterations,
                                 uint8_t poison, double *gpu_seconds)
{
    const dsvk_vkfns *vk = b->env.vk;
    VkDevice dev = b->env.device;
    if (gpu_seconds)
        *gpu_seconds = -1;
    if (native && (!b->native || b->regions.buffer == VK_NULL_HANDLE))
        return DSVK_E_UNSUPPORTED;
    /* The driver takes at most maxDecompressionIndirectCount regions per command: one
     * count per chunk of regions. */
    uint64_t chunk = dsvk_gdgpu_native_max_count(b->g);
    if (chunk == 0 || chunk > UINT32_MAX)
        chunk = UINT32_MAX;
    uint32_t nchunks = native ? (uint32_t)((b->ntiles + chunk - 1) / chunk) : 0;
    if (nchunks > COUNT_SLOTS)
        return DSVK_E_REQUEST_TOO_LARGE;
    for (uint32_t k = 0; k < nchunks; k++) {
        uint64_t left = b->ntiles - k * chunk;
        uint32_t c = (uint32_t)(left < chunk ? left : chunk);
        memcpy((uint8_t *)b->count.map + 4 * k, &c, sizeof(c));
    }
    dsvk_result r = dsvk_vkcmd_begin(vk, dev, &b->cmd);
    if (r != DSVK_OK)
        return r;
    VkCommandBuffer cmd = b->cmd.cmd;
    uint32_t fill = poison * 0x01010101u;
    vk->CmdFillBuffer(cmd, b->output.buffer, 0, VK_WHOLE_SIZE, fill);
    vk->CmdFillBuffer(cmd, b->status.buffer, 0, VK_WHOLE_SIZE, 0);
    if (b->queries != VK_NULL_HANDLE)
        vk->CmdResetQueryPool(cmd, b->queries, 0, 2);
    dsvk_vk_barrier(vk, cmd, VK_PIPELINE_STAGE_TRANSFER_BIT | VK_PIPELINE_STAGE_HOST_BIT,
                    VK_ACCESS_TRANSFER_WRITE_BIT | VK_ACCESS_HOST_WRITE_BIT,
                    native ? VK_PIPELINE_STAGE_ALL_COMMANDS_BIT
                           : VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT |
                                 VK_PIPELINE_STAGE_DRAW_INDIRECT_BIT,
                    native ? VK_ACCESS_MEMORY_READ_BIT | VK_ACCESS_MEMORY_WRITE_BIT
                           : VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT |
                                 VK_ACCESS_INDIRECT_COMMAND_READ_BIT);
    if (b->queries != VK_NULL_HANDLE)
        vk->CmdWriteTimestamp(cmd, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT, b->queries, 0);
    for (uint32_t it = 0; it < iterations; it++) {
        if (it > 0)
            dsvk_vk_barrier(
                vk, cmd,
                native ? VK_PIPELINE_STAGE_ALL_COMMANDS_BIT : VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                native ? VK_ACCESS_MEMORY_WRITE_BIT : VK_ACCESS_SHADER_WRITE_BIT,
                native ? VK_PIPELINE_STAGE_ALL_COMMANDS_BIT : VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                native ? VK_ACCESS_MEMORY_READ_BIT | VK_ACCESS_MEMORY_WRITE_BIT
                       : VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT);
        if (native)
            for (uint32_t k = 0; k < nchunks; k++)
                dsvk_gdgpu_record_native_indirect(
                    b->g, cmd, b->regions.address + k * chunk * sizeof(VkDecompressMemoryRegionNV),
                    b->count.address + 4 * k);
        else
            for (uint32_t s = 0; s < b->nsegs; s++)
                dsvk_gdgpu_record(b->g, cmd, b->segs[s].binding);
    }
    if (b->queries != VK_NULL_HANDLE)
        vk->CmdWriteTimestamp(cmd, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, b->queries, 1);
    dsvk_vk_barrier(
        vk, cmd, native ? VK_PIPELINE_STAGE_ALL_COMMANDS_BIT : VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
        native ? VK_ACCESS_MEMORY_WRITE_BIT : VK_ACCESS_SHADER_WRITE_BIT,
        VK_PIPELINE_STAGE_TRANSFER_BIT | VK_PIPELINE_STAGE_HOST_BIT,
        VK_ACCESS_TRANSFER_READ_BIT | VK_ACCESS_HOST_READ_BIT);
    r = dsvk_vkcmd_submit_wait(vk, dev, &b->cmd, WAIT_NS);
    if (r != DSVK_OK)
        return r;
    if (gpu_seconds && b->queries != VK_NULL_HANDLE) {
        uint64_t ts[2];
        if (vk->GetQueryPoolResults(dev, b->queries, 0, 2, sizeof(ts), ts, sizeof(uint64_t),
                                    VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WAIT_BIT) ==
            VK_SUCCESS) {
            uint64_t mask =
                b->env.timestamp_bits >= 64 ? ~0ull : ((1ull << b->env.timestamp_bits) - 1);
            uint64_t ticks = (ts[1] - ts[0]) & mask;
            *gpu_seconds = (double)ticks * b->env.limits->timestampPeriod * 1e-9;
        }
    }
    return DSVK_OK;
}

dsvk_result dsvk_gdgpu_batch_read_output(dsvk_gdgpu_batch *b, void *dst)
{
    return download(b, &b->output, 0, dst, b->out_size);
}

dsvk_result dsvk_gdgpu_batch_read_status(dsvk_gdgpu_batch *b, uint32_t *dst)
{
    return download(b, &b->status, 0, dst, (uint64_t)b->ntiles * 4);
}
