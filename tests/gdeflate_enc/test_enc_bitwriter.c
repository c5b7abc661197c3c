/*
 * The 32-lane bit writer against a model of the reference decoder's reading: lane j starts
 * with word j; after each item read from a lane, if that lane holds fewer than 32 bits the
 * next word of the tile is appended to it. Every value written must come back from the same
 * lane in the same order, and the model must consume exactly the tile, nothing more.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "gdeflate/enc_bitwriter.h"

struct write_op {
    uint8_t lane, bits;
    uint32_t value;
};

struct model {
    const uint8_t *tile;
    size_t words, next;
    uint64_t buf[ENC_LANES];
    unsigned count[ENC_LANES];
};

static uint32_t word_at(const struct model *m, size_t i)
{
    const uint8_t *p = m->tile + 4 * i;
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static void model_init(struct model *m, const uint8_t *tile, size_t size)
{
    assert_int_equal(size % 4, 0);
    assert_true(size >= 4 * ENC_LANES);
    m->tile = tile;
    m->words = size / 4;
    for (unsigned j = 0; j < ENC_LANES; j++) {
        m->buf[j] = word_at(m, j);
        m->count[j] = 32;
    }
    m->next = ENC_LANES;
}

static uint32_t model_read(struct model *m, unsigned lane, unsigned bits)
{
    assert_true(m->count[lane] >= bits); /* the decoder never runs dry within an item */
    uint32_t v = (uint32_t)(m->buf[lane] & ((bits == 32) ? 0xFFFFFFFFull : ((1ull << bits) - 1)));
    m->buf[lane] >>= bits;
    m->count[lane] -= bits;
    if (m->count[lane] < 32) {
        assert_true(m->next < m->words); /* never reads past the tile */
        m->buf[lane] |= (uint64_t)word_at(m, m->next++) << m->count[lane];
        m->count[lane] += 32;
    }
    return v;
}

static uint64_t rng = 0x1234567;
static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 16);
}

/* Writes ops, then replays them through the model. */
static size_t write_and_check(const struct write_op *ops, size_t n, size_t cap)
{
    uint8_t *tile = malloc(cap + 16);
    assert_non_null(tile);
    memset(tile, 0xEE, cap + 16);
    struct enc_bitwriter bw;
    enc_bw_init(&bw, tile, cap);
    for (size_t i = 0; i < n; i++)
        enc_bw_put(&bw, ops[i].lane, ops[i].value, ops[i].bits);
    size_t size = enc_bw_finish(&bw);
    for (size_t i = cap; i < cap + 16; i++)
        assert_int_equal(tile[i], 0xEE); /* nothing past the capacity */
    if (size == 0) {
        free(tile);
        return 0;
    }
    struct model m;
    model_init(&m, tile, size);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(model_read(&m, ops[i].lane, ops[i].bits), ops[i].value);
    assert_int_equal(m.next, m.words); /* every word was asked for */
    for (unsigned j = 0; j < ENC_LANES; j++)
        assert_int_equal(m.buf[j], 0); /* padding is zero */
    free(tile);
    return size;
}

static void empty_tile_is_the_initial_words(void **state)
{
    (void)state;
    assert_int_equal(write_and_check(NULL, 0, 4096), 128);
}

static void first_bit_reserves_the_lanes_next_word(void **state)
{
    (void)state;
    /* 3 bits on lane 0 leave it 29 bits: the decoder asks for word 32 at once. */
    struct write_op one = {0, 3, 5};
    assert_int_equal(write_and_check(&one, 1, 4096), 33 * 4);
    /* 32 bits on lane 7: its first word is exhausted, the next one is reserved (and empty). */
    struct write_op full = {7, 32, 0xDEADBEEF};
    assert_int_equal(write_and_check(&full, 1, 4096), 33 * 4);
}

static void slots_follow_refill_order(void **state)
{
    (void)state;
    /* Lane 5 then lane 2 drop below 32 bits: their next words are 32 and 33 in that order. */
    struct write_op ops[] = {{5, 1, 1}, {2, 1, 1}, {5, 31, 0x7FFFFFFF}, {5, 20, 0xABCDE}};
    uint8_t tile[4096];
    struct enc_bitwriter bw;
    enc_bw_init(&bw, tile, sizeof(tile));
    for (size_t i = 0; i < 4; i++)
        enc_bw_put(&bw, ops[i].lane, ops[i].value, ops[i].bits);
    size_t size = enc_bw_finish(&bw);
    /* Lane 5 wrote 52 bits: words 5 and 32 full/partial, plus a third reserved (34);
     * lane 2 wrote 1 bit: words 2 and 33. */
    assert_int_equal(size, 35 * 4);
    assert_int_equal(write_and_check(ops, 4, 4096), 35 * 4);
}

static void random_items_round_trip(void **state)
{
    (void)state;
    const size_t n = 40000;
    struct write_op *ops = malloc(n * sizeof(*ops));
    assert_non_null(ops);
    for (int round = 0; round < 4; round++) {
        for (size_t i = 0; i < n; i++) {
            ops[i].lane = (uint8_t)(round == 0 ? i % ENC_LANES : rnd() % ENC_LANES);
            ops[i].bits = (uint8_t)(1 + rnd() % 31);
            ops[i].value = rnd() & ((1u << ops[i].bits) - 1);
        }
        size_t bits = 0;
        for (size_t i = 0; i < n; i++)
            bits += ops[i].bits;
        size_t size = write_and_check(ops, n, 1 << 20);
        /* Words = sum over lanes of ceil(bits/32) + 1, so at most 2 extra words per lane. */
        assert_true(size * 8 >= bits + 32 * 32);
        assert_true(size * 8 <= bits + 32 * 64);
    }
    free(ops);
}

static void overflow_is_reported_and_contained(void **state)
{
    (void)state;
    const size_t n = 2000;
    struct write_op *ops = malloc(n * sizeof(*ops));
    assert_non_null(ops);
    for (size_t i = 0; i < n; i++)
        ops[i] = (struct write_op){(uint8_t)(i % ENC_LANES), 16, (uint32_t)i & 0xFFFF};
    assert_int_equal(write_and_check(ops, n, 1024), 0);
    assert_true(write_and_check(ops, n, 65536) > 1024);
    free(ops);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(empty_tile_is_the_initial_words),
        cmocka_unit_test(first_bit_reserves_the_lanes_next_word),
        cmocka_unit_test(slots_follow_refill_order),
        cmocka_unit_test(random_items_round_trip),
        cmocka_unit_test(overflow_is_reported_and_contained),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
