/*
 * The GDeflate tile-stream container (GDEFLATE.md §2): header, tile table, tile ranges.
 * Everything is checked against the input size in 64-bit arithmetic, which cannot overflow
 * (at most 65535 tiles of at most 2^32 bytes).
 */
#include <string.h>

#include "decode_internal.h"
#include "log.h"

#define GD_ID 4u
#define GD_MAGIC (GD_ID ^ 0xFFu)
#define GD_HEADER_FIXED 8u
#define GD_TILE_SIZE_IDX_64K 1u

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint32_t table_entry(const uint8_t *in, uint32_t i)
{
    return le32(in + GD_HEADER_FIXED + 4u * i);
}

dsvk_result gd_parse(const uint8_t *in, size_t in_size, dsvk_gdeflate_info *info, const char **why)
{
    const char *reason = NULL;
    if (!in || !info) {
        if (why)
            *why = "no input";
        return DSVK_E_INVALID_ARGUMENT;
    }
    if (in_size < GD_HEADER_FIXED) {
        reason = "shorter than the 8-byte header";
        goto bad;
    }
    if (in[0] != GD_ID || in[1] != GD_MAGIC) {
        reason = "not a GDeflate stream (id/magic are not 04 fb)";
        goto bad;
    }
    const uint32_t num_tiles = (uint32_t)in[2] | (uint32_t)in[3] << 8;
    const uint32_t bits = le32(in + 4);
    const uint32_t tile_size_idx = bits & 3u, last_size = (bits >> 2) & 0x3FFFFu;
    if (num_tiles == 0) {
        reason = "zero tiles";
        goto bad;
    }
    if (tile_size_idx != GD_TILE_SIZE_IDX_64K) {
        /* Only 64 KiB tiles have a known layout; other values come from other containers. */
        reason = "tile size index is not 1 (64 KiB tiles)";
        goto bad;
    }
    if (bits >> 20) {
        reason = "reserved header bits are set";
        goto bad;
    }
    if (last_size >= DSVK_GDEFLATE_TILE_SIZE) {
        reason = "last tile size is 65536 or more";
        goto bad;
    }
    const uint64_t header_size = GD_HEADER_FIXED + 4ull * num_tiles;
    if (in_size < header_size) {
        reason = "tile table runs past the end of the input";
        goto bad;
    }
    /* Tile i >= 1 starts at table[i]; tile 0 at 0; the last tile's size is table[0]. */
    uint64_t prev = 0;
    for (uint32_t i = 1; i < num_tiles; i++) {
        uint64_t start = table_entry(in, i);
        if (start < prev) {
            reason = "tile offsets decrease";
            goto bad;
        }
        prev = start;
    }
    const uint64_t data_size = prev + table_entry(in, 0);
    if (data_size > in_size - header_size) {
        reason = "tiles run past the end of the input";
        goto bad;
    }
    info->num_tiles = num_tiles;
    info->last_tile_size = last_size ? last_size : DSVK_GDEFLATE_TILE_SIZE;
    info->uncompressed_size =
        (uint64_t)(num_tiles - 1) * DSVK_GDEFLATE_TILE_SIZE + info->last_tile_size;
    info->header_size = header_size;
    info->stream_size = header_size + data_size;
    if (why)
        *why = NULL;
    return DSVK_OK;
bad:
    DSVK_DEBUG("gdeflate: invalid stream header (%zu bytes): %s", in_size, reason);
    if (why)
        *why = reason;
    return DSVK_E_DECOMPRESSION;
}

DSVK_API dsvk_result dsvk_gdeflate_parse(const void *in, size_t in_size, dsvk_gdeflate_info *info)
{
    return gd_parse(in, in_size, info, NULL);
}

DSVK_API dsvk_result dsvk_gdeflate_parse_ex(const void *in, size_t in_size,
                                            dsvk_gdeflate_info *info, const char **reason)
{
    return gd_parse(in, in_size, info, reason);
}

DSVK_API void dsvk_gdeflate_tile_range(const void *in, const dsvk_gdeflate_info *info,
                                       uint32_t index, uint64_t *offset, uint32_t *size)
{
    const uint8_t *p = in;
    if (index >= info->num_tiles) {
        *offset = info->stream_size;
        *size = 0;
        return;
    }
    const uint64_t start = index ? table_entry(p, index) : 0;
    const uint64_t end =
        index + 1 < info->num_tiles ? table_entry(p, index + 1) : start + table_entry(p, 0);
    *offset = info->header_size + start;
    *size = (uint32_t)(end - start);
}
