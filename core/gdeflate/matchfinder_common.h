/*
 * Helpers shared by the match finders. A GDeflate tile is its own window (at most 65536
 * bytes), so positions are tile offsets and every distance fits in 16 bits.
 */
#ifndef DSVK_GDEFLATE_MATCHFINDER_COMMON_H
#define DSVK_GDEFLATE_MATCHFINDER_COMMON_H

#include <stdint.h>
#include <string.h>

#define MF_NONE UINT32_MAX /* an empty hash bucket or tree link */
#define MF_HASH_MULT 0x1E35A7BDu

static inline uint32_t mf_load32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

static inline uint64_t mf_load64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

/* Hash of the 4 bytes at p (p + 4 must be in bounds). */
static inline uint32_t mf_hash4(const uint8_t *p, unsigned bits)
{
    return (mf_load32(p) * MF_HASH_MULT) >> (32 - bits);
}

/* Hash of the 3 bytes at p (only those 3 are read). */
static inline uint32_t mf_hash3(const uint8_t *p, unsigned bits)
{
    uint32_t v = (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16);
    return (v * MF_HASH_MULT) >> (32 - bits);
}

/* Length of the common prefix of a and b, knowing the first `len` bytes agree; at most max. */
static inline unsigned mf_extend(const uint8_t *a, const uint8_t *b, unsigned len, unsigned max)
{
    while (len + 8 <= max) {
        uint64_t x = mf_load64(a + len) ^ mf_load64(b + len);
        if (x) /* little-endian: the lowest set bit marks the first differing byte */
            return len + ((unsigned)__builtin_ctzll(x) >> 3);
        len += 8;
    }
    while (len < max && a[len] == b[len])
        len++;
    return len;
}

#endif
