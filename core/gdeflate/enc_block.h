/*
 * GDeflate blocks: the LZ77 items a parser produces, their symbol statistics, the exact bit
 * cost of each block type, and the writers that serialize a block over the 32 lanes in the
 * reference decoder's order (GDEFLATE.md §3, "Block structure" and "Data phase").
 */
#ifndef DSVK_GDEFLATE_ENC_BLOCK_H
#define DSVK_GDEFLATE_ENC_BLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "enc_bitwriter.h"
#include "enc_tables.h"

/* One LZ77 item: a literal (len 0, val = the byte) or a match (len 3..65535, val = distance). */
struct enc_item {
    uint16_t len;
    uint16_t val;
};

struct enc_histogram {
    uint32_t litlen[ENC_NUM_LITLEN_SYMS];
    uint32_t dist[ENC_NUM_DIST_SYMS];
    uint64_t extra_bits; /* length and distance extra bits: the same under every code */
};

/* A Huffman code pair, and for a dynamic block the header that describes it. */
struct enc_codes {
    uint8_t litlen_len[ENC_NUM_LITLEN_SYMS];
    uint16_t litlen_code[ENC_NUM_LITLEN_SYMS];
    uint8_t dist_len[ENC_NUM_DIST_SYMS];
    uint16_t dist_code[ENC_NUM_DIST_SYMS];
    /* dynamic header */
    unsigned num_litlen, num_dist, num_precode;
    uint8_t precode_len[ENC_NUM_PRECODE_SYMS];
    uint16_t precode_code[ENC_NUM_PRECODE_SYMS];
    unsigned num_rle;
    uint8_t rle_sym[ENC_NUM_LITLEN_SYMS + ENC_NUM_DIST_SYMS];
    uint8_t rle_extra[ENC_NUM_LITLEN_SYMS + ENC_NUM_DIST_SYMS];
};

enum enc_block_type { ENC_STORED = 0, ENC_FIXED = 1, ENC_DYNAMIC = 2 };

static inline void enc_histogram_add(struct enc_histogram *h, const struct enc_item *it)
{
    if (it->len == 0) {
        h->litlen[it->val]++;
    } else if (it->len > ENC_MAX_SHORT_MATCH) {
        unsigned ds = enc_dist_slot(it->val);
        h->litlen[ENC_LONG_LEN_SYM]++;
        h->dist[ds]++;
        h->extra_bits += ENC_LONG_LEN_EXTRA + enc_dist_extra[ds];
    } else {
        unsigned ls = enc_len_slot(it->len), ds = enc_dist_slot(it->val);
        h->litlen[ENC_FIRST_LEN_SYM + ls]++;
        h->dist[ds]++;
        h->extra_bits += enc_len_extra[ls] + enc_dist_extra[ds];
    }
}

/* Adds b to a (both with their end-of-block symbol; the sum keeps one). */
void enc_histogram_merge(struct enc_histogram *a, const struct enc_histogram *b);

/* Histogram of items[0..n) plus one end-of-block symbol. */
void enc_histogram_of(struct enc_histogram *h, const struct enc_item *items, size_t n);

/* The fixed code of BTYPE 1. */
const struct enc_codes *enc_fixed_codes(void);

/* Builds the dynamic code and header for h; returns the header's bits (BFINAL/BTYPE too). */
uint64_t enc_build_dynamic(struct enc_codes *c, const struct enc_histogram *h);

/* Bits of the block's data phase (symbols + extra bits + end of block) under codes c. */
uint64_t enc_data_bits(const struct enc_codes *c, const struct enc_histogram *h);

/* Bits of n bytes as stored blocks (up to 65535 bytes each). */
uint64_t enc_stored_bits(size_t n);

/* Writes data[0..n) as stored blocks; BFINAL on the last one if `final`. */
void enc_write_stored(struct enc_bitwriter *bw, const uint8_t *data, size_t n, bool final);

/* Writes a fixed (c = enc_fixed_codes()) or dynamic Huffman block of items[0..n). */
void enc_write_huffman(struct enc_bitwriter *bw, const struct enc_codes *c, bool dynamic,
                       const struct enc_item *items, size_t n, bool final);

#endif
