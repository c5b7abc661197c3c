/*
 * Corrupt tiles: each case sits in the middle of a three-tile stream. The tile decoder must
 * reject it with DSVK_E_DECOMPRESSION and a reason, the stream decoder must name tile 1 with
 * any thread count while tiles 0 and 2 still decode, and nothing outside the output may
 * change. Then random bit flips and truncations of the reference vectors.
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
#define GUARD 64u
#define LAST_SIZE 1000u

static uint8_t good0[TILE], good2[LAST_SIZE];
static uint8_t *good0_tile, *good2_tile;
static size_t good0_size, good2_size;

static uint64_t rng(uint64_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

static uint8_t *finish(gdw *w, size_t *size)
{
    assert_false(w->overflow);
    uint8_t *t = gdw_tile(w, size);
    gdw_free(w);
    return t;
}

static int setup(void **state)
{
    (void)state;
    /* tile 0: a fixed block of literals and matches; tile 2: a stored block */
    gdw_item *it = calloc(TILE, sizeof(*it));
    size_t n = 0, pos = 0;
    uint64_t x = 1;
    while (pos < TILE) {
        if (pos >= 100 && pos + 20 <= TILE && rng(&x) % 4 == 0) {
            it[n] = (gdw_item){.kind = GDW_MATCH,
                               .len = 3 + (uint32_t)(rng(&x) % 18),
                               .dist = 1 + (uint32_t)(rng(&x) % 100)};
            for (uint32_t k = 0; k < it[n].len; k++, pos++)
                good0[pos] = good0[pos - it[n].dist];
        } else {
            it[n] = (gdw_item){.kind = GDW_LIT, .byte = (uint8_t)rng(&x)};
            good0[pos++] = it[n].byte;
        }
        n++;
    }
    gdw w;
    gdw_init(&w);
    gdw_fixed_block(&w, true, it, n);
    good0_tile = finish(&w, &good0_size);
    free(it);
    gdt_fill(good2, LAST_SIZE, GDT_RANDOM, 2);
    gdw_init(&w);
    gdw_stored_block(&w, true, good2, LAST_SIZE);
    good2_tile = finish(&w, &good2_size);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    free(good0_tile);
    free(good2_tile);
    return 0;
}

/* The checks every corrupt tile goes through; `reason` is part of the expected message. */
static void check_bad_tile(const uint8_t *bad, size_t bad_size, const char *reason)
{
    gd_tile_fn variants[] = {gd_decode_tile_generic, gd_decode_tile_counting, gd_decode_tile_bmi2,
                             gd_decode_tile_avx2, gd_decode_tile_avx512};
    const unsigned num = gdt_decoder_variants();
    uint8_t *buf = malloc(TILE + 2 * GUARD), *out = buf + GUARD;
    for (unsigned k = 0; k < num; k++) {
        memset(buf, 0xC3, TILE + 2 * GUARD);
        gd_error err = {NULL, 0, 0};
        gd_counts counts = {{0}, 0, 0};
        size_t consumed = 0;
        assert_int_equal(variants[k](bad, bad_size, out, TILE, &consumed, &err, &counts),
                         DSVK_E_DECOMPRESSION);
        assert_non_null(err.what);
        if (!strstr(err.what, reason))
            fail_msg("variant %u says '%s', expected '%s'", k, err.what, reason);
        assert_true(err.in_offset <= bad_size);
        assert_true(err.out_offset <= TILE);
        for (unsigned g = 0; g < GUARD; g++) {
            assert_int_equal(buf[g], 0xC3);
            assert_int_equal(buf[GUARD + TILE + g], 0xC3);
        }
    }
    assert_int_equal(dsvk_gdeflate_decompress_tile(bad, bad_size, out, TILE), DSVK_E_DECOMPRESSION);
    dsvk_gdeflate_tile_report rep;
    assert_int_equal(dsvk_gdeflate_inspect_tile(bad, bad_size, out, TILE, &rep),
                     DSVK_E_DECOMPRESSION);
    assert_non_null(rep.error);
    assert_non_null(strstr(rep.error, reason));
    free(buf);

    /* in a stream: tile 1 is reported, tiles 0 and 2 decode */
    uint8_t *tiles[3] = {good0_tile, (uint8_t *)bad, good2_tile};
    size_t sizes[3] = {good0_size, bad_size, good2_size}, size;
    uint8_t *s = gdw_stream(tiles, sizes, 3, 2 * TILE + LAST_SIZE, &size);
    const size_t total = 2 * TILE + LAST_SIZE;
    uint8_t *whole = malloc(total + 2 * GUARD);
    for (uint32_t threads = 1; threads <= 4; threads += 3) {
        memset(whole, 0xC3, total + 2 * GUARD);
        uint32_t failed = 0;
        assert_int_equal(dsvk_gdeflate_decompress(s, size, whole + GUARD, total, threads, &failed),
                         DSVK_E_DECOMPRESSION);
        assert_int_equal(failed, 1);
        assert_memory_equal(whole + GUARD, good0, TILE);
        assert_memory_equal(whole + GUARD + 2 * TILE, good2, LAST_SIZE);
        for (unsigned g = 0; g < GUARD; g++) {
            assert_int_equal(whole[g], 0xC3);
            assert_int_equal(whole[GUARD + total + g], 0xC3);
        }
    }
    free(whole);
    free(s);
}

static void check_bad_writer(gdw *w, const char *reason)
{
    size_t size;
    uint8_t *t = finish(w, &size);
    check_bad_tile(t, size, reason);
    free(t);
}

static void test_bad_codes(void **state)
{
    (void)state;
    gdw w;
    uint8_t pre_lens[19], presyms[400];
    uint32_t extras[400] = {0};

    /* over-subscribed litlen code: 288 lengths of 1 */
    gdw_flat_lengths(pre_lens, 19);
    memset(presyms, 1, 288);
    memset(presyms + 288, 5, 32);
    gdw_init(&w);
    gdw_dynamic_header(&w, true, 288, 32, 19, pre_lens, presyms, extras, 320);
    check_bad_writer(&w, "literal/length code lengths");

    /* incomplete litlen code (a flat code with one code made longer) */
    gdw_flat_lengths(presyms, 288);
    presyms[0]++;
    memset(presyms + 288, 5, 32);
    gdw_init(&w);
    gdw_dynamic_header(&w, true, 288, 32, 19, pre_lens, presyms, extras, 320);
    check_bad_writer(&w, "literal/length code lengths");

    /* incomplete distance code: two codes of length 2 */
    gdw_flat_lengths(presyms, 288);
    memset(presyms + 288, 0, 4);
    presyms[288] = presyms[289] = 2;
    gdw_init(&w);
    gdw_dynamic_header(&w, true, 288, 4, 19, pre_lens, presyms, extras, 292);
    check_bad_writer(&w, "distance code lengths");

    /* over-subscribed precode: 19 codes of length 1 */
    uint8_t ones[19];
    memset(ones, 1, sizeof(ones));
    gdw_init(&w);
    gdw_dynamic_header(&w, true, 257, 1, 19, ones, presyms, extras, 0);
    check_bad_writer(&w, "invalid precode");

    /* a precode with only symbols 0..8 (complete among themselves minus one): symbol 8 of
     * the code lengths is unused, so a '1111'-style bit pattern has no code */
    uint8_t partial[19] = {0};
    partial[0] = 1;
    partial[1] = 2; /* 1/2 + 1/4: incomplete, and not a single code of length 1 */
    gdw_init(&w);
    gdw_dynamic_header(&w, true, 257, 1, 19, partial, presyms, extras, 0);
    check_bad_writer(&w, "invalid precode");

    /* run-length 16 with nothing to repeat */
    presyms[0] = 16;
    extras[0] = 1;
    gdw_init(&w);
    gdw_dynamic_header(&w, true, 257, 1, 19, pre_lens, presyms, extras, 1);
    check_bad_writer(&w, "no previous length");
    extras[0] = 0;

    /* a precode symbol that is not in the precode (single code of length 1: bit 1 is none) */
    uint8_t single[19] = {0};
    single[8] = 1;
    gdw_init(&w);
    gdw_dynamic_header(&w, true, 257, 1, 19, single, presyms, extras, 0);
    gdw_bits(&w, 0, 1, 1);
    check_bad_writer(&w, "invalid precode symbol");

    /* a match in a block without distance codes */
    uint8_t lens[288];
    gdw_flat_lengths(lens, 288);
    gdw_code litlen, no_dist;
    gdw_code_from_lengths(&litlen, lens, 288);
    uint8_t zero = 0;
    gdw_code_from_lengths(&no_dist, &zero, 1);
    gdw_item it[3] = {{.kind = GDW_LIT, .byte = 1},
                      {.kind = GDW_LIT, .byte = 2},
                      {.kind = GDW_MATCH, .len = 5, .dist = 1}};
    gdw_init(&w);
    gdw_dynamic_block(&w, true, &litlen, 288, &no_dist, 1, it, 3);
    check_bad_writer(&w, "invalid distance code");

    /* litlen code of one symbol (end of block, length 1); the item is the missing '1' */
    memset(lens, 0, sizeof(lens));
    lens[256] = 1;
    gdw_code eob_only;
    gdw_code_from_lengths(&eob_only, lens, 257);
    gdw_item raw = {.kind = GDW_RAW, .bits = 1, .n_bits = 1};
    gdw_init(&w);
    gdw_dynamic_block(&w, true, &eob_only, 257, &no_dist, 1, &raw, 1);
    check_bad_writer(&w, "invalid literal/length code");

    /* block type 3 */
    gdw_init(&w);
    gdw_bits(&w, 0, 1 | 3u << 1, 3);
    gdw_refill(&w, 0);
    check_bad_writer(&w, "block type 3");
}

static void test_bad_sizes_and_distances(void **state)
{
    (void)state;
    gdw w;
    gdw_item *it = calloc(TILE + 10, sizeof(*it));
    uint8_t data[TILE];
    gdt_fill(data, TILE, GDT_RANDOM, 9);

    /* distance one past the start */
    for (unsigned i = 0; i < 10; i++)
        it[i] = (gdw_item){.kind = GDW_LIT, .byte = data[i]};
    it[10] = (gdw_item){.kind = GDW_MATCH, .len = 3, .dist = 11};
    gdw_init(&w);
    gdw_fixed_block(&w, true, it, 11);
    check_bad_writer(&w, "distance");

    /* distance 65536 (code 31, all extra bits set) at the last possible position */
    for (unsigned i = 0; i < 65533; i++)
        it[i] = (gdw_item){.kind = GDW_LIT, .byte = data[i]};
    it[65533] = (gdw_item){.kind = GDW_MATCH, .len = 3, .dist = 65536};
    gdw_init(&w);
    gdw_fixed_block(&w, true, it, 65534);
    check_bad_writer(&w, "distance");

    /* one literal too many */
    for (unsigned i = 0; i < TILE + 1; i++)
        it[i] = (gdw_item){.kind = GDW_LIT, .byte = data[i % TILE]};
    gdw_init(&w);
    gdw_fixed_block(&w, true, it, TILE + 1);
    check_bad_writer(&w, "more than its size");

    /* a match past the end, and the longest match in an empty tile */
    it[TILE - 6] = (gdw_item){.kind = GDW_MATCH, .len = 10, .dist = 1};
    gdw_init(&w);
    gdw_fixed_block(&w, true, it, TILE - 5);
    check_bad_writer(&w, "more than its size");
    gdw_item longest[2] = {{.kind = GDW_LIT, .byte = 0},
                           {.kind = GDW_MATCH, .len = 65538, .dist = 1, .sym = 287}};
    gdw_init(&w);
    gdw_fixed_block(&w, true, longest, 2);
    check_bad_writer(&w, "more than its size");

    /* stored blocks: one too many bytes */
    gdw_init(&w);
    gdw_stored_block(&w, false, data, 65535);
    gdw_stored_block(&w, true, data, 2);
    check_bad_writer(&w, "stored block overflows");

    /* too few bytes: a final block that ends early */
    gdw_init(&w);
    gdw_fixed_block(&w, true, it, 100);
    check_bad_writer(&w, "less than its size");

    /* never a final block: the bitstream runs out */
    gdw_init(&w);
    gdw_stored_block(&w, false, data, 65535);
    gdw_stored_block(&w, false, data, 1);
    check_bad_writer(&w, "past the end");
    free(it);
}

static void test_truncated_and_padded_tiles(void **state)
{
    (void)state;
    /* a valid tile for tile 1 */
    gdw w;
    gdw_init(&w);
    gdw_stored_block(&w, false, good0, 30000);
    gdw_stored_block(&w, true, good0 + 30000, TILE - 30000);
    size_t size;
    uint8_t *t = finish(&w, &size);
    uint8_t *out = malloc(TILE);
    assert_int_equal(dsvk_gdeflate_decompress_tile(t, size, out, TILE), DSVK_OK);
    assert_memory_equal(out, good0, TILE);

    static const size_t cuts[] = {4, 1, 2, 3, 8, 100, 1000};
    for (unsigned i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++)
        check_bad_tile(t, size - cuts[i], "past the end");
    check_bad_tile(t, 127, "shorter than the 32 initial");
    check_bad_tile(t, 0, "shorter than the 32 initial");

    /* zero padding after the bitstream is accepted, anything else is not */
    uint8_t *padded = calloc(1, size + 128);
    memcpy(padded, t, size);
    assert_int_equal(dsvk_gdeflate_decompress_tile(padded, size + 128, out, TILE), DSVK_OK);
    assert_int_equal(dsvk_gdeflate_decompress_tile(padded, size + 3, out, TILE), DSVK_OK);
    dsvk_gdeflate_tile_report rep;
    assert_int_equal(dsvk_gdeflate_inspect_tile(padded, size + 128, out, TILE, &rep), DSVK_OK);
    assert_int_equal(rep.bytes_read, size);
    padded[size + 77] = 1;
    check_bad_tile(padded, size + 128, "non-zero bytes after");
    free(padded);
    free(out);
    free(t);
}

/* Random single-bit flips in the reference vectors: the flipped tile may still decode (a
 * flip can turn one valid code into another) but if not, it is the tile reported, and every
 * other tile decodes exactly. */
static void test_bit_flips(void **state)
{
    (void)state;
    size_t n;
    gdt_vector *v = gdt_manifest(&n);
    uint64_t x = 12345;
    unsigned detected = 0, total = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i].level == 12)
            continue; /* levels 1 and 9 are enough here: keep the test short */
        size_t raw_size, size;
        uint8_t *raw = gdt_load_raw(&v[i], &raw_size);
        uint8_t *stream = gdt_load_stream(&v[i], &size);
        dsvk_gdeflate_info info;
        assert_int_equal(dsvk_gdeflate_parse(stream, size, &info), DSVK_OK);
        uint8_t *out = malloc(raw_size + GUARD);
        const unsigned flips = raw_size > 200000 ? 30 : 60;
        for (unsigned f = 0; f < flips; f++) {
            const uint32_t t = (uint32_t)(rng(&x) % info.num_tiles);
            uint64_t off;
            uint32_t tile_size;
            dsvk_gdeflate_tile_range(stream, &info, t, &off, &tile_size);
            const size_t at = off + rng(&x) % tile_size;
            const uint8_t bit = (uint8_t)(1u << (rng(&x) % 8));
            stream[at] ^= bit;
            memset(out, 0x99, raw_size + GUARD);
            uint32_t failed = 0;
            dsvk_result r = dsvk_gdeflate_decompress(stream, size, out, raw_size,
                                                     (uint32_t)(1 + f % 3), &failed);
            /* GDeflate has no checksum: a flip in stored data, in a literal whose code has
             * the same length as another's, or in the unused bits of a tile's last words
             * cannot be noticed. Count flips where codes of many lengths are dense. */
            const bool dense =
                !strcmp(v[i].name, "text_headers") || !strcmp(v[i].name, "mesh_vertices");
            total += dense;
            if (r == DSVK_OK) {
                assert_int_equal(failed, UINT32_MAX);
            } else {
                detected += dense;
                assert_int_equal(r, DSVK_E_DECOMPRESSION);
                assert_int_equal(failed, t);
            }
            for (uint32_t u = 0; u < info.num_tiles; u++)
                if (u != t)
                    assert_memory_equal(out + (size_t)u * TILE, raw + (size_t)u * TILE,
                                        gdt_tile_out_size(&info, u));
            for (unsigned g = 0; g < GUARD; g++)
                assert_int_equal(out[raw_size + g], 0x99);
            stream[at] ^= bit;
        }
        free(out);
        free(raw);
        free(stream);
    }
    print_message("bit flips in text and mesh tiles: %u of %u detected\n", detected, total);
    /* about a third to a half of such flips break the stream (measured: 34..53%) */
    assert_true(detected * 5 > total);
    free(v);
}

/* Streams cut anywhere: a header error or a tile error, never a crash. */
static void test_truncated_streams(void **state)
{
    (void)state;
    size_t n;
    gdt_vector *v = gdt_manifest(&n);
    uint64_t x = 777;
    for (size_t i = 0; i < n; i++) {
        size_t raw_size, size;
        uint8_t *raw = gdt_load_raw(&v[i], &raw_size);
        uint8_t *stream = gdt_load_stream(&v[i], &size);
        uint8_t *out = malloc(raw_size);
        for (unsigned k = 0; k < 10; k++) {
            size_t cut = (size_t)(rng(&x) % size);
            uint8_t *copy = malloc(cut + 1);
            memcpy(copy, stream, cut);
            uint32_t failed = 0;
            dsvk_result r = dsvk_gdeflate_decompress(copy, cut, out, raw_size, 2, &failed);
            assert_int_not_equal(r, DSVK_OK);
            free(copy);
        }
        free(out);
        free(raw);
        free(stream);
    }
    free(v);
}

/* Table entries that describe tiles too small to hold a bitstream, and a last tile whose
 * header size disagrees with its bitstream. */
static void test_hostile_tables(void **state)
{
    (void)state;
    uint8_t *tiles[3] = {good0_tile, good0_tile, good2_tile};
    size_t sizes[3] = {good0_size, 4, good2_size}, size;
    uint8_t *s = gdw_stream(tiles, sizes, 3, 2 * TILE + LAST_SIZE, &size);
    uint8_t *out = malloc(2 * TILE + LAST_SIZE);
    uint32_t failed = 0;
    assert_int_equal(dsvk_gdeflate_decompress(s, size, out, 2 * TILE + LAST_SIZE, 2, &failed),
                     DSVK_E_DECOMPRESSION);
    assert_int_equal(failed, 1);
    free(s);
    sizes[1] = 0;
    s = gdw_stream(tiles, sizes, 3, 2 * TILE + LAST_SIZE, &size);
    assert_int_equal(dsvk_gdeflate_decompress(s, size, out, 2 * TILE + LAST_SIZE, 2, &failed),
                     DSVK_E_DECOMPRESSION);
    assert_int_equal(failed, 1);
    free(s);
    /* the header says 999 bytes in the last tile; its bitstream holds 1000 */
    sizes[1] = good0_size;
    s = gdw_stream(tiles, sizes, 3, 2 * TILE + LAST_SIZE - 1, &size);
    assert_int_equal(dsvk_gdeflate_decompress(s, size, out, 2 * TILE + LAST_SIZE - 1, 2, &failed),
                     DSVK_E_DECOMPRESSION);
    assert_int_equal(failed, 2);
    free(s);
    free(out);
}

/* Mutated reference tiles (bit flips, random bytes, cut sizes, other output sizes): every
 * decoder variant must give the same result, the same bytes and the same consumption. */
static void test_variants_agree_on_mutations(void **state)
{
    (void)state;
    gd_tile_fn variants[] = {gd_decode_tile_generic, gd_decode_tile_counting, gd_decode_tile_bmi2,
                             gd_decode_tile_avx2, gd_decode_tile_avx512};
    const unsigned num = gdt_decoder_variants();
    size_t n;
    gdt_vector *v = gdt_manifest(&n);
    uint8_t *outs[5];
    for (unsigned k = 0; k < 5; k++)
        outs[k] = malloc(TILE);
    uint64_t x = 4242;
    unsigned decoded = 0, rejected = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i].level != 9)
            continue;
        size_t size;
        uint8_t *stream = gdt_load_stream(&v[i], &size);
        dsvk_gdeflate_info info;
        assert_int_equal(dsvk_gdeflate_parse(stream, size, &info), DSVK_OK);
        for (unsigned it = 0; it < 150; it++) {
            const uint32_t t = (uint32_t)(rng(&x) % info.num_tiles);
            uint64_t off;
            uint32_t tile_size;
            dsvk_gdeflate_tile_range(stream, &info, t, &off, &tile_size);
            uint8_t *tile = malloc(tile_size);
            memcpy(tile, stream + off, tile_size);
            for (unsigned m = 1 + (unsigned)(rng(&x) % 4); m; m--) {
                const size_t at = rng(&x) % tile_size;
                tile[at] =
                    rng(&x) % 2 ? (uint8_t)(tile[at] ^ (1u << (rng(&x) % 8))) : (uint8_t)rng(&x);
            }
            const size_t cut = rng(&x) % 8 == 0 ? rng(&x) % (tile_size + 1) : tile_size;
            const size_t out_size =
                rng(&x) % 16 == 0 ? 1 + rng(&x) % TILE : gdt_tile_out_size(&info, t);
            dsvk_result r[5] = {DSVK_OK, DSVK_OK, DSVK_OK, DSVK_OK, DSVK_OK};
            size_t consumed[5] = {0, 0, 0, 0, 0};
            for (unsigned k = 0; k < num; k++) {
                memset(outs[k], 0, TILE);
                gd_counts counts = {{0}, 0, 0};
                gd_error err = {NULL, 0, 0};
                consumed[k] = 0;
                r[k] = variants[k](tile, cut, outs[k], out_size, &consumed[k], &err, &counts);
            }
            for (unsigned k = 1; k < num; k++) {
                if (r[k] != r[0])
                    fail_msg("%s tile %u mutation %u: variant %u says %d, generic %d", v[i].name, t,
                             it, k, r[k], r[0]);
                if (r[0] == DSVK_OK) {
                    assert_memory_equal(outs[k], outs[0], out_size);
                    assert_int_equal(consumed[k], consumed[0]);
                }
            }
            decoded += r[0] == DSVK_OK;
            rejected += r[0] != DSVK_OK;
            free(tile);
        }
        free(stream);
    }
    print_message("mutated tiles: %u decoded, %u rejected, all variants agree\n", decoded,
                  rejected);
    for (unsigned k = 0; k < 5; k++)
        free(outs[k]);
    free(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_codes),
        cmocka_unit_test(test_bad_sizes_and_distances),
        cmocka_unit_test(test_truncated_and_padded_tiles),
        cmocka_unit_test(test_bit_flips),
        cmocka_unit_test(test_truncated_streams),
        cmocka_unit_test(test_hostile_tables),
        cmocka_unit_test(test_variants_agree_on_mutations),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
