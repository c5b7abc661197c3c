/*
 * The tile decoder compiled with -mbmi -mbmi2 (CMakeLists.txt): shifts by a register (SHRX) and
 * masks of a variable width (BZHI) in one instruction each, which the bit-buffer arithmetic
 * is full of. Used only when the CPU has BMI2 (decode_tile.c checks).
 */
#include "decode_body.h"

#if defined(__x86_64__)
dsvk_result gd_decode_tile_bmi2(const uint8_t *tile, size_t tile_size, uint8_t *out,
                                size_t out_size, size_t *consumed, gd_error *err, gd_counts *counts)
{
    (void)counts;
    return gd_decode_tile_body(tile, tile_size, out, out_size, consumed, err, NULL, false, false);
}
#endif
