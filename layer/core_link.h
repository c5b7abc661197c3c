/*
 * How the layer reaches the core (libdsvk.so): at run time, on the first device it captures.
 *
 * Not a DT_NEEDED link, for three reasons: the layer must keep the application working when
 * the core is missing or broken (a failed DT_NEEDED makes the loader drop the whole layer,
 * which is fine, but a core that fails later could not be survived); processes that never
 * create a vkd3d device (Steam, launchers, shader compilers; DSVK=1 is set for the whole
 * launch) should not map the core and its I/O threads at all; and the process must end up
 * with ONE core however it was reached, whether the Wine bridge's shim dlopened it first, a
 * native program linked it, or the layer comes first.
 *
 * Search order (the first that provides every entry point wins):
 *  1. DSVK_CORE_LIBRARY, when set: that file only (debugging, tests);
 *  2. a core already in the process's global scope (a program linked with libdsvk, or with
 *     the static core and exported symbols, like the tests);
 *  3. libdsvk.so.<major> next to the layer's own file (the install layout: both in libdir;
 *     the preload shim loads the same file, and the dynamic linker maps a file once);
 *  4. libdsvk.so.<major> through the ordinary library search path.
 */
#ifndef DSVK_LAYER_CORE_LINK_H
#define DSVK_LAYER_CORE_LINK_H

#include <dsvk/process.h>
#include <dsvk/vulkan.h>

typedef struct dsvk_layer_core {
    dsvk_result (*runtime_get_default)(dsvk_runtime **out);
    dsvk_result (*device_register)(dsvk_runtime *rt, const dsvk_vk_device_desc *desc,
                                   dsvk_device **out);
    void (*device_unregister)(dsvk_device *dev);
    const char *(*result_string)(dsvk_result r); /* optional */
    char where[512];                             /* where it was found, for the log */
} dsvk_layer_core;

/* The core, loaded on the first call; NULL when it cannot be (logged once). Thread-safe. */
const dsvk_layer_core *dsvk_layer_core_get(void);

/* A printable name for a core result, also without the core's string table. */
const char *dsvk_layer_result_name(const dsvk_layer_core *core, dsvk_result r);

#endif
