/*
 * The executors of the process, one per registered device, and their life cycle: created on
 * first use (or by dsvk_gpu_executor_configure), attached to the device as a client, drained
 * and released by the device's unregistration.
 *
 * The registry is a list keyed by device pointer: a device pointer stays valid while a queue
 * holds it, and an executor leaves the list in release(), before its device can be freed.
 */
#include <stdlib.h>
#include <string.h>

#include "gpu/executor_internal.h"

/* registry_lock guards the list only and is held briefly (enqueue-time validation takes it);
 * creation_lock serializes creations, which make Vulkan objects and may compile a pipeline. */
static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t creation_lock = PTHREAD_MUTEX_INITIALIZER;
static dsvk_gpu_executor *registry;

static dsvk_gpu_executor *find_locked(const dsvk_device *dev)
{
    for (dsvk_gpu_executor *x = registry; x; x = x->next)
        if (x->dev == dev)
            return x;
    return NULL;
}

static void remove_from_registry(dsvk_gpu_executor *x)
{
    pthread_mutex_lock(&registry_lock);
    for (dsvk_gpu_executor **p = &registry; *p; p = &(*p)->next) {
        if (*p == x) {
            *p = x->next;
            break;
        }
    }
    pthread_mutex_unlock(&registry_lock);
}

static void free_executor(dsvk_gpu_executor *x)
{
    pthread_mutex_destroy(&x->lock);
    pthread_cond_destroy(&x->submit_wake);
    pthread_cond_destroy(&x->complete_wake);
    free(x);
}

/* Client hook: unregistration started; nothing new is submitted, unsubmitted work fails. */
static void on_drain(void *user, dsvk_device *dev)
{
    dsvk_gpu_executor *x = user;
    DSVK_INFO("gpu executor: %s: draining (device unregistered)", dev->desc.properties.deviceName);
    dsvk_gpu_exec_drain_lists(x, DSVK_E_DEVICE_LOST);
}

/* Client hook: no request of the device is in flight; destroy everything. */
static void on_release(void *user, dsvk_device *dev)
{
    dsvk_gpu_executor *x = user;
    remove_from_registry(x);
    bool joined = dsvk_gpu_exec_stop_threads(x);
    if (x->lost) {
        /* A lost device completes nothing any more, or an injected loss left work running:
         * either way the queue must be idle before its objects go. */
        dsvk_device_lock_queue(dev);
        VkResult vr = dev->vk.QueueWaitIdle(dev->desc.queue);
        dsvk_device_unlock_queue(dev);
        DSVK_DEBUG("gpu executor: vkQueueWaitIdle after device loss: VkResult %d", vr);
    }
    dsvk_gpu_exec_destroy_objects(x);
    if (joined)
        free_executor(x);
}

static dsvk_gpu_executor *find(const dsvk_device *dev)
{
    pthread_mutex_lock(&registry_lock);
    dsvk_gpu_executor *x = find_locked(dev);
    pthread_mutex_unlock(&registry_lock);
    return x;
}

/* Creates and registers dev's executor; creation lock held, registry lock not. */
static dsvk_result create_locked(dsvk_device *dev, const dsvk_gpu_executor_opts *opts,
                                 dsvk_gpu_executor **out)
{
    dsvk_gpu_executor *x = calloc(1, sizeof(*x));
    if (!x)
        return DSVK_E_NO_MEMORY;
    x->dev = dev;
    pthread_mutex_init(&x->lock, NULL);
    pthread_cond_init(&x->submit_wake, NULL);
    pthread_cond_init(&x->complete_wake, NULL);
    dsvk_result r = dsvk_gpu_exec_create_objects(x, opts);
    if (r != DSVK_OK) {
        free_executor(x);
        return r;
    }
    r = dsvk_gpu_exec_start_threads(x);
    if (r == DSVK_OK) {
        /* Attach last: detaching from here could wait for a shutdown that waits for us. */
        dsvk_device_client client = {.drain = on_drain, .release = on_release, .user = x};
        r = dsvk_device_attach_client(dev, &client);
        if (r != DSVK_OK)
            dsvk_gpu_exec_stop_threads(x);
    }
    if (r != DSVK_OK) {
        dsvk_gpu_exec_destroy_objects(x);
        free_executor(x);
        return r;
    }
    pthread_mutex_lock(&registry_lock);
    x->next = registry;
    registry = x;
    pthread_mutex_unlock(&registry_lock);
    *out = x;
    return DSVK_OK;
}

dsvk_gpu_executor *dsvk_gpu_exec_get(dsvk_device *dev, dsvk_result *err)
{
    *err = DSVK_OK;
    /* The caller holds a work count: the device cannot be released under us, so an
     * executor found stays valid until that count is dropped. */
    dsvk_gpu_executor *x = find(dev);
    if (x)
        return x;
    pthread_mutex_lock(&creation_lock);
    x = find(dev);
    if (!x) {
        dsvk_gpu_executor_opts opts = {.staging = DSVK_STAGING_AUTO};
        *err = create_locked(dev, &opts, &x);
    }
    pthread_mutex_unlock(&creation_lock);
    return x;
}

bool dsvk_gpu_exec_is_lost(dsvk_device *dev)
{
    pthread_mutex_lock(&registry_lock);
    dsvk_gpu_executor *x = find_locked(dev);
    bool lost = false;
    if (x) {
        pthread_mutex_lock(&x->lock);
        lost = x->lost;
        pthread_mutex_unlock(&x->lock);
    }
    pthread_mutex_unlock(&registry_lock);
    return lost;
}

dsvk_result dsvk_gpu_executor_configure(dsvk_device *dev, const dsvk_gpu_executor_opts *opts)
{
    if (!dev || !opts)
        return DSVK_E_INVALID_ARGUMENT;
    /* A work count keeps unregistration from releasing the device under the creation. */
    if (!dsvk_device_begin_work(dev))
        return DSVK_E_DEVICE_LOST;
    pthread_mutex_lock(&creation_lock);
    dsvk_gpu_executor *x = find(dev);
    dsvk_result r = x ? DSVK_E_BUSY : create_locked(dev, opts, &x);
    pthread_mutex_unlock(&creation_lock);
    dsvk_device_end_work(dev);
    return r;
}

bool dsvk_gpu_executor_get_info(dsvk_device *dev, dsvk_gpu_executor_info *out)
{
    memset(out, 0, sizeof(*out));
    pthread_mutex_lock(&registry_lock);
    dsvk_gpu_executor *x = find_locked(dev);
    if (x) {
        pthread_mutex_lock(&x->lock);
        *out = (dsvk_gpu_executor_info){
            .staging = x->staging_placement,
            .staging_coherent = x->staging_mem.coherent,
            .staging_device_local = x->staging_mem.device_local,
            .decoder = atomic_load(&x->shader_unusable) ? DSVK_DECODER_CPU : x->decoder,
            .shader_variant = dsvk_gpu_exec_variant_name(x),
            .ring_size = x->ring_size,
            .batches = x->stat_batches,
            .requests = x->stat_requests,
            .dropped = x->stat_dropped,
            .ring_wraps = x->staging.wraps,
            .ring_waits = x->stat_waits,
            .lost = x->lost,
        };
        pthread_mutex_unlock(&x->lock);
    }
    pthread_mutex_unlock(&registry_lock);
    return x != NULL;
}
