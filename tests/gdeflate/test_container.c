/*
 * The tile-stream container: what dsvk_gdeflate_parse accepts and rejects, tile ranges,
 * sizes, and the whole-stream call's argument checks. Streams are built by hand here.
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

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

/* A header for n tiles with the given bit field; table entries zero. */
static uint8_t *header(uint32_t n, uint32_t bits, size_t extra, size_t *size)
{
    *size = 8 + 4 * (size_t)n + extra;
    uint8_t *s = calloc(1, *size);
    s[0] = 4;
    s[1] = 0xFB;
    s[2] = (uint8_t)n;
    s[3] = (uint8_t)(n >> 8);
    put32(s + 4, bits);
    return s;
}

static dsvk_result parse(const uint8_t *s, size_t size, const char **why)
{
    dsvk_gdeflate_info info;
    return dsvk_gdeflate_parse_ex(s, size, &info, why);
}

static void expect_reject(const uint8_t *s, size_t size, const char *reason_part)
{
    const char *why = NULL;
    dsvk_gdeflate_info info;
    assert_int_equal(dsvk_gdeflate_parse(s, size, &info), DSVK_E_DECOMPRESSION);
    assert_int_equal(parse(s, size, &why), DSVK_E_DECOMPRESSION);
    assert_non_null(why);
    if (!strstr(why, reason_part))
        fail_msg("reason '%s' does not mention '%s'", why, reason_part);
    /* the whole-stream call reports a header error as no tile */
    uint8_t out[16];
    uint32_t failed = 0;
    assert_int_equal(dsvk_gdeflate_decompress(s, size, out, sizeof(out), 1, &failed),
                     DSVK_E_DECOMPRESSION);
    assert_int_equal(failed, UINT32_MAX);
}

static void test_valid_header_fields(void **state)
{
    (void)state;
    /* 3 tiles of 200, 300 and 150 bytes; 150000 bytes of output */
    size_t size;
    uint8_t *s = header(3, 1u | (150000u % 65536) << 2, 650 + 7, &size);
    put32(s + 8, 150);  /* last tile's size */
    put32(s + 12, 200); /* tile 1 starts at 200 */
    put32(s + 16, 500); /* tile 2 at 500 */
    dsvk_gdeflate_info info;
    assert_int_equal(dsvk_gdeflate_parse(s, size, &info), DSVK_OK);
    assert_int_equal(info.num_tiles, 3);
    assert_int_equal(info.last_tile_size, 150000 - 2 * 65536);
    assert_int_equal(info.uncompressed_size, 150000);
    assert_int_equal(info.header_size, 20);
    assert_int_equal(info.stream_size, 20 + 650); /* 7 trailing bytes are not the stream's */
    uint64_t off;
    uint32_t tile_size;
    dsvk_gdeflate_tile_range(s, &info, 0, &off, &tile_size);
    assert_int_equal(off, 20);
    assert_int_equal(tile_size, 200);
    dsvk_gdeflate_tile_range(s, &info, 1, &off, &tile_size);
    assert_int_equal(off, 220);
    assert_int_equal(tile_size, 300);
    dsvk_gdeflate_tile_range(s, &info, 2, &off, &tile_size);
    assert_int_equal(off, 520);
    assert_int_equal(tile_size, 150);
    /* no tile 3 */
    dsvk_gdeflate_tile_range(s, &info, 3, &off, &tile_size);
    assert_int_equal(tile_size, 0);
    /* exactly the stream's bytes is enough */
    assert_int_equal(dsvk_gdeflate_parse(s, 20 + 650, &info), DSVK_OK);
    expect_reject(s, 20 + 649, "past the end");
    free(s);

    /* lastTileSize 0: the last tile is a full 64 KiB */
    s = header(2, 1u, 256, &size);
    put32(s + 8, 128);
    put32(s + 12, 128);
    assert_int_equal(dsvk_gdeflate_parse(s, size, &info), DSVK_OK);
    assert_int_equal(info.last_tile_size, 65536);
    assert_int_equal(info.uncompressed_size, 131072);
    free(s);

    /* the reference example: 04 fb 01 00 29 00 00 00 | ac 00 00 00 | 172 bytes */
    s = header(1, 0x29, 172, &size);
    put32(s + 8, 172);
    assert_int_equal(dsvk_gdeflate_parse(s, size, &info), DSVK_OK);
    assert_int_equal(info.uncompressed_size, 10);
    assert_int_equal(info.last_tile_size, 10);
    free(s);

    /* the largest stream shape: 65535 tiles */
    s = header(65535, 1u | 5u << 2, 0, &size);
    assert_int_equal(dsvk_gdeflate_parse(s, size, &info), DSVK_OK); /* all tiles empty */
    assert_int_equal(info.uncompressed_size, 65534ull * 65536 + 5);
    free(s);
}

static void test_rejected_headers(void **state)
{
    (void)state;
    size_t size;
    uint8_t *s = header(1, 1u | 10u << 2, 200, &size);
    put32(s + 8, 200);
    assert_int_equal(parse(s, size, NULL), DSVK_OK);

    for (size_t cut = 0; cut < 8; cut++)
        expect_reject(s, cut, "shorter than the 8-byte header");
    expect_reject(s, 11, "tile table");

    s[0] = 5;
    expect_reject(s, size, "id/magic");
    s[0] = 4;
    s[1] = 0xFA;
    expect_reject(s, size, "id/magic");
    s[1] = 0xFB;

    s[2] = s[3] = 0;
    expect_reject(s, size, "zero tiles");
    s[2] = 1;

    static const uint32_t idx[] = {0, 2, 3};
    for (unsigned i = 0; i < 3; i++) {
        put32(s + 4, idx[i] | 10u << 2);
        expect_reject(s, size, "tile size index");
    }
    for (unsigned bit = 20; bit < 32; bit++) {
        put32(s + 4, 1u | 10u << 2 | 1u << bit);
        expect_reject(s, size, "reserved");
    }
    /* lastTileSize is 18 bits wide, but below 65536 */
    put32(s + 4, 1u | 65536u << 2);
    expect_reject(s, size, "last tile size");
    put32(s + 4, 1u | 0x3FFFFu << 2);
    expect_reject(s, size, "last tile size");
    put32(s + 4, 1u | 65535u << 2);
    assert_int_equal(parse(s, size, NULL), DSVK_OK);

    /* the last tile's size reaches past the input, also with values near 2^32 */
    put32(s + 8, 201);
    expect_reject(s, size, "past the end");
    put32(s + 8, 0xFFFFFFFFu);
    expect_reject(s, size, "past the end");
    free(s);

    /* table entries: non-decreasing, in bounds; offset + last size must not wrap */
    s = header(3, 1u, 600, &size);
    put32(s + 8, 100);
    put32(s + 12, 300);
    put32(s + 16, 200);
    expect_reject(s, size, "decrease");
    put32(s + 16, 500);
    assert_int_equal(parse(s, size, NULL), DSVK_OK);
    put32(s + 16, 0xFFFFFFF0u);
    expect_reject(s, size, "past the end");
    put32(s + 12, 0xFFFFFFFFu);
    put32(s + 16, 0xFFFFFFFFu);
    put32(s + 8, 0xFFFFFFFFu);
    expect_reject(s, size, "past the end");
    free(s);

    /* a table longer than the input */
    s = header(65535, 1u, 0, &size);
    expect_reject(s, 8 + 4 * 1000, "tile table");
    free(s);
}

static void test_argument_checks(void **state)
{
    (void)state;
    /* a valid one-tile stream: a stored block of 10 bytes */
    static const uint8_t data[10] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    gdw w;
    gdw_init(&w);
    gdw_stored_block(&w, true, data, sizeof(data));
    size_t tile_size, size;
    uint8_t *tile = gdw_tile(&w, &tile_size);
    gdw_free(&w);
    uint8_t *s = gdw_stream(&tile, &tile_size, 1, sizeof(data), &size);

    uint8_t out[11];
    uint32_t failed = 0;
    assert_int_equal(dsvk_gdeflate_decompress(s, size, out, 10, 1, &failed), DSVK_OK);
    assert_memory_equal(out, data, 10);
    assert_int_equal(dsvk_gdeflate_decompress(s, size, out, 11, 1, &failed),
                     DSVK_E_INVALID_DESTINATION_SIZE);
    assert_int_equal(failed, UINT32_MAX);
    assert_int_equal(dsvk_gdeflate_decompress(s, size, out, 9, 1, &failed),
                     DSVK_E_INVALID_DESTINATION_SIZE);
    assert_int_equal(dsvk_gdeflate_decompress(NULL, size, out, 10, 1, &failed),
                     DSVK_E_INVALID_ARGUMENT);
    assert_int_equal(dsvk_gdeflate_decompress(s, size, NULL, 10, 1, &failed),
                     DSVK_E_INVALID_ARGUMENT);
    assert_int_equal(dsvk_gdeflate_decompress(s, size, out, 10, 1, NULL), DSVK_OK);
    /* any thread count, even absurd ones */
    assert_int_equal(dsvk_gdeflate_decompress(s, size, out, 10, 1000000, NULL), DSVK_OK);
    assert_int_equal(dsvk_gdeflate_parse(NULL, size, NULL), DSVK_E_INVALID_ARGUMENT);

    /* one tile: the output size is the caller's (1..65536) */
    assert_int_equal(dsvk_gdeflate_decompress_tile(tile, tile_size, out, 10), DSVK_OK);
    assert_int_equal(dsvk_gdeflate_decompress_tile(tile, tile_size, out, 0),
                     DSVK_E_INVALID_ARGUMENT);
    assert_int_equal(dsvk_gdeflate_decompress_tile(tile, tile_size, out, 65537),
                     DSVK_E_INVALID_ARGUMENT);
    assert_int_equal(dsvk_gdeflate_decompress_tile(NULL, tile_size, out, 10),
                     DSVK_E_INVALID_ARGUMENT);
    assert_int_equal(dsvk_gdeflate_decompress_tile(tile, tile_size, NULL, 10),
                     DSVK_E_INVALID_ARGUMENT);
    assert_int_equal(dsvk_gdeflate_decompress_tile(tile, 0, out, 10), DSVK_E_DECOMPRESSION);
    dsvk_gdeflate_tile_report rep;
    assert_int_equal(dsvk_gdeflate_inspect_tile(tile, tile_size, out, 10, NULL),
                     DSVK_E_INVALID_ARGUMENT);
    assert_int_equal(dsvk_gdeflate_inspect_tile(tile, tile_size, out, 10, &rep), DSVK_OK);
    assert_int_equal(rep.stored_blocks, 1);
    assert_int_equal(rep.bytes_read, tile_size);
    free(tile);
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_header_fields),
        cmocka_unit_test(test_rejected_headers),
        cmocka_unit_test(test_argument_checks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
