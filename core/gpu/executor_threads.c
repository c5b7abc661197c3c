/*
 * The executor's two threads.
 *
 * Submit thread: takes every ready request, records one command buffer (executor_batch.c)
 * and submits it with a signal of the next timeline value; with DSVK_GPU_MAX_INFLIGHT
 * command buffers on the GPU it waits for one to complete, so that requests gather. The queue lock
 * is held for the vkQueueSubmit call only, and a submission never waits on a semaphore: the
 * application's vkDeviceWaitIdle holds the lock while the queue drains, and a wait on a value only
 * a later dsvk submission signals could never be satisfied then. Recording happens off the I/O
 * threads, which only append to the ready list; requests that turn ready while a batch is
 * being recorded form the next batch.
 *
 * Completion thread: waits on the timeline semaphore for the oldest batch in flight
 * (vkWaitSemaphores with a timeout, so a stop is noticed promptly), reads the shader's
 * status words, and finishes the batch's requests (dsvk_exec_job_done); the queue engine
 * completes status and signal entries in order from there. VK_ERROR_DEVICE_LOST from the
 * wait (or from vkQueueSubmit on the submit thread) fails every request in flight and every
 * later one with DSVK_E_DEVICE_LOST.
 */
#include <stdlib.h>

#include "gpu/executor_internal.h"

#define WAIT_TIMEOUT_NS 100000000ull /* 100 ms: how long a stop may go unnoticed */

static dsvk_result result_of(VkResult vr)
{
    switch (vr) {
    case VK_SUCCESS: return DSVK_OK;
    case VK_ERROR_OUT_OF_HOST_MEMORY: return DSVK_E_NO_MEMORY;
    case VK_ERROR_OUT_OF_DEVICE_MEMORY: return DSVK_E_OUT_OF_DEVICE_MEMORY;
    default: return DSVK_E_DEVICE_LOST;
    }
}

static void fail_all(dsvk_gpu_req *list, dsvk_result r)
{
    while (list) {
        dsvk_gpu_req *g = list;
        list = g->next;
        g->next = NULL;
        dsvk_gpu_exec_fail_req(g, r);
    }
}

static void recycle(dsvk_gpu_executor *x, dsvk_gpu_batch *b)
{
    pthread_mutex_lock(&x->lock);
    b->reqs = NULL;
    b->count = 0;
    b->next = x->free_batches;
    x->free_batches = b;
    pthread_mutex_unlock(&x->lock);
}

static void became_lost(dsvk_gpu_executor *x, const char *call, VkResult vr, uint32_t requests)
{
    pthread_mutex_lock(&x->lock);
    bool first = !x->lost;
    x->lost = true;
    pthread_mutex_unlock(&x->lock);
    if (first)
        DSVK_ERR("gpu executor: %s: %s: VkResult %d: the device is lost; %u request(s) in flight "
                 "fail with DSVK_E_DEVICE_LOST, later GPU requests to it fail at once",
                 x->dev->desc.properties.deviceName, call, vr, requests);
    dsvk_gpu_exec_drain_lists(x, DSVK_E_DEVICE_LOST);
}

static void submit_batch(dsvk_gpu_executor *x, dsvk_gpu_batch *b)
{
    dsvk_device *dev = x->dev;
    pthread_mutex_lock(&x->lock);
    uint64_t value = x->next_value + 1;
    pthread_mutex_unlock(&x->lock);
    VkTimelineSemaphoreSubmitInfo ts = {
        .sType = VK_STRUCTURE_TYPE_TIMELINE_SEMAPHORE_SUBMIT_INFO,
        .signalSemaphoreValueCount = 1,
        .pSignalSemaphoreValues = &value,
    };
    VkSubmitInfo si = {
        .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
        .pNext = &ts,
        .commandBufferCount = 1,
        .pCommandBuffers = &b->cmd,
        .signalSemaphoreCount = 1,
        .pSignalSemaphores = &x->timeline,
    };
    dsvk_device_lock_queue(dev);
    VkResult vr = dev->vk.QueueSubmit(dev->desc.queue, 1, &si, VK_NULL_HANDLE);
    dsvk_device_unlock_queue(dev);
    if (vr == VK_SUCCESS) {
        b->value = value;
        b->next = NULL;
        pthread_mutex_lock(&x->lock);
        x->next_value = value;
        if (x->inflight_tail)
            x->inflight_tail->next = b;
        else
            x->inflight_head = b;
        x->inflight_tail = b;
        x->inflight_count++;
        x->stat_batches++;
        x->stat_requests += b->count;
        pthread_cond_signal(&x->complete_wake);
        pthread_mutex_unlock(&x->lock);
        DSVK_TRACE("gpu executor: batch %llu: %u requests", (unsigned long long)value, b->count);
        return;
    }
    /* Not submitted: the value was not signalled and is used by the next submission. */
    dsvk_gpu_req *reqs = b->reqs;
    uint32_t count = b->count;
    dsvk_gpu_exec_release_slot(x, b);
    recycle(x, b);
    if (result_of(vr) == DSVK_E_DEVICE_LOST) {
        became_lost(x, "vkQueueSubmit", vr, count);
    } else {
        DSVK_ERR("gpu executor: %s: vkQueueSubmit: VkResult %d (out of memory); %u request(s) "
                 "fail",
                 dev->desc.properties.deviceName, vr, count);
    }
    fail_all(reqs, result_of(vr));
}

/* Records and submits the taken requests; returns those deferred to a later batch. */
static dsvk_gpu_req *run_batch(dsvk_gpu_executor *x, dsvk_gpu_req *taken, bool *progress)
{
    pthread_mutex_lock(&x->lock);
    dsvk_gpu_batch *b = x->free_batches;
    if (b)
        x->free_batches = b->next;
    pthread_mutex_unlock(&x->lock);
    if (!b)
        b = calloc(1, sizeof(*b));
    VkResult vr = b ? dsvk_gpu_exec_batch_cmd(x, b) : VK_ERROR_OUT_OF_HOST_MEMORY;
    if (vr != VK_SUCCESS) {
        DSVK_ERR("gpu executor: %s: no command buffer: VkResult %d",
                 x->dev->desc.properties.deviceName, vr);
        if (b)
            recycle(x, b);
        fail_all(taken, result_of(vr));
        *progress = true;
        return NULL;
    }
    dsvk_gpu_req *deferred = NULL;
    vr = dsvk_gpu_exec_record(x, b, taken, &deferred);
    *progress = b->count > 0 || deferred == NULL;
    if (b->count == 0) {
        recycle(x, b);
    } else if (vr != VK_SUCCESS) {
        DSVK_ERR("gpu executor: %s: recording a command buffer: VkResult %d; %u request(s) fail",
                 x->dev->desc.properties.deviceName, vr, b->count);
        dsvk_gpu_req *reqs = b->reqs;
        dsvk_gpu_exec_release_slot(x, b);
        recycle(x, b);
        fail_all(reqs, result_of(vr));
    } else {
        submit_batch(x, b);
    }
    return deferred;
}

static void *submit_main(void *arg)
{
    dsvk_gpu_executor *x = arg;
    pthread_mutex_lock(&x->lock);
    for (;;) {
        /* Ready work, and room on the GPU for it; a draining or lost executor records
         * nothing, so it need not wait for room. */
        while (!x->stop && (!x->ready_head || (x->inflight_count >= DSVK_GPU_MAX_INFLIGHT &&
                                               !x->draining && !x->lost)))
            pthread_cond_wait(&x->submit_wake, &x->lock);
        if (x->stop && !x->ready_head)
            break;
        dsvk_gpu_req *taken = x->ready_head;
        x->ready_head = x->ready_tail = NULL;
        for (dsvk_gpu_req *g = taken; g; g = g->next)
            g->state = DSVK_GPU_TAKEN;
        uint64_t slot_gen = x->slot_gen;
        pthread_mutex_unlock(&x->lock);

        bool progress;
        dsvk_gpu_req *deferred = run_batch(x, taken, &progress);

        pthread_mutex_lock(&x->lock);
        if (deferred && (x->draining || x->lost)) {
            pthread_mutex_unlock(&x->lock);
            fail_all(deferred, DSVK_E_DEVICE_LOST);
            pthread_mutex_lock(&x->lock);
            continue;
        }
        if (deferred) {
            /* Back to the front, in order. */
            dsvk_gpu_req *last = deferred;
            for (dsvk_gpu_req *g = deferred; g; g = g->next) {
                g->state = DSVK_GPU_READY;
                last = g;
            }
            last->next = x->ready_head;
            if (!x->ready_head)
                x->ready_tail = last;
            x->ready_head = deferred;
        }
        /* Nothing could be recorded (every decode slot is in flight): wait for a slot. */
        while (!progress && !x->stop && !x->draining && x->slot_gen == slot_gen)
            pthread_cond_wait(&x->submit_wake, &x->lock);
    }
    pthread_mutex_unlock(&x->lock);
    return NULL;
}

/* Completes a batch the GPU finished (r == DSVK_OK) or that will never finish. */
static void complete_batch(dsvk_gpu_executor *x, dsvk_gpu_batch *b, dsvk_result r)
{
    if (r == DSVK_OK)
        dsvk_gpu_exec_batch_results(x, b);
    else
        dsvk_gpu_exec_release_slot(x, b);
    dsvk_gpu_req *reqs = b->reqs;
    recycle(x, b);
    fail_all(reqs, r); /* DSVK_OK: only drops the ready hold */
}

static void *complete_main(void *arg)
{
    dsvk_gpu_executor *x = arg;
    dsvk_device *dev = x->dev;
    pthread_mutex_lock(&x->lock);
    for (;;) {
        while (!x->stop && !x->inflight_head)
            pthread_cond_wait(&x->complete_wake, &x->lock);
        if (!x->inflight_head)
            break; /* stop, and nothing in flight */
        uint64_t target = x->inflight_head->value;
        pthread_mutex_unlock(&x->lock);

        VkSemaphoreWaitInfo wi = {
            .sType = VK_STRUCTURE_TYPE_SEMAPHORE_WAIT_INFO,
            .semaphoreCount = 1,
            .pSemaphores = &x->timeline,
            .pValues = &target,
        };
        VkResult vr = dev->vk.WaitSemaphores(dev->desc.device, &wi, WAIT_TIMEOUT_NS);
        uint64_t reached = target;
        if (vr == VK_SUCCESS &&
            dev->vk.GetSemaphoreCounterValue(dev->desc.device, x->timeline, &reached) != VK_SUCCESS)
            reached = target;

        pthread_mutex_lock(&x->lock);
        if (vr == VK_TIMEOUT)
            continue;
        /* Finished batches (all of them when the wait failed) leave the list in order. */
        dsvk_gpu_batch *done = NULL, **link = &done;
        uint32_t requests = 0;
        while (x->inflight_head && (vr != VK_SUCCESS || x->inflight_head->value <= reached)) {
            dsvk_gpu_batch *b = x->inflight_head;
            x->inflight_head = b->next;
            if (!x->inflight_head)
                x->inflight_tail = NULL;
            b->next = NULL;
            requests += b->count;
            x->inflight_count--;
            *link = b;
            link = &b->next;
        }
        pthread_cond_signal(&x->submit_wake); /* room for the next batch */
        pthread_mutex_unlock(&x->lock);
        dsvk_result r = DSVK_OK;
        if (vr != VK_SUCCESS) {
            r = DSVK_E_DEVICE_LOST;
            became_lost(x, "vkWaitSemaphores", vr, requests);
        }
        while (done) {
            dsvk_gpu_batch *b = done;
            done = b->next;
            complete_batch(x, b, r);
        }
        pthread_mutex_lock(&x->lock);
    }
    pthread_mutex_unlock(&x->lock);
    return NULL;
}

dsvk_result dsvk_gpu_exec_start_threads(dsvk_gpu_executor *x)
{
    if (pthread_create(&x->submit_thread, NULL, submit_main, x) != 0)
        return DSVK_E_NO_MEMORY;
    if (pthread_create(&x->complete_thread, NULL, complete_main, x) != 0) {
        pthread_mutex_lock(&x->lock);
        x->stop = true;
        pthread_cond_broadcast(&x->submit_wake);
        pthread_mutex_unlock(&x->lock);
        pthread_join(x->submit_thread, NULL);
        return DSVK_E_NO_MEMORY;
    }
    x->threads_started = true;
    return DSVK_OK;
}

bool dsvk_gpu_exec_stop_threads(dsvk_gpu_executor *x)
{
    if (!x->threads_started)
        return true;
    pthread_mutex_lock(&x->lock);
    x->stop = true;
    pthread_cond_broadcast(&x->submit_wake);
    pthread_cond_broadcast(&x->complete_wake);
    pthread_mutex_unlock(&x->lock);
    x->threads_started = false;
    pthread_t self = pthread_self();
    bool joinable = true;
    pthread_t threads[2] = {x->submit_thread, x->complete_thread};
    for (int i = 0; i < 2; i++) {
        if (pthread_equal(self, threads[i])) {
            /* Unregistered from a callback running on this very thread: it cannot be joined,
             * and it still touches the executor after the callback returns. */
            pthread_detach(threads[i]);
            joinable = false;
        } else {
            pthread_join(threads[i], NULL);
        }
    }
    if (!joinable)
        DSVK_WARN("gpu executor: %s unregistered from a completion callback; the executor's "
                  "bookkeeping (not its Vulkan objects) stays allocated",
                  x->dev->desc.properties.deviceName);
    return joinable;
}
