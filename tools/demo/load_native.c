/*
 * Loading through dsvk's native API, the way a game's DirectStorage code does: open the
 * files, enqueue one request per asset (GDeflate -> host memory, or a plain read), a status
 * entry after each so every asset's result is known, an eventfd signal at the end, submit,
 * wait for the signal.
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <dsvk/dsvk.h>

#include "load.h"
#include "pack.h"

#define WAIT_LIMIT_MS (10 * 60 * 1000)

static const char *decoder_name(uint32_t d)
{
    switch (d) {
    case DSVK_DECODER_CPU: return "cpu";
    case DSVK_DECODER_GPU: return "gpu-shader";
    case DSVK_DECODER_GPU_NATIVE: return "gpu-native";
    default: return "none";
    }
}

typedef struct native_objects {
    dsvk_runtime *rt;
    dsvk_queue *queue;
    dsvk_status_array *status;
    dsvk_file **files;
    int event_fd;
} native_objects;

static void release(native_objects *o, size_t n_files)
{
    if (o->queue)
        dsvk_queue_close(o->queue);
    for (size_t i = 0; o->files && i < n_files; i++)
        if (o->files[i])
            dsvk_file_close(o->files[i]);
    if (o->status)
        dsvk_status_array_destroy(o->status);
    if (o->rt)
        dsvk_runtime_destroy(o->rt);
    if (o->event_fd >= 0)
        close(o->event_fd);
    free(o->files);
}

static bool start(native_objects *o, const asset_set *set, load_result *r)
{
    dsvk_config cfg;
    dsvk_config_init(&cfg);
    (void)dsvk_config_load_env(&cfg); /* DSVK_IO, DSVK_WORKERS, ... apply; bad values are logged */
    dsvk_result res = dsvk_runtime_create(&cfg, &o->rt);
    if (res != DSVK_OK) {
        snprintf(r->error, sizeof(r->error), "dsvk_runtime_create: %s", dsvk_result_string(res));
        return false;
    }
    dsvk_runtime_info info;
    dsvk_runtime_get_info(o->rt, &info);
    snprintf(r->io_backend, sizeof(r->io_backend), "%s",
             info.io_backend == DSVK_IO_URING ? "io_uring" : "threads");
    r->io_threads = info.io_threads;
    r->workers = info.worker_threads;

    /* A request and a status entry per asset, the signal, and the slot kept free. */
    size_t entries = 2 * set->count + 2;
    dsvk_queue_desc qd = {
        .source_type = DSVK_SOURCE_FILE,
        .capacity =
            (uint16_t)(entries < DSVK_QUEUE_MIN_CAPACITY ? DSVK_QUEUE_MIN_CAPACITY : entries),
        .priority = DSVK_PRIORITY_NORMAL,
        .name = "dsvk-demo",
    };
    if ((res = dsvk_queue_create(o->rt, &qd, &o->queue)) != DSVK_OK ||
        (res = dsvk_status_array_create(o->rt, (uint32_t)set->count, "dsvk-demo", &o->status)) !=
            DSVK_OK) {
        snprintf(r->error, sizeof(r->error), "cannot create the queue: %s",
                 dsvk_result_string(res));
        return false;
    }
    o->event_fd = eventfd(0, EFD_CLOEXEC);
    o->files = calloc(set->count, sizeof(*o->files));
    if (o->event_fd < 0 || !o->files) {
        snprintf(r->error, sizeof(r->error), "out of resources (eventfd or memory)");
        return false;
    }
    return true;
}

void load_native(const char *dir, const asset_set *set, bool evict, load_result *r)
{
    memset(r, 0, sizeof(*r));
    r->decode = "none";
    native_objects o = {.event_fd = -1};
    uint8_t **bufs = load_alloc_destinations(set);
    bool *failed = calloc(set->count, sizeof(*failed));
    if (!bufs || !failed) {
        snprintf(r->error, sizeof(r->error), "out of memory for %llu bytes of destinations",
                 (unsigned long long)set->total_size);
        goto out;
    }
    if (!start(&o, set, r))
        goto out;
    if (evict)
        load_evict(dir, set);

    double t0 = load_now(), cpu0 = load_cpu_seconds();
    for (size_t i = 0; i < set->count; i++) {
        const asset *a = &set->assets[i];
        char path[4200];
        pack_path(dir, a, path, sizeof(path));
        int err = 0;
        if (dsvk_file_open(o.rt, path, &o.files[i], &err) != DSVK_OK) {
            o.files[i] = NULL;
            failed[i] = true;
            r->requests_failed++;
            load_note_problem(r, a->path, err ? strerror(err) : "cannot open");
            continue;
        }
        dsvk_request req = {
            .source = {.type = DSVK_SOURCE_FILE,
                       .u.file = {.file = o.files[i],
                                  .offset = 0,
                                  .size = (uint32_t)a->stored_size}},
            .destination = {.type = DSVK_DEST_MEMORY,
                            .u.memory = {.data = bufs[i], .size = (uint32_t)a->size}},
            .compression = a->gdeflate ? DSVK_COMPRESSION_GDEFLATE : DSVK_COMPRESSION_NONE,
            .uncompressed_size = (uint32_t)a->size,
            .name = a->path,
        };
        dsvk_queue_enqueue_request(o.queue, &req);
        dsvk_queue_enqueue_status(o.queue, o.status, (uint32_t)i);
        r->requests++;
        r->bytes_in += a->stored_size;
    }
    dsvk_signal done = {.eventfd = o.event_fd, .value = 1};
    dsvk_queue_enqueue_signal(o.queue, &done);
    dsvk_queue_submit(o.queue);
    struct pollfd pfd = {.fd = o.event_fd, .events = POLLIN};
    if (poll(&pfd, 1, WAIT_LIMIT_MS) != 1) {
        snprintf(r->error, sizeof(r->error), "the load did not finish within %d s",
                 WAIT_LIMIT_MS / 1000);
        goto out;
    }
    r->seconds = load_now() - t0;
    r->cpu_seconds = load_cpu_seconds() - cpu0;
    r->ran = true;

    for (size_t i = 0; i < set->count; i++) {
        if (failed[i])
            continue;
        dsvk_result res = dsvk_status_array_get_result(o.status, (uint32_t)i);
        if (res != DSVK_OK) {
            failed[i] = true;
            r->requests_failed++;
            load_note_problem(r, set->assets[i].path, dsvk_result_string(res));
        }
    }
    dsvk_queue_stats st;
    dsvk_queue_get_stats(o.queue, &st);
    r->decode = decoder_name(st.decode_path);
    r->p50_us = dsvk_stats_latency_percentile(&st, 50);
    r->p99_us = dsvk_stats_latency_percentile(&st, 99);
    load_verify(set, bufs, failed, r);
out:
    release(&o, set->count);
    load_free_destinations(set, bufs);
    free(failed);
}
