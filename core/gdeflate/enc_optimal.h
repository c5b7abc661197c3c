/*
 * Near-optimal parsing (levels 8-12). The binary-tree match finder runs once over the tile
 * and its matches are cached per position; a parse is then the minimum-cost path through
 * the block under a model of what each literal, length and distance costs in bits, and the
 * model is refreshed from the previous parse's statistics for the next pass.
 */
#ifndef DSVK_GDEFLATE_ENC_OPTIMAL_H
#define DSVK_GDEFLATE_ENC_OPTIMAL_H

#include <stddef.h>
#include <stdint.h>

#include "enc_block.h"
#include "matchfinder_bt.h"

#define ENC_TILE_MAX 65536
#define ENC_COST_SHIFT 4 /* costs are in 1/16 bit */

struct enc_costs {
    uint32_t lit[256];
    uint32_t len[ENC_MAX_SHORT_MATCH + 1]; /* lengths 3..257 */
    uint32_t long_len;                     /* any length >= 258 */
    uint32_t dist[ENC_NUM_DIST_SYMS];      /* per distance code, extra bits included */
};

struct enc_optimal {
    struct mf_bt bt;
    /* Matches of position p: cache[start[p] .. start[p + 1]), increasing lengths. Inside a
     * long match the finder is skipped; those positions hold one entry, the continuation of
     * that match, and are flagged in `inside`. */
    uint32_t start[ENC_TILE_MAX + 1];
    uint8_t inside[ENC_TILE_MAX];
    struct mf_match *cache;
    size_t cache_cap;
    uint32_t cost[ENC_TILE_MAX + 1];
    uint16_t choice_len[ENC_TILE_MAX];
    uint16_t choice_dist[ENC_TILE_MAX];
    struct enc_costs costs;
};

struct enc_optimal *enc_optimal_new(void);
void enc_optimal_free(struct enc_optimal *o);

/* Fills the match cache for in[0..n). */
void enc_optimal_find_matches(struct enc_optimal *o, const uint8_t *in, uint32_t n, unsigned depth,
                              unsigned nice);

/* Sets the cost model from a block's statistics (the code lengths it would get). */
void enc_optimal_set_costs(struct enc_optimal *o, const struct enc_histogram *h);

/* A lazy parse of [start, end) from the cached matches: the statistics of the first cost
 * model (a greedy one makes literals look too rare, and the model then avoids them). */
size_t enc_optimal_lazy(const struct enc_optimal *o, const uint8_t *in, uint32_t start,
                        uint32_t end, struct enc_item *items);

/* Minimum-cost parse of [start, end) under the current costs; returns the item count. */
size_t enc_optimal_parse(struct enc_optimal *o, const uint8_t *in, uint32_t start, uint32_t end,
                         struct enc_item *items);

#endif
