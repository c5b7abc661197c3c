/*
 * Block costs and block serialization. The write order of every item is the order in which
 * the reference decoder reads it (GDEFLATE.md §3), because the lane writer derives the slot
 * layout from that order.
 */
#include "enc_block.h"

#include <pthread.h>
#include <string.h>

#include "enc_huffman.h"

void enc_histogram_of(struct enc_histogram *h, const struct enc_item *items, size_t n)
{
    memset(h, 0, sizeof(*h));
    for (size_t i = 0; i < n; i++)
        enc_histogram_add(h, &items[i]);
    h->litlen[ENC_END_OF_BLOCK]++;
}

void enc_histogram_merge(struct enc_histogram *a, const struct enc_histogram *b)
{
    for (unsigned s = 0; s < ENC_NUM_LITLEN_SYMS; s++)
        a->litlen[s] += b->litlen[s];
    for (unsigned s = 0; s < ENC_NUM_DIST_SYMS; s++)
        a->dist[s] += b->dist[s];
    a->extra_bits += b->extra_bits;
    a->litlen[ENC_END_OF_BLOCK]--;
}

static struct enc_codes fixed_codes;
static pthread_once_t fixed_once = PTHREAD_ONCE_INIT;

static void build_fixed_codes(void)
{
    struct enc_codes *c = &fixed_codes;
    for (unsigned s = 0; s < ENC_NUM_LITLEN_SYMS; s++)
        c->litlen_len[s] = s < 144 ? 8 : s < 256 ? 9 : s < 280 ? 7 : 8;
    for (unsigned s = 0; s < ENC_NUM_DIST_SYMS; s++)
        c->dist_len[s] = 5;
    enc_huffman_codewords(c->litlen_len, ENC_NUM_LITLEN_SYMS, c->litlen_code);
    enc_huffman_codewords(c->dist_len, ENC_NUM_DIST_SYMS, c->dist_code);
}

const struct enc_codes *enc_fixed_codes(void)
{
    pthread_once(&fixed_once, build_fixed_codes);
    return &fixed_codes;
}

static const uint8_t rle_extra_bits[ENC_NUM_PRECODE_SYMS] = {[16] = 2, [17] = 3, [18] = 7};

static void rle_emit(struct enc_codes *c, unsigned sym, unsigned extra)
{
    c->rle_sym[c->num_rle] = (uint8_t)sym;
    c->rle_extra[c->num_rle] = (uint8_t)extra;
    c->num_rle++;
}

/* Run-length codes the concatenated lit/len and distance code lengths (RFC 1951 §3.2.7). */
static void rle_code_lengths(struct enc_codes *c, const uint8_t *lens, unsigned n)
{
    c->num_rle = 0;
    for (unsigned i = 0; i < n;) {
        unsigned v = lens[i], run = 1;
        while (i + run < n && lens[i + run] == v)
            run++;
        i += run;
        if (v == 0) {
            while (run >= 11) {
                unsigned r = run < 138 ? run : 138;
                rle_emit(c, 18, r - 11);
                run -= r;
            }
            if (run >= 3) {
                rle_emit(c, 17, run - 3);
                run = 0;
            }
        } else {
            rle_emit(c, v, 0);
            run--;
            while (run >= 3) {
                unsigned r = run < 6 ? run : 6;
                rle_emit(c, 16, r - 3);
                run -= r;
            }
        }
        while (run--)
            rle_emit(c, v, 0);
    }
}

uint64_t enc_build_dynamic(struct enc_codes *c, const struct enc_histogram *h)
{
    enc_huffman_lengths(h->litlen, ENC_MAX_LITLEN_SYMS, ENC_MAX_CODE_LEN, c->litlen_len);
    c->litlen_len[286] = c->litlen_len[287] = 0;
    enc_huffman_lengths(h->dist, ENC_NUM_DIST_SYMS, ENC_MAX_CODE_LEN, c->dist_len);
    enc_huffman_codewords(c->litlen_len, ENC_NUM_LITLEN_SYMS, c->litlen_code);
    enc_huffman_codewords(c->dist_len, ENC_NUM_DIST_SYMS, c->dist_code);

    c->num_litlen = ENC_MAX_LITLEN_SYMS;
    while (c->num_litlen > 257 && c->litlen_len[c->num_litlen - 1] == 0)
        c->num_litlen--;
    c->num_dist = ENC_NUM_DIST_SYMS;
    while (c->num_dist > 1 && c->dist_len[c->num_dist - 1] == 0)
        c->num_dist--;

    uint8_t all[ENC_NUM_LITLEN_SYMS + ENC_NUM_DIST_SYMS];
    memcpy(all, c->litlen_len, c->num_litlen);
    memcpy(all + c->num_litlen, c->dist_len, c->num_dist);
    rle_code_lengths(c, all, c->num_litlen + c->num_dist);

    uint32_t freq[ENC_NUM_PRECODE_SYMS] = {0};
    for (unsigned i = 0; i < c->num_rle; i++)
        freq[c->rle_sym[i]]++;
    enc_huffman_lengths(freq, ENC_NUM_PRECODE_SYMS, ENC_MAX_PRECODE_LEN, c->precode_len);
    enc_huffman_codewords(c->precode_len, ENC_NUM_PRECODE_SYMS, c->precode_code);
    c->num_precode = ENC_NUM_PRECODE_SYMS;
    while (c->num_precode > 4 && c->precode_len[enc_precode_order[c->num_precode - 1]] == 0)
        c->num_precode--;

    uint64_t bits = 3 + 5 + 5 + 4 + 3 * (uint64_t)c->num_precode;
    for (unsigned i = 0; i < c->num_rle; i++)
        bits += c->precode_len[c->rle_sym[i]] + rle_extra_bits[c->rle_sym[i]];
    return bits;
}

uint64_t enc_data_bits(const struct enc_codes *c, const struct enc_histogram *h)
{
    uint64_t bits = h->extra_bits;
    for (unsigned s = 0; s < ENC_MAX_LITLEN_SYMS; s++)
        bits += (uint64_t)h->litlen[s] * c->litlen_len[s];
    for (unsigned s = 0; s < ENC_NUM_DIST_SYMS; s++)
        bits += (uint64_t)h->dist[s] * c->dist_len[s];
    return bits;
}

#define STORED_MAX 65535u /* LEN is 16 bits */

uint64_t enc_stored_bits(size_t n)
{
    uint64_t blocks = n == 0 ? 1 : (n + STORED_MAX - 1) / STORED_MAX;
    return blocks * (3 + 16) + 8 * (uint64_t)n;
}

void enc_write_stored(struct enc_bitwriter *bw, const uint8_t *data, size_t n, bool final)
{
    do {
        size_t len = n < STORED_MAX ? n : STORED_MAX;
        bool last = len == n;
        /* BTYPE 0, then LEN on lane 0: no alignment and no NLEN in GDeflate. */
        enc_bw_put(bw, 0, (final && last) ? 1 : 0, 3);
        enc_bw_put(bw, 0, (uint32_t)len, 16);
        for (size_t k = 0; k < len; k++)
            enc_bw_put(bw, k % ENC_LANES, data[k], 8);
        data += len;
        n -= len;
    } while (n > 0);
}

static inline void put_distance(struct enc_bitwriter *bw, const struct enc_codes *c, unsigned lane,
                                unsigned dist)
{
    unsigned ds = enc_dist_slot(dist);
    enc_bw_put(bw, lane, c->dist_code[ds] | ((dist - enc_dist_base[ds]) << c->dist_len[ds]),
               c->dist_len[ds] + enc_dist_extra[ds]);
}

static inline void put_litlen(struct enc_bitwriter *bw, const struct enc_codes *c, unsigned lane,
                              const struct enc_item *it)
{
    if (it->len == 0) {
        enc_bw_put(bw, lane, c->litlen_code[it->val], c->litlen_len[it->val]);
    } else if (it->len > ENC_MAX_SHORT_MATCH) {
        unsigned s = ENC_LONG_LEN_SYM;
        enc_bw_put(bw, lane, c->litlen_code[s] | ((uint32_t)(it->len - 3) << c->litlen_len[s]),
                   c->litlen_len[s] + ENC_LONG_LEN_EXTRA);
    } else {
        unsigned ls = enc_len_slot(it->len), s = ENC_FIRST_LEN_SYM + ls;
        enc_bw_put(bw, lane, c->litlen_code[s] | ((it->len - enc_len_base[ls]) << c->litlen_len[s]),
                   c->litlen_len[s] + enc_len_extra[ls]);
    }
}

static void write_dynamic_header(struct enc_bitwriter *bw, const struct enc_codes *c)
{
    enc_bw_put(bw, 0,
               (c->num_litlen - 257) | ((c->num_dist - 1) << 5) | ((c->num_precode - 4) << 10), 14);
    /* Precode length i goes to lane i (at most 19 lanes). */
    for (unsigned i = 0; i < c->num_precode; i++)
        enc_bw_put(bw, i, c->precode_len[enc_precode_order[i]], 3);
    /* Code-length symbols round-robin from lane 0, each with its extra bits. */
    for (unsigned i = 0; i < c->num_rle; i++) {
        unsigned sym = c->rle_sym[i];
        enc_bw_put(bw, i % ENC_LANES,
                   c->precode_code[sym] | (c->rle_extra[i] << c->precode_len[sym]),
                   c->precode_len[sym] + rle_extra_bits[sym]);
    }
}

void enc_write_huffman(struct enc_bitwriter *bw, const struct enc_codes *c, bool dynamic,
                       const struct enc_item *items, size_t n, bool final)
{
    enc_bw_put(bw, 0, (final ? 1u : 0u) | ((dynamic ? 2u : 1u) << 1), 3);
    if (dynamic)
        write_dynamic_header(bw, c);

    /*
     * Data phase. A match's length goes to a lane in one round and its distance to the same
     * lane in the next round; a lane owing a distance takes no new item that round.
     */
    uint16_t pending[ENC_LANES] = {0}; /* owed distance per lane, 0 = none */
    unsigned lane = 0;
    for (size_t i = 0; i < n; i++) {
        while (pending[lane]) {
            put_distance(bw, c, lane, pending[lane]);
            pending[lane] = 0;
            lane = (lane + 1) % ENC_LANES;
        }
        put_litlen(bw, c, lane, &items[i]);
        if (items[i].len)
            pending[lane] = items[i].val;
        lane = (lane + 1) % ENC_LANES;
    }
    while (pending[lane]) {
        put_distance(bw, c, lane, pending[lane]);
        pending[lane] = 0;
        lane = (lane + 1) % ENC_LANES;
    }
    enc_bw_put(bw, lane, c->litlen_code[ENC_END_OF_BLOCK], c->litlen_len[ENC_END_OF_BLOCK]);
    /* The decoder's closing revolution: every lane still owing a distance reads it now. */
    for (unsigned k = 1; k < ENC_LANES; k++) {
        unsigned l = (lane + k) % ENC_LANES;
        if (pending[l])
            put_distance(bw, c, l, pending[l]);
    }
}
