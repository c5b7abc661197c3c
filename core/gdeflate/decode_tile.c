/*
 * Tile decoding entry points: the decoder body (decode_body.h) compiled for any CPU, with
 * counters for inspection, and for x86 CPUs with BMI2 (decode_tile_bmi2.c), AVX2 + BMI2
 * (decode_tile_avx2.c) or AVX-512 (decode_tile_avx512.c), the best one picked at the first
 * call.
 */
#include <pthread.h>
#include <stdlib.h>

#include "decode_body.h"

dsvk_result gd_decode_tile_generic(const uint8_t *tile, size_t tile_size, uint8_t *out,
                                   size_t out_size, size_t *consumed, gd_error *err,
                                   gd_counts *counts)
{
    (void)counts;
    return gd_decode_tile_body(tile, tile_size, out, out_size, consumed, err, NULL, false, false);
}

dsvk_result gd_decode_tile_counting(const uint8_t *tile, size_t tile_size, uint8_t *out,
                                    size_t out_size, size_t *consumed, gd_error *err,
                                    gd_counts *counts)
{
    return gd_decode_tile_body(tile, tile_size, out, out_size, consumed, err, counts, true, false);
}

bool gd_cpu_has_avx512(void)
{
#if defined(__x86_64__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
           __builtin_cpu_supports("avx512cd") && __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx2") &&
           __builtin_cpu_supports("bmi") && __builtin_cpu_supports("bmi2");
#else
    return false;
#endif
}

static gd_tile_fn best_variant = gd_decode_tile_generic;
static pthread_once_t select_once = PTHREAD_ONCE_INIT;

static void select_variant(void)
{
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("bmi2"))
        best_variant = gd_decode_tile_bmi2;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi") &&
        __builtin_cpu_supports("bmi2"))
        best_variant = gd_decode_tile_avx2;
    if (gd_cpu_has_avx512())
        best_variant = gd_decode_tile_avx512;
#endif
}

dsvk_result gd_decode_tile(const uint8_t *tile, size_t tile_size, uint8_t *out, size_t out_size,
                           gd_error *err)
{
    pthread_once(&select_once, select_variant);
    return best_variant(tile, tile_size, out, out_size, NULL, err, NULL);
}

static bool tile_args_ok(const void *tile, size_t tile_size, const void *out, size_t out_size)
{
    return (tile || !tile_size) && out && out_size >= 1 && out_size <= DSVK_GDEFLATE_TILE_SIZE;
}

DSVK_API dsvk_result dsvk_gdeflate_decompress_tile(const void *tile, size_t tile_size, void *out,
                                                   size_t out_size)
{
    if (!tile_args_ok(tile, tile_size, out, out_size))
        return DSVK_E_INVALID_ARGUMENT;
    return gd_decode_tile(tile, tile_size, out, out_size, NULL);
}

DSVK_API dsvk_result dsvk_gdeflate_inspect_tile(const void *tile, size_t tile_size, void *out,
                                                size_t out_size, dsvk_gdeflate_tile_report *report)
{
    if (!tile_args_ok(tile, tile_size, out, out_size) || !report)
        return DSVK_E_INVALID_ARGUMENT;
    gd_counts counts = {{0}};
    gd_error err = {NULL, 0, 0};
    size_t consumed = 0;
    dsvk_result r =
        gd_decode_tile_counting(tile, tile_size, out, out_size, &consumed, &err, &counts);
    *report = (dsvk_gdeflate_tile_report){
        .stored_blocks = counts.blocks[0],
        .fixed_blocks = counts.blocks[1],
        .dynamic_blocks = counts.blocks[2],
        .literals = counts.literals,
        .matches = counts.matches,
        .bytes_read = (uint32_t)consumed,
        .error = r == DSVK_OK ? NULL : err.what,
        .error_input_offset = err.in_offset,
        .error_output_offset = err.out_offset,
    };
    return r;
}
