/*
 * Every reference vector (the reference encoder's output at levels 1, 9, 12) decodes to its
 * input byte for byte: as a whole stream with 1, 2 and all threads, tile by tile, with every
 * decoder variant, and with inspection, which must report that each tile's bitstream reads
 * exactly all of the tile's bytes (the reference encoder reserves no spare words).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "gd_testutil.h"
#include "gdeflate/decode_internal.h"

static void test_whole_streams(void **state)
{
    (void)state;
    size_t n;
    gdt_vector *v = gdt_manifest(&n);
    assert_true(n >= 24);
    for (size_t i = 0; i < n; i++) {
        size_t raw_size, size;
        uint8_t *raw = gdt_load_raw(&v[i], &raw_size);
        uint8_t *stream = gdt_load_stream(&v[i], &size);
        dsvk_gdeflate_info info;
        assert_int_equal(dsvk_gdeflate_parse(stream, size, &info), DSVK_OK);
        assert_int_equal(info.uncompressed_size, raw_size);
        assert_int_equal(info.stream_size, size);
        static const uint32_t threads[] = {1, 2, 0};
        for (unsigned t = 0; t < 3; t++) {
            uint8_t *out = malloc(raw_size);
            memset(out, 0xA5, raw_size);
            uint32_t failed = 7;
            dsvk_result r =
                dsvk_gdeflate_decompress(stream, size, out, raw_size, threads[t], &failed);
            if (r != DSVK_OK)
                fail_msg("%s level %u, %u threads: %d (tile %u)", v[i].name, v[i].level, threads[t],
                         r, failed);
            assert_int_equal(failed, UINT32_MAX);
            assert_memory_equal(out, raw, raw_size);
            free(out);
        }
        free(raw);
        free(stream);
    }
    free(v);
}

static void test_tiles_with_every_variant(void **state)
{
    (void)state;
    gd_tile_fn variants[] = {gd_decode_tile_generic, gd_decode_tile_counting, gd_decode_tile_bmi2,
                             gd_decode_tile_avx2, gd_decode_tile_avx512};
    const unsigned num_variants = gdt_decoder_variants();
    size_t n;
    gdt_vector *v = gdt_manifest(&n);
    for (size_t i = 0; i < n; i++) {
        size_t raw_size, size;
        uint8_t *raw = gdt_load_raw(&v[i], &raw_size);
        uint8_t *stream = gdt_load_stream(&v[i], &size);
        dsvk_gdeflate_info info;
        assert_int_equal(dsvk_gdeflate_parse(stream, size, &info), DSVK_OK);
        for (uint32_t t = 0; t < info.num_tiles; t++) {
            uint64_t off;
            uint32_t tile_size;
            dsvk_gdeflate_tile_range(stream, &info, t, &off, &tile_size);
            const size_t out_size = gdt_tile_out_size(&info, t);
            const uint8_t *expect = raw + (size_t)t * DSVK_GDEFLATE_TILE_SIZE;
            uint8_t *out = malloc(out_size);
            /* the public call */
            assert_int_equal(dsvk_gdeflate_decompress_tile(stream + off, tile_size, out, out_size),
                             DSVK_OK);
            assert_memory_equal(out, expect, out_size);
            /* each variant, with the bytes it consumed */
            for (unsigned k = 0; k < num_variants; k++) {
                memset(out, 0x5A, out_size);
                size_t consumed = 0;
                gd_counts counts = {{0}, 0, 0};
                gd_error err = {NULL, 0, 0};
                dsvk_result r =
                    variants[k](stream + off, tile_size, out, out_size, &consumed, &err, &counts);
                if (r != DSVK_OK)
                    fail_msg("%s l%u tile %u variant %u: %s", v[i].name, v[i].level, t, k,
                             err.what);
                assert_memory_equal(out, expect, out_size);
                assert_int_equal(consumed, tile_size);
            }
            /* inspection */
            dsvk_gdeflate_tile_report rep;
            assert_int_equal(
                dsvk_gdeflate_inspect_tile(stream + off, tile_size, out, out_size, &rep), DSVK_OK);
            assert_memory_equal(out, expect, out_size);
            assert_int_equal(rep.bytes_read, tile_size);
            assert_null(rep.error);
            assert_true(rep.stored_blocks + rep.fixed_blocks + rep.dynamic_blocks >= 1);
            if (rep.stored_blocks == 0)
                assert_true(rep.literals + rep.matches >= 1);
            free(out);
        }
        free(raw);
        free(stream);
    }
    free(v);
}

/* What the vectors are said to hold (README), so the tests above cover those features. */
static void test_vector_features(void **state)
{
    (void)state;
    size_t n;
    gdt_vector *v = gdt_manifest(&n);
    bool saw_stored = false, saw_long_match = false, saw_partial_last = false;
    for (size_t i = 0; i < n; i++) {
        size_t size;
        uint8_t *stream = gdt_load_stream(&v[i], &size);
        dsvk_gdeflate_info info;
        assert_int_equal(dsvk_gdeflate_parse(stream, size, &info), DSVK_OK);
        saw_partial_last |= info.last_tile_size == 1;
        for (uint32_t t = 0; t < info.num_tiles; t++) {
            uint64_t off;
            uint32_t tile_size;
            dsvk_gdeflate_tile_range(stream, &info, t, &off, &tile_size);
            size_t out_size = gdt_tile_out_size(&info, t);
            uint8_t *out = malloc(out_size);
            dsvk_gdeflate_tile_report rep;
            assert_int_equal(
                dsvk_gdeflate_inspect_tile(stream + off, tile_size, out, out_size, &rep), DSVK_OK);
            saw_stored |= rep.stored_blocks > 0;
            /* a 64 KiB zero tile: one literal and one match of 65535 */
            if (!strcmp(v[i].name, "zeros_128k")) {
                assert_int_equal(rep.literals, 1);
                assert_int_equal(rep.matches, 1);
                saw_long_match = true;
            }
            free(out);
        }
        free(stream);
    }
    assert_true(saw_stored);
    assert_true(saw_long_match);
    assert_true(saw_partial_last);
    free(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_whole_streams),
        cmocka_unit_test(test_tiles_with_every_variant),
        cmocka_unit_test(test_vector_features),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
