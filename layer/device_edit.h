/*
 * The VkDeviceCreateInfo the layer passes down for a captured device: the application's,
 * deep-copied where it changes, never written.
 *
 * Changes:
 * - the queue plan's EXTRA queue: the family's VkDeviceQueueCreateInfo gets one more queue
 *   and a priorities array with one more entry (the array of create infos is copied);
 * - features dsvk's GPU path uses, when the device supports them and the application did
 *   not enable them: timelineSemaphore, bufferDeviceAddress, memoryDecompression (with
 *   VK_EXT_memory_decompression, else VK_NV_memory_decompression), and for the GDeflate
 *   shader storageBuffer8BitAccess and, when the application enabled vulkanMemoryModel,
 *   vulkanMemoryModelDeviceScope (shaderInt8 is only reported). A feature goes into the
 *   structure the application already chains for it (VkPhysicalDeviceVulkan12Features, or the
 *   feature's own structure), else into a new structure put at the head of the chain. Editing
 *   a structure of the application's chain means copying it and every structure in front of
 *   it; that needs their sizes (struct_sizes.h), so a feature whose structure sits behind one
 *   the headers do not know is left as it is (reported in `skipped`);
 * - the extensions those features need (appended to a copied name array).
 */
#ifndef DSVK_LAYER_DEVICE_EDIT_H
#define DSVK_LAYER_DEVICE_EDIT_H

#include <stdbool.h>
#include <stdint.h>

#include <dsvk/vulkan.h>

#include "queue_plan.h"

/* What the physical device offers (from vkGetPhysicalDeviceFeatures2 and the extension list). */
typedef struct dsvk_device_support {
    uint32_t api_version; /* the version the device is used with */
    bool timeline_semaphore;
    bool buffer_device_address;
    bool memory_decompression; /* the feature, with one of the two extensions below */
    bool ext_memory_decompression;
    bool nv_memory_decompression;
    bool storage_buffer_8bit;
    bool vulkan_memory_model_device_scope;
    bool khr_timeline_semaphore; /* the extensions, for devices used below Vulkan 1.2 */
    bool khr_buffer_device_address;
    bool khr_8bit_storage;
} dsvk_device_support;

typedef struct dsvk_device_edit {
    VkDeviceCreateInfo info; /* what to pass down; points into the application's structures
                                and into copies owned by this object */
    bool changed;            /* info differs from the application's */
    dsvk_vk_enabled enabled; /* what the device is created with, the application's and ours */
    dsvk_vk_enabled_shader enabled_shader; /* the same for the shader's features */
    const char *skipped;            /* a feature that could not be enabled and why, or NULL */
    struct dsvk_edit_block *blocks; /* the copies */
} dsvk_device_edit;

/* Builds the edit. Returns false when out of memory (edit is then empty). */
bool dsvk_device_edit_build(dsvk_device_edit *edit, const VkDeviceCreateInfo *app,
                            const dsvk_device_support *support, const dsvk_queue_plan *plan);

/* What the application's own create info enables. */
dsvk_vk_enabled dsvk_device_edit_enabled_by(const VkDeviceCreateInfo *info, uint32_t api_version);
dsvk_vk_enabled_shader dsvk_device_edit_shader_enabled_by(const VkDeviceCreateInfo *info,
                                                          uint32_t api_version);

void dsvk_device_edit_free(dsvk_device_edit *edit);

/* sizeof the structure with this sType when it may extend VkDeviceCreateInfo, else 0. */
size_t dsvk_device_struct_size(VkStructureType stype);

#endif
