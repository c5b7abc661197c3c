/*
 * Round trips through the project's encoder (dsvk_gdeflate_compress) and this decoder: every
 * level 1..12, sizes around the tile size and streams of many tiles, several kinds of data,
 * decoded as whole streams with 1 and 2 threads and tile by tile; plus the encoder's
 * argument contract that the decoder side relies on (empty, oversize, small buffers).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <cmocka.h>

#include "gd_testutil.h"

#define TILE 65536u

static void round_trip(const uint8_t *in, size_t n, int level)
{
    const size_t cap = dsvk_gdeflate_compress_bound(n);
    uint8_t *s = malloc(cap);
    size_t size = 0;
    assert_int_equal(dsvk_gdeflate_compress(in, n, s, cap, &size, level, 2), DSVK_OK);
    assert_true(size <= cap);
    dsvk_gdeflate_info info;
    assert_int_equal(dsvk_gdeflate_parse(s, size, &info), DSVK_OK);
    assert_int_equal(info.uncompressed_size, n);
    assert_int_equal(info.stream_size, size);
    uint8_t *out = malloc(n);
    for (uint32_t threads = 1; threads <= 2; threads++) {
        memset(out, 0x3C, n);
        uint32_t failed = 0;
        dsvk_result r = dsvk_gdeflate_decompress(s, size, out, n, threads, &failed);
        if (r != DSVK_OK)
            fail_msg("%zu bytes at level %d: tile %u fails", n, level, failed);
        assert_memory_equal(out, in, n);
    }
    /* tile by tile, with inspection: every tile's bitstream ends exactly at its end */
    for (uint32_t t = 0; t < info.num_tiles; t++) {
        uint64_t off;
        uint32_t tile_size;
        dsvk_gdeflate_tile_range(s, &info, t, &off, &tile_size);
        dsvk_gdeflate_tile_report rep;
        const size_t out_size = gdt_tile_out_size(&info, t);
        assert_int_equal(dsvk_gdeflate_inspect_tile(s + off, tile_size, out, out_size, &rep),
                         DSVK_OK);
        assert_memory_equal(out, in + (size_t)t * TILE, out_size);
        assert_int_equal(rep.bytes_read, tile_size);
    }
    free(out);
    free(s);
}

static void test_levels_and_tile_sizes(void **state)
{
    (void)state;
    static const size_t sizes[] = {1, 2, 13, 65535, 65536, 65537};
    static const gdt_kind kinds[] = {GDT_TEXT, GDT_RANDOM, GDT_MIXED, GDT_ZEROS};
    uint8_t *in = malloc(TILE + 1);
    for (int level = 1; level <= 12; level++)
        for (unsigned k = 0; k < 4; k++)
            for (unsigned s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
                gdt_fill(in, sizes[s], kinds[k], (uint64_t)level * 100 + s);
                round_trip(in, sizes[s], level);
            }
    free(in);
}

static void test_many_tiles(void **state)
{
    (void)state;
    const size_t n = 21 * TILE + 4321;
    uint8_t *in = malloc(n);
    for (int level = 1; level <= 12; level++) {
        gdt_fill(in, n, level % 2 ? GDT_MIXED : GDT_FLOATS, (uint64_t)level);
        round_trip(in, n, level);
    }
    free(in);
}

static void test_reference_inputs(void **state)
{
    (void)state;
    size_t n;
    gdt_vector *v = gdt_manifest(&n);
    for (size_t i = 0; i < n; i++) {
        size_t raw_size;
        uint8_t *raw = gdt_load_raw(&v[i], &raw_size);
        round_trip(raw, raw_size, (int)v[i].level);
        free(raw);
    }
    free(v);
}

static void test_encoder_contract(void **state)
{
    (void)state;
    uint8_t in[16] = {0}, out[4096];
    size_t size = 123;
    /* empty input */
    assert_int_equal(dsvk_gdeflate_compress(in, 0, out, sizeof(out), &size, 9, 1),
                     DSVK_E_INVALID_ARGUMENT);
    /* oversize input: a sparse mapping one byte longer than the format allows (never read) */
    const size_t huge = (size_t)DSVK_GDEFLATE_MAX_INPUT + 1;
    void *map = mmap(NULL, huge, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    assert_true(map != MAP_FAILED);
    assert_int_equal(dsvk_gdeflate_compress(map, huge, out, sizeof(out), &size, 9, 1),
                     DSVK_E_INVALID_ARGUMENT);
    munmap(map, huge);
    /* bad levels */
    assert_int_equal(dsvk_gdeflate_compress(in, sizeof(in), out, sizeof(out), &size, 0, 1),
                     DSVK_E_INVALID_ARGUMENT);
    assert_int_equal(dsvk_gdeflate_compress(in, sizeof(in), out, sizeof(out), &size, 13, 1),
                     DSVK_E_INVALID_ARGUMENT);
    /* an output buffer too small */
    assert_int_equal(dsvk_gdeflate_compress(in, sizeof(in), out, 16, &size, 9, 1),
                     DSVK_E_COMPRESSED_DATA_TOO_LARGE);
    /* the bound is the reference's formula */
    assert_int_equal(dsvk_gdeflate_compress_bound(1), 65536 + 4 + 4 * 208 + 4 * 8 + 16);
    assert_int_equal(dsvk_gdeflate_compress_bound(65537), 2 * (65536 + 4 + 4 * 208 + 32) + 16);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_levels_and_tile_sizes),
        cmocka_unit_test(test_many_tiles),
        cmocka_unit_test(test_reference_inputs),
        cmocka_unit_test(test_encoder_contract),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
