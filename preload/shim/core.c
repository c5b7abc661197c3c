/*
 * Loading the core lazily and owning the process's runtime.
 *
 * Where libdsvk.so is: $DSVK_CORE_PATH if set, else next to this shim and then in the places
 * an install or a build tree puts it, relative to the shim's own directory (from dladdr):
 *   <dir>/libdsvk.so.0           (everything in one folder)
 *   <dir>/../libdsvk.so.0        (installed: <libdir>/dsvk/libdsvk_preload.so,
 * <libdir>/libdsvk.so.0) <dir>/../lib/libdsvk.so.0    (a prefix with the shim in a sibling folder)
 *   <dir>/../core/libdsvk.so.0   (the CMake build tree)
 * The unversioned libdsvk.so name is tried after each versioned one.
 *
 * Which runtime: the process-wide default one (dsvk/process.h), so that the devices the
 * Vulkan layer registers are the devices DirectStorage queues find. DirectStorage's
 * configuration is applied to it where an environment variable can say the same thing and
 * the user did not set it (DisableGpuDecompression -> DSVK_DECODER=cpu, ...), before it is
 * created. Only a configuration the environment cannot express
 * (NumBuiltInCpuDecompressionThreads, SetStagingBufferSize after the runtime exists) gets a
 * runtime of its own, and only while no default runtime exists yet: GPU destinations then
 * find no device (logged).
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "shim.h"

shim_core core;

static pthread_mutex_t core_lock = PTHREAD_MUTEX_INITIALIZER;
static bool core_loaded;
static char core_error[DSVK_WIRE_PATH_MAX + 128];
static dsvk_runtime *runtime;
static bool runtime_private;       /* ours, not the process-wide default */
static dsvk_config runtime_config; /* what the runtime was created with */

static char last_dlerror[256];

static void *try_open(const char *path)
{
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (h) {
        shim_info("loaded the core from %s", path);
    } else {
        const char *e = dlerror();
        snprintf(last_dlerror, sizeof(last_dlerror), "%s", e ? e : "unknown error");
        shim_debug("no core at %s: %s", path, last_dlerror);
    }
    return h;
}

static void *open_core(void)
{
    const char *env = getenv("DSVK_CORE_PATH");
    if (env && *env)
        return try_open(env);
    static const char *const rel[] = {"", "/..", "/../lib", "/../core"};
    static const char *const names[] = {"libdsvk.so.0", "libdsvk.so"};
    char path[DSVK_WIRE_PATH_MAX + 64];
    for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
        for (size_t j = 0; j < sizeof(names) / sizeof(names[0]); j++) {
            snprintf(path, sizeof(path), "%s%s/%s", shim_self_dir, rel[i], names[j]);
            void *h = try_open(path);
            if (h)
                return h;
        }
    }
    return NULL;
}

static bool load_locked(void)
{
    if (core_loaded)
        return true;
    if (core_error[0])
        return false; /* tried once; say the same thing every time */
    void *h = open_core();
    if (!h) {
        const char *env = getenv("DSVK_CORE_PATH");
        if (env && *env)
            snprintf(core_error, sizeof(core_error),
                     "libdsvk.so not loadable from DSVK_CORE_PATH: %s", last_dlerror);
        else
            snprintf(core_error, sizeof(core_error),
                     "libdsvk.so not found next to %s/libdsvk_preload.so (set DSVK_CORE_PATH)",
                     shim_self_dir);
        shim_err("%s", core_error);
        return false;
    }
    shim_core c;
#define SHIM_CORE_RESOLVE(name)                                                                    \
    *(void **)&c.name = dlsym(h, #name);                                                           \
    if (!c.name) {                                                                                 \
        snprintf(core_error, sizeof(core_error), "libdsvk.so lacks %s (a mismatched build?)",      \
                 #name);                                                                           \
        shim_err("%s", core_error);                                                                \
        dlclose(h);                                                                                \
        return false;                                                                              \
    }
    SHIM_CORE_FUNCTIONS(SHIM_CORE_RESOLVE)
#undef SHIM_CORE_RESOLVE
    core = c;
    core_loaded = true;
    shim_info("core %s", core.dsvk_version());
    return true;
}

bool shim_core_load(char *msg, size_t msg_size)
{
    pthread_mutex_lock(&core_lock);
    bool ok = load_locked();
    if (!ok && msg)
        snprintf(msg, msg_size, "%s", core_error);
    pthread_mutex_unlock(&core_lock);
    return ok;
}

dsvk_runtime *shim_runtime(void)
{
    pthread_mutex_lock(&core_lock);
    dsvk_runtime *rt = runtime;
    pthread_mutex_unlock(&core_lock);
    return rt;
}

/* DirectStorage's configuration first, then DSVK_* (what the user set explicitly wins). */
static void make_config(const dsvk_wire_config *w, dsvk_config *c)
{
    core.dsvk_config_init(c);
    if (w && w->present) {
        if (w->num_submit_threads)
            c->io_threads = w->num_submit_threads;
        c->cpu_decompression_threads =
            w->cpu_decompression_threads < -1 ? 0 : w->cpu_decompression_threads;
        if (w->flags & DSVK_WIRE_CFG_DISABLE_GPU_DECOMPRESSION)
            c->decoder = DSVK_DECODER_CPU;
        else if (w->flags & DSVK_WIRE_CFG_DISABLE_GPU_METACOMMAND)
            c->decoder = DSVK_DECODER_GPU; /* dsvk's shader, not the driver's decoder */
        if (w->flags & DSVK_WIRE_CFG_FORCE_FILE_BUFFERING)
            c->direct_io = false;
    }
    if (w && w->staging_size)
        c->staging_size = w->staging_size;
    core.dsvk_config_load_env(c); /* unknown values are logged by the core */
}

/* The parts of DirectStorage's configuration that DSVK_* variables express, set unless the
 * user set them, so that the default runtime is created with them. */
static void export_config(const dsvk_wire_config *w)
{
    char v[32];
    if (!w || !w->present)
        return;
    if (w->num_submit_threads) {
        snprintf(v, sizeof(v), "%u", w->num_submit_threads);
        setenv("DSVK_IO_THREADS", v, 0);
    }
    if (w->flags & DSVK_WIRE_CFG_DISABLE_GPU_DECOMPRESSION)
        setenv("DSVK_DECODER", "cpu", 0);
    else if (w->flags & DSVK_WIRE_CFG_DISABLE_GPU_METACOMMAND)
        setenv("DSVK_DECODER", "gpu", 0);
    if (w->flags & DSVK_WIRE_CFG_FORCE_FILE_BUFFERING)
        setenv("DSVK_DIRECT_IO", "0", 0);
}

static bool needs_private_runtime(const dsvk_wire_config *w)
{
    return w && ((w->present && w->cpu_decompression_threads != 0) || w->staging_size);
}

static void watch(void)
{
    shim_completion_watch_custom(core.dsvk_custom_event_fd(runtime));
}

static int32_t create_locked(const dsvk_wire_config *w, char *msg, size_t msg_size)
{
    dsvk_runtime *shared = core.dsvk_runtime_peek_default();
    dsvk_result r;
    if (!shared && needs_private_runtime(w)) {
        dsvk_config c;
        make_config(w, &c);
        runtime_config = c;
        r = core.dsvk_runtime_create(&c, &runtime);
        runtime_private = r == DSVK_OK;
        if (runtime_private)
            shim_info("a runtime of its own for DirectStorage's configuration "
                      "(CPU decompression threads %d, staging %u bytes)",
                      c.cpu_decompression_threads, (unsigned)c.staging_size);
    } else {
        if (shared && needs_private_runtime(w))
            shim_warn("DirectStorage configuration (CPU decompression threads, staging size) "
                      "not applied: the runtime is shared with the Vulkan layer");
        if (!shared)
            export_config(w);
        make_config(NULL, &runtime_config); /* what the default runtime read */
        r = core.dsvk_runtime_get_default(&runtime);
        runtime_private = false;
    }
    if (r != DSVK_OK) {
        runtime = NULL;
        snprintf(msg, msg_size, "dsvk runtime creation failed: %s", core.dsvk_result_string(r));
        shim_err("%s", msg);
        return DSVK_WIRE_E_NO_RUNTIME;
    }
    watch();
    return DSVK_WIRE_R_OK;
}

int32_t shim_runtime_hello(const dsvk_wire_config *w, char *msg, size_t msg_size)
{
    pthread_mutex_lock(&core_lock);
    int32_t st = DSVK_WIRE_R_OK;
    if (!load_locked()) {
        snprintf(msg, msg_size, "%s", core_error);
        st = DSVK_WIRE_E_NO_CORE;
    } else if (!runtime) {
        st = create_locked(w, msg, msg_size);
    }
    pthread_mutex_unlock(&core_lock);
    return st;
}

int32_t shim_runtime_configure(const dsvk_wire_config *w, char *msg, size_t msg_size)
{
    pthread_mutex_lock(&core_lock);
    int32_t st;
    if (!load_locked()) {
        snprintf(msg, msg_size, "%s", core_error);
        st = DSVK_WIRE_E_NO_CORE;
    } else if (shim_handle_count() > 0) {
        st = DSVK_WIRE_R_BUSY; /* DirectStorage: E_DSTORAGE_STAGING_BUFFER_LOCKED */
    } else if (runtime && !runtime_private && !needs_private_runtime(w)) {
        st = DSVK_WIRE_R_OK; /* nothing the shared runtime would do differently */
    } else if (runtime && !runtime_private) {
        shim_warn("DirectStorage configuration not applied: the runtime is shared with the "
                  "Vulkan layer and cannot be re-created");
        st = DSVK_WIRE_R_OK;
    } else {
        if (runtime) {
            shim_completion_watch_custom(-1);
            core.dsvk_runtime_destroy(runtime);
            runtime = NULL;
        }
        st = create_locked(w, msg, msg_size);
    }
    pthread_mutex_unlock(&core_lock);
    return st;
}

bool shim_runtime_cpu_decompression(void)
{
    pthread_mutex_lock(&core_lock);
    bool on = runtime && runtime_config.cpu_decompression_threads != -1;
    pthread_mutex_unlock(&core_lock);
    return on;
}

dsvk_decoder shim_runtime_decoder(void)
{
    pthread_mutex_lock(&core_lock);
    dsvk_decoder d = runtime_config.decoder;
    pthread_mutex_unlock(&core_lock);
    return d;
}

dsvk_device *shim_find_device(const uint8_t uuid[16])
{
    dsvk_runtime *rt = shim_runtime();
    dsvk_device *dev = rt ? core.dsvk_runtime_find_device(rt, uuid) : NULL;
    if (!dev)
        shim_info("no Vulkan device registered with the %s runtime has this ID3D12Device's "
                  "UUID (is the dsvk layer enabled: DSVK=1?)",
                  runtime_private ? "private" : "default");
    return dev;
}
