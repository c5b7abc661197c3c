/* Finding and binding the core at run time; the order and the reasons are in core_link.h. */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core_link.h"
#include "layer_log.h"

static pthread_once_t core_once = PTHREAD_ONCE_INIT;
static dsvk_layer_core core;
static const dsvk_layer_core *core_ready;

/* Binds the entry points from `handle` (RTLD_DEFAULT for the global scope). */
static bool bind(void *handle)
{
    core.runtime_get_default =
        (dsvk_result(*)(dsvk_runtime **))dlsym(handle, "dsvk_runtime_get_default");
    core.device_register = (dsvk_result(*)(dsvk_runtime *, const dsvk_vk_device_desc *,
                                           dsvk_device **))dlsym(handle, "dsvk_device_register");
    core.device_unregister = (void (*)(dsvk_device *))dlsym(handle, "dsvk_device_unregister");
    core.result_string = (const char *(*)(dsvk_result))dlsym(handle, "dsvk_result_string");
    return core.runtime_get_default && core.device_register && core.device_unregister;
}

static bool open_and_bind(const char *path, char *why, size_t why_size)
{
    void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        const char *err = dlerror();
        snprintf(why, why_size, "%s", err ? err : path);
        return false;
    }
    if (!bind(handle)) {
        snprintf(why, why_size, "%s: not a dsvk core (entry points missing)", path);
        dlclose(handle);
        return false;
    }
    /* Never closed: the runtime's threads live on in the process. */
    snprintf(core.where, sizeof(core.where), "%s", path);
    return true;
}

/* The directory of this layer's file, with a trailing slash; "" when unknown. */
static void layer_directory(char *out, size_t size)
{
    Dl_info info;
    out[0] = '\0';
    if (!dladdr((void *)layer_directory, &info) || !info.dli_fname)
        return;
    const char *slash = strrchr(info.dli_fname, '/');
    if (!slash)
        return;
    snprintf(out, size, "%.*s/", (int)(slash - info.dli_fname), info.dli_fname);
}

static void load(void)
{
    char why[512] = "", tried[1024] = "";
    const char *override = getenv("DSVK_CORE_LIBRARY");
    if (override && *override) {
        if (open_and_bind(override, why, sizeof(why)))
            goto found;
        LAYER_ERR("cannot load the dsvk core from DSVK_CORE_LIBRARY: %s; devices pass "
                  "through untouched",
                  why);
        return;
    }
    if (bind(RTLD_DEFAULT)) {
        snprintf(core.where, sizeof(core.where), "the process (already loaded)");
        goto found;
    }
    char dir[512];
    layer_directory(dir, sizeof(dir));
    if (dir[0]) {
        char path[1024];
        snprintf(path, sizeof(path), "%s%s", dir, DSVK_CORE_SONAME);
        if (open_and_bind(path, why, sizeof(why)))
            goto found;
        snprintf(tried, sizeof(tried), "%s; ", why);
    }
    if (open_and_bind(DSVK_CORE_SONAME, why, sizeof(why)))
        goto found;
    LAYER_ERR("cannot load the dsvk core (%s%s); devices pass through untouched", tried, why);
    return;
found:
    LAYER_INFO("dsvk core from %s", core.where);
    core_ready = &core;
}

const dsvk_layer_core *dsvk_layer_core_get(void)
{
    pthread_once(&core_once, load);
    return core_ready;
}

const char *dsvk_layer_result_name(const dsvk_layer_core *c, dsvk_result r)
{
    if (c && c->result_string)
        return c->result_string(r);
    static _Thread_local char buf[32];
    snprintf(buf, sizeof(buf), "dsvk result %d", (int)r);
    return buf;
}
