/*
 * A GDeflate tile writer for the decoder's tests, written from GDEFLATE.md §3 alone: it
 * models the decoder's 32 lanes (bits left, refill order) and places every bit in the word
 * slot the decoder will read it from. It writes what the tests ask for, valid or not:
 * stored, fixed and dynamic blocks from explicit code lengths, items that force Deflate64
 * symbols, raw bits in place of an item, and broken headers.
 */
#ifndef DSVK_TEST_GD_WRITER_H
#define DSVK_TEST_GD_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GDW_LANES 32

typedef struct gdw_lane {
    long slot;      /* word being consumed */
    unsigned used;  /* bits of it consumed */
    long next_slot; /* word already appended behind it, -1 if none */
} gdw_lane;

typedef struct gdw {
    uint32_t *words;
    size_t num_words, cap;
    gdw_lane lanes[GDW_LANES];
    bool overflow; /* a write needed bits the decoder would not have: a bug in the test */
} gdw;

/* An LZ77 item. kind LIT: byte; MATCH: len (3..65538) and dist (1..65536), with the length
 * symbol forced to `sym` when non-zero (285..287, or 284 for lengths 227..258); RAW: n_bits
 * of `bits` written where an item goes (a deliberately bad code). */
typedef enum { GDW_LIT, GDW_MATCH, GDW_RAW } gdw_kind;
typedef struct gdw_item {
    gdw_kind kind;
    uint8_t byte;
    uint32_t len, dist;
    uint16_t sym;
    uint32_t bits;
    unsigned n_bits;
} gdw_item;

/* A Huffman code given by its lengths; codes[] is filled by gdw_code_from_lengths. */
typedef struct gdw_code {
    uint8_t lens[288];
    uint16_t codes[288];
    unsigned num_syms;
} gdw_code;

void gdw_init(gdw *w);
void gdw_free(gdw *w);
/* n <= 32 bits, least significant first, into lane's bitstream. */
void gdw_bits(gdw *w, unsigned lane, uint32_t value, unsigned n);
/* A Huffman codeword (most significant bit first, as DEFLATE packs them). */
void gdw_huff(gdw *w, unsigned lane, uint32_t code, unsigned len);
/* The decoder's refill check on a lane. */
void gdw_refill(gdw *w, unsigned lane);

/* Canonical codes for lens[0..num_syms). */
void gdw_code_from_lengths(gdw_code *c, const uint8_t *lens, unsigned num_syms);
/* The fixed litlen (288) and distance (32) codes. */
void gdw_fixed_codes(gdw_code *litlen, gdw_code *dist);
/* A complete code over the first n symbols with lengths as equal as possible. */
void gdw_flat_lengths(uint8_t *lens, unsigned n);

/* Blocks. Each ends with the end-of-block revolution. */
void gdw_stored_block(gdw *w, bool final, const uint8_t *data, uint32_t len);
void gdw_fixed_block(gdw *w, bool final, const gdw_item *items, size_t n);
/* A dynamic block whose header lists hlit litlen and hdist distance lengths with a flat
 * precode and no run-length symbols. */
void gdw_dynamic_block(gdw *w, bool final, const gdw_code *litlen, unsigned hlit,
                       const gdw_code *dist, unsigned hdist, const gdw_item *items, size_t n);
/* Only the block header of a dynamic block, with an explicit precode and run-length stream:
 * presyms[k] (0..18) with extras[k]; for tests of header decoding and broken codes. */
void gdw_dynamic_header(gdw *w, bool final, unsigned hlit, unsigned hdist, unsigned hclen,
                        const uint8_t precode_lens[19], const uint8_t *presyms,
                        const uint32_t *extras, size_t n);
/* The data phase (items, end of block, revolution) with the given codes. */
void gdw_data(gdw *w, const gdw_code *litlen, const gdw_code *dist, const gdw_item *items,
              size_t n);

/* The tile: every reserved word, little-endian (malloc'd). */
uint8_t *gdw_tile(gdw *w, size_t *size);

/* A whole stream from tiles (malloc'd): header, table, tiles back to back. */
uint8_t *gdw_stream(uint8_t *const *tiles, const size_t *tile_sizes, uint32_t num_tiles,
                    uint64_t uncompressed_size, size_t *size);

#endif
