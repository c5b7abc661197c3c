/*
 * The core (libdsvk.so) as the shim sees it: a table of function pointers filled by dlsym.
 * The core's public headers are used for types only; the shim does not link libdsvk.
 */
#ifndef DSVK_SHIM_CORE_H
#define DSVK_SHIM_CORE_H

#include <stdbool.h>
#include <stddef.h>

#include <dsvk/dsvk.h>
#include <dsvk/gdeflate.h>
#include <dsvk/process.h>
#include <dsvk/vulkan.h>

#include "shim.h"

#define SHIM_CORE_FUNCTIONS(X)                                                                     \
    X(dsvk_version)                                                                                \
    X(dsvk_result_string)                                                                          \
    X(dsvk_config_init)                                                                            \
    X(dsvk_config_load_env)                                                                        \
    X(dsvk_runtime_create)                                                                         \
    X(dsvk_runtime_destroy)                                                                        \
    X(dsvk_runtime_get_info)                                                                       \
    X(dsvk_file_open)                                                                              \
    X(dsvk_file_close)                                                                             \
    X(dsvk_file_get_info)                                                                          \
    X(dsvk_status_array_wrap)                                                                      \
    X(dsvk_status_array_destroy)                                                                   \
    X(dsvk_queue_create)                                                                           \
    X(dsvk_queue_enqueue_request)                                                                  \
    X(dsvk_queue_enqueue_status)                                                                   \
    X(dsvk_queue_enqueue_signal)                                                                   \
    X(dsvk_queue_submit)                                                                           \
    X(dsvk_queue_cancel)                                                                           \
    X(dsvk_queue_close)                                                                            \
    X(dsvk_queue_retrieve_error_record)                                                            \
    X(dsvk_queue_query)                                                                            \
    X(dsvk_custom_event_fd)                                                                        \
    X(dsvk_custom_get_requests)                                                                    \
    X(dsvk_custom_set_results)                                                                     \
    X(dsvk_gdeflate_parse)                                                                         \
    X(dsvk_gdeflate_decompress)                                                                    \
    X(dsvk_gdeflate_compress_bound)                                                                \
    X(dsvk_gdeflate_compress)                                                                      \
    X(dsvk_runtime_get_default)                                                                    \
    X(dsvk_runtime_peek_default)                                                                   \
    X(dsvk_runtime_find_device)                                                                    \
    X(dsvk_device_release)                                                                         \
    X(dsvk_device_get_desc)

typedef struct shim_core {
#define SHIM_CORE_MEMBER(name) __typeof__(name) *name;
    SHIM_CORE_FUNCTIONS(SHIM_CORE_MEMBER)
#undef SHIM_CORE_MEMBER
} shim_core;

extern shim_core core;

/* Loads libdsvk.so once (thread-safe). false with a message when it cannot. */
bool shim_core_load(char *msg, size_t msg_size);

/* The Vulkan device with this physical-device UUID that the layer registered with the
 * runtime, with a reference (dsvk_device_release), or NULL. */
dsvk_device *shim_find_device(const uint8_t uuid[16]);

/* The runtime, created by HELLO (or re-created by CONFIGURE); NULL before. */
dsvk_runtime *shim_runtime(void);
/* Whether the runtime decompresses GDeflate on the CPU itself (not disabled with
 * NumBuiltInCpuDecompressionThreads = -1, which hands it to the custom queue). */
bool shim_runtime_cpu_decompression(void);
/* The decoder the runtime was configured with (DSVK_DECODER / DisableGpuDecompression). */
dsvk_decoder shim_runtime_decoder(void);
/* Creates the runtime with this configuration unless it exists. */
int32_t shim_runtime_hello(const dsvk_wire_config *cfg, char *msg, size_t msg_size);
/* Re-creates the runtime with a new configuration; DSVK_WIRE_R_BUSY while objects live. */
int32_t shim_runtime_configure(const dsvk_wire_config *cfg, char *msg, size_t msg_size);

#endif
