/*
 * The match finders and parsers on their own: every match reported is real, the finders
 * searched without a depth limit find the longest match a brute-force search finds, and every
 * parse replays (as plain LZ77) to exactly its input, including near-optimal parses of
 * sub-ranges and parses made with an almost full match cache.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "enc_corpus.h"
#include "gdeflate/enc_optimal.h"
#include "gdeflate/enc_parse.h"
#include "gdeflate/matchfinder_bt.h"
#include "gdeflate/matchfinder_hc.h"
#include "gdeflate/matchfinder_ht.h"

#define TILE 65536

static uint8_t *tiles[CORPUS_COUNT];
static struct enc_item items[TILE];

static int setup(void **state)
{
    (void)state;
    for (int c = 0; c < CORPUS_COUNT; c++) {
        tiles[c] = malloc(TILE);
        if (!tiles[c])
            return -1;
        enc_corpus_fill((enum enc_corpus)c, tiles[c], TILE, 11);
    }
    /* Make the random tile partly repetitive, with distances beyond 32768. */
    memcpy(tiles[CORPUS_RANDOM] + 40000, tiles[CORPUS_RANDOM] + 1000, 20000);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    for (int c = 0; c < CORPUS_COUNT; c++)
        free(tiles[c]);
    return 0;
}

/* Replays items over in[start..end) with in[0..start) as history; must rebuild the range. */
static void replay(const struct enc_item *it, size_t count, const uint8_t *in, size_t start,
                   size_t end)
{
    uint8_t *out = malloc(end ? end : 1);
    assert_non_null(out);
    memcpy(out, in, start);
    size_t pos = start;
    for (size_t i = 0; i < count; i++) {
        if (it[i].len == 0) {
            assert_true(pos < end);
            out[pos++] = (uint8_t)it[i].val;
            continue;
        }
        assert_true(it[i].len >= ENC_MIN_MATCH);
        assert_true(it[i].val >= 1 && it[i].val <= pos);
        assert_true(pos + it[i].len <= end);
        for (unsigned k = 0; k < it[i].len; k++, pos++)
            out[pos] = out[pos - it[i].val];
    }
    assert_int_equal(pos, end);
    assert_memory_equal(out + start, in + start, end - start);
    free(out);
}

static unsigned brute_longest(const uint8_t *in, uint32_t n, uint32_t pos, unsigned cap)
{
    unsigned best = 0;
    for (uint32_t c = 0; c < pos; c++) {
        unsigned len = 0;
        while (len < cap && pos + len < n && in[c + len] == in[pos + len])
            len++;
        if (len > best)
            best = len;
    }
    return best;
}

static void finders_report_real_and_longest_matches(void **state)
{
    (void)state;
    /* Small inputs so that brute force stays cheap. */
    const uint32_t n = 3000;
    struct mf_bt *bt = malloc(sizeof(*bt));
    struct mf_hc *hc = malloc(sizeof(*hc));
    assert_non_null(bt);
    assert_non_null(hc);
    struct mf_match m[MF_BT_MAX_MATCHES];
    for (int c = 0; c < CORPUS_COUNT; c++) {
        const uint8_t *in = tiles[c];
        mf_bt_reset(bt);
        mf_hc_reset(hc);
        for (uint32_t pos = 0; pos < n; pos++) {
            const unsigned nice = 200;
            unsigned brute = brute_longest(in, n, pos, nice);
            unsigned count = mf_bt_find(bt, in, n, pos, 1u << 30, nice, m);
            unsigned prev = 0;
            for (unsigned k = 0; k < count; k++) {
                assert_true(m[k].len > prev && m[k].len >= ENC_MIN_MATCH);
                assert_true(m[k].dist >= 1 && m[k].dist <= pos);
                assert_memory_equal(in + pos - m[k].dist, in + pos, m[k].len);
                prev = m[k].len;
            }
            /* Unbounded depth: the tree finds the longest match of 4 or more bytes. */
            if (brute >= 4 && n - pos >= 4)
                assert_int_equal(prev, brute);
            unsigned dist = 0, len = mf_hc_find(hc, in, n, pos, 1u << 30, 1u << 30, &dist);
            if (len) {
                assert_true(dist >= 1 && dist <= pos);
                assert_memory_equal(in + pos - dist, in + pos, len);
            }
            if (brute >= 4 && n - pos >= 4)
                assert_true(len >= brute);
        }
    }
    free(bt);
    free(hc);
}

static void greedy_and_lazy_parses_replay(void **state)
{
    (void)state;
    struct mf_ht *ht = malloc(sizeof(*ht));
    struct mf_hc *hc = malloc(sizeof(*hc));
    assert_non_null(ht);
    assert_non_null(hc);
    const uint32_t sizes[] = {1, 2, 3, 4, 5, 9, 1000, TILE - 1, TILE};
    for (int c = 0; c < CORPUS_COUNT; c++) {
        for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
            uint32_t n = sizes[s];
            size_t count = enc_parse_greedy_fast(ht, tiles[c], n, 8, items);
            replay(items, count, tiles[c], 0, n);
            count = enc_parse_greedy(hc, tiles[c], n, 24, 24, items);
            replay(items, count, tiles[c], 0, n);
            count = enc_parse_lazy(hc, tiles[c], n, 100, 130, items);
            replay(items, count, tiles[c], 0, n);
        }
    }
    free(ht);
    free(hc);
}

static void near_optimal_parses_replay(void **state)
{
    (void)state;
    struct enc_optimal *o = enc_optimal_new();
    assert_non_null(o);
    const size_t full_cap = o->cache_cap;
    /* Whole tile and block-like sub-ranges, with a roomy and an almost full match cache. */
    const size_t caps[] = {full_cap, 300, 2000};
    for (size_t k = 0; k < sizeof(caps) / sizeof(caps[0]); k++) {
        o->cache_cap = caps[k];
        for (int c = 0; c < CORPUS_COUNT; c++) {
            const uint8_t *in = tiles[c];
            enc_optimal_find_matches(o, in, TILE, 100, 133);
            size_t count = enc_optimal_lazy(o, in, 0, TILE, items);
            replay(items, count, in, 0, TILE);
            struct enc_histogram h;
            enc_histogram_of(&h, items, count);
            enc_optimal_set_costs(o, &h);
            count = enc_optimal_parse(o, in, 0, TILE, items);
            replay(items, count, in, 0, TILE);
            const uint32_t cuts[] = {0, 1, 4097, 30000, 30003, 65535, TILE};
            for (size_t b = 0; b + 1 < sizeof(cuts) / sizeof(cuts[0]); b++) {
                count = enc_optimal_parse(o, in, cuts[b], cuts[b + 1], items);
                replay(items, count, in, cuts[b], cuts[b + 1]);
            }
        }
    }
    o->cache_cap = full_cap;
    /* Tiny inputs. */
    for (uint32_t n = 1; n < 12; n++) {
        enc_optimal_find_matches(o, tiles[CORPUS_ZEROS], n, 12, 20);
        size_t count = enc_optimal_parse(o, tiles[CORPUS_ZEROS], 0, n, items);
        replay(items, count, tiles[CORPUS_ZEROS], 0, n);
    }
    enc_optimal_free(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(finders_report_real_and_longest_matches),
        cmocka_unit_test(greedy_and_lazy_parses_replay),
        cmocka_unit_test(near_optimal_parses_replay),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
