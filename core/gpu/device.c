/* A registered GPU device: validation, work accounting, clients, the queue lock, draining. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "gpu/device.h"

/* Version 1 ended with max_decompression_indirect_count; version 2 appended enabled_shader
 * right behind it. Registrants built against the version-1 header pass a structure that ends
 * there, so nothing past it may be read. */
_Static_assert(offsetof(dsvk_vk_device_desc, enabled_shader) ==
                   offsetof(dsvk_vk_device_desc, max_decompression_indirect_count) +
                       sizeof(uint64_t),
               "description version 2 must append to version 1's layout");

/* Bytes of the description a registrant of this version passes; 0 for unknown versions. */
static size_t desc_size(uint32_t version)
{
    switch (version) {
    case 1: return offsetof(dsvk_vk_device_desc, enabled_shader);
    case 2: return sizeof(dsvk_vk_device_desc);
    default: return 0;
    }
}

static const char *check_desc(const dsvk_vk_device_desc *d)
{
    if (!d)
        return "no description";
    if (!desc_size(d->version))
        return "description version unknown to this core (layer and core from different "
               "builds?)";
    if (!d->instance || !d->physical_device || !d->device || !d->queue)
        return "a NULL Vulkan handle";
    if (!d->get_instance_proc_addr || !d->get_device_proc_addr)
        return "no get_instance_proc_addr / get_device_proc_addr";
    if (!d->lock_queue != !d->unlock_queue)
        return "lock_queue without unlock_queue or the reverse";
    return NULL;
}

dsvk_result dsvk_device_create(dsvk_runtime *rt, const dsvk_vk_device_desc *desc, dsvk_device **out,
                               const char **why)
{
    *out = NULL;
    *why = check_desc(desc);
    if (!rt && !*why)
        *why = "no runtime";
    if (*why)
        return DSVK_E_INVALID_ARGUMENT;

    dsvk_device *dev = calloc(1, sizeof(*dev));
    if (!dev) {
        *why = "out of memory";
        return DSVK_E_NO_MEMORY;
    }
    dev->rt = rt;
    /* Only the registrant's version's fields; the later ones stay zero (calloc). */
    memcpy(&dev->desc, desc, desc_size(desc->version));
    if (!dsvk_vkfns_load(&dev->vk, dev->desc.device, dev->desc.get_device_proc_addr, why)) {
        free(dev);
        return DSVK_E_UNSUPPORTED;
    }
    atomic_init(&dev->refs, 1);
    atomic_init(&dev->unregistering, false);
    pthread_mutex_init(&dev->lock, NULL);
    pthread_cond_init(&dev->changed, NULL);
    pthread_mutex_init(&dev->own_queue_lock, NULL);
    *out = dev;
    return DSVK_OK;
}

void dsvk_device_ref(dsvk_device *dev)
{
    atomic_fetch_add_explicit(&dev->refs, 1, memory_order_relaxed);
}

void dsvk_device_release(dsvk_device *dev)
{
    if (!dev || atomic_fetch_sub_explicit(&dev->refs, 1, memory_order_acq_rel) != 1)
        return;
    while (dev->clients) {
        dsvk_device_client_node *n = dev->clients;
        dev->clients = n->next;
        free(n);
    }
    pthread_mutex_destroy(&dev->lock);
    pthread_cond_destroy(&dev->changed);
    pthread_mutex_destroy(&dev->own_queue_lock);
    free(dev);
}

const dsvk_vk_device_desc *dsvk_device_get_desc(const dsvk_device *dev)
{
    return dev ? &dev->desc : NULL;
}

bool dsvk_device_is_registered(const dsvk_device *dev)
{
    return dev && !atomic_load_explicit(&dev->unregistering, memory_order_acquire);
}

bool dsvk_device_begin_work(dsvk_device *dev)
{
    pthread_mutex_lock(&dev->lock);
    bool ok = !atomic_load_explicit(&dev->unregistering, memory_order_relaxed);
    if (ok)
        dev->in_flight++;
    pthread_mutex_unlock(&dev->lock);
    return ok;
}

void dsvk_device_end_work(dsvk_device *dev)
{
    pthread_mutex_lock(&dev->lock);
    if (--dev->in_flight == 0)
        pthread_cond_broadcast(&dev->changed);
    pthread_mutex_unlock(&dev->lock);
}

void dsvk_device_lock_queue(dsvk_device *dev)
{
    if (dev->desc.lock_queue)
        dev->desc.lock_queue(dev->desc.lock_user);
    else
        pthread_mutex_lock(&dev->own_queue_lock);
}

void dsvk_device_unlock_queue(dsvk_device *dev)
{
    if (dev->desc.unlock_queue)
        dev->desc.unlock_queue(dev->desc.lock_user);
    else
        pthread_mutex_unlock(&dev->own_queue_lock);
}

VkResult dsvk_device_allocate_command_buffers(dsvk_device *dev,
                                              const VkCommandBufferAllocateInfo *info,
                                              VkCommandBuffer *out)
{
    VkResult r = dev->vk.AllocateCommandBuffers(dev->desc.device, info, out);
    if (r != VK_SUCCESS || !dev->desc.set_device_loader_data)
        return r;
    for (uint32_t i = 0; i < info->commandBufferCount; i++) {
        r = dev->desc.set_device_loader_data(dev->desc.device, out[i]);
        if (r != VK_SUCCESS) {
            dev->vk.FreeCommandBuffers(dev->desc.device, info->commandPool,
                                       info->commandBufferCount, out);
            return r;
        }
    }
    return VK_SUCCESS;
}

dsvk_result dsvk_device_attach_client(dsvk_device *dev, const dsvk_device_client *client)
{
    if (!client || !client->release)
        return DSVK_E_INVALID_ARGUMENT;
    dsvk_device_client_node *n = malloc(sizeof(*n));
    if (!n)
        return DSVK_E_NO_MEMORY;
    n->client = *client;
    pthread_mutex_lock(&dev->lock);
    if (atomic_load_explicit(&dev->unregistering, memory_order_relaxed)) {
        pthread_mutex_unlock(&dev->lock);
        free(n);
        return DSVK_E_DEVICE_LOST;
    }
    n->next = dev->clients;
    dev->clients = n;
    pthread_mutex_unlock(&dev->lock);
    return DSVK_OK;
}

bool dsvk_device_detach_client(dsvk_device *dev, void *user)
{
    pthread_mutex_lock(&dev->lock);
    /* A shutdown walks the list without the lock: let it finish first. */
    while (atomic_load_explicit(&dev->unregistering, memory_order_relaxed) && !dev->shut_down)
        pthread_cond_wait(&dev->changed, &dev->lock);
    for (dsvk_device_client_node **p = &dev->clients; *p; p = &(*p)->next) {
        if ((*p)->client.user == user) {
            dsvk_device_client_node *n = *p;
            *p = n->next;
            pthread_mutex_unlock(&dev->lock);
            free(n);
            return true;
        }
    }
    pthread_mutex_unlock(&dev->lock);
    return false;
}

bool dsvk_device_shut_down(dsvk_device *dev)
{
    pthread_mutex_lock(&dev->lock);
    if (atomic_load_explicit(&dev->unregistering, memory_order_relaxed)) {
        /* Another thread shuts it down: return only when it is done, so that our caller
         * may destroy the VkDevice afterwards. */
        while (!dev->shut_down)
            pthread_cond_wait(&dev->changed, &dev->lock);
        pthread_mutex_unlock(&dev->lock);
        return false;
    }
    atomic_store_explicit(&dev->unregistering, true, memory_order_release);
    /* From here on attach refuses and detach waits for shut_down, so the list may be
     * walked without the lock (the clients' callbacks may take their own locks). */
    dsvk_device_client_node *clients = dev->clients;
    pthread_mutex_unlock(&dev->lock);

    for (dsvk_device_client_node *n = clients; n; n = n->next)
        if (n->client.drain)
            n->client.drain(n->client.user, dev);

    pthread_mutex_lock(&dev->lock);
    while (dev->in_flight)
        pthread_cond_wait(&dev->changed, &dev->lock);
    pthread_mutex_unlock(&dev->lock);

    for (dsvk_device_client_node *n = clients; n; n = n->next)
        n->client.release(n->client.user, dev);

    pthread_mutex_lock(&dev->lock);
    dev->shut_down = true;
    pthread_cond_broadcast(&dev->changed);
    pthread_mutex_unlock(&dev->lock);
    return true;
}
