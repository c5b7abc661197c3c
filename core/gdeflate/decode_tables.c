/*
 * Huffman decode tables for the GDeflate decoder: what each symbol means, the canonical-code
 * table builder, and the fixed-code tables. Entry layout: decode_internal.h.
 */
#include <pthread.h>
#include <string.h>

#include "decode_internal.h"

/* Literal/length alphabet: 0..255 literals, 256 end of block, 257..284 DEFLATE lengths,
 * 285 (and 286/287, which the reference maps the same way) length 3 + 16 extra bits. */
#define LIT(v) GD_SYM(v, 0, GD_E_LITERAL)
#define LEN(base, extra) GD_SYM(base, extra, 0)
#define L4(x) LIT(x), LIT(x + 1), LIT(x + 2), LIT(x + 3)
#define L16(x) L4(x), L4(x + 4), L4(x + 8), L4(x + 12)
#define L64(x) L16(x), L16(x + 16), L16(x + 32), L16(x + 48)
/* clang-format off: grouped by code, as in the format */
const uint32_t gd_litlen_symbol_entries[GD_NUM_LITLEN_SYMS] = {
    L64(0),      L64(64),     L64(128),    L64(192),    GD_SYM(GD_SPECIAL_EOB, 0, GD_E_SPECIAL),
    LEN(3, 0),   LEN(4, 0),   LEN(5, 0),   LEN(6, 0),   LEN(7, 0),
    LEN(8, 0),   LEN(9, 0),   LEN(10, 0),  LEN(11, 1),  LEN(13, 1),
    LEN(15, 1),  LEN(17, 1),  LEN(19, 2),  LEN(23, 2),  LEN(27, 2),
    LEN(31, 2),  LEN(35, 3),  LEN(43, 3),  LEN(51, 3),  LEN(59, 3),
    LEN(67, 4),  LEN(83, 4),  LEN(99, 4),  LEN(115, 4), LEN(131, 5),
    LEN(163, 5), LEN(195, 5), LEN(227, 5), LEN(3, 16),  LEN(3, 16),
    LEN(3, 16),
};
/* clang-format on */

/* Distance alphabet with the Deflate64 codes 30 and 31 (window 65536). */
#define DIST(base, extra) GD_SYM(base, extra, 0)
/* clang-format off: grouped by code, as in the format */
const uint32_t gd_dist_symbol_entries[GD_NUM_DIST_SYMS] = {
    DIST(1, 0),      DIST(2, 0),      DIST(3, 0),      DIST(4, 0),      DIST(5, 1),
    DIST(7, 1),      DIST(9, 2),      DIST(13, 2),     DIST(17, 3),     DIST(25, 3),
    DIST(33, 4),     DIST(49, 4),     DIST(65, 5),     DIST(97, 5),     DIST(129, 6),
    DIST(193, 6),    DIST(257, 7),    DIST(385, 7),    DIST(513, 8),    DIST(769, 8),
    DIST(1025, 9),   DIST(1537, 9),   DIST(2049, 10),  DIST(3073, 10),  DIST(4097, 11),
    DIST(6145, 11),  DIST(8193, 12),  DIST(12289, 12), DIST(16385, 13), DIST(24577, 13),
    DIST(32769, 14), DIST(49153, 14),
};
/* clang-format on */

#define PRE(s) GD_SYM(s, 0, 0)
const uint32_t gd_precode_symbol_entries[GD_NUM_PRECODE_SYMS] = {
    PRE(0),  PRE(1),  PRE(2),  PRE(3),  PRE(4),  PRE(5),  PRE(6),  PRE(7),  PRE(8),  PRE(9),
    PRE(10), PRE(11), PRE(12), PRE(13), PRE(14), PRE(15), PRE(16), PRE(17), PRE(18),
};

const uint8_t gd_precode_order[GD_NUM_PRECODE_SYMS] = {16, 17, 18, 0, 8,  7, 9,  6, 10, 5,
                                                       11, 4,  12, 3, 13, 2, 14, 1, 15};

/* Writes entry at every index of table[0 .. 1<<bits) whose low `len` bits are `low`. */
static void replicate(uint32_t *table, unsigned bits, uint32_t low, unsigned len, uint32_t entry)
{
    for (uint32_t i = low; i < (1u << bits); i += 1u << len)
        table[i] = entry;
}

/* The next canonical code of the same length, in the bit-reversed (LSB-first) form that
 * indexes the tables: add one at the most significant end and carry towards bit 0. */
static uint32_t next_reversed_code(uint32_t rev, unsigned len)
{
    uint32_t bit = 1u << (len - 1);
    while (rev & bit) {
        rev ^= bit;
        bit >>= 1;
    }
    return rev | bit;
}

bool gd_build_decode_table(const uint8_t *lens, unsigned num_syms, const uint32_t *sym_entries,
                           unsigned root_bits, uint32_t *table, unsigned table_size)
{
    const uint32_t invalid = GD_SYM(GD_SPECIAL_INVALID, 0, GD_E_SPECIAL);
    unsigned count[GD_MAX_CODE_LEN + 1] = {0};
    unsigned max_len = 0;
    for (unsigned s = 0; s < num_syms; s++) {
        if (lens[s] > GD_MAX_CODE_LEN)
            return false;
        count[lens[s]]++;
        if (lens[s] > max_len)
            max_len = lens[s];
    }
    count[0] = 0;

    /* Kraft sum in units of 2^-15: over-subscribed codes are never valid. */
    int32_t left = 1;
    for (unsigned len = 1; len <= GD_MAX_CODE_LEN; len++) {
        left = (left << 1) - (int32_t)count[len];
        if (left < 0)
            return false;
    }
    if (left != 0) {
        /* Incomplete: only "no codes" and "one code of length 1" are DEFLATE codes. */
        if (max_len == 0) {
            replicate(table, root_bits, 0, 0, invalid);
            return true;
        }
        if (max_len != 1 || count[1] != 1)
            return false;
        unsigned sym = 0;
        while (lens[sym] != 1)
            sym++;
        for (uint32_t i = 0; i < (1u << root_bits); i++)
            table[i] = (i & 1) ? invalid : GD_SYM_WITH_LEN(sym_entries[sym], 1);
        return true;
    }

    /* Symbols sorted by (length, symbol): the canonical order. */
    uint16_t sorted[GD_NUM_LITLEN_SYMS];
    unsigned offset[GD_MAX_CODE_LEN + 2];
    offset[1] = 0;
    for (unsigned len = 1; len <= GD_MAX_CODE_LEN; len++)
        offset[len + 1] = offset[len] + count[len];
    const unsigned num_codes = offset[GD_MAX_CODE_LEN + 1];
    for (unsigned s = 0; s < num_syms; s++)
        if (lens[s])
            sorted[offset[lens[s]]++] = (uint16_t)s;

    /*
     * Root table, grown one bit of width at a time: at width w the table indexes w bits and
     * holds every code of length <= w; doubling it to w + 1 bits copies the first half (the
     * new bit does not matter to those codes), then the codes of length w + 1 go in, one
     * entry each. Codes longer than the root get subtables below. A complete code leaves no
     * entry unwritten.
     */
    uint32_t rev = 0; /* current canonical code, bit-reversed */
    unsigned i = 0;
    const unsigned root_max = max_len < root_bits ? max_len : root_bits;
    for (unsigned len = 1; len <= root_max; len++) {
        if (len > 1)
            memcpy(table + (1u << (len - 1)), table, sizeof(*table) << (len - 1));
        for (unsigned n = count[len]; n; n--, i++) {
            table[rev] = GD_SYM_WITH_LEN(sym_entries[sorted[i]], len);
            rev = next_reversed_code(rev, len);
        }
    }
    for (unsigned w = root_max; w < root_bits; w++)
        memcpy(table + (1u << w), table, sizeof(*table) << w);

    unsigned next_free = 1u << root_bits;
    uint32_t sub_prefix = UINT32_MAX; /* root index of the subtable being filled */
    unsigned sub_start = 0, sub_bits = 0;
    for (; i < num_codes; i++) {
        const unsigned sym = sorted[i], len = lens[sym];
        const uint32_t prefix = rev & ((1u << root_bits) - 1);
        if (prefix != sub_prefix) {
            /* A new subtable: as many index bits as the longest code sharing this prefix.
             * Codes sharing a prefix are consecutive in canonical order; in a complete code
             * they fill the prefix's share of the code space exactly. */
            uint32_t need = 1u << (GD_MAX_CODE_LEN - root_bits), have = 0;
            unsigned j = i, longest = len;
            while (have < need && j < num_codes) {
                const unsigned l = lens[sorted[j++]];
                have += 1u << (GD_MAX_CODE_LEN - l);
                longest = l;
            }
            sub_bits = longest - root_bits;
            sub_start = next_free;
            next_free += 1u << sub_bits;
            if (next_free > table_size || sub_start > 0xFFFFu)
                return false;
            sub_prefix = prefix;
            table[prefix] = GD_SUBTABLE_PTR(sub_start, root_bits, sub_bits);
        }
        replicate(table + sub_start, sub_bits, rev >> root_bits, len - root_bits,
                  GD_SYM_WITH_LEN(sym_entries[sym], len - root_bits));
        rev = next_reversed_code(rev, len);
    }
    return true;
}

static uint32_t fixed_tables[GD_LITLEN_TABLE_SIZE + GD_DIST_TABLE_SIZE];
static pthread_once_t fixed_once = PTHREAD_ONCE_INIT;

static void build_fixed_tables(void)
{
    uint8_t lens[GD_NUM_LITLEN_SYMS];
    memset(lens, 8, 144);
    memset(lens + 144, 9, 112);
    memset(lens + 256, 7, 24);
    memset(lens + 280, 8, 8);
    bool ok = gd_build_decode_table(lens, GD_NUM_LITLEN_SYMS, gd_litlen_symbol_entries,
                                    GD_LITLEN_ROOT_BITS, fixed_tables, GD_LITLEN_TABLE_SIZE);
    memset(lens, 5, GD_NUM_DIST_SYMS);
    ok = gd_build_decode_table(lens, GD_NUM_DIST_SYMS, gd_dist_symbol_entries, GD_DIST_ROOT_BITS,
                               fixed_tables + GD_LITLEN_TABLE_SIZE, GD_DIST_TABLE_SIZE) &&
         ok;
    (void)ok; /* the fixed codes are complete; a failure would be a bug caught by every test */
}

const uint32_t *gd_fixed_tables(void)
{
    pthread_once(&fixed_once, build_fixed_tables);
    return fixed_tables;
}
