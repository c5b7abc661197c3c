/*
 * GPU executor uploads on lavapipe with validation (zero messages expected): file and memory
 * sources into VkBuffer ranges at suballocation offsets, image regions of plain and BC
 * formats, several mips from footprints, tiles, GDeflate reference vectors decoded on the
 * CPU and by the shader, corrupt streams, staging-ring wrap-around with many requests larger
 * than the ring in total, requests larger than the ring, ReBAR placement.
 *
 * Every check reads the destination back (a mapped host-visible buffer, or an image copied
 * to one) and compares it byte for byte, including the bytes around the written range.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <dsvk/gdeflate.h>

#include "exec_harness.h"

static dsvk_request file_request(dsvk_file *f, uint64_t offset, uint32_t size, const char *name)
{
    dsvk_request r = {0};
    r.source.type = DSVK_SOURCE_FILE;
    r.source.u.file.file = f;
    r.source.u.file.offset = offset;
    r.source.u.file.size = size;
    r.name = name;
    return r;
}

static void to_buffer(dsvk_request *r, const eh_buffer *b, uint64_t offset, uint32_t size)
{
    r->destination.type = DSVK_DEST_BUFFER;
    r->destination.u.buffer.buffer = (uint64_t)(uintptr_t)b->buffer;
    r->destination.u.buffer.offset = offset;
    r->destination.u.buffer.size = size;
}

/* Every byte of [from, to) of the buffer equals `fill`. */
static void assert_untouched(const eh_buffer *b, uint64_t from, uint64_t to, uint8_t fill)
{
    for (uint64_t i = from; i < to; i++)
        if (b->map[i] != fill)
            fail_msg("byte %llu changed to 0x%02x (expected 0x%02x)", (unsigned long long)i,
                     b->map[i], fill);
}

static void buffer_ranges_at_offsets(void **state)
{
    (void)state;
    eh h;
    eh_init(&h, &(eh_opts){0});
    const size_t n = 3u << 20;
    uint8_t *data = malloc(n);
    eh_fill(data, n, 1);
    dsvk_file *f = eh_file(&h, data, n);
    eh_buffer dst;
    eh_buffer_create(&h, 4u << 20, 0xEE, &dst);
    dsvk_queue *q = eh_queue(&h, DSVK_SOURCE_FILE, 128);

    /* Suballocations of one VkBuffer, one at an odd offset; odd file offsets too. */
    static const struct {
        uint64_t file, dst;
        uint32_t size;
    } ranges[] = {{0, 256, 1u << 20},
                  {(1u << 20) + 3, (1u << 20) + 4096 + 13, 700000},
                  {2u << 20, (5u << 19), (1u << 20) - 5}};
    for (size_t i = 0; i < 3; i++) {
        dsvk_request r = file_request(f, ranges[i].file, ranges[i].size, "buffer range");
        to_buffer(&r, &dst, ranges[i].dst, ranges[i].size);
        assert_int_equal(dsvk_queue_enqueue_request(q, &r), DSVK_OK);
    }
    assert_int_equal(eh_wait(&h, q), DSVK_OK);
    uint64_t at = 0;
    for (size_t i = 0; i < 3; i++) {
        assert_untouched(&dst, at, ranges[i].dst, 0xEE);
        assert_memory_equal(dst.map + ranges[i].dst, data + ranges[i].file, ranges[i].size);
        at = ranges[i].dst + ranges[i].size;
    }
    assert_untouched(&dst, at, dst.size, 0xEE);

    /* A memory source into the same buffer. */
    dsvk_queue *mq = eh_queue(&h, DSVK_SOURCE_MEMORY, 128);
    dsvk_request r = {0};
    r.source.type = DSVK_SOURCE_MEMORY;
    r.source.u.memory.data = data + 12345;
    r.source.u.memory.size = 4096;
    to_buffer(&r, &dst, (7u << 19), 4096);
    assert_int_equal(dsvk_queue_enqueue_request(mq, &r), DSVK_OK);
    assert_int_equal(eh_wait(&h, mq), DSVK_OK);
    assert_memory_equal(dst.map + (7u << 19), data + 12345, 4096);

    dsvk_queue_stats st;
    dsvk_queue_get_stats(q, &st);
    assert_int_equal(st.requests_completed, 3);
    dsvk_gpu_executor_info info;
    assert_true(dsvk_gpu_executor_get_info(h.dev, &info));
    assert_int_equal(info.requests, 4);
    assert_true(info.batches >= 2);
    assert_int_equal(info.staging, DSVK_STAGING_HOST);
    /* auto: the driver's decoder when the device has it, never the shader on a CPU device
     * (lavapipe), where the CPU decoder is faster. */
    if (h.vk.memory_decompression_nv)
        assert_int_equal(info.decoder, DSVK_DECODER_GPU_NATIVE);
    else if (h.vk.props.deviceType == VK_PHYSICAL_DEVICE_TYPE_CPU)
        assert_int_equal(info.decoder, DSVK_DECODER_CPU);

    dsvk_queue_close(q);
    dsvk_queue_close(mq);
    eh_file_close(f);
    eh_buffer_destroy(&h, &dst);
    free(data);
    eh_fini(&h);
}

/* Data of a box in D3D12 footprint layout: rows of blocks at a 256-byte pitch. */
typedef struct region_data {
    uint8_t *bytes;
    size_t size;
    uint32_t pitch, row_bytes, rows;
} region_data;

static region_data make_region(VkFormat format, uint32_t w, uint32_t hgt, uint64_t seed)
{
    uint32_t bytes, bw, bh;
    eh_block(format, &bytes, &bw, &bh);
    region_data d;
    d.row_bytes = (w + bw - 1) / bw * bytes;
    d.rows = (hgt + bh - 1) / bh;
    d.pitch = (d.row_bytes + 255) / 256 * 256;
    d.size = (size_t)(d.rows - 1) * d.pitch + d.row_bytes;
    d.bytes = malloc(d.size);
    eh_fill(d.bytes, d.size, seed);
    return d;
}

/* Puts the region's rows into a tightly packed subresource image of width img_w texels. */
static void apply_region(uint8_t *image, uint32_t img_w, VkFormat format, uint32_t x, uint32_t y,
                         const region_data *d)
{
    uint32_t bytes, bw, bh;
    eh_block(format, &bytes, &bw, &bh);
    size_t img_row = (size_t)(img_w + bw - 1) / bw * bytes;
    for (uint32_t r = 0; r < d->rows; r++)
        memcpy(image + (y / bh + r) * img_row + x / bw * bytes, d->bytes + (size_t)r * d->pitch,
               d->row_bytes);
}

static void image_regions_of_several_formats(void **state)
{
    (void)state;
    static const struct {
        VkFormat format;
        VkImageLayout layout;
        uint32_t x, y, w, h;
    } cases[] = {
        {VK_FORMAT_R8G8B8A8_UNORM, VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL, 8, 4, 40, 24},
        {VK_FORMAT_R16G16B16A16_SFLOAT, VK_IMAGE_LAYOUT_GENERAL, 3, 5, 17, 9},
        {VK_FORMAT_R8_UNORM, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, 1, 2, 61, 30},
        {VK_FORMAT_BC1_RGBA_UNORM_BLOCK, VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL, 16, 8, 32, 48},
        {VK_FORMAT_BC7_UNORM_BLOCK, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 4, 0, 60, 64},
    };
    eh h;
    eh_init(&h, &(eh_opts){0});
    dsvk_queue *q = eh_queue(&h, DSVK_SOURCE_FILE, 128);
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        eh_image img;
        eh_image_create(&h, cases[c].format, 64, 64, 1, 1, cases[c].layout, &img);
        size_t size;
        uint8_t *before = eh_image_read(&h, &img, 0, 0, &size);
        eh_fill(before, size, 100 + c);
        eh_image_write(&h, &img, 0, 0, before);

        region_data d = make_region(cases[c].format, cases[c].w, cases[c].h, 200 + c);
        dsvk_file *f = eh_file(&h, d.bytes, d.size);
        dsvk_request r = file_request(f, 0, (uint32_t)d.size, "image region");
        r.destination.type = DSVK_DEST_IMAGE_REGION;
        r.destination.u.image_region.image = (uint64_t)(uintptr_t)img.image;
        r.destination.u.image_region.format = cases[c].format;
        r.destination.u.image_region.layout = cases[c].layout;
        r.destination.u.image_region.footprint = (dsvk_footprint){
            .row_pitch = d.pitch,
            .width = cases[c].w,
            .height = cases[c].h,
            .depth = 1,
        };
        r.destination.u.image_region.box =
            (dsvk_box){cases[c].x, cases[c].y, 0, cases[c].w, cases[c].h, 1};
        assert_int_equal(dsvk_queue_enqueue_request(q, &r), DSVK_OK);
        assert_int_equal(eh_wait(&h, q), DSVK_OK);

        apply_region(before, 64, cases[c].format, cases[c].x, cases[c].y, &d);
        uint8_t *after = eh_image_read(&h, &img, 0, 0, &size);
        if (memcmp(after, before, size))
            fail_msg("format %d: the image differs from the expected region upload",
                     cases[c].format);
        free(after);
        free(before);
        free(d.bytes);
        eh_file_close(f);
        eh_image_destroy(&h, &img);
    }

    /* Refused at enqueue: a BC region off the block grid, an unknown format. */
    region_data d = make_region(VK_FORMAT_BC1_RGBA_UNORM_BLOCK, 8, 8, 9);
    dsvk_file *f = eh_file(&h, d.bytes, d.size);
    dsvk_request r = file_request(f, 0, (uint32_t)d.size, "refused");
    r.destination.type = DSVK_DEST_IMAGE_REGION;
    r.destination.u.image_region.image = 0x1234; /* never used */
    r.destination.u.image_region.format = VK_FORMAT_BC1_RGBA_UNORM_BLOCK;
    r.destination.u.image_region.layout = VK_IMAGE_LAYOUT_GENERAL;
    r.destination.u.image_region.footprint = (dsvk_footprint){.row_pitch = d.pitch};
    r.destination.u.image_region.box = (dsvk_box){2, 0, 0, 8, 8, 1};
    assert_int_equal(dsvk_queue_enqueue_request(q, &r), DSVK_E_INVALID_ARGUMENT);
    r.destination.u.image_region.box = (dsvk_box){0, 0, 0, 8, 8, 1};
    r.destination.u.image_region.format = VK_FORMAT_R32G32B32_SFLOAT;
    assert_int_equal(dsvk_queue_enqueue_request(q, &r), DSVK_E_UNSUPPORTED);
    assert_int_equal(eh_wait(&h, q), DSVK_E_INVALID_ARGUMENT); /* the first failure */
    eh_file_close(f);
    free(d.bytes);
    dsvk_queue_close(q);
    eh_fini(&h);
}

/* Mips 0..mips-1 of one layer in D3D12 footprint layout (512-aligned offsets, 256 pitch). */
static size_t mip_footprints(uint32_t w, uint32_t hgt, uint32_t mips, uint32_t layer,
                             dsvk_footprint *fp)
{
    size_t at = 0;
    for (uint32_t m = 0; m < mips; m++) {
        uint32_t mw = w >> m ? w >> m : 1, mh = hgt >> m ? hgt >> m : 1;
        uint32_t pitch = (mw * 4 + 255) / 256 * 256;
        at = (at + 511) / 512 * 512;
        fp[m] = (dsvk_footprint){
            .data_offset = at,
            .row_pitch = pitch,
            .width = mw,
            .height = mh,
            .depth = 1,
            .aspect = VK_IMAGE_ASPECT_COLOR_BIT,
            .mip_level = m,
            .array_layer = layer,
        };
        at += (size_t)(mh - 1) * pitch + mw * 4;
    }
    return at;
}

static void check_mips(eh *h, eh_image *img, const dsvk_footprint *fp, uint32_t mips,
                       const uint8_t *data)
{
    for (uint32_t m = 0; m < mips; m++) {
        size_t size;
        uint8_t *got = eh_image_read(h, img, m, fp[m].array_layer, &size);
        for (uint32_t y = 0; y < fp[m].height; y++)
            if (memcmp(got + (size_t)y * fp[m].width * 4,
                       data + fp[m].data_offset + (size_t)y * fp[m].row_pitch, fp[m].width * 4))
                fail_msg("mip %u layer %u row %u differs", m, fp[m].array_layer, y);
        free(got);
    }
}

static void subresources_from_footprints(void **state)
{
    (void)state;
    eh h;
    eh_init(&h, &(eh_opts){0});
    dsvk_queue *q = eh_queue(&h, DSVK_SOURCE_FILE, 128);
    eh_image img;
    eh_image_create(&h, VK_FORMAT_R8G8B8A8_UNORM, 64, 32, 4, 3,
                    VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL, &img);

    /* Layer 2 uncompressed, layer 0 GDeflate-compressed, both in one batch. */
    dsvk_footprint fp2[4], fp0[4];
    size_t size2 = mip_footprints(64, 32, 4, 2, fp2);
    size_t size0 = mip_footprints(64, 32, 4, 0, fp0);
    uint8_t *d2 = malloc(size2), *d0 = malloc(size0);
    eh_fill(d2, size2, 21);
    for (size_t i = 0; i < size0; i++) /* compressible */
        d0[i] = (uint8_t)((i / 7) ^ (i >> 9));
    size_t cap = dsvk_gdeflate_compress_bound(size0), csize = 0;
    uint8_t *c0 = malloc(cap);
    assert_int_equal(dsvk_gdeflate_compress(d0, size0, c0, cap, &csize, 6, 1), DSVK_OK);
    size_t total = size2 + csize;
    uint8_t *file = malloc(total);
    memcpy(file, d2, size2);
    memcpy(file + size2, c0, csize);
    dsvk_file *f = eh_file(&h, file, total);

    dsvk_request r = file_request(f, 0, (uint32_t)size2, "mips of layer 2");
    r.destination.type = DSVK_DEST_SUBRESOURCES;
    r.destination.u.subresources.image = (uint64_t)(uintptr_t)img.image;
    r.destination.u.subresources.format = VK_FORMAT_R8G8B8A8_UNORM;
    r.destination.u.subresources.layout = VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL;
    r.destination.u.subresources.count = 4;
    r.destination.u.subresources.footprints = fp2;
    assert_int_equal(dsvk_queue_enqueue_request(q, &r), DSVK_OK);
    memset(fp2, 0, sizeof(fp2)); /* copied at enqueue */
    mip_footprints(64, 32, 4, 2, fp2);

    dsvk_request rc = file_request(f, size2, (uint32_t)csize, "mips of layer 0, GDeflate");
    rc.compression = DSVK_COMPRESSION_GDEFLATE;
    rc.uncompressed_size = (uint32_t)size0;
    rc.destination = r.destination;
    rc.destination.u.subresources.footprints = fp0;
    assert_int_equal(dsvk_queue_enqueue_request(q, &rc), DSVK_OK);
    assert_int_equal(eh_wait(&h, q), DSVK_OK);

    check_mips(&h, &img, fp2, 4, d2);
    check_mips(&h, &img, fp0, 4, d0);

    /* A footprint whose rows do not fit its data is refused. */
    fp2[3].row_pitch = 4; /* less than a row */
    r.destination.u.subresources.footprints = fp2;
    assert_int_equal(dsvk_queue_enqueue_request(q, &r), DSVK_E_INVALID_ARGUMENT);
    assert_int_equal(eh_wait(&h, q), DSVK_E_INVALID_ARGUMENT);

    dsvk_queue_close(q);
    eh_file_close(f);
    eh_image_destroy(&h, &img);
    free(d2);
    free(d0);
    free(c0);
    free(file);
    eh_fini(&h);
}

static void tiles_of_buffers_and_images(void **state)
{
    (void)state;
    eh h;
    eh_init(&h, &(eh_opts){0});
    dsvk_queue *q = eh_queue(&h, DSVK_SOURCE_FILE, 128);
    const uint32_t tile = DSVK_GDEFLATE_TILE_SIZE;
    uint8_t *data = malloc(4 * tile);
    eh_fill(data, 4 * tile, 31);
    dsvk_file *f = eh_file(&h, data, 4 * tile);

    /* Buffer tiles 3 and 4 of an 8-tile buffer. */
    eh_buffer buf;
    eh_buffer_create(&h, 8 * tile, 0x5A, &buf);
    dsvk_request r = file_request(f, 0, 2 * tile, "buffer tiles");
    r.destination.type = DSVK_DEST_TILES;
    r.destination.u.tiles.resource = (uint64_t)(uintptr_t)buf.buffer;
    r.destination.u.tiles.is_buffer = 1;
    r.destination.u.tiles.x = 3;
    r.destination.u.tiles.tiles_w = 2;
    r.destination.u.tiles.tiles_h = 1;
    r.destination.u.tiles.tiles_d = 1;
    assert_int_equal(dsvk_queue_enqueue_request(q, &r), DSVK_OK);

    /* Image tiles: RGBA8 tiles are 128x128; the region is tile (1,0) and (1,1). */
    eh_image img;
    eh_image_create(&h, VK_FORMAT_R8G8B8A8_UNORM, 256, 256, 1, 1, VK_IMAGE_LAYOUT_GENERAL, &img);
    size_t size;
    uint8_t *expect = eh_image_read(&h, &img, 0, 0, &size);
    eh_fill(expect, size, 32);
    eh_image_write(&h, &img, 0, 0, expect);
    dsvk_request ri = file_request(f, 2 * tile, 2 * tile, "image tiles");
    ri.destination.type = DSVK_DEST_TILES;
    ri.destination.u.tiles.resource = (uint64_t)(uintptr_t)img.image;
    ri.destination.u.tiles.format = VK_FORMAT_R8G8B8A8_UNORM;
    ri.destination.u.tiles.layout = VK_IMAGE_LAYOUT_GENERAL;
    ri.destination.u.tiles.aspect = VK_IMAGE_ASPECT_COLOR_BIT;
    ri.destination.u.tiles.x = 1;
    ri.destination.u.tiles.tiles_w = 1;
    ri.destination.u.tiles.tiles_h = 2;
    ri.destination.u.tiles.tiles_d = 1;
    ri.destination.u.tiles.tile_width = 128;
    ri.destination.u.tiles.tile_height = 128;
    ri.destination.u.tiles.tile_depth = 1;
    assert_int_equal(dsvk_queue_enqueue_request(q, &ri), DSVK_OK);
    assert_int_equal(eh_wait(&h, q), DSVK_OK);

    assert_untouched(&buf, 0, 3 * tile, 0x5A);
    assert_memory_equal(buf.map + 3 * tile, data, 2 * tile);
    assert_untouched(&buf, 5 * tile, 8 * tile, 0x5A);
    for (uint32_t t = 0; t < 2; t++)
        for (uint32_t y = 0; y < 128; y++)
            memcpy(expect + ((size_t)(t * 128 + y) * 256 + 128) * 4,
                   data + 2 * tile + (size_t)t * tile + (size_t)y * 128 * 4, 128 * 4);
    uint8_t *got = eh_image_read(&h, &img, 0, 0, &size);
    assert_memory_equal(got, expect, size);

    /* A tile that is not 64 KiB is refused. */
    ri.destination.u.tiles.tile_height = 64;
    assert_int_equal(dsvk_queue_enqueue_request(q, &ri), DSVK_E_INVALID_ARGUMENT);
    assert_int_equal(eh_wait(&h, q), DSVK_E_INVALID_ARGUMENT);

    free(got);
    free(expect);
    dsvk_queue_close(q);
    eh_file_close(f);
    eh_image_destroy(&h, &img);
    eh_buffer_destroy(&h, &buf);
    free(data);
    eh_fini(&h);
}

/* --- GDeflate reference vectors ------------------------------------------------------------ */

#define MAX_VECTORS 64

typedef struct vectors {
    uint32_t n;
    char name[MAX_VECTORS][96];
    uint8_t *raw[MAX_VECTORS];
    size_t raw_size[MAX_VECTORS];
    uint64_t file_offset[MAX_VECTORS]; /* of the stream in the pack */
    size_t stream_size[MAX_VECTORS];
    uint8_t *pack;
    size_t pack_size;
} vectors;

/* Every vector of the MANIFEST, streams packed into one file image at odd offsets. */
static void load_vectors(vectors *v)
{
    memset(v, 0, sizeof(*v));
    size_t msize;
    char *manifest = (char *)eh_read_vector("MANIFEST", &msize);
    manifest = realloc(manifest, msize + 1);
    manifest[msize] = 0;
    for (char *line = strtok(manifest, "\n"); line && v->n < MAX_VECTORS;
         line = strtok(NULL, "\n")) {
        char name[64];
        unsigned level;
        if (line[0] == '#' || sscanf(line, "%63s %*u %u", name, &level) != 2)
            continue;
        char sname[96], rname[96];
        snprintf(sname, sizeof(sname), "%s.l%u.gdeflate", name, level);
        snprintf(rname, sizeof(rname), "%s.raw", name);
        size_t ssize;
        uint8_t *stream = eh_read_vector(sname, &ssize);
        v->raw[v->n] = eh_read_vector(rname, &v->raw_size[v->n]);
        snprintf(v->name[v->n], sizeof(v->name[0]), "%s", sname);
        size_t at = v->pack_size + 1 + v->n % 3; /* odd offsets in the file */
        v->pack = realloc(v->pack, at + ssize);
        memset(v->pack + v->pack_size, 0xCC, at - v->pack_size);
        memcpy(v->pack + at, stream, ssize);
        v->file_offset[v->n] = at;
        v->stream_size[v->n] = ssize;
        v->pack_size = at + ssize;
        free(stream);
        v->n++;
    }
    free(manifest);
    if (v->n < 24)
        fail_msg("only %u vectors in the MANIFEST of DSVK_VECTORS", v->n);
}

static void free_vectors(vectors *v)
{
    for (uint32_t i = 0; i < v->n; i++)
        free(v->raw[i]);
    free(v->pack);
}

/* Uploads every vector into its own range of one buffer and compares with the .raw files;
 * then a corrupt copy of one vector fails with DSVK_E_DECOMPRESSION. */
static void vectors_roundtrip(eh *h, dsvk_decoder expect_decoder)
{
    vectors v;
    load_vectors(&v);
    dsvk_file *f = eh_file(h, v.pack, v.pack_size);
    uint64_t dst_off[MAX_VECTORS], total = 0;
    for (uint32_t i = 0; i < v.n; i++) {
        dst_off[i] = total + (i % 2 ? 4 : 0); /* 4-byte-aligned suballocations too */
        total = (dst_off[i] + v.raw_size[i] + 255) / 256 * 256;
    }
    eh_buffer dst;
    eh_buffer_create(h, total, 0xA5, &dst);
    dsvk_queue *q = eh_queue(h, DSVK_SOURCE_FILE, 256);
    for (uint32_t i = 0; i < v.n; i++) {
        dsvk_request r = file_request(f, v.file_offset[i], (uint32_t)v.stream_size[i], v.name[i]);
        r.compression = DSVK_COMPRESSION_GDEFLATE;
        r.uncompressed_size = (uint32_t)v.raw_size[i];
        to_buffer(&r, &dst, dst_off[i], (uint32_t)v.raw_size[i]);
        assert_int_equal(dsvk_queue_enqueue_request(q, &r), DSVK_OK);
    }
    assert_int_equal(eh_wait(h, q), DSVK_OK);
    for (uint32_t i = 0; i < v.n; i++)
        if (memcmp(dst.map + dst_off[i], v.raw[i], v.raw_size[i]))
            fail_msg("vector %s decoded wrongly", v.name[i]);
    dsvk_queue_stats st;
    dsvk_queue_get_stats(q, &st);
    assert_int_equal(st.requests_completed, v.n);
    assert_int_equal(st.decode_path, expect_decoder);
    dsvk_gpu_executor_info info;
    assert_true(dsvk_gpu_executor_get_info(h->dev, &info));
    assert_int_equal(info.decoder, expect_decoder);

    /* A memory source, decoded the same way. */
    dsvk_queue *mq = eh_queue(h, DSVK_SOURCE_MEMORY, 128);
    uint32_t k = v.n - 1;
    memset(dst.map + dst_off[k], 0, v.raw_size[k]);
    dsvk_request m = {0};
    m.source.type = DSVK_SOURCE_MEMORY;
    m.source.u.memory.data = v.pack + v.file_offset[k];
    m.source.u.memory.size = (uint32_t)v.stream_size[k];
    m.compression = DSVK_COMPRESSION_GDEFLATE;
    m.uncompressed_size = (uint32_t)v.raw_size[k];
    to_buffer(&m, &dst, dst_off[k], (uint32_t)v.raw_size[k]);
    assert_int_equal(dsvk_queue_enqueue_request(mq, &m), DSVK_OK);
    assert_int_equal(eh_wait(h, mq), DSVK_OK);
    assert_memory_equal(dst.map + dst_off[k], v.raw[k], v.raw_size[k]);

    /* Corrupt the first tile's bitstream of the largest vector (a block type 3). */
    uint32_t big = 0;
    for (uint32_t i = 0; i < v.n; i++)
        if (v.raw_size[i] > v.raw_size[big])
            big = i;
    uint8_t *bad = malloc(v.stream_size[big]);
    memcpy(bad, v.pack + v.file_offset[big], v.stream_size[big]);
    dsvk_gdeflate_info gi;
    assert_int_equal(dsvk_gdeflate_parse(bad, v.stream_size[big], &gi), DSVK_OK);
    uint64_t t0;
    uint32_t t0size;
    dsvk_gdeflate_tile_range(bad, &gi, 0, &t0, &t0size);
    memset(bad + t0, 0xFF, 16);
    dsvk_file *fb = eh_file(h, bad, v.stream_size[big]);
    memset(dst.map + dst_off[big], 0x77, v.raw_size[big]);
    dsvk_request r = file_request(fb, 0, (uint32_t)v.stream_size[big], "corrupt");
    r.compression = DSVK_COMPRESSION_GDEFLATE;
    r.uncompressed_size = (uint32_t)v.raw_size[big];
    to_buffer(&r, &dst, dst_off[big], (uint32_t)v.raw_size[big]);
    assert_int_equal(dsvk_queue_enqueue_request(q, &r), DSVK_OK);
    assert_int_equal(eh_wait(h, q), DSVK_E_DECOMPRESSION);
    if (expect_decoder == DSVK_DECODER_CPU) /* rejected before anything was recorded */
        assert_untouched(&dst, dst_off[big], dst_off[big] + v.raw_size[big], 0x77);
    dsvk_error_record rec;
    dsvk_queue_retrieve_error_record(q, &rec);
    assert_int_equal(rec.result, DSVK_E_DECOMPRESSION);
    assert_string_equal(rec.request_name, "corrupt");

    /* The queue goes on: the good vector again. */
    r = file_request(f, v.file_offset[big], (uint32_t)v.stream_size[big], "after corrupt");
    r.compression = DSVK_COMPRESSION_GDEFLATE;
    r.uncompressed_size = (uint32_t)v.raw_size[big];
    to_buffer(&r, &dst, dst_off[big], (uint32_t)v.raw_size[big]);
    assert_int_equal(dsvk_queue_enqueue_request(q, &r), DSVK_OK);
    assert_int_equal(eh_wait(h, q), DSVK_OK);
    assert_memory_equal(dst.map + dst_off[big], v.raw[big], v.raw_size[big]);

    free(bad);
    dsvk_queue_close(q);
    dsvk_queue_close(mq);
    eh_file_close(f);
    eh_file_close(fb);
    eh_buffer_destroy(h, &dst);
    free_vectors(&v);
}

static void gdeflate_vectors_cpu_decoder(void **state)
{
    (void)state;
    eh h;
    /* Forced: auto picks the driver's decoder where there is one (the H200). */
    eh_init(&h, &(eh_opts){.decoder = DSVK_DECODER_CPU});
    vectors_roundtrip(&h, DSVK_DECODER_CPU);
    eh_fini(&h);
}

static void gdeflate_vectors_shader_decoder(void **state)
{
    (void)state;
    eh h;
    eh_init(&h, &(eh_opts){.decoder = DSVK_DECODER_GPU,
                           .configure = true,
                           .exec = {.shader_features = true}});
    if (!h.vk.storage_buffer_8bit)
        fail_msg("lavapipe without storageBuffer8BitAccess: cannot run the shader path");
    dsvk_gpu_executor_info info;
    assert_true(dsvk_gpu_executor_get_info(h.dev, &info));
    assert_int_equal(info.decoder, DSVK_DECODER_GPU);
    assert_non_null(info.shader_variant);
    vectors_roundtrip(&h, DSVK_DECODER_GPU);
    eh_fini(&h);
}

/* Which decoder a forced DSVK_DECODER=gpu gets from what the description and the registrant
 * say: the description's enabled_shader alone suffices; nothing said means no shader;
 * vulkanMemoryModel without DeviceScope means no shader (its atomics are device-scope); a
 * version-1 description with the registrant's promise still gets it. */
static void shader_features_from_the_description(void **state)
{
    (void)state;
    const struct {
        eh_opts opts;
        dsvk_decoder want;
    } cases[] = {
        {{.decoder = DSVK_DECODER_GPU, .configure = true, .describe_shader = true},
         DSVK_DECODER_GPU},
        {{.decoder = DSVK_DECODER_GPU, .configure = true}, DSVK_DECODER_CPU},
        {{.decoder = DSVK_DECODER_GPU,
          .configure = true,
          .describe_shader = true,
          .hide_device_scope = true},
         DSVK_DECODER_CPU},
        {{.decoder = DSVK_DECODER_GPU,
          .configure = true,
          .desc_version = 1,
          .exec = {.shader_features = true}},
         DSVK_DECODER_GPU},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        eh h;
        eh_init(&h, &cases[i].opts);
        if (!h.vk.storage_buffer_8bit)
            fail_msg("lavapipe without storageBuffer8BitAccess: cannot run the shader path");
        dsvk_gpu_executor_info info;
        assert_true(dsvk_gpu_executor_get_info(h.dev, &info));
        if (info.decoder != cases[i].want)
            fail_msg("case %zu: decoder %d, expected %d", i, (int)info.decoder, (int)cases[i].want);
        assert_int_equal(info.shader_variant != NULL, cases[i].want == DSVK_DECODER_GPU);
        eh_fini(&h);
    }
}

/* --- the ring ------------------------------------------------------------------------------ */

static void ring_wraps_with_more_than_a_ring_in_flight(void **state)
{
    (void)state;
    eh h;
    eh_init(&h, &(eh_opts){.staging_mb = 1});
    const size_t n = 12u << 20;
    uint8_t *data = malloc(n);
    eh_fill(data, n, 41);
    dsvk_file *f = eh_file(&h, data, n);
    eh_buffer dst;
    eh_buffer_create(&h, 16u << 20, 0x11, &dst);
    dsvk_queue *q = eh_queue(&h, DSVK_SOURCE_FILE, 256);
    enum { N = 48 };
    uint64_t foff[N], doff[N];
    uint32_t size[N];
    uint64_t fat = 0, dat = 0;
    for (int i = 0; i < N; i++) {
        size[i] = 150000 + (uint32_t)(i * 7919 % 250000); /* 150..400 KB: 12 MB in all */
        foff[i] = fat;
        doff[i] = dat;
        fat += size[i] + 17;
        dat += size[i] + 64;
        assert_true(fat <= n && dat <= dst.size);
        dsvk_request r = file_request(f, foff[i], size[i], "wrap");
        to_buffer(&r, &dst, doff[i], size[i]);
        assert_int_equal(dsvk_queue_enqueue_request(q, &r), DSVK_OK);
    }
    assert_int_equal(eh_wait(&h, q), DSVK_OK);
    for (int i = 0; i < N; i++) {
        if (memcmp(dst.map + doff[i], data + foff[i], size[i]))
            fail_msg("request %d (%u bytes) arrived wrongly", i, size[i]);
        assert_untouched(&dst, doff[i] + size[i], doff[i] + size[i] + 64, 0x11);
    }
    dsvk_gpu_executor_info info;
    assert_true(dsvk_gpu_executor_get_info(h.dev, &info));
    assert_int_equal(info.ring_size, 1u << 20);
    assert_true(info.ring_wraps > 0);
    assert_true(info.ring_waits > 0);
    assert_int_equal(info.requests, N);

    /* Larger than the ring: refused with DSVK_E_REQUEST_TOO_LARGE, like DirectStorage. */
    dsvk_request r = file_request(f, 0, (1u << 20) + 1, "too large");
    to_buffer(&r, &dst, 0, (1u << 20) + 1);
    assert_int_equal(dsvk_queue_enqueue_request(q, &r), DSVK_E_REQUEST_TOO_LARGE);
    r = file_request(f, 0, 1000, "too large once decoded");
    r.compression = DSVK_COMPRESSION_GDEFLATE;
    r.uncompressed_size = 2u << 20;
    to_buffer(&r, &dst, 0, 2u << 20);
    assert_int_equal(dsvk_queue_enqueue_request(q, &r), DSVK_E_REQUEST_TOO_LARGE);
    assert_int_equal(eh_wait(&h, q), DSVK_E_REQUEST_TOO_LARGE);
    dsvk_error_record rec;
    dsvk_queue_retrieve_error_record(q, &rec);
    assert_int_equal(rec.failure_count, 2);
    assert_string_equal(rec.request_name, "too large");
    /* Exactly the ring's size still goes. */
    r = file_request(f, 5, 1u << 20, "ring-sized");
    to_buffer(&r, &dst, 1u << 20, 1u << 20);
    assert_int_equal(dsvk_queue_enqueue_request(q, &r), DSVK_OK);
    assert_int_equal(eh_wait(&h, q), DSVK_OK);
    assert_memory_equal(dst.map + (1u << 20), data + 5, 1u << 20);

    dsvk_queue_close(q);
    eh_file_close(f);
    eh_buffer_destroy(&h, &dst);
    free(data);
    eh_fini(&h);
}

static void rebar_staging_placement(void **state)
{
    (void)state;
    eh h;
    eh_init(&h, &(eh_opts){.configure = true, .exec = {.staging = DSVK_STAGING_REBAR}});
    dsvk_gpu_executor_info info;
    assert_true(dsvk_gpu_executor_get_info(h.dev, &info));
    assert_int_equal(info.staging, DSVK_STAGING_REBAR); /* lavapipe's one type is device-local */
    assert_true(info.staging_device_local);
    const size_t n = 1u << 20;
    uint8_t *data = malloc(n);
    eh_fill(data, n, 51);
    dsvk_file *f = eh_file(&h, data, n);
    eh_buffer dst;
    eh_buffer_create(&h, n, 0, &dst);
    dsvk_queue *q = eh_queue(&h, DSVK_SOURCE_FILE, 128);
    dsvk_request r = file_request(f, 0, (uint32_t)n, "rebar");
    to_buffer(&r, &dst, 0, (uint32_t)n);
    assert_int_equal(dsvk_queue_enqueue_request(q, &r), DSVK_OK);
    assert_int_equal(eh_wait(&h, q), DSVK_OK);
    assert_memory_equal(dst.map, data, n);
    /* Options apply at creation only. */
    dsvk_gpu_executor_opts again = {.staging = DSVK_STAGING_HOST};
    assert_int_equal(dsvk_gpu_executor_configure(h.dev, &again), DSVK_E_BUSY);
    dsvk_queue_close(q);
    eh_file_close(f);
    eh_buffer_destroy(&h, &dst);
    free(data);
    eh_fini(&h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(buffer_ranges_at_offsets),
        cmocka_unit_test(image_regions_of_several_formats),
        cmocka_unit_test(subresources_from_footprints),
        cmocka_unit_test(tiles_of_buffers_and_images),
        cmocka_unit_test(gdeflate_vectors_cpu_decoder),
        cmocka_unit_test(gdeflate_vectors_shader_decoder),
        cmocka_unit_test(shader_features_from_the_description),
        cmocka_unit_test(ring_wraps_with_more_than_a_ring_in_flight),
        cmocka_unit_test(rebar_staging_placement),
    };
    const char *only = getenv("DSVK_TEST_FILTER"); /* e.g. "*shader*" while debugging */
    if (only && *only)
        cmocka_set_test_filter(only);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
