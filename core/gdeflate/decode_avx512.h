/*
 * One data-phase round for all 32 lanes with AVX-512 (decode_body.h includes this when the
 * file is compiled for AVX-512: decode_tile_avx512.c). The same passes as the AVX2 round
 * (decode_avx2.h), with what AVX-512 adds:
 *   - four vectors of eight lane buffers, lane masks in mask registers;
 *   - refills without leaving the vector registers: an expand-load puts the next words into
 *     exactly the lanes below 32 bits, in lane order (the format's refill rule), and the
 *     marker bit's position (VPLZCNTQ) says where each word goes.
 * Rounds it cannot take (end of block, invalid codes, near the end of the output) go to the
 * scalar round, with nothing changed.
 */
#ifndef DSVK_GDEFLATE_DECODE_AVX512_H
#define DSVK_GDEFLATE_DECODE_AVX512_H

#include <immintrin.h>

#define GD_UNROLL512 _Pragma("GCC unroll 32")

/*
 * Looks up and decodes the next symbol of lanes 8g..8g+7: the buffers after it go to *rest,
 * values (value + extra bits) to *v (32-bit lanes), entries to *e. False for an end of block
 * or an invalid code.
 */
GD_INLINE bool gd_avx512_decode8(const gd_state *st, const uint32_t *tables, uint32_t pending,
                                 unsigned g, __m512i *rest, __m256i *v, __m256i *e_out)
{
    const __m512i c63 = _mm512_set1_epi64(63);
    const __m512i ones = _mm512_set1_epi64(-1);
    const __mmask8 pm = (__mmask8)(pending >> (8 * g));
    const __m512i root =
        _mm512_mask_blend_epi64(pm, _mm512_set1_epi64((1 << GD_LITLEN_ROOT_BITS) - 1),
                                _mm512_set1_epi64((1 << GD_DIST_ROOT_BITS) - 1));
    const __m512i base = _mm512_maskz_mov_epi64(pm, _mm512_set1_epi64(GD_LITLEN_TABLE_SIZE));

    __m512i b = _mm512_load_si512((const void *)(st->bits + 8 * g));
    __m256i e = _mm512_i64gather_epi32(_mm512_add_epi64(_mm512_and_si512(b, root), base),
                                       (const void *)tables, 4);
    const __mmask8 sub = _mm256_test_epi32_mask(e, _mm256_set1_epi32(GD_E_SUBTABLE));
    if (GD_UNLIKELY(sub)) {
        /* codes longer than the root: the pointer's root bits go, then a subtable lookup */
        const __m512i e64 = _mm512_cvtepu32_epi64(e);
        const __m512i shifted = _mm512_srlv_epi64(b, _mm512_and_si512(e64, c63));
        const __m512i sub_bits = _mm512_and_si512(_mm512_srli_epi64(e64, 8), c63);
        const __m512i low = _mm512_andnot_si512(_mm512_sllv_epi64(ones, sub_bits), shifted);
        const __m512i idx2 =
            _mm512_add_epi64(_mm512_add_epi64(_mm512_srli_epi64(e64, 16), low), base);
        b = _mm512_mask_mov_epi64(b, sub, shifted);
        e = _mm512_mask_i64gather_epi32(e, sub, idx2, (const void *)tables, 4);
    }
    if (GD_UNLIKELY(_mm256_test_epi32_mask(e, _mm256_set1_epi32(GD_E_SUBTABLE | GD_E_SPECIAL))))
        return false;

    const __m512i e64 = _mm512_cvtepu32_epi64(e);
    const __m512i total = _mm512_and_si512(e64, c63);
    const __m512i code_len = _mm512_and_si512(_mm512_srli_epi64(e64, 8), c63);
    const __m512i low = _mm512_andnot_si512(_mm512_sllv_epi64(ones, total), b);
    *v = _mm512_cvtepi64_epi32(
        _mm512_add_epi64(_mm512_srli_epi64(e64, 16), _mm512_srlv_epi64(low, code_len)));
    *rest = _mm512_srlv_epi64(b, total);
    *e_out = e;
    return true;
}

/* Inclusive prefix sums of sixteen 32-bit lanes. */
GD_INLINE __m512i gd_avx512_prefix16(__m512i x)
{
    const __m512i zero = _mm512_setzero_si512();
    x = _mm512_add_epi32(x, _mm512_alignr_epi32(x, zero, 15));
    x = _mm512_add_epi32(x, _mm512_alignr_epi32(x, zero, 14));
    x = _mm512_add_epi32(x, _mm512_alignr_epi32(x, zero, 12));
    return _mm512_add_epi32(x, _mm512_alignr_epi32(x, zero, 8));
}

/* Returns 1 when it did the round, 0 to leave the round to the scalar path (nothing changed),
 * -1 for a corrupt stream (st->err says why). */
GD_INLINE int gd_round_avx512(gd_state *st, const uint32_t *tables, uint32_t *pending_p)
{
    const uint32_t pending = *pending_p;
    __m512i rest[4];
    _Alignas(64) uint32_t value[GD_LANES], start[GD_LANES];
    __m512i len[2];
    uint32_t added = 0;
    __m512i carry = _mm512_setzero_si512();

    /* sixteen lanes at a time: decode, then per lane the length (0 unless a match), the
     * output it advances (1, the length, or 0 for a lane that copies) and where its item
     * starts (prefix sums of the advances) */
    GD_UNROLL512
    for (unsigned h = 0; h < 2; h++) {
        __m256i v0, v1, e0, e1;
        if (!gd_avx512_decode8(st, tables, pending, 2 * h, &rest[2 * h], &v0, &e0) ||
            !gd_avx512_decode8(st, tables, pending, 2 * h + 1, &rest[2 * h + 1], &v1, &e1))
            return 0;
        const __m512i v32 = _mm512_inserti64x4(_mm512_castsi256_si512(v0), v1, 1);
        const __m512i e32 = _mm512_inserti64x4(_mm512_castsi256_si512(e0), e1, 1);
        const __mmask16 pend = (__mmask16)(pending >> (16 * h));
        const __mmask16 lit = (__mmask16)(_mm512_movepi32_mask(e32) & ~pend);
        const __mmask16 match = (__mmask16) ~(pend | lit);
        len[h] = _mm512_maskz_mov_epi32(match, v32);
        const __m512i advance = _mm512_mask_mov_epi32(len[h], lit, _mm512_set1_epi32(1));
        const __m512i end = _mm512_add_epi32(gd_avx512_prefix16(advance), carry);
        _mm512_store_si512((void *)(start + 16 * h), _mm512_sub_epi32(end, advance));
        _mm512_store_si512((void *)(value + 16 * h), v32);
        added |= (uint32_t)match << (16 * h);
        carry = _mm512_permutexvar_epi32(_mm512_set1_epi32(15), end);
    }
    const uint32_t total = (uint32_t)_mm512_cvtsi512_si32(carry);
    if (total >= st->out_size - st->pos || !gd_round_has_slack(st))
        return 0; /* near the end (or past it): exact checks on the scalar path */

    /* the refills need this many words: a short tile is the scalar path's error to report */
    uint32_t need[4], words = 0;
    GD_UNROLL512
    for (unsigned g = 0; g < 4; g++) {
        need[g] = _mm512_cmplt_epu64_mask(rest[g], _mm512_set1_epi64(1ll << 32));
        words += (uint32_t)__builtin_popcount(need[g]);
    }
    if ((size_t)(st->in_end - st->in) < (size_t)words * GD_LANE_WORD_BYTES)
        return 0;

    /* 1. the previous round's copies, in lane order, with the distances decoded now (the
     * check above leaves room for the fast copies) */
    for (uint32_t m = pending; m; m &= m - 1) {
        const unsigned j = (unsigned)__builtin_ctz(m);
        if (gd_copy_to(st, st->copy_at[j], value[j], st->copy_len[j], true) != DSVK_OK)
            return -1;
    }

    /* 2. this round's lengths and destinations, then every lane's byte at its position, in
     * lane order: a literal, a placeholder where a match goes (its copy overwrites it), or for
     * a lane that copied, a spare byte at the next item's position, which that item (or the
     * next round's first) overwrites; total < room keeps it inside the output */
    const __m512i at = _mm512_set1_epi32((int)st->pos);
    GD_UNROLL512
    for (unsigned h = 0; h < 2; h++) {
        _mm512_store_si512((void *)(st->copy_len + 16 * h), len[h]);
        _mm512_store_si512((void *)(st->copy_at + 16 * h),
                           _mm512_add_epi32(at, _mm512_load_si512((const void *)(start + 16 * h))));
    }
    uint8_t *const out = st->out + st->pos;
    GD_UNROLL512
    for (unsigned j = 0; j < GD_LANES; j++)
        out[start[j]] = (uint8_t)value[j];
    st->pos += total;
    *pending_p = added;

    /* 3. refills: the next words go to the lanes below 32 bits, in lane order, each above its
     * lane's valid bits (the marker moves up by 32: b - 2^c + w * 2^c + 2^(c+32)) */
    const uint8_t *in = st->in;
    GD_UNROLL512
    for (unsigned g = 0; g < 4; g++) {
        const __mmask8 k = (__mmask8)need[g];
        const __m512i w = _mm512_cvtepu32_epi64(_mm256_maskz_expandloadu_epi32(k, in));
        in += (size_t)__builtin_popcount(need[g]) * GD_LANE_WORD_BYTES;
        const __m512i count = _mm512_sub_epi64(_mm512_set1_epi64(63), _mm512_lzcnt_epi64(rest[g]));
        const __m512i add =
            _mm512_sllv_epi64(_mm512_add_epi64(w, _mm512_set1_epi64(0xFFFFFFFFll)), count);
        _mm512_store_si512((void *)(st->bits + 8 * g),
                           _mm512_mask_add_epi64(rest[g], k, rest[g], add));
    }
    st->in = in;
    return 1;
}

#endif
