/*
 * Hash-chain match finder for the greedy and lazy levels: chains of earlier positions with
 * the same 4-byte hash, searched most recent first up to a depth, plus a one-entry table of
 * 3-byte hashes that supplies length-3 matches.
 *
 * Positions are 16-bit (a tile is at most 65536 bytes), which halves the tables' cache
 * footprint. There is no "empty" value: a fresh table points at position 0, candidates are
 * verified byte by byte anyway, and a chain ends where its positions stop decreasing.
 */
#ifndef DSVK_GDEFLATE_MATCHFINDER_HC_H
#define DSVK_GDEFLATE_MATCHFINDER_HC_H

#include <stdint.h>

#define MF_HC_HASH4_BITS 15
#define MF_HC_HASH3_BITS 12
#define MF_HC_WINDOW 65536

struct mf_hc {
    uint16_t head4[1u << MF_HC_HASH4_BITS];
    uint16_t head3[1u << MF_HC_HASH3_BITS];
    uint16_t prev[MF_HC_WINDOW];
};

/* Forgets everything: call at the start of each tile. */
void mf_hc_reset(struct mf_hc *mf);

/*
 * Inserts position pos of in[0..n) and returns the longest earlier match there (0 if none of
 * length >= 3), searching `depth` chain entries and stopping early at `nice` bytes. Matches
 * are extended up to 65535 bytes; *dist receives the distance.
 */
unsigned mf_hc_find(struct mf_hc *mf, const uint8_t *in, uint32_t n, uint32_t pos, unsigned depth,
                    unsigned nice, unsigned *dist);

/* Inserts position pos without searching (positions covered by a match). */
void mf_hc_insert(struct mf_hc *mf, const uint8_t *in, uint32_t n, uint32_t pos);

#endif
