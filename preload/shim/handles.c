/*
 * Handles the PE side holds for core objects: (generation << 32) | (slot + 1). A handle from
 * the PE side is never trusted as a pointer; it is looked up, its type and generation checked,
 * and a reference taken for the duration of the call, so a racing close cannot free the
 * object under a call that uses it (close waits for the references to go).
 */
#include <pthread.h>
#include <stdlib.h>

#include "shim.h"

typedef struct slot {
    void *object;
    uint32_t gen;
    uint32_t refs;
    uint8_t type; /* 0 = free */
    bool closing;
    uint32_t next_free;
} slot;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t released = PTHREAD_COND_INITIALIZER;
static slot *slots;
static uint32_t n_slots, cap_slots, live;
static uint32_t free_head = UINT32_MAX;

#define MAX_SLOTS (1u << 24)

uint64_t shim_handle_new(shim_handle_type type, void *object)
{
    uint64_t h = 0;
    pthread_mutex_lock(&lock);
    uint32_t i;
    if (free_head != UINT32_MAX) {
        i = free_head;
        free_head = slots[i].next_free;
    } else {
        if (n_slots == cap_slots) {
            uint32_t nc = cap_slots ? cap_slots * 2 : 64;
            slot *ns = nc <= MAX_SLOTS ? realloc(slots, nc * sizeof(*ns)) : NULL;
            if (!ns)
                goto out;
            slots = ns;
            cap_slots = nc;
        }
        i = n_slots++;
        slots[i].gen = 0;
    }
    slot *s = &slots[i];
    s->gen++;
    if (s->gen == 0)
        s->gen = 1;
    s->object = object;
    s->refs = 0;
    s->type = (uint8_t)type;
    s->closing = false;
    live++;
    h = ((uint64_t)s->gen << 32) | (uint64_t)(i + 1);
out:
    pthread_mutex_unlock(&lock);
    return h;
}

/* Lock held. */
static slot *lookup(uint64_t h, shim_handle_type type)
{
    uint32_t idx = (uint32_t)h;
    uint32_t gen = (uint32_t)(h >> 32);
    if (idx == 0 || idx > n_slots)
        return NULL;
    slot *s = &slots[idx - 1];
    if (s->type != type || s->gen != gen)
        return NULL;
    return s;
}

void *shim_handle_get(uint64_t h, shim_handle_type type)
{
    void *obj = NULL;
    pthread_mutex_lock(&lock);
    slot *s = lookup(h, type);
    if (s && !s->closing) {
        s->refs++;
        obj = s->object;
    }
    pthread_mutex_unlock(&lock);
    return obj;
}

void shim_handle_put(uint64_t h)
{
    pthread_mutex_lock(&lock);
    uint32_t idx = (uint32_t)h;
    if (idx && idx <= n_slots && slots[idx - 1].gen == (uint32_t)(h >> 32) &&
        slots[idx - 1].refs > 0) {
        slot *s = &slots[idx - 1];
        if (--s->refs == 0 && s->closing)
            pthread_cond_broadcast(&released);
    }
    pthread_mutex_unlock(&lock);
}

void *shim_handle_close(uint64_t h, shim_handle_type type)
{
    pthread_mutex_lock(&lock);
    slot *s = lookup(h, type);
    if (!s || s->closing) {
        pthread_mutex_unlock(&lock);
        return NULL;
    }
    s->closing = true;
    uint32_t idx = (uint32_t)h - 1;
    while (slots[idx].refs > 0) /* slots may move (realloc): index, not pointer */
        pthread_cond_wait(&released, &lock);
    s = &slots[idx];
    void *obj = s->object;
    s->object = NULL;
    s->type = 0;
    s->closing = false;
    s->next_free = free_head;
    free_head = idx;
    live--;
    pthread_mutex_unlock(&lock);
    return obj;
}

uint32_t shim_handle_count(void)
{
    pthread_mutex_lock(&lock);
    uint32_t n = live;
    pthread_mutex_unlock(&lock);
    return n;
}

void *shim_handle_find_object(shim_handle_type type, bool (*match)(void *object, void *ctx),
                              void *ctx)
{
    void *found = NULL;
    pthread_mutex_lock(&lock);
    for (uint32_t i = 0; i < n_slots && !found; i++)
        if (slots[i].type == type && !slots[i].closing && match(slots[i].object, ctx))
            found = slots[i].object;
    pthread_mutex_unlock(&lock);
    return found;
}
