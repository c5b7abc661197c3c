/*
 * Which queue dsvk uses on a captured device. Pure logic over the physical device's queue
 * families and the application's VkDeviceQueueCreateInfo array, so it is unit-tested with
 * synthetic families (the machines that run the tests have one family with one queue).
 *
 * Rules, in order:
 *  1. Only families the application creates queues in: resources it shares CONCURRENTly list
 *     exactly those families, so dsvk's copies into them need no ownership transfer.
 *  2. dsvk decodes with compute shaders, so it wants a compute-capable queue. An EXTRA queue
 *     (one more than the application asked for) in a family that has a spare one: a
 *     compute-only family first, then a graphics+compute family.
 *  3. Otherwise SHARE one of the application's compute-capable queues (compute-only family
 *     first): its last queue, since applications hand out index 0 first. A spare queue in a
 *     transfer-only family is not taken while a compute queue can be shared.
 *  4. Only when the application has no compute-capable queue: an extra transfer queue, else
 *     a shared one (dsvk then decodes on the CPU and only copies on the GPU).
 * Only create infos with flags == 0 count: protected queues need vkGetDeviceQueue2 with the
 * protected flag and cannot be used for dsvk's unprotected work.
 */
#ifndef DSVK_LAYER_QUEUE_PLAN_H
#define DSVK_LAYER_QUEUE_PLAN_H

#include <stdbool.h>
#include <stdint.h>

#include <vulkan/vulkan.h>

typedef enum dsvk_queue_plan_kind {
    DSVK_QUEUE_NONE = 0, /* no usable queue: do not capture */
    DSVK_QUEUE_EXTRA,    /* a queue added for dsvk */
    DSVK_QUEUE_SHARED,   /* one of the application's queues */
} dsvk_queue_plan_kind;

typedef struct dsvk_queue_plan {
    dsvk_queue_plan_kind kind;
    uint32_t family;
    uint32_t index;       /* EXTRA: the application's count in that create info */
    uint32_t create_info; /* index into pQueueCreateInfos of the family's flags-0 entry */
    VkQueueFlags flags;   /* the family's queueFlags */
    float priority;       /* EXTRA: the lowest priority the application gave that family */
} dsvk_queue_plan;

/* Families outside [0, family_count) in the create infos make the plan NONE. */
dsvk_queue_plan dsvk_plan_queue(const VkQueueFamilyProperties *families, uint32_t family_count,
                                const VkDeviceQueueCreateInfo *infos, uint32_t info_count);

const char *dsvk_queue_plan_kind_name(dsvk_queue_plan_kind kind);

#endif
