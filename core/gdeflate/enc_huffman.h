/* Length-limited canonical Huffman codes for the GDeflate encoder. */
#ifndef DSVK_GDEFLATE_ENC_HUFFMAN_H
#define DSVK_GDEFLATE_ENC_HUFFMAN_H

#include <stdint.h>

/*
 * Code lengths (<= max_len) for symbols 0..n-1 (n <= 288) with the given frequencies: a
 * minimum-redundancy code, lengthened where needed to respect max_len. The code is always
 * complete, as the reference decoder requires: with fewer than two used symbols, two symbols
 * get length 1 (the used one, if any, and symbol 0 or 1).
 */
void enc_huffman_lengths(const uint32_t *freq, unsigned n, unsigned max_len, uint8_t *lens);

/* Canonical codewords for the lengths, bit-reversed for LSB-first output (0 where len is 0). */
void enc_huffman_codewords(const uint8_t *lens, unsigned n, uint16_t *codes);

#endif
