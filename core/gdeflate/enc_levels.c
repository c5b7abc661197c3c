/* The level table (see enc_levels.h). */
#include "enc_levels.h"

#include <stddef.h>

/* clang-format off */
static const struct enc_level levels[13] = {
    [1] = {ENC_GREEDY_FAST, 2, 8, 0, 8192},
    [2] = {ENC_GREEDY, 6, 10, 0, 8192},
    [3] = {ENC_GREEDY, 12, 14, 0, 8192},
    [4] = {ENC_GREEDY, 24, 24, 0, 4096},
    [5] = {ENC_LAZY, 20, 30, 0, 4096},
    [6] = {ENC_LAZY, 40, 65, 0, 4096},
    [7] = {ENC_LAZY, 100, 130, 0, 4096},
    [8] = {ENC_NEAR_OPTIMAL, 12, 20, 1, 2048},
    [9] = {ENC_NEAR_OPTIMAL, 16, 26, 2, 2048},
    [10] = {ENC_NEAR_OPTIMAL, 30, 50, 2, 2048},
    [11] = {ENC_NEAR_OPTIMAL, 60, 80, 3, 2048},
    [12] = {ENC_NEAR_OPTIMAL, 100, 133, 4, 2048},
};
/* clang-format on */

const struct enc_level *enc_level_params(int level)
{
    return level >= 1 && level <= 12 ? &levels[level] : NULL;
}
