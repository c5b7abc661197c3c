/* Runtime creation and teardown. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "gpu/device.h"
#include "internal.h"
#include "stats.h"
#include "stats_file.h"

static uint32_t cpu_count(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (uint32_t)n : 1;
}

dsvk_result dsvk_runtime_create(const dsvk_config *config, dsvk_runtime **out)
{
    if (!out)
        return DSVK_E_INVALID_ARGUMENT;
    *out = NULL;
    dsvk_config defaults;
    if (!config) {
        dsvk_config_init(&defaults);
        config = &defaults;
    }
    if ((unsigned)config->io_backend > DSVK_IO_THREADS ||
        (unsigned)config->decoder > DSVK_DECODER_CPU ||
        (unsigned)config->log_level > DSVK_LOG_TRACE || config->cpu_decompression_threads < -1)
        return DSVK_E_INVALID_ARGUMENT;

    dsvk_runtime *rt = calloc(1, sizeof(*rt));
    if (!rt)
        return DSVK_E_NO_MEMORY;
    rt->cfg = *config;
    if (config->log_file) {
        snprintf(rt->log_file, sizeof(rt->log_file), "%s", config->log_file);
        rt->cfg.log_file = rt->log_file;
    }
    dsvk_log_configure(rt->cfg.log_level, rt->cfg.log_file);
    if (!rt->cfg.worker_threads)
        rt->cfg.worker_threads = cpu_count();
    if (!rt->cfg.staging_size)
        rt->cfg.staging_size = 32u << 20;
    if (!rt->cfg.chunk_size)
        rt->cfg.chunk_size = 1u << 20;
    rt->decode_threads = rt->cfg.cpu_decompression_threads > 0
                             ? (uint32_t)rt->cfg.cpu_decompression_threads
                             : rt->cfg.worker_threads;

    pthread_mutex_init(&rt->lock, NULL);
    pthread_mutex_init(&rt->staging_lock, NULL);
    pthread_mutex_init(&rt->custom_lock, NULL);
    dsvk_list_init(&rt->queues);
    dsvk_list_init(&rt->files);
    dsvk_list_init(&rt->arrays);
    rt->custom_fd = -1;
    rt->custom_next_id = 1;

    dsvk_io_config ioc = {
        .backend = rt->cfg.io_backend,
        .threads = rt->cfg.io_threads,
        .depth = rt->cfg.io_depth,
        .direct_io = rt->cfg.direct_io,
    };
    dsvk_result r = dsvk_io_create(&ioc, &rt->io, rt->io_reason, sizeof(rt->io_reason));
    if (r != DSVK_OK) {
        DSVK_ERR("cannot start the I/O engine: %s%s%s", dsvk_result_string(r),
                 rt->io_reason[0] ? ": " : "", rt->io_reason);
        goto fail;
    }
    dsvk_io_get_info(rt->io, &rt->io_info);
    r = dsvk_workers_start(&rt->workers, rt->cfg.worker_threads);
    if (r != DSVK_OK)
        goto fail;
    rt->custom_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (rt->custom_fd < 0) {
        r = DSVK_E_NO_MEMORY;
        goto fail;
    }
    DSVK_INFO("runtime: %s I/O (%u threads%s%s), %u workers, %llu MiB staging",
              rt->io_info.backend == DSVK_IO_URING ? "io_uring" : "thread-pool",
              rt->io_info.threads, rt->io_reason[0] ? "; " : "", rt->io_reason,
              rt->cfg.worker_threads, (unsigned long long)(rt->cfg.staging_size >> 20));
    if (rt->cfg.stats_file && *rt->cfg.stats_file)
        dsvk_stats_file_start(rt, rt->cfg.stats_file);
    *out = rt;
    return DSVK_OK;

fail:
    if (rt->workers.threads)
        dsvk_workers_stop(&rt->workers);
    if (rt->io)
        dsvk_io_destroy(rt->io);
    free(rt);
    return r;
}

void dsvk_runtime_destroy(dsvk_runtime *rt)
{
    if (!rt)
        return;
    /* The stats sampler reads the queues: its last sample is taken before they close. */
    dsvk_stats_file_stop(rt);
    /* Queues first: they cancel their work and wait for what is in flight. */
    for (;;) {
        pthread_mutex_lock(&rt->lock);
        dsvk_link *l = rt->queues.next;
        pthread_mutex_unlock(&rt->lock);
        if (l == &rt->queues)
            break;
        dsvk_queue_close(DSVK_CONTAINER(l, dsvk_queue, link));
    }
    if (rt->cfg.stats_at_exit)
        dsvk_stats_print_totals(rt);
    while (rt->files.next != &rt->files)
        dsvk_file_close(DSVK_CONTAINER(rt->files.next, dsvk_file, link));
    while (rt->arrays.next != &rt->arrays)
        dsvk_status_array_destroy(DSVK_CONTAINER(rt->arrays.next, dsvk_status_array, link));
    dsvk_device_registry_forget_runtime(rt);
    dsvk_io_destroy(rt->io);
    dsvk_workers_stop(&rt->workers);
    if (rt->custom_fd >= 0)
        close(rt->custom_fd);
    free(rt->custom_taken);
    pthread_mutex_destroy(&rt->lock);
    pthread_mutex_destroy(&rt->staging_lock);
    pthread_mutex_destroy(&rt->custom_lock);
    free(rt);
}

void dsvk_runtime_get_info(const dsvk_runtime *rt, dsvk_runtime_info *info)
{
    *info = (dsvk_runtime_info){
        .io_backend = rt->io_info.backend,
        .io_backend_reason = rt->io_reason,
        .uring_setup_flags = rt->io_info.setup_flags,
        .io_threads = rt->io_info.threads,
        .worker_threads = rt->cfg.worker_threads,
        .staging_size = rt->cfg.staging_size,
        .direct_io = rt->cfg.direct_io,
    };
}
