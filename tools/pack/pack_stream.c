/*
 * dsvk-pack: decoding a stream in steps of tiles (so that a progress line can move), and
 * the message for a corrupt stream. A step is decoded by the library's multi-threaded
 * stream decoder, on a stream made of the step's tiles (the container is only a table in
 * front of independent tiles).
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

/* A stream of tiles [first, end) of a parsed stream (malloc'd). */
static uint8_t *sub_stream(const uint8_t *in, const dsvk_gdeflate_info *info, uint32_t first,
                           uint32_t end, size_t *size)
{
    const uint32_t n = end - first;
    uint64_t first_off, off;
    uint32_t tile_size;
    dsvk_gdeflate_tile_range(in, info, first, &first_off, &tile_size);
    dsvk_gdeflate_tile_range(in, info, end - 1, &off, &tile_size);
    const size_t data = (size_t)(off + tile_size - first_off), header = 8 + 4 * (size_t)n;
    uint8_t *s = malloc(header + data);
    if (!s)
        return NULL;
    const uint32_t last = end == info->num_tiles ? info->last_tile_size % TILE : 0;
    s[0] = 4;
    s[1] = 0xFB;
    s[2] = (uint8_t)n;
    s[3] = (uint8_t)(n >> 8);
    put32(s + 4, 1u | last << 2);
    put32(s + 8, tile_size);
    for (uint32_t i = 1; i < n; i++) {
        dsvk_gdeflate_tile_range(in, info, first + i, &off, &tile_size);
        put32(s + 8 + 4 * i, (uint32_t)(off - first_off));
    }
    memcpy(s + header, in + first_off, data);
    *size = header + data;
    return s;
}

int pack_decode_stream(const uint8_t *in, size_t in_size, uint8_t *out, uint64_t out_size,
                       uint32_t threads, pack_progress *progress, uint32_t *failed_tile)
{
    dsvk_gdeflate_info info;
    *failed_tile = UINT32_MAX;
    if (dsvk_gdeflate_parse(in, in_size, &info) != DSVK_OK || info.uncompressed_size != out_size)
        return PACK_E_CORRUPT;
    const uint32_t step = pack_step_tiles(threads);
    if (info.num_tiles <= step) {
        dsvk_result r = dsvk_gdeflate_decompress(in, in_size, out, out_size, threads, failed_tile);
        return r == DSVK_OK ? PACK_OK : r == DSVK_E_NO_MEMORY ? PACK_E_NO_MEMORY : PACK_E_CORRUPT;
    }
    for (uint32_t first = 0; first < info.num_tiles; first += step) {
        const uint32_t end = info.num_tiles - first < step ? info.num_tiles : first + step;
        size_t size;
        uint8_t *s = sub_stream(in, &info, first, end, &size);
        if (!s)
            return PACK_E_NO_MEMORY;
        const uint64_t at = (uint64_t)first * TILE;
        const uint64_t len = (end == info.num_tiles ? out_size : (uint64_t)end * TILE) - at;
        uint32_t failed;
        dsvk_result r = dsvk_gdeflate_decompress(s, size, out + at, len, threads, &failed);
        free(s);
        if (r != DSVK_OK) {
            *failed_tile = failed == UINT32_MAX ? UINT32_MAX : first + failed;
            return r == DSVK_E_NO_MEMORY ? PACK_E_NO_MEMORY : PACK_E_CORRUPT;
        }
        pack_progress_update(progress, at + len);
    }
    return PACK_OK;
}

void pack_report_corrupt(const char *name, const uint8_t *in, size_t in_size, uint32_t failed_tile)
{
    dsvk_gdeflate_info info;
    const char *why = NULL;
    if (dsvk_gdeflate_parse_ex(in, in_size, &info, &why) != DSVK_OK) {
        fprintf(stderr, "dsvk-pack: %s: not a valid GDeflate stream: header: %s\n", name,
                why ? why : "invalid");
        return;
    }
    if (failed_tile >= info.num_tiles) {
        fprintf(stderr, "dsvk-pack: %s: corrupt GDeflate stream\n", name);
        return;
    }
    uint64_t off;
    uint32_t size;
    dsvk_gdeflate_tile_range(in, &info, failed_tile, &off, &size);
    static uint8_t scratch[TILE];
    dsvk_gdeflate_tile_report rep;
    const size_t out_size = failed_tile + 1 == info.num_tiles ? info.last_tile_size : TILE;
    if (dsvk_gdeflate_inspect_tile(in + off, size, scratch, out_size, &rep) != DSVK_OK && rep.error)
        fprintf(stderr,
                "dsvk-pack: %s: corrupt GDeflate stream: tile %u (stream offset %llu, %u "
                "bytes): %s at tile byte %u\n",
                name, failed_tile, (unsigned long long)off, size, rep.error,
                rep.error_input_offset);
    else
        fprintf(stderr, "dsvk-pack: %s: corrupt GDeflate stream: tile %u\n", name, failed_tile);
}
