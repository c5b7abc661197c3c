/* One tile: parse, block split, block types, serialization (see enc_tile.h). */
#include "enc_tile.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "enc_bitwriter.h"
#include "enc_block.h"
#include "enc_levels.h"
#include "enc_optimal.h"
#include "enc_parse.h"
#include "enc_split.h"

struct enc_block_plan {
    uint32_t first, last;      /* items [first, last) */
    uint32_t in_start, in_end; /* input bytes [in_start, in_end) */
    enum enc_block_type type;
    uint64_t bits;
    struct enc_histogram hist; /* end of block included */
    struct enc_codes codes;    /* its dynamic code, kept for writing */
};

struct enc_tile_ctx {
    const struct enc_level *level;
    struct mf_ht *ht;        /* level 1 */
    struct mf_hc *hc;        /* other greedy and lazy levels */
    struct enc_optimal *opt; /* near-optimal levels */
    struct enc_split split;
    struct enc_item items[ENC_TILE_MAX];
    struct enc_item reparsed[ENC_TILE_MAX];
    uint32_t starts[ENC_SPLIT_MAX_CHUNKS];
    struct enc_block_plan blocks[ENC_SPLIT_MAX_CHUNKS];
    struct enc_histogram hist;
};

struct enc_tile_ctx *enc_tile_ctx_new(int level)
{
    const struct enc_level *lv = enc_level_params(level);
    if (!lv)
        return NULL;
    struct enc_tile_ctx *ctx = calloc(1, sizeof(*ctx));
    if (!ctx)
        return NULL;
    ctx->level = lv;
    if (lv->strategy == ENC_NEAR_OPTIMAL)
        ctx->opt = enc_optimal_new();
    else if (lv->strategy == ENC_GREEDY_FAST)
        ctx->ht = malloc(sizeof(*ctx->ht));
    else
        ctx->hc = malloc(sizeof(*ctx->hc));
    if (!ctx->opt && !ctx->hc && !ctx->ht) {
        free(ctx);
        return NULL;
    }
    return ctx;
}

void enc_tile_ctx_free(struct enc_tile_ctx *ctx)
{
    if (ctx) {
        free(ctx->ht);
        free(ctx->hc);
        enc_optimal_free(ctx->opt);
        free(ctx);
    }
}

static uint32_t item_bytes(const struct enc_item *it)
{
    return it->len ? it->len : 1;
}

/* Turns block starts (item indices) into plans with input ranges. */
static size_t plan_blocks(struct enc_tile_ctx *ctx, size_t num_items, const uint32_t *starts,
                          size_t nblocks)
{
    uint32_t pos = 0;
    for (size_t b = 0; b < nblocks; b++) {
        struct enc_block_plan *p = &ctx->blocks[b];
        p->first = starts[b];
        p->last = b + 1 < nblocks ? starts[b + 1] : (uint32_t)num_items;
        p->in_start = pos;
        for (uint32_t i = p->first; i < p->last; i++)
            pos += item_bytes(&ctx->items[i]);
        p->in_end = pos;
        enc_histogram_of(&p->hist, ctx->items + p->first, p->last - p->first);
    }
    return nblocks;
}

/* The cheapest type of a block and its exact size in bits. */
static void cost_block(struct enc_block_plan *p)
{
    uint64_t dynamic = enc_build_dynamic(&p->codes, &p->hist);
    dynamic += enc_data_bits(&p->codes, &p->hist);
    uint64_t fixed = 3 + enc_data_bits(enc_fixed_codes(), &p->hist);
    uint64_t stored = enc_stored_bits(p->in_end - p->in_start);
    p->type = ENC_DYNAMIC;
    p->bits = dynamic;
    if (fixed <= p->bits) {
        p->type = ENC_FIXED;
        p->bits = fixed;
    }
    if (stored <= p->bits) {
        p->type = ENC_STORED;
        p->bits = stored;
    }
}

/* Joins neighbouring blocks while one block is exactly cheaper than two. */
static size_t merge_blocks(struct enc_tile_ctx *ctx, size_t nblocks)
{
    for (size_t b = 0; b < nblocks; b++)
        cost_block(&ctx->blocks[b]);
    size_t out = 0;
    for (size_t b = 1; b < nblocks; b++) {
        struct enc_block_plan *prev = &ctx->blocks[out], joined = *prev;
        joined.last = ctx->blocks[b].last;
        joined.in_end = ctx->blocks[b].in_end;
        enc_histogram_merge(&joined.hist, &ctx->blocks[b].hist);
        cost_block(&joined);
        if (joined.bits <= prev->bits + ctx->blocks[b].bits)
            *prev = joined;
        else
            ctx->blocks[++out] = ctx->blocks[b];
    }
    return out + 1;
}

static size_t write_tile(struct enc_tile_ctx *ctx, const uint8_t *in, uint32_t n, uint8_t *out,
                         size_t nblocks)
{
    struct enc_bitwriter bw;
    uint64_t total = 0;
    for (size_t b = 0; b < nblocks; b++)
        total += ctx->blocks[b].bits;

    enc_bw_init(&bw, out, ENC_TILE_OUT_CAP);
    if (total < enc_stored_bits(n)) {
        for (size_t b = 0; b < nblocks; b++) {
            const struct enc_block_plan *p = &ctx->blocks[b];
            bool final = b + 1 == nblocks;
            size_t count = p->last - p->first;
            if (p->type == ENC_STORED) {
                enc_write_stored(&bw, in + p->in_start, p->in_end - p->in_start, final);
            } else if (p->type == ENC_FIXED) {
                enc_write_huffman(&bw, enc_fixed_codes(), false, ctx->items + p->first, count,
                                  final);
            } else {
                enc_write_huffman(&bw, &p->codes, true, ctx->items + p->first, count, final);
            }
        }
        size_t size = enc_bw_finish(&bw);
        if (size)
            return size;
        enc_bw_init(&bw, out, ENC_TILE_OUT_CAP);
    }
    /* Incompressible (or, in theory, too large once spread over the lanes): stored blocks
     * always fit in ENC_TILE_OUT_CAP. */
    enc_write_stored(&bw, in, n, true);
    return enc_bw_finish(&bw);
}

/* Near-optimal: one parse of the whole tile, a block split of it, then more passes per
 * block with costs taken from that block's previous parse. */
static size_t parse_near_optimal(struct enc_tile_ctx *ctx, const uint8_t *in, uint32_t n)
{
    const struct enc_level *lv = ctx->level;
    struct enc_optimal *o = ctx->opt;
    enc_optimal_find_matches(o, in, n, lv->depth, lv->nice);

    size_t count = enc_optimal_lazy(o, in, 0, n, ctx->items);
    enc_histogram_of(&ctx->hist, ctx->items, count);
    enc_optimal_set_costs(o, &ctx->hist);
    count = enc_optimal_parse(o, in, 0, n, ctx->items);

    size_t nblocks = enc_split_items(&ctx->split, ctx->items, count, lv->split_chunk, ctx->starts);
    plan_blocks(ctx, count, ctx->starts, nblocks);
    if (lv->passes < 2)
        return nblocks;

    size_t total = 0;
    for (size_t b = 0; b < nblocks; b++) {
        struct enc_block_plan *p = &ctx->blocks[b];
        const struct enc_item *items = ctx->items + p->first;
        size_t nitems = p->last - p->first;
        struct enc_item *out = ctx->reparsed + total;
        for (unsigned pass = 1; pass < lv->passes; pass++) {
            enc_histogram_of(&ctx->hist, items, nitems);
            enc_optimal_set_costs(o, &ctx->hist);
            nitems = enc_optimal_parse(o, in, p->in_start, p->in_end, out);
            items = out;
        }
        p->first = (uint32_t)total;
        p->last = (uint32_t)(total + nitems);
        enc_histogram_of(&p->hist, out, nitems);
        total += nitems;
    }
    memcpy(ctx->items, ctx->reparsed, total * sizeof(ctx->items[0]));
    return nblocks;
}

size_t enc_compress_tile(struct enc_tile_ctx *ctx, const uint8_t *in, uint32_t n, uint8_t *out)
{
    const struct enc_level *lv = ctx->level;
    size_t nblocks;
    if (lv->strategy == ENC_NEAR_OPTIMAL) {
        nblocks = parse_near_optimal(ctx, in, n);
    } else {
        size_t count;
        if (lv->strategy == ENC_GREEDY_FAST)
            count = enc_parse_greedy_fast(ctx->ht, in, n, lv->nice, ctx->items);
        else if (lv->strategy == ENC_GREEDY)
            count = enc_parse_greedy(ctx->hc, in, n, lv->depth, lv->nice, ctx->items);
        else
            count = enc_parse_lazy(ctx->hc, in, n, lv->depth, lv->nice, ctx->items);
        nblocks = enc_split_items(&ctx->split, ctx->items, count, lv->split_chunk, ctx->starts);
        for (size_t b = 0; b < nblocks; b++) {
            struct enc_block_plan *p = &ctx->blocks[b];
            p->first = ctx->starts[b];
            p->last = b + 1 < nblocks ? ctx->starts[b + 1] : (uint32_t)count;
            enc_split_block(&ctx->split, b, &p->hist, &p->in_start, &p->in_end);
        }
    }
    nblocks = merge_blocks(ctx, nblocks);
    return write_tile(ctx, in, n, out, nblocks);
}
