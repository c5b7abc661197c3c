/*
 * Hash-table match finder for the fastest level: each 4-byte hash keeps its two most recent
 * positions in one bucket. That offers the same candidates as a hash chain searched two deep,
 * with one memory access instead of two per candidate. A small table of 3-byte hashes
 * (cache-resident) adds the nearest length-3 candidate when no longer match exists.
 */
#ifndef DSVK_GDEFLATE_MATCHFINDER_HT_H
#define DSVK_GDEFLATE_MATCHFINDER_HT_H

#include <stdint.h>

#define MF_HT_HASH_BITS 15
#define MF_HT_WAYS 2
#define MF_HT_HASH3_BITS 12

struct mf_ht {
    /* 16-bit positions; a fresh bucket points at position 0, which the byte check handles. */
    uint16_t bucket[1u << MF_HT_HASH_BITS][MF_HT_WAYS];
    uint16_t head3[1u << MF_HT_HASH3_BITS];
};

void mf_ht_reset(struct mf_ht *mf);

/* Inserts pos and returns the longer match of the bucket's two candidates (the older one is
 * not tried once the newer reaches `nice`), extended up to 65535 bytes, else the length-3
 * candidate, else 0; *dist receives its distance. */
unsigned mf_ht_find(struct mf_ht *mf, const uint8_t *in, uint32_t n, uint32_t pos, unsigned nice,
                    unsigned *dist);

/* Inserts pos without searching. */
void mf_ht_insert(struct mf_ht *mf, const uint8_t *in, uint32_t n, uint32_t pos);

#endif
