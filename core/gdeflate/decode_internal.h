/*
 * Internals of the GDeflate decoder (docs/GDEFLATE_CODEC.md): the decode-table format, the
 * per-tile state, and the functions the decoder's files share. Nothing here is public.
 */
#ifndef DSVK_GDEFLATE_DECODE_INTERNAL_H
#define DSVK_GDEFLATE_DECODE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <dsvk/gdeflate.h>

/* The bitstream's shape (GDEFLATE.md §3). */
#define GD_LANES 32u
#define GD_LANE_WORD_BYTES 4u
#define GD_INIT_BYTES (GD_LANES * GD_LANE_WORD_BYTES) /* the 32 words that seed the lanes */
#define GD_REFILL_BELOW 32u /* a lane holding fewer bits takes the next word */
#define GD_NUM_LITLEN_SYMS 288u
#define GD_NUM_DIST_SYMS 32u
#define GD_NUM_PRECODE_SYMS 19u
#define GD_MAX_CODE_LEN 15u
#define GD_MAX_PRECODE_LEN 7u
#define GD_MAX_STORED_LEN 65535u

/*
 * Decode-table entries, one uint32_t each, looked up with the next ROOT_BITS bits of a lane:
 *   bits 0..5    bits the entry consumes: code length + extra bits (for a subtable pointer,
 *                the root bits). x86 shifts use only these 6 bits of a shift count, so
 *                `bits >> entry` needs no masking.
 *   bit  6       GD_E_SUBTABLE: the value is the index of a subtable, bits 8..13 its index bits
 *   bit  7       GD_E_SPECIAL: end of block (value 0) or an invalid code (value 1)
 *   bits 8..13   code length (the extra bits follow it)
 *   bits 16..31  literal byte, length base, distance base, precode symbol, or subtable index;
 *                in the literal/length table bit 31 is GD_E_LITERAL (the value is a literal
 *                byte, bits 16..23), so that e >> 31 is the literal flag with no masking
 * A length or distance is value + the extra bits; a literal has no extra bits, so one formula
 * serves both and the hot loop needs no branch to tell them apart.
 */
#define GD_E_SUBTABLE 0x40u
#define GD_E_SPECIAL 0x80u
#define GD_E_LITERAL 0x80000000u
#define GD_E_TOTAL(e) ((e)&0x3Fu)
#define GD_E_CODE_LEN(e) (((e) >> 8) & 0x3Fu)
#define GD_E_SUB_BITS(e) (((e) >> 8) & 0x3Fu)
#define GD_E_VALUE(e) ((e) >> 16)
/* A symbol's meaning (value, extra bits, flags) before a code length is attached. */
#define GD_SYM(value, extra, flags)                                                                \
    (((uint32_t)(value) << 16) | (uint32_t)(flags) | (uint32_t)(extra))
/* The entry for a symbol with code length len (extra bits sit in the total-bits field). */
#define GD_SYM_WITH_LEN(sym, len) ((sym) + ((uint32_t)(len) << 8) + (uint32_t)(len))
#define GD_SUBTABLE_PTR(start, root_bits, sub_bits)                                                \
    (((uint32_t)(start) << 16) | ((uint32_t)(sub_bits) << 8) | GD_E_SUBTABLE | (root_bits))
#define GD_SPECIAL_EOB 0u
#define GD_SPECIAL_INVALID 1u

#define GD_LITLEN_ROOT_BITS 11u
#define GD_DIST_ROOT_BITS 8u
#define GD_PRECODE_ROOT_BITS 7u
/*
 * Table sizes: the root table plus room for subtables. In a complete code a subtable of 2^b
 * entries holds at least b + 1 codes, so subtables need at most 16/5 entries per symbol for
 * litlen (b <= 4) and 128/8 for distances (b <= 7); the builder checks the bound anyway.
 */
#define GD_LITLEN_TABLE_SIZE ((1u << GD_LITLEN_ROOT_BITS) + 1024u)
#define GD_DIST_TABLE_SIZE ((1u << GD_DIST_ROOT_BITS) + 512u)
#define GD_PRECODE_TABLE_SIZE (1u << GD_PRECODE_ROOT_BITS)

/* What each alphabet's symbols decode to, without code lengths (decode_tables.c). */
extern const uint32_t gd_litlen_symbol_entries[GD_NUM_LITLEN_SYMS];
extern const uint32_t gd_dist_symbol_entries[GD_NUM_DIST_SYMS];
extern const uint32_t gd_precode_symbol_entries[GD_NUM_PRECODE_SYMS];
/* The order in which a dynamic block lists precode lengths. */
extern const uint8_t gd_precode_order[GD_NUM_PRECODE_SYMS];

/*
 * Builds a decode table for canonical codes of the given lengths. Rejects over-subscribed
 * codes and incomplete ones, except the two DEFLATE allows: no codes at all, and a single
 * code of length 1 (bits that match no code decode to an invalid entry). Returns false for
 * lengths that cannot be a code.
 */
bool gd_build_decode_table(const uint8_t *lens, unsigned num_syms, const uint32_t *sym_entries,
                           unsigned root_bits, uint32_t *table, unsigned table_size);

/* The fixed-Huffman tables (BTYPE 1), built once: literal/length, then (at offset
 * GD_LITLEN_TABLE_SIZE) distance. */
const uint32_t *gd_fixed_tables(void);

/* Why a tile failed, and where: filled in only on failure. */
typedef struct gd_error {
    const char *what;
    uint32_t in_offset;  /* bytes of the tile consumed when the error was found */
    uint32_t out_offset; /* bytes of output produced (or claimed by matches) by then */
} gd_error;

/* Counts that dsvk_gdeflate_inspect_tile reports. */
typedef struct gd_counts {
    uint32_t blocks[3]; /* stored, fixed, dynamic */
    uint32_t literals;
    uint32_t matches;
} gd_counts;

/*
 * The tile decoders: exactly out_size bytes from tile_size bytes. *consumed receives the
 * bytes of the tile the bitstream read. generic, bmi2, avx2 (AVX2 + BMI2: vector rounds) and
 * avx512 (AVX-512 F/VL/CD/BW/DQ) are picked by CPU features; the counting one is slower and
 * serves inspection.
 */
typedef dsvk_result (*gd_tile_fn)(const uint8_t *tile, size_t tile_size, uint8_t *out,
                                  size_t out_size, size_t *consumed, gd_error *err,
                                  gd_counts *counts);
dsvk_result gd_decode_tile_generic(const uint8_t *tile, size_t tile_size, uint8_t *out,
                                   size_t out_size, size_t *consumed, gd_error *err,
                                   gd_counts *counts);
dsvk_result gd_decode_tile_bmi2(const uint8_t *tile, size_t tile_size, uint8_t *out,
                                size_t out_size, size_t *consumed, gd_error *err,
                                gd_counts *counts);
dsvk_result gd_decode_tile_avx2(const uint8_t *tile, size_t tile_size, uint8_t *out,
                                size_t out_size, size_t *consumed, gd_error *err,
                                gd_counts *counts);
dsvk_result gd_decode_tile_avx512(const uint8_t *tile, size_t tile_size, uint8_t *out,
                                  size_t out_size, size_t *consumed, gd_error *err,
                                  gd_counts *counts);
dsvk_result gd_decode_tile_counting(const uint8_t *tile, size_t tile_size, uint8_t *out,
                                    size_t out_size, size_t *consumed, gd_error *err,
                                    gd_counts *counts);

/* Whether this CPU runs gd_decode_tile_avx512. */
bool gd_cpu_has_avx512(void);

/* Decodes one tile with the best variant for this CPU; err may be NULL. */
dsvk_result gd_decode_tile(const uint8_t *tile, size_t tile_size, uint8_t *out, size_t out_size,
                           gd_error *err);

/* Header validation with the reason for a rejection (container.c). */
dsvk_result gd_parse(const uint8_t *in, size_t in_size, dsvk_gdeflate_info *info, const char **why);

#endif
