/* The LZ77 parsers of the greedy and lazy levels: one tile in, its items out. */
#ifndef DSVK_GDEFLATE_ENC_PARSE_H
#define DSVK_GDEFLATE_ENC_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "enc_block.h"
#include "matchfinder_hc.h"
#include "matchfinder_ht.h"

/* Takes the longest match at each position (levels 1-4). Returns the item count. */
size_t enc_parse_greedy(struct mf_hc *mf, const uint8_t *in, uint32_t n, unsigned depth,
                        unsigned nice, struct enc_item *items);

/* Greedy over the two-way hash table (level 1: the candidates of a two-deep chain). */
size_t enc_parse_greedy_fast(struct mf_ht *mf, const uint8_t *in, uint32_t n, unsigned nice,
                             struct enc_item *items);

/* Defers a match while the next position offers a better one (levels 5-7). */
size_t enc_parse_lazy(struct mf_hc *mf, const uint8_t *in, uint32_t n, unsigned depth,
                      unsigned nice, struct enc_item *items);

#endif
