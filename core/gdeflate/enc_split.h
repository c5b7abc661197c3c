/*
 * Block splitting: where a tile's item sequence should be cut into blocks so that each block
 * gets a Huffman code fitted to its own statistics. The items are grouped into chunks of
 * about `chunk` input bytes; a dynamic program over the chunk boundaries minimises the
 * estimated total size (entropy of each candidate block's symbols plus an estimate of its
 * header, or the exact fixed or stored size when smaller); then each cut may move by up to
 * three quarters of a chunk, in quarter-chunk steps, where the estimate says so.
 */
#ifndef DSVK_GDEFLATE_ENC_SPLIT_H
#define DSVK_GDEFLATE_ENC_SPLIT_H

#include <stddef.h>
#include <stdint.h>

#include "enc_block.h"

#define ENC_SPLIT_MAX_CHUNKS 128 /* fine chunks */
#define ENC_SPLIT_REFINE 4       /* fine chunks per chunk of the dynamic program */
#define ENC_SPLIT_SYMS (ENC_MAX_LITLEN_SYMS + ENC_NUM_DIST_SYMS)

struct enc_split {
    uint32_t prefix[ENC_SPLIT_MAX_CHUNKS + 1][ENC_SPLIT_SYMS]; /* symbol counts before chunk k */
    uint64_t extra[ENC_SPLIT_MAX_CHUNKS + 1];                  /* extra bits before chunk k */
    uint64_t fixed[ENC_SPLIT_MAX_CHUNKS + 1];                  /* fixed-code bits before chunk k */
    uint32_t bytes[ENC_SPLIT_MAX_CHUNKS + 1];                  /* input offset of chunk k */
    uint32_t item_at[ENC_SPLIT_MAX_CHUNKS + 1];                /* first item of chunk k */
    uint16_t used[ENC_SPLIT_SYMS]; /* symbols the tile uses, ascending */
    unsigned num_used;
    double best[ENC_SPLIT_MAX_CHUNKS + 1];
    unsigned from[ENC_SPLIT_MAX_CHUNKS + 1];
    unsigned
        cuts[ENC_SPLIT_MAX_CHUNKS + 1]; /* result: block b is fine chunks [cuts[b], cuts[b+1]) */
};

/*
 * Splits items[0..n) (n >= 1); writes each block's first item index to starts (starts[0] = 0,
 * room for ENC_SPLIT_MAX_CHUNKS entries) and returns the number of blocks. chunk >= 2048.
 */
size_t enc_split_items(struct enc_split *s, const struct enc_item *items, size_t n, unsigned chunk,
                       uint32_t *starts);

/* After a split: the histogram (end of block included) and input range of block b. */
void enc_split_block(const struct enc_split *s, size_t b, struct enc_histogram *h,
                     uint32_t *in_start, uint32_t *in_end);

#endif
