/*
 * One data-phase round for all 32 lanes with AVX2 (decode_body.h includes this when the file
 * is compiled with -mavx2, i.e. decode_tile_avx2.c). Same passes as the scalar round
 * (decode_body.h), with the decoding itself done for all lanes at once:
 *   - eight vectors of four lane buffers; each lane looks its next symbol up with one gather
 *     (the literal/length table, or the distance table for a lane with a pending copy) and,
 *     for codes longer than the root, a second gather into the subtable;
 *   - values (literal, length or distance plus extra bits) and new buffers by variable
 *     shifts; per lane, the output it advances (1, the length, or 0 for a copying lane) and
 *     their prefix sums, which give every item's output position at once;
 *   - then, in order: the previous round's copies (scalar, in lane order), this round's
 *     lengths and destinations, every lane's byte at its position, and the refills.
 * A round with an end-of-block or invalid code, or one that would come within a byte of the
 * end of the output, is left to the scalar round: nothing is written before those checks.
 */
#ifndef DSVK_GDEFLATE_DECODE_AVX2_H
#define DSVK_GDEFLATE_DECODE_AVX2_H

#include <immintrin.h>

/* The fixed-count loops below must be unrolled for the vectors to stay in registers. */
#define GD_UNROLL _Pragma("GCC unroll 32")

/* All ones in the 64-bit lanes whose bit (of lanes 4g..4g+3) is set in m. */
#define GD_M4(x)                                                                                   \
    {                                                                                              \
        (x) & 1 ? -1 : 0, (x)&2 ? -1 : 0, (x)&4 ? -1 : 0, (x)&8 ? -1 : 0                           \
    }
static const _Alignas(32) int64_t gd_avx2_masks4[16][4] = {
    GD_M4(0), GD_M4(1), GD_M4(2),  GD_M4(3),  GD_M4(4),  GD_M4(5),  GD_M4(6),  GD_M4(7),
    GD_M4(8), GD_M4(9), GD_M4(10), GD_M4(11), GD_M4(12), GD_M4(13), GD_M4(14), GD_M4(15)};
#undef GD_M4
GD_INLINE __m256i gd_avx2_mask4(uint32_t m, unsigned g)
{
    return _mm256_load_si256((const __m256i *)(const void *)gd_avx2_masks4[(m >> (4 * g)) & 15u]);
}

/* All ones in the 32-bit lanes whose bit (of lanes 8k..8k+7) is set in m. */
GD_INLINE __m256i gd_avx2_mask8(uint32_t m, unsigned k)
{
    const __m256i bit = _mm256_set_epi32(128, 64, 32, 16, 8, 4, 2, 1);
    const __m256i v = _mm256_set1_epi32((int)((m >> (8 * k)) & 255u));
    return _mm256_cmpeq_epi32(_mm256_and_si256(v, bit), bit);
}

/* The low halves of the four 64-bit lanes of a, then of b, as eight 32-bit lanes. */
GD_INLINE __m256i gd_avx2_pack_low32(__m256i a, __m256i b)
{
    const __m256i even = _mm256_set_epi32(6, 4, 2, 0, 6, 4, 2, 0);
    return _mm256_blend_epi32(_mm256_permutevar8x32_epi32(a, even),
                              _mm256_permutevar8x32_epi32(b, even), 0xF0);
}

/* Inclusive prefix sums of eight 32-bit lanes. */
GD_INLINE __m256i gd_avx2_prefix8(__m256i x)
{
    x = _mm256_add_epi32(x, _mm256_slli_si256(x, 4));
    x = _mm256_add_epi32(x, _mm256_slli_si256(x, 8));
    /* each 128-bit half is summed; add the low half's total to the high half */
    const __m256i low_total = _mm256_shuffle_epi32(x, 0xFF);
    return _mm256_add_epi32(x, _mm256_permute2x128_si256(low_total, low_total, 0x08));
}

/*
 * Looks up and decodes the next symbol of four lanes (group g): their buffers after it go to
 * *rest, values (value + extra bits) to *v, entries to *e32. Returns false for an end of
 * block or an invalid code (the scalar round handles those).
 */
GD_INLINE bool gd_avx2_decode4(const gd_state *st, const uint32_t *tables, uint32_t pending,
                               unsigned g, __m256i *rest, __m256i *v, __m128i *e32)
{
    const __m256i c63 = _mm256_set1_epi64x(63);
    const __m256i ones = _mm256_set1_epi64x(-1);
    const __m256i litlen_root = _mm256_set1_epi64x((1 << GD_LITLEN_ROOT_BITS) - 1);
    const __m256i root_switch =
        _mm256_set1_epi64x(((1 << GD_LITLEN_ROOT_BITS) - 1) ^ ((1 << GD_DIST_ROOT_BITS) - 1));
    const __m256i dist_base = _mm256_set1_epi64x(GD_LITLEN_TABLE_SIZE);
    const __m128i flag_sub = _mm_set1_epi32(GD_E_SUBTABLE);
    const __m128i flag_special = _mm_set1_epi32(GD_E_SPECIAL);

    /* literal/length lookups, or distance lookups on lanes with a pending copy */
    __m256i b = _mm256_load_si256((const __m256i *)(const void *)(st->bits + 4 * g));
    const __m256i pm = gd_avx2_mask4(pending, g);
    const __m256i root = _mm256_xor_si256(litlen_root, _mm256_and_si256(pm, root_switch));
    const __m256i base = _mm256_and_si256(pm, dist_base);
    __m256i idx = _mm256_add_epi64(_mm256_and_si256(b, root), base);
    __m128i e = _mm256_i64gather_epi32((const int *)tables, idx, 4);
    if (GD_UNLIKELY(!_mm_testz_si128(e, flag_sub))) {
        /* codes longer than the root: the pointer's root bits go, then a subtable lookup */
        const __m256i e64 = _mm256_cvtepu32_epi64(e);
        const __m256i sub =
            _mm256_cvtepi32_epi64(_mm_cmpeq_epi32(_mm_and_si128(e, flag_sub), flag_sub));
        const __m256i shifted = _mm256_srlv_epi64(b, _mm256_and_si256(e64, c63));
        const __m256i sub_bits = _mm256_and_si256(_mm256_srli_epi64(e64, 8), c63);
        const __m256i low = _mm256_andnot_si256(_mm256_sllv_epi64(ones, sub_bits), shifted);
        const __m256i idx2 =
            _mm256_add_epi64(_mm256_add_epi64(_mm256_srli_epi64(e64, 16), low), base);
        b = _mm256_blendv_epi8(b, shifted, sub);
        idx = _mm256_blendv_epi8(idx, idx2, sub);
        e = _mm256_i64gather_epi32((const int *)tables, idx, 4);
    }
    if (GD_UNLIKELY(!_mm_testz_si128(e, _mm_or_si128(flag_special, flag_sub))))
        return false;

    /* value + extra bits, and the buffer after them */
    const __m256i e64 = _mm256_cvtepu32_epi64(e);
    const __m256i total = _mm256_and_si256(e64, c63);
    const __m256i code_len = _mm256_and_si256(_mm256_srli_epi64(e64, 8), c63);
    const __m256i low = _mm256_andnot_si256(_mm256_sllv_epi64(ones, total), b);
    *v = _mm256_add_epi64(_mm256_srli_epi64(e64, 16), _mm256_srlv_epi64(low, code_len));
    *rest = _mm256_srlv_epi64(b, total);
    *e32 = e;
    return true;
}

/* Returns 1 when it did the round, 0 to leave the round to the scalar path (nothing changed),
 * -1 for a corrupt stream (st->err says why). */
GD_INLINE int gd_round_avx2(gd_state *st, const uint32_t *tables, uint32_t *pending_p)
{
    const uint32_t pending = *pending_p;
    const __m256i ones = _mm256_set1_epi64x(-1);
    _Alignas(32) uint64_t rest[GD_LANES];
    _Alignas(32) uint32_t value[GD_LANES], start[GD_LANES], len[GD_LANES];
    uint32_t added = 0, need = 0;
    __m256i carry = _mm256_setzero_si256();

    /* eight lanes at a time: decode, then per lane the length (0 unless a match), the
     * output it advances (1, the length, or 0 for a lane that copies) and where its item
     * starts (prefix sums of the advances) */
    GD_UNROLL
    for (unsigned k = 0; k < 4; k++) {
        __m256i r0, r1, v0, v1;
        __m128i e0, e1;
        if (!gd_avx2_decode4(st, tables, pending, 2 * k, &r0, &v0, &e0) ||
            !gd_avx2_decode4(st, tables, pending, 2 * k + 1, &r1, &v1, &e1))
            return 0;
        _mm256_store_si256((__m256i *)(void *)(rest + 8 * k), r0);
        _mm256_store_si256((__m256i *)(void *)(rest + 8 * k + 4), r1);
        const __m256i zero = _mm256_setzero_si256();
        need |= (uint32_t)_mm256_movemask_pd(
                    _mm256_castsi256_pd(_mm256_cmpeq_epi64(_mm256_srli_epi64(r0, 32), zero)))
                << (8 * k);
        need |= (uint32_t)_mm256_movemask_pd(
                    _mm256_castsi256_pd(_mm256_cmpeq_epi64(_mm256_srli_epi64(r1, 32), zero)))
                << (8 * k + 4);

        const __m256i v32 = gd_avx2_pack_low32(v0, v1);
        const __m256i e32 = _mm256_inserti128_si256(_mm256_castsi128_si256(e0), e1, 1);
        const __m256i pend = gd_avx2_mask8(pending, k);
        const __m256i lit = _mm256_andnot_si256(pend, _mm256_srai_epi32(e32, 31)); /* -1 */
        const __m256i match = _mm256_andnot_si256(_mm256_or_si256(pend, lit), ones);
        const __m256i l = _mm256_and_si256(v32, match);
        const __m256i advance = _mm256_sub_epi32(l, lit);
        const __m256i end = _mm256_add_epi32(gd_avx2_prefix8(advance), carry);
        _mm256_store_si256((__m256i *)(void *)(start + 8 * k), _mm256_sub_epi32(end, advance));
        _mm256_store_si256((__m256i *)(void *)(value + 8 * k), v32);
        _mm256_store_si256((__m256i *)(void *)(len + 8 * k), l);
        added |= (uint32_t)_mm256_movemask_ps(_mm256_castsi256_ps(match)) << (8 * k);
        carry = _mm256_permutevar8x32_epi32(end, _mm256_set1_epi32(7));
    }
    const uint32_t total = (uint32_t)_mm256_cvtsi256_si32(carry);
    if (total >= st->out_size - st->pos || !gd_round_has_slack(st))
        return 0; /* near the end (or past it): exact checks on the scalar path */

    memcpy(st->bits, rest, sizeof(rest));

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
    const __m256i at = _mm256_set1_epi32((int)st->pos);
    GD_UNROLL
    for (unsigned k = 0; k < 4; k++) {
        _mm256_store_si256((__m256i *)(void *)(st->copy_len + 8 * k),
                           _mm256_load_si256((const __m256i *)(const void *)(len + 8 * k)));
        _mm256_store_si256(
            (__m256i *)(void *)(st->copy_at + 8 * k),
            _mm256_add_epi32(at,
                             _mm256_load_si256((const __m256i *)(const void *)(start + 8 * k))));
    }
    uint8_t *const out = st->out + st->pos;
    GD_UNROLL
    for (unsigned j = 0; j < GD_LANES; j++)
        out[start[j]] = (uint8_t)value[j];
    st->pos += total;
    *pending_p = added;

    /* 3. refills: lanes below 32 bits, in lane order */
    return gd_refill_lanes(st, need) == DSVK_OK ? 1 : -1;
}

#endif
