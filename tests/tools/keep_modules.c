/*
 * Preloaded into the tools' tests under AddressSanitizer: dlclose() leaves every library
 * loaded. The Vulkan loader unloads the ICD at vkDestroyInstance; lavapipe keeps an allocation
 * in one of its globals, and once the library is gone LeakSanitizer no longer sees that root
 * and reports the block as a leak of an "<unknown module>". With libraries kept, such blocks
 * stay reachable, while memory that dsvk's own code loses is still reported.
 */
#include <stddef.h>

int dlclose(void *handle);

int dlclose(void *handle)
{
    (void)handle;
    return 0;
}
