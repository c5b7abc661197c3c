/* Choosing dsvk's queue on a captured device; the rules are in queue_plan.h. */
#include <stdlib.h>

#include "queue_plan.h"

enum family_class {
    CLASS_COMPUTE_ONLY, /* compute (and transfer), no graphics */
    CLASS_GRAPHICS_COMPUTE,
    CLASS_TRANSFER, /* copies only: transfer-only, or graphics without compute */
    CLASS_UNUSABLE, /* video, optical flow, sparse-only, … */
};

static enum family_class family_class(VkQueueFlags f)
{
    if (f & VK_QUEUE_COMPUTE_BIT)
        return f & VK_QUEUE_GRAPHICS_BIT ? CLASS_GRAPHICS_COMPUTE : CLASS_COMPUTE_ONLY;
    /* Graphics queues support transfer operations even when the bit is not reported. */
    if (f & (VK_QUEUE_TRANSFER_BIT | VK_QUEUE_GRAPHICS_BIT))
        return CLASS_TRANSFER;
    return CLASS_UNUSABLE;
}

static float lowest_priority(const VkDeviceQueueCreateInfo *info)
{
    float p = 1.0f;
    for (uint32_t i = 0; i < info->queueCount; i++)
        if (info->pQueuePriorities && info->pQueuePriorities[i] < p)
            p = info->pQueuePriorities[i];
    return p;
}

/* The first flags-0 create info of the class with a spare queue in its family. */
static bool find_extra(const VkQueueFamilyProperties *families,
                       const VkDeviceQueueCreateInfo *infos, uint32_t info_count,
                       const uint32_t *requested, enum family_class cls, dsvk_queue_plan *plan)
{
    for (uint32_t i = 0; i < info_count; i++) {
        uint32_t f = infos[i].queueFamilyIndex;
        if (infos[i].flags || family_class(families[f].queueFlags) != cls ||
            requested[f] >= families[f].queueCount)
            continue;
        *plan = (dsvk_queue_plan){
            .kind = DSVK_QUEUE_EXTRA,
            .family = f,
            .index = infos[i].queueCount,
            .create_info = i,
            .flags = families[f].queueFlags,
            .priority = lowest_priority(&infos[i]),
        };
        return true;
    }
    return false;
}

/* The last queue of the first flags-0 create info of the class. */
static bool find_shared(const VkQueueFamilyProperties *families,
                        const VkDeviceQueueCreateInfo *infos, uint32_t info_count,
                        enum family_class cls, dsvk_queue_plan *plan)
{
    for (uint32_t i = 0; i < info_count; i++) {
        uint32_t f = infos[i].queueFamilyIndex;
        if (infos[i].flags || !infos[i].queueCount || family_class(families[f].queueFlags) != cls)
            continue;
        *plan = (dsvk_queue_plan){
            .kind = DSVK_QUEUE_SHARED,
            .family = f,
            .index = infos[i].queueCount - 1,
            .create_info = i,
            .flags = families[f].queueFlags,
        };
        return true;
    }
    return false;
}

dsvk_queue_plan dsvk_plan_queue(const VkQueueFamilyProperties *families, uint32_t family_count,
                                const VkDeviceQueueCreateInfo *infos, uint32_t info_count)
{
    dsvk_queue_plan plan = {.kind = DSVK_QUEUE_NONE};
    if (!families || !family_count || !infos || !info_count)
        return plan;
    uint32_t *requested = calloc(family_count, sizeof(*requested));
    if (!requested)
        return plan;
    for (uint32_t i = 0; i < info_count; i++) {
        if (infos[i].queueFamilyIndex >= family_count)
            goto out;
        requested[infos[i].queueFamilyIndex] += infos[i].queueCount;
    }
    /* The first rule that finds a queue fills the plan. */
    (void)(find_extra(families, infos, info_count, requested, CLASS_COMPUTE_ONLY, &plan) ||
           find_extra(families, infos, info_count, requested, CLASS_GRAPHICS_COMPUTE, &plan) ||
           find_shared(families, infos, info_count, CLASS_COMPUTE_ONLY, &plan) ||
           find_shared(families, infos, info_count, CLASS_GRAPHICS_COMPUTE, &plan) ||
           find_extra(families, infos, info_count, requested, CLASS_TRANSFER, &plan) ||
           find_shared(families, infos, info_count, CLASS_TRANSFER, &plan));
out:
    free(requested);
    return plan;
}

const char *dsvk_queue_plan_kind_name(dsvk_queue_plan_kind kind)
{
    switch (kind) {
    case DSVK_QUEUE_EXTRA: return "extra";
    case DSVK_QUEUE_SHARED: return "shared";
    case DSVK_QUEUE_NONE: break;
    }
    return "none";
}
