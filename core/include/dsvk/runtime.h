/*
 * The runtime: configuration, creation and destruction.
 *
 * A process normally has one runtime. It owns the I/O threads, the worker threads that
 * decompress and complete requests, and every file, queue and status array created from it.
 */
#ifndef DSVK_RUNTIME_H
#define DSVK_RUNTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <dsvk/api.h>
#include <dsvk/result.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct dsvk_runtime dsvk_runtime;

typedef enum dsvk_io_backend {
    DSVK_IO_AUTO = 0,    /* io_uring, or the thread pool when the kernel refuses io_uring */
    DSVK_IO_URING = 1,   /* io_uring only; runtime creation fails when it is refused */
    DSVK_IO_THREADS = 2, /* pread() thread pool */
} dsvk_io_backend;

typedef enum dsvk_decoder {
    DSVK_DECODER_AUTO = 0,       /* the fastest available GPU decoder, else the CPU */
    DSVK_DECODER_GPU = 1,        /* dsvk's compute shader */
    DSVK_DECODER_GPU_NATIVE = 2, /* the driver's VK_NV/EXT_memory_decompression */
    DSVK_DECODER_CPU = 3,
} dsvk_decoder;

typedef enum dsvk_log_level {
    DSVK_LOG_ERROR = 0,
    DSVK_LOG_WARN = 1,
    DSVK_LOG_INFO = 2,
    DSVK_LOG_DEBUG = 3,
    DSVK_LOG_TRACE = 4,
} dsvk_log_level;

typedef struct dsvk_config {
    dsvk_io_backend io_backend;
    uint32_t io_threads;     /* I/O threads (rings or pread threads); 0 = default */
    uint32_t io_depth;       /* reads in flight per I/O thread; 0 = default (64) */
    uint32_t worker_threads; /* decompression/completion threads; 0 = one per CPU */
    /* CPU threads for built-in (GDeflate) decompression, DirectStorage's
     * NumBuiltInCpuDecompressionThreads: 0 = worker_threads; -1 = none, and GDeflate
     * requests to host memory are handed to the custom decompression queue instead. */
    int32_t cpu_decompression_threads;
    uint64_t staging_size;   /* bytes of staging memory for compressed data; 0 = 32 MiB */
    uint32_t chunk_size;     /* largest single read; larger requests are split; 0 = 1 MiB */
    bool direct_io;          /* open files with O_DIRECT too and read aligned ranges with it */
    dsvk_decoder decoder;
    dsvk_log_level log_level;
    const char *log_file;    /* NULL = stderr */
    bool stats_at_exit;      /* print a per-queue summary when the runtime is destroyed */
    const char *stats_file;  /* append JSON lines every second; NULL = none */
} dsvk_config;

/* Fills the defaults above. */
DSVK_API void dsvk_config_init(dsvk_config *config);

/*
 * Overrides fields from the environment: DSVK_IO (auto|uring|threads), DSVK_IO_THREADS,
 * DSVK_WORKERS, DSVK_STAGING_MB, DSVK_DIRECT_IO (0|1), DSVK_DECODER (auto|gpu|gpu-native|cpu),
 * DSVK_LOG (error|warn|info|debug|trace), DSVK_LOG_FILE, DSVK_STATS (0|1), DSVK_STATS_FILE.
 * An unknown value is logged with the variable's name and gives DSVK_E_INVALID_ARGUMENT; the
 * other variables are still applied. Strings point into the environment.
 */
DSVK_API dsvk_result dsvk_config_load_env(dsvk_config *config);

/* Creates a runtime. With DSVK_IO_AUTO, a refused io_uring falls back to threads (logged). */
DSVK_API dsvk_result dsvk_runtime_create(const dsvk_config *config, dsvk_runtime **out);

/*
 * Closes every queue (pending work is cancelled, work in flight is waited for), then every
 * file and status array, and joins the threads. Objects of the runtime are invalid afterwards.
 */
DSVK_API void dsvk_runtime_destroy(dsvk_runtime *rt);

typedef struct dsvk_runtime_info {
    dsvk_io_backend io_backend; /* the backend in use: URING or THREADS */
    const char *io_backend_reason; /* why, e.g. "io_uring_setup: Operation not permitted" */
    uint32_t uring_setup_flags;    /* IORING_SETUP_* flags the rings were created with */
    uint32_t io_threads;
    uint32_t worker_threads;
    uint64_t staging_size;
    bool direct_io;
} dsvk_runtime_info;

DSVK_API void dsvk_runtime_get_info(const dsvk_runtime *rt, dsvk_runtime_info *info);

#ifdef __cplusplus
}
#endif

#endif
