/*
 * Tiles per workgroup: the multi-tile builds take each 32-invocation subgroup as a tile, so
 * dsvk_gdgpu_pick_tpg allows them only where subgroups are fixed at 32 wide. No device needed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "gpu/gdeflate_gpu.h"

static dsvk_gdgpu_device_info device(uint32_t size, uint32_t min, uint32_t max)
{
    dsvk_gdgpu_device_info info = {
        .subgroup =
            {
                .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_PROPERTIES,
                .subgroupSize = size,
            },
        .min_subgroup_size = min,
        .max_subgroup_size = max,
    };
    info.limits.maxComputeSharedMemorySize = 48 * 1024;
    return info;
}

static void fixed_32_wide_takes_several(void **state)
{
    (void)state;
    dsvk_gdgpu_device_info nv = device(32, 32, 32);
    assert_int_equal(dsvk_gdgpu_pick_tpg(&nv, DSVK_GDGPU_VARIANT_SUBGROUP), 2);
    nv.tiles_per_group = 4;
    assert_int_equal(dsvk_gdgpu_pick_tpg(&nv, DSVK_GDGPU_VARIANT_SUBGROUP), 4);
    nv.tiles_per_group = 1;
    assert_int_equal(dsvk_gdgpu_pick_tpg(&nv, DSVK_GDGPU_VARIANT_SUBGROUP), 1);
    /* the shared-memory variant has no multi-tile build */
    nv.tiles_per_group = 0;
    assert_int_equal(dsvk_gdgpu_pick_tpg(&nv, DSVK_GDGPU_VARIANT_SHARED), 1);
}

/* Intel reports subgroupSize 32 but runs 8 or 16 wide in subgroups shown as 32 with inactive
 * invocations; AMD runs 32 or 64. */
static void varying_or_unknown_sizes_take_one(void **state)
{
    (void)state;
    dsvk_gdgpu_device_info intel = device(32, 8, 32);
    assert_int_equal(dsvk_gdgpu_pick_tpg(&intel, DSVK_GDGPU_VARIANT_SUBGROUP), 1);
    intel.tiles_per_group = 4; /* an explicit request does not override it */
    assert_int_equal(dsvk_gdgpu_pick_tpg(&intel, DSVK_GDGPU_VARIANT_SUBGROUP), 1);
    dsvk_gdgpu_device_info amd = device(32, 32, 64);
    assert_int_equal(dsvk_gdgpu_pick_tpg(&amd, DSVK_GDGPU_VARIANT_SUBGROUP), 1);
    dsvk_gdgpu_device_info unknown = device(32, 0, 0);
    assert_int_equal(dsvk_gdgpu_pick_tpg(&unknown, DSVK_GDGPU_VARIANT_SUBGROUP), 1);
    dsvk_gdgpu_device_info lavapipe = device(8, 8, 8);
    assert_int_equal(dsvk_gdgpu_pick_tpg(&lavapipe, DSVK_GDGPU_VARIANT_SUBGROUP), 1);
}

static void shared_memory_limits_the_count(void **state)
{
    (void)state;
    dsvk_gdgpu_device_info small = device(32, 32, 32);
    small.tiles_per_group = 4;
    small.limits.maxComputeSharedMemorySize = 16 * 1024; /* 4 tiles need ~23 KiB, 2 ~12 KiB */
    assert_int_equal(dsvk_gdgpu_pick_tpg(&small, DSVK_GDGPU_VARIANT_SUBGROUP), 2);
    small.limits.maxComputeSharedMemorySize = 8 * 1024;
    assert_int_equal(dsvk_gdgpu_pick_tpg(&small, DSVK_GDGPU_VARIANT_SUBGROUP), 1);
    small.tiles_per_group = 3; /* not built */
    small.limits.maxComputeSharedMemorySize = 48 * 1024;
    assert_int_equal(dsvk_gdgpu_pick_tpg(&small, DSVK_GDGPU_VARIANT_SUBGROUP), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fixed_32_wide_takes_several),
        cmocka_unit_test(varying_or_unknown_sizes_take_one),
        cmocka_unit_test(shared_memory_limits_the_count),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
