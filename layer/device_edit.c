/* Deep-copying and editing VkDeviceCreateInfo for a captured device; see device_edit.h. */
#include <stdalign.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <vulkan/vk_layer.h>

#include "device_edit.h"
#include "struct_sizes.h"

/* Same value as the NV one (the NV names are aliases of the EXT ones). */
#define STYPE_MEMORY_DECOMPRESSION_FEATURES                                                        \
    VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MEMORY_DECOMPRESSION_FEATURES_NV

struct dsvk_edit_block {
    struct dsvk_edit_block *next;
    alignas(max_align_t) unsigned char data[];
};

static void *edit_alloc(dsvk_device_edit *e, size_t size)
{
    struct dsvk_edit_block *b = calloc(1, sizeof(*b) + size);
    if (!b)
        return NULL;
    b->next = e->blocks;
    e->blocks = b;
    return b->data;
}

void dsvk_device_edit_free(dsvk_device_edit *e)
{
    while (e->blocks) {
        struct dsvk_edit_block *b = e->blocks;
        e->blocks = b->next;
        free(b);
    }
}

size_t dsvk_device_struct_size(VkStructureType stype)
{
    /* The loader's own link structures travel in the same chain. */
    if (stype == VK_STRUCTURE_TYPE_LOADER_DEVICE_CREATE_INFO)
        return sizeof(VkLayerDeviceCreateInfo);
    for (const dsvk_struct_size *s = dsvk_device_create_structs; s->size; s++)
        if (s->stype == stype)
            return s->size;
    return 0;
}

static const VkBaseInStructure *find_struct(const void *chain, VkStructureType stype)
{
    for (const VkBaseInStructure *s = chain; s; s = s->pNext)
        if (s->sType == stype)
            return s;
    return NULL;
}

static bool has_extension(const VkDeviceCreateInfo *info, const char *name)
{
    for (uint32_t i = 0; i < info->enabledExtensionCount; i++)
        if (info->ppEnabledExtensionNames[i] && !strcmp(info->ppEnabledExtensionNames[i], name))
            return true;
    return false;
}

/* Where each feature of interest lives in a chain. */
typedef struct feature_owners {
    const VkBaseInStructure *timeline, *bda, *decompression, *sync2;
    const VkBaseInStructure *storage8, *int8, *memory_model;
} feature_owners;

static feature_owners find_owners(const void *chain)
{
    feature_owners o = {0};
    const VkBaseInStructure *v12 =
        find_struct(chain, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES);
    const VkBaseInStructure *v13 =
        find_struct(chain, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES);
    /* With VkPhysicalDeviceVulkan12Features in the chain its members are the only place for
     * these features: the individual structures must not be chained next to it. */
    o.timeline =
        v12 ? v12
            : find_struct(chain, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_TIMELINE_SEMAPHORE_FEATURES);
    o.bda =
        v12 ? v12
            : find_struct(chain, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_BUFFER_DEVICE_ADDRESS_FEATURES);
    o.sync2 =
        v13 ? v13
            : find_struct(chain, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SYNCHRONIZATION_2_FEATURES);
    o.storage8 =
        v12 ? v12 : find_struct(chain, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_8BIT_STORAGE_FEATURES);
    o.int8 =
        v12 ? v12
            : find_struct(chain, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_FLOAT16_INT8_FEATURES);
    o.memory_model =
        v12 ? v12
            : find_struct(chain, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_MEMORY_MODEL_FEATURES);
    o.decompression = find_struct(chain, STYPE_MEMORY_DECOMPRESSION_FEATURES);
    return o;
}

/* The feature members, read or written, in whichever structure owns them. */
static VkBool32 *timeline_member(VkBaseInStructure *s)
{
    if (s->sType == VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES)
        return &((VkPhysicalDeviceVulkan12Features *)s)->timelineSemaphore;
    return &((VkPhysicalDeviceTimelineSemaphoreFeatures *)s)->timelineSemaphore;
}

static VkBool32 *bda_member(VkBaseInStructure *s)
{
    if (s->sType == VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES)
        return &((VkPhysicalDeviceVulkan12Features *)s)->bufferDeviceAddress;
    return &((VkPhysicalDeviceBufferDeviceAddressFeatures *)s)->bufferDeviceAddress;
}

static VkBool32 *storage8_member(VkBaseInStructure *s)
{
    if (s->sType == VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES)
        return &((VkPhysicalDeviceVulkan12Features *)s)->storageBuffer8BitAccess;
    return &((VkPhysicalDevice8BitStorageFeatures *)s)->storageBuffer8BitAccess;
}

static VkBool32 *int8_member(VkBaseInStructure *s)
{
    if (s->sType == VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES)
        return &((VkPhysicalDeviceVulkan12Features *)s)->shaderInt8;
    return &((VkPhysicalDeviceShaderFloat16Int8Features *)s)->shaderInt8;
}

static VkBool32 *memory_model_member(VkBaseInStructure *s)
{
    if (s->sType == VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES)
        return &((VkPhysicalDeviceVulkan12Features *)s)->vulkanMemoryModel;
    return &((VkPhysicalDeviceVulkanMemoryModelFeatures *)s)->vulkanMemoryModel;
}

static VkBool32 *device_scope_member(VkBaseInStructure *s)
{
    if (s->sType == VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES)
        return &((VkPhysicalDeviceVulkan12Features *)s)->vulkanMemoryModelDeviceScope;
    return &((VkPhysicalDeviceVulkanMemoryModelFeatures *)s)->vulkanMemoryModelDeviceScope;
}

static VkBool32 *decompression_member(VkBaseInStructure *s)
{
    return &((VkPhysicalDeviceMemoryDecompressionFeaturesNV *)s)->memoryDecompression;
}

static VkBool32 *sync2_member(VkBaseInStructure *s)
{
    if (s->sType == VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES)
        return &((VkPhysicalDeviceVulkan13Features *)s)->synchronization2;
    return &((VkPhysicalDeviceSynchronization2Features *)s)->synchronization2;
}

/* Reading through the writable accessors: the structure is not written. */
static bool is_on(const VkBaseInStructure *s, VkBool32 *(*member)(VkBaseInStructure *))
{
    return s && *member((VkBaseInStructure *)s);
}

dsvk_vk_enabled dsvk_device_edit_enabled_by(const VkDeviceCreateInfo *info, uint32_t api_version)
{
    feature_owners o = find_owners(info->pNext);
    bool v12 = api_version >= VK_API_VERSION_1_2, v13 = api_version >= VK_API_VERSION_1_3;
    bool decompression = is_on(o.decompression, decompression_member);
    return (dsvk_vk_enabled){
        .timeline_semaphore =
            is_on(o.timeline, timeline_member) &&
            (v12 || has_extension(info, VK_KHR_TIMELINE_SEMAPHORE_EXTENSION_NAME)),
        .buffer_device_address =
            is_on(o.bda, bda_member) &&
            (v12 || has_extension(info, VK_KHR_BUFFER_DEVICE_ADDRESS_EXTENSION_NAME)),
        .synchronization2 = is_on(o.sync2, sync2_member) &&
                            (v13 || has_extension(info, VK_KHR_SYNCHRONIZATION_2_EXTENSION_NAME)),
        .memory_decompression_nv =
            decompression && has_extension(info, DSVK_VK_NV_MEMORY_DECOMPRESSION_NAME),
        .memory_decompression_ext =
            decompression && has_extension(info, DSVK_VK_EXT_MEMORY_DECOMPRESSION_NAME),
    };
}

dsvk_vk_enabled_shader dsvk_device_edit_shader_enabled_by(const VkDeviceCreateInfo *info,
                                                          uint32_t api_version)
{
    feature_owners o = find_owners(info->pNext);
    bool v12 = api_version >= VK_API_VERSION_1_2;
    bool memory_model = v12 || has_extension(info, VK_KHR_VULKAN_MEMORY_MODEL_EXTENSION_NAME);
    return (dsvk_vk_enabled_shader){
        .storage_buffer_8bit = is_on(o.storage8, storage8_member) &&
                               (v12 || has_extension(info, VK_KHR_8BIT_STORAGE_EXTENSION_NAME)),
        .shader_int8 = is_on(o.int8, int8_member) &&
                       (v12 || has_extension(info, VK_KHR_SHADER_FLOAT16_INT8_EXTENSION_NAME)),
        .vulkan_memory_model = is_on(o.memory_model, memory_model_member) && memory_model,
        .vulkan_memory_model_device_scope =
            is_on(o.memory_model, device_scope_member) && memory_model,
    };
}

/* One feature to turn on: in an existing structure of the chain, or in a new one. */
typedef struct feature_edit {
    const VkBaseInStructure *owner; /* in the application's chain, or NULL: new structure */
    VkStructureType new_stype;
    size_t new_size;
    VkBool32 *(*member)(VkBaseInStructure *);
    const char *name;
    bool *enabled;
} feature_edit;

/* Position of s in the chain, or -1. */
static int chain_position(const void *chain, const VkBaseInStructure *s)
{
    int i = 0;
    for (const VkBaseInStructure *p = chain; p; p = p->pNext, i++)
        if (p == s)
            return i;
    return -1;
}

/* True when every structure in front of position `pos` has a known size. */
static bool prefix_known(const void *chain, int pos)
{
    int i = 0;
    for (const VkBaseInStructure *p = chain; p && i < pos; p = p->pNext, i++)
        if (!dsvk_device_struct_size(p->sType))
            return false;
    return true;
}

/*
 * Copies the chain's first `count` structures (their sizes are known), links the copies in
 * the same order with the last one pointing at the rest of the application's chain, and
 * returns the head of the copy; copies[i] receives the copy of the i-th structure.
 */
static VkBaseInStructure *copy_prefix(dsvk_device_edit *e, const void *chain, int count,
                                      VkBaseInStructure **copies)
{
    VkBaseInStructure *head = NULL, *prev = NULL;
    const VkBaseInStructure *p = chain;
    for (int i = 0; i < count; i++, p = p->pNext) {
        size_t size = dsvk_device_struct_size(p->sType);
        VkBaseInStructure *c = edit_alloc(e, size);
        if (!c)
            return NULL;
        memcpy(c, p, size);
        c->pNext = p->pNext;
        if (prev)
            prev->pNext = c;
        else
            head = c;
        prev = c;
        copies[i] = c;
    }
    return head;
}

static bool apply_features(dsvk_device_edit *e, const VkDeviceCreateInfo *app, feature_edit *edits,
                           int n)
{
    /* Structures of the application's chain to edit: the furthest one decides how much of
     * the chain is copied. Edits behind an unknown structure are dropped. */
    int last = -1;
    for (int i = 0; i < n; i++) {
        if (!edits[i].owner)
            continue;
        int pos = chain_position(app->pNext, edits[i].owner);
        if (pos < 0 || !prefix_known(app->pNext, pos)) {
            e->skipped = edits[i].name;
            *edits[i].enabled = false;
            edits[i].name = NULL; /* dropped */
            continue;
        }
        if (pos > last)
            last = pos;
    }

    const void *head = app->pNext;
    if (last >= 0) {
        VkBaseInStructure **copies = calloc((size_t)last + 1, sizeof(*copies));
        if (!copies)
            return false;
        VkBaseInStructure *copy = copy_prefix(e, app->pNext, last + 1, copies);
        if (copy) {
            for (int i = 0; i < n; i++) {
                if (!edits[i].owner || !edits[i].name)
                    continue;
                int pos = chain_position(app->pNext, edits[i].owner);
                *edits[i].member(copies[pos]) = VK_TRUE;
            }
        }
        free(copies);
        if (!copy)
            return false;
        head = copy;
        e->changed = true;
    }

    /* New structures go in front. */
    for (int i = 0; i < n; i++) {
        if (edits[i].owner)
            continue;
        VkBaseInStructure *s = edit_alloc(e, edits[i].new_size);
        if (!s)
            return false;
        s->sType = edits[i].new_stype;
        s->pNext = head;
        *edits[i].member(s) = VK_TRUE;
        head = s;
        e->changed = true;
    }
    e->info.pNext = head;
    return true;
}

static bool add_extensions(dsvk_device_edit *e, const VkDeviceCreateInfo *app,
                           const char *const *names, int n)
{
    if (!n)
        return true;
    const char **list = edit_alloc(e, sizeof(*list) * (app->enabledExtensionCount + (size_t)n));
    if (!list)
        return false;
    uint32_t count = app->enabledExtensionCount;
    if (count)
        memcpy(list, app->ppEnabledExtensionNames, sizeof(*list) * count);
    for (int i = 0; i < n; i++)
        list[count++] = names[i];
    e->info.enabledExtensionCount = count;
    e->info.ppEnabledExtensionNames = list;
    e->changed = true;
    return true;
}

static bool add_queue(dsvk_device_edit *e, const VkDeviceCreateInfo *app,
                      const dsvk_queue_plan *plan)
{
    if (plan->kind != DSVK_QUEUE_EXTRA)
        return true;
    uint32_t n = app->queueCreateInfoCount;
    VkDeviceQueueCreateInfo *infos = edit_alloc(e, sizeof(*infos) * n);
    if (!infos)
        return false;
    memcpy(infos, app->pQueueCreateInfos, sizeof(*infos) * n);
    VkDeviceQueueCreateInfo *q = &infos[plan->create_info];
    float *priorities = edit_alloc(e, sizeof(float) * (q->queueCount + 1));
    if (!priorities)
        return false;
    memcpy(priorities, q->pQueuePriorities, sizeof(float) * q->queueCount);
    priorities[q->queueCount] = plan->priority;
    q->pQueuePriorities = priorities;
    q->queueCount++;
    e->info.pQueueCreateInfos = infos;
    e->changed = true;
    return true;
}

bool dsvk_device_edit_build(dsvk_device_edit *e, const VkDeviceCreateInfo *app,
                            const dsvk_device_support *support, const dsvk_queue_plan *plan)
{
    *e = (dsvk_device_edit){.info = *app};
    e->enabled = dsvk_device_edit_enabled_by(app, support->api_version);
    feature_owners o = find_owners(app->pNext);
    bool v12 = support->api_version >= VK_API_VERSION_1_2;
    bool v11 = support->api_version >= VK_API_VERSION_1_1;
    e->enabled_shader = dsvk_device_edit_shader_enabled_by(app, support->api_version);
    feature_edit edits[5];     /* one per feature below */
    const char *extensions[4]; /* one per edit that may need its extension */
    int n = 0, n_ext = 0;

    if (!e->enabled.timeline_semaphore && support->timeline_semaphore &&
        (v12 || support->khr_timeline_semaphore)) {
        edits[n++] = (feature_edit){
            .owner = o.timeline,
            .new_stype = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_TIMELINE_SEMAPHORE_FEATURES,
            .new_size = sizeof(VkPhysicalDeviceTimelineSemaphoreFeatures),
            .member = timeline_member,
            .name = "timelineSemaphore",
            .enabled = &e->enabled.timeline_semaphore,
        };
        e->enabled.timeline_semaphore = true;
        if (!v12 && !has_extension(app, VK_KHR_TIMELINE_SEMAPHORE_EXTENSION_NAME))
            extensions[n_ext++] = VK_KHR_TIMELINE_SEMAPHORE_EXTENSION_NAME;
    }
    /* bufferDeviceAddress must not be enabled next to VK_EXT_buffer_device_address. */
    if (!e->enabled.buffer_device_address && support->buffer_device_address &&
        (v12 || support->khr_buffer_device_address) &&
        !has_extension(app, VK_EXT_BUFFER_DEVICE_ADDRESS_EXTENSION_NAME)) {
        edits[n++] = (feature_edit){
            .owner = o.bda,
            .new_stype = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_BUFFER_DEVICE_ADDRESS_FEATURES,
            .new_size = sizeof(VkPhysicalDeviceBufferDeviceAddressFeatures),
            .member = bda_member,
            .name = "bufferDeviceAddress",
            .enabled = &e->enabled.buffer_device_address,
        };
        e->enabled.buffer_device_address = true;
        if (!v12 && !has_extension(app, VK_KHR_BUFFER_DEVICE_ADDRESS_EXTENSION_NAME))
            extensions[n_ext++] = VK_KHR_BUFFER_DEVICE_ADDRESS_EXTENSION_NAME;
    }
    /* Memory decompression addresses memory by device address, and both extensions depend
     * on VK_KHR_buffer_device_address (core in 1.2). */
    bool app_decompression =
        e->enabled.memory_decompression_nv || e->enabled.memory_decompression_ext;
    if (!app_decompression && e->enabled.buffer_device_address && support->memory_decompression &&
        (support->ext_memory_decompression || support->nv_memory_decompression)) {
        edits[n++] = (feature_edit){
            .owner = o.decompression,
            .new_stype = STYPE_MEMORY_DECOMPRESSION_FEATURES,
            .new_size = sizeof(VkPhysicalDeviceMemoryDecompressionFeaturesNV),
            .member = decompression_member,
            .name = "memoryDecompression",
        };
        bool *flag;
        if (support->ext_memory_decompression) {
            flag = &e->enabled.memory_decompression_ext;
            if (!has_extension(app, DSVK_VK_EXT_MEMORY_DECOMPRESSION_NAME))
                extensions[n_ext++] = DSVK_VK_EXT_MEMORY_DECOMPRESSION_NAME;
        } else {
            flag = &e->enabled.memory_decompression_nv;
            if (!has_extension(app, DSVK_VK_NV_MEMORY_DECOMPRESSION_NAME))
                extensions[n_ext++] = DSVK_VK_NV_MEMORY_DECOMPRESSION_NAME;
        }
        *flag = true;
        edits[n - 1].enabled = flag;
    }
    /* The GDeflate shader (SPIR-V for Vulkan 1.1) stores bytes. Below 1.2 the feature comes
     * with its extension; below 1.1 the shader cannot run (and VK_KHR_8bit_storage would also
     * need VK_KHR_storage_buffer_storage_class), so nothing is turned on there. shaderInt8 is
     * only reported: no decoder build uses it since the output-window experiment went. */
    if (!e->enabled_shader.storage_buffer_8bit && support->storage_buffer_8bit &&
        (v12 || (v11 && support->khr_8bit_storage))) {
        edits[n++] = (feature_edit){
            .owner = o.storage8,
            .new_stype = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_8BIT_STORAGE_FEATURES,
            .new_size = sizeof(VkPhysicalDevice8BitStorageFeatures),
            .member = storage8_member,
            .name = "storageBuffer8BitAccess",
            .enabled = &e->enabled_shader.storage_buffer_8bit,
        };
        e->enabled_shader.storage_buffer_8bit = true;
        if (!v12 && !has_extension(app, VK_KHR_8BIT_STORAGE_EXTENSION_NAME))
            extensions[n_ext++] = VK_KHR_8BIT_STORAGE_EXTENSION_NAME;
    }
    /* The shader's atomics use Device scope, which a device with vulkanMemoryModel enabled
     * (the application's choice, left as it is) allows only with vulkanMemoryModelDeviceScope,
     * a member of the same structure. Where the device lacks it the description says so and
     * the core does not use the shader. */
    if (e->enabled_shader.vulkan_memory_model &&
        !e->enabled_shader.vulkan_memory_model_device_scope &&
        support->vulkan_memory_model_device_scope) {
        edits[n++] = (feature_edit){
            .owner = o.memory_model, /* holds vulkanMemoryModel, so never NULL here */
            .new_stype = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_MEMORY_MODEL_FEATURES,
            .new_size = sizeof(VkPhysicalDeviceVulkanMemoryModelFeatures),
            .member = device_scope_member,
            .name = "vulkanMemoryModelDeviceScope",
            .enabled = &e->enabled_shader.vulkan_memory_model_device_scope,
        };
        e->enabled_shader.vulkan_memory_model_device_scope = true;
    }

    if (!apply_features(e, app, edits, n))
        goto oom;
    /* A decompression edit that was dropped needs no extension; neither does the
     * decompression feature without buffer device addresses. */
    if (n_ext && !e->enabled.memory_decompression_ext && !e->enabled.memory_decompression_nv) {
        int kept = 0;
        for (int i = 0; i < n_ext; i++)
            if (strcmp(extensions[i], DSVK_VK_EXT_MEMORY_DECOMPRESSION_NAME) &&
                strcmp(extensions[i], DSVK_VK_NV_MEMORY_DECOMPRESSION_NAME))
                extensions[kept++] = extensions[i];
        n_ext = kept;
    }
    if (!add_extensions(e, app, extensions, n_ext) || !add_queue(e, app, plan))
        goto oom;
    return true;
oom:
    dsvk_device_edit_free(e);
    *e = (dsvk_device_edit){.info = *app};
    return false;
}
