/* Near-optimal parsing: match cache, cost model and minimum-cost path (see enc_optimal.h). */
#include "enc_optimal.h"

#include <stdlib.h>

#include "enc_huffman.h"
#include "matchfinder_common.h"

/* Room for the matches of a whole tile; a search is only cached while a full search's worth
 * of room remains, later positions keep just their longest match. */
#define CACHE_PER_BYTE 8

/* Bits assumed for a symbol the previous parse did not use (it would get a long code). */
#define UNUSED_LIT_BITS 13
#define UNUSED_LEN_BITS 13
#define UNUSED_DIST_BITS 10

struct enc_optimal *enc_optimal_new(void)
{
    struct enc_optimal *o = malloc(sizeof(*o));
    if (!o)
        return NULL;
    o->cache_cap = (size_t)ENC_TILE_MAX * CACHE_PER_BYTE;
    o->cache = malloc(o->cache_cap * sizeof(o->cache[0]));
    if (!o->cache) {
        free(o);
        return NULL;
    }
    return o;
}

void enc_optimal_free(struct enc_optimal *o)
{
    if (o) {
        free(o->cache);
        free(o);
    }
}

void enc_optimal_find_matches(struct enc_optimal *o, const uint8_t *in, uint32_t n, unsigned depth,
                              unsigned nice)
{
    struct mf_match tmp[MF_BT_MAX_MATCHES];
    size_t top = 0;
    mf_bt_reset(&o->bt);
    for (uint32_t pos = 0; pos < n;) {
        o->start[pos] = (uint32_t)top;
        o->inside[pos] = 0;
        bool room = o->cache_cap - top >= MF_BT_MAX_MATCHES + 1;
        struct mf_match *m = room ? o->cache + top : tmp;
        unsigned count = mf_bt_find(&o->bt, in, n, pos, depth, nice, m);
        if (count == 0) {
            pos++;
            continue;
        }
        if (!room) { /* keep only the longest, while there is room for it */
            if (top == o->cache_cap) {
                pos++;
                continue;
            }
            o->cache[top] = m[count - 1];
            m = o->cache + top;
            count = 1;
        }
        struct mf_match *longest = &m[count - 1];
        top += count;
        uint32_t max_len = n - pos < ENC_MAX_MATCH ? n - pos : ENC_MAX_MATCH;
        if (longest->len < nice || longest->len >= max_len) {
            pos++;
            continue;
        }
        /* The finder stopped comparing at `nice`: measure the whole match, then step over
         * it, still inserting every position so later searches can find them. */
        unsigned dist = longest->dist;
        unsigned len = mf_extend(in + pos - dist, in + pos, longest->len, max_len);
        longest->len = (uint16_t)len;
        for (uint32_t p = pos + 1; p < pos + len; p++) {
            o->start[p] = (uint32_t)top;
            o->inside[p] = 1;
            if (top < o->cache_cap) {
                o->cache[top].len = (uint16_t)(pos + len - p);
                o->cache[top].dist = (uint16_t)dist;
                top++;
            }
            mf_bt_find(&o->bt, in, n, p, depth, nice, NULL);
        }
        pos += len;
    }
    o->start[n] = (uint32_t)top;
}

static uint32_t bits_cost(unsigned len, unsigned unused_bits, unsigned extra)
{
    return (uint32_t)(((len ? len : unused_bits) + extra) << ENC_COST_SHIFT);
}

void enc_optimal_set_costs(struct enc_optimal *o, const struct enc_histogram *h)
{
    uint8_t litlen[ENC_NUM_LITLEN_SYMS], dist[ENC_NUM_DIST_SYMS];
    enc_huffman_lengths(h->litlen, ENC_MAX_LITLEN_SYMS, ENC_MAX_CODE_LEN, litlen);
    enc_huffman_lengths(h->dist, ENC_NUM_DIST_SYMS, ENC_MAX_CODE_LEN, dist);
    struct enc_costs *c = &o->costs;
    for (unsigned b = 0; b < 256; b++)
        c->lit[b] = bits_cost(litlen[b], UNUSED_LIT_BITS, 0);
    for (unsigned len = ENC_MIN_MATCH; len <= ENC_MAX_SHORT_MATCH; len++) {
        unsigned slot = enc_len_slot(len);
        c->len[len] =
            bits_cost(litlen[ENC_FIRST_LEN_SYM + slot], UNUSED_LEN_BITS, enc_len_extra[slot]);
    }
    c->long_len = bits_cost(litlen[ENC_LONG_LEN_SYM], UNUSED_LEN_BITS, ENC_LONG_LEN_EXTRA);
    for (unsigned s = 0; s < ENC_NUM_DIST_SYMS; s++)
        c->dist[s] = bits_cost(dist[s], UNUSED_DIST_BITS, enc_dist_extra[s]);
}

/* The longest cached match at pos, clipped to end; 0 when none is worth taking. */
static unsigned longest_cached(const struct enc_optimal *o, uint32_t pos, uint32_t end,
                               unsigned *dist)
{
    uint32_t first = o->start[pos], last = o->start[pos + 1];
    if (last == first)
        return 0;
    unsigned len = o->cache[last - 1].len;
    *dist = o->cache[last - 1].dist;
    if (len > end - pos)
        len = end - pos;
    if (len < ENC_MIN_MATCH || (len == ENC_MIN_MATCH && *dist > ENC_FAR_LEN3_DIST))
        return 0;
    return len;
}

size_t enc_optimal_lazy(const struct enc_optimal *o, const uint8_t *in, uint32_t start,
                        uint32_t end, struct enc_item *items)
{
    size_t count = 0;
    for (uint32_t pos = start; pos < end;) {
        unsigned dist = 0, len = longest_cached(o, pos, end, &dist);
        /* Defer to the next position while it offers a clearly longer match. */
        while (len && pos + 1 < end) {
            unsigned dist2 = 0, len2 = longest_cached(o, pos + 1, end, &dist2);
            if (!len2 ||
                4 * (int)len2 - (int)enc_log2(dist2) <= 4 * (int)len - (int)enc_log2(dist) + 2)
                break;
            items[count++] = (struct enc_item){0, in[pos]};
            pos++;
            len = len2;
            dist = dist2;
        }
        if (len == 0) {
            items[count++] = (struct enc_item){0, in[pos]};
            pos++;
        } else {
            items[count++] = (struct enc_item){(uint16_t)len, (uint16_t)dist};
            pos += len;
        }
    }
    return count;
}

size_t enc_optimal_parse(struct enc_optimal *o, const uint8_t *in, uint32_t start, uint32_t end,
                         struct enc_item *items)
{
    const struct enc_costs *c = &o->costs;
    uint32_t *cost = o->cost;
    cost[end] = 0;
    /* Backwards: cost[i] = cheapest encoding of [i, end). */
    for (uint32_t i = end; i-- > start;) {
        uint32_t rem = end - i;
        uint32_t best = cost[i + 1] + c->lit[in[i]];
        unsigned best_len = 0, best_dist = 0;
        const struct mf_match *m = o->cache + o->start[i];
        const struct mf_match *m_end = o->cache + o->start[i + 1];
        if (o->inside[i]) {
            /* Inside a long match: only its continuation is on offer. */
            if (m < m_end) {
                unsigned len = m->len < rem ? m->len : rem;
                if (len >= ENC_MIN_MATCH) {
                    uint32_t cc = (len <= ENC_MAX_SHORT_MATCH ? c->len[len] : c->long_len) +
                                  c->dist[enc_dist_slot(m->dist)] + cost[i + len];
                    if (cc < best) {
                        best = cc;
                        best_len = len;
                        best_dist = m->dist;
                    }
                }
            }
        } else {
            unsigned prev = ENC_MIN_MATCH - 1;
            for (; m < m_end; m++) {
                unsigned len = m->len < rem ? m->len : rem;
                if (len <= prev)
                    break;
                uint32_t dc = c->dist[enc_dist_slot(m->dist)];
                unsigned top = len < ENC_MAX_SHORT_MATCH ? len : ENC_MAX_SHORT_MATCH;
                /* The cheapest length of this distance, selected without branches (which
                 * way each comparison goes is unpredictable). */
                uint32_t range_best = UINT32_MAX;
                unsigned range_len = 0;
                for (unsigned l = prev + 1; l <= top; l++) {
                    uint32_t v = c->len[l] + cost[i + l];
                    range_len = v < range_best ? l : range_len;
                    range_best = v < range_best ? v : range_best;
                }
                if (range_len && range_best + dc < best) {
                    best = range_best + dc;
                    best_len = range_len;
                    best_dist = m->dist;
                }
                if (len > ENC_MAX_SHORT_MATCH) {
                    uint32_t cc = c->long_len + dc + cost[i + len];
                    if (cc < best) {
                        best = cc;
                        best_len = len;
                        best_dist = m->dist;
                    }
                }
                prev = len;
            }
        }
        cost[i] = best;
        o->choice_len[i] = (uint16_t)best_len;
        o->choice_dist[i] = (uint16_t)best_dist;
    }
    size_t count = 0;
    for (uint32_t i = start; i < end;) {
        unsigned len = o->choice_len[i];
        if (len == 0) {
            items[count++] = (struct enc_item){0, in[i]};
            i++;
        } else {
            items[count++] = (struct enc_item){(uint16_t)len, o->choice_dist[i]};
            i += len;
        }
    }
    return count;
}
