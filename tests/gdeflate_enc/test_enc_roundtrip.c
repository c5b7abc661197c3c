/*
 * Round trips at every level 1..12: each generated corpus at sizes around the tile boundary
 * and over several tiles, checked tile by tile with the project decoder (enc_check.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include <dsvk/gdeflate.h>

#include "enc_check.h"
#include "enc_corpus.h"

static const size_t sizes[] = {1, 13, 65535, 65536, 65537, 2 * 65536 + 40000};
#define NUM_SIZES (sizeof(sizes) / sizeof(sizes[0]))
#define MAX_SIZE (2 * 65536 + 40000)

static uint8_t *corpus[CORPUS_COUNT];

static int setup(void **state)
{
    (void)state;
    for (int c = 0; c < CORPUS_COUNT; c++) {
        corpus[c] = malloc(MAX_SIZE);
        if (!corpus[c])
            return -1;
        enc_corpus_fill((enum enc_corpus)c, corpus[c], MAX_SIZE, 42);
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    for (int c = 0; c < CORPUS_COUNT; c++)
        free(corpus[c]);
    return 0;
}

static void round_trip_level(int level)
{
    size_t total_in = 0, total_out = 0;
    for (int c = 0; c < CORPUS_COUNT; c++) {
        for (size_t s = 0; s < NUM_SIZES; s++) {
            size_t size = 0;
            uint8_t *stream = enc_check_roundtrip(corpus[c], sizes[s], level, 1, &size);
            free(stream);
            total_in += sizes[s];
            total_out += size;
        }
    }
    printf("level %2d: %zu -> %zu bytes\n", level, total_in, total_out);
}

#define LEVEL_TEST(n)                                                                              \
    static void level_##n(void **state)                                                            \
    {                                                                                              \
        (void)state;                                                                               \
        round_trip_level(n);                                                                       \
    }
LEVEL_TEST(1)
LEVEL_TEST(2)
LEVEL_TEST(3)
LEVEL_TEST(4)
LEVEL_TEST(5)
LEVEL_TEST(6)
LEVEL_TEST(7)
LEVEL_TEST(8)
LEVEL_TEST(9)
LEVEL_TEST(10)
LEVEL_TEST(11)
LEVEL_TEST(12)

/* Inputs that stress the parsers' edges: runs longer than 258 and 65535, long distances. */
static void long_matches_and_distances(void **state)
{
    (void)state;
    const size_t n = 3 * 65536;
    uint8_t *in = malloc(n);
    assert_non_null(in);
    /* A random 30000-byte block repeated with distance 35000 (> 32768), runs of one byte,
     * and a short period pattern. */
    enc_corpus_fill(CORPUS_RANDOM, in, n, 7);
    for (size_t i = 35000; i < 65536; i++)
        in[i] = in[i - 35000];
    for (size_t i = 65536; i < 65536 + 20000; i++)
        in[i] = 0x55;
    for (size_t i = 65536 + 20000; i < 65536 + 20300; i++)
        in[i] = (uint8_t)(i % 3);
    for (size_t i = 2 * 65536; i < n; i++)
        in[i] = (uint8_t)((i % 7) * 13);
    for (int level = 1; level <= 12; level++) {
        size_t size = 0;
        free(enc_check_roundtrip(in, n, level, 1, &size));
        assert_true(size < n / 2);
    }
    free(in);
}

int main(void)
{
    /* clang-format off */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(level_1),  cmocka_unit_test(level_2),  cmocka_unit_test(level_3),
        cmocka_unit_test(level_4),  cmocka_unit_test(level_5),  cmocka_unit_test(level_6),
        cmocka_unit_test(level_7),  cmocka_unit_test(level_8),  cmocka_unit_test(level_9),
        cmocka_unit_test(level_10), cmocka_unit_test(level_11), cmocka_unit_test(level_12),
        cmocka_unit_test(long_matches_and_distances),
    };
    /* clang-format on */
    return cmocka_run_group_tests(tests, setup, teardown);
}
