/*
 * A small map from a dispatchable handle's dispatch key to the layer's data for it.
 *
 * The dispatch key is the first pointer-sized word of a dispatchable handle: the loader's
 * dispatch table pointer. A VkPhysicalDevice has its VkInstance's key and a VkQueue its
 * VkDevice's, so one lookup finds the parent's data. The lock is held only inside these
 * functions, never while the layer calls down the chain.
 */
#ifndef DSVK_LAYER_OBJECT_MAP_H
#define DSVK_LAYER_OBJECT_MAP_H

#include <pthread.h>
#include <stdbool.h>

#define DSVK_OBJECT_MAP_BUCKETS 64

typedef struct dsvk_object_entry {
    const void *key;
    void *value;
    struct dsvk_object_entry *next;
} dsvk_object_entry;

typedef struct dsvk_object_map {
    pthread_mutex_t lock;
    dsvk_object_entry *buckets[DSVK_OBJECT_MAP_BUCKETS];
} dsvk_object_map;

#define DSVK_OBJECT_MAP_INIT                                                                       \
    {                                                                                              \
        .lock = PTHREAD_MUTEX_INITIALIZER                                                          \
    }

/* The dispatch key of a dispatchable handle. */
static inline const void *dsvk_dispatch_key(const void *handle)
{
    return *(const void *const *)handle;
}

/* Adds or replaces. Returns false when out of memory. */
bool dsvk_object_map_put(dsvk_object_map *map, const void *key, void *value);
void *dsvk_object_map_get(dsvk_object_map *map, const void *key);
/* Removes the entry and returns its value (NULL when absent). */
void *dsvk_object_map_take(dsvk_object_map *map, const void *key);

#endif
