/* The layer's dispatch-key map: chained buckets under one mutex. Few objects live at once
 * (an instance or two, a device or two), so the lock is short and rarely contended. */
#include <stdint.h>
#include <stdlib.h>

#include "object_map.h"

static unsigned bucket_of(const void *key)
{
    uintptr_t k = (uintptr_t)key;
    /* Dispatch tables are heap blocks: the low bits carry no information. */
    k ^= k >> 17;
    k *= (uintptr_t)0x9E3779B97F4A7C15ull;
    return (unsigned)(k >> (sizeof(k) * 8 - 6)) % DSVK_OBJECT_MAP_BUCKETS;
}

bool dsvk_object_map_put(dsvk_object_map *map, const void *key, void *value)
{
    dsvk_object_entry *fresh = malloc(sizeof(*fresh));
    if (!fresh)
        return false;
    unsigned b = bucket_of(key);
    pthread_mutex_lock(&map->lock);
    for (dsvk_object_entry *e = map->buckets[b]; e; e = e->next) {
        if (e->key == key) {
            e->value = value;
            pthread_mutex_unlock(&map->lock);
            free(fresh);
            return true;
        }
    }
    *fresh = (dsvk_object_entry){.key = key, .value = value, .next = map->buckets[b]};
    map->buckets[b] = fresh;
    pthread_mutex_unlock(&map->lock);
    return true;
}

void *dsvk_object_map_get(dsvk_object_map *map, const void *key)
{
    void *value = NULL;
    unsigned b = bucket_of(key);
    pthread_mutex_lock(&map->lock);
    for (dsvk_object_entry *e = map->buckets[b]; e; e = e->next) {
        if (e->key == key) {
            value = e->value;
            break;
        }
    }
    pthread_mutex_unlock(&map->lock);
    return value;
}

void *dsvk_object_map_take(dsvk_object_map *map, const void *key)
{
    void *value = NULL;
    dsvk_object_entry *gone = NULL;
    unsigned b = bucket_of(key);
    pthread_mutex_lock(&map->lock);
    for (dsvk_object_entry **p = &map->buckets[b]; *p; p = &(*p)->next) {
        if ((*p)->key == key) {
            gone = *p;
            *p = gone->next;
            value = gone->value;
            break;
        }
    }
    pthread_mutex_unlock(&map->lock);
    free(gone);
    return value;
}
