/*
 * Valid tiles written by the test writer (gd_writer.c) straight from the format description,
 * covering what the reference vectors may not: fixed blocks, several blocks in a tile, empty
 * blocks, every length and distance code, Deflate64 lengths (285/286/287 with 16 extra bits,
 * 258 both ways), distances above 32768, overlapping copies of every short period, long
 * codes (subtables), run-length code lengths, one-code distance alphabets, end of block on
 * every lane, copies at the very end of a tile. Each tile must decode with every decoder
 * variant to the items' expansion and consume exactly the tile.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "gd_testutil.h"
#include "gd_writer.h"
#include "gdeflate/decode_internal.h"

#define TILE 65536u

/* LZ77 expansion of items into out (which holds `*pos` bytes already). */
static void expand(const gdw_item *items, size_t n, uint8_t *out, size_t *pos)
{
    for (size_t i = 0; i < n; i++) {
        if (items[i].kind == GDW_LIT) {
            out[(*pos)++] = items[i].byte;
        } else if (items[i].kind == GDW_MATCH) {
            for (uint32_t k = 0; k < items[i].len; k++, (*pos)++)
                out[*pos] = out[*pos - items[i].dist];
        }
    }
}

/* Decodes tile with every variant and inspection; all must give expect and read it all. */
static void check_tile(const uint8_t *tile, size_t tile_size, const uint8_t *expect,
                       size_t out_size)
{
    gd_tile_fn variants[] = {gd_decode_tile_generic, gd_decode_tile_counting, gd_decode_tile_bmi2,
                             gd_decode_tile_avx2, gd_decode_tile_avx512};
    const unsigned num = gdt_decoder_variants();
    uint8_t *out = malloc(out_size);
    for (unsigned k = 0; k < num; k++) {
        memset(out, 0xEE, out_size);
        size_t consumed = 0;
        gd_counts counts = {{0}, 0, 0};
        gd_error err = {NULL, 0, 0};
        dsvk_result r = variants[k](tile, tile_size, out, out_size, &consumed, &err, &counts);
        if (r != DSVK_OK)
            fail_msg("variant %u: %s at input %u output %u", k, err.what, err.in_offset,
                     err.out_offset);
        for (size_t i = 0; i < out_size; i++)
            if (out[i] != expect[i])
                fail_msg("variant %u: byte %zu is %u, expected %u", k, i, out[i], expect[i]);
        assert_int_equal(consumed, tile_size);
    }
    assert_int_equal(dsvk_gdeflate_decompress_tile(tile, tile_size, out, out_size), DSVK_OK);
    assert_memory_equal(out, expect, out_size);
    free(out);
}

static uint64_t rng(uint64_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

/* Random valid items producing exactly `size` bytes; lengths and distances spread over all
 * codes (max_len caps lengths, max_dist distances). */
static gdw_item *random_items(size_t size, uint32_t max_len, uint32_t max_dist, uint64_t seed,
                              size_t *n)
{
    gdw_item *it = calloc(size + 1, sizeof(*it));
    uint64_t x = seed * 0x9E3779B97F4A7C15ull + 7;
    size_t pos = 0, k = 0;
    while (pos < size) {
        const uint32_t r = (uint32_t)rng(&x);
        const size_t left = size - pos;
        if (pos == 0 || left < 3 || r % 3 == 0) {
            it[k++] = (gdw_item){.kind = GDW_LIT, .byte = (uint8_t)(r >> 8)};
            pos++;
            continue;
        }
        /* length: log-uniform in 3..max_len; distance: log-uniform in 1..min(pos, max) */
        uint32_t len = 3 + (uint32_t)(rng(&x) % (1u << (rng(&x) % 9)));
        if (len > max_len)
            len = max_len;
        if (len > left)
            len = (uint32_t)left;
        uint32_t dmax = pos < max_dist ? (uint32_t)pos : max_dist;
        uint32_t dist = 1 + (uint32_t)(rng(&x) % (1u << (rng(&x) % 17)));
        if (dist > dmax)
            dist = 1 + (uint32_t)(rng(&x) % dmax);
        it[k++] = (gdw_item){.kind = GDW_MATCH, .len = len, .dist = dist};
        pos += len;
    }
    *n = k;
    return it;
}

static uint8_t *finish(gdw *w, size_t *size)
{
    assert_false(w->overflow);
    uint8_t *t = gdw_tile(w, size);
    gdw_free(w);
    return t;
}

static void test_fixed_blocks(void **state)
{
    (void)state;
    static const size_t sizes[] = {1, 5, 31, 32, 33, 100, 4096, 65535, 65536};
    for (unsigned s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
        size_t n, pos = 0, tile_size;
        gdw_item *items = random_items(sizes[s], 258, 65536, s + 1, &n);
        uint8_t *expect = malloc(sizes[s]);
        expand(items, n, expect, &pos);
        assert_int_equal(pos, sizes[s]);
        gdw w;
        gdw_init(&w);
        gdw_fixed_block(&w, true, items, n);
        uint8_t *tile = finish(&w, &tile_size);
        check_tile(tile, tile_size, expect, sizes[s]);
        free(tile);
        free(expect);
        free(items);
    }
}

static void test_deflate64_lengths_and_distances(void **state)
{
    (void)state;
    /* 1 literal + one match of 65535 (symbol 285 + 16 bits): a whole tile of one byte */
    gdw_item a[] = {{.kind = GDW_LIT, .byte = 0x42}, {.kind = GDW_MATCH, .len = 65535, .dist = 1}};
    uint8_t *expect = malloc(TILE);
    size_t pos = 0, size;
    expand(a, 2, expect, &pos);
    gdw w;
    gdw_init(&w);
    gdw_fixed_block(&w, true, a, 2);
    uint8_t *tile = finish(&w, &size);
    check_tile(tile, size, expect, TILE);
    free(tile);

    /* 258 as 284 + 31 and as 285 + 255; 286 and 287 with 16 extra bits; 285 for short
     * lengths too (3 + 0) */
    gdw_item b[] = {
        {.kind = GDW_LIT, .byte = 1},
        {.kind = GDW_LIT, .byte = 2},
        {.kind = GDW_LIT, .byte = 3},
        {.kind = GDW_MATCH, .len = 258, .dist = 3, .sym = 284},
        {.kind = GDW_MATCH, .len = 258, .dist = 2, .sym = 285},
        {.kind = GDW_MATCH, .len = 1000, .dist = 7, .sym = 286},
        {.kind = GDW_MATCH, .len = 3, .dist = 100, .sym = 287},
        {.kind = GDW_MATCH, .len = 3, .dist = 1, .sym = 285},
        {.kind = GDW_MATCH, .len = 257, .dist = 1000},
    };
    pos = 0;
    expand(b, 9, expect, &pos);
    gdw_init(&w);
    gdw_fixed_block(&w, true, b, 9);
    tile = finish(&w, &size);
    check_tile(tile, size, expect, pos);
    free(tile);

    /* distances of codes 30 and 31, up to 65533 (the farthest a 3-byte match can reach) */
    gdw_item *c = calloc(70000, sizeof(*c));
    size_t n = 0;
    uint64_t x = 99;
    for (unsigned i = 0; i < 65533; i++)
        c[n++] = (gdw_item){.kind = GDW_LIT, .byte = (uint8_t)rng(&x)};
    c[n++] = (gdw_item){.kind = GDW_MATCH, .len = 3, .dist = 65533};
    pos = 0;
    expand(c, n, expect, &pos);
    assert_int_equal(pos, TILE);
    gdw_init(&w);
    gdw_fixed_block(&w, true, c, n);
    tile = finish(&w, &size);
    check_tile(tile, size, expect, TILE);
    free(tile);
    n = 0;
    for (unsigned i = 0; i < 50000; i++)
        c[n++] = (gdw_item){.kind = GDW_LIT, .byte = (uint8_t)rng(&x)};
    for (uint32_t d = 32769; d <= 50000; d += 1111)
        c[n++] = (gdw_item){.kind = GDW_MATCH, .len = 40, .dist = d};
    c[n++] = (gdw_item){.kind = GDW_MATCH, .len = 100, .dist = 49153};
    c[n++] = (gdw_item){.kind = GDW_MATCH, .len = 100, .dist = 50001};
    pos = 0;
    expand(c, n, expect, &pos);
    gdw_init(&w);
    gdw_fixed_block(&w, true, c, n);
    tile = finish(&w, &size);
    check_tile(tile, size, expect, pos);
    free(tile);
    free(c);
    free(expect);
}

/* Every distance 1..40 with lengths 3..70, and copies that end at the tile's last bytes. */
static void test_overlapping_and_tail_copies(void **state)
{
    (void)state;
    gdw_item *it = calloc(20000, sizeof(*it));
    uint8_t *expect = malloc(TILE);
    size_t n = 0, pos = 0, size;
    uint64_t x = 5;
    for (unsigned i = 0; i < 40; i++)
        it[n++] = (gdw_item){.kind = GDW_LIT, .byte = (uint8_t)rng(&x)};
    size_t bytes = 40;
    for (uint32_t d = 1; d <= 40; d++)
        for (uint32_t len = 3; len <= 70; len += 1 + d % 3) {
            it[n++] = (gdw_item){.kind = GDW_MATCH, .len = len, .dist = d};
            it[n++] = (gdw_item){.kind = GDW_LIT, .byte = (uint8_t)rng(&x)};
            bytes += len + 1;
        }
    assert_true(bytes < TILE - 2000);
    pos = 0;
    expand(it, n, expect, &pos);
    gdw w;
    gdw_init(&w);
    gdw_fixed_block(&w, true, it, n);
    uint8_t *tile = finish(&w, &size);
    check_tile(tile, size, expect, pos);
    free(tile);

    /* a tile of out_size bytes whose last item is a match of len with distance d: the copy
     * runs within 16 bytes of the end, where the decoder must not write past the match */
    for (uint32_t d = 1; d <= 20; d++)
        for (uint32_t len = 3; len <= 40; len += 5)
            for (uint32_t tail_lits = 0; tail_lits <= 2; tail_lits++) {
                n = 0;
                for (unsigned i = 0; i < 50; i++)
                    it[n++] = (gdw_item){.kind = GDW_LIT, .byte = (uint8_t)rng(&x)};
                it[n++] = (gdw_item){.kind = GDW_MATCH, .len = len, .dist = d};
                for (unsigned i = 0; i < tail_lits; i++)
                    it[n++] = (gdw_item){.kind = GDW_LIT, .byte = (uint8_t)rng(&x)};
                pos = 0;
                expand(it, n, expect, &pos);
                gdw_init(&w);
                gdw_fixed_block(&w, true, it, n);
                tile = finish(&w, &size);
                check_tile(tile, size, expect, pos);
                free(tile);
            }
    free(it);
    free(expect);
}

static void test_block_sequences(void **state)
{
    (void)state;
    uint8_t *expect = malloc(TILE);
    gdt_fill(expect, TILE, GDT_RANDOM, 3);
    size_t size, n;
    /* empty stored, stored 65535, empty fixed, stored 1 = a full tile */
    gdw w;
    gdw_init(&w);
    gdw_stored_block(&w, false, NULL, 0);
    gdw_stored_block(&w, false, expect, 65535);
    gdw_fixed_block(&w, false, NULL, 0);
    gdw_stored_block(&w, true, expect + 65535, 1);
    uint8_t *tile = finish(&w, &size);
    check_tile(tile, size, expect, TILE);
    free(tile);

    /* stored blocks of every length 0..70 back to back, then fixed and dynamic blocks */
    size_t pos = 0;
    gdw_init(&w);
    for (uint32_t len = 0; len <= 70; len++) {
        gdw_stored_block(&w, false, expect + pos, len);
        pos += len;
    }
    gdw_item *items = random_items(3000, 300, 65536, 11, &n);
    expand(items, n, expect, &pos);
    gdw_fixed_block(&w, false, items, n);
    free(items);
    items = random_items(5000, 300, 65536, 12, &n);
    expand(items, n, expect, &pos);
    uint8_t lens[288];
    gdw_flat_lengths(lens, 288);
    gdw_code litlen, dist;
    gdw_code_from_lengths(&litlen, lens, 288);
    gdw_flat_lengths(lens, 32);
    gdw_code_from_lengths(&dist, lens, 32);
    gdw_dynamic_block(&w, false, &litlen, 288, &dist, 32, items, n);
    free(items);
    gdw_stored_block(&w, true, expect + pos, 7);
    pos += 7;
    tile = finish(&w, &size);
    check_tile(tile, size, expect, pos);
    free(tile);
    free(expect);
}

/* End of block on each lane, with copies pending on the lanes around it. */
static void test_end_of_block_on_every_lane(void **state)
{
    (void)state;
    uint8_t *expect = malloc(TILE);
    gdw_item it[200];
    for (unsigned lits = 1; lits <= 70; lits++) {
        for (unsigned with_matches = 0; with_matches < 2; with_matches++) {
            size_t n = 0, pos = 0, size;
            for (unsigned i = 0; i < lits; i++) {
                if (with_matches && i >= 4 && i % 3 == 0)
                    it[n++] = (gdw_item){.kind = GDW_MATCH, .len = 3 + i % 7, .dist = 1 + i % 4};
                else
                    it[n++] = (gdw_item){.kind = GDW_LIT, .byte = (uint8_t)(i * 7)};
            }
            expand(it, n, expect, &pos);
            gdw w;
            gdw_init(&w);
            /* two blocks, so the second starts after a revolution that ran copies */
            gdw_fixed_block(&w, false, it, n);
            gdw_fixed_block(&w, true, it, n);
            size_t pos2 = pos;
            expand(it, n, expect, &pos2);
            uint8_t *tile = finish(&w, &size);
            check_tile(tile, size, expect, pos2);
            free(tile);
        }
    }
    free(expect);
}

/* Run-length codes for a code-length list, greedy: 18/17 for zero runs, 16 to repeat the
 * previous length (also across the litlen/distance boundary); the final run of zeros is
 * stretched by `overshoot` lengths past the end. */
static size_t rle(const uint8_t *lens, unsigned total, unsigned overshoot, uint8_t *presyms,
                  uint32_t *extras)
{
    size_t k = 0;
    for (unsigned i = 0; i < total;) {
        unsigned run = 1;
        while (i + run < total && lens[i + run] == lens[i])
            run++;
        const bool last = i + run == total;
        if (lens[i] == 0 && run >= 11) {
            unsigned c = run > 138 ? 138 : run;
            unsigned extra = last && c + overshoot <= 138 ? overshoot : 0;
            presyms[k] = 18;
            extras[k++] = c + extra - 11;
            i += c;
        } else if (lens[i] == 0 && run >= 3) {
            unsigned c = run > 10 ? 10 : run;
            unsigned extra = last && c + overshoot <= 10 ? overshoot : 0;
            presyms[k] = 17;
            extras[k++] = c + extra - 3;
            i += c;
        } else if (i > 0 && lens[i - 1] == lens[i] && run >= 3) {
            unsigned c = run > 6 ? 6 : run;
            presyms[k] = 16;
            extras[k++] = c - 3;
            i += c;
        } else {
            presyms[k] = lens[i];
            extras[k++] = 0;
            i++;
        }
    }
    return k;
}

/* A dynamic block whose header uses run-length symbols. */
static void rle_block(gdw *w, bool final, const uint8_t *litlen_lens, unsigned hlit,
                      const uint8_t *dist_lens, unsigned hdist, unsigned overshoot,
                      const gdw_item *items, size_t n)
{
    uint8_t all[288 + 32], presyms[400], pre_lens[19];
    uint32_t extras[400];
    memcpy(all, litlen_lens, hlit);
    memcpy(all + hlit, dist_lens, hdist);
    size_t k = rle(all, hlit + hdist, overshoot, presyms, extras);
    gdw_flat_lengths(pre_lens, 19); /* every precode symbol, complete */
    gdw_dynamic_header(w, final, hlit, hdist, 19, pre_lens, presyms, extras, k);
    gdw_code litlen, dist;
    gdw_code_from_lengths(&litlen, litlen_lens, hlit);
    gdw_code_from_lengths(&dist, dist_lens, hdist);
    gdw_data(w, &litlen, &dist, items, n);
}

/* Dynamic blocks: codes longer than the 11-bit root (subtables), one distance code of
 * length 1, no distance codes, run-length symbols 16/17/18 including a repeat across the
 * litlen/distance boundary and a last run that overshoots. */
static void test_dynamic_codes(void **state)
{
    (void)state;
    uint8_t *expect = malloc(TILE);
    gdw_item it[4000];
    size_t n = 0, pos = 0, size;
    uint64_t x = 17;
    gdw w;
    gdw_init(&w);

    /* literals 'a'..'s' with code lengths 1..12 and seven of 15, plus end of block at 15:
     * the chain fills 1 - 2^-12 of the code space, eight 15-bit codes the rest */
    uint8_t lens[288] = {0};
    const char *alpha = "abcdefghijklmnopqrs";
    for (unsigned i = 0; i < 12; i++)
        lens[(uint8_t)alpha[i]] = (uint8_t)(i + 1);
    for (unsigned i = 12; i < 19; i++)
        lens[(uint8_t)alpha[i]] = 15;
    lens[256] = 15;
    uint8_t no_dist[1] = {0};
    gdw_code litlen, dist;
    gdw_code_from_lengths(&litlen, lens, 257);
    gdw_code_from_lengths(&dist, no_dist, 1); /* no distance codes at all */
    for (unsigned i = 0; i < 3000; i++)
        it[n++] = (gdw_item){.kind = GDW_LIT, .byte = (uint8_t)alpha[rng(&x) % 19]};
    expand(it, n, expect, &pos);
    gdw_dynamic_block(&w, false, &litlen, 257, &dist, 1, it, n);

    /* one distance code (symbol 5, length 1) */
    gdw_flat_lengths(lens, 286);
    gdw_code_from_lengths(&litlen, lens, 286);
    uint8_t one_dist[6] = {0, 0, 0, 0, 0, 1};
    gdw_code_from_lengths(&dist, one_dist, 6);
    n = 0;
    for (unsigned i = 0; i < 500; i++) {
        if (i % 4 == 3)
            it[n++] = (gdw_item){.kind = GDW_MATCH, .len = 4 + i % 50, .dist = 7 + i % 2};
        else
            it[n++] = (gdw_item){.kind = GDW_LIT, .byte = (uint8_t)rng(&x)};
    }
    expand(it, n, expect, &pos);
    gdw_dynamic_block(&w, false, &litlen, 286, &dist, 6, it, n);

    /* run-length header whose 9s run from the litlen lengths into the distance lengths */
    gdw_flat_lengths(lens, 288); /* 224 x 8, 64 x 9 */
    const uint8_t chain_dist[10] = {9, 9, 1, 2, 3, 4, 5, 6, 7, 8};
    n = 0;
    for (unsigned i = 0; i < 2000; i++) {
        if (i % 3 == 2)
            it[n++] = (gdw_item){.kind = GDW_MATCH, .len = 3 + i % 40, .dist = 1 + i % 32};
        else
            it[n++] = (gdw_item){.kind = GDW_LIT, .byte = (uint8_t)rng(&x)};
    }
    expand(it, n, expect, &pos);
    assert_true(pos < 50000);
    rle_block(&w, false, lens, 288, chain_dist, 10, 0, it, n);

    /* trailing zero lengths coded with an 18 that runs 100 lengths past the end */
    gdw_flat_lengths(lens, 286);
    lens[286] = lens[287] = 0;
    uint8_t dist16[32] = {0};
    for (unsigned i = 0; i < 16; i++)
        dist16[i] = 4;
    n = 0;
    for (unsigned i = 0; i < 300; i++) {
        if (i % 5 == 4)
            it[n++] = (gdw_item){.kind = GDW_MATCH, .len = 3 + i % 20, .dist = 1 + i % 200};
        else
            it[n++] = (gdw_item){.kind = GDW_LIT, .byte = (uint8_t)rng(&x)};
    }
    expand(it, n, expect, &pos);
    rle_block(&w, true, lens, 288, dist16, 32, 100, it, n);

    uint8_t *tile = finish(&w, &size);
    assert_true(pos <= TILE);
    check_tile(tile, size, expect, pos);
    free(tile);
    free(expect);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixed_blocks),
        cmocka_unit_test(test_deflate64_lengths_and_distances),
        cmocka_unit_test(test_overlapping_and_tail_copies),
        cmocka_unit_test(test_block_sequences),
        cmocka_unit_test(test_end_of_block_on_every_lane),
        cmocka_unit_test(test_dynamic_codes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
