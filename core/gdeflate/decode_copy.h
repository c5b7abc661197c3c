/*
 * Match copies for the GDeflate decoder. Copies run one round after their length was decoded
 * (GDEFLATE.md §3), when later literals are already in place right behind the match, so a
 * copy must leave everything past [dst, dst + len) as it was. The fast copy works in whole
 * words and overruns the match by less than GD_COPY_SLACK bytes, saving those bytes first
 * and putting them back after; near the end of a tile the exact copy ends its word-wise
 * paths with a chunk aligned to the match's end instead.
 */
#ifndef DSVK_GDEFLATE_DECODE_COPY_H
#define DSVK_GDEFLATE_DECODE_COPY_H

#include <stdint.h>
#include <string.h>

#define GD_INLINE static inline __attribute__((always_inline))

GD_INLINE uint16_t gd_load16(const uint8_t *p)
{
    uint16_t v;
    memcpy(&v, p, sizeof(v));
    return v;
}
GD_INLINE uint32_t gd_load32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof(v));
    return v;
}
GD_INLINE uint64_t gd_load64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, sizeof(v));
    return v;
}
GD_INLINE void gd_store16(uint8_t *p, uint16_t v)
{
    memcpy(p, &v, sizeof(v));
}
GD_INLINE void gd_store32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, sizeof(v));
}
GD_INLINE void gd_store64(uint8_t *p, uint64_t v)
{
    memcpy(p, &v, sizeof(v));
}
GD_INLINE void gd_copy16(uint8_t *dst, const uint8_t *src)
{
    uint8_t t[16];
    memcpy(t, src, 16);
    memcpy(dst, t, 16);
}

/* Little-endian 32-bit word of the bitstream. */
GD_INLINE uint32_t gd_load32_le(const uint8_t *p)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    return __builtin_bswap32(gd_load32(p));
#else
    return gd_load32(p);
#endif
}

/* len <= 16 bytes from a source that does not overlap the destination (dist >= len). */
GD_INLINE void gd_copy_short_disjoint(uint8_t *dst, const uint8_t *src, uint32_t len)
{
    if (len >= 8) {
        uint64_t a = gd_load64(src), b = gd_load64(src + len - 8);
        gd_store64(dst, a);
        gd_store64(dst + len - 8, b);
    } else if (len >= 4) {
        uint32_t a = gd_load32(src), b = gd_load32(src + len - 4);
        gd_store32(dst, a);
        gd_store32(dst + len - 4, b);
    } else {
        /* len is 3 here: DEFLATE's shortest match (or less for defensive callers) */
        for (uint32_t i = 0; i < len; i++)
            dst[i] = src[i];
    }
}

/*
 * Copies len (>= 1) bytes from dst - dist to dst (1 <= dist) with LZ77's byte-by-byte
 * semantics: with dist < len the source overlaps the bytes being written and the copy
 * repeats the last dist bytes. Writes only [dst, dst + len).
 */
GD_INLINE void gd_copy_match(uint8_t *dst, uint32_t dist, uint32_t len)
{
    const uint8_t *src = dst - dist;
    if (dist >= 16) {
        if (len <= 16) {
            gd_copy_short_disjoint(dst, src, len);
            return;
        }
        /* Each 16-byte chunk reads bytes at least 16 back, which are final already. */
        uint32_t i = 0;
        do {
            gd_copy16(dst + i, src + i);
            i += 16;
        } while (i + 16 < len);
        gd_copy16(dst + len - 16, src + len - 16);
        return;
    }
    if (dist >= 8) {
        if (len <= dist) {
            gd_copy_short_disjoint(dst, src, len);
            return;
        }
        uint32_t i = 0;
        do {
            gd_store64(dst + i, gd_load64(src + i));
            i += 8;
        } while (i + 8 < len);
        gd_store64(dst + len - 8, gd_load64(src + len - 8));
        return;
    }
    if (dist == 1) {
        memset(dst, src[0], len);
        return;
    }
    /* A short period: lay down the first bytes one by one, then copy 8-byte words from a
     * multiple of the period that is at least 8 back (the bytes repeat with that period). */
    uint32_t head = len < 16 ? len : 16;
    for (uint32_t i = 0; i < head; i++)
        dst[i] = src[i];
    if (len <= 16)
        return;
    uint32_t period = dist;
    while (period < 8)
        period += dist;
    uint32_t i = 16;
    while (i + 8 < len) {
        gd_store64(dst + i, gd_load64(dst + i - period));
        i += 8;
    }
    gd_store64(dst + len - 8, gd_load64(dst + len - 8 - period));
}

/* Bytes past a match the fast copy may touch (and restores): it needs dst + len + this to
 * lie inside the output. With AVX2 the copy moves 32 bytes at a time where it can. */
#if defined(__AVX2__)
#define GD_COPY_SLACK 32u
#else
#define GD_COPY_SLACK 16u
#endif

GD_INLINE void gd_copy32(uint8_t *dst, const uint8_t *src)
{
    uint8_t t[32];
    memcpy(t, src, 32);
    memcpy(dst, t, 32);
}

/* Copies with 16-byte words and puts back the 16 bytes after the match. */
GD_INLINE void gd_copy_match_fast16(uint8_t *dst, uint32_t dist, uint32_t len)
{
    const uint8_t *src = dst - dist;
    uint8_t saved[16];
    memcpy(saved, dst + len, 16);
    if (__builtin_expect(dist >= 16, 1)) {
        /* each chunk reads bytes at least 16 back, final before the chunk is written */
        uint32_t i = 0;
        do {
            gd_copy16(dst + i, src + i);
            i += 16;
        } while (i < len);
    } else if (dist >= 8) {
        uint32_t i = 0;
        do {
            gd_store64(dst + i, gd_load64(src + i));
            i += 8;
        } while (i < len);
    } else if (dist == 1) {
        const uint64_t v = src[0] * 0x0101010101010101ull;
        uint32_t i = 0;
        do {
            gd_store64(dst + i, v);
            i += 8;
        } while (i < len);
    } else {
        /* a short period: eight bytes one by one, then words from a multiple of the
         * period at least 8 back (the bytes repeat with that period) */
        for (uint32_t i = 0; i < 8; i++)
            dst[i] = src[i];
        uint32_t period = dist;
        while (period < 8)
            period += dist;
        for (uint32_t i = 8; i < len; i += 8)
            gd_store64(dst + i, gd_load64(dst + i - period));
    }
    memcpy(dst + len, saved, 16);
}

/* gd_copy_match for a destination with GD_COPY_SLACK bytes of room after the match. */
GD_INLINE void gd_copy_match_fast(uint8_t *dst, uint32_t dist, uint32_t len)
{
#if defined(__AVX2__)
    /* matches longer than 16 bytes from at least 32 back: 32-byte words (short matches keep
     * 16-byte ones: a 32-byte save right behind the last copy's restore would wait for it) */
    if (len > 16 && dist >= 32) {
        const uint8_t *src = dst - dist;
        uint8_t saved[32];
        memcpy(saved, dst + len, 32);
        uint32_t i = 0;
        do {
            gd_copy32(dst + i, src + i);
            i += 32;
        } while (i < len);
        memcpy(dst + len, saved, 32);
        return;
    }
#endif
    gd_copy_match_fast16(dst, dist, len);
}

#endif
