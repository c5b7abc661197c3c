/*
 * GDeflate codec: the tile-stream format of DirectStorage 1.1+ (see docs/GDEFLATE.md in the
 * shared design docs). Streams are a small header, a table of tile offsets, and independent
 * 64 KiB tiles, each a 32-lane Deflate64-style bitstream.
 *
 * Decoders treat input as hostile: they never read or write outside the given buffers, do
 * bounded work per tile, and report the first failing tile.
 */
#ifndef DSVK_GDEFLATE_H
#define DSVK_GDEFLATE_H

#include <stddef.h>
#include <stdint.h>

#include <dsvk/result.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DSVK_GDEFLATE_TILE_SIZE 65536u
#define DSVK_GDEFLATE_MAX_TILES 65535u
#define DSVK_GDEFLATE_MAX_INPUT ((uint64_t)DSVK_GDEFLATE_MAX_TILES * DSVK_GDEFLATE_TILE_SIZE)

/* DirectStorage's DSTORAGE_COMPRESSION presets. */
#define DSVK_GDEFLATE_LEVEL_FASTEST 1
#define DSVK_GDEFLATE_LEVEL_DEFAULT 9
#define DSVK_GDEFLATE_LEVEL_BEST 12

typedef struct dsvk_gdeflate_info {
    uint32_t num_tiles;
    uint32_t last_tile_size;    /* bytes of output of the last tile (1..65536) */
    uint64_t uncompressed_size;
    uint64_t header_size;       /* 8 + 4 * num_tiles */
    uint64_t stream_size;       /* header + every tile: bytes of the input the stream uses */
} dsvk_gdeflate_info;

/*
 * Validates the header and the tile table against in_size: id 4 / magic 0xFB, 1..65535 tiles,
 * tileSizeIdx 1 (64 KiB; other values belong to other containers), reserved bits 0, tile
 * offsets non-decreasing, every tile inside the input. Bytes after the last tile are allowed
 * (info->stream_size says where the stream ends). DSVK_E_DECOMPRESSION if invalid.
 */
DSVK_API dsvk_result dsvk_gdeflate_parse(const void *in, size_t in_size, dsvk_gdeflate_info *info);

/* dsvk_gdeflate_parse that also says why a header is rejected (*reason: a constant string,
 * NULL on success; reason may be NULL). */
DSVK_API dsvk_result dsvk_gdeflate_parse_ex(const void *in, size_t in_size,
                                            dsvk_gdeflate_info *info, const char **reason);

/* Where tile `index` lies in the input, after a successful parse. */
DSVK_API void dsvk_gdeflate_tile_range(const void *in, const dsvk_gdeflate_info *info, uint32_t index,
                              uint64_t *offset, uint32_t *size);

/*
 * Decodes one tile's bitstream into exactly out_size bytes (65536, or the last tile's size).
 * DSVK_E_DECOMPRESSION if the tile is corrupt, produces more or fewer bytes, reads past
 * tile_size, or leaves non-zero bytes unread at its end. Reentrant; writes only out[0, out_size)
 * (whose content is unspecified after a failure). DSVK_E_INVALID_ARGUMENT for out_size outside
 * 1..65536.
 */
DSVK_API dsvk_result dsvk_gdeflate_decompress_tile(const void *tile, size_t tile_size, void *out,
                                          size_t out_size);

/* What a tile's bitstream holds, from dsvk_gdeflate_inspect_tile. */
typedef struct dsvk_gdeflate_tile_report {
    uint32_t stored_blocks;
    uint32_t fixed_blocks;
    uint32_t dynamic_blocks;
    uint32_t literals;
    uint32_t matches;
    uint32_t bytes_read;          /* bytes of the tile the bitstream consumed */
    const char *error;            /* NULL, or why the tile is corrupt (a constant string) */
    uint32_t error_input_offset;  /* tile bytes consumed when the error was found */
    uint32_t error_output_offset; /* output bytes produced or claimed by matches by then */
} dsvk_gdeflate_tile_report;

/* Decodes a tile like dsvk_gdeflate_decompress_tile (more slowly) and reports its blocks,
 * literals and matches, or why it is corrupt. */
DSVK_API dsvk_result dsvk_gdeflate_inspect_tile(const void *tile, size_t tile_size, void *out,
                                                size_t out_size,
                                                dsvk_gdeflate_tile_report *report);

/*
 * Decodes a whole stream into out (out_size must equal the uncompressed size, else
 * DSVK_E_INVALID_DESTINATION_SIZE) with up to `threads` threads (0 = one per CPU, 1 = the
 * calling thread only). Every tile is decoded even when one fails, so the output of good
 * tiles is complete. On failure *failed_tile (when not NULL) receives the lowest failing
 * tile, or UINT32_MAX for a header error.
 */
DSVK_API dsvk_result dsvk_gdeflate_decompress(const void *in, size_t in_size, void *out, size_t out_size,
                                     uint32_t threads, uint32_t *failed_tile);

/* Upper bound of the compressed size of n input bytes (the reference's CompressBound). */
DSVK_API size_t dsvk_gdeflate_compress_bound(size_t n);

/*
 * Compresses in_size bytes (1..DSVK_GDEFLATE_MAX_INPUT) at level 1..12 with up to `threads`
 * threads (0 = one per CPU). Empty or oversize input: DSVK_E_INVALID_ARGUMENT. out_cap too
 * small: DSVK_E_COMPRESSED_DATA_TOO_LARGE.
 */
DSVK_API dsvk_result dsvk_gdeflate_compress(const void *in, size_t in_size, void *out, size_t out_cap,
                                   size_t *out_size, int level, uint32_t threads);

#ifdef __cplusplus
}
#endif

#endif
