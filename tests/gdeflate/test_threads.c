/*
 * Tile-parallel decoding: the same output for every thread count, the lowest corrupt tile
 * reported whatever the timing, and concurrent callers (the decoder is reentrant).
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "gd_testutil.h"
#include "gd_writer.h"

#define TILE 65536u
#define NUM_TILES 24u

static uint8_t *raw, *stream;
static size_t raw_size, stream_size;

/* A stream of NUM_TILES tiles (alternating fixed and stored blocks) from test data. */
static int setup(void **state)
{
    (void)state;
    raw_size = (NUM_TILES - 1) * TILE + 12345;
    raw = malloc(raw_size);
    gdt_fill(raw, raw_size, GDT_TEXT, 4);
    uint8_t *tiles[NUM_TILES];
    size_t sizes[NUM_TILES];
    gdw_item *it = calloc(TILE, sizeof(*it));
    for (uint32_t t = 0; t < NUM_TILES; t++) {
        const uint8_t *src = raw + (size_t)t * TILE;
        const size_t len = t + 1 == NUM_TILES ? raw_size - (size_t)t * TILE : TILE;
        gdw w;
        gdw_init(&w);
        if (t % 2) {
            gdw_stored_block(&w, false, src, (uint32_t)(len / 2));
            gdw_stored_block(&w, true, src + len / 2, (uint32_t)(len - len / 2));
        } else {
            /* literals, with a match wherever the last 8 bytes repeat 8 back */
            size_t n = 0;
            for (size_t p = 0; p < len;) {
                if (p >= 16 && p + 8 <= len && !memcmp(src + p, src + p - 8, 8)) {
                    it[n++] = (gdw_item){.kind = GDW_MATCH, .len = 8, .dist = 8};
                    p += 8;
                } else {
                    it[n++] = (gdw_item){.kind = GDW_LIT, .byte = src[p++]};
                }
            }
            gdw_fixed_block(&w, true, it, n);
        }
        assert_false(w.overflow);
        tiles[t] = gdw_tile(&w, &sizes[t]);
        gdw_free(&w);
    }
    free(it);
    stream = gdw_stream(tiles, sizes, NUM_TILES, raw_size, &stream_size);
    for (uint32_t t = 0; t < NUM_TILES; t++)
        free(tiles[t]);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    free(raw);
    free(stream);
    return 0;
}

static void test_every_thread_count(void **state)
{
    (void)state;
    uint8_t *out = malloc(raw_size);
    static const uint32_t counts[] = {0, 1, 2, 3, 4, 7, 8, 23, 24, 25, 64, 1000};
    for (unsigned i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
        memset(out, 0, raw_size);
        uint32_t failed = 0;
        assert_int_equal(
            dsvk_gdeflate_decompress(stream, stream_size, out, raw_size, counts[i], &failed),
            DSVK_OK);
        assert_memory_equal(out, raw, raw_size);
    }
    free(out);
}

/* Corrupt tiles 5, 6 and 19 (tiles 5 and 19 fixed, 6 stored): tile 5 is always the one
 * reported, and every good tile is decoded. */
static void test_lowest_failure_reported(void **state)
{
    (void)state;
    uint8_t *bad = malloc(stream_size);
    memcpy(bad, stream, stream_size);
    dsvk_gdeflate_info info;
    assert_int_equal(dsvk_gdeflate_parse(bad, stream_size, &info), DSVK_OK);
    static const uint32_t broken[] = {19, 6, 5};
    for (unsigned i = 0; i < 3; i++) {
        uint64_t off;
        uint32_t size;
        dsvk_gdeflate_tile_range(bad, &info, broken[i], &off, &size);
        /* the first word of lane 0: BFINAL/BTYPE and more become 0xFF..: block type 3 */
        memset(bad + off, 0xFF, 4);
    }
    uint8_t *out = malloc(raw_size);
    for (unsigned round = 0; round < 20; round++) {
        memset(out, 0, raw_size);
        uint32_t failed = 0;
        assert_int_equal(
            dsvk_gdeflate_decompress(bad, stream_size, out, raw_size, 1 + round % 6, &failed),
            DSVK_E_DECOMPRESSION);
        assert_int_equal(failed, 5);
        for (uint32_t t = 0; t < NUM_TILES; t++)
            if (t != 5 && t != 6 && t != 19)
                assert_memory_equal(out + (size_t)t * TILE, raw + (size_t)t * TILE,
                                    gdt_tile_out_size(&info, t));
    }
    free(out);
    free(bad);
}

typedef struct caller {
    pthread_t thread;
    unsigned id;
    int failures;
} caller;

static void *caller_main(void *arg)
{
    caller *c = arg;
    uint8_t *out = malloc(raw_size);
    for (unsigned k = 0; k < 6; k++) {
        memset(out, (int)c->id, raw_size);
        if (dsvk_gdeflate_decompress(stream, stream_size, out, raw_size, 1 + (c->id + k) % 3,
                                     NULL) != DSVK_OK ||
            memcmp(out, raw, raw_size) != 0)
            c->failures++;
        /* single tiles too */
        dsvk_gdeflate_info info;
        if (dsvk_gdeflate_parse(stream, stream_size, &info) != DSVK_OK)
            c->failures++;
        uint64_t off;
        uint32_t size;
        const uint32_t t = (c->id + k) % NUM_TILES;
        dsvk_gdeflate_tile_range(stream, &info, t, &off, &size);
        if (dsvk_gdeflate_decompress_tile(stream + off, size, out, gdt_tile_out_size(&info, t)) !=
                DSVK_OK ||
            memcmp(out, raw + (size_t)t * TILE, gdt_tile_out_size(&info, t)) != 0)
            c->failures++;
    }
    free(out);
    return NULL;
}

static void test_concurrent_callers(void **state)
{
    (void)state;
    caller c[4];
    for (unsigned i = 0; i < 4; i++) {
        c[i] = (caller){.id = i};
        assert_int_equal(pthread_create(&c[i].thread, NULL, caller_main, &c[i]), 0);
    }
    for (unsigned i = 0; i < 4; i++) {
        pthread_join(c[i].thread, NULL);
        assert_int_equal(c[i].failures, 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_thread_count),
        cmocka_unit_test(test_lowest_failure_reported),
        cmocka_unit_test(test_concurrent_callers),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
