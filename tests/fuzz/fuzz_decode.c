/*
 * libFuzzer target for the GDeflate decoder. An input that parses as a tile stream is
 * decoded whole (1 and 3 threads, which must agree) and tile by tile with every decoder
 * variant; any other input is one tile: two bytes of output size, then the tile. The
 * variants (generic, counting, BMI2, AVX2, AVX-512) must agree on the result and on every output
 * byte, and nothing may be read or written outside the buffers (ASan). Seeds: the reference
 * vectors.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <dsvk/gdeflate.h>

#include "fuzz_common.h"
#include "gdeflate/decode_internal.h"

#define MAX_OUTPUT (8u << 20)

/* generic and counting everywhere; bmi2, avx2 and avx512 where the CPU runs them */
static unsigned num_variants(void)
{
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("bmi2"))
        return 2;
    if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("bmi"))
        return 3;
    return gd_cpu_has_avx512() ? 5 : 4;
#else
    return 2;
#endif
}

/* Decodes one tile with every variant into exact-size buffers; all must agree. */
static void tile_all_variants(const uint8_t *tile, size_t tile_size, size_t out_size)
{
    static gd_tile_fn variants[] = {gd_decode_tile_generic, gd_decode_tile_counting,
                                    gd_decode_tile_bmi2, gd_decode_tile_avx2,
                                    gd_decode_tile_avx512};
    const unsigned num = num_variants();
    uint8_t *outs[5];
    dsvk_result results[5];
    size_t consumed[5];
    for (unsigned k = 0; k < num; k++) {
        outs[k] = malloc(out_size);
        memset(outs[k], 0, out_size);
        gd_counts counts = {{0}, 0, 0};
        gd_error err = {NULL, 0, 0};
        consumed[k] = 0;
        results[k] = variants[k](tile, tile_size, outs[k], out_size, &consumed[k], &err, &counts);
        FUZZ_CHECK(results[k] == DSVK_OK || results[k] == DSVK_E_DECOMPRESSION, "result %d",
                   results[k]);
        FUZZ_CHECK(results[k] == DSVK_OK || err.what, "a failure without a reason");
    }
    for (unsigned k = 1; k < num; k++) {
        FUZZ_CHECK(results[k] == results[0], "variant %u says %d, generic %d", k, results[k],
                   results[0]);
        if (results[0] == DSVK_OK) {
            FUZZ_CHECK(!memcmp(outs[k], outs[0], out_size), "variant %u output differs", k);
            FUZZ_CHECK(consumed[k] == consumed[0], "variant %u consumed %zu, generic %zu", k,
                       consumed[k], consumed[0]);
        }
    }
    for (unsigned k = 0; k < num; k++)
        free(outs[k]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    dsvk_gdeflate_info info;
    if (dsvk_gdeflate_parse(data, size, &info) == DSVK_OK) {
        if (info.uncompressed_size > MAX_OUTPUT)
            return 0;
        uint8_t *a = malloc(info.uncompressed_size), *b = malloc(info.uncompressed_size);
        uint32_t fa = 0, fb = 0;
        dsvk_result ra = dsvk_gdeflate_decompress(data, size, a, info.uncompressed_size, 1, &fa);
        dsvk_result rb = dsvk_gdeflate_decompress(data, size, b, info.uncompressed_size, 3, &fb);
        FUZZ_CHECK(ra == rb && fa == fb, "1 thread: %d tile %u, 3 threads: %d tile %u", ra, fa, rb,
                   fb);
        FUZZ_CHECK(ra == DSVK_OK || fa < info.num_tiles, "failure without a tile");
        if (ra == DSVK_OK)
            FUZZ_CHECK(!memcmp(a, b, info.uncompressed_size), "outputs differ by thread count");
        free(a);
        free(b);
        for (uint32_t t = 0; t < info.num_tiles && t < 8; t++) {
            uint64_t off;
            uint32_t tile_size;
            dsvk_gdeflate_tile_range(data, &info, t, &off, &tile_size);
            FUZZ_CHECK(off + tile_size <= size, "tile %u outside the input", t);
            tile_all_variants(data + off, tile_size,
                              t + 1 == info.num_tiles ? info.last_tile_size
                                                      : DSVK_GDEFLATE_TILE_SIZE);
        }
        return 0;
    }
    if (size < 2)
        return 0;
    const size_t out_size = 1 + ((size_t)data[0] | (size_t)data[1] << 8);
    tile_all_variants(data + 2, size - 2, out_size);
    return 0;
}
