/*
 * libFuzzer round trip: the first byte picks the level (1..12) and thread count, the rest is
 * compressed with dsvk_gdeflate_compress into a buffer of exactly the compress bound,
 * decoded with dsvk_gdeflate_decompress, and compared. Every tile must also read exactly its
 * own bytes. Seeds: the reference vectors' raw inputs.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <dsvk/gdeflate.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const int level = 1 + data[0] % 12;
    const uint32_t threads = 1 + (data[0] / 12) % 3;
    const uint8_t *in = data + 1;
    const size_t n = size - 1;
    const size_t cap = dsvk_gdeflate_compress_bound(n);
    uint8_t *s = malloc(cap), *out = malloc(n ? n : 1);
    size_t s_size = 0;
    dsvk_result r = dsvk_gdeflate_compress(in, n, s, cap, &s_size, level, threads);
    if (n == 0) {
        FUZZ_CHECK(r == DSVK_E_INVALID_ARGUMENT, "empty input gives %d", r);
        goto done;
    }
    FUZZ_CHECK(r == DSVK_OK, "compress %zu bytes at level %d: %d", n, level, r);
    FUZZ_CHECK(s_size <= cap, "%zu bytes beyond the bound %zu", s_size, cap);
    uint32_t failed = 0;
    r = dsvk_gdeflate_decompress(s, s_size, out, n, threads, &failed);
    FUZZ_CHECK(r == DSVK_OK, "level %d, %zu bytes: decode fails at tile %u (%d)", level, n, failed,
               r);
    FUZZ_CHECK(!memcmp(out, in, n), "level %d, %zu bytes: output differs", level, n);
    dsvk_gdeflate_info info;
    FUZZ_CHECK(dsvk_gdeflate_parse(s, s_size, &info) == DSVK_OK, "stream header");
    for (uint32_t t = 0; t < info.num_tiles; t++) {
        uint64_t off;
        uint32_t tile_size;
        dsvk_gdeflate_tile_range(s, &info, t, &off, &tile_size);
        dsvk_gdeflate_tile_report rep;
        size_t out_size = t + 1 == info.num_tiles ? info.last_tile_size : DSVK_GDEFLATE_TILE_SIZE;
        FUZZ_CHECK(dsvk_gdeflate_inspect_tile(s + off, tile_size, out, out_size, &rep) == DSVK_OK,
                   "inspect tile %u", t);
        FUZZ_CHECK(rep.bytes_read == tile_size, "tile %u reads %u of %u bytes", t, rep.bytes_read,
                   tile_size);
    }
done:
    free(s);
    free(out);
    return 0;
}
