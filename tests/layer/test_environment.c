/*
 * What the Vulkan tests stand on, checked first and reported plainly: lavapipe's ICD, the
 * Khronos validation layer, and the build tree's manifest of VK_LAYER_DSVK_capture. A missing
 * piece is a failure, not a skip: without it the layer is untested.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <vulkan/vulkan.h>

static bool instance_layer_present(const char *name)
{
    VkLayerProperties layers[64];
    uint32_t n = 64;
    VkResult r = vkEnumerateInstanceLayerProperties(&n, layers);
    assert_true(r == VK_SUCCESS || r == VK_INCOMPLETE);
    for (uint32_t i = 0; i < n; i++)
        if (!strcmp(layers[i].layerName, name))
            return true;
    return false;
}

static void lavapipe_icd_is_installed(void **state)
{
    (void)state;
    const char *icd = getenv("VK_ICD_FILENAMES");
    assert_non_null(icd);
    if (access(icd, R_OK))
        fail_msg("lavapipe's ICD manifest %s is missing (Debian: mesa-vulkan-drivers)", icd);
    VkApplicationInfo app = {.sType = VK_STRUCTURE_TYPE_APPLICATION_INFO,
                             .apiVersion = VK_API_VERSION_1_3};
    VkInstanceCreateInfo info = {.sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO,
                                 .pApplicationInfo = &app};
    VkInstance instance;
    VkResult r = vkCreateInstance(&info, NULL, &instance);
    if (r != VK_SUCCESS)
        fail_msg("vkCreateInstance on lavapipe failed: %d", r);
    VkPhysicalDevice pd;
    uint32_t n = 1;
    r = vkEnumeratePhysicalDevices(instance, &n, &pd);
    if ((r != VK_SUCCESS && r != VK_INCOMPLETE) || !n)
        fail_msg("lavapipe offers no device");
    VkPhysicalDeviceDriverProperties driver = {
        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DRIVER_PROPERTIES};
    VkPhysicalDeviceProperties2 props = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2,
                                         .pNext = &driver};
    vkGetPhysicalDeviceProperties2(pd, &props);
    if (driver.driverID != VK_DRIVER_ID_MESA_LLVMPIPE)
        fail_msg("the device is '%s', not lavapipe", props.properties.deviceName);
    if (VK_API_VERSION_MINOR(props.properties.apiVersion) < 3)
        fail_msg("lavapipe offers Vulkan 1.%u; the tests need 1.3",
                 VK_API_VERSION_MINOR(props.properties.apiVersion));
    vkDestroyInstance(instance, NULL);
}

static void validation_layer_is_installed(void **state)
{
    (void)state;
    if (!instance_layer_present("VK_LAYER_KHRONOS_validation"))
        fail_msg("VK_LAYER_KHRONOS_validation is missing (Debian: vulkan-validationlayers)");
}

static void layer_manifest_is_found(void **state)
{
    (void)state;
    if (!instance_layer_present("VK_LAYER_DSVK_capture"))
        fail_msg("the loader does not find VK_LAYER_DSVK_capture's manifest under "
                 "XDG_DATA_HOME=%s (is the build tree's manifest generated?)",
                 getenv("XDG_DATA_HOME") ? getenv("XDG_DATA_HOME") : "(unset)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lavapipe_icd_is_installed),
        cmocka_unit_test(validation_layer_is_installed),
        cmocka_unit_test(layer_manifest_is_found),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
