/*
 * What each compression level does: the reference's strategy and match-finder parameters
 * (GDEFLATE.md §1, lib/gdeflate_compress.c), plus this encoder's block-split granularity.
 */
#ifndef DSVK_GDEFLATE_ENC_LEVELS_H
#define DSVK_GDEFLATE_ENC_LEVELS_H

enum enc_strategy {
    ENC_GREEDY_FAST, /* greedy over a two-way hash table: the same candidates as depth 2 */
    ENC_GREEDY,
    ENC_LAZY,
    ENC_NEAR_OPTIMAL
};

struct enc_level {
    enum enc_strategy strategy;
    unsigned depth;       /* match-finder search depth */
    unsigned nice;        /* stop searching at a match this long */
    unsigned passes;      /* near-optimal: parses with refreshed costs */
    unsigned split_chunk; /* block-split granularity in input bytes */
};

/* The parameters of a level 1..12 (NULL otherwise). */
const struct enc_level *enc_level_params(int level);

#endif
