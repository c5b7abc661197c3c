/*
 * One command buffer, its pool and a fence, for work that records, submits and waits (the
 * decoder selection's measurement, tests, tools). Submissions hold the caller's queue lock.
 */
#ifndef DSVK_GPU_VK_CMD_H
#define DSVK_GPU_VK_CMD_H

#include <dsvk/result.h>

#include "gpu/vk_fns.h"

typedef struct dsvk_vkcmd {
    VkCommandPool pool;
    VkCommandBuffer cmd;
    VkFence fence;
    VkQueue queue;
    void (*lock)(void *user); /* optional queue lock around vkQueueSubmit */
    void (*unlock)(void *user);
    void *lock_user;
} dsvk_vkcmd;

dsvk_result dsvk_vkcmd_init(const dsvk_vkfns *f, VkDevice dev, uint32_t family, VkQueue queue,
                            dsvk_vkcmd *c);
void dsvk_vkcmd_destroy(const dsvk_vkfns *f, VkDevice dev, dsvk_vkcmd *c);
/* Resets the pool and begins c->cmd (one-time submit). */
dsvk_result dsvk_vkcmd_begin(const dsvk_vkfns *f, VkDevice dev, dsvk_vkcmd *c);
/* Ends, submits and waits up to timeout_ns; DSVK_E_DEVICE_LOST on a lost device or timeout. */
dsvk_result dsvk_vkcmd_submit_wait(const dsvk_vkfns *f, VkDevice dev, dsvk_vkcmd *c,
                                   uint64_t timeout_ns);

/* A global memory barrier from src to dst stages/accesses, recorded into cmd. */
void dsvk_vk_barrier(const dsvk_vkfns *f, VkCommandBuffer cmd, VkPipelineStageFlags src_stage,
                     VkAccessFlags src_access, VkPipelineStageFlags dst_stage,
                     VkAccessFlags dst_access);

#endif
