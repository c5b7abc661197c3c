/* Encoder test checks (see enc_check.h). */
#include "enc_check.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <dsvk/gdeflate.h>

#define GUARD 64
#define GUARD_BYTE 0xA5

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

void enc_check_stream(const uint8_t *stream, size_t size, const uint8_t *in, size_t n)
{
    const uint32_t tile = DSVK_GDEFLATE_TILE_SIZE;
    uint32_t num_tiles = (uint32_t)((n + tile - 1) / tile);
    assert_true(size >= 8 + 4 * (size_t)num_tiles);
    assert_int_equal(stream[0], 4);
    assert_int_equal(stream[1], 0xFB);
    assert_int_equal(stream[2] | (stream[3] << 8), num_tiles);
    uint32_t bits = le32(stream + 4);
    assert_int_equal(bits & 3, 1);                     /* tileSizeIdx: 64 KiB */
    assert_int_equal((bits >> 2) & 0x3FFFF, n % tile); /* lastTileSize, 0 for a full tile */
    assert_int_equal(bits >> 20, 0);

    dsvk_gdeflate_info info;
    assert_int_equal(dsvk_gdeflate_parse(stream, size, &info), DSVK_OK);
    assert_int_equal(info.num_tiles, num_tiles);
    assert_int_equal(info.uncompressed_size, n);
    assert_int_equal(info.header_size, 8 + 4 * (uint64_t)num_tiles);
    assert_int_equal(info.stream_size, size);

    uint8_t *out = malloc(tile);
    assert_non_null(out);
    uint64_t expect_offset = info.header_size;
    for (uint32_t t = 0; t < num_tiles; t++) {
        uint64_t offset;
        uint32_t tsize;
        dsvk_gdeflate_tile_range(stream, &info, t, &offset, &tsize);
        /* Tiles are packed back to back; table[0] holds the last tile's size. */
        assert_int_equal(offset, expect_offset);
        expect_offset += tsize;
        if (t == num_tiles - 1)
            assert_int_equal(le32(stream + 8), tsize);
        assert_int_equal(tsize % 4, 0);
        assert_true(tsize >= 128); /* at least the 32 initial lane words */

        size_t want = t + 1 < num_tiles ? tile : n - (size_t)t * tile;
        dsvk_gdeflate_tile_report rep;
        dsvk_result r = dsvk_gdeflate_inspect_tile(stream + offset, tsize, out, want, &rep);
        if (r != DSVK_OK)
            fail_msg("tile %u of %zu bytes: %s (input offset %u, output offset %u)", t, n,
                     rep.error ? rep.error : "?", rep.error_input_offset, rep.error_output_offset);
        assert_int_equal(rep.bytes_read, tsize); /* consumed exactly, nothing more */
        assert_memory_equal(out, in + (size_t)t * tile, want);
    }
    assert_int_equal(expect_offset, size);
    free(out);

    uint8_t *dec = malloc(n);
    assert_non_null(dec);
    uint32_t failed = 0;
    assert_int_equal(dsvk_gdeflate_decompress(stream, size, dec, n, 1, &failed), DSVK_OK);
    assert_memory_equal(dec, in, n);
    free(dec);
}

uint8_t *enc_check_roundtrip(const uint8_t *in, size_t n, int level, uint32_t threads, size_t *size)
{
    size_t cap = dsvk_gdeflate_compress_bound(n);
    uint8_t *out = malloc(cap + GUARD);
    assert_non_null(out);
    memset(out + cap, GUARD_BYTE, GUARD);
    *size = 0;
    dsvk_result r = dsvk_gdeflate_compress(in, n, out, cap, size, level, threads);
    if (r != DSVK_OK)
        fail_msg("compress %zu bytes at level %d: %s", n, level, dsvk_result_string(r));
    assert_true(*size > 0 && *size <= cap);
    for (size_t i = 0; i < GUARD; i++)
        assert_int_equal(out[cap + i], GUARD_BYTE);
    enc_check_stream(out, *size, in, n);
    return out;
}

uint8_t *enc_read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    uint8_t *buf = NULL;
    if (fseek(f, 0, SEEK_END) == 0) {
        long len = ftell(f);
        if (len >= 0 && fseek(f, 0, SEEK_SET) == 0) {
            buf = malloc(len ? (size_t)len : 1);
            if (buf && fread(buf, 1, (size_t)len, f) != (size_t)len) {
                free(buf);
                buf = NULL;
            }
            *size = (size_t)len;
        }
    }
    fclose(f);
    return buf;
}
