/* A test hook that holds requests named "hold*" before they finish, until released. */
#ifndef DSVK_TEST_HOLD_H
#define DSVK_TEST_HOLD_H

#include <pthread.h>
#include <stdbool.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "internal.h"
#include "testing.h"

typedef struct hold {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool released;
    unsigned waiting; /* requests currently held */
} hold;

static inline void hold_hook(void *user, const dsvk_request *req)
{
    hold *h = user;
    if (!req->name || strncmp(req->name, "hold", 4) != 0)
        return;
    pthread_mutex_lock(&h->lock);
    h->waiting++;
    pthread_cond_broadcast(&h->cond);
    while (!h->released)
        pthread_cond_wait(&h->cond, &h->lock);
    h->waiting--;
    pthread_mutex_unlock(&h->lock);
}

static inline void hold_install(dsvk_runtime *rt, hold *h)
{
    memset(h, 0, sizeof(*h));
    pthread_mutex_init(&h->lock, NULL);
    pthread_cond_init(&h->cond, NULL);
    rt->before_finish = hold_hook;
    rt->before_finish_user = h;
}

static inline void hold_wait_held(hold *h, unsigned n)
{
    pthread_mutex_lock(&h->lock);
    while (h->waiting < n)
        pthread_cond_wait(&h->cond, &h->lock);
    pthread_mutex_unlock(&h->lock);
}

static inline void hold_release(hold *h)
{
    pthread_mutex_lock(&h->lock);
    h->released = true;
    pthread_cond_broadcast(&h->cond);
    pthread_mutex_unlock(&h->lock);
}

#endif
