/*
 * Binary-tree match finder for the near-optimal levels. Per 4-byte hash, the earlier
 * positions form a binary search tree ordered by the strings that start there, rooted at the
 * most recent position; searching walks it while re-rooting it at the current position, and
 * yields the nearest match of every length it passes. A one-entry table of 3-byte hashes
 * supplies length-3 matches.
 *
 * Positions are 16-bit to halve the tables' cache footprint: a tile has at most 65536
 * positions and the last few are never inserted (a tree node needs 4 bytes to hash), so
 * 0xFFFF is free to mean "none".
 */
#ifndef DSVK_GDEFLATE_MATCHFINDER_BT_H
#define DSVK_GDEFLATE_MATCHFINDER_BT_H

#include <stdint.h>

#define MF_BT_HASH4_BITS 16
#define MF_BT_HASH3_BITS 14
#define MF_BT_WINDOW 65536
/* The most matches one search reports: one per length up to the compare limit. */
#define MF_BT_MAX_MATCHES 260

struct mf_match {
    uint16_t len;
    uint16_t dist;
};

#define MF_BT_NONE 0xFFFFu

struct mf_bt {
    uint16_t head4[1u << MF_BT_HASH4_BITS];
    uint16_t head3[1u << MF_BT_HASH3_BITS];
    uint16_t child[2 * MF_BT_WINDOW]; /* [2p] = lesser strings, [2p+1] = greater strings */
};

void mf_bt_reset(struct mf_bt *mf);

/*
 * Inserts position pos of in[0..n) and writes its matches to out (strictly increasing
 * lengths, each with the smallest distance found for it); returns how many. Lengths are
 * compared up to `nice` bytes: a match reported with length nice may be longer. `depth`
 * bounds the tree nodes visited. With out NULL only the insertion happens.
 */
unsigned mf_bt_find(struct mf_bt *mf, const uint8_t *in, uint32_t n, uint32_t pos, unsigned depth,
                    unsigned nice, struct mf_match *out);

#endif
