/*
 * The layer without a core: DSVK_CORE_LIBRARY points at a file that does not exist and this
 * program has no core of its own. The layer must log, leave the vkd3d-style device untouched
 * and let the application work, with zero validation messages.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include <cmocka.h>

#include "vk_harness.h"

static void device_passes_through_without_core(void **state)
{
    (void)state;
    vkh *h = calloc(1, sizeof(*h));
    assert_non_null(h);
    vkh_create_instance(h, "vkd3d", VK_API_VERSION_1_3);
    if (!vkh_layer_active(h))
        fail_msg("VK_LAYER_DSVK_capture is not active: the test would prove nothing");
    vkh_create_device(h, true);
    for (uint32_t i = 1; i <= 10; i++)
        vkh_app_fill(h, 0xC0000000u + i);
    assert_int_equal(vkDeviceWaitIdle(h->device), VK_SUCCESS);
    vkh_destroy_device(h);
    vkh_destroy_instance(h);
    if (atomic_load(&vkh_messages))
        fail_msg("%d validation messages (see above)", atomic_load(&vkh_messages));
    free(h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(device_passes_through_without_core)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
