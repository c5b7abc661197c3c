/*
 * dsvk's queue choice over synthetic queue families: the machines that run the tests have
 * one family with one queue, real GPUs have up to five families with up to 16 queues.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "queue_plan.h"

#define GCT (VK_QUEUE_GRAPHICS_BIT | VK_QUEUE_COMPUTE_BIT | VK_QUEUE_TRANSFER_BIT)
#define CT (VK_QUEUE_COMPUTE_BIT | VK_QUEUE_TRANSFER_BIT)
#define T (VK_QUEUE_TRANSFER_BIT)
#define SPARSE VK_QUEUE_SPARSE_BINDING_BIT
#define VIDEO 0x20u /* VK_QUEUE_VIDEO_DECODE_BIT_KHR */

static const float ones[16] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};

static VkQueueFamilyProperties fam(VkQueueFlags flags, uint32_t count)
{
    return (VkQueueFamilyProperties){.queueFlags = flags, .queueCount = count};
}

static VkDeviceQueueCreateInfo req(uint32_t family, uint32_t count)
{
    return (VkDeviceQueueCreateInfo){.sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO,
                                     .queueFamilyIndex = family,
                                     .queueCount = count,
                                     .pQueuePriorities = ones};
}

#define N(a) (uint32_t)(sizeof(a) / sizeof((a)[0]))

static void lavapipe_shares_its_only_queue(void **state)
{
    (void)state;
    VkQueueFamilyProperties f[] = {fam(GCT, 1)};
    VkDeviceQueueCreateInfo q[] = {req(0, 1)};
    dsvk_queue_plan p = dsvk_plan_queue(f, N(f), q, N(q));
    assert_int_equal(p.kind, DSVK_QUEUE_SHARED);
    assert_int_equal(p.family, 0);
    assert_int_equal(p.index, 0);
    assert_int_equal(p.create_info, 0);
}

/* Five families like NVIDIA's (16 + 2 + 8 + video + optical flow); vkd3d-proton asks for up
 * to four queues per family it uses. */
static void nvidia_like_gets_an_extra_compute_only_queue(void **state)
{
    (void)state;
    VkQueueFamilyProperties f[] = {fam(GCT | SPARSE, 16), fam(T | SPARSE, 2), fam(CT | SPARSE, 8),
                                   fam(VIDEO | T, 7), fam(0x100, 1)};
    VkDeviceQueueCreateInfo q[] = {req(0, 4), req(1, 2), req(2, 4)};
    dsvk_queue_plan p = dsvk_plan_queue(f, N(f), q, N(q));
    assert_int_equal(p.kind, DSVK_QUEUE_EXTRA);
    assert_int_equal(p.family, 2);
    assert_int_equal(p.index, 4); /* after the application's four */
    assert_int_equal(p.create_info, 2);
    assert_true(p.flags & VK_QUEUE_COMPUTE_BIT);
}

static void full_compute_family_falls_back_to_graphics_spare(void **state)
{
    (void)state;
    VkQueueFamilyProperties f[] = {fam(GCT, 16), fam(T, 2), fam(CT, 8)};
    VkDeviceQueueCreateInfo q[] = {req(2, 8), req(0, 4)};
    dsvk_queue_plan p = dsvk_plan_queue(f, N(f), q, N(q));
    assert_int_equal(p.kind, DSVK_QUEUE_EXTRA);
    assert_int_equal(p.family, 0);
    assert_int_equal(p.index, 4);
    assert_int_equal(p.create_info, 1);
}

/* A spare transfer queue is not taken while a compute queue can be shared: dsvk decodes
 * with compute shaders. */
static void transfer_spare_loses_to_sharing_compute(void **state)
{
    (void)state;
    VkQueueFamilyProperties f[] = {fam(GCT, 1), fam(T, 2)};
    VkDeviceQueueCreateInfo q[] = {req(0, 1), req(1, 1)};
    dsvk_queue_plan p = dsvk_plan_queue(f, N(f), q, N(q));
    assert_int_equal(p.kind, DSVK_QUEUE_SHARED);
    assert_int_equal(p.family, 0);
    assert_int_equal(p.index, 0);
}

/* AMD-like: every compute queue taken; share the compute-only family's last queue, not the
 * graphics queue. */
static void amd_like_shares_last_compute_only_queue(void **state)
{
    (void)state;
    VkQueueFamilyProperties f[] = {fam(GCT, 1), fam(CT, 4), fam(T | SPARSE, 1)};
    VkDeviceQueueCreateInfo q[] = {req(0, 1), req(1, 4), req(2, 1)};
    dsvk_queue_plan p = dsvk_plan_queue(f, N(f), q, N(q));
    assert_int_equal(p.kind, DSVK_QUEUE_SHARED);
    assert_int_equal(p.family, 1);
    assert_int_equal(p.index, 3);
    assert_int_equal(p.create_info, 1);
}

static void families_the_app_does_not_use_are_not_taken(void **state)
{
    (void)state;
    /* Family 1 has 8 free compute queues, but the application's resources are not shared
     * with it. */
    VkQueueFamilyProperties f[] = {fam(GCT, 1), fam(CT, 8)};
    VkDeviceQueueCreateInfo q[] = {req(0, 1)};
    dsvk_queue_plan p = dsvk_plan_queue(f, N(f), q, N(q));
    assert_int_equal(p.kind, DSVK_QUEUE_SHARED);
    assert_int_equal(p.family, 0);
}

static void transfer_only_application(void **state)
{
    (void)state;
    VkQueueFamilyProperties f[] = {fam(GCT, 1), fam(T, 2)};
    VkDeviceQueueCreateInfo spare[] = {req(1, 1)};
    dsvk_queue_plan p = dsvk_plan_queue(f, N(f), spare, N(spare));
    assert_int_equal(p.kind, DSVK_QUEUE_EXTRA);
    assert_int_equal(p.family, 1);
    assert_int_equal(p.index, 1);

    VkDeviceQueueCreateInfo full[] = {req(1, 2)};
    p = dsvk_plan_queue(f, N(f), full, N(full));
    assert_int_equal(p.kind, DSVK_QUEUE_SHARED);
    assert_int_equal(p.family, 1);
    assert_int_equal(p.index, 1);
}

static void video_only_application_is_not_captured(void **state)
{
    (void)state;
    VkQueueFamilyProperties f[] = {fam(GCT, 1), fam(VIDEO, 2)};
    VkDeviceQueueCreateInfo q[] = {req(1, 1)};
    assert_int_equal(dsvk_plan_queue(f, N(f), q, N(q)).kind, DSVK_QUEUE_NONE);
}

static void protected_queues_are_not_used(void **state)
{
    (void)state;
    VkQueueFamilyProperties f[] = {fam(GCT | VK_QUEUE_PROTECTED_BIT, 4),
                                   fam(CT | VK_QUEUE_PROTECTED_BIT, 4)};
    /* Family 1: only protected queues requested; family 0: an ordinary one. */
    VkDeviceQueueCreateInfo q[] = {req(1, 1), req(0, 1)};
    q[0].flags = VK_DEVICE_QUEUE_CREATE_PROTECTED_BIT;
    dsvk_queue_plan p = dsvk_plan_queue(f, N(f), q, N(q));
    assert_int_equal(p.kind, DSVK_QUEUE_EXTRA);
    assert_int_equal(p.family, 0);
    assert_int_equal(p.index, 1);
    assert_int_equal(p.create_info, 1);
}

/* Protected and ordinary queues of one family together use up its queues. */
static void protected_queues_count_against_spares(void **state)
{
    (void)state;
    VkQueueFamilyProperties f[] = {fam(CT | VK_QUEUE_PROTECTED_BIT, 4)};
    VkDeviceQueueCreateInfo q[] = {req(0, 2), req(0, 2)};
    q[1].flags = VK_DEVICE_QUEUE_CREATE_PROTECTED_BIT;
    dsvk_queue_plan p = dsvk_plan_queue(f, N(f), q, N(q));
    assert_int_equal(p.kind, DSVK_QUEUE_SHARED);
    assert_int_equal(p.index, 1);
    assert_int_equal(p.create_info, 0);
}

static void extra_queue_takes_the_lowest_priority(void **state)
{
    (void)state;
    static const float prio[] = {1.0f, 0.25f, 0.75f};
    VkQueueFamilyProperties f[] = {fam(CT, 8)};
    VkDeviceQueueCreateInfo q[] = {req(0, 3)};
    q[0].pQueuePriorities = prio;
    dsvk_queue_plan p = dsvk_plan_queue(f, N(f), q, N(q));
    assert_int_equal(p.kind, DSVK_QUEUE_EXTRA);
    assert_true(p.priority == 0.25f);
}

static void bad_family_index_is_not_captured(void **state)
{
    (void)state;
    VkQueueFamilyProperties f[] = {fam(GCT, 4)};
    VkDeviceQueueCreateInfo q[] = {req(0, 1), req(3, 1)};
    assert_int_equal(dsvk_plan_queue(f, N(f), q, N(q)).kind, DSVK_QUEUE_NONE);
    assert_int_equal(dsvk_plan_queue(f, N(f), q, 0).kind, DSVK_QUEUE_NONE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lavapipe_shares_its_only_queue),
        cmocka_unit_test(nvidia_like_gets_an_extra_compute_only_queue),
        cmocka_unit_test(full_compute_family_falls_back_to_graphics_spare),
        cmocka_unit_test(transfer_spare_loses_to_sharing_compute),
        cmocka_unit_test(amd_like_shares_last_compute_only_queue),
        cmocka_unit_test(families_the_app_does_not_use_are_not_taken),
        cmocka_unit_test(transfer_only_application),
        cmocka_unit_test(video_only_application_is_not_captured),
        cmocka_unit_test(protected_queues_are_not_used),
        cmocka_unit_test(protected_queues_count_against_spares),
        cmocka_unit_test(extra_queue_takes_the_lowest_priority),
        cmocka_unit_test(bad_family_index_is_not_captured),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
