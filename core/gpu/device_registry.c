/*
 * The process's registered devices and its default runtime.
 *
 * The registry is process-global rather than a list inside dsvk_runtime so that it lives
 * with the GPU part of the core: each entry names its runtime, and lookups filter by it.
 */
#include <string.h>

#include "gpu/device.h"
#include "log.h"

#include <dsvk/process.h>

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static dsvk_device *registry_head; /* most recently registered first */

static pthread_mutex_t default_lock = PTHREAD_MUTEX_INITIALIZER;
static dsvk_runtime *default_rt;

static void registry_remove(dsvk_device *dev)
{
    pthread_mutex_lock(&registry_lock);
    for (dsvk_device **p = &registry_head; *p; p = &(*p)->next) {
        if (*p == dev) {
            *p = dev->next;
            dev->next = NULL;
            break;
        }
    }
    pthread_mutex_unlock(&registry_lock);
}

static void log_registered(const dsvk_device *dev)
{
    const dsvk_vk_device_desc *d = &dev->desc;
    const uint8_t *u = d->device_uuid;
    DSVK_INFO("device registered: %s (uuid %02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
              "%02x%02x%02x%02x%02x%02x), Vulkan %u.%u, queue family %u index %u (%s), "
              "subgroup %u, timeline %d, bda %d, sync2 %d, decompression nv %d ext %d",
              d->properties.deviceName, u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9],
              u[10], u[11], u[12], u[13], u[14], u[15], VK_API_VERSION_MAJOR(d->api_version),
              VK_API_VERSION_MINOR(d->api_version), d->queue_family_index, d->queue_index,
              d->queue_shared ? "shared with the application" : "dsvk's own", d->subgroup_size,
              d->enabled.timeline_semaphore, d->enabled.buffer_device_address,
              d->enabled.synchronization2, d->enabled.memory_decompression_nv,
              d->enabled.memory_decompression_ext);
}

dsvk_result dsvk_device_register(dsvk_runtime *rt, const dsvk_vk_device_desc *desc,
                                 dsvk_device **out)
{
    if (!out)
        return DSVK_E_INVALID_ARGUMENT;
    const char *why = NULL;
    dsvk_result r = dsvk_device_create(rt, desc, out, &why);
    if (r != DSVK_OK) {
        DSVK_ERR("cannot register the Vulkan device: %s: %s", why, dsvk_result_string(r));
        return r;
    }
    pthread_mutex_lock(&registry_lock);
    (*out)->next = registry_head;
    registry_head = *out;
    pthread_mutex_unlock(&registry_lock);
    log_registered(*out);
    return DSVK_OK;
}

void dsvk_device_unregister(dsvk_device *dev)
{
    if (!dev)
        return;
    /* Out of the registry first, so that no new user finds it while it drains. */
    registry_remove(dev);
    if (dsvk_device_shut_down(dev))
        DSVK_INFO("device unregistered: %s", dev->desc.properties.deviceName);
    pthread_mutex_lock(&dev->lock);
    bool drop = !dev->registration_dropped;
    dev->registration_dropped = true;
    pthread_mutex_unlock(&dev->lock);
    if (drop)
        dsvk_device_release(dev);
}

dsvk_device *dsvk_runtime_find_device(dsvk_runtime *rt, const uint8_t uuid[VK_UUID_SIZE])
{
    if (!rt || !uuid)
        return NULL;
    dsvk_device *found = NULL;
    pthread_mutex_lock(&registry_lock);
    for (dsvk_device *d = registry_head; d; d = d->next) {
        if (d->rt == rt && !memcmp(d->desc.device_uuid, uuid, VK_UUID_SIZE) &&
            dsvk_device_is_registered(d)) {
            dsvk_device_ref(d);
            found = d;
            break;
        }
    }
    pthread_mutex_unlock(&registry_lock);
    return found;
}

void dsvk_device_registry_forget_runtime(dsvk_runtime *rt)
{
    for (;;) {
        dsvk_device *dev = NULL;
        pthread_mutex_lock(&registry_lock);
        for (dsvk_device *d = registry_head; d; d = d->next) {
            if (d->rt == rt) {
                dsvk_device_ref(d);
                dev = d;
                break;
            }
        }
        pthread_mutex_unlock(&registry_lock);
        if (!dev)
            return;
        /* The registrant still owns the registration reference and drops it with its own
         * dsvk_device_unregister; here the device only stops using Vulkan. */
        DSVK_WARN("runtime destroyed with device %s still registered; draining it",
                  dev->desc.properties.deviceName);
        registry_remove(dev);
        dsvk_device_shut_down(dev);
        dsvk_device_release(dev);
    }
}

static bool runtime_has_devices(const dsvk_runtime *rt)
{
    pthread_mutex_lock(&registry_lock);
    bool any = false;
    for (dsvk_device *d = registry_head; d && !any; d = d->next)
        any = d->rt == rt;
    pthread_mutex_unlock(&registry_lock);
    return any;
}

dsvk_result dsvk_runtime_get_default(dsvk_runtime **out)
{
    if (!out)
        return DSVK_E_INVALID_ARGUMENT;
    dsvk_result r = DSVK_OK;
    pthread_mutex_lock(&default_lock);
    if (!default_rt) {
        dsvk_config config;
        dsvk_config_init(&config);
        /* An unknown value was logged with its variable's name; the others still apply,
         * and a game should not lose dsvk over a typo in one variable. */
        (void)dsvk_config_load_env(&config);
        r = dsvk_runtime_create(&config, &default_rt);
        if (r != DSVK_OK) {
            DSVK_ERR("cannot create the default runtime: %s", dsvk_result_string(r));
            default_rt = NULL;
        }
    }
    *out = default_rt;
    pthread_mutex_unlock(&default_lock);
    return r;
}

dsvk_runtime *dsvk_runtime_peek_default(void)
{
    pthread_mutex_lock(&default_lock);
    dsvk_runtime *rt = default_rt;
    pthread_mutex_unlock(&default_lock);
    return rt;
}

dsvk_result dsvk_runtime_destroy_default(void)
{
    pthread_mutex_lock(&default_lock);
    if (default_rt && runtime_has_devices(default_rt)) {
        pthread_mutex_unlock(&default_lock);
        return DSVK_E_BUSY;
    }
    dsvk_runtime *rt = default_rt;
    default_rt = NULL;
    pthread_mutex_unlock(&default_lock);
    dsvk_runtime_destroy(rt);
    return DSVK_OK;
}
