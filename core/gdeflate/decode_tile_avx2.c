/*
 * The tile decoder compiled with -mavx2 -mbmi -mbmi2 (CMakeLists.txt): the data phase runs
 * rounds of all 32 lanes in vector registers (decode_avx2.h). Used only when the CPU has
 * AVX2, BMI1 and BMI2 (decode_tile.c checks).
 */
#include "decode_body.h"

#if defined(__x86_64__)
dsvk_result gd_decode_tile_avx2(const uint8_t *tile, size_t tile_size, uint8_t *out,
                                size_t out_size, size_t *consumed, gd_error *err, gd_counts *counts)
{
    (void)counts;
    return gd_decode_tile_body(tile, tile_size, out, out_size, consumed, err, NULL, false, true);
}
#endif
