/*
 * Internal side of a registered GPU device (public side: dsvk/vulkan.h).
 *
 * Components that do GPU work on a device (the GPU executor) use three mechanisms:
 * - work accounting: every piece of work that will call Vulkan on the device runs between
 *   dsvk_device_begin_work() (false once unregistration started: fail the request with
 *   DSVK_E_DEVICE_LOST) and dsvk_device_end_work(); unregistration waits for the count
 *   to reach zero;
 * - clients: a component that creates Vulkan objects on the device attaches a client;
 *   unregistration calls its drain() first (stop feeding new work, finish or abandon what
 *   is queued so the in-flight count can reach zero), then, once nothing is in flight, its
 *   release() (destroy every Vulkan object it created on the device);
 * - the queue lock: every vkQueueSubmit / vkQueueSubmit2 / vkQueueBindSparse / vkQueueWaitIdle
 *   on desc.queue runs between dsvk_device_lock_queue() and dsvk_device_unlock_queue().
 *   Keep the lock for the call only (not while waiting on a fence): the application may be
 *   waiting for it in vkQueueSubmit or vkDeviceWaitIdle.
 *
 * A component that keeps the dsvk_device pointer (a queue created with desc.device) holds a
 * reference: dsvk_device_ref / dsvk_device_release.
 */
#ifndef DSVK_GPU_DEVICE_H
#define DSVK_GPU_DEVICE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include <dsvk/vulkan.h>

#include "gpu/vk_fns.h"

typedef struct dsvk_device_client {
    /* Unregistration started; new work is already refused. May be NULL. */
    void (*drain)(void *user, dsvk_device *dev);
    /* Nothing is in flight any more; destroy the Vulkan objects made on the device. */
    void (*release)(void *user, dsvk_device *dev);
    void *user;
} dsvk_device_client;

typedef struct dsvk_device_client_node {
    dsvk_device_client client;
    struct dsvk_device_client_node *next;
} dsvk_device_client_node;

struct dsvk_device {
    dsvk_runtime *rt;
    dsvk_vk_device_desc desc; /* the core's copy */
    dsvk_vkfns vk;
    atomic_int refs;          /* the registration + every holder */
    struct dsvk_device *next; /* the registry's list, guarded by the registry lock */

    pthread_mutex_t lock;   /* guards the fields below */
    pthread_cond_t changed; /* in_flight reached zero, or the shutdown finished */
    uint32_t in_flight;
    atomic_bool unregistering; /* set under lock; read without it by is_registered */
    bool shut_down;            /* drained and released: no more Vulkan calls */
    bool registration_dropped;
    dsvk_device_client_node *clients; /* most recently attached first */

    /* The queue lock when the description has no callbacks. */
    pthread_mutex_t own_queue_lock;
};

/* device.c: the object. Creation validates the description and resolves the dispatch
 * table; *why names what was wrong. */
dsvk_result dsvk_device_create(dsvk_runtime *rt, const dsvk_vk_device_desc *desc, dsvk_device **out,
                               const char **why);
void dsvk_device_ref(dsvk_device *dev);
/*
 * Refuses new work, drains the clients, waits for work in flight and releases the clients'
 * objects. Idempotent: a second caller waits until the first one finished. Returns true for
 * the call that did the work.
 */
bool dsvk_device_shut_down(dsvk_device *dev);

/* Work accounting; see above. */
bool dsvk_device_begin_work(dsvk_device *dev);
void dsvk_device_end_work(dsvk_device *dev);

/* External synchronization of desc.queue; see above. */
void dsvk_device_lock_queue(dsvk_device *dev);
void dsvk_device_unlock_queue(dsvk_device *dev);

/*
 * vkAllocateCommandBuffers for the core: command buffers are dispatchable, and the ones
 * allocated through the next layer need the loader's dispatch data (desc.set_device_loader_data)
 * before any other call takes them. Never call vk.AllocateCommandBuffers directly.
 */
VkResult dsvk_device_allocate_command_buffers(dsvk_device *dev,
                                              const VkCommandBufferAllocateInfo *info,
                                              VkCommandBuffer *out);

/* Attaches a client (copied). DSVK_E_DEVICE_LOST once unregistration started. */
dsvk_result dsvk_device_attach_client(dsvk_device *dev, const dsvk_device_client *client);
/* Detaches the client with this user pointer (a component that goes away before the
 * device does); waits while a shutdown is running, so never call it from drain() or
 * release(). Returns false when none was attached. */
bool dsvk_device_detach_client(dsvk_device *dev, void *user);

/*
 * Unregisters every device of the runtime (drains them). For dsvk_runtime_destroy: the
 * registry keeps runtime pointers, and a destroyed runtime must not stay in it.
 */
void dsvk_device_registry_forget_runtime(dsvk_runtime *rt);

#endif
