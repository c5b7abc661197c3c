/* The test-side GDeflate tile writer (gd_writer.h). */
#include "gd_writer.h"

#include <stdlib.h>
#include <string.h>

static const uint8_t precode_order[19] = {16, 17, 18, 0, 8,  7, 9,  6, 10, 5,
                                          11, 4,  12, 3, 13, 2, 14, 1, 15};

static long new_slot(gdw *w)
{
    if (w->num_words == w->cap) {
        w->cap = w->cap ? w->cap * 2 : 256;
        w->words = realloc(w->words, w->cap * sizeof(*w->words));
    }
    w->words[w->num_words] = 0;
    return (long)w->num_words++;
}

void gdw_init(gdw *w)
{
    memset(w, 0, sizeof(*w));
    for (unsigned j = 0; j < GDW_LANES; j++) {
        w->lanes[j].slot = new_slot(w);
        w->lanes[j].next_slot = -1;
    }
}

void gdw_free(gdw *w)
{
    free(w->words);
    memset(w, 0, sizeof(*w));
}

void gdw_bits(gdw *w, unsigned lane, uint32_t value, unsigned n)
{
    gdw_lane *l = &w->lanes[lane];
    for (unsigned i = 0; i < n; i++) {
        if (l->used == 32) {
            if (l->next_slot < 0) {
                w->overflow = true;
                return;
            }
            l->slot = l->next_slot;
            l->next_slot = -1;
            l->used = 0;
        }
        w->words[l->slot] |= ((value >> i) & 1u) << l->used;
        l->used++;
    }
}

void gdw_huff(gdw *w, unsigned lane, uint32_t code, unsigned len)
{
    for (unsigned i = len; i-- > 0;)
        gdw_bits(w, lane, (code >> i) & 1u, 1);
}

void gdw_refill(gdw *w, unsigned lane)
{
    gdw_lane *l = &w->lanes[lane];
    unsigned have = (32 - l->used) + (l->next_slot >= 0 ? 32 : 0);
    if (have < 32) {
        if (l->used == 32) {
            /* the word is used up: the new one becomes the current word */
            l->slot = new_slot(w);
            l->used = 0;
        } else {
            l->next_slot = new_slot(w);
        }
    }
}

void gdw_code_from_lengths(gdw_code *c, const uint8_t *lens, unsigned num_syms)
{
    unsigned count[16] = {0}, next[16];
    memset(c, 0, sizeof(*c));
    memcpy(c->lens, lens, num_syms);
    c->num_syms = num_syms;
    for (unsigned s = 0; s < num_syms; s++)
        count[lens[s]]++;
    count[0] = 0;
    unsigned code = 0;
    for (unsigned len = 1; len < 16; len++) {
        code = (code + count[len - 1]) << 1;
        next[len] = code;
    }
    for (unsigned s = 0; s < num_syms; s++)
        if (lens[s])
            c->codes[s] = (uint16_t)next[lens[s]]++;
}

void gdw_fixed_codes(gdw_code *litlen, gdw_code *dist)
{
    uint8_t lens[288];
    memset(lens, 8, 144);
    memset(lens + 144, 9, 112);
    memset(lens + 256, 7, 24);
    memset(lens + 280, 8, 8);
    gdw_code_from_lengths(litlen, lens, 288);
    memset(lens, 5, 32);
    gdw_code_from_lengths(dist, lens, 32);
}

void gdw_flat_lengths(uint8_t *lens, unsigned n)
{
    if (n == 1) {
        lens[0] = 1;
        return;
    }
    unsigned bits = 0;
    while ((1u << (bits + 1)) <= n)
        bits++;
    /* 2^bits <= n < 2^(bits+1): `shorter` codes of length bits, the rest one longer */
    unsigned shorter = (1u << (bits + 1)) - n;
    for (unsigned s = 0; s < n; s++)
        lens[s] = (uint8_t)(s < shorter ? bits : bits + 1);
}

static void block_header(gdw *w, bool final, unsigned btype)
{
    gdw_bits(w, 0, final ? 1 : 0, 1);
    gdw_bits(w, 0, btype, 2);
    gdw_refill(w, 0);
}

void gdw_stored_block(gdw *w, bool final, const uint8_t *data, uint32_t len)
{
    block_header(w, final, 0);
    gdw_bits(w, 0, len, 16);
    for (uint32_t k = 0; k < len; k++) {
        gdw_bits(w, k % GDW_LANES, data[k], 8);
        gdw_refill(w, k % GDW_LANES);
    }
    for (unsigned t = 0; t < GDW_LANES; t++)
        gdw_refill(w, (len + t) % GDW_LANES);
}

static void length_symbol(uint32_t len, unsigned *sym, unsigned *extra_bits, uint32_t *extra)
{
    static const uint16_t base[] = {3,  4,  5,  6,  7,  8,  9,  10, 11, 13,  15,  17,  19,  23,
                                    27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227};
    static const uint8_t bits[] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2,
                                   2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5};
    if (len >= 258) {
        *sym = 285;
        *extra_bits = 16;
        *extra = len - 3;
        return;
    }
    unsigned i = 27;
    while (base[i] > len)
        i--;
    *sym = 257 + i;
    *extra_bits = bits[i];
    *extra = len - base[i];
}

static void dist_symbol(uint32_t dist, unsigned *sym, unsigned *extra_bits, uint32_t *extra)
{
    if (dist <= 4) {
        *sym = dist - 1;
        *extra_bits = 0;
        *extra = 0;
        return;
    }
    for (unsigned s = 4; s < 32; s++) {
        unsigned e = s / 2 - 1;
        uint32_t base = ((2u + (s & 1)) << e) + 1;
        if (dist >= base && dist < base + (1u << e)) {
            *sym = s;
            *extra_bits = e;
            *extra = dist - base;
            return;
        }
    }
    *sym = 31;
    *extra_bits = 14;
    *extra = 0;
}

static void put_symbol(gdw *w, unsigned lane, const gdw_code *c, unsigned sym)
{
    gdw_huff(w, lane, c->codes[sym], c->lens[sym]);
}

void gdw_data(gdw *w, const gdw_code *litlen, const gdw_code *dist, const gdw_item *items, size_t n)
{
    uint32_t pending[GDW_LANES] = {0};
    size_t next = 0;
    unsigned eob_lane = 0;
    for (bool done = false; !done;) {
        for (unsigned lane = 0; lane < GDW_LANES; lane++) {
            unsigned sym, eb;
            uint32_t extra;
            if (pending[lane]) {
                dist_symbol(pending[lane], &sym, &eb, &extra);
                put_symbol(w, lane, dist, sym);
                gdw_bits(w, lane, extra, eb);
                pending[lane] = 0;
            } else if (next < n) {
                const gdw_item *it = &items[next++];
                if (it->kind == GDW_LIT) {
                    put_symbol(w, lane, litlen, it->byte);
                } else if (it->kind == GDW_RAW) {
                    gdw_bits(w, lane, it->bits, it->n_bits);
                } else {
                    length_symbol(it->len, &sym, &eb, &extra);
                    if (it->sym >= 285) {
                        sym = it->sym;
                        eb = 16;
                        extra = it->len - 3;
                    } else if (it->sym == 284) {
                        sym = 284;
                        eb = 5;
                        extra = it->len - 227;
                    }
                    put_symbol(w, lane, litlen, sym);
                    gdw_bits(w, lane, extra, eb);
                    pending[lane] = it->dist;
                }
            } else {
                put_symbol(w, lane, litlen, 256);
                eob_lane = lane;
                done = true;
                break;
            }
            gdw_refill(w, lane);
        }
    }
    for (unsigned t = 0; t < GDW_LANES; t++) {
        unsigned lane = (eob_lane + t) % GDW_LANES;
        if (pending[lane]) {
            unsigned sym, eb;
            uint32_t extra;
            dist_symbol(pending[lane], &sym, &eb, &extra);
            put_symbol(w, lane, dist, sym);
            gdw_bits(w, lane, extra, eb);
            pending[lane] = 0;
        }
        gdw_refill(w, lane);
    }
}

void gdw_fixed_block(gdw *w, bool final, const gdw_item *items, size_t n)
{
    gdw_code litlen, dist;
    gdw_fixed_codes(&litlen, &dist);
    block_header(w, final, 1);
    gdw_data(w, &litlen, &dist, items, n);
}

void gdw_dynamic_header(gdw *w, bool final, unsigned hlit, unsigned hdist, unsigned hclen,
                        const uint8_t precode_lens[19], const uint8_t *presyms,
                        const uint32_t *extras, size_t n)
{
    block_header(w, final, 2);
    gdw_bits(w, 0, hlit - 257, 5);
    gdw_bits(w, 0, hdist - 1, 5);
    gdw_bits(w, 0, hclen - 4, 4);
    gdw_refill(w, 0);
    for (unsigned i = 0; i < hclen; i++) {
        gdw_bits(w, i, precode_lens[precode_order[i]], 3);
        gdw_refill(w, i);
    }
    gdw_code pre;
    gdw_code_from_lengths(&pre, precode_lens, 19);
    for (size_t k = 0; k < n; k++) {
        unsigned lane = (unsigned)(k % GDW_LANES);
        put_symbol(w, lane, &pre, presyms[k]);
        if (presyms[k] == 16)
            gdw_bits(w, lane, extras[k], 2);
        else if (presyms[k] == 17)
            gdw_bits(w, lane, extras[k], 3);
        else if (presyms[k] == 18)
            gdw_bits(w, lane, extras[k], 7);
        gdw_refill(w, lane);
    }
}

void gdw_dynamic_block(gdw *w, bool final, const gdw_code *litlen, unsigned hlit,
                       const gdw_code *dist, unsigned hdist, const gdw_item *items, size_t n)
{
    uint8_t precode_lens[19] = {0};
    for (unsigned s = 0; s < 16; s++)
        precode_lens[s] = 4; /* 16 codes of 4 bits: complete */
    uint8_t presyms[288 + 32];
    for (unsigned s = 0; s < hlit; s++)
        presyms[s] = litlen->lens[s];
    for (unsigned s = 0; s < hdist; s++)
        presyms[hlit + s] = dist->lens[s];
    gdw_dynamic_header(w, final, hlit, hdist, 19, precode_lens, presyms, NULL, hlit + hdist);
    gdw_data(w, litlen, dist, items, n);
}

uint8_t *gdw_tile(gdw *w, size_t *size)
{
    uint8_t *p = malloc(w->num_words * 4 + 1);
    for (size_t i = 0; i < w->num_words; i++) {
        p[4 * i] = (uint8_t)w->words[i];
        p[4 * i + 1] = (uint8_t)(w->words[i] >> 8);
        p[4 * i + 2] = (uint8_t)(w->words[i] >> 16);
        p[4 * i + 3] = (uint8_t)(w->words[i] >> 24);
    }
    *size = w->num_words * 4;
    return p;
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

uint8_t *gdw_stream(uint8_t *const *tiles, const size_t *tile_sizes, uint32_t num_tiles,
                    uint64_t uncompressed_size, size_t *size)
{
    size_t header = 8 + 4 * (size_t)num_tiles, total = header;
    for (uint32_t i = 0; i < num_tiles; i++)
        total += tile_sizes[i];
    uint8_t *s = malloc(total);
    s[0] = 4;
    s[1] = 0xFB;
    s[2] = (uint8_t)num_tiles;
    s[3] = (uint8_t)(num_tiles >> 8);
    put32(s + 4, 1u | (uint32_t)(uncompressed_size % 65536) << 2);
    size_t at = 0;
    for (uint32_t i = 0; i < num_tiles; i++) {
        put32(s + 8 + 4 * i, i ? (uint32_t)at : (uint32_t)tile_sizes[num_tiles - 1]);
        memcpy(s + header + at, tiles[i], tile_sizes[i]);
        at += tile_sizes[i];
    }
    *size = total;
    return s;
}
