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

#include "decode_copy.h"
#include "decode_internal.h"
#include "log.h"

typedef struct gd_state {
    uint64_t bits[GD_LANES];     /* bit buffers, consumed from bit 0; bits above count are 0 */
    uint32_t count[GD_LANES];    /* valid bits in each buffer */
    uint32_t copy_len[GD_LANES]; /* pending copy of each lane (valid where a mask says so) */
    uint32_t copy_at[GD_LANES];  /* its destination, as an output offset */
    const uint8_t *in;           /* next unread word */
    const uint8_t *in_start, *in_end;
    uint8_t *out;                /* output cursor (matches advance it when decoded) */
    uint8_t *out_start, *out_end;
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
        st->err->out_offset = (uint32_t)(st->out - st->out_start);
    }
    DSVK_DEBUG("gdeflate: corrupt tile (%zu bytes): %s at input byte %zu, output byte %zu",
               (size_t)(st->in_end - st->in_start), what, (size_t)(st->in - st->in_start),
               (size_t)(st->out - st->out_start));
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

/* Takes n (<= 32) bits from lane j, for block headers; the lane must hold them. */
GD_INLINE dsvk_result gd_take(gd_state *st, unsigned j, unsigned n, uint32_t *v)
{
    if (GD_UNLIKELY(st->count[j] < n))
        return gd_fail(st, "lane ran out of bits");
    *v = gd_low_bits(st->bits[j], n);
    st->bits[j] >>= n;
    st->count[j] -= n;
    return DSVK_OK;
}

/* The refill rule: a lane holding fewer than 32 bits takes the next word. */
GD_INLINE dsvk_result gd_refill(gd_state *st, unsigned j)
{
    if (st->count[j] >= GD_REFILL_BELOW)
        return DSVK_OK;
    if (GD_UNLIKELY(st->in_end - st->in < (ptrdiff_t)GD_LANE_WORD_BYTES))
        return gd_fail(st, "bitstream runs past the end of the tile");
    st->bits[j] |= (uint64_t)gd_load32_le(st->in) << st->count[j];
    st->count[j] += 32;
    st->in += GD_LANE_WORD_BYTES;
    return DSVK_OK;
}

/* Refills the lanes in `need` (all below 32 bits), in lane order. */
GD_INLINE dsvk_result gd_refill_mask(gd_state *st, const uint8_t **in_p, uint32_t need)
{
    const uint8_t *in = *in_p;
    if (GD_UNLIKELY((size_t)__builtin_popcount(need) * GD_LANE_WORD_BYTES >
                    (size_t)(st->in_end - in)))
        return gd_fail(st, "bitstream runs past the end of the tile");
    for (; need; need &= need - 1) {
        unsigned j = (unsigned)__builtin_ctz(need);
        st->bits[j] |= (uint64_t)gd_load32_le(in) << st->count[j];
        st->count[j] += 32;
        in += GD_LANE_WORD_BYTES;
    }
    *in_p = in;
    return DSVK_OK;
}

/*
 * Looks up the next symbol of lane (b, c) in a table with subtables, consuming its code:
 * returns the entry, whose code length field is the part of the code the last lookup used.
 */
GD_INLINE uint32_t gd_lookup(const uint32_t *table, unsigned root_bits, uint64_t *b, uint32_t *c)
{
    uint32_t e = table[*b & ((1u << root_bits) - 1)];
    if (GD_UNLIKELY(e & GD_E_SUBTABLE)) {
        *b >>= root_bits;
        *c -= root_bits;
        e = table[GD_E_VALUE(e) + gd_low_bits(*b, GD_E_EXTRA(e))];
    }
    return e;
}

/* Consumes the code and extra bits of a non-special entry; returns value + extra bits. */
GD_INLINE uint32_t gd_consume(uint32_t e, uint64_t *b, uint32_t *c)
{
    unsigned code_len = GD_E_CODE_LEN(e), extra = GD_E_EXTRA(e);
    uint64_t t = *b >> code_len;
    uint32_t v = GD_E_VALUE(e) + gd_low_bits(t, extra);
    *b = t >> extra;
    *c -= code_len + extra;
    return v;
}

/* Decodes the distance of lane j's pending copy and performs the copy. */
GD_INLINE dsvk_result gd_run_copy(gd_state *st, unsigned j, const uint32_t *dist_table,
                                  uint32_t *need)
{
    uint64_t b = st->bits[j];
    uint32_t c = st->count[j];
    uint32_t e = gd_lookup(dist_table, GD_DIST_ROOT_BITS, &b, &c);
    if (GD_UNLIKELY(e & GD_E_SPECIAL))
        return gd_fail(st, "invalid distance code");
    uint32_t dist = gd_consume(e, &b, &c);
    st->bits[j] = b;
    st->count[j] = c;
    *need |= (uint32_t)(c < GD_REFILL_BELOW) << j;
    uint32_t at = st->copy_at[j];
    if (GD_UNLIKELY(dist > at))
        return gd_fail(st, "match distance reaches before the start of the tile");
    gd_copy_match(st->out_start + at, dist, st->copy_len[j]);
    return DSVK_OK;
}

/* The data phase of a fixed or dynamic Huffman block, through its end-of-block revolution. */
GD_INLINE dsvk_result gd_huffman_data(gd_state *st, const uint32_t *litlen_table,
                                      const uint32_t *dist_table, const bool counting)
{
    uint64_t *const bits = st->bits;
    uint32_t *const count = st->count;
    uint8_t *const out_start = st->out_start, *const out_end = st->out_end;
    uint8_t *out = st->out;
    uint32_t pending = 0;

    for (;;) {
        uint32_t need = 0;
        /* 1. copies whose lengths the previous round decoded */
        for (uint32_t m = pending; m; m &= m - 1)
            GD_TRY(gd_run_copy(st, (unsigned)__builtin_ctz(m), dist_table, &need));

        /* 2. one item on each other lane */
        uint32_t added = 0;
        for (uint32_t m = ~pending; m; m &= m - 1) {
            const unsigned j = (unsigned)__builtin_ctz(m);
            uint64_t b = bits[j];
            uint32_t c = count[j];
            uint32_t e = gd_lookup(litlen_table, GD_LITLEN_ROOT_BITS, &b, &c);
            if (GD_UNLIKELY(e & GD_E_SPECIAL)) {
                if (GD_E_VALUE(e) != GD_SPECIAL_EOB) {
                    st->out = out;
                    return gd_fail(st, "invalid literal/length code");
                }
                unsigned code_len = GD_E_CODE_LEN(e);
                bits[j] = b >> code_len;
                count[j] = c - code_len;
                need |= (uint32_t)(count[j] < GD_REFILL_BELOW) << j;
                /* End of block: the revolution that starts at this lane refills every lane
                 * in lane order and runs the copies this round decoded (on lanes before j;
                 * lanes after j ran theirs in pass 1). */
                st->out = out;
                GD_TRY(gd_refill_mask(st, &st->in, need));
                need = 0;
                for (uint32_t t = added; t; t &= t - 1)
                    GD_TRY(gd_run_copy(st, (unsigned)__builtin_ctz(t), dist_table, &need));
                return gd_refill_mask(st, &st->in, need);
            }
            const uint32_t v = gd_consume(e, &b, &c);
            bits[j] = b;
            count[j] = c;
            need |= (uint32_t)(c < GD_REFILL_BELOW) << j;
            /* A literal writes v and advances by one; a length reserves v bytes that its
             * copy fills next round (the byte written now is overwritten by then). */
            const uint32_t is_match = !(e & GD_E_LITERAL);
            const size_t advance = is_match ? v : 1;
            if (GD_UNLIKELY(advance > (size_t)(out_end - out))) {
                st->out = out;
                return gd_fail(st, "tile produces more than its size");
            }
            *out = (uint8_t)v;
            st->copy_len[j] = v;
            st->copy_at[j] = (uint32_t)(out - out_start);
            added |= is_match << j;
            out += advance;
            if (counting) {
                st->counts->literals += !is_match;
                st->counts->matches += is_match;
            }
        }
        pending = added;

        /* 3. refills */
        st->out = out;
        GD_TRY(gd_refill_mask(st, &st->in, need));
    }
}

/* BTYPE 0: LEN (16 bits, lane 0; no alignment, no NLEN), then byte k from lane k mod 32. */
GD_INLINE dsvk_result gd_stored_block(gd_state *st)
{
    uint32_t len = 0;
    GD_TRY(gd_take(st, 0, 16, &len));
    if (GD_UNLIKELY(len > (size_t)(st->out_end - st->out)))
        return gd_fail(st, "stored block overflows the tile");
    uint8_t *out = st->out;
    for (uint32_t done = 0; done < len;) {
        /* a round: one byte from each lane, then the refills in lane order */
        const unsigned lanes = len - done < GD_LANES ? len - done : GD_LANES;
        uint32_t need = 0;
        for (unsigned j = 0; j < lanes; j++) {
            out[j] = (uint8_t)st->bits[j];
            st->bits[j] >>= 8;
            st->count[j] -= 8;
            need |= (uint32_t)(st->count[j] < GD_REFILL_BELOW) << j;
        }
        out += lanes;
        done += lanes;
        st->out = out;
        GD_TRY(gd_refill_mask(st, &st->in, need));
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
        uint64_t b = st->bits[lane];
        uint32_t c = st->count[lane];
        uint32_t e = precode_table[b & (GD_PRECODE_TABLE_SIZE - 1)];
        if (GD_UNLIKELY(e & GD_E_SPECIAL))
            return gd_fail(st, "invalid precode symbol");
        uint32_t sym = gd_consume(e, &b, &c);
        st->bits[lane] = b;
        st->count[lane] = c;
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
                                          gd_counts *counts, const bool counting)
{
    gd_state st;
    st.in_start = tile;
    st.in_end = tile + tile_size;
    st.in = tile;
    st.out_start = out;
    st.out = out;
    st.out_end = out + out_size;
    st.err = err;
    st.counts = counts;
    if (tile_size < GD_INIT_BYTES)
        return gd_fail(&st, "tile is shorter than the 32 initial lane words");
    for (unsigned j = 0; j < GD_LANES; j++) {
        st.bits[j] = gd_load32_le(tile + 4 * j);
        st.count[j] = 32;
    }
    st.in = tile + GD_INIT_BYTES;

    uint32_t litlen_table[GD_LITLEN_TABLE_SIZE];
    uint32_t dist_table[GD_DIST_TABLE_SIZE];
    uint32_t header = 0;
    do {
        GD_TRY(gd_take(&st, 0, 3, &header));
        GD_TRY(gd_refill(&st, 0));
        const unsigned btype = header >> 1;
        if (counting && btype < 3)
            counts->blocks[btype]++;
        switch (btype) {
        case 0:
            GD_TRY(gd_stored_block(&st));
            break;
        case 1:
            GD_TRY(gd_huffman_data(&st, gd_fixed_litlen_table(), gd_fixed_dist_table(), counting));
            break;
        case 2:
            GD_TRY(gd_dynamic_tables(&st, litlen_table, dist_table));
            GD_TRY(gd_huffman_data(&st, litlen_table, dist_table, counting));
            break;
        default:
            return gd_fail(&st, "invalid block type 3");
        }
    } while (!(header & 1));

    if (st.out != st.out_end)
        return gd_fail(&st, "tile produces less than its size");
    if (!gd_trailing_is_padding(st.in, st.in_end))
        return gd_fail(&st, "non-zero bytes after the end of the bitstream");
    if (consumed)
        *consumed = (size_t)(st.in - st.in_start);
    return DSVK_OK;
}

#endif
