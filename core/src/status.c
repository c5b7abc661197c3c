/* Status arrays. Elements are written with release ordering and read with acquire. */
#include <stdio.h>
#include <stdlib.h>

#include "internal.h"

static dsvk_result array_new(dsvk_runtime *rt, int32_t *storage, bool owns, uint32_t capacity,
                             const char *name, dsvk_status_array **out)
{
    dsvk_status_array *a = calloc(1, sizeof(*a));
    if (!a)
        return DSVK_E_NO_MEMORY;
    a->rt = rt;
    a->elems = (_Atomic int32_t *)storage;
    a->capacity = capacity;
    a->owns_storage = owns;
    snprintf(a->name, sizeof(a->name), "%s", name ? name : "");
    for (uint32_t i = 0; i < capacity; i++)
        atomic_store_explicit(&a->elems[i], DSVK_OK, memory_order_relaxed);
    atomic_thread_fence(memory_order_release);
    pthread_mutex_lock(&rt->lock);
    dsvk_list_add(&rt->arrays, &a->link);
    pthread_mutex_unlock(&rt->lock);
    *out = a;
    return DSVK_OK;
}

dsvk_result dsvk_status_array_create(dsvk_runtime *rt, uint32_t capacity, const char *name,
                                     dsvk_status_array **out)
{
    if (!rt || !out || capacity == 0 || capacity > (1u << 24))
        return DSVK_E_INVALID_ARGUMENT;
    int32_t *storage = calloc(capacity, sizeof(int32_t));
    if (!storage)
        return DSVK_E_NO_MEMORY;
    dsvk_result r = array_new(rt, storage, true, capacity, name, out);
    if (r != DSVK_OK)
        free(storage);
    return r;
}

dsvk_result dsvk_status_array_wrap(dsvk_runtime *rt, int32_t *storage, uint32_t capacity,
                                   const char *name, dsvk_status_array **out)
{
    if (!rt || !out || !storage || capacity == 0 || ((uintptr_t)storage & 3))
        return DSVK_E_INVALID_ARGUMENT;
    return array_new(rt, storage, false, capacity, name, out);
}

void dsvk_status_array_destroy(dsvk_status_array *a)
{
    if (!a)
        return;
    pthread_mutex_lock(&a->rt->lock);
    dsvk_list_remove(&a->link);
    pthread_mutex_unlock(&a->rt->lock);
    if (a->owns_storage)
        free((void *)a->elems);
    free(a);
}

bool dsvk_status_array_is_complete(const dsvk_status_array *a, uint32_t index)
{
    if (!a || index >= a->capacity)
        return true;
    return atomic_load_explicit(&a->elems[index], memory_order_acquire) != DSVK_E_PENDING;
}

dsvk_result dsvk_status_array_get_result(const dsvk_status_array *a, uint32_t index)
{
    if (!a || index >= a->capacity)
        return DSVK_E_INDEX_BOUND;
    return (dsvk_result)atomic_load_explicit(&a->elems[index], memory_order_acquire);
}

uint32_t dsvk_status_array_capacity(const dsvk_status_array *a)
{
    return a ? a->capacity : 0;
}
