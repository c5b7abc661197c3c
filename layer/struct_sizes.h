/* Sizes of the structures that may extend VkDeviceCreateInfo (generated from vk.xml). */
#ifndef DSVK_LAYER_STRUCT_SIZES_H
#define DSVK_LAYER_STRUCT_SIZES_H

#include <stddef.h>

#include <vulkan/vulkan.h>

typedef struct dsvk_struct_size {
    VkStructureType stype;
    size_t size;
} dsvk_struct_size;

/* Terminated by {VK_STRUCTURE_TYPE_MAX_ENUM, 0}. */
extern const dsvk_struct_size dsvk_device_create_structs[];

#endif
