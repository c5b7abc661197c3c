/*
 * The GDeflate encoder's alphabets: DEFLATE with the Deflate64 extensions GDeflate uses
 * (GDEFLATE.md §3). Lengths 3..257 take the usual length codes 257..284; every longer match
 * (258..65535) is symbol 285 followed by 16 extra bits holding length - 3. Distances go up to
 * 65536 with the two extra codes 30 and 31 (14 extra bits each).
 */
#ifndef DSVK_GDEFLATE_ENC_TABLES_H
#define DSVK_GDEFLATE_ENC_TABLES_H

#include <stdint.h>

#define ENC_NUM_LITLEN_SYMS 288 /* size of lit/len arrays (the alphabet HLIT can describe) */
#define ENC_MAX_LITLEN_SYMS 286 /* the encoder never uses 286/287 */
#define ENC_NUM_DIST_SYMS 32
#define ENC_NUM_PRECODE_SYMS 19
#define ENC_END_OF_BLOCK 256
#define ENC_FIRST_LEN_SYM 257
#define ENC_LONG_LEN_SYM 285 /* lengths >= 258: 16 extra bits = length - 3 */
#define ENC_LONG_LEN_EXTRA 16

#define ENC_MIN_MATCH 3
#define ENC_MAX_SHORT_MATCH 257 /* the longest length a regular length code can express */
#define ENC_MAX_MATCH 65535
/* The greedy and lazy parsers skip length-3 matches farther than this: they cost more than
 * their three literals in practice. */
#define ENC_FAR_LEN3_DIST 4096

#define ENC_MAX_CODE_LEN 15
#define ENC_MAX_PRECODE_LEN 7

#define ENC_LANES 32

/* Lengths 3..257: base and extra bits of the length codes 257..284, indexed by code - 257. */
extern const uint16_t enc_len_base[28];
extern const uint8_t enc_len_extra[28];
/* Distances 1..65536: base and extra bits of distance codes 0..31. */
extern const uint32_t enc_dist_base[32];
extern const uint8_t enc_dist_extra[32];
/* The order in which the dynamic header lists precode lengths. */
extern const uint8_t enc_precode_order[ENC_NUM_PRECODE_SYMS];

static inline unsigned enc_log2(uint32_t v) /* v > 0 */
{
    return 31u - (unsigned)__builtin_clz(v);
}

/* Length code index (symbol - 257) of a length 3..257. */
static inline unsigned enc_len_slot(unsigned len)
{
    unsigned l = len - 3;
    if (l < 8)
        return l;
    unsigned nb = enc_log2(l);
    return 4 * (nb - 1) + ((l >> (nb - 2)) & 3);
}

/* Distance code of a distance 1..65536. */
static inline unsigned enc_dist_slot(unsigned dist)
{
    unsigned d = dist - 1;
    if (d < 4)
        return d;
    unsigned nb = enc_log2(d);
    return 2 * nb + ((d >> (nb - 1)) & 1);
}

#endif
