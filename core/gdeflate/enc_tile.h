/*
 * Compression of one GDeflate tile (up to 64 KiB, its own window) at a level 1..12: parse,
 * cut into blocks, pick stored / fixed / dynamic per block by exact bit cost, and serialize
 * over the 32 lanes. A context holds one thread's scratch memory and is reused across tiles.
 */
#ifndef DSVK_GDEFLATE_ENC_TILE_H
#define DSVK_GDEFLATE_ENC_TILE_H

#include <stddef.h>
#include <stdint.h>

/* Room a tile may need: the per-tile share of the reference CompressBound (65536 + 4·208 +
 * 4·8). A stored tile takes 65672 bytes, and a tile is never larger than its stored form. */
#define ENC_TILE_OUT_CAP (65536u + 4u * 208u + 4u * 8u)

struct enc_tile_ctx;

/* NULL for a level outside 1..12 or without memory. */
struct enc_tile_ctx *enc_tile_ctx_new(int level);
void enc_tile_ctx_free(struct enc_tile_ctx *ctx);

/*
 * Compresses in[0..n) (1 <= n <= 65536) into out (at least ENC_TILE_OUT_CAP bytes); returns
 * the tile's size, a multiple of 4.
 */
size_t enc_compress_tile(struct enc_tile_ctx *ctx, const uint8_t *in, uint32_t n, uint8_t *out);

#endif
