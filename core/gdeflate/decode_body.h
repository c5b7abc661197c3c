/*
 * The GDeflate tile decoder (GDEFLATE.md §3), as always-inline functions that decode_tile.c
 * compiles into several variants (generic, BMI2, counting).
 *
 * The 32 lanes each keep a 64-bit bit buffer that holds at least 32 bits whenever the lane
 * is visited; no item takes more than 31 bits, so decoding an item never needs input checks.
 * The data phase works a round (one visit per lane) at a time, in three passes that produce
 * exactly the sequential decoder's reads and writes:
 *   1. the copies pending from the previous round, in lane order (their sources lie before
 *      their destinations, which lie before anything this round writes);
 *   2. a literal/length/end-of-block item on every other lane, in lane order;
 *   3. the refills, in lane order: a lane's refill depends only on its own bit count, and
 *      the shared read pointer hands out words in lane order either way.
 * So input bounds are checked once per round, and the item loop has no data-dependent branch
 * apart from the rare subtable and end-of-block cases.
 */
#ifndef DSVK_GDEFLATE_DECODE_BODY_H
#define DSVK_GDEFLATE_DECODE_BODY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__BMI__) || defined(__BMI2__)
#include <immintrin.h>
#endif

#include "decode_copy.h"
#include "decode_internal.h"
#include "log.h"

typedef struct gd_state {
    /* Bit buffers, consumed from bit 0, with a marker bit just above the valid bits: a lane
     * holds fewer than 32 bits exactly when its buffer is below 2^32, and its bit count is
     * the marker's position. Buffers therefore never hold zero. */
    _Alignas(64) uint64_t bits[GD_LANES];
    _Alignas(64) uint32_t copy_len[GD_LANES]; /* length a lane decoded this round, 0: literal */
    _Alignas(64) uint32_t copy_at[GD_LANES];  /* output offset of that match's copy */
    const uint8_t *in;                        /* next unread word */
    const uint8_t *in_start, *in_end;
    uint8_t *out; /* the tile's output */
    size_t out_size;
    size_t pos; /* output cursor (matches advance it when decoded) */
    gd_error *err;
    gd_counts *counts;
} gd_state;

#define GD_LIKELY(x) __builtin_expect(!!(x), 1)
#define GD_UNLIKELY(x) __builtin_expect(!!(x), 0)

__attribute__((noinline, cold)) static dsvk_result gd_fail(gd_state *st, const char *what)
{
    if (st->err) {
        st->err->what = what;
        st->err->in_offset = (uint32_t)(st->in - st->in_start);
        st->err->out_offset = (uint32_t)st->pos;
    }
    DSVK_DEBUG("gdeflate: corrupt tile (%zu bytes): %s at input byte %zu, output byte %zu",
               (size_t)(st->in_end - st->in_start), what, (size_t)(st->in - st->in_start), st->pos);
    return DSVK_E_DECOMPRESSION;
}

#define GD_TRY(x)                                                                                  \
    do {                                                                                           \
        dsvk_result r_ = (x);                                                                      \
        if (GD_UNLIKELY(r_ != DSVK_OK))                                                            \
            return r_;                                                                             \
    } while (0)

GD_INLINE uint32_t gd_low_bits(uint64_t v, unsigned n)
{
    return (uint32_t)(v & ((1ull << n) - 1));
}

/* The lowest lane in a non-empty mask, as a size_t (no sign extension on the way). */
GD_INLINE size_t gd_first_lane(uint32_t mask)
{
#if defined(__BMI__)
    return (size_t)_tzcnt_u64(mask);
#else
    return (size_t)(unsigned)__builtin_ctz(mask);
#endif
}

/* Valid bits in a lane buffer: the marker's position. */
GD_INLINE unsigned gd_lane_count(uint64_t b)
{
    return 63u - (unsigned)__builtin_clzll(b);
}

/* Appends a 32-bit word above a lane's valid bits (which must be < 32): the marker moves up
 * by 32, i.e. b - 2^c + w * 2^c + 2^(c+32). */
GD_INLINE uint64_t gd_lane_append(uint64_t b, uint32_t w)
{
    return b + (((uint64_t)w + 0xFFFFFFFFull) << gd_lane_count(b));
}

/* Takes n (<= 32) bits from lane j, for block headers; the lane must hold them. */
GD_INLINE dsvk_result gd_take(gd_state *st, unsigned j, unsigned n, uint32_t *v)
{
    const uint64_t b = st->bits[j];
    if (GD_UNLIKELY(gd_lane_count(b) < n))
        return gd_fail(st, "lane ran out of bits");
    *v = gd_low_bits(b, n);
    st->bits[j] = b >> n;
    return DSVK_OK;
}

/* The refill rule: a lane holding fewer than 32 bits takes the next word. */
GD_INLINE dsvk_result gd_refill(gd_state *st, unsigned j)
{
    if (st->bits[j] >> 32)
        return DSVK_OK;
    if (GD_UNLIKELY(st->in_end - st->in < (ptrdiff_t)GD_LANE_WORD_BYTES))
        return gd_fail(st, "bitstream runs past the end of the tile");
    st->bits[j] = gd_lane_append(st->bits[j], gd_load32_le(st->in));
    st->in += GD_LANE_WORD_BYTES;
    return DSVK_OK;
}

/* The lanes holding fewer than 32 bits (buffer below 2^32), as a bit mask. */
GD_INLINE uint32_t gd_low_lanes(const uint64_t *bits)
{
    uint32_t mask = 0;
#if defined(__SSE2__)
    const __m128i zero = _mm_setzero_si128();
    for (unsigned k = 0; k < GD_LANES; k += 4) {
        __m128 a = _mm_castsi128_ps(_mm_loadu_si128((const __m128i *)(const void *)(bits + k)));
        __m128 c = _mm_castsi128_ps(_mm_loadu_si128((const __m128i *)(const void *)(bits + k + 2)));
        __m128i high = _mm_castps_si128(_mm_shuffle_ps(a, c, _MM_SHUFFLE(3, 1, 3, 1)));
        mask |= (uint32_t)_mm_movemask_ps(_mm_castsi128_ps(_mm_cmpeq_epi32(high, zero))) << k;
    }
#else
    for (unsigned k = 0; k < GD_LANES; k++)
        mask |= (uint32_t)((bits[k] >> 32) == 0) << k;
#endif
    return mask;
}

/* The lanes whose copy_len is not zero (they decoded a length this round). */
GD_INLINE uint32_t gd_match_lanes(const uint32_t *copy_len)
{
    uint32_t mask = 0;
#if defined(__SSE2__)
    const __m128i zero = _mm_setzero_si128();
    for (unsigned k = 0; k < GD_LANES; k += 4) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(copy_len + k));
        uint32_t zeros = (uint32_t)_mm_movemask_ps(_mm_castsi128_ps(_mm_cmpeq_epi32(v, zero)));
        mask |= (~zeros & 15u) << k;
    }
#else
    for (unsigned k = 0; k < GD_LANES; k++)
        mask |= (uint32_t)(copy_len[k] != 0) << k;
#endif
    return mask;
}

/* Refills the lanes in `need` (all below 32 bits), in lane order. */
GD_INLINE dsvk_result gd_refill_lanes(gd_state *st, uint32_t need)
{
    const uint8_t *in = st->in;
    /* a round takes at most one word per lane: check only near the end of the tile */
    if (GD_UNLIKELY(st->in_end - in < (ptrdiff_t)(GD_LANES * GD_LANE_WORD_BYTES)) &&
        (size_t)__builtin_popcount(need) * GD_LANE_WORD_BYTES > (size_t)(st->in_end - in))
        return gd_fail(st, "bitstream runs past the end of the tile");
    for (; need; need &= need - 1) {
        const unsigned j = (unsigned)__builtin_ctz(need);
        st->bits[j] = gd_lane_append(st->bits[j], gd_load32_le(in));
        in += GD_LANE_WORD_BYTES;
    }
    st->in = in;
    return DSVK_OK;
}

/* Looks up the next symbol of a lane in a table with subtables. If it used a subtable, the
 * root bits are consumed from *b here; the entry's total field covers the rest. */
GD_INLINE uint32_t gd_lookup(const uint32_t *table, unsigned root_bits, uint64_t *b)
{
    uint32_t e = table[*b & ((1u << root_bits) - 1)];
    if (GD_UNLIKELY(e & GD_E_SUBTABLE)) {
        *b >>= GD_E_TOTAL(e);
        e = table[GD_E_VALUE(e) + gd_low_bits(*b, GD_E_SUB_BITS(e))];
    }
    return e;
}

/* The low n (< 64) bits of v; BZHI does it in one instruction and reads only the low byte
 * of n, which for an ordinary entry is its total-bits field (the flag bits above are 0). */
GD_INLINE uint64_t gd_entry_low_bits(uint64_t v, uint32_t e)
{
#if defined(__BMI2__)
    return _bzhi_u64(v, e);
#else
    return v & ((1ull << GD_E_TOTAL(e)) - 1);
#endif
}

/* value + the extra bits that follow the code (none for literals and symbols): the entry's
 * total bits, shifted down past the code. */
GD_INLINE uint32_t gd_entry_value(uint32_t e, uint64_t b)
{
    return GD_E_VALUE(e) + (uint32_t)(gd_entry_low_bits(b, e) >> GD_E_CODE_LEN(e));
}

/*
 * Performs a copy of len bytes to output offset `at` from dist bytes back. `slack` says the
 * fast copy's GD_COPY_SLACK bytes after the match are known to be inside the output: copies
 * run the round after their match was decoded, so they all end at or before the round's
 * starting position, and one check per round covers them.
 */
GD_INLINE dsvk_result gd_copy_to(gd_state *st, uint32_t at, uint32_t dist, uint32_t len, bool slack)
{
    if (GD_UNLIKELY(dist > at))
        return gd_fail(st, "match distance reaches before the start of the tile");
    if (GD_LIKELY(slack || st->out_size - at >= (size_t)len + GD_COPY_SLACK))
        gd_copy_match_fast(st->out + at, dist, len);
    else
        gd_copy_match(st->out + at, dist, len);
    return DSVK_OK;
}

/* Whether every copy pending at the start of a round can take the fast path. */
GD_INLINE bool gd_round_has_slack(const gd_state *st)
{
    return st->out_size - st->pos >= GD_COPY_SLACK;
}

/* Decodes the distance of lane j's pending copy and performs the copy. */
GD_INLINE dsvk_result gd_run_copy(gd_state *st, unsigned j, const uint32_t *dist_table, bool slack)
{
    uint64_t b = st->bits[j];
    const uint32_t e = gd_lookup(dist_table, GD_DIST_ROOT_BITS, &b);
    if (GD_UNLIKELY(e & GD_E_SPECIAL))
        return gd_fail(st, "invalid distance code");
    const uint32_t dist = gd_entry_value(e, b);
    st->bits[j] = b >> GD_E_TOTAL(e);
    return gd_copy_to(st, st->copy_at[j], dist, st->copy_len[j], slack);
}

/*
 * One round of the data phase on the scalar path. Returns DSVK_OK with *done set at the end
 * of the block (after its revolution).
 */
GD_INLINE dsvk_result gd_scalar_round(gd_state *st, const uint32_t *litlen_table,
                                      const uint32_t *dist_table, uint32_t *pending_p, bool *done,
                                      const bool counting)
{
    uint64_t *const bits = st->bits;
    uint8_t *const out = st->out;
    const uint32_t pending = *pending_p;
    size_t pos = st->pos;
    /* output bytes left: one subtraction and sign test per item bounds literals and matches */
    ptrdiff_t room = (ptrdiff_t)(st->out_size - pos);

    /* 1. copies whose lengths the previous round decoded */
    const bool slack = gd_round_has_slack(st);
    for (uint32_t m = pending; m; m &= m - 1)
        GD_TRY(gd_run_copy(st, (unsigned)__builtin_ctz(m), dist_table, slack));

    /* 2. one item on each other lane */
    for (uint32_t m = ~pending; m; m &= m - 1) {
        const size_t j = gd_first_lane(m);
        uint64_t b = bits[j];
        uint32_t e = litlen_table[b & ((1u << GD_LITLEN_ROOT_BITS) - 1)];
        if (GD_UNLIKELY(e & (GD_E_SUBTABLE | GD_E_SPECIAL))) {
            if (e & GD_E_SUBTABLE) {
                b >>= GD_E_TOTAL(e);
                e = litlen_table[GD_E_VALUE(e) + gd_low_bits(b, GD_E_SUB_BITS(e))];
            }
            if (e & GD_E_SPECIAL) {
                st->pos = pos;
                if (GD_E_VALUE(e) != GD_SPECIAL_EOB)
                    return gd_fail(st, "invalid literal/length code");
                bits[j] = b >> GD_E_TOTAL(e);
                /* End of block: the revolution that starts at this lane refills every lane
                 * in lane order, then runs the copies this round decoded on lanes before j
                 * (lanes after j ran theirs in pass 1). */
                GD_TRY(gd_refill_lanes(st, gd_low_lanes(bits)));
                const uint32_t added = gd_match_lanes(st->copy_len) & ~pending & ((1u << j) - 1);
                for (uint32_t t = added; t; t &= t - 1)
                    GD_TRY(gd_run_copy(st, (unsigned)__builtin_ctz(t), dist_table, false));
                *done = true;
                return gd_refill_lanes(st, gd_low_lanes(bits));
            }
        }
        const uint32_t v = gd_entry_value(e, b);
        bits[j] = b >> GD_E_TOTAL(e);
        /* A literal writes v and advances by one; a length reserves v bytes that its copy
         * fills next round (the byte written now is overwritten by then). Plain arithmetic,
         * not a condition: literal or match is a coin toss for a predictor. */
        const uint32_t is_literal = e >> 31;
        const uint32_t len = v & (is_literal - 1u);
        const size_t advance = (size_t)len + is_literal;
        room -= (ptrdiff_t)advance;
        if (GD_UNLIKELY(room < 0)) {
            st->pos = pos;
            return gd_fail(st, "tile produces more than its size");
        }
        out[pos] = (uint8_t)v;
        st->copy_len[j] = len;
        st->copy_at[j] = (uint32_t)pos;
        pos += advance;
        if (counting) {
            st->counts->literals += is_literal;
            st->counts->matches += !is_literal;
        }
    }
    st->pos = pos;
    *pending_p = gd_match_lanes(st->copy_len) & ~pending;

    /* 3. refills */
    return gd_refill_lanes(st, gd_low_lanes(bits));
}

#if defined(__AVX512F__) && defined(__AVX512VL__) && defined(__AVX512CD__) &&                      \
    defined(__AVX512BW__) && defined(__AVX512DQ__)
#define GD_ROUND_SIMD gd_round_avx512
#include "decode_avx512.h"
#elif defined(__AVX2__)
#define GD_ROUND_SIMD gd_round_avx2
#include "decode_avx2.h"
#endif

/* The data phase of a fixed or dynamic Huffman block, through its end-of-block revolution.
 * `tables` holds the literal/length table and, GD_LITLEN_TABLE_SIZE entries on, the
 * distance table. With `simd`, rounds go through the vector path where it can take them. */
GD_INLINE dsvk_result gd_huffman_data(gd_state *st, const uint32_t *tables, const bool counting,
                                      const bool simd)
{
    uint32_t pending = 0;
    for (bool done = false; !done;) {
#if defined(GD_ROUND_SIMD)
        if (simd) {
            const int r = GD_ROUND_SIMD(st, tables, &pending);
            if (r > 0)
                continue;
            if (r < 0)
                return DSVK_E_DECOMPRESSION;
        }
#else
        (void)simd;
#endif
        GD_TRY(
            gd_scalar_round(st, tables, tables + GD_LITLEN_TABLE_SIZE, &pending, &done, counting));
    }
    return DSVK_OK;
}

/* BTYPE 0: LEN (16 bits, lane 0; no alignment, no NLEN), then byte k from lane k mod 32. */
GD_INLINE dsvk_result gd_stored_block(gd_state *st)
{
    uint32_t len = 0;
    GD_TRY(gd_take(st, 0, 16, &len));
    if (GD_UNLIKELY(len > st->out_size - st->pos))
        return gd_fail(st, "stored block overflows the tile");
    uint8_t *out = st->out + st->pos;
    for (uint32_t done = 0; done < len;) {
        /* a round: one byte from each lane, then the refills in lane order */
        const unsigned lanes = len - done < GD_LANES ? len - done : GD_LANES;
        for (unsigned j = 0; j < lanes; j++) {
            out[j] = (uint8_t)st->bits[j];
            st->bits[j] >>= 8;
        }
        out += lanes;
        done += lanes;
        st->pos += lanes;
        GD_TRY(gd_refill_lanes(st, gd_low_lanes(st->bits)));
    }
    /* the end-of-block revolution from the next lane: only refills */
    for (unsigned t = 0; t < GD_LANES; t++)
        GD_TRY(gd_refill(st, (len + t) % GD_LANES));
    return DSVK_OK;
}

/* BTYPE 2: the code-length header, spread over the lanes, then the two decode tables. */
GD_INLINE dsvk_result gd_dynamic_tables(gd_state *st, uint32_t *litlen_table, uint32_t *dist_table)
{
    uint32_t hlit = 0, hdist = 0, hclen = 0;
    GD_TRY(gd_take(st, 0, 5, &hlit));
    GD_TRY(gd_take(st, 0, 5, &hdist));
    GD_TRY(gd_take(st, 0, 4, &hclen));
    GD_TRY(gd_refill(st, 0));
    const unsigned num_litlen = hlit + 257, num_dist = hdist + 1, total = num_litlen + num_dist;

    uint8_t precode_lens[GD_NUM_PRECODE_SYMS] = {0};
    for (unsigned i = 0; i < hclen + 4; i++) {
        uint32_t v = 0;
        GD_TRY(gd_take(st, i, 3, &v));
        precode_lens[gd_precode_order[i]] = (uint8_t)v;
        GD_TRY(gd_refill(st, i));
    }
    uint32_t precode_table[GD_PRECODE_TABLE_SIZE];
    if (!gd_build_decode_table(precode_lens, GD_NUM_PRECODE_SYMS, gd_precode_symbol_entries,
                               GD_PRECODE_ROOT_BITS, precode_table, GD_PRECODE_TABLE_SIZE))
        return gd_fail(st, "invalid precode");

    /* Code lengths, one run-length symbol per lane visit. A run may end past the last
     * length (the reference accepts that): the array has room for the longest run. */
    uint8_t lens[GD_NUM_LITLEN_SYMS + GD_NUM_DIST_SYMS + 138];
    unsigned lane = 0;
    for (unsigned i = 0; i < total; lane = (lane + 1) % GD_LANES) {
        const uint64_t b = st->bits[lane];
        const uint32_t e = precode_table[b & (GD_PRECODE_TABLE_SIZE - 1)];
        if (GD_UNLIKELY(e & GD_E_SPECIAL))
            return gd_fail(st, "invalid precode symbol");
        const uint32_t sym = GD_E_VALUE(e);
        st->bits[lane] = b >> GD_E_TOTAL(e);
        if (sym < 16) {
            lens[i++] = (uint8_t)sym;
        } else {
            uint32_t rep = 0;
            uint8_t val = 0;
            if (sym == 16) {
                if (GD_UNLIKELY(i == 0))
                    return gd_fail(st, "code length repeat with no previous length");
                val = lens[i - 1];
                GD_TRY(gd_take(st, lane, 2, &rep));
                rep += 3;
            } else if (sym == 17) {
                GD_TRY(gd_take(st, lane, 3, &rep));
                rep += 3;
            } else {
                GD_TRY(gd_take(st, lane, 7, &rep));
                rep += 11;
            }
            memset(lens + i, val, rep);
            i += rep;
        }
        GD_TRY(gd_refill(st, lane));
    }
    if (!gd_build_decode_table(lens, num_litlen, gd_litlen_symbol_entries, GD_LITLEN_ROOT_BITS,
                               litlen_table, GD_LITLEN_TABLE_SIZE))
        return gd_fail(st, "invalid literal/length code lengths");
    if (!gd_build_decode_table(lens + num_litlen, num_dist, gd_dist_symbol_entries,
                               GD_DIST_ROOT_BITS, dist_table, GD_DIST_TABLE_SIZE))
        return gd_fail(st, "invalid distance code lengths");
    return DSVK_OK;
}

/* Bytes after the last word the bitstream read: zero padding is accepted, anything else
 * means the tile's size does not match its bitstream. */
GD_INLINE bool gd_trailing_is_padding(const uint8_t *p, const uint8_t *end)
{
    for (; p < end; p++)
        if (*p)
            return false;
    return true;
}

GD_INLINE dsvk_result gd_decode_tile_body(const uint8_t *tile, size_t tile_size, uint8_t *out,
                                          size_t out_size, size_t *consumed, gd_error *err,
                                          gd_counts *counts, const bool counting, const bool simd)
{
    gd_state st;
    st.in_start = tile;
    st.in_end = tile + tile_size;
    st.in = tile;
    st.out = out;
    st.out_size = out_size;
    st.pos = 0;
    st.err = err;
    st.counts = counts;
    if (tile_size < GD_INIT_BYTES)
        return gd_fail(&st, "tile is shorter than the 32 initial lane words");
    for (unsigned j = 0; j < GD_LANES; j++)
        st.bits[j] = gd_load32_le(tile + 4 * j) | (1ull << 32);
    st.in = tile + GD_INIT_BYTES;

    /* literal/length and distance tables side by side (the vector path indexes both) */
    uint32_t tables[GD_LITLEN_TABLE_SIZE + GD_DIST_TABLE_SIZE];
    uint32_t header = 0;
    do {
        GD_TRY(gd_take(&st, 0, 3, &header));
        GD_TRY(gd_refill(&st, 0));
        const unsigned btype = header >> 1;
        if (counting && btype < 3)
            counts->blocks[btype]++;
        switch (btype) {
        case 0: GD_TRY(gd_stored_block(&st)); break;
        case 1: GD_TRY(gd_huffman_data(&st, gd_fixed_tables(), counting, simd)); break;
        case 2:
            GD_TRY(gd_dynamic_tables(&st, tables, tables + GD_LITLEN_TABLE_SIZE));
            GD_TRY(gd_huffman_data(&st, tables, counting, simd));
            break;
        default: return gd_fail(&st, "invalid block type 3");
        }
    } while (!(header & 1));

    if (st.pos != st.out_size)
        return gd_fail(&st, "tile produces less than its size");
    if (!gd_trailing_is_padding(st.in, st.in_end))
        return gd_fail(&st, "non-zero bytes after the end of the bitstream");
    if (consumed)
        *consumed = (size_t)(st.in - st.in_start);
    return DSVK_OK;
}

#endif
