/*
 * Parallel compression: any thread count gives the same stream as one thread (tiles are
 * independent and placed in order), and that stream decodes.
 */
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

static void any_thread_count_gives_the_same_stream(void **state)
{
    (void)state;
    /* Nine tiles, each a different corpus, the last one partial. */
    const size_t n = 8 * 65536 + 12345;
    uint8_t *in = malloc(n);
    assert_non_null(in);
    for (size_t t = 0; t * 65536 < n; t++) {
        size_t len = n - t * 65536 < 65536 ? n - t * 65536 : 65536;
        enc_corpus_fill((enum enc_corpus)(t % CORPUS_COUNT), in + t * 65536, len, t);
    }
    const int levels[] = {1, 6, 9};
    const uint32_t threads[] = {2, 3, 4, 0, 16};
    for (size_t l = 0; l < sizeof(levels) / sizeof(levels[0]); l++) {
        size_t ref_size = 0;
        uint8_t *ref = enc_check_roundtrip(in, n, levels[l], 1, &ref_size);
        for (size_t k = 0; k < sizeof(threads) / sizeof(threads[0]); k++) {
            size_t cap = dsvk_gdeflate_compress_bound(n), size = 0;
            uint8_t *out = malloc(cap);
            assert_non_null(out);
            assert_int_equal(dsvk_gdeflate_compress(in, n, out, cap, &size, levels[l], threads[k]),
                             DSVK_OK);
            assert_int_equal(size, ref_size);
            assert_memory_equal(out, ref, size);
            free(out);
        }
        free(ref);
    }
    free(in);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(any_thread_count_gives_the_same_stream),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
