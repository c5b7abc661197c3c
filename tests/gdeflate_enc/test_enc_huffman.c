/*
 * Length-limited Huffman codes: optimal when the limit does not bind (compared with a plain
 * two-smallest-merge Huffman cost), always complete and within the limit, monotonic in
 * frequency, and canonical prefix-free codewords.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "gdeflate/enc_huffman.h"

static uint64_t rng = 99;
static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 16);
}

/* Cost of an unrestricted Huffman code: the sum of all merged weights (O(n^2) merging). */
static uint64_t plain_huffman_cost(const uint32_t *freq, unsigned n)
{
    uint64_t w[512];
    unsigned m = 0;
    for (unsigned i = 0; i < n; i++)
        if (freq[i])
            w[m++] = freq[i];
    uint64_t cost = 0;
    while (m > 1) {
        unsigned a = 0, b = 1;
        if (w[b] < w[a])
            a = 1, b = 0;
        for (unsigned i = 2; i < m; i++) {
            if (w[i] < w[a])
                b = a, a = i;
            else if (w[i] < w[b])
                b = i;
        }
        uint64_t sum = w[a] + w[b];
        cost += sum;
        unsigned lo = a < b ? a : b, hi = a < b ? b : a;
        w[lo] = sum;
        w[hi] = w[--m];
    }
    return cost;
}

/* Completeness (Kraft sum exactly 1), limit, monotonicity; returns sum freq * len. */
static uint64_t check_code(const uint32_t *freq, const uint8_t *lens, unsigned n, unsigned limit)
{
    uint64_t kraft = 0, cost = 0;
    unsigned used = 0;
    for (unsigned i = 0; i < n; i++) {
        assert_true(lens[i] <= limit);
        if (freq[i])
            assert_true(lens[i] > 0);
        if (lens[i]) {
            kraft += 1ull << (limit - lens[i]);
            used++;
        }
        cost += (uint64_t)freq[i] * lens[i];
    }
    assert_true(used >= 2);
    assert_int_equal(kraft, 1ull << limit);
    for (unsigned i = 0; i < n; i++)
        for (unsigned j = 0; j < n; j++)
            if (freq[i] && freq[j] && freq[i] > freq[j])
                assert_true(lens[i] <= lens[j]);
    return cost;
}

static void optimal_when_the_limit_does_not_bind(void **state)
{
    (void)state;
    uint32_t freq[288];
    uint8_t lens[288];
    for (int round = 0; round < 300; round++) {
        unsigned n = 2 + rnd() % 287;
        for (unsigned i = 0; i < n; i++)
            freq[i] = (rnd() % 4 == 0) ? 0 : 1 + rnd() % (1 + rnd() % 5000);
        freq[0] |= 1; /* at least two used symbols */
        freq[n - 1] |= 1;
        enc_huffman_lengths(freq, n, 15, lens);
        uint64_t cost = check_code(freq, lens, n, 15);
        unsigned maxlen = 0;
        for (unsigned i = 0; i < n; i++)
            maxlen = lens[i] > maxlen ? lens[i] : maxlen;
        if (maxlen < 15) /* the limit did not bind: must be a true Huffman code */
            assert_int_equal(cost, plain_huffman_cost(freq, n));
    }
}

static void limits_are_respected_on_skewed_input(void **state)
{
    (void)state;
    uint32_t freq[288];
    uint8_t lens[288];
    /* Fibonacci weights make an unrestricted tree as deep as the alphabet. */
    uint32_t a = 1, b = 1;
    for (unsigned i = 0; i < 30; i++) {
        freq[i] = a;
        uint32_t c = a + b;
        a = b;
        b = c;
    }
    enc_huffman_lengths(freq, 30, 15, lens);
    uint64_t limited = check_code(freq, lens, 30, 15);
    assert_true(limited >= plain_huffman_cost(freq, 30));
    enc_huffman_lengths(freq, 19, 7, lens);
    check_code(freq, lens, 19, 7);
    for (unsigned i = 0; i < 288; i++)
        freq[i] = i < 200 ? 1u << (i % 20) : 1;
    enc_huffman_lengths(freq, 288, 15, lens);
    check_code(freq, lens, 288, 15);
}

static void fewer_than_two_symbols_get_a_complete_code(void **state)
{
    (void)state;
    uint32_t freq[32] = {0};
    uint8_t lens[32];
    enc_huffman_lengths(freq, 32, 15, lens);
    assert_int_equal(lens[0], 1);
    assert_int_equal(lens[1], 1);
    freq[17] = 40;
    enc_huffman_lengths(freq, 32, 15, lens);
    assert_int_equal(lens[17], 1);
    assert_int_equal(lens[0], 1);
    freq[17] = 0;
    freq[0] = 3;
    enc_huffman_lengths(freq, 32, 15, lens);
    assert_int_equal(lens[0], 1);
    assert_int_equal(lens[1], 1);
}

static uint32_t unreverse(uint32_t code, unsigned len)
{
    uint32_t r = 0;
    for (unsigned i = 0; i < len; i++, code >>= 1)
        r = (r << 1) | (code & 1);
    return r;
}

static void codewords_are_canonical_and_prefix_free(void **state)
{
    (void)state;
    uint32_t freq[288];
    uint8_t lens[288];
    uint16_t codes[288];
    for (unsigned i = 0; i < 288; i++)
        freq[i] = (i * 7919) % 1000 + (i % 3 == 0 ? 0 : 1);
    enc_huffman_lengths(freq, 288, 15, lens);
    enc_huffman_codewords(lens, 288, codes);
    for (unsigned i = 0; i < 288; i++) {
        if (!lens[i])
            continue;
        uint32_t ci = unreverse(codes[i], lens[i]);
        for (unsigned j = 0; j < 288; j++) {
            if (j == i || !lens[j] || lens[j] < lens[i])
                continue;
            uint32_t cj = unreverse(codes[j], lens[j]);
            assert_true((cj >> (lens[j] - lens[i])) != ci); /* i is no prefix of j */
            /* Canonical: among equal lengths, codes increase with the symbol. */
            if (lens[j] == lens[i] && j > i)
                assert_true(cj > ci);
        }
    }
    /* RFC 1951's fixed code: 256 (length 7) is 0000000, 0 (length 8) is 00110000. */
    for (unsigned i = 0; i < 288; i++)
        lens[i] = i < 144 ? 8 : i < 256 ? 9 : i < 280 ? 7 : 8;
    enc_huffman_codewords(lens, 288, codes);
    assert_int_equal(unreverse(codes[256], 7), 0);
    assert_int_equal(unreverse(codes[0], 8), 0x30);
    assert_int_equal(unreverse(codes[144], 9), 0x190);
    assert_int_equal(unreverse(codes[280], 8), 0xC0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(optimal_when_the_limit_does_not_bind),
        cmocka_unit_test(limits_are_respected_on_skewed_input),
        cmocka_unit_test(fewer_than_two_symbols_get_a_complete_code),
        cmocka_unit_test(codewords_are_canonical_and_prefix_free),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
