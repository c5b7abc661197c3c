/* dsvk-pack info: what a stream holds, tile by tile. */
#include <stdio.h>
#include <stdlib.h>

#include <dsvk/gdeflate.h>

#include "pack.h"

#define TILE DSVK_GDEFLATE_TILE_SIZE

static double percent(uint64_t part, uint64_t whole)
{
    return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

int pack_info(const pack_options *o)
{
    pack_file in;
    if (!pack_read_file(o->in, &in))
        return PACK_E_IO;
    dsvk_gdeflate_info info;
    if (dsvk_gdeflate_parse(in.data, in.size, &info) != DSVK_OK) {
        pack_report_corrupt(o->in, in.data, in.size, UINT32_MAX);
        pack_close_file(&in);
        return PACK_E_CORRUPT;
    }
    printf("%s: GDeflate stream, %u tile%s of 64 KiB (last %u bytes)\n", o->in, info.num_tiles,
           info.num_tiles == 1 ? "" : "s", info.last_tile_size);
    printf("  uncompressed %llu bytes, compressed %llu bytes (header and table %llu): "
           "%.1f%%, ratio %.2f:1\n",
           (unsigned long long)info.uncompressed_size, (unsigned long long)info.stream_size,
           (unsigned long long)info.header_size, percent(info.stream_size, info.uncompressed_size),
           (double)info.uncompressed_size / (double)info.stream_size);
    if (info.stream_size < in.size)
        printf("  %llu bytes after the stream (not part of it)\n",
               (unsigned long long)(in.size - info.stream_size));
    printf("%6s %12s %10s %8s %7s %6s %6s %8s %9s %8s\n", "tile", "offset", "size", "output",
           "ratio", "stored", "fixed", "dynamic", "literals", "matches");
    static uint8_t scratch[TILE];
    uint32_t corrupt = 0, blocks[3] = {0, 0, 0};
    for (uint32_t t = 0; t < info.num_tiles; t++) {
        uint64_t off;
        uint32_t size;
        dsvk_gdeflate_tile_range(in.data, &info, t, &off, &size);
        const size_t out_size = t + 1 == info.num_tiles ? info.last_tile_size : TILE;
        dsvk_gdeflate_tile_report rep;
        dsvk_result r = dsvk_gdeflate_inspect_tile(in.data + off, size, scratch, out_size, &rep);
        printf("%6u %12llu %10u %8zu %6.1f%% %6u %6u %8u %9u %8u", t, (unsigned long long)off, size,
               out_size, percent(size, out_size), rep.stored_blocks, rep.fixed_blocks,
               rep.dynamic_blocks, rep.literals, rep.matches);
        if (r != DSVK_OK) {
            printf("  CORRUPT: %s at tile byte %u\n", rep.error ? rep.error : "invalid",
                   rep.error_input_offset);
            corrupt++;
        } else {
            printf("\n");
        }
        blocks[0] += rep.stored_blocks;
        blocks[1] += rep.fixed_blocks;
        blocks[2] += rep.dynamic_blocks;
    }
    printf("blocks: %u stored, %u fixed, %u dynamic\n", blocks[0], blocks[1], blocks[2]);
    pack_close_file(&in);
    if (corrupt) {
        fprintf(stderr, "dsvk-pack: %s: corrupt GDeflate stream: %u of %u tiles do not decode\n",
                o->in, corrupt, info.num_tiles);
        return PACK_E_CORRUPT;
    }
    return PACK_OK;
}
