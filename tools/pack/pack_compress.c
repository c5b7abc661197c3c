/*
 * dsvk-pack compress: a file to a GDeflate stream. Large inputs are compressed in steps of
 * tiles (for the progress line) whose tiles are then put into one container; tiles are
 * independent, so the stream is the same as from a single call.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dsvk/gdeflate.h>

#include "pack.h"

#define TILE DSVK_GDEFLATE_TILE_SIZE

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static int compress_result(const char *name, dsvk_result r)
{
    if (r == DSVK_E_NO_MEMORY) {
        fprintf(stderr, "dsvk-pack: %s: out of memory\n", name);
        return PACK_E_NO_MEMORY;
    }
    fprintf(stderr, "dsvk-pack: %s: compression failed: %s\n", name, dsvk_result_string(r));
    return PACK_E_INPUT;
}

/* Compresses in steps of `step` tiles into one stream (malloc'd). */
static int compress_in_steps(const pack_options *o, const uint8_t *in, size_t size, uint32_t step,
                             pack_progress *progress, uint8_t **stream, size_t *stream_size)
{
    const uint32_t n = (uint32_t)((size + TILE - 1) / TILE);
    const size_t header = 8 + 4 * (size_t)n;
    uint8_t *s = malloc(dsvk_gdeflate_compress_bound(size) + header);
    uint8_t *part = malloc(dsvk_gdeflate_compress_bound((size_t)step * TILE));
    uint32_t *tile_sizes = malloc(n * sizeof(*tile_sizes));
    int rc = PACK_OK;
    if (!s || !part || !tile_sizes) {
        fprintf(stderr, "dsvk-pack: %s: out of memory\n", o->in);
        rc = PACK_E_NO_MEMORY;
        goto done;
    }
    size_t data = 0;
    for (uint32_t first = 0; first < n; first += step) {
        const size_t at = (size_t)first * TILE;
        const size_t len = size - at < (size_t)step * TILE ? size - at : (size_t)step * TILE;
        size_t part_size;
        dsvk_result r =
            dsvk_gdeflate_compress(in + at, len, part, dsvk_gdeflate_compress_bound(len),
                                   &part_size, o->level, o->threads);
        dsvk_gdeflate_info info;
        if (r == DSVK_OK)
            r = dsvk_gdeflate_parse(part, part_size, &info);
        if (r != DSVK_OK) {
            rc = compress_result(o->in, r);
            goto done;
        }
        for (uint32_t t = 0; t < info.num_tiles; t++) {
            uint64_t off;
            uint32_t tile_size;
            dsvk_gdeflate_tile_range(part, &info, t, &off, &tile_size);
            tile_sizes[first + t] = tile_size;
        }
        memcpy(s + header + data, part + info.header_size, info.stream_size - info.header_size);
        data += info.stream_size - info.header_size;
        pack_progress_update(progress, at + len);
    }
    s[0] = 4;
    s[1] = 0xFB;
    s[2] = (uint8_t)n;
    s[3] = (uint8_t)(n >> 8);
    put32(s + 4, 1u | (uint32_t)(size % TILE) << 2);
    put32(s + 8, tile_sizes[n - 1]);
    uint32_t off = 0;
    for (uint32_t t = 1; t < n; t++) {
        off += tile_sizes[t - 1];
        put32(s + 8 + 4 * t, off);
    }
    *stream = s;
    *stream_size = header + data;
    s = NULL;
done:
    free(s);
    free(part);
    free(tile_sizes);
    return rc;
}

static int verify(const pack_options *o, const uint8_t *in, size_t size, const uint8_t *stream,
                  size_t stream_size)
{
    uint8_t *out = malloc(size);
    if (!out) {
        fprintf(stderr, "dsvk-pack: %s: out of memory for --verify\n", o->in);
        return PACK_E_NO_MEMORY;
    }
    uint32_t failed;
    int rc = pack_decode_stream(stream, stream_size, out, size, o->threads, NULL, &failed);
    if (rc == PACK_E_CORRUPT) {
        fprintf(stderr,
                "dsvk-pack: %s: verification failed: the new stream does not decode "
                "(tile %u)\n",
                o->in, failed);
        rc = PACK_E_VERIFY;
    } else if (rc == PACK_OK && memcmp(out, in, size) != 0) {
        size_t i = 0;
        while (out[i] == in[i])
            i++;
        fprintf(stderr, "dsvk-pack: %s: verification failed: byte %zu (tile %zu) differs\n", o->in,
                i, i / TILE);
        rc = PACK_E_VERIFY;
    }
    free(out);
    return rc;
}

int pack_compress(const pack_options *o)
{
    pack_file in;
    if (!pack_read_file(o->in, &in))
        return PACK_E_IO;
    int rc = PACK_OK;
    uint8_t *stream = NULL;
    size_t stream_size = 0;
    if (in.size == 0) {
        fprintf(stderr, "dsvk-pack: %s: empty input: nothing to compress\n", o->in);
        rc = PACK_E_INPUT;
        goto done;
    }
    if ((uint64_t)in.size > DSVK_GDEFLATE_MAX_INPUT) {
        fprintf(stderr,
                "dsvk-pack: %s: %zu bytes: more than a stream holds (65535 tiles of 64 "
                "KiB)\n",
                o->in, in.size);
        rc = PACK_E_INPUT;
        goto done;
    }
    pack_progress progress;
    pack_progress_start(&progress, "compressing", o->in, in.size);
    const uint32_t step = pack_step_tiles(o->threads);
    if ((in.size + TILE - 1) / TILE <= step) {
        const size_t cap = dsvk_gdeflate_compress_bound(in.size);
        stream = malloc(cap);
        dsvk_result r = stream ? dsvk_gdeflate_compress(in.data, in.size, stream, cap, &stream_size,
                                                        o->level, o->threads)
                               : DSVK_E_NO_MEMORY;
        if (r != DSVK_OK)
            rc = compress_result(o->in, r);
    } else {
        rc = compress_in_steps(o, in.data, in.size, step, &progress, &stream, &stream_size);
    }
    pack_progress_end(&progress);
    if (rc == PACK_OK && o->verify)
        rc = verify(o, in.data, in.size, stream, stream_size);
    if (rc == PACK_OK && !pack_write_file(o->out, stream, stream_size))
        rc = PACK_E_IO;
done:
    free(stream);
    pack_close_file(&in);
    return rc;
}
