/* dsvk_gdeflate_compress's contract: arguments, the bound, and a too-small output buffer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <dsvk/gdeflate.h>

#include "enc_check.h"
#include "enc_corpus.h"

static void bad_arguments_are_rejected(void **state)
{
    (void)state;
    uint8_t in[16] = {1, 2, 3}, out[256];
    size_t size = 77;
    assert_int_equal(dsvk_gdeflate_compress(in, 0, out, sizeof(out), &size, 1, 1),
                     DSVK_E_INVALID_ARGUMENT);
    /* Oversize is refused from the size alone, before any byte is read. */
    assert_int_equal(dsvk_gdeflate_compress(in, (size_t)DSVK_GDEFLATE_MAX_INPUT + 1, out,
                                            sizeof(out), &size, 1, 1),
                     DSVK_E_INVALID_ARGUMENT);
    assert_int_equal(dsvk_gdeflate_compress(NULL, 10, out, sizeof(out), &size, 1, 1),
                     DSVK_E_INVALID_ARGUMENT);
    assert_int_equal(dsvk_gdeflate_compress(in, 10, out, sizeof(out), NULL, 1, 1),
                     DSVK_E_INVALID_ARGUMENT);
    assert_int_equal(dsvk_gdeflate_compress(in, 10, NULL, 100, &size, 1, 1),
                     DSVK_E_INVALID_ARGUMENT);
    int bad_levels[] = {-1, 0, 13, 100};
    for (size_t i = 0; i < sizeof(bad_levels) / sizeof(bad_levels[0]); i++)
        assert_int_equal(dsvk_gdeflate_compress(in, 10, out, sizeof(out), &size, bad_levels[i], 1),
                         DSVK_E_INVALID_ARGUMENT);
    for (int level = 1; level <= 12; level++) {
        assert_int_equal(dsvk_gdeflate_compress(in, 10, out, sizeof(out), &size, level, 1),
                         DSVK_OK);
        enc_check_stream(out, size, in, 10);
    }
}

static void bound_is_the_reference_formula(void **state)
{
    (void)state;
    const size_t per_tile = 65536 + 4 + 4 * 208 + 4 * 8;
    assert_int_equal(dsvk_gdeflate_compress_bound(0), per_tile + 16);
    assert_int_equal(dsvk_gdeflate_compress_bound(1), per_tile + 16);
    assert_int_equal(dsvk_gdeflate_compress_bound(65536), per_tile + 16);
    assert_int_equal(dsvk_gdeflate_compress_bound(65537), 2 * per_tile + 16);
    assert_int_equal(dsvk_gdeflate_compress_bound(10 * 65536 + 5), 11 * per_tile + 16);
    assert_int_equal(dsvk_gdeflate_compress_bound((size_t)DSVK_GDEFLATE_MAX_INPUT),
                     65535 * per_tile + 16);
    /* Capped at 65535 tiles, as the reference computes it. */
    assert_int_equal(dsvk_gdeflate_compress_bound((size_t)DSVK_GDEFLATE_MAX_INPUT * 2),
                     65535 * per_tile + 16);
}

static void small_output_buffer_is_refused_without_overrun(void **state)
{
    (void)state;
    const size_t n = 3 * 65536 + 1000;
    uint8_t *in = malloc(n);
    assert_non_null(in);
    enc_corpus_fill(CORPUS_JSON, in, n, 5);
    size_t full = 0;
    uint8_t *ref = enc_check_roundtrip(in, n, 1, 1, &full);

    uint8_t *out = malloc(full + 64);
    assert_non_null(out);
    size_t caps[] = {0, 7, 8 + 4 * 4 - 1, 8 + 4 * 4, full / 2, full - 4, full - 1};
    for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
        memset(out, 0xC3, full + 64);
        size_t size = 123;
        assert_int_equal(dsvk_gdeflate_compress(in, n, out, caps[i], &size, 1, 2),
                         DSVK_E_COMPRESSED_DATA_TOO_LARGE);
        for (size_t j = caps[i]; j < full + 64; j++)
            assert_int_equal(out[j], 0xC3);
    }
    /* out NULL with no capacity is a too-small buffer, not a bad argument. */
    size_t size = 0;
    assert_int_equal(dsvk_gdeflate_compress(in, n, NULL, 0, &size, 1, 1),
                     DSVK_E_COMPRESSED_DATA_TOO_LARGE);
    /* Exactly enough: succeeds with the same stream. */
    assert_int_equal(dsvk_gdeflate_compress(in, n, out, full, &size, 1, 1), DSVK_OK);
    assert_int_equal(size, full);
    assert_memory_equal(out, ref, full);
    free(out);
    free(ref);
    free(in);
}

static void incompressible_tiles_stay_within_the_bound(void **state)
{
    (void)state;
    const size_t n = 2 * 65536;
    uint8_t *in = malloc(n);
    assert_non_null(in);
    enc_corpus_fill(CORPUS_RANDOM, in, n, 9);
    for (int level = 1; level <= 12; level += 11) {
        size_t size = 0;
        uint8_t *s = enc_check_roundtrip(in, n, level, 1, &size);
        /* Two stored blocks (65535 + 1 bytes) per tile: 16418 words. */
        assert_int_equal(size, 8 + 2 * 4 + 2 * 65672);
        free(s);
    }
    free(in);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bad_arguments_are_rejected),
        cmocka_unit_test(bound_is_the_reference_formula),
        cmocka_unit_test(small_output_buffer_is_refused_without_overrun),
        cmocka_unit_test(incompressible_tiles_stay_within_the_bound),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
