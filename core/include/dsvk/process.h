/*
 * The process-wide default runtime.
 *
 * A game process has several entry points into the core: the Vulkan layer (which registers
 * vkd3d-proton's device), the Wine bridge (which serves the game's DirectStorage calls) and,
 * in native programs, the program itself. They must all reach ONE runtime, or a device
 * registered by the layer would be invisible to the bridge. This accessor is that meeting
 * point: the first caller creates the runtime from the DSVK_* environment variables
 * (dsvk_config_init + dsvk_config_load_env), later callers get the same one.
 *
 * No atexit handler destroys it: at process exit the game's threads, the layer and the
 * Vulkan driver may still be using it, and library destructors run in no useful order.
 * Programs that want a clean shutdown (tools, tests) call dsvk_runtime_destroy_default().
 */
#ifndef DSVK_PROCESS_H
#define DSVK_PROCESS_H

#include <dsvk/api.h>
#include <dsvk/result.h>
#include <dsvk/runtime.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The default runtime, created on first use. An unknown DSVK_* value is logged and the other
 * variables still apply (like dsvk_config_load_env); a failed creation returns its error and
 * the next call tries again. Thread-safe.
 */
DSVK_API dsvk_result dsvk_runtime_get_default(dsvk_runtime **out);

/* The default runtime if it was created, else NULL; never creates it. */
DSVK_API dsvk_runtime *dsvk_runtime_peek_default(void);

/*
 * Destroys the default runtime (a later dsvk_runtime_get_default creates a new one).
 * DSVK_E_BUSY while devices are registered with it: unregister them first (the layer does so
 * in vkDestroyDevice). DSVK_OK when there was none.
 */
DSVK_API dsvk_result dsvk_runtime_destroy_default(void);

#ifdef __cplusplus
}
#endif

#endif
