/*
 * The tile decoder compiled for AVX-512 (F, VL, CD, BW, DQ) with BMI1/2 (CMakeLists.txt): the
 * data phase runs rounds of all 32 lanes in vector registers, refills included
 * (decode_avx512.h). Used only when the CPU has all of those (gd_cpu_has_avx512).
 */
#include "decode_body.h"

#if defined(__x86_64__)
dsvk_result gd_decode_tile_avx512(const uint8_t *tile, size_t tile_size, uint8_t *out,
                                  size_t out_size, size_t *consumed, gd_error *err,
                                  gd_counts *counts)
{
    (void)counts;
    return gd_decode_tile_body(tile, tile_size, out, out_size, consumed, err, NULL, false, true);
}
#endif
